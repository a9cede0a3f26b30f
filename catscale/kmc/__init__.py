"""Lattice kinetic Monte Carlo: lattices, events, lateral interactions, a numba VSSM kernel,
observables, checkpointing and replicas.

The rate constants come from the same :class:`catscale.mechanism.RateTable` as mean field;
the conversion to per-event lattice rates is the bridging law
:mod:`catscale.bridges.rates_to_kmc`.
"""

from ._lattice import Lattice

__all__ = ["Lattice"]
