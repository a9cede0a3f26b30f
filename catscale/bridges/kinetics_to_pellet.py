"""Bridge kinetics -> pellet: mean-field microkinetics as a pellet rate law.

Unit conversion (documented once, here): a gas production rate per site P_i [s^-1] (TOF,
negative when consumed) becomes a volumetric rate per pellet volume

    R_i [mol m^-3 s^-1] = P_i x site density [m^-2] x specific surface area [m^2 per m^3 of
                          pellet] / N_A,

and the local partial pressures seen by the surface are p_i [bar] = c_i R T / 1e5.

Two couplings: ``microkinetic_rate_law`` solves the mean-field steady state at every point
(direct); ``surrogate_rate_law`` tabulates any rate law on a grid of composition and T and
interpolates, after checking its error against the direct law at random points.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.interpolate import RegularGridInterpolator

from ..errors import CatscaleError, InvalidParameterError
from ..kinetics import steady_state
from ..mechanism import Mechanism, RateTable
from ..pellet import RateLaw
from ..units import NA
from ..units import R as R_GAS

__all__ = ["MicrokineticCoupling", "microkinetic_rate_law", "surrogate_rate_law",
           "tof_to_volumetric"]


def tof_to_volumetric(tof, site_density: float, specific_area: float):
    """TOF [s^-1 per site] -> rate per pellet volume [mol m^-3 s^-1].

    Parameters
    ----------
    tof : float or array
        Turnover frequency, s^-1 per site.
    site_density : float
        Sites per m^2 of catalytic surface.
    specific_area : float
        Catalytic surface area per pellet volume, m^2 m^-3.
    """
    return np.asarray(tof, float) * site_density * specific_area / NA


@dataclass(frozen=True)
class MicrokineticCoupling:
    """Inputs of the direct coupling.

    Attributes
    ----------
    mechanism : Mechanism
    rates : RateTable or callable T -> RateTable
        Rate constants (a fixed table is used at every T; give a callable for
        non-isothermal pellets).
    site_density : float
        m^-2 (default: density of the first site kind of the mechanism).
    specific_area : float
        m^2 of catalytic surface per m^3 of pellet.
    gas_species : tuple of str
        Gases carried in the pellet (default: every gas of the mechanism).
    enthalpies : mapping gas -> J mol^-1, optional
        Formation enthalpies for the heat release q = -sum_i H_i R_i (W m^-3).
    lateral : mapping, optional
        Lateral interactions for the mean field (eV per pair).
    coordination : int
    alpha : float or ndarray (J,), optional
        Transition-state positions for the lateral shifts (default: the kMC rule,
        :func:`catscale.mechanism.lateral_alpha`).
    key : str, optional
        Key reactant (default: the first gas species).
    coverage_effects : (Gf, Gr, Af, Ar), optional
        Further coverage dependences of the rate constants and coverage exponents (as
        :meth:`catscale.model.Model.coverage_effects` returns them, e.g. imported from
        Cantera), passed to every mean-field solve so that the pellet uses the same rate law
        as the steady-state stage.
    """

    mechanism: Mechanism
    rates: RateTable | Callable[[float], RateTable]
    specific_area: float
    site_density: float | None = None
    gas_species: tuple[str, ...] | None = None
    enthalpies: Mapping[str, float] | None = None
    lateral: Mapping[str, float] | None = None
    coordination: int = 4
    alpha: float | np.ndarray | None = None
    key: str | None = None
    coverage_effects: tuple | None = None


def microkinetic_rate_law(cp: MicrokineticCoupling) -> RateLaw:
    """Pellet rate law from the mean-field steady state at every point (direct coupling).

    Parameters
    ----------
    cp : MicrokineticCoupling

    Returns
    -------
    RateLaw
        Production per pellet volume, mol m^-3 s^-1; heat in W m^-3 when enthalpies given.
    """
    mech = cp.mechanism
    gases = tuple(cp.gas_species or [s.name for s in mech.gas])
    if not cp.specific_area > 0:
        raise InvalidParameterError("specific_area", "> 0 m^2/m^3", cp.specific_area)
    rho = cp.site_density if cp.site_density is not None else mech.sites[0].density
    if not rho > 0:
        raise InvalidParameterError("site_density", "> 0 m^-2", rho)
    factor = rho * cp.specific_area / NA
    rates_at = cp.rates if callable(cp.rates) else (lambda T, _r=cp.rates: _r)
    guess: dict[str, np.ndarray | None] = {"theta": None}

    def point(c, T):
        # p floored at 1e-30 bar: the mean-field solver may fail on exactly empty gases
        p = {g: max(float(ci), 0.0) * R_GAS * T / 1e5 + 1e-30 for g, ci in zip(gases, c)}
        for s in mech.gas:
            p.setdefault(s.name, 0.0)
        warm = guess["theta"] is not None
        try:
            ss = steady_state(mech, rates_at(T), p, lateral=cp.lateral,
                              coordination=cp.coordination, alpha=cp.alpha, guess=guess["theta"],
                              multistart=not warm, transient=not warm,
                              coverage_effects=cp.coverage_effects)
        except (CatscaleError, ArithmeticError):
            # (mpmath polishing inside the kinetics solver can raise ZeroDivisionError)
            if not warm:
                raise
            ss = steady_state(mech, rates_at(T), p, lateral=cp.lateral,
                              coordination=cp.coordination, alpha=cp.alpha,
                              coverage_effects=cp.coverage_effects)
        guess["theta"] = np.asarray(ss.theta)
        return np.array([ss.production.get(g, 0.0) for g in gases]) * factor

    def production(c, T):
        return np.stack([point(c[:, m], float(T[m])) for m in range(c.shape[1])], axis=1)

    heat = None
    if cp.enthalpies is not None:
        H = np.array([float(cp.enthalpies.get(g, 0.0)) for g in gases])

        def heat(c, T):
            return -(H @ production(c, T))

    key = gases.index(cp.key) if cp.key is not None else 0
    return RateLaw(gases, production, heat, key)


def surrogate_rate_law(law: RateLaw, c_max: Sequence[float], T_range: tuple[float, float],
                       *, n_c: int = 9, n_T: int = 5, n_check: int = 40, seed: int = 0,
                       method: str = "cubic", c_min: Sequence[float] | None = None,
                       graded: bool | Sequence[bool] = False) -> tuple[RateLaw, float]:
    """Tabulate a rate law on a grid of concentrations and T and interpolate it.

    Parameters
    ----------
    law : RateLaw
        The direct law (e.g. :func:`microkinetic_rate_law`).
    c_max : sequence of float
        Upper concentration of each species, mol m^-3.
    c_min : sequence of float, optional
        Lower concentration of each species, mol m^-3 (default 0): a local table over the
        concentrations a pellet actually visits is far more accurate than one from 0.
    T_range : (float, float)
        Temperature range, K (a single value when equal: isothermal table).
    n_c, n_T : int
        Grid points per concentration and along T.
    n_check : int
        Random points (inside the grid) where the surrogate is checked against ``law``.
    seed : int
        Seed of the check points.
    method : str
        Interpolation of :class:`scipy.interpolate.RegularGridInterpolator`.
    graded : bool or sequence of bool (one per species)
        Interpolate along a concentration axis in u = ln(c - c_min + c0),
        c0 = 1e-4 (c_max - c_min), with nodes uniform in u (dense near c_min): for rates that
        change steeply where a reactant runs out (zero-order kinetics, sharp Langmuir
        saturation), which uniform nodes miss.

    Returns
    -------
    (RateLaw, float)
        The surrogate and its largest error on the key species at the check points,
        relative to the largest |rate| of the table (the verification).
    """
    cm = np.asarray(c_max, float)
    if cm.shape != (law.n,) or np.any(~(cm > 0)):
        raise InvalidParameterError("c_max", f"{law.n} values > 0 mol/m^3", c_max)
    T0, T1 = float(T_range[0]), float(T_range[1])
    cl = np.zeros_like(cm) if c_min is None else np.asarray(c_min, float)
    if cl.shape != cm.shape or np.any(cl < 0) or np.any(cl >= cm):
        raise InvalidParameterError("c_min", f"{law.n} values in [0, c_max)", c_min)
    c0 = 1e-4 * (cm - cl)
    gr = np.broadcast_to(np.asarray(graded, bool), cm.shape)

    def _u(c, i):    # grid coordinate of concentration axis i
        return np.log(c - cl[i] + c0[i]) if gr[i] else c

    axes = [np.linspace(_u(lo, i), _u(hi, i), n_c) for i, (lo, hi) in enumerate(zip(cl, cm))]
    c_axes = [np.exp(a) + cl[i] - c0[i] if gr[i] else a for i, a in enumerate(axes)]
    iso = T1 <= T0
    if not iso:
        axes.append(np.linspace(T0, T1, n_T))
    mesh = np.meshgrid(*(c_axes + axes[law.n:]), indexing="ij")
    pts = np.stack([m.ravel() for m in mesh])                      # (d, K)
    if gr.any():   # the last node must be c_max exactly, not its round-off image
        pts[: law.n] = np.clip(pts[: law.n], cl[:, None], cm[:, None])
    C = pts[: law.n]
    TT = np.full(C.shape[1], T0) if iso else pts[law.n]
    vals = law(C, TT)                                              # (n, K)
    shape = mesh[0].shape
    # one interpolator for every species (trailing value axis): one grid look-up per call
    interp = RegularGridInterpolator(axes, np.moveaxis(vals.reshape((law.n, *shape)), 0, -1),
                                     method=method, bounds_error=False, fill_value=None)
    hv = None
    if law.heat is not None:
        hv = RegularGridInterpolator(axes, law.heat_release(C, TT).reshape(shape),
                                     method=method, bounds_error=False, fill_value=None)

    def _x(c, T):
        cols = [_u(np.clip(c[i], cl[i], cm[i]), i) for i in range(law.n)]
        if not iso:
            cols.append(np.clip(T, T0, T1))
        return np.stack(cols, axis=-1)

    def production(c, T):
        return interp(_x(c, T)).T

    heat = (lambda c, T: hv(_x(c, T))) if hv is not None else None
    sur = RateLaw(law.species, production, heat, law.key)
    rng = np.random.default_rng(seed)
    Cc = cl[:, None] + rng.uniform(0, 1, (law.n, n_check)) * (cm - cl)[:, None]
    Tc = rng.uniform(T0, T1, n_check) if not iso else np.full(n_check, T0)
    ref = law(Cc, Tc)[law.key]
    err = float(np.max(np.abs(sur(Cc, Tc)[law.key] - ref)) /
                max(np.max(np.abs(vals[law.key])), 1e-300))
    return sur, err


def solve_pellet_verified(pellet, direct: RateLaw, c_bulk, T_bulk: float, *, tol: float = 1e-3,
                          n_cells: int = 200, n_verify: int = 12, max_rounds: int = 4,
                          direct_cells: int = 40):
    """Pellet steady state with a microkinetic surrogate verified on the solution itself.

    The surrogate is tabulated first over [0, 1.05] x bulk, then over the concentrations the
    pellet visits (with a margin), and after each solve the
    surrogate and the direct law are compared at ``n_verify`` radial points of the solution.
    When their largest difference in the key species' rate, relative to the largest direct
    rate there, exceeds ``tol``, the table is rebuilt on the visited range (4 more nodes per
    axis each round, graded towards zero on axes that reach down to it) and the pellet is
    solved again; after ``max_rounds`` the pellet is solved with the direct law (one
    mean-field steady state per cell and Newton iteration), by Newton's method from the last
    tabulated solution, or else from the bulk state on ``direct_cells`` cells.

    Parameters
    ----------
    pellet : catscale.pellet.Pellet
    direct : RateLaw
        The direct microkinetic law (:func:`microkinetic_rate_law`), mol m^-3 s^-1.
    c_bulk : array (n,)
        Bulk concentrations, mol m^-3.
    T_bulk : float
        K (isothermal tables; non-isothermal pellets tabulate T_bulk .. T_bulk + 200 K).

    Returns
    -------
    (PelletResult, float, str)
        The solution, the surrogate's error on it (relative, key species; 0.0 for direct)
        and the method used ("surrogate" or "direct").
    """
    from ..errors import ConvergenceError
    from ..pellet import solve_pellet

    cb = np.asarray(c_bulk, float)
    floor = 1e-9 * max(float(cb.max()), 1e-30)
    lo = np.zeros_like(cb)                       # round 1: the whole range, robust to solve
    hi = np.maximum(1.05 * cb, 2 * floor)
    Tr = (T_bulk, T_bulk) if pellet.conductivity is None else (T_bulk, T_bulk + 200.0)
    err = np.inf
    prev = None
    for rnd in range(max_rounds):
        # refinements: the visited range, 4 more nodes per axis each round, graded towards
        # the lower end on axes that reach down to (nearly) zero, where a depleted reactant
        # makes the rate change steeply (dead cores, zero-order kinetics)
        sur, _table_err = surrogate_rate_law(direct, hi, Tr, c_min=lo, n_c=9 + 4 * rnd,
                                             graded=(lo <= 1e-2 * hi) if rnd else False)
        try:
            if prev is not None:
                try:   # the previous solution is an excellent start for the refined table
                    res = solve_pellet(pellet, sur, cb, T_bulk, n_cells=n_cells,
                                       method="newton", initial=prev)
                except ConvergenceError:
                    res = solve_pellet(pellet, sur, cb, T_bulk, n_cells=n_cells)
            else:
                res = solve_pellet(pellet, sur, cb, T_bulk, n_cells=n_cells)
        except ConvergenceError:
            break
        st = res.states[0]
        prev = st
        idx = np.unique(np.linspace(0, st.c.shape[1] - 1, n_verify).astype(int))
        C, TT = st.c[:, idx], np.asarray(st.T)[idx]
        ref = direct(C, TT)[direct.key]
        err = float(np.max(np.abs(sur(C, TT)[direct.key] - ref))
                    / max(np.max(np.abs(ref)), 1e-300))
        cmin, cmax = st.c.min(axis=1), st.c.max(axis=1)
        inside = np.all(cmin >= lo - 1e-12 * hi) and np.all(cmax <= hi * (1 + 1e-12))
        if err <= tol and inside:
            return res, err, "surrogate"
        span = np.maximum(cmax - cmin, 0.05 * np.maximum(cmax, floor))
        lo = np.maximum(cmin - 0.25 * span, 0.0)
        hi = np.maximum(cmax + 0.25 * span, lo + floor)
    if prev is not None:
        # Newton from the last tabulated solution (same grid): a few iterations. Should it
        # fail, the tabulated solution is returned with its measured error (> tol: the
        # caller warns); continuing the direct law from the bulk state can take hours.
        try:
            res_d = solve_pellet(pellet, direct, cb, T_bulk, n_cells=n_cells, method="newton",
                                 initial=prev, fallback=False)
            return res_d, 0.0, "direct"
        except ConvergenceError:
            return res, err, "surrogate"
    res = solve_pellet(pellet, direct, cb, T_bulk, n_cells=direct_cells, method="newton")
    return res, 0.0, "direct"
