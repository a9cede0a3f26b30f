"""Bridge pellet -> reactor: the observed rate per bed volume from pellet solves.

At every point of the bed the pellet problem is solved at the local bulk concentrations and
temperature; the observed production per pellet volume (surface flux x S/V, i.e.
effectiveness x intrinsic rate) times the solid fraction (1 - bed voidage) is the rate per bed
volume the reactor integrates. Units: c in mol m^-3, T in K, R in mol m^-3(bed) s^-1, q in
W m^-3(bed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..errors import InvalidParameterError
from ..pellet import Pellet, PelletState, RateLaw, solve_pellet

__all__ = ["BedRateSpec", "bed_rate_from_pellet", "pellet_effectiveness"]


@dataclass(frozen=True)
class BedRateSpec:
    """What the bed rate needs: pellet, kinetics, bed voidage (0 <= eps_b < 1), grid."""

    pellet: Pellet
    kinetics: RateLaw
    bed_voidage: float
    n_cells: int = 60

    def __post_init__(self):
        if not 0 <= self.bed_voidage < 1:
            raise InvalidParameterError("bed_voidage", "in [0, 1)", self.bed_voidage)


def bed_rate_from_pellet(spec: BedRateSpec) -> Callable[[np.ndarray, float],
                                                          tuple[np.ndarray, float]]:
    """Observed rate per bed volume, ``rate(c, T) -> (R, q)``, for ``catscale.reactor``.

    Each call solves the pellet (Newton, warm-started from the previous call's state, which
    follows one branch continuously along the bed when several steady states exist;
    continuation if Newton fails).

    Parameters
    ----------
    spec : BedRateSpec

    Returns
    -------
    callable
        c (n,) mol m^-3, T K -> (R (n,) mol m^-3 s^-1, q W m^-3), per bed volume.
    """
    solid = 1.0 - spec.bed_voidage
    last: dict[str, PelletState | None] = {"state": None}

    def rate(c, T):
        res = solve_pellet(spec.pellet, spec.kinetics, np.maximum(np.asarray(c, float), 0.0),
                           float(T), n_cells=spec.n_cells, method="newton",
                           initial=last["state"])
        st = res.states[0]
        last["state"] = st
        return solid * st.observed_rate, solid * st.observed_heat

    return rate


def pellet_effectiveness(spec: BedRateSpec, c, T: float) -> float:
    """Overall effectiveness factor of the key reactant at bulk state (c mol m^-3, T K)."""
    res = solve_pellet(spec.pellet, spec.kinetics, np.maximum(np.asarray(c, float), 0.0),
                       float(T), n_cells=spec.n_cells, method="newton")
    return float(res.states[0].effectiveness_overall)
