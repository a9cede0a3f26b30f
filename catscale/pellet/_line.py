"""The one-species route of the pellet solver: the stoichiometric-line reduction.

When the pellet is isothermal, every carried species has the same effective diffusivity (and
film coefficient) and the production rates are proportional to one fixed stoichiometry
(nu_j = R_j / R_key, nu_key = -1 for the consumed key), the invariants D (c_j + nu_j c_key)
are harmonic with the bulk values on the boundary, hence constant:

    c_j(r) = c_b,j - nu_j (c_b,key - s(r)),

and the pellet reduces *exactly* to one equation for the key concentration s,

    (1/r^a) d/dr (r^a D ds/dr) = r(s),   ds/dr(0) = 0,   s(R) = c_b,key  (or a film).

It is discretised on the grid of :func:`catscale.pellet.solve_pellet` (the same faces,
stretch rule and conservative fluxes, with the surface node eliminated), so the two routes
give the same discrete solution; the Jacobian is tridiagonal and one Newton iteration is a
LAPACK ``dgtsv`` solve (microseconds: the uncertainty ensembles solve 10^4 pellets). Newton
works in u = ln(s - s_low) (s_low: the end of the line, where a co-reactant runs out), so a
depleted core or a dead zone is approached geometrically. When every start fails (an
S-shaped branch of negative-order kinetics whose fold lies below lam = 1) the pellet
package's pseudo-arclength continuation (:func:`catscale.pellet._continuation`) follows the
branch in the reaction scale and the first crossing of lam = 1 is polished here.

Units: m, s, K, mol m^-3; rates per pellet volume in mol m^-3 s^-1.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.linalg.lapack import dgtsv as _gtsv

from ..errors import ConvergenceError, InvalidParameterError
from ._continuation import continue_branch
from ._fv import Discretization, grid_stretch, make_grid
from ._geometry import shape_exponent

__all__ = ["LineSolution", "solve_line_pellet"]

#: ``rate(s) -> (r, dr/ds)``: key consumption per pellet volume (mol m^-3 s^-1) and its
#: derivative (s^-1) at an array of key concentrations (mol m^-3)
LineRateFn = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]

_MAX_LOG_STEP = 8.0
#: scaled residual (per cell, relative to its conductances x s_bulk + its bulk rate) below
#: which a stalled Newton step counts as converged: round-off of the flux differences
_ROUNDOFF = 1e-9


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
    faces : ndarray (N+1,)
        Face radii of the grid, m.
    route : str
        ``"newton"`` or ``"arclength"`` (the package's continuation was needed).
    folds : int
        Turning points of the branch in the reaction scale passed by the continuation.
    """

    r: np.ndarray
    s: np.ndarray
    s_surface: float
    observed: float
    effectiveness: float
    effectiveness_overall: float
    thiele: float
    mass_balance_error: float
    faces: np.ndarray = None
    route: str = "newton"
    folds: int = 0


def first_order_profile(a: int, x: np.ndarray, R: float, m: float) -> np.ndarray:
    """s / s_surface of a first-order rate (m = sqrt(k/D), m^-1) at radii x (overflow-safe)."""
    mr, mR = m * x, m * R
    if a == 0:
        return np.exp(mr - mR) * (1 + np.exp(-2 * mr)) / (1 + np.exp(-2 * mR))
    if a == 1:
        from scipy.special import i0e

        return i0e(mr) / i0e(mR) * np.exp(mr - mR)
    with np.errstate(divide="ignore", invalid="ignore"):
        f = (R / x) * np.exp(mr - mR) * (-np.expm1(-2 * mr)) / (-np.expm1(-2 * mR))
    return np.where(mr > 1e-8, f, 2 * mR * np.exp(-mR) / (-np.expm1(-2 * mR)))


