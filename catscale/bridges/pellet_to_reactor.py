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

__all__ = ["BedRateSpec", "bed_rate_from_pellet", "pellet_effectiveness", "pellet_states_along_bed",
           "bed_rate_error"]


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


def bed_rate_from_pellet(spec: BedRateSpec, initial: PelletState | None = None
                         ) -> Callable[[np.ndarray, float], tuple[np.ndarray, float]]:
    """Observed rate per bed volume, ``rate(c, T) -> (R, q)``, for ``catscale.reactor``.

    Each call solves the pellet (Newton, warm-started from the previous call's state, which
    follows one branch continuously along the bed when several steady states exist;
    continuation if Newton fails).

    Parameters
    ----------
    spec : BedRateSpec
    initial : PelletState, optional
        Start of the first solve (e.g. the inlet pellet of an earlier, coarser solve).

    Returns
    -------
    callable
        c (n,) mol m^-3, T K -> (R (n,) mol m^-3 s^-1, q W m^-3), per bed volume. Its
        attribute ``states`` holds the first and the latest pellet solved
        (``{"first": PelletState, "state": PelletState}``).
    """
    solid = 1.0 - spec.bed_voidage
    last: dict[str, PelletState | None] = {"state": initial, "first": None}

    def rate(c, T):
        res = solve_pellet(spec.pellet, spec.kinetics, np.maximum(np.asarray(c, float), 0.0),
                           float(T), n_cells=spec.n_cells, method="newton",
                           initial=last["state"])
        st = res.states[0]
        last["state"] = st
        if last["first"] is None:
            last["first"] = st
        return solid * st.observed_rate, solid * st.observed_heat

    rate.states = last
    return rate


def pellet_effectiveness(spec: BedRateSpec, c, T: float) -> float:
    """Overall effectiveness factor of the key reactant at bulk state (c mol m^-3, T K)."""
    res = solve_pellet(spec.pellet, spec.kinetics, np.maximum(np.asarray(c, float), 0.0),
                       float(T), n_cells=spec.n_cells, method="newton")
    return float(res.states[0].effectiveness_overall)


def pellet_states_along_bed(spec: BedRateSpec, c_bed, T_bed,
                            initial: PelletState | None = None) -> list[PelletState]:
    """Pellet solutions at bulk states along the bed, each warm-started from the previous one.

    Parameters
    ----------
    spec : BedRateSpec
    c_bed : array (n, m)
        Bulk concentrations at m bed points, mol m^-3.
    T_bed : array (m,) or float
        Bulk temperature, K.
    initial : PelletState, optional
        Start of the first solve.

    Returns
    -------
    list of PelletState
        One per bed point (the branch followed continuously from the first point).
    """
    C = np.asarray(c_bed, float)
    TT = np.broadcast_to(np.asarray(T_bed, float), (C.shape[1],))
    out: list[PelletState] = []
    last = initial
    for k in range(C.shape[1]):
        res = solve_pellet(spec.pellet, spec.kinetics, np.maximum(C[:, k], 0.0), float(TT[k]),
                           n_cells=spec.n_cells, method="newton", initial=last)
        last = res.states[0]
        out.append(last)
    return out


def bed_rate_error(spec: BedRateSpec, direct: RateLaw, c_bed, T_bed, *, n_bed: int = 8,
                   n_radial: int = 6, initial: PelletState | None = None
                   ) -> tuple[float, np.ndarray, np.ndarray]:
    """Verify a tabulated rate law on the pellets the reactor actually visits.

    The pellet is solved with ``spec.kinetics`` at ``n_bed`` bulk states spread along the
    bed; at ``n_radial`` points of each pellet profile the key species' rate of
    ``spec.kinetics`` is compared with ``direct`` (e.g. the mean-field steady state at that
    composition). The error is relative to the largest |direct rate| over all those points,
    the scale on which the reactor's conversion depends.

    Parameters
    ----------
    spec : BedRateSpec
        Pellet, the tabulated kinetics to check, voidage and cells.
    direct : RateLaw
        The reference rate law (same species and key), mol m^-3 s^-1.
    c_bed : array (n, m)
        Bulk concentrations along the bed, mol m^-3.
    T_bed : array (m,)
        Bulk temperature along the bed, K.
    n_bed, n_radial : int
        Bed points and radial points per pellet where the two laws are compared.
    initial : PelletState, optional
        Start of the first pellet solve (the pellets follow the bed, warm-started).

    Returns
    -------
    (float, ndarray, ndarray)
        The relative error (dimensionless), and the smallest and largest concentration of
        each species inside any of those pellets, mol m^-3 (the range a refined table must
        cover).
    """
    C = np.asarray(c_bed, float)
    TT = np.broadcast_to(np.asarray(T_bed, float), (C.shape[1],))
    cols = np.unique(np.linspace(0, C.shape[1] - 1, max(int(n_bed), 1)).astype(int))
    pts, temps = [], []
    lo = np.full(C.shape[0], np.inf)
    hi = np.full(C.shape[0], -np.inf)
    for st in pellet_states_along_bed(spec, C[:, cols], TT[cols], initial=initial):
        lo = np.minimum(lo, st.c.min(axis=1))
        hi = np.maximum(hi, st.c.max(axis=1))
        idx = np.unique(np.linspace(0, st.c.shape[1] - 1, max(int(n_radial), 1)).astype(int))
        pts.append(st.c[:, idx])
        temps.append(np.asarray(st.T, float)[idx])
    P, Tp = np.concatenate(pts, axis=1), np.concatenate(temps)
    key = direct.key
    ref = direct(P, Tp)[key]
    err = float(np.max(np.abs(spec.kinetics(P, Tp)[key] - ref))
                / max(float(np.max(np.abs(ref))), 1e-300))
    return err, lo, hi
