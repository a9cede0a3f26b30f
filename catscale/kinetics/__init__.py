"""Mean-field microkinetics: rates, transient, verified steady states, analysis, maps.

The rate law is mass action in the CatMAP convention (DESIGN.md): the gases enter as their
activities p / p0 with p0 = 1 bar (:data:`catscale.units.P0`), i.e. their partial pressures
in bar (every ``pressures`` argument here: :attr:`catscale.model.Model.activities`, or
:func:`catscale.units.activities` of partial pressures in Pa); coverages per site kind, rates
and TOFs in s^-1 per site. Energies in eV, T in K.
"""

from ._analysis import (
    analyze,
    apparent_activation_energy,
    coverage_sensitivity,
    degree_of_rate_control,
    degree_of_thermodynamic_rate_control,
    rate_constant_T_derivatives,
    reaction_orders,
    sensitivity,
)
from ._lateral import interaction_matrix, lateral_matrices
from ._maps import descriptor_map, plot_map
from ._network import Network, build_network
from ._steady import (
    SteadyState,
    check_underflow,
    energetics_network,
    solve_network,
    steady_state,
)
from ._sweep import SweepPoint, sweep_steady_states
from ._transient import Transient, clean_surface, integrate_network

__all__ = [
    "Network", "build_network", "lateral_matrices", "interaction_matrix",
    "SteadyState", "steady_state", "energetics_network", "check_underflow", "solve_network",
    "SweepPoint",
    "sweep_steady_states",
    "Transient", "integrate_network", "clean_surface",
    "degree_of_rate_control", "degree_of_thermodynamic_rate_control", "reaction_orders",
    "apparent_activation_energy", "rate_constant_T_derivatives", "sensitivity",
    "coverage_sensitivity", "analyze",
    "descriptor_map", "plot_map",
]
