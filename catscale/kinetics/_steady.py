"""Steady states that are verified or not returned.

Strategy, in order, until a verified solution exists:

1. damped Newton on log-coverages (``_kernels.newton_multistart``) from the caller's guess
   and from one start per surface species (that species dominant on its site kind) plus the
   uniform surface; the line search keeps every site balance exact (each kind's coverages
   are rescaled at every trial point) and backtracks by safeguarded quadratic interpolation;
   when two or more stable states are found, also from points between them, where the
   saddle separating their basins lies;
2. continuation in ln k from the network with every active rate constant set to 1 s^-1
   (a well-conditioned start problem) to the real one (a homotopy);
3. integration of the transient (stiff BDF, analytic Jacobian) from the bare surface and from
   the guess, then Newton from the end point;
4. Newton in extended precision (mpmath, 40 digits) from the best double-precision point, used
   only when double precision could not bring the scaled residual under the tolerance.

A solution is *verified* when, for every surface species, its net production rate is below
``tol`` times its gross rate (the residual, dimensionless) and every site balance holds to
1e-10. Its stability comes from the eigenvalues of the Jacobian restricted to the
site-conserving subspace. Distinct verified solutions are all kept (``alternatives``), so a
bistable system reports both stable branches and the unstable one between them. When nothing
can be verified, :class:`~catscale.errors.ConvergenceError` lists what was tried.

Strategies 2-4 (and the transient that picks among several stable states) stop at a
wall-clock budget (``time_budget``, default 5 s). A species whose gross rate is below
``_GROSS_MIN`` (1e-290 s^-1) has an unresolved balance (0/0 in double precision): such a
point is not verified, and a homotopy path that gets there (or pins a coverage at the
kernels' floor, ~1e-321) ends the solve at once with "beyond double precision". Every
strategy calls the kernels with the same argument types (``_args``), so numba compiles each
kernel once, not once per strategy.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from ..errors import ConvergenceError, InvalidParameterError
from ..mechanism import Energetics, Mechanism, RateTable
from ..units import kB
from . import _kernels
from ._lateral import lateral_matrices
from ._network import Network, build_network
from ._transient import clean_surface, integrate_network

DEFAULT_TOL = 1e-8
_NEWTON_FTOL = 1e-13
_NEWTON_MAXIT = 100
_MAX_STEP = 8.0
#: Relative round-off of a net rate (a difference of sums of gross rates).
_ROUNDOFF = 1e-14
#: Eigenvalues below this fraction of the largest are zero within round-off of the Jacobian.
_NEUTRAL = 1e-12
#: Wall-clock seconds after which no further fallback strategy (homotopy, transient,
#: extended precision, choice among stable states) is started or continued.
DEFAULT_TIME_BUDGET = 5.0
#: Smallest gross rate (s^-1 per site) at which a species balance is resolved in double
#: precision: the kernels' residual |P - C| / (P + C + 1e-300) is the true one to 1e-8
#: relative only above 1e-292, and rates below ~2e-308 are subnormal (fewer digits).
_GROSS_MIN = 1e-290


class _Clock:
    """The time budget of one solve (wall clock, seconds)."""

    def __init__(self, budget: float):
        if not (budget > 0):
            raise InvalidParameterError("time_budget", "> 0 s", budget)
        self.budget = float(budget)
        self.deadline = time.perf_counter() + self.budget

    def out(self) -> bool:
        """True once the budget is used up."""
        return time.perf_counter() > self.deadline

    def __str__(self) -> str:
        return f"time budget of {self.budget:g} s used up"
#: Margin of the eigenvalue screen of :func:`_neutral_warnings` over the round-off by which
#: two LAPACK routines (or two evaluations of the Jacobian) may differ (~1e-16 of the largest).
_SCREEN = 1e3


@dataclass(frozen=True)
class SteadyState:
    """A verified mean-field steady state.

    Attributes
    ----------
    species : tuple of str
        Surface species (adsorbates then vacancies), the order of ``theta``.
    theta : ndarray (S,)
        Coverages (fraction of sites of the species' kind).
    rates : ndarray (J,)
        Net rate of every step, s^-1 per site, reconciled with the steady state of the
        surface (``nu @ rates = 0``; each step moved within its noise, see
        :func:`_gas_production`), so that the gas productions balance every element.
    rate_f, rate_r : ndarray (J,)
        Forward and reverse rates, s^-1 per site.
    production : dict str -> float
        Net production rate of every gas, s^-1 per site (negative = consumed); the TOF of a
        product.
    residual : float
        max over surface species of |net rate| / gross rate (dimensionless).
    eigenvalues : ndarray (complex)
        Eigenvalues of d(dtheta/dt)/dtheta on the site-conserving subspace, s^-1.
    stable : bool
        True when no eigenvalue has a positive real part beyond round-off
        (Re lambda <= 1e-9 max |lambda|).
    method : str
        How the solution was found ("newton", "transient+newton", "mpmath").
    alternatives : tuple of SteadyState
        Other verified steady states found (stable or not), most stable first.
    network : Network
        The compiled rate law (rate constants, pressures, coverage effects) of the species
        that can be formed at all; species that no active step can produce from the bare
        surface (e.g. CH3* without CH4 in the gas) have coverage exactly 0 and are left out
        of it (``present`` marks the others in ``species``).
    tried : tuple of str
        The strategies that ran.
    below_noise : dict str -> float
        Gases whose net production was below the solution's noise floor (residual x the
        gross rates of the steps that fix it, s^-1 per site; the value is the floor):
        reported as 0 in ``production`` and never as a TOF.
    warnings : tuple of str
        What the verification cannot vouch for: coverages the kinetics does not fix (a
        zero-rate direction of the Jacobian, or verified solutions from different starts
        that are connected by verified points but spread apart), gases zeroed as noise.
    """

    species: tuple[str, ...]
    theta: np.ndarray
    rates: np.ndarray
    rate_f: np.ndarray
    rate_r: np.ndarray
    production: dict[str, float]
    residual: float
    eigenvalues: np.ndarray
    stable: bool
    method: str
    network: Network = field(repr=False)
    alternatives: tuple[SteadyState, ...] = ()
    tried: tuple[str, ...] = ()
    x: np.ndarray | None = field(default=None, repr=False)
    present: np.ndarray | None = field(default=None, repr=False)
    below_noise: dict[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def theta_network(self) -> np.ndarray:
        """Coverages of the species of ``network`` (those that can be formed at all)."""
        return self.theta if self.present is None else self.theta[self.present]

    @property
    def coverages(self) -> dict[str, float]:
        """Coverage of every surface species (vacancies included)."""
        return {n: float(v) for n, v in zip(self.species, self.theta)}

    @property
    def tof(self) -> dict[str, float]:
        """Turnover frequency of every gas produced (> 0), s^-1 per site."""
        return {g: v for g, v in self.production.items() if v > 0}

    @property
    def n_steady_states(self) -> int:
        return 1 + len(self.alternatives)

    @property
    def stable_states(self) -> list[SteadyState]:
        """Every stable steady state found (this one first when stable)."""
        out = [self] if self.stable else []
        return out + [a for a in self.alternatives if a.stable]

    def masi(self) -> str:
        """Most abundant surface intermediate (vacancies included in the comparison)."""
        return self.species[int(np.argmax(self.theta))]

    def to_dict(self) -> dict:
        """JSON-ready summary: coverages, tof, production, residual, stable, eigenvalues."""
        return {
            "coverages": self.coverages,
            "tof": self.tof,
            "production": dict(self.production),
            "rates": {st.equation: float(r)
                      for st, r in zip(self.network.mechanism.steps, self.rates)},
            "residual": float(self.residual),
            "stable": bool(self.stable),
            "max_eigenvalue_real": float(np.max(self.eigenvalues.real))
            if self.eigenvalues.size else None,
            "method": self.method,
            "n_steady_states": self.n_steady_states,
            "masi": self.masi(),
            "below_noise": dict(self.below_noise),
            "warnings": list(self.warnings),
        }


# --------------------------------------------------------------------------------------------
def _frozen(a: np.ndarray, dtype: type = float) -> np.ndarray:
    """A read-only C-contiguous view (a copy only when the layout or dtype differs)."""
    v = np.ascontiguousarray(a, dtype=dtype).view()
    v.setflags(write=False)
    return v


def _args(net: Network, kf: np.ndarray | None = None, kr: np.ndarray | None = None,
          Gf: np.ndarray | None = None, Gr: np.ndarray | None = None) -> tuple:
    """The network's arrays as the kernels take them (optionally other rate constants and
    coverage effects), always read-only, C-contiguous float64 (int64 ``kind``).

    numba compiles one machine-code version per combination of argument types, and a
    read-only array is a different type from a writable one: with every argument
    normalised here, every strategy of the solver (multistart, retries, homotopy, transient
    polish, reduced networks, networks a caller built with writable arrays) runs the same
    compiled version of each kernel. Before, the homotopy and reduced networks triggered
    new compilations of ~5-15 s of CPU each on their first use.
    """
    # once per network (a continuation solves many): the rate constants, and once per
    # stoichiometry the rest (kept by Network.with_gas_factors)
    fixed = net.derived.get("fixed_args")
    if fixed is None:
        fixed = net.derived["fixed_args"] = (
            _frozen(net.Af), _frozen(net.Ar), _frozen(net.nu), _frozen(net.Gf),
            _frozen(net.Gr), _frozen(net.occ), _frozen(net.kind, np.int64))
    if kf is None and kr is None and Gf is None and Gr is None:
        args = net.derived.get("args")
        if args is None:
            args = net.derived["args"] = (_frozen(net.kf), _frozen(net.kr)) + fixed
        return args
    Af, Ar, nu, Gf0, Gr0, occ, kind = fixed
    return (_frozen(net.kf if kf is None else kf), _frozen(net.kr if kr is None else kr),
            Af, Ar, nu, Gf0 if Gf is None else _frozen(Gf), Gr0 if Gr is None else _frozen(Gr),
            occ, kind)


def _newton_from(X0: np.ndarray, args: tuple, max_step: float = _MAX_STEP,
                 max_iter: int = 100) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Damped Newton (``_kernels.newton_multistart``) from every row of X0 (M, S) or from
    the single start X0 (S,). Returns (X, residual, iterations, status), one per row."""
    X0 = np.ascontiguousarray(np.atleast_2d(np.asarray(X0, dtype=float)))
    return _kernels.newton_multistart(X0, *args, max_iter, _NEWTON_FTOL, max_step)


