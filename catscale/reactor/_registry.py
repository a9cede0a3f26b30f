"""Registry of reactor types: name -> solver and what it reads of the ``reactor:`` section.

Every entry's solver has the signature of :func:`~catscale.reactor.pfr`:
``solve(rate, species, F_in, T_in, P, volume, *, adiabatic, heat_capacity, key, products,
**options)`` with ``options`` taken from the section keys the entry names. An entry also
states its conversion for an isothermal first-order reaction A -> B at Damkohler number
``k tau`` (tau = V / Q, Q the volumetric flow), which the common reactor test checks against
the solver (Levenspiel, *Chemical Reaction Engineering*, 3rd ed. (1999), ch. 5). A new
reactor type is one :func:`register_reactor` call; the ``reactor:`` schema and the CLI read
the registry.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..registry import Registry
from ._reactors import ReactorResult, cstr, pfr


@dataclass(frozen=True)
class ReactorType:
    """One reactor type.

    Parameters
    ----------
    name : str
        Registry name (the section's ``type``).
    solve : callable
        Solver with the signature of :func:`catscale.reactor.pfr`, returning a
        :class:`~catscale.reactor.ReactorResult`.
    section_keys : tuple of str
        Keys of the ``reactor:`` section passed to ``solve`` as keyword options of the same
        name (besides the common ones: adiabatic, heat_capacity, key, products).
    first_order_conversion : callable
        Conversion X(k tau) of an isothermal first-order reaction at constant volumetric
        flow (dimensionless -> dimensionless).
    description : str
    """

    name: str
    solve: Callable[..., ReactorResult]
    section_keys: tuple[str, ...] = ()
    first_order_conversion: Callable[[float], float] | None = None
    description: str = ""

    def options(self, section: Any) -> dict:
        """Solver keyword options from a ``reactor:`` section (its ``section_keys``)."""
        return {k: getattr(section, k) for k in self.section_keys}


#: every reactor type, by name
REACTORS: Registry[ReactorType] = Registry("reactor.type")


def register_reactor(entry: ReactorType, *, replace: bool = False) -> ReactorType:
    """Add ``entry`` to :data:`REACTORS`; returns it."""
    return REACTORS.register(entry, replace=replace)


def reactor_type(name: str) -> ReactorType:
    """The registered reactor type ``name``; an unknown name lists the available ones."""
    return REACTORS.lookup(name)


register_reactor(ReactorType(
    "pfr", pfr, section_keys=("n_points",),
    first_order_conversion=lambda ktau: -math.expm1(-ktau),
    description="packed-bed plug-flow reactor (isothermal or adiabatic)"))
register_reactor(ReactorType(
    "cstr", cstr, first_order_conversion=lambda ktau: ktau / (1.0 + ktau),
    description="continuous stirred-tank reactor (every steady state)"))
