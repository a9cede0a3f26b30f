"""Bridge kinetics -> pellet: mean-field microkinetics as a pellet rate law.

Unit conversion (documented once, here): a gas production rate per site P_i [s^-1] (TOF,
negative when consumed) becomes a volumetric rate per pellet volume

    R_i [mol m^-3 s^-1] = P_i x site density [m^-2] x specific surface area [m^2 per m^3 of
                          pellet] / N_A,

and the surface sees the local activities a_i = c_i R T / p0 (p0 = 1 bar; numerically the
partial pressures in bar): :func:`catscale.units.activity_from_concentration`.

Two couplings: ``microkinetic_rate_law`` solves the mean-field steady state at every point
(direct); ``surrogate_rate_law`` tabulates any rate law on a grid of composition and T and
interpolates, after checking its error against the direct law at random points
(``solve_pellet_verified``: the table verified on the pellet's own solution).

Along the stoichiometric line (an isothermal pellet of one overall reaction, one
diffusivity: :func:`catscale.pellet.solve_line_pellet`), the rate is one function of the key
concentration: :class:`MeanFieldLine` (verified mean-field states continued along the line,
for a mechanism with one :class:`OverallReaction`) or :func:`line_of` (any RateLaw) feed a
:class:`ChebyshevLineTable`, verified on the solution by :func:`solve_line_verified` (the
same contract: rebuilt on the visited range until it agrees with the direct rate to tol).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.polynomial import chebyshev as cheb
from scipy.interpolate import PPoly, RegularGridInterpolator

from ..errors import CatscaleError, InvalidParameterError
from ..kinetics import solve_network, steady_state
from ..mechanism import Energetics, Mechanism, RateTable
from ..pellet import RateLaw
from ..units import NA, activity_from_concentration

__all__ = ["MicrokineticCoupling", "microkinetic_rate_law", "surrogate_rate_law",
           "tof_to_volumetric", "solve_pellet_verified", "ChebyshevLineTable", "DirectLine",
           "line_of", "OverallReaction", "MeanFieldLine", "solve_line_verified",
           "NotSingleReaction", "LineFold"]


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
    energetics : Energetics, optional
        The model's energetics taken whole (``Model.energetics``: lateral pairs,
        coordination, transition-state positions, coverage effects), passed to every
        mean-field solve so that the pellet uses the rate law of the steady-state stage;
        None: the bare mechanism.
    key : str, optional
        Key reactant (default: the first gas species).
    """

    mechanism: Mechanism
    rates: RateTable | Callable[[float], RateTable]
    specific_area: float
    site_density: float | None = None
    gas_species: tuple[str, ...] | None = None
    enthalpies: Mapping[str, float] | None = None
    energetics: Energetics | None = None
    key: str | None = None


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
        # activities floored at 1e-30: the mean-field solver may fail on exactly empty gases
        p = {g: activity_from_concentration(max(float(ci), 0.0), T) + 1e-30
             for g, ci in zip(gases, c)}
        for s in mech.gas:
            p.setdefault(s.name, 0.0)
        warm = guess["theta"] is not None
        try:
            ss = steady_state(mech, rates_at(T), p, energetics=cp.energetics,
                              guess=guess["theta"], multistart=not warm, transient=not warm)
        except (CatscaleError, ArithmeticError):
            # (mpmath polishing inside the kinetics solver can raise ZeroDivisionError)
            if not warm:
                raise
            ss = steady_state(mech, rates_at(T), p, energetics=cp.energetics)
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


# -- the stoichiometric line: microkinetics of one overall reaction in a pellet ---------------
# (the pellet side is catscale.pellet.solve_line_pellet, the exact one-species reduction)

class NotSingleReaction(CatscaleError):
    """The gas production is not one fixed stoichiometry along the line."""

    def __init__(self, dev: float):
        super().__init__(f"gas production is not one stoichiometry (departure {dev:.2g})")
        self.dev = dev


class LineFold(CatscaleError):
    """The mean-field rate along the line is multivalued (the continued branch and the full
    verified solver disagree)."""


_SINGLE_REACTION_TOL = 1e-6


