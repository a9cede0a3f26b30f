"""Mean-field microkinetics: rates, transient, verified steady states, analysis, maps.

The rate law is mass action in the CatMAP convention (DESIGN.md): partial pressures in bar,
coverages per site kind, rates and TOFs in s^-1 per site. Energies in eV, T in K.
"""

from ._lateral import interaction_matrix, lateral_matrices
from ._network import Network, build_network
from ._steady import SteadyState, solve_network, steady_state
from ._transient import Transient, clean_surface, integrate_network

__all__ = [
    "Network", "build_network", "lateral_matrices", "interaction_matrix",
    "SteadyState", "steady_state", "solve_network",
    "Transient", "integrate_network", "clean_surface",
]
