"""Slow pure-NumPy twins of the numba kernels in ``_kernels.py`` (used only by tests).

Same equations, written independently in vectorised form: species balances ln P - ln C in
log-coverages, the site balance in the row of the species of each site
kind with the largest gross rate, and a damped Newton iteration.
"""

from __future__ import annotations

import numpy as np

TINY = 1e-300
X_MIN = -740.0


def residual_jacobian(x, kf, kr, Af, Ar, nu, Gf, Gr, occ, kind):
    theta = np.exp(x)
    with np.errstate(over="ignore"):
        rf = np.where(kf > 0, kf * np.exp(Af.T @ x + Gf @ theta), 0.0)
        rr = np.where(kr > 0, kr * np.exp(Ar.T @ x + Gr @ theta), 0.0)
    dlf = rf[:, None] * (Af.T + Gf * theta[None, :])
    dlr = rr[:, None] * (Ar.T + Gr * theta[None, :])
    npos = np.maximum(nu, 0.0)
    nneg = np.maximum(-nu, 0.0)
    P = npos @ rf + nneg @ rr
    C = nneg @ rf + npos @ rr
    dP = npos @ dlf + nneg @ dlr
    dC = nneg @ dlf + npos @ dlr
    D = P + C + TINY
    fs = (P - C) / D
    F = np.log(P + TINY) - np.log(C + TINY)
    Jx = dP / (P + TINY)[:, None] - dC / (C + TINY)[:, None]
    for k in range(occ.shape[0]):
        members = np.flatnonzero(kind == k)
        i = members[np.argmax(D[members])]
        F[i] = occ[k] @ theta - 1.0
        Jx[i] = occ[k] * theta
    return F, Jx, fs


def project(x, occ, kind):
    """Scale each site kind's coverages so its site balance holds, then bound to [X_MIN, 0]."""
    x = np.asarray(x, dtype=float)
    tot = occ @ np.exp(np.minimum(x, 700.0))
    shift = np.where((tot > 0) & np.isfinite(tot), np.log(np.where(tot > 0, tot, 1.0)), 0.0)
    return np.clip(x - shift[kind], X_MIN, 0.0)


def next_lambda(lam, phi0, phil, slope):
    """Safeguarded quadratic backtracking (Dennis and Schnabel, algorithm A6.3.1)."""
    if not np.isfinite(phil):
        return 0.1 * lam
    den = 2.0 * (phil - phi0 - slope * lam)
    new = -slope * lam ** 2 / den if den > 0 else 0.5 * lam
    return float(np.clip(new, 0.1 * lam, 0.5 * lam))


def newton(x0, kf, kr, Af, Ar, nu, Gf, Gr, occ, kind, max_iter=100, ftol=1e-13,
           max_step=8.0):
    x = project(x0, occ, kind)
    F, Jx, fs = residual_jacobian(x, kf, kr, Af, Ar, nu, Gf, Gr, occ, kind)
    phi = F @ F
    it = 0
    history = []
    for it in range(max_iter):  # noqa: B007
        if np.max(np.abs(F)) < ftol:
            return x, np.max(np.abs(fs)), it, 0
        history.append(phi)
        if it >= 20 and phi > 0.9 * history[it - 20]:     # stagnation
            return x, np.max(np.abs(fs)), it, 1
        try:
            dx = np.linalg.solve(Jx, -F)
        except np.linalg.LinAlgError:
            return x, np.max(np.abs(fs)), it, 3
        big = np.max(np.abs(dx))
        if not np.isfinite(big):
            return x, np.max(np.abs(fs)), it, 3
        if big > max_step:
            dx *= max_step / big
        slope = -2.0 * phi * min(1.0, max_step / big)
        lam = 1.0
        while lam >= 1e-9:
            xn = project(x + lam * dx, occ, kind)
            Fn, Jn, fsn = residual_jacobian(xn, kf, kr, Af, Ar, nu, Gf, Gr, occ, kind)
            phin = Fn @ Fn
            if np.isfinite(phin) and phin < (1.0 - 1e-4 * lam) * phi:
                break
            lam = next_lambda(lam, phi, phin, slope)
        else:
            return x, np.max(np.abs(fs)), it, (0 if phi < 1e-20 else 1)
        x, F, Jx, fs, phi = xn, Fn, Jn, fsn, phin
    return x, np.max(np.abs(fs)), it, (0 if np.max(np.abs(F)) < ftol else 2)


def formable_mask(ok0, kf, kr, Af, Ar):
    """Reachability of species from the vacancies by active directions (fixed point)."""
    ok = np.array(ok0, dtype=bool)
    Afp, Arp = (Af > 0).astype(float), (Ar > 0).astype(float)
    while True:
        missing = (~ok).astype(float)
        act_f = (kf > 0) & (missing @ Afp == 0)
        act_r = (kr > 0) & (missing @ Arp == 0)
        new = ok | (Arp @ act_f > 0) | (Afp @ act_r > 0)
        if np.array_equal(new, ok):
            return ok
        ok = new


def projected_eigenvalues(Z, jac):
    """Eigenvalues of Z^T jac Z (numpy): the twin of ``_kernels.projected_eigenvalues``."""
    return np.linalg.eigvals(Z.T @ jac @ Z)


def solution_error(theta, rf, rr, Af, Ar, nu, Gf, Gr, occ, kind, nu_gas):
    """NumPy twin of ``_kernels.solution_error``: (DR, C, ok, gas, cov)."""
    DR = (rf[:, None] * (Af.T + Gf * theta[None, :])
          - rr[:, None] * (Ar.T + Gr * theta[None, :]))
    gross = np.abs(nu) @ (rf + rr)
    A = (nu @ DR) / (gross + 1e-300)[:, None]
    for k in range(occ.shape[0]):
        members = np.flatnonzero(kind == k)
        i = members[np.argmax(gross[members])]
        A[i] = occ[k] * theta
    try:
        C = np.linalg.inv(A)
    except np.linalg.LinAlgError:
        S = theta.size
        return DR, np.zeros((S, S)), False, np.full(nu_gas.shape[0], np.inf), np.full(S, np.inf)
    return DR, C, True, np.abs(nu_gas @ DR @ C).sum(axis=1), np.abs(C).sum(axis=1)


def reconcile(r, sigma, nu, nu_gas, DR, C, mode, eps, xround, roundoff):
    """NumPy twin of ``_kernels.reconcile``: (rc, prod, floor)."""
    top = float(sigma.max()) if sigma.size else 0.0
    G = np.array(nu_gas, dtype=float)
    rc = r.copy()
    if top > 0.0 and np.isfinite(top) and nu.shape[0] > 0:
        d = sigma / top
        Bp = np.linalg.pinv(nu * d[None, :], rcond=1e-13)
        DBp = d[:, None] * Bp
        rc = r - DBp @ (nu @ r)
        G = nu_gas - (nu_gas @ DBp) @ nu
    prod = nu_gas @ rc
    floor = np.abs(G) @ sigma + roundoff * (np.abs(nu_gas) @ np.abs(rc))
    if mode == 0:
        floor = floor + eps * np.abs(G @ DR @ C).sum(axis=1)
    elif mode == 1:
        floor = floor + xround * np.abs(G @ DR).sum(axis=1)
    exact = np.abs(G).max(axis=1, initial=0.0) <= 1e-12 * np.abs(nu_gas).max(axis=1, initial=0.0)
    prod[exact] = 0.0
    floor[exact] = 0.0
    return rc, prod, floor
