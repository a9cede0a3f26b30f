"""Reactor scale: packed-bed plug-flow reactor (isothermal or adiabatic) and CSTR.

Both take a callable observed rate per volume of bed at local conditions,
``rate(c [mol m^-3], T [K]) -> (R [mol m^-3 s^-1], q [W m^-3])``; see
``catscale.bridges.pellet_to_reactor`` for the one built from pellet solves. Reactor types
are chosen by name from :data:`REACTORS` (``register_reactor`` adds one).
"""

from ._reactors import (
    ReactorResult,
    check_selection,
    cstr,
    invariants_of,
    key_per_product,
    overall_key_stoichiometry,
    pfr,
)
from ._registry import REACTORS, ReactorType, reactor_type, register_reactor

__all__ = ["ReactorResult", "pfr", "cstr", "key_per_product", "overall_key_stoichiometry",
           "invariants_of", "check_selection", "REACTORS", "ReactorType",
           "reactor_type", "register_reactor"]