_BASIS: dict[bytes, np.ndarray] = {}


def _conserving_basis(net: Network) -> np.ndarray:
    """Orthonormal basis (S x (S-K)) of the null space of the occupancy matrix (cached)."""
    Z = net.derived.get("basis")
    if Z is not None:
        return Z
    key = net.occ.tobytes() + bytes(str(net.occ.shape), "ascii")
    Z = _BASIS.get(key)
    if Z is None:
        _, s, vt = np.linalg.svd(net.occ)
        rank = int(np.sum(s > 1e-12 * s.max()))
        Z = np.ascontiguousarray(vt[rank:].T)
        if len(_BASIS) > 256:
            _BASIS.clear()
        _BASIS[key] = Z
    net.derived["basis"] = Z
    return Z


def _eigenvalues(net: Network, theta: np.ndarray, jac: np.ndarray | None = None
                 ) -> np.ndarray:
    Z = _conserving_basis(net)
    if Z.shape[1] == 0:
        return np.zeros(0, dtype=complex)
    J = net.jacobian(theta) if jac is None else jac
    return _kernels.projected_eigenvalues(Z, np.ascontiguousarray(J, dtype=float))


def _is_stable(eig: np.ndarray) -> bool:
    if eig.size == 0:
        return True
    scale = max(abs(e) for e in eig.tolist())
    return max(e.real for e in eig.tolist()) <= 1e-9 * scale


def _multistart_rows(net: Network) -> np.ndarray:
    """The uniform surface and one start per surface species (dominant on its site kind)."""
    S = net.n_surface
    counts = np.bincount(net.kind, minlength=net.n_kinds)
    uni = np.log(1.0 / (counts[net.kind] * np.max(net.occ, axis=0)))
    X = np.empty((S + 1, S))
    X[0] = uni
    same = net.kind[:, None] == net.kind[None, :]           # (s, s') same kind
    X[1:] = np.where(same, np.log(1e-6), uni[None, :])
    occ_s = net.occ[net.kind, np.arange(S)]
    X[1 + np.arange(S), np.arange(S)] = np.log((1.0 - 1e-6 * (same.sum(axis=1) - 1)) / occ_s)
    return X


def _starts(net: Network, guess: np.ndarray | None, multistart: bool,
            guesses: Sequence[np.ndarray] = ()) -> np.ndarray:
    rows = [np.log(np.clip(g, 1e-300, 1.0)) for g in ([guess] if guess is not None else [])
            + list(guesses)]
    if multistart or not rows:
        rows.extend(_multistart_rows(net))
    return np.ascontiguousarray(np.array(rows, dtype=float))


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.all(np.abs(a - b) <= 1e-5 * np.maximum(np.maximum(a, b), 1e-12)))


def _make(net: Network, x: np.ndarray, residual: float, method: str,
          tried: Sequence[str], rf: np.ndarray | None = None, rr: np.ndarray | None = None,
          eig: np.ndarray | None = None, neutral: bool = True, exact_x: bool = False
          ) -> SteadyState:
    theta = np.exp(x)
    if rf is None or rr is None:
        rf, rr = net.step_rates(theta)
    r, production, below, cov_err = _gas_production(
        net, rf - rr, rf + rr, residual,
        *((theta, rf, rr, exact_x) if method != "absorbing vertex" else ()))
    if eig is None:
        eig = _eigenvalues(net, theta)
    warns = [f"net production of {g} is below the solution's noise floor ({f:.2g} s^-1 "
             "per site: the residual's error of the rates); reported as 0"
             for g, f in below.items()]
    if cov_err > _COVERAGE_RTOL:
        gross = rf + rr
        slow = float(gross[gross > 0].min()) if np.any(gross > 0) else 0.0
        warns.append(f"coverages resolved to about {cov_err:.1g} (relative) only: the "
                     f"round-off of the fastest steps ({float(gross.max()):.2g} s^-1 per "
                     f"site) hides the slowest ({slow:.2g}) in the species balances, and "
                     "no extended-precision solution replaced this one")
    if neutral:
        warns += _neutral_warnings(net, theta, eig)
    return SteadyState(species=net.surface, theta=theta, rates=r, rate_f=rf, rate_r=rr,
                       production=production, residual=float(residual), eigenvalues=eig,
                       stable=_is_stable(eig), method=method, network=net,
                       tried=tuple(tried), x=x, below_noise=below, warnings=tuple(warns))