@functools.lru_cache(maxsize=16)
def _cheb_taylor(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Chebyshev differentiation matrix on coefficients (n x n), Vandermonde at the 8 left
    breakpoints of [-1, 1] (8 x n) and k! (n,) for the re-expansion of a degree n-1 series."""
    Dm = np.zeros((n, n))
    for j in range(n):
        e = np.zeros(n)
        e[j] = 1.0
        d = cheb.chebder(e)
        Dm[: d.size, j] = d
    V = cheb.chebvander(np.linspace(-1.0, 1.0, 9)[:-1], n - 1)
    fact = np.array([math.factorial(k) for k in range(n)], dtype=float)
    return Dm, V, fact


class ChebyshevLineTable:
    """r(s) through Chebyshev-Lobatto nodes on [lo, hi], linear beyond (for Newton iterates).

    Called with concentrations s (mol m^-3) it returns (r, dr/ds) in mol m^-3 s^-1 and s^-1,
    the rate callable of :func:`catscale.pellet.solve_line_pellet`. When ``floor`` (``lo`` is
    the physical end of the line: a co-reactant runs out, the rate vanishes and the key
    concentration cannot fall further), the continuation below ``lo`` is clipped at zero
    rate, as the direct law gives there.
    """

    def __init__(self, lo: float, hi: float, values: np.ndarray, floor: bool = False):
        n = values.size
        self.lo, self.hi, self.floor = lo, hi, floor
        x = np.cos(np.pi * np.arange(n) / (n - 1))
        self.coef = cheb.chebfit(x, values, n - 1)
        self.dcoef = cheb.chebder(self.coef)
        # the same polynomial re-expanded exactly (Taylor at the breakpoints of 8 pieces) as
        # a scipy PPoly: evaluated in compiled code, ~6x faster than Clenshaw in numpy
        bp = np.linspace(-1.0, 1.0, 9)
        h = 0.5 * (hi - lo)
        Dm, V, fact = _cheb_taylor(n)
        ders = np.empty((n, n))             # column k: coefficients of the k-th derivative
        ders[:, 0] = self.coef
        for k in range(1, n):
            ders[:, k] = Dm @ ders[:, k - 1]
        C = (V @ ders).T / (fact * h ** np.arange(n))[:, None]     # (n, 8), order k
        self._pp = PPoly(np.ascontiguousarray(C[::-1]), 0.5 * (lo + hi) + h * bp)
        self._dpp = self._pp.derivative()

    @staticmethod
    def nodes(lo: float, hi: float, n: int) -> np.ndarray:
        """The n Chebyshev-Lobatto nodes on [lo, hi], the first at ``hi`` (the bulk point)."""
        x = np.cos(np.pi * np.arange(n) / (n - 1))
        return 0.5 * (lo + hi) + 0.5 * (hi - lo) * x

    def __call__(self, s):
        s = np.asarray(s, float)
        h = 0.5 * (self.hi - self.lo)
        xv = (s - 0.5 * (self.lo + self.hi)) / h
        sc = np.clip(s, self.lo, self.hi)
        dr = self._dpp(sc)
        r = self._pp(sc) + (s - sc) * dr
        # outside the table the continuation never goes below zero rate (above the bulk
        # value a rate that falls with s would otherwise create a spurious s > s_bulk branch)
        out = ((xv < -1.0) & (self.floor | (r < 0.0))) | ((xv > 1.0) & (r < 0.0))
        out &= r < 0.0
        r = np.where(out, 0.0, r)
        dr = np.where(out, 0.0, dr)
        return r, dr


@dataclass
class DirectLine:
    """Any RateLaw along the stoichiometric line of its bulk state (built by
    :func:`line_of`): ``values(s)`` is the key consumption (mol m^-3 s^-1), checked to be
    one stoichiometry (else :class:`NotSingleReaction`)."""

    law: RateLaw
    c_bulk: np.ndarray
    T: float
    nu: np.ndarray           # consumption per key consumed (key 1, products < 0)
    lo: float                # lowest feasible key concentration (a co-reactant runs out)
    rb: float                # key consumption at the bulk state, mol m^-3 s^-1

    @property
    def sb(self) -> float:
        return float(self.c_bulk[self.law.key])

    def points(self, s: np.ndarray) -> np.ndarray:
        """Concentrations (n, m) on the line at key concentrations s, mol m^-3."""
        k = self.law.key
        C = self.c_bulk[:, None] + self.nu[:, None] * (np.asarray(s) - self.c_bulk[k])[None, :]
        return np.maximum(C, 0.0)

    def values(self, s: np.ndarray) -> np.ndarray:
        P = self.law(self.points(s), np.full(np.size(s), self.T))
        r = -P[self.law.key]
        dev = np.max(np.abs(P + self.nu[:, None] * r[None, :])) / max(np.max(np.abs(P)),
                                                                      1e-300)
        if dev > _SINGLE_REACTION_TOL:
            raise NotSingleReaction(float(dev))
        return r


def line_of(law: RateLaw, c_bulk, T: float) -> DirectLine:
    """The stoichiometric line of ``law`` through the bulk state (c mol m^-3, T K): its
    stoichiometry from the bulk production, its end where a co-reactant runs out."""
    c_bulk = np.asarray(c_bulk, float)
    k = law.key
    P = law(c_bulk, T)
    rb = -float(P[k])
    if not rb > 0:
        raise CatscaleError(f"the key gas {law.species[k]!r} is not consumed at the bulk state "
                            f"(rate {-rb:.3g} mol/m^3/s): no effectiveness factor")
    nu = P / P[k]
    lo = 0.0
    for j in range(law.n):
        if j != k and nu[j] > 0:
            lo = max(lo, c_bulk[k] - c_bulk[j] / nu[j])
    return DirectLine(law, c_bulk, float(T), nu, lo, rb)


class OverallReaction:
    """The overall reaction of a mechanism, when it has exactly one.

    When the null space of the surface stoichiometry (S x J) is one-dimensional, every
    steady state has step rates r = xi v (one overall reaction, extent rate xi in s^-1 per
    site) and the gas production is exactly xi nu_gas v: the stoichiometric line is a
    structural property, no numerical check of the production is needed. ``single`` says
    whether that holds for ``net`` (a :class:`catscale.kinetics.Network`) with the carried
    ``gases`` and the ``key`` gas; ``nu``: consumption of each carried gas per key consumed.
    """

    def __init__(self, net, gases: tuple[str, ...], key: str):
        self.single = False
        self.gases = tuple(gases)
        if any(g not in net.gas for g in gases) or key not in net.gas:
            return
        _, sv, vt = np.linalg.svd(np.asarray(net.nu, float))
        rank = int(np.sum(sv > 1e-10 * max(sv.max(), 1e-300))) if sv.size else 0
        null = vt[rank:]
        if null.shape[0] != 1:
            return
        v = null[0]
        Pu = np.asarray(net.nu_gas, float) @ v
        k = net.gas.index(key)
        if not abs(Pu[k]) > 1e-12 * max(np.max(np.abs(Pu)), 1e-300):
            return
        v = v / -Pu[k]                                  # one unit of extent consumes one key
        self.v = v
        self.Pu = np.asarray(net.nu_gas, float) @ v     # production per unit extent
        self.gidx = np.array([net.gas.index(g) for g in gases])
        self.key_line = list(gases).index(key)
        self.nu = -self.Pu[self.gidx]                   # consumption per key consumed (key 1)
        mech = net.mechanism
        gi = [i for i, s in enumerate(mech.species) if s.phase == "gas"]
        Rg = np.asarray(mech.reactant_matrix[gi], float)
        Pg = np.asarray(mech.product_matrix[gi], float)
        self.n_gas = Rg.shape[0]
        carried = np.zeros(len(net.gas), dtype=bool)
        carried[self.gidx] = True
        # gas factors prod p^n from the carried gases' log-pressures (one matrix product);
        # a step with a reactant (product) gas that is not carried has p = 0 -> factor 0
        self.RgT = np.ascontiguousarray(Rg[self.gidx].T)
        self.PgT = np.ascontiguousarray(Pg[self.gidx].T)
        self.open_f = ~np.any(Rg[~carried] > 0, axis=0)
        self.open_r = ~np.any(Pg[~carried] > 0, axis=0)
        self.v_on = v != 0
        self.single = True


class MeanFieldLine:
    """Key consumption (mol m^-3 s^-1) of a mean-field network along its stoichiometric line.

    Every point is a verified mean-field steady state, continued from the nearest point
    already solved (:func:`catscale.kinetics.solve_network` with ``warm=True``: one Newton
    from there, the full verified solver when that fails, counted in ``fallbacks``).
    Activities as :func:`microkinetic_rate_law`: a = c R T / p0 + 1e-30 for the carried
    gases, 0 for the others. The rate is the extent rate xi of the overall reaction, fitted
    to the step rates each weighted by 1 / its gross rate (a quasi-equilibrated step's net
    rate is a difference of large numbers), times the site concentration ``factor``
    (mol m^-3 of sites).

    ``net`` may be a list of networks (a patch of independent sites, each with its own rate
    constants): the rate is then their average, each site continued from its own states.
    """

    def __init__(self, st: OverallReaction, net, c_bulk: np.ndarray, T: float, factor: float,
                 theta_bulk=None):
        self.nets = list(net) if isinstance(net, (list, tuple)) else [net]
        # the network last solved from each of ``nets``: the next point's network is derived
        # from it and keeps what the solver derived from the stoichiometry
        self._recent: dict[int, object] = {}
        if theta_bulk is None or not isinstance(theta_bulk, (list, tuple)):
            theta_bulk = [theta_bulk] * len(self.nets)
        self.st, self.T, self.factor = st, float(T), float(factor)
        self.c_bulk = np.asarray(c_bulk, float)
        self.sb = float(self.c_bulk[st.key_line])
        lo = 0.0
        for j, n in enumerate(st.nu):
            if j != st.key_line and n > 0:
                lo = max(lo, self.sb - self.c_bulk[j] / n)
        self.lo = lo
        self.fallbacks = 0
        self.solves = 0
        self._s: list[float] = []
        self._th: list[list] = []
        self._theta_bulk = list(theta_bulk)
        self._memo: dict[float, float] = {}
        self.rb = self.point(self.sb)

    def _network(self, s: float, net):
        st = self.st
        c = np.maximum(self.c_bulk + st.nu * (s - self.sb), 0.0)
        # the activity of a unit concentration, once per line: a = c R T / p0
        pc = c * activity_from_concentration(1.0, self.T) + 1e-30
        p = np.zeros(st.n_gas)
        p[st.gidx] = pc
        lp = np.log(pc)
        gf = np.exp(st.RgT @ lp) * st.open_f
        gr = np.exp(st.PgT @ lp) * st.open_r
        out = self._recent.get(id(net), net).with_gas_factors(p, gf, gr)
        self._recent[id(net)] = out
        return out

    def _extent(self, rf: np.ndarray, rr: np.ndarray) -> float:
        v = self.st.v
        gross = rf + rr
        ok = self.st.v_on & (gross > 0)
        if not ok.any():
            return 0.0
        w2 = 1.0 / gross[ok] ** 2
        vv = v[ok]
        return float((w2 * vv) @ (rf[ok] - rr[ok]) / ((w2 * vv) @ vv)) * self.factor

    def full(self, s: float) -> float:
        """Rate at ``s`` by the full verified solver (no warm start), mol m^-3 s^-1."""
        return float(np.mean([self._extent(ss.rate_f, ss.rate_r) for ss in
                              (solve_network(self._network(s, n)) for n in self.nets)]))

    def point(self, s: float) -> float:
        key = round(float(s) / self.sb, 12)          # nested Chebyshev nodes are reused
        if key in self._memo:
            return self._memo[key]
        if self._s:
            near = min(range(len(self._s)), key=lambda i: abs(self._s[i] - s))
            guesses = self._th[near]
        else:
            guesses = self._theta_bulk
        thetas, rates = [], []
        for net, guess in zip(self.nets, guesses):
            self.solves += 1
            ss = solve_network(self._network(s, net), guess, warm=guess is not None)
            self.fallbacks += guess is not None and ss.method != "warm newton"
            thetas.append(np.asarray(ss.theta, float))
            rates.append(self._extent(ss.rate_f, ss.rate_r))
        self._s.append(float(s))
        self._th.append(thetas)
        r = float(sum(rates) / len(rates))
        self._memo[key] = r
        return r

    def values(self, s: np.ndarray) -> np.ndarray:
        """Rates at the points ``s`` (visited from the one nearest to those solved)."""
        s = np.asarray(s, float)
        out = np.empty(s.size)
        ref = self._s[-1] if self._s else self.sb
        for i in np.argsort(np.abs(s - ref)):
            out[i] = self.point(float(s[i]))
        return out


def solve_line_verified(line, shape: str, size: float, D: float, k_ext: float | None,
                        n_cells: int, *, n_nodes: int = 7, tol: float = 1e-3,
                        max_rounds: int = 4, richardson: bool = True, fold_check: bool = True):
    """One-species pellet with a Chebyshev table of the rate along the line, verified on the
    solution (the contract of :func:`solve_pellet_verified`).

    The table (``n_nodes`` Chebyshev-Lobatto points) covers first the centre depletion of a
    zero-order rate (plus the film drop) x 1.5, then the range the pellet visits; after
    each solve (:func:`catscale.pellet.solve_line_pellet`) the table is compared with the
    direct rate ``line.values`` at three points of the solution (the lowest concentration
    and one and two thirds of the visited range), relative to the largest direct rate
    there, and rebuilt (more nodes when the range was right) while that exceeds ``tol``.
    With ``fold_check`` and a ``line.full`` (a continued mean-field rate), the most depleted
    point is also solved by the full verified solver: a disagreement beyond ``tol`` of the
    rate scale raises :class:`LineFold`. With ``richardson`` the discretisation error is
    estimated from the half grid (|eta_N - eta_N/2| / 3, second order) and the grid doubled
    (up to 8 N) while it exceeds 3 tol.

    Parameters
    ----------
    line : DirectLine or MeanFieldLine
        ``sb``, ``lo`` (mol m^-3), ``rb`` (mol m^-3 s^-1) and ``values(s)``.
    shape, size, D, k_ext, n_cells
        As :func:`catscale.pellet.solve_line_pellet` (m, m^2 s^-1, m s^-1).

    Returns
    -------
    (LineSolution, float, dict)
        The solution, the estimated relative error of its effectiveness factor (table plus
        discretisation) and diagnostics (route, folds, nodes, cells; for a mean-field line
        solves and fallbacks).
    """
    from ..pellet import shape_exponent, solve_line_pellet

    sb, lo_line, rb = line.sb, line.lo, line.rb
    if not rb > 0:
        raise CatscaleError(f"the key gas is not consumed at the bulk state (rate {-rb:.3g} "
                            "mol/m^3/s): no effectiveness factor")
    a = shape_exponent(shape)
    depl = rb * size**2 / (2 * (a + 1) * D) + (rb * size / (a + 1) / k_ext if k_ext else 0.0)
    lo = max(lo_line, sb - 1.5 * depl)
    n = int(n_nodes)
    if lo <= lo_line:
        # the core may reach the end of the line, where the rate falls steeply: twice the
        # nodes from the start (the nested 2n - 1 Chebyshev-Lobatto set)
        n = min(2 * n - 1, 33)
    err = np.inf
    sol = table = None
    info: dict = {}
    for _ in range(int(max_rounds)):
        if not sb - lo > 1e-12 * sb:
            lo = max(lo_line, sb * (1 - 1e-6))
        s_nodes = ChebyshevLineTable.nodes(lo, sb, n)
        vals = np.empty(n)
        vals[0] = rb
        vals[1:] = line.values(s_nodes[1:])
        table = ChebyshevLineTable(lo, sb, vals, floor=lo <= lo_line * (1 + 1e-12))
        sol = solve_line_pellet(shape, size, D, sb, table, k_ext=k_ext, n_cells=n_cells,
                                s_low=lo_line, info=info,
                                initial=None if sol is None else sol.s)
        smin = float(sol.s.min())
        inside = smin >= lo - 1e-9 * sb
        span = max(sb - smin, 1e-9 * sb)
        chk = np.array([smin, smin + span / 3, smin + 2 * span / 3])
        ref = line.values(chk)
        err = float(np.max(np.abs(table(chk)[0] - ref)) / max(np.max(np.abs(ref)), 1e-300))
        if inside and err <= tol:
            break
        new_lo = max(lo_line, smin - 0.15 * span)
        if inside and abs(new_lo - lo) < 0.3 * (sb - lo):
            n = min(2 * n - 1, 33)
        lo = new_lo
    if fold_check and hasattr(line, "full"):
        # the continued branch against the full verified solver at the most depleted point
        # (relative to the largest rate on the visited range, as the table error: at the end
        # of the line both branches have rates ~0 and their ratio is meaningless)
        r_full = line.full(float(sol.s.min()))
        r_cont = float(ref[0])
        scale = max(float(np.max(np.abs(ref))), abs(rb), abs(r_full), 1e-300)
        if abs(r_full - r_cont) > tol * scale:
            raise LineFold(f"mean-field rate along the line is multivalued at s = "
                           f"{sol.s.min():.4g} mol/m^3 (continued branch {r_cont:.4g}, "
                           f"verified solver {r_full:.4g})")
    disc = 0.0
    cells = int(n_cells)
    if richardson:
        init = 0.5 * (sol.s[0::2] + sol.s[1::2]) if cells % 2 == 0 else None
        coarse = solve_line_pellet(shape, size, D, sb, table, k_ext=k_ext,
                                   n_cells=max(4, cells // 2), s_low=lo_line, initial=init)
        disc = abs(sol.effectiveness - coarse.effectiveness) / 3.0 / max(
            abs(sol.effectiveness), 1e-300)
        # a steep boundary layer (large modulus): refine the grid (x2, up to x8) while the
        # discretisation estimate exceeds 3 tol; the finer pair gives the new estimate
        while disc > 3.0 * tol and cells < 8 * int(n_cells):
            coarse, cells = sol, 2 * cells
            sol = solve_line_pellet(shape, size, D, sb, table, k_ext=k_ext, n_cells=cells,
                                    s_low=lo_line, initial=np.repeat(sol.s, 2))
            disc = abs(sol.effectiveness - coarse.effectiveness) / 3.0 / max(
                abs(sol.effectiveness), 1e-300)
    info.update(nodes=n, cells=cells)
    if hasattr(line, "solves"):
        info.update(solves=line.solves, fallbacks=line.fallbacks)
    return sol, float(err + disc), info
