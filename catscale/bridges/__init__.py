"""Bridging laws: the only code that imports two scales (see DESIGN.md).

One module per interface, each law a pure function. Names are re-exported lazily, so that
importing :mod:`catscale.bridges` does not import every scale package.

thermo_to_rates
    eyring, harmonic_tst, wigner, eckart, collision_adsorption, reverse_rate,
    equilibrium_constant, bep, transition_state_scaling, linear_scaling,
    abild_pedersen_slope
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY: dict[str, str] = {
    name: "thermo_to_rates"
    for name in (
        "eyring", "harmonic_tst", "wigner", "eckart", "collision_adsorption", "reverse_rate",
        "equilibrium_constant", "bep", "transition_state_scaling", "linear_scaling",
        "abild_pedersen_slope",
    )
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
