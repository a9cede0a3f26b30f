"""catscale.uq: uncertainty across scales.

Named uncertain inputs (epistemic: correlated DFT energy errors, BEEF-style ensembles,
systematic shifts per class of species; aleatoric: site-energy heterogeneity), forward
propagation (quasi-random Monte Carlo, polynomial chaos), variance split by source, Sobol
sensitivity (SALib), and ensembles on dask.distributed with an incremental, resumable store.
Energies are in eV.
"""

from ._chain import ChainModel, chain_function, space_from_section
from ._distributions import (
    KINDS,
    Distribution,
    EnergyEnsemble,
    LogNormal,
    MultivariateNormal,
    Normal,
    SiteClass,
    SiteEnergies,
    UncertainInput,
    UncertaintySpace,
    Uniform,
    sample_seed,
)
from ._ensemble import (
    CLUSTER_OVERHEAD_S,
    EnsembleResult,
    choose_scheduler,
    flatten_outputs,
    open_client,
    run_ensemble,
)
from ._outputs import OUTPUTS, UQOutput
from ._plots import plot_histograms, plot_sobol
from ._propagation import (
    MonteCarloResult,
    OutputSummary,
    PCEResult,
    VarianceSplit,
    monte_carlo,
    polynomial_chaos,
    site_averaging,
    summarize,
    variance_by_kind,
)
from ._sensitivity import (
    INTERVAL_TARGET,
    SobolResult,
    index_warnings,
    noise_floor,
    sobol_indices,
)
from ._stage import UQResult, output_units
from ._stage import run as run_stage
from ._study import study_text, uq_study

__all__ = [
    "KINDS", "Distribution", "Normal", "Uniform", "LogNormal", "MultivariateNormal",
    "EnergyEnsemble", "SiteClass", "SiteEnergies", "UncertainInput", "UncertaintySpace",
    "sample_seed", "EnsembleResult", "run_ensemble", "flatten_outputs", "open_client",
    "choose_scheduler", "CLUSTER_OVERHEAD_S",
    "OutputSummary", "summarize", "MonteCarloResult", "monte_carlo", "PCEResult",
    "polynomial_chaos", "VarianceSplit", "variance_by_kind", "site_averaging",
    "SobolResult", "sobol_indices", "index_warnings", "noise_floor", "INTERVAL_TARGET",
    "ChainModel", "chain_function", "OUTPUTS", "UQOutput",
    "space_from_section",
    "uq_study", "study_text", "plot_histograms", "plot_sobol", "UQResult", "output_units",
    "run_stage",
]
