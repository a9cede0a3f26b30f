"""catscale.atomistic: potential energy surfaces through ASE (relaxation, CI-NEB, vibrations,
cached in an ASE database), Born-Oppenheimer validity (Landau-Zener), non-adiabatic and
electrode kinetics (golden rule, Marcus, Marcus-Hush-Chidsey, Butler-Volmer, computational
hydrogen electrode) and QM/MM embedding.

Energies eV, lengths Angstrom (structures, as in ASE), frequencies cm^-1, rates s^-1,
temperatures K. Heavy optional backends (PySCF, tblite, Sella) are imported lazily.
"""

from ._cache import PESCache, cache_key
from ._calculators import CalculatorSpec
from ._electrochem import che_free_energy, electrochemical_rate_table, limiting_potential
from ._golden_rule import (
    eh_pair_damping_rate,
    golden_rule_rate,
    newns_anderson_dos,
    persson_damping_rate,
    semielliptic_hybridization,
)
from ._landau_zener import (
    DiabaticModel,
    LandauZenerResult,
    landau_zener,
    landau_zener_probability,
    lz_corrected_tst_rate,
    lz_transmission,
    massey_parameter,
    tdse_two_level,
    thermal_lz_transmission,
)
from ._marcus import (
    butler_volmer_current,
    butler_volmer_rate,
    marcus_rate,
    mhc_rate,
    mhc_rate_closed_form,
)
from ._pes import (
    Minimum,
    NEBResult,
    VibrationalResult,
    adsorbate_on_slab,
    free_atoms,
    neb,
    read_structure,
    relax,
    saddle_search,
    vibrations,
)
from ._qmmm import (
    COULOMB_EV_A,
    EmbeddingComparison,
    MMRegion,
    QMMMResult,
    QMRegion,
    compare_embeddings,
    mm_mm_energy,
    proton_transfer_path,
    qmmm_energy,
)

__all__ = [
    "CalculatorSpec", "PESCache", "cache_key", "Minimum", "NEBResult", "VibrationalResult",
    "adsorbate_on_slab", "free_atoms", "neb", "read_structure", "relax", "saddle_search",
    "vibrations",
    "QMRegion", "MMRegion", "QMMMResult", "EmbeddingComparison", "qmmm_energy",
    "compare_embeddings", "proton_transfer_path", "mm_mm_energy", "COULOMB_EV_A",
    "DiabaticModel", "LandauZenerResult", "landau_zener", "landau_zener_probability",
    "lz_corrected_tst_rate", "lz_transmission", "massey_parameter", "tdse_two_level",
    "thermal_lz_transmission",
    "marcus_rate", "mhc_rate", "mhc_rate_closed_form", "butler_volmer_rate",
    "butler_volmer_current",
    "che_free_energy", "electrochemical_rate_table", "limiting_potential",
    "golden_rule_rate", "newns_anderson_dos", "semielliptic_hybridization",
    "eh_pair_damping_rate", "persson_damping_rate",
]
