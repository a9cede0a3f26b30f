"""Pellet scale: steady reaction-diffusion in a slab, infinite cylinder or sphere.

Any kinetics (a :class:`RateLaw` of local concentrations and temperature), Fickian or
user-supplied (Maxwell-Stefan / dusty-gas) fluxes, film mass and heat transfer, a
non-isothermal energy balance; Thiele moduli (Aris first order, Bischoff generalised),
effectiveness factors, regime, Weisz-Prater and Mears criteria, profiles, and every steady
state on the branch found by pseudo-arclength continuation; the exact one-species reduction
(``solve_line_pellet``) for one reaction in an isothermal pellet with one diffusivity.

Units: m, s, K, mol m^-3; rates per pellet volume in mol m^-3 s^-1; heat in W m^-3.
"""

from ._geometry import (
    SHAPES,
    characteristic_length,
    effectiveness_first_order,
    generalized_thiele_nth_order,
    shape_exponent,
)
from ._kinetics import RateLaw, power_law
from ._line import LineSolution, solve_line_pellet
from ._solve import (
    REGIMES,
    Pellet,
    PelletResult,
    PelletState,
    classify_regime,
    generalized_modulus,
    regularization_bound,
    solve_pellet,
)

__all__ = [
    "SHAPES", "REGIMES", "characteristic_length", "effectiveness_first_order",
    "generalized_thiele_nth_order", "generalized_modulus", "RateLaw", "power_law", "Pellet",
    "PelletResult", "PelletState", "solve_pellet", "shape_exponent", "LineSolution",
    "solve_line_pellet", "classify_regime", "regularization_bound",
]
