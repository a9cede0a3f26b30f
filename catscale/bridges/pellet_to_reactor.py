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
           "bed_rate_error", "first_order_bed_rate", "line_bed_rate", "packed_bed"]


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


def first_order_bed_rate(pellet: Pellet, kinetics: RateLaw, bed_voidage: float):
    """Observed rate per bed volume of a first-order isothermal pellet, from the closed form.

    rate(c, T) = (1 - eps_b) eta(phi) R(c, T) with phi = L sqrt(k(T) / D_eff) and eta the
    analytic first-order effectiveness factor (:func:`catscale.pellet.effectiveness_first_order`,
    exact for a first-order rate; k(T) in s^-1 read from the rate law at unit key
    concentration). c mol m^-3, T K -> (R mol m^-3 s^-1, q W m^-3), per bed volume.
    """
    from ..pellet import effectiveness_first_order

    if not 0 <= bed_voidage < 1:
        raise InvalidParameterError("bed_voidage", "in [0, 1)", bed_voidage)
    solid = 1.0 - bed_voidage
    k = kinetics.key
    D = float(pellet.diffusivities(kinetics.n)[k])
    unit = np.eye(kinetics.n)[k]

    def rate(c, T):
        c = np.asarray(c, float)
        kv = -float(kinetics(unit, T)[k])                   # first order: k(T), s^-1
        eta = effectiveness_first_order(pellet.length * np.sqrt(max(kv, 0.0) / D),
                                        pellet.shape)
        return solid * eta * kinetics(c, T), solid * eta * float(kinetics.heat_release(c, T))
    return rate


def line_bed_rate(law: RateLaw, pellet: Pellet, bed_voidage: float, n_cells: int, *,
                  n_nodes: int = 7, tol: float = 1e-3, enthalpies=None):
    """Observed rate per bed volume from the stoichiometric-line pellet at every bed point.

    At each bulk state the pellet (isothermal, one diffusivity, one overall reaction of
    ``law``) is solved by the exact one-species reduction with a Chebyshev table of the
    direct rate verified on the solution
    (:func:`catscale.bridges.kinetics_to_pellet.solve_line_verified`, no Richardson
    estimate); the observed production of every species is the key's times the line
    stoichiometry (the invariants hold inside the pellet). ``enthalpies``: formation
    enthalpies per gas of ``law`` (J mol^-1) for the heat release q = -sum H_i R_i.

    Returns
    -------
    callable
        c (n,) mol m^-3, T K -> (R (n,) mol m^-3 s^-1, q W m^-3), per bed volume.
    """
    from .kinetics_to_pellet import line_of, solve_line_verified

    if not 0 <= bed_voidage < 1:
        raise InvalidParameterError("bed_voidage", "in [0, 1)", bed_voidage)
    solid = 1.0 - bed_voidage
    D = float(pellet.diffusivities(law.n)[law.key])
    kx = None if pellet.k_ext is None else float(np.max(pellet.k_ext))
    H = (np.array([float(enthalpies.get(g, 0.0)) for g in law.species])
         if enthalpies else None)

    def rate(c, T):
        line = line_of(law, np.maximum(np.asarray(c, float), 0.0), float(T))
        sol, _err, _ = solve_line_verified(line, pellet.shape, pellet.size, D, kx, n_cells,
                                           n_nodes=n_nodes, tol=tol, richardson=False,
                                           fold_check=False)
        Rv = -sol.observed * line.nu                  # observed production, every gas
        q = float(-(H @ Rv)) if H is not None else 0.0
        return solid * Rv, solid * q
    return rate


def packed_bed(reactor_type: str, rate, species, F_in, T_in: float, P: float, volume: float,
               **kw):
    """The reactor of type ``reactor_type`` fed by an observed bed rate (the one dispatch).

    Types come from the registry :data:`catscale.reactor.REACTORS` (the
    keywords a type does not take, e.g. ``n_points`` and ``rtol`` for a CSTR, are dropped).
    Units as those solvers: F mol s^-1, T K, P Pa, volume m^3.
    """
    import inspect

    from ..reactor import REACTORS

    if reactor_type not in REACTORS:
        raise InvalidParameterError("reactor.type", f"one of {sorted(REACTORS)}", reactor_type)
    solver = REACTORS[reactor_type].solve
    takes = inspect.signature(solver).parameters
    return solver(rate, species, F_in, T_in, P, volume,
                  **{k: v for k, v in kw.items() if k in takes})
