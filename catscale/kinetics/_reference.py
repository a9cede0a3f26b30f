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


def newton(x0, kf, kr, Af, Ar, nu, Gf, Gr, occ, kind, max_iter=100, ftol=1e-13,
           max_step=8.0):
    x = np.clip(np.array(x0, dtype=float), X_MIN, 0.0)
    F, Jx, fs = residual_jacobian(x, kf, kr, Af, Ar, nu, Gf, Gr, occ, kind)
    phi = F @ F
    it = 0
    for it in range(max_iter):  # noqa: B007
        if np.max(np.abs(F)) < ftol:
            return x, np.max(np.abs(fs)), it, 0
        try:
            dx = np.linalg.solve(Jx, -F)
        except np.linalg.LinAlgError:
            return x, np.max(np.abs(fs)), it, 3
        big = np.max(np.abs(dx))
        if big > max_step:
            dx *= max_step / big
        lam = 1.0
        for _ in range(30):
            xn = np.clip(x + lam * dx, X_MIN, 0.0)
            Fn, Jn, fsn = residual_jacobian(xn, kf, kr, Af, Ar, nu, Gf, Gr, occ, kind)
            if Fn @ Fn < (1.0 - 1e-4 * lam) * phi:
                break
            lam *= 0.5
        else:
            return x, np.max(np.abs(fs)), it, (0 if phi < 1e-20 else 1)
        x, F, Jx, fs, phi = xn, Fn, Jn, fsn, Fn @ Fn
    return x, np.max(np.abs(fs)), it, (0 if np.max(np.abs(F)) < ftol else 2)
