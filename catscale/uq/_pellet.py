"""Pellet and reactor outputs of the UQ chain, computed per sample from the model's sections.

Per-sample cost is what matters here (10^4 samples of mean field + pellet in about a minute),
so the pellet is not solved with the general multi-species finite-volume solver and a
three-dimensional surrogate table (seconds per sample) but through an exact reduction:

**Stoichiometric line.** When the pellet is isothermal, every carried gas has the same
effective diffusivity (one ``D_eff``; equal film coefficients) and the gas production rates
are proportional to one fixed stoichiometry, the invariants D (c_j - nu_j c_key) are harmonic
with the bulk values on the boundary, hence constant:

    c_j(r) = c_b,j + nu_j (s(r) - c_b,key),   nu_j = P_j / P_key  (nu_key = 1)

and the pellet reduces *exactly* to one equation for the key concentration s,

    (1/r^a) d/dr (r^a D ds/dr) = r(s),   ds/dr(0) = 0,   s(R) = c_b,key  (or a film).

For the microkinetics of the file the single stoichiometry is *structural*: when the null
space of the surface stoichiometry is one-dimensional, every steady state has step rates
r = xi v (one overall reaction) and the production is xi nu_gas v exactly
(:class:`_LineStructure`). r(s) is then the extent rate xi of the mean-field steady state at
the composition on the line, fitted to the step rates each weighted by 1 / its gross rate
(a quasi-equilibrated step's net rate is a difference of large numbers), times the site
concentration (mol m^-3 s^-1, :mod:`catscale.bridges.kinetics_to_pellet` for the units and
the 1e-30 bar pressure floor). Each point is solved by Newton from the nearest point already
solved (continuation from the bulk state of the sample), verified like
:func:`catscale.kinetics.solve_network` (residual, site balances) and required stable; a
point that fails that is solved by the full verified solver. r(s) is interpolated by a
Chebyshev polynomial through ``n_nodes`` Chebyshev-Lobatto points on the range the pellet
visits (13 when the core can reach the end of the line, where a co-reactant runs out; nested
node sets reuse their points), and the one-species problem is solved by conservative finite
volumes (grid refined towards the surface as in :func:`catscale.pellet.solve_pellet`) with a
tridiagonal Newton in ln(s - s_low) (s_low: the end of the line), started from the bulk
state or the first-order profile; where both fail (an S-shaped branch of negative-order,
CO-poisoned kinetics whose fold lies below lam = 1) by pseudo-arclength continuation in the
reaction scale lam from 0 to 1, through the folds.

**Verification, per sample** (the output ``pellet_error``): the table is compared with the
direct mean-field rate at three points of the solution (centre, and the cells at one third and
two thirds of the visited range), relative to the largest direct rate there; the table is
rebuilt on the visited range with more nodes while this exceeds ``tol`` (1e-3). The centre
is also solved by the full verified solver (multistart, no warm start): when its rate and the
continued branch's differ by more than ``tol`` of the rate scale, the mean-field rate is
multivalued along the line; the sample is then computed by the general solver and flagged
``pellet_route = 2`` (``1``: the general solver for another reason, ``0``: the line). The
finite-volume error is estimated by Richardson (|eta_N - eta_N/2| / 3, second order); where
it exceeds 3 tol (a steep boundary layer at large moduli) the grid is doubled, up to 8 N, and
the finer pair gives the estimate. The reported ``pellet_error`` is their sum, an estimate
of the relative error of the effectiveness factor (a relative rate error eps changes eta by
at most about eps: eta is a ratio of rates).

Explicit kinetics (``pellet.kinetics``): first order and isothermal without film: the closed
form of :func:`catscale.pellet.effectiveness_first_order` (exact); other isothermal power laws:
the same one-species solver with the exact rate (no table). Non-isothermal pellets and
mechanisms with more than one overall reaction fall back to the general solver
(:func:`catscale.bridges.kinetics_to_pellet.solve_pellet_verified` for microkinetics,
:func:`catscale.pellet.solve_pellet` for explicit laws): correct, but seconds per sample.

**Reactor** (``conversion``): the packed bed of the ``reactor:`` section through
:func:`catscale.reactor.pfr` / :func:`~catscale.reactor.cstr`, with the observed rate per bed
volume (1 - eps_b) x (pellet observed production) evaluated by the reduction above at every
bulk state the integrator asks for (the observed production of every species is the key
rate times nu, as the invariants hold inside the pellet). Cheaper than ``catscale reactor``:
RK45 at ``rtol`` 1e-5 instead of 1e-8, ``uq_cells`` (default 24) pellet cells instead of
``reactor.pellet_cells`` and a table of 7 nodes per bed point.

Units: m, s, K, mol m^-3; rates per pellet volume in mol m^-3 s^-1.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.polynomial import chebyshev as cheb
from scipy.interpolate import PPoly
from scipy.linalg.lapack import dgtsv as _gtsv

from ..errors import CatscaleError, ConvergenceError, InvalidParameterError, ModelFileError

__all__ = ["LineSolution", "solve_line_pellet", "PelletStage", "ReactorStage"]

_SHAPE_A = {"slab": 0, "cylinder": 1, "sphere": 2}
_MAX_LOG_STEP = 8.0


# -- the one-species pellet ------------------------------------------------------------------
@dataclass(frozen=True)
class LineSolution:
    """Steady one-species pellet.

    Attributes
    ----------
    r : ndarray (N,)
        Cell centres, m.
    s : ndarray (N,)
        Key concentration at the cell centres, mol m^-3.
    s_surface : float
        Concentration at the external surface, mol m^-3.
    observed : float
        Observed consumption per pellet volume (surface flux x S/V), mol m^-3 s^-1.
    effectiveness : float
        observed / r(s_surface) (internal effectiveness factor).
    effectiveness_overall : float
        observed / r(s_bulk).
    thiele : float
        Aris modulus L sqrt(r(s_surface) / (s_surface D)), L = V/S.
    mass_balance_error : float
        |surface flux - volume integral of the rate| / volume integral (round-off).
    """

    r: np.ndarray
    s: np.ndarray
    s_surface: float
    observed: float
    effectiveness: float
    effectiveness_overall: float
    thiele: float
    mass_balance_error: float


def _grid(R: float, n: int, beta: float) -> np.ndarray:
    xi = np.linspace(0.0, 1.0, n + 1)
    if beta <= 1e-9:
        return R * xi
    return R * (1.0 - np.expm1(beta * (1.0 - xi)) / np.expm1(beta))


def _first_order_profile(a: int, x: np.ndarray, R: float, m: float) -> np.ndarray:
    """s/s_surface of a first-order rate (m = sqrt(k/D), m^-1) at radii x (overflow-safe)."""
    mr, mR = m * x, m * R
    if a == 0:
        return np.exp(mr - mR) * (1 + np.exp(-2 * mr)) / (1 + np.exp(-2 * mR))
    if a == 1:
        from scipy.special import i0e

        return i0e(mr) / i0e(mR) * np.exp(mr - mR)
    with np.errstate(divide="ignore", invalid="ignore"):
        f = (R / x) * np.exp(mr - mR) * (-np.expm1(-2 * mr)) / (-np.expm1(-2 * mR))
    return np.where(mr > 1e-8, f, 2 * mR * np.exp(-mR) / (-np.expm1(-2 * mR)))


def solve_line_pellet(shape: str, size: float, D: float, s_bulk: float, rate, *,
                      k_ext: float | None = None, n_cells: int = 40,
                      stretch: float | None = None, max_iter: int = 60,
                      s_low: float = 0.0, initial: np.ndarray | None = None,
                      info: dict | None = None) -> LineSolution:
    """Steady reaction-diffusion of one species in a slab, cylinder or sphere.

    (1/r^a) d/dr (r^a D ds/dr) = rate(s), symmetry at r = 0, s = s_bulk at r = R (or the
    film D ds/dr = k_ext (s_bulk - s)). Conservative finite volumes, O(h^2), Newton with a
    tridiagonal Jacobian (damped; merit: the residual of each cell relative to its cell's
    scale). Starts, in order: ``initial`` (if given), the bulk state, the profile of the
    first-order rate through the bulk point and ``s_low`` (large moduli); then
    pseudo-arclength continuation in the reaction scale lam from 0 to 1 (Keller), which passes
    the folds of an S-shaped branch (negative-order kinetics: CO-poisoned surfaces).

    Parameters
    ----------
    shape : str
        ``"slab"``, ``"cylinder"`` or ``"sphere"``.
    size : float
        Half-thickness or radius R, m.
    D : float
        Effective diffusivity, m^2 s^-1.
    s_bulk : float
        Bulk concentration, mol m^-3 (> 0).
    rate : callable
        ``rate(s) -> (r, dr/ds)`` for an array of concentrations (mol m^-3): consumption per
        pellet volume, mol m^-3 s^-1, and its derivative, s^-1.
    k_ext : float, optional
        Film mass-transfer coefficient, m s^-1 (None: no film).
    n_cells : int
        Finite volumes.
    stretch : float, optional
        Grid refinement towards the surface (default from the bulk modulus:
        clip(ln phi + 1, 0, 6), as :func:`catscale.pellet.solve_pellet`).
    s_low : float
        Lowest concentration the rate law allows (a co-reactant runs out), mol m^-3; the
        first-order starting profile decays towards it.
    initial : ndarray (n_cells,), optional
        Starting concentrations, mol m^-3 (e.g. a finer solution restricted to this grid).
    info : dict, optional
        Filled with ``"route"`` (``"newton"`` or ``"arclength"``) and ``"folds"`` (turning
        points of the branch in lam passed before lam = 1).

    Returns
    -------
    LineSolution

    Raises
    ------
    ConvergenceError
        No steady state was found.
    """
    if shape not in _SHAPE_A:
        raise InvalidParameterError("shape", f"one of {sorted(_SHAPE_A)}", shape)
    a = _SHAPE_A[shape]
    for name, v in (("size", size), ("D", D), ("s_bulk", s_bulk)):
        if not (np.isfinite(v) and v > 0):
            raise InvalidParameterError(name, "> 0", v)
    if int(n_cells) < 4:
        raise InvalidParameterError("n_cells", ">= 4", n_cells)
    R, N = float(size), int(n_cells)
    sb = float(s_bulk)
    L = R / (a + 1)
    rb = float(np.asarray(rate(np.array([sb]))[0])[0])
    if stretch is None:
        phi_b = L * math.sqrt(max(rb, 0.0) / (sb * D))
        stretch = float(np.clip(math.log(max(phi_b, 1e-300)) + 1.0, 0.0, 6.0))
    f = _grid(R, N, stretch)
    x = 0.5 * (f[:-1] + f[1:])
    A = f**a
    V = (f[1:] ** (a + 1) - f[:-1] ** (a + 1)) / (a + 1)
    G = A[1:-1] * D / np.diff(x)                                   # (N-1,) inner faces
    res_s = (R - x[-1]) / D + (1.0 / k_ext if k_ext else 0.0)
    Gs = A[-1] / res_s                                             # surface conductance
    # scale of each cell's equation: its diffusive conductances x s_bulk plus its bulk rate
    cscale = np.zeros(N)
    cscale[:-1] += G
    cscale[1:] += G
    cscale[-1] += Gs
    cscale = cscale * sb + V * max(abs(rb), 1e-300)
    Gsum = np.zeros(N)
    Gsum[:-1] += G
    Gsum[1:] += G
    Gsum[-1] += Gs

    def residual(s, lam):
        r, dr = rate(s)
        F = -lam * V * r
        F[:-1] += G * (s[1:] - s[:-1])
        F[1:] -= G * (s[1:] - s[:-1])
        F[-1] += Gs * (sb - s[-1])
        return F, r, dr

    def jac_solve(dr, lam, rhs):
        diag = -lam * V * dr - Gsum
        _, _, _, x, info = _gtsv(G, diag, G, rhs)
        if info != 0:
            raise np.linalg.LinAlgError("singular pellet Jacobian")
        return x

    low = min(max(float(s_low), 0.0), sb)
    gap = 1e-12 * (sb - low) if sb > low else 0.0

    def newton(s, lam):
        # Newton in u = ln(s - s_low): the same tridiagonal solve, the update multiplicative
        # in s - s_low (the concentration never crosses the end of the line, and a depleted
        # core, s -> s_low, is approached geometrically instead of by a kinked rate law)
        s = np.maximum(s, low + gap)
        F, r, dr = residual(s, lam)
        nF = float(np.max(np.abs(F) / cscale))
        for _ in range(int(max_iter)):
            if not np.isfinite(nF):
                return None
            ds = jac_solve(dr, lam, -F)
            if not np.all(np.isfinite(ds)):
                return None
            e = s - low
            du = np.clip(ds / np.maximum(e, 1e-300), -_MAX_LOG_STEP, _MAX_LOG_STEP)
            step = 1.0
            for _k in range(40):
                s_new = low + e * np.exp(step * du) if gap > 0 else s + step * ds
                F_new, r_new, dr_new = residual(s_new, lam)
                n_new = float(np.max(np.abs(F_new) / cscale))
                if np.isfinite(n_new) and n_new <= (1 - 1e-4 * step) * nF:
                    break
                step *= 0.5
            else:
                return None
            change = float(np.max(np.abs(s_new - s)))
            s, F, r, dr, nF = s_new, F_new, r_new, dr_new, n_new
            if change <= 1e-12 * sb or nF <= 1e-13:
                return s, r
        return None

    def attempt(s0, lam=1.0):
        try:
            with np.errstate(all="ignore"):
                return newton(np.array(s0, dtype=float), lam)
        except (np.linalg.LinAlgError, ValueError, FloatingPointError):
            return None

    starts = []
    if initial is not None and np.shape(initial) == (N,):
        starts.append(np.asarray(initial, float))
    starts.append(np.full(N, sb))
    low = min(max(float(s_low), 0.0), sb)
    if rb > 0 and sb > low:
        m = math.sqrt(rb / ((sb - low) * D))
        if m * R > 2.0:
            # strong diffusion limitation: the first-order profile is the better start
            starts.insert(len(starts) - 1,
                          low + (sb - low) * _first_order_profile(a, x, R, m))
    out = None
    for s0 in starts:
        out = attempt(s0)
        if out is not None:
            break
    route, folds = "newton", 0
    if out is None:
        got = _arclength(attempt, residual, jac_solve, V, sb, N)
        if got is None:
            raise ConvergenceError("one-species pellet: no steady state",
                                   tried=["Newton from the bulk state and the first-order "
                                          "profile", "pseudo-arclength continuation in the "
                                          "reaction scale from 0 to 1"])
        out, folds = got
        route = "arclength"
    if info is not None:
        info["route"], info["folds"] = route, folds
    s, r = out
    flux = Gs * (sb - s[-1])                          # into the pellet, per unit solid angle
    V_tot = R ** (a + 1) / (a + 1)
    observed = flux / V_tot
    integral = float(V @ r)
    mb = abs(flux - integral) / max(abs(integral), 1e-300)
    s_s = sb - (flux / A[-1] / k_ext if k_ext else 0.0)
    r_s = float(rate(np.array([s_s]))[0][0])
    eta = observed / r_s if r_s > 0 else float("nan")
    eta_o = observed / rb if rb > 0 else float("nan")
    phi = L * math.sqrt(r_s / (s_s * D)) if (r_s > 0 and s_s > 0) else float("nan")
    return LineSolution(x, s.copy(), float(s_s), float(observed), float(eta), float(eta_o),
                        float(phi), float(mb))


def _arclength(attempt, residual, jac_solve, V, sb, N, ds0=0.05, ds_max=0.5,
               max_steps=400):
    """Pseudo-arclength continuation of F(s, lam) = 0 from lam = 0 (s = s_bulk) to lam = 1.

    Variables scaled as (s / s_bulk, lam); Keller's bordered corrector, solved by two
    tridiagonal solves (bordering). Returns ((s, r) at lam = 1, folds passed) or None.
    """
    def tangent(s, lam, prev):
        F, r, dr = residual(s, lam)
        z = jac_solve(dr, lam, V * r)            # ds/dlam = -J^-1 F_lam, F_lam = -V r
        t = np.append(z / sb, 1.0)
        t /= np.linalg.norm(t)
        if prev is not None and t @ prev < 0:
            t = -t
        return t

    with np.errstate(all="ignore"):
        s, lam = np.full(N, float(sb)), 0.0
        t = tangent(s, lam, None)
        ds, folds, steps = ds0, 0, 0
        while steps < max_steps:
            steps += 1
            y0 = np.append(s / sb, lam)
            yp = y0 + ds * t
            y = yp.copy()
            ok = False
            for _ in range(12):
                sv, lv = y[:-1] * sb, y[-1]
                F, r, dr = residual(sv, lv)
                Nc = t @ (y - y0) - ds
                aa = jac_solve(dr, lv, -F) / sb
                bb = jac_solve(dr, lv, V * r) / sb     # d(s/sb)/dlam direction (= -J^-1 F_lam)
                den = t[-1] + t[:-1] @ bb
                if not (np.isfinite(den) and abs(den) > 1e-300):
                    break
                dl = (-Nc - t[:-1] @ aa) / den
                dy = np.append(aa + bb * dl, dl)
                y = y + dy
                if not np.all(np.isfinite(y)):
                    break
                if np.max(np.abs(dy)) < 1e-10:
                    ok = True
                    break
            if not ok:
                ds *= 0.5
                if ds < 1e-7:
                    return None
                continue
            s_new, lam_new = y[:-1] * sb, y[-1]
            t_new = tangent(s_new, lam_new, t)
            if np.sign(t_new[-1]) != np.sign(t[-1]) and t[-1] != 0:
                folds += 1
            if (lam - 1.0) * (lam_new - 1.0) <= 0 and lam_new != lam:
                w = (1.0 - lam) / (lam_new - lam)
                got = attempt(s + w * (s_new - s), 1.0)
                if got is not None:
                    return got, folds
            s, lam, t = s_new, lam_new, t_new
            ds = min(ds * 1.5, ds_max)
            if lam < -1e-9:
                return None
    return None


# -- the Chebyshev table of the microkinetic rate along the stoichiometric line ----------------
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


class _LineTable:
    """r(s) through Chebyshev-Lobatto nodes on [lo, hi], linear beyond (for Newton iterates).

    When ``lo`` is the physical end of the line (a co-reactant runs out: the rate vanishes and
    the key concentration cannot fall further), the continuation below ``lo`` is clipped at
    zero rate, as the direct law gives there."""

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
        x = np.cos(np.pi * np.arange(n) / (n - 1))        # x[0] = 1 -> hi (the bulk point)
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
class _Line:
    """Pellet of one bulk state by the stoichiometric-line reduction (microkinetic law)."""

    law: Any                 # direct RateLaw (catscale.bridges.kinetics_to_pellet)
    c_bulk: np.ndarray
    T: float
    nu: np.ndarray
    lo: float                # lowest feasible key concentration (a co-reactant runs out)
    rb: float                # key consumption at the bulk state, mol m^-3 s^-1
    P_bulk: np.ndarray       # production vector at the bulk state

    def points(self, s: np.ndarray) -> np.ndarray:
        k = self.law.key
        C = self.c_bulk[:, None] + self.nu[:, None] * (np.asarray(s) - self.c_bulk[k])[None, :]
        return np.maximum(C, 0.0)

    def direct(self, s: np.ndarray) -> tuple[np.ndarray, float]:
        """Key consumption (mol m^-3 s^-1) at s and the largest departure from the single
        stoichiometry (relative to the largest production there)."""
        P = self.law(self.points(s), np.full(np.size(s), self.T))
        r = -P[self.law.key]
        dev = np.max(np.abs(P + self.nu[:, None] * r[None, :])) / max(np.max(np.abs(P)),
                                                                      1e-300)
        return r, float(dev)


_SINGLE_REACTION_TOL = 1e-6


def _line_setup(law, c_bulk, T) -> _Line:
    c_bulk = np.asarray(c_bulk, float)
    k = law.key
    P = law(c_bulk, T)
    rb = -float(P[k])
    if not rb > 0:
        raise CatscaleError(f"the key gas {law.species[k]!r} is not consumed at the bulk state "
                            f"(rate {-rb:.3g} mol/m^3/s): no effectiveness factor")
    nu = P / P[k]                      # nu_key = 1, reactants > 0, products < 0
    lo = 0.0
    for j in range(law.n):
        if j != k and nu[j] > 0:
            lo = max(lo, c_bulk[k] - c_bulk[j] / nu[j])
    return _Line(law, c_bulk, float(T), nu, lo, rb, P)


def _line_pellet(line: _Line, shape: str, size: float, D: float, k_ext: float | None,
                 n_cells: int, n_nodes: int = 7, tol: float = 1e-3, max_rounds: int = 4,
                 richardson: bool = True) -> tuple[LineSolution, float]:
    """(solution, estimated relative error of eta). Raises _NotSingle when the production
    is not one stoichiometry."""
    k = line.law.key
    sb = float(line.c_bulk[k])
    a = _SHAPE_A[shape]
    # first range: the centre depletion of a zero-order rate (plus the film drop), x 1.5
    depl = line.rb * size**2 / (2 * (a + 1) * D) + (line.rb * size / (a + 1) / k_ext
                                                     if k_ext else 0.0)
    lo = max(line.lo, sb - 1.5 * depl)
    n = int(n_nodes)
    err = np.inf
    sol = None
    for _ in range(int(max_rounds)):
        hi = sb
        if not hi - lo > 1e-12 * sb:
            lo = max(line.lo, sb * (1 - 1e-6))
        s_nodes = _LineTable.nodes(lo, hi, n)
        vals = np.empty(n)
        vals[0] = line.rb
        vals[1:], dev = line.direct(s_nodes[1:])
        if dev > _SINGLE_REACTION_TOL:
            raise _NotSingle(dev)
        table = _LineTable(lo, hi, vals, floor=lo <= line.lo * (1 + 1e-12))
        sol = solve_line_pellet(shape, size, D, sb, table, k_ext=k_ext, n_cells=n_cells)
        smin = float(sol.s.min())
        inside = smin >= lo - 1e-9 * sb
        span = max(sb - smin, 1e-9 * sb)
        chk = np.array([smin, smin + span / 3, smin + 2 * span / 3])
        ref, dev = line.direct(chk)
        if dev > _SINGLE_REACTION_TOL:
            raise _NotSingle(dev)
        err = float(np.max(np.abs(table(chk)[0] - ref)) / max(np.max(np.abs(ref)), 1e-300))
        if inside and err <= tol:
            break
        # rebuild on the visited range (with a margin), more nodes if the range was right
        new_lo = max(line.lo, smin - 0.15 * span)
        if inside and abs(new_lo - lo) < 0.3 * (hi - lo):
            n = min(2 * n - 1, 33)
        lo = new_lo
    disc = 0.0
    if richardson and sol is not None:
        coarse = solve_line_pellet(shape, size, D, sb, table, k_ext=k_ext,
                                   n_cells=max(4, n_cells // 2))
        disc = abs(sol.effectiveness - coarse.effectiveness) / 3.0 / max(
            abs(sol.effectiveness), 1e-300)
    return sol, float(err + disc)


class _NotSingle(CatscaleError):
    def __init__(self, dev: float):
        super().__init__(f"gas production is not one stoichiometry (departure {dev:.2g})")
        self.dev = dev


# -- the fast line: mean field along the stoichiometric line by continuation ------------------
class _Fold(CatscaleError):
    """The mean-field rate along the line is multivalued (the continued branch and the full
    verified solver disagree)."""


class _LineStructure:
    """What does not change between samples: the overall reaction of the mechanism.

    When the null space of the surface stoichiometry (S x J) is one-dimensional, every
    steady state has step rates r = xi v (one overall reaction, extent rate xi in s^-1 per
    site) and the gas production is exactly xi nu_gas v: the stoichiometric line is a
    structural property, no numerical check of the production is needed.
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
        self.Rg = np.asarray(mech.reactant_matrix[gi], float)
        self.Pg = np.asarray(mech.product_matrix[gi], float)
        self.carried = np.zeros(len(net.gas), dtype=bool)
        self.carried[self.gidx] = True
        # gas factors prod p^n from the carried gases' log-pressures (one matrix product);
        # a step with a reactant (product) gas that is not carried has p = 0 -> factor 0
        self.RgT = np.ascontiguousarray(self.Rg[self.gidx].T)
        self.PgT = np.ascontiguousarray(self.Pg[self.gidx].T)
        off = ~self.carried
        self.open_f = ~np.any(self.Rg[off] > 0, axis=0)
        self.open_r = ~np.any(self.Pg[off] > 0, axis=0)
        self.v_on = v != 0
        self.single = True