def scaled_jacobian(net: Network, theta: np.ndarray, rf: np.ndarray, rr: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The steady-state equations' Jacobian in log-coverages, row-scaled.

    Row s of ``nu @ dr/dx`` is divided by the gross rate of species s; on each site kind the
    row of its fastest species is replaced by the site balance ``d sum(occ theta) / dx``.

    Returns
    -------
    Gx : ndarray (S, S)
        The scaled Jacobian (dimensionless).
    scale : ndarray (S,)
        The row scales (s per site; 1 on the site-balance rows).
    species_row : ndarray of bool (S,)
        Rows that hold species balances.
    DR : ndarray (J, S)
        dr/dx, s^-1 per site.
    """
    DRf = rf[:, None] * (net.Af.T + net.Gf * theta[None, :])   # d rf / dx  (J x S)
    DRr = rr[:, None] * (net.Ar.T + net.Gr * theta[None, :])
    DR = DRf - DRr
    Gx = net.nu @ DR
    gross = np.abs(net.nu) @ (rf + rr) + 1e-300
    scale = 1.0 / gross
    species_row = np.ones(net.n_surface, dtype=bool)
    for k in range(net.n_kinds):
        members = np.flatnonzero(net.kind == k)
        i = members[np.argmax(gross[members])]
        Gx[i] = net.occ[k] * theta
        scale[i] = 1.0
        species_row[i] = False
    return Gx * scale[:, None], scale, species_row, DR


def _solution_error(net: Network, theta: np.ndarray, rf: np.ndarray, rr: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray]:
    """How a solution's residual propagates (kernel ``solution_error``): dr/dx (J x S, s^-1
    per site), the inverse scaled Jacobian (None when singular), and per unit residual the
    error bounds of the gas productions (G,) and of the log-coverages (S,)."""
    DR, C, ok, gas, cov = _kernels.solution_error(
        np.ascontiguousarray(theta, dtype=float), np.ascontiguousarray(rf, dtype=float),
        np.ascontiguousarray(rr, dtype=float), *_args(net)[2:], _nu_gas_ro(net))
    return DR, (C if ok else None), gas, cov


_WARM = [False]


def _warm_kernels() -> None:
    """Compile (or load from numba's cache) the kernels of a solve once per process, before
    any solve's budget clock starts, by a whole solve of a toy network (no budget): its
    arrays have the types of every later call (read-only network arrays, writable state
    arrays). A cold numba cache (a fresh checkout) costs tens of seconds of compilation
    that would otherwise be charged to the first solve's fallbacks, and a fallback that
    then runs out of time (the bare-surface transient that picks the primary of several
    stable states) changes the answer."""
    if _WARM[0]:
        return
    _WARM[0] = True
    toy = Mechanism.from_equations(["A + * <=> A*", "A* <=> B + *"])
    rates = RateTable(500.0, [st.equation for st in toy.steps], np.array([2.0, 1.0]),
                      np.array([1.0, 0.5]))
    solve_network(build_network(toy, rates, {"A": 1.0, "B": 0.1}), time_budget=1e9)


def _nu_gas_ro(net: Network) -> np.ndarray:
    """``nu_gas`` as the kernels take it (read-only, C-contiguous; cached)."""
    nu_gas = net.derived.get("nu_gas_ro")
    if nu_gas is None:
        nu_gas = net.derived["nu_gas_ro"] = _frozen(net.nu_gas)
    return nu_gas


#: Relative rounding of a coverage stored in double precision.
_XROUND = 2.3e-16
#: Coverages resolved to worse than this (relative) get an extended-precision polish, or
#: a warning.
_COVERAGE_RTOL = 1e-6


#: A gas production this many times its noise floor is unchanged by reconciliation to
#: better than 1e-6 relative: :func:`_gas_production` skips the projection then.
_RECONCILE_ABOVE = 1e6


def _gas_production(net: Network, r: np.ndarray, gross: np.ndarray, residual: float,
                    theta: np.ndarray | None = None, rf: np.ndarray | None = None,
                    rr: np.ndarray | None = None, exact_x: bool = False
                    ) -> tuple[np.ndarray, dict[str, float], dict[str, float], float]:
    """Net step rates and production of every gas at a steady state, with its noise floor.

    Each step's net rate ``r_j`` is a difference of gross rates and is known to about
    ``sigma_j = max(residual, round-off) * gross_j``. A quasi-equilibrated step (gross rate
    1e15 times its net rate) therefore knows its net rate to no better than its noise, while
    the rate-limiting steps are accurate; reading a gas's production off the fast step alone
    gives noise where the slow steps fix it exactly. The rates are reconciled with the
    steady state of the surface, ``nu r = 0``, by weighted least squares (each step moved in
    proportion to its noise, ``r' = r - D B^+ nu r`` with ``D = diag(sigma)`` and
    ``B = nu D``), so that the gas productions obey every element and site balance to
    round-off; the noise floor of each production is propagated through that projection
    (``|nu_gas P| sigma``). A production below its floor is noise and is reported as 0.

    With the coverages (``theta``, and the rates ``rf``, ``rr`` there) the floor also holds
    the error of the solution itself. Each scaled equation (species balance over its gross
    rate, site balance) holds to ``eps = max(residual, round-off)``; the coverages then err
    by up to ``eps sum_k |C|_(s, k)`` (log units, ``C`` the inverse scaled Jacobian) and the
    productions by ``eps sum_k |nu_gas P DR C|_(g, k)`` (``DR = dr/dx``; the projection
    removes the part of the error that shows as a residual, not a wrong but balanced flux).
    Where fast steps set every species' gross rate and slow ones the turnover this is far
    above the round-off of the productions: at equilibrium such a network showed a "flux"
    that was only the coverages' error. ``exact_x``: coverages rounded from an
    extended-precision solution err by that rounding alone, not amplified by ``C``. All of
    it is one compiled call (kernel ``productions``).

    Returns
    -------
    rates : ndarray (J,)
        Net rate of every step, s^-1 per site (reconciled when that changes them).
    production : dict str -> float
        s^-1 per site (negative = consumed).
    below : dict str -> float
        Gases zeroed as noise, with their floor (s^-1 per site).
    coverage_error : float
        Largest relative error of a coverage that the residual allows (0 without
        ``theta``).
    """
    eps = max(float(residual), _ROUNDOFF)
    if theta is None:                      # an absorbing vertex: every rate exactly 0
        p = net.nu_gas @ r
        floor = np.abs(net.nu_gas) @ (eps * gross)
        cov_err = 0.0
    else:                                  # one compiled call (a continuation makes many)
        r, p, floor, cov_err = _kernels.productions(
            np.ascontiguousarray(r, dtype=float), np.ascontiguousarray(gross, dtype=float),
            eps, np.ascontiguousarray(theta, dtype=float),
            np.ascontiguousarray(rf, dtype=float), np.ascontiguousarray(rr, dtype=float),
            *_args(net)[2:], _nu_gas_ro(net), bool(exact_x), _RECONCILE_ABOVE, _XROUND,
            _ROUNDOFF)
    production: dict[str, float] = {}
    below: dict[str, float] = {}
    for g, v, f in zip(net.gas, p.tolist(), floor.tolist()):
        if v != 0.0 and abs(v) <= f:
            below[g] = f
            v = 0.0
        production[g] = v
    return r, production, below, cov_err


def _neutral_warnings(net: Network, theta: np.ndarray, eig: np.ndarray | None = None
                      ) -> list[str]:
    """Coverages along a zero-rate direction of the Jacobian (|lambda| <= _NEUTRAL x the
    largest, i.e. within round-off of zero): a conserved or frozen sub-manifold on which
    the coverages are set by the initial state, not by the kinetics.

    ``eig``: the eigenvalues of the same projected Jacobian when already computed (the
    verification computes them); when every one is finite and above ``_SCREEN`` x
    ``_NEUTRAL`` of the largest, no eigenvalue can be zero within round-off and the
    eigenvectors are not computed (a continuation calls this at every point)."""
    Z = _conserving_basis(net)
    if Z.shape[1] == 0:
        return []
    if eig is not None and eig.size == Z.shape[1]:
        mod = [abs(e) for e in eig.tolist()]
        top = max(mod)
        if math.isfinite(sum(mod)) and min(mod) > _SCREEN * _NEUTRAL * top:
            return []
    lam, V = np.linalg.eig(Z.T @ net.jacobian(theta) @ Z)
    scale = float(np.max(np.abs(lam)))
    zero = np.flatnonzero(np.abs(lam) <= _NEUTRAL * scale)
    if not zero.size:
        return []
    v = np.max(np.abs(Z @ V[:, zero]), axis=1)
    names = [net.surface[i] for i in np.flatnonzero(v >= 0.1 * v.max())]
    top = float(np.max(np.abs(lam[zero])))
    tau = np.inf if top == 0 else 1.0 / top
    return [f"coverage of {', '.join(names)} is not fixed by the kinetics: {zero.size} "
            f"zero-rate direction(s) of the Jacobian (|lambda| <= {top:.2g} s^-1 against "
            f"{scale:.2g}; relaxation time >= {tau:.2g} s), so it is set by the initial state"]


def _verified(net: Network, x: np.ndarray, residual: float, tol: float) -> bool:
    if not (np.isfinite(residual) and residual <= tol and np.all(np.isfinite(x))):
        return False
    theta = np.exp(x)
    return bool(np.max(np.abs(net.occ @ theta - 1.0)) <= 1e-10)


def _residual(net: Network, x: np.ndarray) -> float:
    _, _, fs = _kernels.residual_jacobian(np.ascontiguousarray(x, dtype=float), *_args(net))
    return float(np.max(np.abs(fs)))


def _mp_polish(net: Network, x0: np.ndarray, dps: int = 40, iters: int = 30,
               deadline: float = np.inf) -> tuple[np.ndarray, float]:
    """Newton in mpmath extended precision on the same equations. Returns (x, residual);
    stops early at ``deadline`` (``time.perf_counter()`` seconds)."""
    import mpmath as mp

    S, J = net.Af.shape
    K = net.n_kinds
    ctx = mp.mp.clone()
    ctx.dps = dps
    kf = [ctx.mpf(float(v)) for v in net.kf]
    kr = [ctx.mpf(float(v)) for v in net.kr]

    def evaluate(x):
        th = [ctx.exp(v) for v in x]
        rf, rr, dlf, dlr = [], [], [], []
        for j in range(J):
            ef = ctx.fsum(net.Af[s, j] * x[s] + net.Gf[j, s] * th[s] for s in range(S))
            er = ctx.fsum(net.Ar[s, j] * x[s] + net.Gr[j, s] * th[s] for s in range(S))
            a = kf[j] * ctx.exp(ef) if kf[j] > 0 else ctx.mpf(0)
            b = kr[j] * ctx.exp(er) if kr[j] > 0 else ctx.mpf(0)
            rf.append(a)
            rr.append(b)
            dlf.append([a * (net.Af[s, j] + net.Gf[j, s] * th[s]) for s in range(S)])
            dlr.append([b * (net.Ar[s, j] + net.Gr[j, s] * th[s]) for s in range(S)])
        P, C, dP, dC = [], [], [], []
        for i in range(S):
            p = c = ctx.mpf(0)
            dp = [ctx.mpf(0)] * S
            dc = [ctx.mpf(0)] * S
            for j in range(J):
                n = net.nu[i, j]
                if n > 0:
                    p += n * rf[j]
                    c += n * rr[j]
                    dp = [dp[s] + n * dlf[j][s] for s in range(S)]
                    dc = [dc[s] + n * dlr[j][s] for s in range(S)]
                elif n < 0:
                    c -= n * rf[j]
                    p -= n * rr[j]
                    dc = [dc[s] - n * dlf[j][s] for s in range(S)]
                    dp = [dp[s] - n * dlr[j][s] for s in range(S)]
            P.append(p)
            C.append(c)
            dP.append(dp)
            dC.append(dc)
        fs = [(P[i] - C[i]) / (P[i] + C[i]) if P[i] + C[i] > 0 else ctx.mpf(0) for i in range(S)]
        rep = {}
        for s in range(S):
            k = int(net.kind[s])
            if k not in rep or P[s] + C[s] > P[rep[k]] + C[rep[k]]:
                rep[k] = s
        F = ctx.matrix(S, 1)
        Jm = ctx.matrix(S, S)
        for i in range(S):
            if rep[int(net.kind[i])] == i:
                continue
            F[i] = (P[i] - C[i]) / (P[i] + C[i])
            D2 = (P[i] + C[i]) ** 2
            for s in range(S):
                Jm[i, s] = 2 * (C[i] * dP[i][s] - P[i] * dC[i][s]) / D2
        for k in range(K):
            i = rep[k]
            F[i] = ctx.fsum(net.occ[k, s] * th[s] for s in range(S)) - 1
            for s in range(S):
                Jm[i, s] = net.occ[k, s] * th[s]
        return F, Jm, max(abs(v) for v in fs)

    x = [ctx.mpf(float(v)) for v in x0]
    res = None
    for _ in range(iters):
        F, Jm, res = evaluate(x)
        if res < ctx.mpf(10) ** (-(dps - 5)) or time.perf_counter() > deadline:
            break
        dx = ctx.lu_solve(Jm, -F)
        x = [x[s] + dx[s] for s in range(S)]
    _, _, res = evaluate(x)
    return np.array([float(v) for v in x]), float(res)


def formable(net: Network) -> np.ndarray:
    """Surface species that active steps can form starting from the bare surface (bool, S).

    A step direction is active when its rate constant is > 0 (gas pressures included) and
    all its surface reactants are formable; its products are then formable. The others
    have zero coverage at every steady state reached from a formable state.
    """
    # one mask per pattern of active step directions (kept by Network.with_gas_factors)
    known = net.derived.get("formable")
    if known is None:
        known = net.derived["formable"] = {}
    key = (net.kf > 0).tobytes() + (net.kr > 0).tobytes()
    got = known.get(key)
    if got is None:
        vac = {v.name for v in net.mechanism.vacancies}
        ok = np.array([n in vac for n in net.surface])
        kf, kr, Af, Ar = _args(net)[:4]
        got = known[key] = _kernels.formable_mask(ok, kf, kr, Af, Ar)
        got.setflags(write=False)
    return got


def _reduce(net: Network, keep: np.ndarray) -> Network:
    """The network restricted to the species ``keep``; directions needing others are off."""
    drop = ~keep
    kf = np.where(np.any(net.Af[drop] > 0, axis=0), 0.0, net.kf)
    kr = np.where(np.any(net.Ar[drop] > 0, axis=0), 0.0, net.kr)
    sub = np.flatnonzero(keep)
    return replace(net, surface=tuple(net.surface[i] for i in sub), kf=kf, kr=kr,
                   Af=np.ascontiguousarray(net.Af[sub]), Ar=np.ascontiguousarray(net.Ar[sub]),
                   nu=np.ascontiguousarray(net.nu[sub]),
                   Gf=np.ascontiguousarray(net.Gf[:, sub]),
                   Gr=np.ascontiguousarray(net.Gr[:, sub]),
                   occ=np.ascontiguousarray(net.occ[:, sub]),
                   kind=np.ascontiguousarray(net.kind[sub]))


def solve_network(net: Network, guess: np.ndarray | None = None, *, tol: float = DEFAULT_TOL,
                  multistart: bool = True, transient: bool = True,
                  extended_precision: bool = True,
                  guesses: Sequence[np.ndarray] = (), retries: bool = True,
                  warm: bool = False, time_budget: float = DEFAULT_TIME_BUDGET
                  ) -> SteadyState:
    """Verified steady state of a compiled :class:`Network` (see :func:`steady_state`).

    ``guesses`` are further starting coverages (e.g. every steady state of the previous
    point of a sweep), tried right after ``guess``. ``retries``: when every start stalls,
    run Newton again with shorter log-steps (2, then 0.5) before the other fallbacks.
    ``warm``: continuation from a nearby point (a sweep, a line of compositions): one damped
    Newton from ``guess`` first, returned when it is verified and stable (the same checks
    as every candidate of the full strategy, ``method`` ``"warm newton"``); otherwise the
    full strategy runs. ``time_budget`` (s, wall clock): no fallback strategy is started
    or continued after it; a solve that has nothing verified by then raises
    :class:`~catscale.errors.ConvergenceError` saying so.
    """
    _warm_kernels()             # compiled before the budget's clock starts
    clock = _Clock(time_budget)
    keep = formable(net)
    if not np.all(keep):
        sub = _reduce(net, keep)

        def cut(g):
            g = np.asarray(g, dtype=float)
            return g[keep] if g.shape == (net.n_surface,) else g
        ss = _solve(sub, None if guess is None else cut(guess), tol, multistart, transient,
                    extended_precision, [cut(g) for g in guesses], retries, warm, clock)
        return _pad(ss, net, keep)
    return _solve(net, guess, tol, multistart, transient, extended_precision, guesses,
                  retries, warm, clock)


def _pad(ss: SteadyState, full: Network, keep: np.ndarray) -> SteadyState:
    theta = np.zeros(full.n_surface)
    theta[keep] = ss.theta
    alts = tuple(_pad(a, full, keep) for a in ss.alternatives)
    return replace(ss, species=full.surface, theta=theta, present=keep, alternatives=alts)


def _check_start(net: Network, g: np.ndarray | None, name: str) -> np.ndarray | None:
    if g is None:
        return None
    g = np.asarray(g, dtype=float)
    # a finite sum has finite terms (nan and inf propagate)
    if g.shape != (net.n_surface,) or not math.isfinite(float(g.sum())):
        raise InvalidParameterError(name, f"{net.n_surface} coverages", g)
    return g


def _between(states: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Starting points between every pair of stable states (log-coverages x, coverages).

    A saddle separating two stable states lies on the boundary of their basins, which any
    path between them crosses; Newton started at 1/4, 1/2 and 3/4 of the straight line
    between them, in coverages and in log-coverages, converges to it in practice.
    """
    rows = []
    for i in range(len(states)):
        for j in range(i + 1, len(states)):
            (xa, ta), (xb, tb) = states[i], states[j]
            for f in (0.25, 0.5, 0.75):
                rows.append(np.log(np.maximum(f * ta + (1 - f) * tb, 1e-300)))
                rows.append(f * xa + (1 - f) * xb)
    return np.ascontiguousarray(np.array(rows))


def _solve(net: Network, guess: np.ndarray | None, tol: float, multistart: bool,
           transient: bool, extended_precision: bool,
           guesses: Sequence[np.ndarray] = (), retries: bool = True,
           warm: bool = False, clock: _Clock | None = None) -> SteadyState:
    if not (0 < tol < 1):
        raise InvalidParameterError("tol", "a residual tolerance in (0, 1)", tol)
    clock = _Clock(DEFAULT_TIME_BUDGET) if clock is None else clock
    guess = _check_start(net, guess, "guess")
    guesses = [_check_start(net, g, "guesses") for g in guesses]
    tried: list[str] = []
    args = _args(net)
    if warm and guess is not None:
        x0 = np.log(np.minimum(np.maximum(guess, 1e-300), 1.0))
        xw, rw, _, _ = _kernels.newton(x0, *args, _NEWTON_MAXIT, _NEWTON_FTOL, _MAX_STEP)
        d = _verified_one(net, xw, float(rw), tol)
        if d is not None and _is_stable(d[3]):
            return _make(net, xw, d[0], "warm newton", ("damped Newton from the guess (warm)",),
                         rf=d[1], rr=d[2], eig=d[3])
        tried.append("damped Newton from the guess (warm): not verified or not stable")
    X0 = _starts(net, guess, multistart, guesses)
    n_first = (guess is not None) + len(guesses)
    X, res, iters, status = _newton_from(X0, args)
    n_ok = int(np.sum(res <= tol))
    tried.append(f"damped Newton on log-coverages from {len(X0)} starts"
                 f"{' (guess first)' if guess is not None else ''}: {n_ok} verified "
                 f"(best residual {np.min(res):.2e})")
    found: list[tuple[np.ndarray, float, str, int]] = []
    for m in range(len(X0)):
        found.append((X[m], float(res[m]), "newton", m))
    for step in (2.0, 0.5):      # shorter Newton steps when every start stalled
        if n_ok or np.any(status == 0) or not retries:
            break
        X, res, iters, status = _newton_from(X0, args, max_step=step)
        n_ok = int(np.sum(res <= tol))
        tried.append(f"damped Newton with log-steps <= {step:g}: {n_ok} verified "
                     f"(best residual {np.min(res):.2e})")
        for m in range(len(X0)):
            found.append((X[m], float(res[m]), "newton", m))
    converged = bool(np.any(status == 0))
    if n_ok == 0 and not converged and retries:
        try:
            xh, rh, how = _unit_homotopy(net, clock)
        except _BeyondDouble as exc:
            tried.append(f"continuation in ln k from every rate constant = 1 s^-1: {exc}")
            poisoned = _absorbing_result(net, tried)
            if poisoned is not None:
                return poisoned
            raise ConvergenceError(
                "the steady state is beyond double precision: a coverage or a species' "
                f"gross rate leaves the range of doubles on the way to it ({_k_span(net)}); "
                "no steady state can be verified", tried=tried) from None
        tried.append("continuation in ln k from every rate constant = 1 s^-1 (solved from "
                     f"the multistart set): {how}")
        if xh is not None:
            found.append((xh, rh, "homotopy+newton", -1))
            n_ok = int(rh <= tol)
            converged = n_ok > 0
    if n_ok == 0 and transient and not converged:
        starts = [clean_surface(net)] + ([guess / (net.occ @ guess)[net.kind]]
                                         if guess is not None else [])
        # stable absorbing states: a transient that comes within 1e-10 of one has reached
        # it (the coverages left decay exponentially or algebraically, never to 0)
        sinks = [th for th, e in _absorbing_states(net) if _is_stable(e)]

        def reached(_t, y):
            return min(float(np.max(np.abs(y - th))) for th in sinks) - 1e-10
        reached.terminal = True
        for th0 in starts:
            for t_end in (1e4, 1e12):
                if clock.out():
                    tried.append(f"transient to t={t_end:g} s skipped: {clock}")
                    continue
                try:
                    tr = integrate_network(net, th0, t_end=t_end, deadline=clock.deadline,
                                           events=reached if sinks else None)
                except ConvergenceError as exc:
                    tried.append(f"transient to t={t_end:g} s failed: "
                                 f"{str(exc).splitlines()[-1].strip()}")
                    continue
                if sinks and reached(0.0, tr.theta[-1]) <= 1e-12:
                    src = "the clean surface" if th0 is starts[0] else "the guess"
                    tried.append(f"stiff transient (BDF) from {src}: reaches an absorbing "
                                 f"state at t = {tr.t[-1]:.3g} s")
                    poisoned = _absorbing_result(net, tried, near=tr.theta[-1])
                    if poisoned is not None:
                        return poisoned
                xe = np.log(np.clip(tr.theta[-1], 1e-300, 1.0))
                Xn, rn, _, _ = _newton_from(xe, args)
                r = float(rn[0])
                tried.append(f"stiff transient (BDF, analytic Jacobian) to t={t_end:g} s, "
                             f"then Newton: residual {r:.2e}")
                found.append((Xn[0], r, "transient+newton", -1))
                if r <= tol:
                    break
    best = min(found, key=lambda f: f[1])
    if best[1] > tol and extended_precision and np.isfinite(best[1]) and best[1] < 1e-2:
        if clock.out():
            tried.append(f"mpmath Newton (40 digits) skipped: {clock}")
        else:
            xm, rm = _mp_polish(net, best[0], deadline=clock.deadline)
            tried.append(f"mpmath Newton (40 digits) from the best point: residual {rm:.2e}")
            found.append((xm, rm, "mpmath", -1))
    unresolved: set[str] = set()
    distinct = _distinct_verified(net, found, tol, unresolved=unresolved)
    if not distinct:
        poisoned = _absorbing_result(net, tried)
        if poisoned is not None:
            return poisoned
    if not distinct and unresolved:
        raise ConvergenceError(
            "the steady state is beyond double precision: the gross rates of "
            f"{', '.join(sorted(unresolved))} are below {_GROSS_MIN:g} s^-1 per site, where "
            f"their balance cannot be resolved ({_k_span(net)}); no steady state can be "
            "verified", tried=tried)
    if not distinct:
        raise ConvergenceError(
            f"no verified steady state (scaled residual <= {tol:g}); best residual "
            f"{min(f[1] for f in found):.3e}"
            + (f"; stopped at the time budget ({clock})" if clock.out() else ""),
            tried=tried)
    stable = [d for d in distinct if _is_stable(d[5])]
    if multistart and len(stable) >= 2:
        Xb = _between([(d[0], np.exp(d[0])) for d in stable])
        Xs, rs, _, _ = _newton_from(Xb, args)
        more = _distinct_verified(net, [(Xs[m], float(rs[m]), "newton", -1)
                                        for m in range(len(Xb))], tol, distinct)
        tried.append(f"damped Newton from {len(Xb)} points between the {len(stable)} stable "
                     f"states: {len(more)} further steady state(s)")
        distinct += more
    exact: set[int] = set()
    if extended_precision:
        distinct, exact = _polish_stiff(net, distinct, tol, clock, tried)
    states = [_make(net, d[0], d[1], d[2], (), rf=d[3], rr=d[4], eig=d[5],
                    exact_x=i in exact) for i, d in enumerate(distinct)]
    states = [replace(st, warnings=st.warnings + tuple(_spread_warning(net, d[7])))
              for st, d in zip(states, distinct)]
    # absorbing states beside the verified ones, when linearly stable (every eigenvalue of
    # the exact vertex Jacobian below minus its round-off): the mean-field ZGB model is
    # CO-poisoned at every y and reactive too for y < 2/3. A vertex with a zero-rate
    # direction (stable, if at all, beyond first order) is left out here.
    sinks = [_absorbing_state(net, th, e, alone=False)
             for th, e in _absorbing_states(net)
             if e.size == 0 or float(np.max(e.real)) < -_NEUTRAL * float(np.max(np.abs(e)))]
    if sinks:
        tried.append(f"absorbing vertices of the coverage simplex: {len(sinks)} stable")
    primary = states[0]
    if guess is None or distinct[0][6] >= n_first or distinct[0][6] < 0:
        stable_states = [s for s in states if s.stable] + sinks
        if len(stable_states) > 1:
            primary = _pick_from_clean_surface(net, stable_states, tried, clock)
        elif stable_states:
            primary = stable_states[0]
    others = [s for s in states + sinks if s is not primary]
    if sinks and primary.method != "absorbing vertex":
        what = "; ".join(_absorbing_what(net, a.theta) for a in sinks)
        primary = replace(primary, warnings=primary.warnings + (
            f"a stable {what} (every step rate 0) exists beside this state: a surface that "
            "reaches it stays there without turnover",))
    others.sort(key=lambda s: (not s.stable, float(np.max(s.eigenvalues.real))
                               if s.eigenvalues.size else 0.0))
    return replace(primary, alternatives=tuple(others), tried=tuple(tried))

#: Most vertices of the site simplices searched for absorbing states.
_MAX_VERTICES = 4096


def _vertex_jacobian(net: Network, theta: np.ndarray) -> np.ndarray | None:
    """d(dtheta/dt)/d theta (S x S, s^-1) at coverages with exact zeros, from the
    derivatives of the mass-action monomials (the log form of :meth:`Network.jacobian`
    divides by theta); None when a derivative is infinite (an order below 1 at zero)."""
    S, J = net.Af.shape
    D = np.zeros((J, S))
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        for A, k, G, sign in ((net.Af, net.kf, net.Gf, 1.0), (net.Ar, net.kr, net.Gr, -1.0)):
            for j in range(J):
                if k[j] == 0.0:
                    continue
                on = np.flatnonzero(A[:, j] > 0)
                pw = theta[on] ** A[on, j]
                for i, s in enumerate(on):
                    rest = float(np.prod(np.delete(pw, i)))
                    D[j, s] += (sign * k[j] * math.exp(float(G[j] @ theta)) * A[s, j]
                                * theta[s] ** (A[s, j] - 1.0) * rest)
    return D if np.all(np.isfinite(D)) else None


def _vertices(net: Network) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The vertices of the site simplices, one single-kind species filling each site kind
    (cached with the stoichiometry in ``net.derived``): presence masks (V, S), coverages
    (V, S), and for each vertex the steps whose forward / reverse direction lacks a
    reactant there (V, J); none when there are more than ``_MAX_VERTICES``."""
    v = net.derived.get("vertices")
    if v is not None:
        return v
    key = (net.Af.shape, net.occ.shape, net.Af.tobytes(), net.Ar.tobytes(),
           net.occ.tobytes(), net.kind.tobytes())
    v = _VERTICES.get(key)
    if v is None:
        v = _VERTICES[key] = _build_vertices(net)
        if len(_VERTICES) > 256:
            _VERTICES.clear()
            _VERTICES[key] = v
    net.derived["vertices"] = v
    return v


#: vertices of the site simplices by stoichiometry (networks of one mechanism share them)
_VERTICES: dict[tuple, tuple] = {}


def _build_vertices(net: Network) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    S = net.n_surface
    single = [int(np.count_nonzero(net.occ[:, s])) == 1 for s in range(S)]
    per_kind = [[s for s in range(S) if single[s] and net.kind[s] == k]
                for k in range(net.n_kinds)]
    combos = (list(itertools.product(*per_kind))
              if math.prod(len(m) for m in per_kind) <= _MAX_VERTICES else [])
    there = np.zeros((len(combos), S), dtype=bool)
    thetas = np.zeros((len(combos), S))
    for i, combo in enumerate(combos):
        for k, s in enumerate(combo):
            there[i, s] = True
            thetas[i, s] = 1.0 / net.occ[k, s]
    absent = (~there).astype(float)
    return there, thetas, absent @ (net.Af > 0) > 0, absent @ (net.Ar > 0) > 0


def _absorbing_states(net: Network) -> list[tuple[np.ndarray, np.ndarray]]:
    """Absorbing (poisoned) states: vertices of the site simplices (one single-kind species
    filling each site kind) at which every step rate is exactly zero, with the eigenvalues
    of the Jacobian on the site-conserving subspace there. At such a state theta = 0 for
    some species exactly, which no log-coverage solver reaches (x -> -inf): CO-poisoning
    in the mean-field ZGB model above y = 2/3 (Dickman, Phys. Rev. A 34, 4246 (1986)), an
    adsorbate that active steps form and none consume.
    """
    _, thetas, missing_f, missing_r = _vertices(net)
    # a rate is exactly 0 at a vertex when its constant is 0 or one of its reactants is
    # absent (a boolean test before any arithmetic: most vertices fail it)
    if not len(thetas):
        return []
    cand = ~(((net.kf > 0) & ~missing_f).any(axis=1) | ((net.kr > 0) & ~missing_r).any(axis=1))
    if not cand.any():
        return []
    Z = _conserving_basis(net)
    out = []
    for theta in thetas[cand]:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            rf, rr = net.step_rates(theta)
        if not (np.all(rf == 0.0) and np.all(rr == 0.0)):
            continue
        D = _vertex_jacobian(net, theta)
        if D is None:
            continue
        eig = (np.linalg.eigvals(Z.T @ (net.nu @ D) @ Z) if Z.shape[1]
               else np.zeros(0, dtype=complex))
        out.append((theta, eig))
    return out


def _absorbing_result(net: Network, tried: list[str], near: np.ndarray | None = None
                      ) -> SteadyState | None:
    """The stable absorbing states as a steady state (the first, or the one nearest to
    ``near``, the others as alternatives), or None when there is none."""
    stable = [(th, eig) for th, eig in _absorbing_states(net) if _is_stable(eig)]
    if not stable:
        return None
    if near is not None:
        stable.sort(key=lambda v: float(np.max(np.abs(v[0] - near))))
    tried.append(f"absorbing vertices of the coverage simplex: {len(stable)} stable")
    states = [_absorbing_state(net, th, eig, alone=True) for th, eig in stable]
    return replace(states[0], alternatives=tuple(states[1:]), tried=tuple(tried))


def _absorbing_what(net: Network, theta: np.ndarray) -> str:
    full = [net.surface[i] for i in np.flatnonzero(theta > 0)]
    vac = {v.name for v in net.mechanism.vacancies}
    if set(full) <= vac:
        return "absorbing state: the surface stays bare (nothing adsorbs)"
    return (f"absorbing (poisoned) state: {', '.join(full)} "
            f"{'fills' if len(full) == 1 else 'fill'} the surface")


def _absorbing_state(net: Network, theta: np.ndarray, eig: np.ndarray, alone: bool
                     ) -> SteadyState:
    """One absorbing vertex as a steady state (every rate 0), with its warnings; ``alone``
    when no steady state with every coverage > 0 was verified beside it."""
    warns = (f"{_absorbing_what(net, theta)}; every step rate is exactly 0, so there is no "
             "turnover" + ("; no steady state with every coverage > 0 was verified" if alone
                           else ""),)
    mod = np.abs(eig)
    if eig.size and float(np.min(mod)) <= _NEUTRAL * float(np.max(mod)):
        warns += ("the poisoned state is stable only beyond first order (a zero "
                  "eigenvalue of the Jacobian there)",)
    with np.errstate(divide="ignore"):
        x = np.log(theta)
    rz = np.zeros(net.n_steps)
    ss = _make(net, x, 0.0, "absorbing vertex", (), rf=rz, rr=rz.copy(), eig=eig,
               neutral=False)
    return replace(ss, warnings=ss.warnings + warns)


class _BeyondDouble(Exception):
    """The steady state has a coverage below the double-precision range."""


def _at_floor(net: Network, x: np.ndarray) -> list[str]:
    """Species whose log-coverage sits at the kernels' floor X_MIN (theta ~ 1e-321)."""
    return [net.surface[i] for i in np.flatnonzero(x <= _kernels.X_MIN + 1.0)]


def _k_span(net: Network) -> str:
    """Why a steady state leaves double precision: a sink (an adsorbate formed by active
    step directions and consumed by none poisons the surface, every rate -> 0), or the
    span of the rate constants."""
    on_f, on_r = net.kf > 0, net.kr > 0
    made = ((net.nu > 0) & on_f[None, :]) | ((net.nu < 0) & on_r[None, :])
    used = ((net.nu < 0) & on_f[None, :]) | ((net.nu > 0) & on_r[None, :])
    vac = {v.name for v in net.mechanism.vacancies}
    sinks = [n for i, n in enumerate(net.surface)
             if n not in vac and made[i].any() and not used[i].any()]
    if sinks:
        return (f"{', '.join(sinks)} is formed by active steps and consumed by none: the "
                "surface poisons with it (its coverage -> 1, every rate -> 0)")
    k = np.concatenate([net.kf, net.kr])
    k = k[k > 0]
    span = np.log10(k.max()) - np.log10(k.min())
    return (f"the rate constants (gas pressures included) span {span:.0f}"
            f" decades, {k.min():.2g} to {k.max():.2g} s^-1")


def _unit_homotopy(net: Network, clock: _Clock) -> tuple[np.ndarray | None, float, str]:
    """A steady state reached by continuation in ln k from the network whose active rate
    constants are all 1 s^-1 (no coverage effects), solved from the multistart set.

    A homotopy (e.g. Allgower and Georg, Introduction to Numerical Continuation Methods,
    SIAM 2003): the start problem is well conditioned, and the path in ln k ends on a root
    of the real network unless it meets a fold. Natural-parameter continuation in lambda,
    ln k(lambda) = lambda ln k (coverage effects lambda G): a damped Newton solve at
    lambda + h from the solution at lambda, h doubled after a success and halved after a
    failure down to 2^-10. Each solve is one call of the compiled multistart Newton, so this
    path needs no kernel of its own (no compilation on first use). Returns (x, residual,
    what happened); x is None when the path failed or ran out of the time budget.

    Raises
    ------
    _BeyondDouble
        When a species' gross rate falls below ``_GROSS_MIN`` on the path, or the path
        fails with a coverage pinned at the smallest representable value: the steady
        state lies beyond double precision.
    """
    on_f, on_r = net.kf > 0, net.kr > 0
    lkf = np.log(np.where(on_f, net.kf, 1.0))
    lkr = np.log(np.where(on_r, net.kr, 1.0))
    zero = np.zeros_like(net.Gf)
    X, _, _, status = _newton_from(_multistart_rows(net),
                                   _args(net, kf=on_f * 1.0, kr=on_r * 1.0, Gf=zero, Gr=zero))
    ok = np.flatnonzero(status == 0)
    if ok.size == 0:
        return None, np.inf, "the start problem did not converge"
    x, lam, h, n = X[ok[0]], 0.0, 1.0, 0
    while h >= 1.0 / 1024:
        if clock.out():
            return None, np.inf, f"stopped at lambda = {lam:.3g} ({clock})"
        lt = min(1.0, lam + h)
        a = _args(net, kf=np.where(on_f, np.exp(lt * lkf), 0.0),
                  kr=np.where(on_r, np.exp(lt * lkr), 0.0), Gf=lt * net.Gf, Gr=lt * net.Gr)
        Xn, rn, _, sn = _newton_from(x, a, max_iter=12)
        n += 1
        if sn[0] != 0:
            h *= 0.5
            continue
        rf, rr = _kernels.evaluate_states(Xn, *a)[:2]
        low = _unresolved(net, rf[0], rr[0])
        if low:
            raise _BeyondDouble(f"at lambda = {lt:.3g} the gross rates of {', '.join(low)} "
                                f"fell below {_GROSS_MIN:g} s^-1 per site")
        x, lam = Xn[0], lt
        if lam >= 1.0:
            return x, float(rn[0]), f"residual {float(rn[0]):.2e} after {n} steps"
        h = min(2.0 * h, 1.0 - lam)
    low = _at_floor(net, x)
    if low:
        raise _BeyondDouble(f"the continuation in ln k stopped at lambda = {lam:.3g} with the "
                            f"coverage of {', '.join(low)} at the smallest double "
                            f"(~{np.exp(_kernels.X_MIN):.0e})")
    return None, np.inf, f"failed at lambda = {lam:.3g} (a fold of the path)"


def _unresolved(net: Network, rf: np.ndarray, rr: np.ndarray) -> list[str]:
    """Species that some step changes but whose gross rate is below ``_GROSS_MIN``: their
    balance (and so their coverage) is not resolved in double precision."""
    got = net.derived.get("moved")
    if got is None:            # |nu| of the species some step changes, and their indices
        idx = np.flatnonzero(np.any(net.nu != 0, axis=1))
        got = net.derived["moved"] = (np.ascontiguousarray(np.abs(net.nu[idx])), idx)
    abs_nu, idx = got
    gross = (abs_nu @ (rf + rr)).tolist()
    if all(g >= _GROSS_MIN for g in gross):       # (a nan fails the test)
        return []
    return [net.surface[i] for i, g in zip(idx.tolist(), gross) if not g >= _GROSS_MIN]


def _distinct_verified(net: Network, found: list[tuple[np.ndarray, float, str, int]],
                       tol: float, known: Sequence[tuple] = (),
                       unresolved: set[str] | None = None) -> list[tuple]:
    """Verified, mutually distinct candidates (and distinct from ``known``), in order.

    Each is returned as (x, residual, method, start, rf, rr, eigenvalues); residual, site
    balance and rates are recomputed in one kernel call. A candidate with a species whose
    gross rate is below the double-precision range is not verified (its residual is 0/0);
    those species are added to ``unresolved``.
    """
    cand = [f for f in found if np.isfinite(f[1]) and f[1] <= tol and np.all(np.isfinite(f[0]))]
    if not cand:
        return []
    X = np.ascontiguousarray(np.array([f[0] for f in cand]))
    rf, rr, res, bal, jac = _kernels.evaluate_states(X, *_args(net))
    out: list[tuple] = []
    reps = [k[0] for k in known]
    thetas = [np.exp(k[0]) for k in known]
    for m, f in enumerate(cand):
        # an mpmath point carries its extended-precision residual (double precision cannot
        # resolve residuals below ~1e-16)
        r = f[1] if f[2] == "mpmath" else float(res[m])
        if not (r <= tol and bal[m] <= 1e-10):
            continue
        low = _unresolved(net, rf[m], rr[m])
        if low:
            if unresolved is not None:
                unresolved.update(low)
            continue
        th = np.exp(f[0])
        if any(_same(th, t) for t in thetas):
            continue
        hit = next((i for i, xr in enumerate(reps) if _connected(net, xr, f[0], tol)), None)
        if hit is not None:          # the same state within the verification tolerance
            j = hit - len(known)
            if j >= 0:
                out[j][7].append(th)
            continue
        reps.append(f[0])
        thetas.append(th)
        eig = _eigenvalues(net, th, jac[m])
        out.append((f[0], r, f[2], rf[m].copy(), rr[m].copy(), eig, f[3], [th]))
    return out


def _polish_stiff(net: Network, distinct: list[tuple], tol: float, clock: _Clock,
                  tried: list[str]) -> tuple[list[tuple], set[int]]:
    """Verified states whose coverages the double-precision residual resolves to worse than
    ``_COVERAGE_RTOL`` (fast steps' round-off swamps slow ones in the species balances),
    solved again by Newton in 40-digit arithmetic from themselves. Returns the states (the
    polished ones replaced) and the indices of those now exact to double rounding."""
    out, exact = list(distinct), set()
    for i, d in enumerate(distinct):
        cov = _solution_error(net, np.exp(d[0]), d[3], d[4])[3]
        bound = max(float(d[1]), _ROUNDOFF) * float(cov.max()) if cov.size else 0.0
        if not bound > _COVERAGE_RTOL or d[2] == "mpmath":
            continue
        if clock.out():
            tried.append(f"mpmath polish of a state resolved to {bound:.1g} skipped: {clock}")
            continue
        xm, rm = _mp_polish(net, d[0], deadline=clock.deadline)
        X = np.ascontiguousarray(xm.reshape(1, -1))
        rf, rr, _, bal, jac = _kernels.evaluate_states(X, *_args(net))
        ok = rm <= tol and bal[0] <= 1e-10 and np.all(np.isfinite(xm))
        tried.append(f"mpmath Newton (40 digits) on a state whose coverages double precision "
                     f"resolves to {bound:.1g}: residual {rm:.2e}"
                     + ("" if ok else " (kept the double-precision state)"))
        if ok:
            out[i] = (xm, float(rm), f"{d[2]}+mpmath", rf[0].copy(), rr[0].copy(),
                      _eigenvalues(net, np.exp(xm), jac[0]), d[6], d[7])
            exact.add(i)
    return out, exact


def _verified_one(net: Network, x: np.ndarray, residual: float, tol: float
                  ) -> tuple[float, np.ndarray, np.ndarray, np.ndarray] | None:
    """The checks of :func:`_distinct_verified` for one candidate and no other state (a
    warm start): (residual, rf, rr, eigenvalues) or None. Without the lists of candidates
    and known states (a continuation verifies a state at every point)."""
    if not (residual <= tol and np.isfinite(x).all()):
        return None
    rf, rr, res, bal, jac = _kernels.evaluate_states(x.reshape(1, -1), *_args(net))
    r = float(res[0])
    if not (r <= tol and bal[0] <= 1e-10) or _unresolved(net, rf[0], rr[0]):
        return None
    return r, rf[0], rr[0], _eigenvalues(net, np.exp(x), jac[0])


def _connected(net: Network, xa: np.ndarray, xb: np.ndarray, tol: float) -> bool:
    """True when the points at 1/4, 1/2 and 3/4 of the way from ``xa`` to ``xb`` (in
    log-coverages, renormalised to every site balance) are verified steady states as well:
    the two solutions are one state within the verification tolerance (a bistable pair
    has its saddle, a point with a large residual, between them)."""
    pts = []
    for f in (0.25, 0.5, 0.75):
        th = np.exp(f * xa + (1 - f) * xb)
        th = th / (net.occ @ th)[net.kind]
        pts.append(np.log(th))
    _, _, res, bal, _ = _kernels.evaluate_states(np.ascontiguousarray(np.array(pts)),
                                                 *_args(net))
    return bool(np.all(res <= tol) and np.all(bal <= 1e-10))


def _spread_warning(net: Network, copies: list[np.ndarray]) -> list[str]:
    """A warning when verified solutions merged into one state differ in some coverage by
    more than the comparison tolerance of :func:`_same` (the kinetics leaves it loose)."""
    if len(copies) < 2:
        return []
    T = np.array(copies)
    lo, hi = T.min(axis=0), T.max(axis=0)
    loose = np.flatnonzero(hi - lo > 1e-5 * np.maximum(hi, 1e-12))
    if not loose.size:
        return []
    desc = ", ".join(f"{net.surface[i]} in [{lo[i]:.3g}, {hi[i]:.3g}]" for i in loose[:4])
    return [f"{len(copies)} verified solutions from different starts are one steady state "
            f"within the verification tolerance, but spread over {desc}: those coverages are "
            "not fixed by the kinetics to better than that spread"]


def _pick_from_clean_surface(net: Network, stable: list[SteadyState], tried: list[str],
                             clock: _Clock) -> SteadyState:
    """Among several stable states, the one the bare surface evolves to (light-off branch).

    The transient is integrated in geometric stages of time (from 1/k_max up to 1e3/k_min,
    a factor 100 per stage) and stops as soon as every coverage is within 1e-4 (absolute) of
    one stable state: near a stable node the trajectory does not leave its basin, and long
    stiff integrations to 1e3/k_min (which may be 1e11 s) are avoided. When the transient
    fails or the time budget ends first, the most stable state is returned with a warning.
    """
    try:
        kpos = np.concatenate([net.kf, net.kr])
        kpos = kpos[kpos > 0]
        t, t_end = 1.0 / float(np.max(kpos)), 1e3 / float(np.min(kpos))
        theta = clean_surface(net)
        elapsed = 0.0
        while True:
            tr = integrate_network(net, theta, t_end=t, deadline=clock.deadline)
            theta = tr.theta[-1]
            elapsed += t
            d = [float(np.max(np.abs(theta - s.theta))) for s in stable]
            k = int(np.argmin(d))
            if d[k] < 1e-4 or elapsed >= t_end:
                tried.append(f"{len(stable)} stable steady states: primary = the one reached "
                             f"from the bare surface (transient to t = {elapsed:.3g} s)")
                return stable[k]
            t = min(100.0 * t, t_end - elapsed) if elapsed < t_end else t
    except ConvergenceError as exc:
        why = str(exc).splitlines()[0]
        tried.append(f"{len(stable)} stable steady states: the transient from the bare "
                     f"surface did not decide between them ({why})")
        return replace(stable[0], warnings=stable[0].warnings + (
            f"{len(stable)} stable steady states; which one the bare surface reaches was not "
            f"determined ({why}): the first reported is the most stable one, not necessarily "
            "the one reached",))


def check_underflow(mechanism: Mechanism, rates: RateTable) -> None:
    """Refuse rate constants that underflowed double precision.

    A step with a finite free-energy barrier has k_f > 0, and a reversible step with a
    finite reaction free energy has k_r > 0; k = 0 there means exp(-dG/kT) underflowed
    (dG/kT > ~745, e.g. the flagship CO oxidation below ~30 K). The network would then
    silently lose those directions, and every rate left is below machine precision of the
    others: no steady state can be verified, so fail at once with the reason.

    Raises
    ------
    ConvergenceError
        Naming the steps, the temperature and the largest barrier in units of kT.
    """
    dga = rates.dG_act
    dg = rates.dG
    bad, worst = [], 0.0
    for j, st in enumerate(mechanism.steps):
        fin_a = dga is not None and np.isfinite(dga[j])
        if rates.k_f[j] == 0 and fin_a:
            bad.append(f"{st.equation} (forward)")
            worst = max(worst, float(dga[j]) / (kB * rates.T))
        if (st.reversible and rates.k_r[j] == 0 and fin_a and dg is not None
                and np.isfinite(dg[j])):
            bad.append(f"{st.equation} (reverse)")
            worst = max(worst, float(dga[j] - dg[j]) / (kB * rates.T))
    if bad:
        raise ConvergenceError(
            f"at T = {rates.T:g} K the rate constants of {', '.join(bad)} underflow double "
            f"precision (barrier up to {worst:.3g} kT; exp(-745) is the smallest double): "
            "the rates are below machine precision and no steady state can be verified; "
            "raise the temperature", tried=["checked the rate constants for underflow"])


def _network(mechanism: Mechanism, rates: RateTable, pressures: Mapping[str, float],
             lateral: Mapping[str, float] | None, coordination: int,
             alpha: float | np.ndarray | None, coverage_effects: tuple | None) -> Network:
    """The Network with first-order lateral terms (eV per pair, at ``rates.T``) and coverage
    effects added (see :func:`steady_state` for the arguments)."""
    Gf = Gr = Af = Ar = None
    if lateral:
        Gf, Gr = lateral_matrices(mechanism, lateral, rates.T, coordination, alpha)
    if coverage_effects is not None:
        cGf, cGr, Af, Ar = coverage_effects
        Gf = cGf if Gf is None else Gf + cGf
        Gr = cGr if Gr is None else Gr + cGr
    return build_network(mechanism, rates, pressures, Gf=Gf, Gr=Gr, Af=Af, Ar=Ar)


def energetics_network(mechanism: Mechanism, rates: RateTable, pressures: Mapping[str, float],
                       energetics: Energetics | None = None) -> Network:
    """The mean-field :class:`Network` of a mechanism with its energetics taken whole.

    Parameters
    ----------
    mechanism : Mechanism
    rates : RateTable
        Rate constants at ``rates.T`` (K), k in s^-1 bar^-n.
    pressures : mapping gas -> float
        Partial pressures, bar.
    energetics : Energetics, optional
        Lateral pairs (eV per nearest-neighbour pair), coordination, transition-state
        positions and coverage effects (``Model.energetics``); None: the bare mechanism.

    Returns
    -------
    Network
        The rate law :func:`steady_state` solves for the same arguments; its
        :meth:`Network.with_rates` keeps the energetic terms (same T).
    """
    if energetics is None:
        return build_network(mechanism, rates, pressures)
    kw = energetics.mean_field()
    return _network(mechanism, rates, pressures, kw["lateral"], kw["coordination"],
                    kw["alpha"], kw["coverage_effects"])


def steady_state(mechanism: Mechanism, rates: RateTable, pressures: Mapping[str, float], *,
                 lateral: Mapping[str, float] | None = None, coordination: int = 4,
                 alpha: float | np.ndarray | None = None,
                 guess: Mapping[str, float] | np.ndarray | None = None,
                 tol: float = DEFAULT_TOL, multistart: bool = True, transient: bool = True,
                 extended_precision: bool = True,
                 coverage_effects: tuple | None = None,
                 energetics: Energetics | None = None,
                 time_budget: float = DEFAULT_TIME_BUDGET) -> SteadyState:
    """Verified mean-field steady state of a mechanism.

    Parameters
    ----------
    mechanism : Mechanism
    rates : RateTable
        Rate constants at temperature ``rates.T`` (K): k in s^-1 bar^-n.
    pressures : mapping gas -> float
        Activity p / p0 of every gas (p0 = 1 bar: the partial pressure in bar), as
        :attr:`catscale.model.Model.activities` gives them.
    lateral : mapping ``"A*-B*"`` -> float, optional
        First-order lateral interactions, eV per nearest-neighbour pair
        (see :func:`lateral_matrices`).
    coordination : int
        Nearest neighbours per site for the lateral interactions (default 4).
    alpha : float or ndarray (J,), optional
        Transition-state position for the lateral energy shift (0 = IS, 1 = FS), one or
        per step; default :func:`catscale.mechanism.lateral_alpha` (the kMC rule).
    guess : mapping or ndarray, optional
        Starting coverages (continuation); tried first.
    tol : float
        Largest accepted |net rate| / gross rate of any surface species (dimensionless).
    multistart : bool
        Also start from every species-dominated surface and the uniform surface, and report
        every distinct steady state found.
    transient : bool
        Fall back to integrating the transient when Newton fails.
    extended_precision : bool
        Polish with mpmath when double precision cannot reach ``tol``.
    coverage_effects : (Gf, Gr, Af, Ar), optional
        Further coverage dependence of the rate constants (e.g. imported from Cantera):
        d ln k / d theta, shape (J, S), added to the lateral terms, and coverage exponents,
        shape (S, J) (see :func:`build_network`).
    energetics : Energetics, optional
        The model's energetics taken whole (``Model.energetics``): lateral pairs,
        coordination, alpha and coverage effects; give either this or the four separately.
    time_budget : float
        Wall-clock seconds after which no fallback strategy (homotopy, transient, extended
        precision, the choice among several stable states) is started or continued; the
        damped Newton from the starting points always runs.

    Returns
    -------
    SteadyState
        ``coverages``, ``tof`` (s^-1 per site), ``production``, ``rates``, ``residual``,
        ``stable``, ``eigenvalues`` (s^-1), ``alternatives`` (other steady states).

    Raises
    ------
    ConvergenceError
        When no solution can be verified; ``.tried`` lists the strategies.

    See Also
    --------
    sweep_steady_states : many neighbouring points (maps, scans, samples) by continuation,
        with the full multistart where another steady state may exist.
    """
    if not mechanism.steps:
        raise InvalidParameterError("mechanism.steps", "at least one reaction step (without "
                                    "steps no coverage is set by kinetics)", [])
    if energetics is not None:
        if lateral or coverage_effects is not None or alpha is not None:
            raise InvalidParameterError("energetics", "either energetics or lateral/alpha/"
                                        "coverage_effects, not both", energetics)
        kw = energetics.mean_field()
        lateral, coordination = kw["lateral"], kw["coordination"]
        alpha, coverage_effects = kw["alpha"], kw["coverage_effects"]
    check_underflow(mechanism, rates)
    net = _network(mechanism, rates, pressures, lateral, coordination, alpha, coverage_effects)
    g = None
    if guess is not None:
        if isinstance(guess, Mapping):
            g = np.full(net.n_surface, 1e-12)
            for k, v in guess.items():
                g[net.index(k)] = float(v)
        else:
            g = np.asarray(guess, dtype=float)
    return solve_network(net, g, tol=tol, multistart=multistart, transient=transient,
                         extended_precision=extended_precision, time_budget=time_budget)
