"""Lattice-gas kinetic Monte Carlo for surface-diffusion observables.

A nearest-neighbour lattice gas on a registered Bravais lattice (square, hexagonal, ...;
tables from :class:`catscale.kmc.Lattice`) with hop kinetics that obey detailed balance
(Metropolis, initial-state or symmetric BEP rules). Canonical mode: hops only, tagged
particles with unwrapped displacements (tracer and centre-of-mass diffusion). Grand-canonical
mode: hops plus adsorption/desorption at chemical potential mu (particle-number
fluctuations, thermodynamic factor). Rejection-free (BKL) numba kernel in ``_kernels.py``,
pure-Python twin in ``_reference.py``. Conversion of trajectories into diffusion
coefficients: :mod:`catscale.bridges.kmc_to_diffusion`.

Units: energies eV, T in K, rates s^-1, times s, lengths m.
"""

from ._runner import (
    CanonicalRun,
    CoverageControl,
    DiffusionSampling,
    GrandCanonicalRun,
    LatticeGasConfig,
    control_coverage,
    exchange_tables,
    hop_rate_table,
    neighbour_table,
    run_canonical,
    run_grand_canonical,
    sample_diffusion,
    tune_chemical_potential,
)

__all__ = [
    "CanonicalRun", "CoverageControl", "DiffusionSampling", "GrandCanonicalRun",
    "LatticeGasConfig", "control_coverage", "exchange_tables",
    "hop_rate_table", "neighbour_table", "run_canonical", "run_grand_canonical",
    "sample_diffusion", "tune_chemical_potential",
]
