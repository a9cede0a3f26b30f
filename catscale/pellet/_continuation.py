"""Pseudo-arclength continuation of the pellet steady state in the reaction scale lam.

The branch of steady states is followed from lam ~ 0 (no reaction: the bulk state, unique)
to lam >> 1 in the variable mu = ln(lam), with Keller's pseudo-arclength condition so that
turning points (ignition / extinction) are passed. Every crossing of lam = 1 is a steady state
of the physical problem; each is polished by Newton at lam = 1. An S-shaped branch crosses
lam = 1 three times inside its multiplicity window.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from ..errors import ConvergenceError
from ._fv import Discretization


@dataclass
class Branch:
    """Points of the continuation branch: lam (dimensionless) and the scaled states."""

    lam: list[float] = field(default_factory=list)
    states: list[np.ndarray] = field(default_factory=list)
    turning_points: list[float] = field(default_factory=list)   # lam at each fold


def _bordered(J, Fmu, t):
    top = sp.hstack([J, sp.csc_matrix(Fmu.reshape(-1, 1))])
    bottom = sp.csc_matrix(t.reshape(1, -1))
    return sp.vstack([top, bottom]).tocsc()


def _continue_branch(disc: Discretization, *, lam_start: float = 1e-6, lam_max: float = 1e3,
                    ds0: float = 0.2, ds_max: float = 0.5, max_steps: int = 2000,
                    tol: float = 1e-10, max_cos: float = 0.97) -> tuple[Branch, list[np.ndarray]]:
    """Follow the branch; return it and the polished states at lam = 1 (unscaled vectors)."""
    M = disc.N + 1
    w = np.tile(disc.scale, M) * np.sqrt(M)        # state = w * y_u (RMS-scaled)
    u0, _ = disc.newton(disc.uniform_state(), lam_start)
    y = np.append(u0 / w, np.log(lam_start))
    n = y.size

    def F_and_J(yv):
        u, mu = yv[:-1] * w, yv[-1]
        lam = np.exp(mu)
        tr, src = disc.parts(u)
        F = tr - lam * src
        J = disc.jacobian(u, lam, F) @ sp.diags(w)
        return F, J.tocsc(), -lam * src

    F, J, Fmu = F_and_J(y)
    t = np.zeros(n)
    t[-1] = 1.0
    A = _bordered(J, Fmu, t)
    rhs = np.zeros(n)
    rhs[-1] = 1.0
    t = splu(A).solve(rhs)
    t /= np.linalg.norm(t)
    branch = Branch([lam_start], [y.copy()])
    crossings: list[tuple[np.ndarray, np.ndarray]] = []
    ds = ds0
    for _ in range(max_steps):
        if ds < 1e-9:
            raise ConvergenceError("pellet continuation: step size underflow",
                                   tried=[f"branch reached lam = {np.exp(y[-1]):.4g}"])
        pred = y + ds * t
        z = pred.copy()
        ok = False
        n_it = 0
        for n_it in range(12):  # noqa: B007 (n_it is read after the loop)
            Fz, Jz, Fmu_z = F_and_J(z)
            G = np.append(Fz, t @ (z - pred))
            Az = _bordered(Jz, Fmu_z, t)
            try:
                dz = splu(Az).solve(-G)
            except RuntimeError:
                break
            if not np.all(np.isfinite(dz)):
                break
            z = z + dz
            if np.max(np.abs(dz)) * np.sqrt(M) < tol * 1e2:
                ok = True
                break
        if not ok:
            ds *= 0.5
            continue
        # new tangent, oriented along the old one; reject steps that turn too sharply or
        # whose corrector moved far from the predictor (they may jump to another branch)
        _, Jn, Fmun = F_and_J(z)
        tn = splu(_bordered(Jn, Fmun, t)).solve(rhs)
        tn /= np.linalg.norm(tn)
        if tn @ t < 0:
            tn = -tn
        if (tn @ t < max_cos or np.linalg.norm(z - pred) > 0.3 * ds) and ds > 1e-6:
            ds *= 0.5
            continue
        if np.sign(tn[-1]) != np.sign(t[-1]) and t[-1] != 0:
            # mu(s) locally quadratic: mu' goes from t[-1] to tn[-1] over the step ds
            step = float(np.linalg.norm(z - y))
            mu_fold = y[-1] + t[-1] ** 2 * step / (2.0 * (t[-1] - tn[-1]))
            branch.turning_points.append(float(np.exp(mu_fold)))
        if y[-1] * z[-1] <= 0 and z[-1] != y[-1]:
            crossings.append((y.copy(), z.copy()))
        y, t = z, tn
        branch.lam.append(float(np.exp(y[-1])))
        branch.states.append(y.copy())
        ds = min(ds * (1.5 if n_it < 4 else 0.8), ds_max)
        if y[-1] > np.log(lam_max):
            break
    else:
        raise ConvergenceError("pellet continuation: step budget exhausted",
                               tried=[f"{max_steps} steps, lam = {np.exp(y[-1]):.4g}"])
    states: list[np.ndarray] = []
    for ya, yb in crossings:
        s = ya[-1] / (ya[-1] - yb[-1])
        guess = (ya[:-1] + s * (yb[:-1] - ya[:-1])) * w
        u, _ = disc.newton(guess, 1.0)
        if not any(np.max(np.abs(u - v) / w) * np.sqrt(M) < 1e-6 for v in states):
            states.append(u)
    return branch, states


def continue_branch(disc: Discretization, **kw) -> tuple[Branch, list[np.ndarray]]:
    """Follow the branch; return it and the polished states at lam = 1 (unscaled vectors).

    Keywords: lam_start, lam_max, ds0, ds_max, max_steps, tol, max_cos (see the code).
    Far beyond lam = 1 (unresolved hot boundary layers) the rate may overflow; those
    floating-point warnings are silenced, Newton rejects non-finite iterates.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return _continue_branch(disc, **kw)