class _LineRate:
    """Key consumption (mol m^-3 s^-1) of one sample along its stoichiometric line.

    Every point is a verified mean-field steady state: Newton from the nearest point already
    solved (continuation), checked for residual and stability; a point where that fails is
    solved by the full verified solver (multistart, transient) and counted in ``fallbacks``.
    Pressures as :func:`catscale.bridges.kinetics_to_pellet.microkinetic_rate_law`:
    p = c R T / 1e5 + 1e-30 bar for the carried gases, 0 for the others.

    ``net`` may be a list of networks (a patch of independent sites, each with its own rate
    constants): the rate is then their average, each site continued from its own states.
    """

    def __init__(self, st: _LineStructure, net, c_bulk: np.ndarray, T: float, factor: float,
                 theta_bulk):
        self.nets = list(net) if isinstance(net, (list, tuple)) else [net]
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
        # the lean warm start needs every surface species formable (else the full solver,
        # which removes the others, is used at every point)
        from ..kinetics._steady import formable

        self._lean = [bool(np.all(formable(n))) for n in self.nets]

    def _factors(self, s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(pressures in bar, forward and reverse gas factors prod p^n) at ``s``."""
        from ..units import R

        st = self.st
        c = np.maximum(self.c_bulk + st.nu * (s - self.sb), 0.0)
        pc = c * (R * self.T / 1e5) + 1e-30
        p = np.zeros(st.Rg.shape[0])
        p[st.gidx] = pc
        lp = np.log(pc)
        gf = np.exp(st.RgT @ lp) * st.open_f
        gr = np.exp(st.PgT @ lp) * st.open_r
        return p, gf, gr

    def _network(self, s: float, net):
        p, gf, gr = self._factors(s)
        return dataclasses.replace(net, kf=net.k_f * gf, kr=net.k_r * gr, pressures=p,
                                   gas_factor_f=gf, gas_factor_r=gr)

    def _extent(self, rf: np.ndarray, rr: np.ndarray) -> float:
        """Key consumption (mol m^-3 s^-1) from the extent rate xi of the overall reaction
        (r = xi v), fitted to the step rates each weighted by 1 / its gross rate (the net
        rate of a quasi-equilibrated step is a difference of large numbers)."""
        v = self.st.v
        gross = rf + rr
        ok = self.st.v_on & (gross > 0)
        if not ok.any():
            return 0.0
        w2 = 1.0 / gross[ok] ** 2
        vv = v[ok]
        return float((w2 * vv) @ (rf[ok] - rr[ok]) / ((w2 * vv) @ vv)) * self.factor

    def full(self, s: float) -> tuple[float, np.ndarray]:
        """Rate and coverages at ``s`` by the full verified solver (no warm start)."""
        from ..kinetics import solve_network

        r, th = [], []
        for net in self.nets:
            ss = solve_network(self._network(s, net))
            r.append(self._extent(ss.rate_f, ss.rate_r))
            th.append(ss.theta)
        return float(np.mean(r)), th

    def _warm(self, net, guess: np.ndarray, kf: np.ndarray, kr: np.ndarray):
        """One damped Newton (the kinetics kernel) from ``guess`` with the point's effective
        rate constants ``kf``, ``kr`` (s^-1), verified as
        :func:`catscale.kinetics.solve_network` verifies (all-species scaled residual
        <= 1e-8, site balances to 1e-10) and stable (no eigenvalue of the Jacobian on the
        site-conserving subspace with a positive real part beyond 1e-9 of the largest
        modulus); None when any of that fails."""
        from ..kinetics import _kernels
        from ..kinetics._steady import (
            _MAX_STEP,
            _NEWTON_FTOL,
            _NEWTON_MAXIT,
            DEFAULT_TOL,
            _conserving_basis,
        )

        x0 = np.log(np.clip(guess, 1e-300, 1.0))
        with np.errstate(all="ignore"):
            x, res, _, _ = _kernels.newton(
                np.ascontiguousarray(x0), kf, kr, net.Af, net.Ar, net.nu, net.Gf, net.Gr,
                net.occ, net.kind, _NEWTON_MAXIT, _NEWTON_FTOL, _MAX_STEP)
            if not (np.isfinite(res) and res <= DEFAULT_TOL and np.all(np.isfinite(x))):
                return None
            theta = np.exp(x)
            if np.max(np.abs(net.occ @ theta - 1.0)) > 1e-10:
                return None
            lt = x
            rf = kf * np.exp(net.Af.T @ lt + net.Gf @ theta)
            rr = kr * np.exp(net.Ar.T @ lt + net.Gr @ theta)
            D = ((rf[:, None] * net.Af.T - rr[:, None] * net.Ar.T) / theta[None, :]
                 + rf[:, None] * net.Gf - rr[:, None] * net.Gr)
            Z = _conserving_basis(net)
            if Z.shape[1]:
                A = Z.T @ (net.nu @ D) @ Z
                if A.shape == (2, 2):       # closed form of the 2 x 2 case
                    tr, det = A[0, 0] + A[1, 1], A[0, 0] * A[1, 1] - A[0, 1] * A[1, 0]
                    disc = 0.25 * tr * tr - det
                    sq = math.sqrt(abs(disc))
                    re_max = 0.5 * tr + (sq if disc >= 0 else 0.0)
                    mod = max(abs(0.5 * tr) + sq, math.sqrt(abs(det))) if disc >= 0 \
                        else math.sqrt(abs(det))
                else:
                    eig = np.linalg.eigvals(A)
                    re_max, mod = float(np.max(eig.real)), float(np.max(np.abs(eig)))
                if not re_max <= 1e-9 * mod:
                    return None
        return theta, rf, rr

    def point(self, s: float) -> float:
        from ..kinetics import solve_network

        key = round(float(s) / self.sb, 12)          # nested Chebyshev nodes are reused
        if key in self._memo:
            return self._memo[key]
        if self._s:
            guesses = self._th[int(np.argmin(np.abs(np.asarray(self._s) - s)))]
        else:
            guesses = self._theta_bulk
        thetas, rates = [], []
        _, gf, gr = self._factors(s)
        for net, guess, lean in zip(self.nets, guesses, self._lean):
            self.solves += 1
            got = (self._warm(net, guess, net.k_f * gf, net.k_r * gr)
                   if (guess is not None and lean) else None)
            if got is None:
                self.fallbacks += guess is not None
                ss = solve_network(self._network(s, net))
                got = (np.asarray(ss.theta, float), ss.rate_f, ss.rate_r)
            theta, rf, rr = got
            thetas.append(theta)
            rates.append(self._extent(rf, rr))
        self._s.append(float(s))
        self._th.append(thetas)
        r = float(np.mean(rates))
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


def _line_pellet_fast(lr: _LineRate, shape: str, size: float, D: float, k_ext: float | None,
                      n_cells: int, n_nodes: int = 7, tol: float = 1e-3, max_rounds: int = 4,
                      richardson: bool = True) -> tuple[LineSolution, float, dict]:
    """(solution, estimated relative error of eta, diagnostics) of the line pellet with a
    Chebyshev table of the mean-field rate (``_LineRate``), verified on the solution: at
    three points of the visited range by continuation and at the lowest concentration by
    the full verified solver (a disagreement there beyond ``tol`` raises ``_Fold``)."""
    sb, lo_line = lr.sb, lr.lo
    a = _SHAPE_A[shape]
    rb = lr.point(sb)
    if not rb > 0:
        raise CatscaleError(f"the key gas is not consumed at the bulk state (rate {-rb:.3g} "
                            "mol/m^3/s): no effectiveness factor")
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
        s_nodes = _LineTable.nodes(lo, sb, n)
        vals = np.empty(n)
        vals[0] = rb
        vals[1:] = lr.values(s_nodes[1:])
        table = _LineTable(lo, sb, vals, floor=lo <= lo_line * (1 + 1e-12))
        sol = solve_line_pellet(shape, size, D, sb, table, k_ext=k_ext, n_cells=n_cells,
                                s_low=lo_line, info=info,
                                initial=None if sol is None else sol.s)
        smin = float(sol.s.min())
        inside = smin >= lo - 1e-9 * sb
        span = max(sb - smin, 1e-9 * sb)
        chk = np.array([smin, smin + span / 3, smin + 2 * span / 3])
        ref = lr.values(chk)
        err = float(np.max(np.abs(table(chk)[0] - ref)) / max(np.max(np.abs(ref)), 1e-300))
        if inside and err <= tol:
            break
        new_lo = max(lo_line, smin - 0.15 * span)
        if inside and abs(new_lo - lo) < 0.3 * (sb - lo):
            n = min(2 * n - 1, 33)
        lo = new_lo
    # the continued branch against the full verified solver at the most depleted point
    # (relative to the largest rate on the visited range, as the table error: at the end of
    # the line both branches have rates ~0 and their ratio is meaningless)
    r_full, _ = lr.full(float(sol.s.min()))
    r_cont = float(ref[0])
    scale = max(float(np.max(np.abs(ref))), abs(rb), abs(r_full), 1e-300)
    if abs(r_full - r_cont) > tol * scale:
        raise _Fold(f"mean-field rate along the line is multivalued at s = {sol.s.min():.4g} "
                    f"mol/m^3 (continued branch {r_cont:.4g}, verified solver {r_full:.4g})")
    disc = 0.0
    cells = int(n_cells)
    if richardson:
        init = 0.5 * (sol.s[0::2] + sol.s[1::2]) if cells % 2 == 0 else None
        coarse = solve_line_pellet(shape, size, D, sb, table, k_ext=k_ext,
                                   n_cells=max(4, cells // 2), s_low=lo_line,
                                   initial=init)
        disc = abs(sol.effectiveness - coarse.effectiveness) / 3.0 / max(
            abs(sol.effectiveness), 1e-300)
        # a steep boundary layer (large modulus): refine the grid (x2, up to x8) while the
        # discretisation estimate exceeds 3 tol; the finer pair gives the new estimate
        while disc > 3.0 * tol and cells < 8 * int(n_cells):
            coarse, cells = sol, 2 * cells
            fine = solve_line_pellet(shape, size, D, sb, table, k_ext=k_ext, n_cells=cells,
                                     s_low=lo_line, initial=np.repeat(sol.s, 2))
            sol = fine
            disc = abs(sol.effectiveness - coarse.effectiveness) / 3.0 / max(
                abs(sol.effectiveness), 1e-300)
    info.update(solves=lr.solves, fallbacks=lr.fallbacks, nodes=n, cells=cells)
    return sol, float(err + disc), info


# -- stages built from the model's sections ----------------------------------------------------
def _section_error(model, field: str, msg: str) -> ModelFileError:
    return ModelFileError(model.path, field, msg)


class PelletStage:
    """The ``pellet:`` section of a model as a per-sample UQ output.

    Parameters
    ----------
    model : Model
        Nominal model with a ``pellet:`` section (``D_eff`` omitted: taken once from the
        ``microstructure:`` section through the homogenization bridge, as ``catscale run``).
    n_cells : int
        Finite volumes of the one-species pellet (default 40; error estimated per sample).
    n_nodes : int
        Chebyshev-Lobatto nodes of the rate table along the stoichiometric line (default 7).
    tol : float
        Largest relative error of the table at the solution before it is rebuilt.

    Calling ``stage(model_i, rates_i, D_factor)`` with the sample's perturbed model, its
    RateTable at ``model_i.T`` (or a list of RateTables: a patch of independent sites, whose
    pellet rate is the site average) and the factor on D_eff returns ``effectiveness`` (internal),
    ``thiele`` (Aris modulus of the key gas) and ``pellet_error`` (estimated relative error
    of the effectiveness; 0 for the closed form), see the module docstring.
    """

    def __init__(self, model, n_cells: int = 40, n_nodes: int = 7, tol: float = 1e-3):
        from ..stages.pellet import inputs as pellet_inputs

        sec = model.sections.pellet
        if sec is None:
            raise _section_error(model, "pellet", "expected a pellet: section")
        D = sec.D_eff
        if D is None:
            if model.sections.microstructure is None:
                raise _section_error(model, "pellet.D_eff", "expected D_eff or a "
                                     "microstructure: section to compute it, found neither")
            from ..stages import homogenization

            D = float(homogenization.run(model).pellet_D_eff)
        upd: dict[str, Any] = {"D_eff": float(D), "surrogate": False}
        if sec.kinetics is not None and sec.kinetics.T_ref is None:
            # k is given at the model's nominal T: a sampled T changes k through Ea
            upd["kinetics"] = sec.kinetics.model_copy(update={"T_ref": model.T})
        self.section = sec.model_copy(update=upd)
        try:
            pel, kin, cb, T, _, _ = pellet_inputs(self._with(model, 1.0))
        except InvalidParameterError as exc:   # name the field of the file
            raise ModelFileError(model.path, str(exc.name).split(": ")[-1],
                                 f"expected {exc.expected}, found {exc.found!r}") from None
        self.species = tuple(kin.species)
        self.key = self.species[kin.key]
        self.explicit = sec.kinetics is not None
        self.isothermal = sec.conductivity is None
        self.n_cells, self.n_nodes, self.tol = int(n_cells), int(n_nodes), float(tol)
        kx = sec.k_ext
        self.first_order = (self.explicit and self.isothermal and kx is None
                            and float(sec.kinetics.order) == 1.0)
        self._line = None
        if not self.explicit and self.isothermal:
            self._T0 = float(model.T)
            net = self._network(model, model.rates())
            st = _LineStructure(net, self.species, self.key)
            if st.single:
                self._line, self._net0 = st, net
        self.stats = {"line": 0, "fold": 0, "general": 0, "arclength": 0, "mf_fallbacks": 0}

    def _network(self, m, rates):
        """The sample's mean-field Network (bulk pressures; lateral interactions and
        coverage effects as the direct law)."""
        from ._fast import mean_field_network

        return mean_field_network(m, rates)

    def _fast(self, m, rates, D: float, theta_bulk) -> dict[str, float]:
        from ..units import NA

        sec = self.section

        def network(rt):
            return (self._net0.with_rates(rt) if float(rt.T) == self._T0
                    else self._network(m, rt))
        net = [network(r) for r in rates] if isinstance(rates, (list, tuple)) else network(rates)
        rho = m.mechanism.sites[0].density
        lr = _LineRate(self._line, net, self.bulk(m), m.T, rho * sec.specific_area / NA,
                       theta_bulk)
        sol, err, info = _line_pellet_fast(lr, sec.shape, sec.size, D, sec.k_ext,
                                           self.n_cells, self.n_nodes, self.tol)
        self.stats["line"] += 1
        self.stats["arclength"] += info.get("route") == "arclength"
        self.stats["mf_fallbacks"] += info["fallbacks"]
        return {"effectiveness": sol.effectiveness, "thiele": sol.thiele,
                "pellet_error": err, "pellet_route": 0.0}

    # the sample's model with this stage's pellet section (D_eff scaled)
    def _with(self, m, D_factor: float):
        sec = self.section.model_copy(update={"D_eff": self.section.D_eff * float(D_factor)})
        return m.with_section("pellet", sec)

    def direct_law(self, m, rates):
        """The direct microkinetic RateLaw of the perturbed model (rates: a RateTable for an
        isothermal pellet, or a callable T -> RateTable)."""
        from ..bridges.kinetics_to_pellet import MicrokineticCoupling, microkinetic_rate_law

        cp = MicrokineticCoupling(m.mechanism, rates, self.section.specific_area,
                                  gas_species=self.species, enthalpies=self.section.enthalpies,
                                  lateral=m.mean_field_lateral(), coordination=m.coordination(),
                                  alpha=m.lateral_alpha(),
                                  key=self.key, coverage_effects=m.coverage_effects())
        return microkinetic_rate_law(cp)

    def bulk(self, m) -> np.ndarray:
        """Bulk concentrations of the carried gases, mol m^-3 (pellet_inputs convention)."""
        from ..units import R

        return np.array([m.pressures.get(s, 0.0) * 1e5 / (R * m.T) for s in self.species])

    def __call__(self, m, rates, D_factor: float = 1.0, theta_bulk=None) -> dict[str, float]:
        from ..pellet import effectiveness_first_order, solve_pellet
        from ..stages.pellet import inputs as pellet_inputs

        sec = self.section
        D = sec.D_eff * float(D_factor)
        if self.explicit:
            pel, kin, cb, T, _, _ = pellet_inputs(self._with(m, D_factor))
            k = kin.key
            if self.first_order:
                kv = -float(kin(cb, T)[k]) / cb[k] if cb[k] > 0 else float("nan")
                phi = pel.length * math.sqrt(kv / D)
                return {"effectiveness": float(effectiveness_first_order(phi, sec.shape)),
                        "thiele": phi, "pellet_error": 0.0, "pellet_route": 0.0}
            if self.isothermal:
                line = _line_setup(kin, cb, T)

                def exact(s, _line=line):
                    s = np.asarray(s, float)
                    h = 1e-7 * max(float(cb[k]), 1e-30)
                    r0 = -kin(_line.points(s), np.full(s.size, T))[k]
                    rp = -kin(_line.points(s + h), np.full(s.size, T))[k]
                    rm = -kin(_line.points(s - h), np.full(s.size, T))[k]
                    return r0, (rp - rm) / (2 * h)

                sol = solve_line_pellet(sec.shape, sec.size, D, float(cb[k]), exact,
                                        k_ext=sec.k_ext, n_cells=self.n_cells)
                coarse = solve_line_pellet(sec.shape, sec.size, D, float(cb[k]), exact,
                                           k_ext=sec.k_ext, n_cells=max(4, self.n_cells // 2))
                err = abs(sol.effectiveness - coarse.effectiveness) / 3 / sol.effectiveness
                return {"effectiveness": sol.effectiveness, "thiele": sol.thiele,
                        "pellet_error": float(err), "pellet_route": 0.0}
            res = solve_pellet(pel, kin, cb, T, n_cells=self.n_cells, method="newton")
            coarse = solve_pellet(pel, kin, cb, T, n_cells=max(4, self.n_cells // 2),
                                  method="newton")
            e = res.states[0].effectiveness
            return {"effectiveness": e, "thiele": res.states[0].thiele,
                    "pellet_error": abs(e - coarse.states[0].effectiveness) / 3 / abs(e),
                    "pellet_route": 1.0}
        cb = self.bulk(m)
        route = 1.0
        if isinstance(rates, (list, tuple)):
            # a patch of independent sites: only the line route averages their rates
            if self._line is None:
                raise CatscaleError("a patch of sites (a 'sites' input) needs the "
                                    "stoichiometric-line pellet (isothermal, one overall "
                                    "reaction, microkinetics of the file)")
            return self._fast(m, rates, D, theta_bulk)
        if self._line is not None:
            try:
                return self._fast(m, rates, D, theta_bulk)
            except _Fold:
                self.stats["fold"] += 1
                route = 2.0
        elif self.isothermal:
            law = self.direct_law(m, rates)
            try:
                sol, err = _line_pellet(_line_setup(law, cb, m.T), sec.shape, sec.size, D,
                                        sec.k_ext, self.n_cells, self.n_nodes, self.tol)
                return {"effectiveness": sol.effectiveness, "thiele": sol.thiele,
                        "pellet_error": err, "pellet_route": 0.0}
            except _NotSingle:
                pass
        self.stats["general"] += 1
        # general route (non-isothermal or several overall reactions): seconds per sample
        from ..bridges.kinetics_to_pellet import solve_pellet_verified

        pel, kin, cb, T, _, _ = pellet_inputs(self._with(m, D_factor))
        res, err, _how = solve_pellet_verified(pel, kin, cb, T, n_cells=self.n_cells)
        st = res.states[0]
        return {"effectiveness": st.effectiveness, "thiele": st.thiele,
                "pellet_error": float(err), "pellet_route": route}


class ReactorStage:
    """The ``reactor:`` section of a model as a per-sample UQ output (``conversion``).

    Parameters
    ----------
    model : Model
        Nominal model with ``reactor:`` and ``pellet:`` sections.
    pellet : PelletStage
        The pellet of the same model.
    n_cells : int
        Pellet finite volumes at each bed point (default 24, or ``reactor.pellet_cells`` if
        smaller).
    rtol : float
        Relative tolerance of the PFR integration (default 1e-5).

    Calling ``stage(model_i, rates_i, D_factor)`` returns ``{"conversion": X}`` of the key
    gas (dimensionless) for the sample's perturbed model.
    """

    def __init__(self, model, pellet: PelletStage, n_cells: int = 24, rtol: float = 1e-5):
        sec = model.sections.reactor
        if sec is None:
            raise _section_error(model, "reactor", "expected a reactor: section")
        if sec.key is not None and sec.key not in pellet.species:
            raise _section_error(model, "reactor.key",
                                 f"expected a gas of the pellet {list(pellet.species)}, found "
                                 f"{sec.key!r}")
        if sec.adiabatic and sec.heat_capacity is None:
            raise _section_error(model, "reactor.heat_capacity",
                                 "expected a heat capacity for an adiabatic reactor, found none")
        self.section = sec
        self.pellet = pellet
        self.n_cells = int(min(n_cells, sec.pellet_cells))
        self.rtol = float(rtol)

    def _feed(self, m):
        sec, species = self.section, self.pellet.species
        p = dict(m.pressures)
        P = sec.pressure if sec.pressure is not None else sum(p.values()) * 1e5
        ptot = sum(p.get(s, 0.0) for s in species)
        if not ptot > 0:
            raise InvalidParameterError("conditions.pressures",
                                        f"a positive pressure of {list(species)}", p)
        F_in = np.array([sec.flow * p.get(s, 0.0) / ptot for s in species])
        key = species.index(sec.key or self.pellet.key)
        return P, F_in, key

    def bed_rate(self, m, rates, D_factor: float = 1.0):
        """``rate(c, T) -> (R, q)`` per bed volume (mol m^-3 s^-1, W m^-3) of the sample."""
        from ..bridges.pellet_to_reactor import BedRateSpec, bed_rate_from_pellet
        from ..pellet import effectiveness_first_order
        from ..stages.pellet import inputs as pellet_inputs

        ps = self.pellet
        psec = ps.section
        solid = 1.0 - self.section.bed_voidage
        D = psec.D_eff * float(D_factor)
        if ps.explicit:
            pel, kin, _, _, _, _ = pellet_inputs(ps._with(m, D_factor))
            if ps.first_order:
                k = kin.key

                def rate(c, T):
                    c = np.asarray(c, float)
                    Rv = kin(c, T)
                    kv = -float(kin(np.eye(kin.n)[k], T)[k])   # first order: k(T), s^-1
                    eta = effectiveness_first_order(pel.length * math.sqrt(max(kv, 0) / D),
                                                    psec.shape)
                    return solid * eta * Rv, solid * eta * float(kin.heat_release(c, T))
                return rate
            return bed_rate_from_pellet(BedRateSpec(pel, kin, self.section.bed_voidage,
                                                    self.n_cells))
        if not ps.isothermal:
            sur = psec.model_copy(update={"D_eff": D, "surrogate": True})
            pel, kin, _, _, _, _ = pellet_inputs(m.with_section("pellet", sur))
            return bed_rate_from_pellet(BedRateSpec(pel, kin, self.section.bed_voidage,
                                                    self.n_cells))
        T0 = m.T

        @functools.lru_cache(maxsize=8)
        def rates_at(T):
            return rates if T == T0 else m.rates(T)

        law = ps.direct_law(m, rates_at)
        H = (np.array([float(psec.enthalpies.get(g, 0.0)) for g in ps.species])
             if psec.enthalpies else None)

        def rate(c, T):
            line = _line_setup(law, np.maximum(np.asarray(c, float), 0.0), float(T))
            sol, _err = _line_pellet(line, psec.shape, psec.size, D, psec.k_ext,
                                     self.n_cells, ps.n_nodes, ps.tol, richardson=False)
            Rv = -sol.observed * line.nu                  # observed production, every gas
            q = float(-(H @ Rv)) if H is not None else 0.0
            return solid * Rv, solid * q
        return rate

    def __call__(self, m, rates, D_factor: float = 1.0) -> dict[str, float]:
        from ..reactor import cstr, pfr

        sec = self.section
        P, F_in, key = self._feed(m)
        rate = self.bed_rate(m, rates, D_factor)
        kw = dict(adiabatic=sec.adiabatic, heat_capacity=sec.heat_capacity, key=key,
                  products=sec.products)
        if sec.type == "pfr":
            res = pfr(rate, self.pellet.species, F_in, m.T, P, sec.volume, n_points=2,
                      rtol=self.rtol, **kw)
        else:
            res = cstr(rate, self.pellet.species, F_in, m.T, P, sec.volume, **kw)
        return {"conversion": float(res.conversion)}
