"""Lattice kinetic Monte Carlo: lattices, events, lateral interactions, a numba VSSM kernel,
observables, checkpointing and replicas.

The rate constants come from the same :class:`catscale.mechanism.RateTable` as mean field;
the conversion to per-event lattice rates is the bridging law
:mod:`catscale.bridges.rates_to_kmc` (``kmc_model(mechanism, rates, pressures, lattice)``).

Named lattices come from the lattice registry :data:`LATTICES` (defined in the core module
:mod:`catscale.lattices`, because the diffusion closures read it too; re-exported here):
``register_lattice(LatticeKind(...))`` adds one for kMC, the lattice gas, the diffusion
closures, ``Model.coordination()`` and the model-file schema at once.
"""

from ..lattices import LATTICES, LatticeKind, lattice_kind, lattice_names, register_lattice
from ._convergence import Convergence, assess, coverage_drift, element_balance
from ._events import Cluster, KMCModel, LateralInteractions, Process, compile_model
from ._ising import (
    coexistence_coverages,
    correlation_length_exact,
    critical_temperature_exact,
    half_coverage_chemical_potential,
    spontaneous_magnetisation,
)
from ._lattice import Lattice
from ._observables import (
    cluster_size_distribution,
    cluster_sizes,
    correlation_function,
    correlation_length,
    length_from_correlation,
    length_from_projection,
    mser_warmup,
    pair_correlation,
    pair_probabilities,
    projected_correlation,
    snapshot_png,
    weighted_mean_error,
)
from ._replicas import combine_replicas, replica_seeds, run_replicas
from ._simulate import FastDiffusion, KMCConfig, KMCResult, Simulation, simulate

__all__ = [
    "Lattice", "LATTICES", "LatticeKind", "lattice_kind", "lattice_names", "register_lattice",
    "Process", "Cluster", "LateralInteractions", "KMCModel", "compile_model",
    "KMCConfig", "FastDiffusion", "Convergence", "assess", "element_balance",
    "coverage_drift", "KMCResult", "Simulation", "simulate",
    "run_replicas", "combine_replicas", "replica_seeds",
    "pair_probabilities", "pair_correlation", "correlation_function", "correlation_length",
    "length_from_correlation", "length_from_projection", "projected_correlation",
    "cluster_sizes",
    "cluster_size_distribution", "mser_warmup", "weighted_mean_error", "snapshot_png",
    "coexistence_coverages", "correlation_length_exact", "critical_temperature_exact",
    "half_coverage_chemical_potential", "spontaneous_magnetisation",
]
