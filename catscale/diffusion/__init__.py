"""Surface diffusion: thermodynamic closures of the lattice gas, hop-rate rules, chemical
diffusivity D_c(theta) = D_jump(theta) Phi(theta), and Cahn-Hilliard (uphill) dynamics.

Units: energies in eV, temperatures in K, lengths in m, rates in s^-1, diffusivities in m^2/s.
"""

from ._cahn_hilliard import (
    CahnHilliardModel,
    CahnHilliardResult,
    dominant_wavelength,
    fastest_growing_wavelength,
    lattice_gas_model,
    linear_growth_rate,
    solve_cahn_hilliard,
)
from ._curve import DiffusionCurve, chemical_diffusivity
from ._hopping import (
    HOP_RULES,
    effective_barrier,
    hop_rate_table,
    jump_diffusivity_mf,
    mean_hop_rate,
)
from ._lattice import LATTICES, coordination, free_diffusivity
from ._thermodynamic_factor import (
    CLOSURES,
    chemical_potential,
    critical_temperature,
    spinodal,
    thermodynamic_factor,
)

__all__ = [
    "CLOSURES", "HOP_RULES", "LATTICES",
    "CahnHilliardModel", "CahnHilliardResult", "DiffusionCurve",
    "chemical_diffusivity", "chemical_potential", "coordination", "critical_temperature",
    "dominant_wavelength", "effective_barrier", "fastest_growing_wavelength",
    "free_diffusivity", "hop_rate_table", "jump_diffusivity_mf", "lattice_gas_model",
    "linear_growth_rate", "mean_hop_rate", "solve_cahn_hilliard", "spinodal",
    "thermodynamic_factor",
]