def solve_line_pellet(shape: str, size: float, D: float, s_bulk: float, rate: LineRateFn, *,
                      k_ext: float | None = None, n_cells: int = 40,
                      stretch: float | None = None, max_iter: int = 60,
                      s_low: float = 0.0, initial: np.ndarray | None = None,
                      info: dict | None = None) -> LineSolution:
    """Steady reaction-diffusion of one species in a slab, cylinder or sphere.

    (1/r^a) d/dr (r^a D ds/dr) = rate(s), symmetry at r = 0, s = s_bulk at r = R (or the
    film D ds/dr = k_ext (s_bulk - s)). Conservative finite volumes on the grid of
    :func:`catscale.pellet.solve_pellet`, O(h^2); Newton with the tridiagonal Jacobian
    (damped; merit: the residual of each cell relative to its cell's scale). Starts, in
    order: ``initial`` (if given), the first-order profile through the bulk point and
    ``s_low`` (large moduli), the bulk state; for a rate that does not fall with s (one
    steady state) the end of the monotone secant iteration (dead zones of zero and
    fractional orders); then the pellet package's pseudo-arclength continuation in the
    reaction scale, which passes the folds of an S-shaped branch.

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
        Grid refinement towards the surface (default from the bulk modulus,
        :func:`catscale.pellet._fv.grid_stretch`, as :func:`catscale.pellet.solve_pellet`).
    s_low : float
        Lowest concentration the rate law allows (a co-reactant runs out), mol m^-3; the
        first-order starting profile decays towards it.
    initial : ndarray (n_cells,), optional
        Starting concentrations, mol m^-3 (e.g. a finer solution restricted to this grid).
    info : dict, optional
        Filled with ``"route"`` and ``"folds"`` (as the attributes of the result).

    Returns
    -------
    LineSolution

    Raises
    ------
    ConvergenceError
        No steady state was found.
    """
    a = shape_exponent(shape)
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
        stretch = grid_stretch(L * math.sqrt(max(rb, 0.0) / (sb * D)))
    f = make_grid(R, N, stretch)
    x = 0.5 * (f[:-1] + f[1:])
    A = f**a
    V = (f[1:] ** (a + 1) - f[:-1] ** (a + 1)) / (a + 1)
    G = A[1:-1] * D / np.diff(x)                                   # (N-1,) inner faces
    res_s = (R - x[-1]) / D + (1.0 / k_ext if k_ext else 0.0)
    Gs = A[-1] / res_s                                             # surface conductance
    Gsum = np.zeros(N)
    Gsum[:-1] += G
    Gsum[1:] += G
    Gsum[-1] += Gs
    # scale of each cell's equation: its diffusive conductances x s_bulk plus its bulk rate
    cscale = Gsum * sb + V * max(abs(rb), 1e-300)

    def residual(s, lam):
        r, dr = rate(s)
        F = -lam * V * r
        F[:-1] += G * (s[1:] - s[:-1])
        F[1:] -= G * (s[1:] - s[:-1])
        F[-1] += Gs * (sb - s[-1])
        return F, r, dr

    def jac_solve(dr, lam, rhs):
        diag = -lam * V * dr - Gsum
        _, _, _, sol, status = _gtsv(G, diag, G, rhs)
        if status != 0:
            raise np.linalg.LinAlgError("singular pellet Jacobian")
        return sol

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
                if np.isfinite(n_new) and (n_new <= (1 - 1e-4 * step) * nF or (
                        nF <= _ROUNDOFF and np.max(np.abs(s_new - s)) <= 1e-12 * sb)):
                    break          # (or a step at round-off level from a converged state)
                step *= 0.5
            else:
                return None
            change = float(np.max(np.abs(s_new - s)))
            s, F, r, dr, nF = s_new, F_new, r_new, dr_new, n_new
            if nF <= 1e-13 or (change <= 1e-12 * sb and nF <= _ROUNDOFF):
                return s, r
        return None

    def attempt(s0):
        try:
            with np.errstate(all="ignore"):
                return newton(np.array(s0, dtype=float), 1.0)
        except (np.linalg.LinAlgError, ValueError, FloatingPointError):
            return None

    starts = []
    if initial is not None and np.shape(initial) == (N,):
        starts.append(np.asarray(initial, float))
    starts.append(np.full(N, sb))
    if rb > 0 and sb > low:
        m = math.sqrt(rb / ((sb - low) * D))
        if m * R > 2.0:
            # strong diffusion limitation: the first-order profile is the better start
            starts.insert(len(starts) - 1, low + (sb - low) * first_order_profile(a, x, R, m))
    out = None
    for s0 in starts:
        out = attempt(s0)
        if out is not None:
            break
    if out is None and sb > low and _nondecreasing(rate, low, sb):
        # a rate that does not fall with s has one steady state (maximum principle); the
        # secant (Picard) iteration reaches it where Newton's basin is tiny (a kink or a dead
        # zone: zero and fractional orders), then Newton polishes it
        s_pic = _secant_iteration(rate, jac_solve, V, Gs, sb, low, N)
        if s_pic is not None:
            out = attempt(s_pic)
    route, folds = "newton", 0
    if out is None:
        out, folds = _by_continuation(attempt, rate, a, f, D, k_ext, sb)
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
                        float(phi), float(mb), f, route, folds)


