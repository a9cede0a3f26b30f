"""Transient integration of the mean-field coverage equations with a stiff SciPy solver."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp

from ..errors import ConvergenceError, InvalidParameterError
from ._network import Network


class _OutOfTime(Exception):
    """Raised inside the right-hand side when the integration's deadline has passed."""


@dataclass(frozen=True)
class Transient:
    """Coverages along a transient.

    Attributes
    ----------
    t : ndarray (n,)
        Times, s.
    theta : ndarray (n, S)
        Coverages of the surface species (``species`` order) at each time.
    species : tuple of str
    site_balance_error : float
        max over times and site kinds of |occ @ theta - 1| (dimensionless).
    """

    t: np.ndarray
    theta: np.ndarray
    species: tuple[str, ...]
    site_balance_error: float

    @property
    def final(self) -> dict[str, float]:
        return {n: float(v) for n, v in zip(self.species, self.theta[-1])}


def clean_surface(net: Network) -> np.ndarray:
    """Coverages of the bare surface: every vacancy species at 1/n_sites, adsorbates 0."""
    theta = np.zeros(net.n_surface)
    vac = {s.name for s in net.mechanism.vacancies}
    for i, name in enumerate(net.surface):
        if name in vac:
            theta[i] = 1.0 / net.occ[net.kind[i], i]
    return theta


def integrate_network(net: Network, theta0: np.ndarray, t_end: float,
                      t_eval: np.ndarray | None = None, method: str = "BDF",
                      rtol: float = 1e-8, atol: float = 1e-14,
                      deadline: float | None = None, events=None) -> Transient:
    """Integrate d theta/dt = nu r(theta) from ``theta0`` to ``t_end`` (s).

    All coverages (vacancies included) are integrated; the site balances occ @ theta = 1 are
    linear invariants of the equations, which the implicit multistep (BDF) and Runge-Kutta
    (Radau) solvers preserve up to round-off; the result is projected back onto them and the
    largest deviation seen is reported. The analytic Jacobian is passed to the solver.

    Parameters
    ----------
    net : Network
    theta0 : ndarray (S,)
        Initial coverages; must satisfy the site balances.
    t_end : float
        Final time, s.
    t_eval : ndarray, optional
        Output times, s (default: the solver's own steps).
    method : {"BDF", "Radau", "LSODA"}
        First solver tried; on failure the other two are tried in turn (all receive the
        analytic Jacobian).
    rtol, atol : float
        Solver tolerances (atol on coverages; 1e-14 resolves free sites at 1e-7 to 1e-7
        relative).
    deadline : float, optional
        ``time.perf_counter()`` value (s) after which the integration stops with
        :class:`~catscale.errors.ConvergenceError` (a time budget).
    events : callable or list of callables, optional
        Event functions of :func:`scipy.integrate.solve_ivp` (``terminal`` ones end the
        integration before ``t_end``).
    """
    theta0 = np.asarray(theta0, dtype=float)
    if theta0.shape != (net.n_surface,) or np.any(theta0 < 0) or not np.all(np.isfinite(theta0)):
        raise InvalidParameterError("theta0", f"{net.n_surface} coverages >= 0", theta0)
    bal = net.occ @ theta0 - 1.0
    if np.max(np.abs(bal)) > 1e-8:
        raise InvalidParameterError("theta0", "coverages with every site balance = 1",
                                    (net.occ @ theta0).tolist())
    if not (np.isfinite(t_end) and t_end > 0):
        raise InvalidParameterError("t_end", "> 0 s", t_end)

    def rhs(_t, y):
        if deadline is not None and time.perf_counter() > deadline:
            raise _OutOfTime
        return net.dtheta_dt(np.maximum(y, 0.0))

    def jac(_t, y):
        return net.jacobian(np.maximum(y, 0.0))

    tried = []
    sol = None
    for meth in [method] + [m for m in ("Radau", "LSODA") if m != method]:
        kw = {"jac": jac}
        try:
            # overflowing rates or Jacobian entries are caught below, not printed
            with np.errstate(all="ignore"):
                sol = solve_ivp(rhs, (0.0, float(t_end)), theta0, method=meth, t_eval=t_eval,
                                rtol=rtol, atol=atol, events=events, **kw)
        except _OutOfTime:
            raise ConvergenceError("transient integration stopped: time budget used up",
                                   tried=tried + [f"{meth} to t={t_end:g} s: stopped at the "
                                                  "time budget"]) from None
        except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
            # scipy's LU refuses a Jacobian with inf/nan (rates beyond the double range)
            tried.append(f"{meth} rtol={rtol} atol={atol} to t={t_end:g} s: {exc}")
            sol = None
            continue
        tried.append(f"{meth} rtol={rtol} atol={atol} to t={t_end:g} s: {sol.message}")
        if sol.success:
            break
    if sol is None or not sol.success or not np.all(np.isfinite(sol.y)):
        raise ConvergenceError("transient integration failed", tried=tried)
    Y = np.maximum(sol.y.T, 0.0)
    err = float(np.max(np.abs(Y @ net.occ.T - 1.0)))
    # project onto the site balances (scale each kind's coverages)
    tot = Y @ net.occ.T                       # (n, K)
    Y = Y / tot[:, net.kind]
    return Transient(t=sol.t, theta=Y, species=net.surface, site_balance_error=err)