def _nondecreasing(rate: LineRateFn, low: float, sb: float, n: int = 65) -> bool:
    """Whether the rate does not fall with s on [low, sb] (sampled at n points)."""
    with np.errstate(all="ignore"):
        r = np.asarray(rate(np.linspace(low, sb, n))[0], float)
    return bool(np.all(np.isfinite(r))
                and np.all(np.diff(r) >= -1e-12 * max(float(np.max(np.abs(r))), 1e-300)))


def _secant_iteration(rate: LineRateFn, jac_solve, V: np.ndarray, Gs: float, sb: float,
                      low: float, N: int, max_iter: int = 2000) -> np.ndarray | None:
    """Fixed point of (transport - V g(s_k)) (s_{k+1} - s_low) = flux terms, g = r / (s - s_low).

    For a rate whose secant g does not increase with s (orders <= 1, Langmuir saturation,
    zero order with its linear continuation below the floor) every iterate is a
    supersolution: started from the bulk state the sequence decreases monotonically to the
    steady state, each step one tridiagonal solve with a nonnegative reaction term (an
    M-matrix: the iterate stays positive). Returns the iterate once its largest relative
    change is below 1e-10 (then Newton polishes it), or None.
    """
    s = np.full(N, sb)
    rhs = np.zeros(N)
    rhs[-1] = -Gs * (sb - low)
    with np.errstate(all="ignore"):
        for _ in range(max_iter):
            e = np.maximum(s - low, 1e-300)
            g = np.maximum(rate(s)[0], 0.0) / e
            try:
                e_new = jac_solve(g, 1.0, rhs)      # (-V g - Gsum) e' + couplings = -Gs e_b
            except np.linalg.LinAlgError:
                return None
            if not np.all(np.isfinite(e_new)):
                return None
            s_new = low + np.maximum(e_new, 0.0)
            if np.max(np.abs(s_new - s)) <= 1e-10 * sb:
                return s_new
            s = s_new
    return None


def _by_continuation(attempt, rate: LineRateFn, a: int, faces: np.ndarray, D: float,
                     k_ext: float | None, sb: float):
    """The first steady state on the branch continued from lam ~ 0 (the package's
    pseudo-arclength continuation on the same grid), polished by the tridiagonal Newton.
    Returns ((s, r), folds passed) or raises ConvergenceError."""
    def production(c, T):
        return -np.asarray(rate(np.asarray(c[0], float))[0], float)[None, :]

    disc = Discretization(a=a, faces=faces, n=1, thermal=False, production=production,
                          heat=lambda c, T: np.zeros(c.shape[1]), D=np.array([float(D)]),
                          flux=None, conductivity=0.0,
                          k_ext=np.array([float(k_ext) if k_ext else np.inf]), h_ext=np.inf,
                          c_bulk=np.array([sb]), T_bulk=1.0)
    tried = ["Newton from the bulk state and the first-order profile"]
    try:
        branch, states = continue_branch(disc, lam_max=1.5)
    except ConvergenceError as exc:
        raise ConvergenceError("one-species pellet: no steady state",
                               tried=tried + [f"pseudo-arclength continuation: {exc}"]) from None
    for u in states:
        got = attempt(disc.split(u)[0][0, :-1])
        if got is not None:
            return got, len(branch.turning_points)
    raise ConvergenceError("one-species pellet: no steady state",
                           tried=tried + [f"pseudo-arclength continuation to lam = 1.5: "
                                          f"{len(states)} crossing(s) of lam = 1, none "
                                          "polished by Newton"])
