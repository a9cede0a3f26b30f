"""Compiled (numba) kernels of the steady-state solver: damped Newton on log-coverages.

Unknowns are x_s = ln theta_s for every surface species, vacancies included, so that a free
site at 1e-7 of the surface is carried to full relative precision. Equations: for every
surface species the log-ratio of its gross production P_s and consumption C_s,

    F_s = ln P_s - ln C_s,   P_s - C_s = sum_j nu_sj (r_fj - r_rj),

which does not saturate far from the solution (the scaled net rate (P - C)/(P + C) does, and
Newton then sees a flat function) and equals 2 (P - C)/(P + C) near it,
except that for each site kind the row of its species with the largest gross rate P + C is
replaced by the site balance sum_s occ_ks theta_s - 1 = 0. The Jacobian is analytic in x.

These kernels are deterministic (no random numbers). Their pure-Python twins are in
``_reference.py`` and a test compares both.
"""

from __future__ import annotations

import numpy as np
from numba import njit

TINY = 1e-300
X_MIN = -740.0


@njit(cache=True)
def step_rates(x, kf, kr, Af, Ar, Gf, Gr):
    """Forward and reverse step rates (s^-1) at log-coverages x."""
    S, J = Af.shape
    theta = np.exp(x)
    rf = np.empty(J)
    rr = np.empty(J)
    for j in range(J):
        ef = 0.0
        er = 0.0
        for s in range(S):
            if Af[s, j] != 0.0:
                ef += Af[s, j] * x[s]
            if Ar[s, j] != 0.0:
                er += Ar[s, j] * x[s]
            ef += Gf[j, s] * theta[s]
            er += Gr[j, s] * theta[s]
        rf[j] = kf[j] * np.exp(ef) if kf[j] > 0.0 else 0.0
        rr[j] = kr[j] * np.exp(er) if kr[j] > 0.0 else 0.0
    return rf, rr


@njit(cache=True)
def residual_jacobian(x, kf, kr, Af, Ar, nu, Gf, Gr, occ, kind):
    """Scaled residual F(x) (S,), its Jacobian dF/dx (S, S) and the all-species residual.

    Returns
    -------
    F : ndarray (S,)
        Equations solved by Newton: ln P - ln C (site balance in the row of the species of each kind
        with the largest gross rate).
    Jx : ndarray (S, S)
    fs : ndarray (S,)
        (P - C)/(P + C) for every species: the net rate scaled by the gross rate (the
        verification residual).
    """
    S, J = Af.shape
    K = occ.shape[0]
    theta = np.exp(x)
    rf, rr = step_rates(x, kf, kr, Af, Ar, Gf, Gr)
    # d r / d x
    dlf = np.empty((J, S))
    dlr = np.empty((J, S))
    for j in range(J):
        for s in range(S):
            dlf[j, s] = rf[j] * (Af[s, j] + Gf[j, s] * theta[s])
            dlr[j, s] = rr[j] * (Ar[s, j] + Gr[j, s] * theta[s])
    F = np.empty(S)
    fs = np.empty(S)
    Jx = np.zeros((S, S))
    Pv = np.empty(S)
    Cv = np.empty(S)
    for i in range(S):
        P = 0.0
        C = 0.0
        for j in range(J):
            n = nu[i, j]
            if n > 0.0:
                P += n * rf[j]
                C += n * rr[j]
            elif n < 0.0:
                C -= n * rf[j]
                P -= n * rr[j]
        Pv[i] = P
        Cv[i] = C
        fs[i] = (P - C) / (P + C + TINY)
    # the site balance of each kind replaces the balance of its species with the largest
    # gross rate: that balance is implied by the others with the least error amplification
    rep = np.full(K, -1)
    for s in range(S):
        k = kind[s]
        if rep[k] < 0 or Pv[s] + Cv[s] > Pv[rep[k]] + Cv[rep[k]]:
            rep[k] = s
    for i in range(S):
        if rep[kind[i]] == i:
            continue
        P = Pv[i] + TINY
        C = Cv[i] + TINY
        F[i] = np.log(P) - np.log(C)
        for s in range(S):
            dP = 0.0
            dC = 0.0
            for j in range(J):
                n = nu[i, j]
                if n > 0.0:
                    dP += n * dlf[j, s]
                    dC += n * dlr[j, s]
                elif n < 0.0:
                    dC -= n * dlf[j, s]
                    dP -= n * dlr[j, s]
            Jx[i, s] = dP / P - dC / C
    for k in range(K):
        i = rep[k]
        tot = 0.0
        for s in range(S):
            tot += occ[k, s] * theta[s]
            Jx[i, s] = occ[k, s] * theta[s]
        F[i] = tot - 1.0
    return F, Jx, fs


@njit(cache=True)
def _norm2(F):
    t = 0.0
    for v in F:
        t += v * v
    return t


@njit(cache=True)
def newton(x0, kf, kr, Af, Ar, nu, Gf, Gr, occ, kind, max_iter, ftol, max_step):
    """Damped Newton from x0. Returns (x, max|fs|, iterations, status).

    status: 0 converged (max|F| < ftol), 1 stalled (no decrease possible), 2 max_iter,
    3 singular Jacobian.
    """
    S = x0.shape[0]
    x = x0.copy()
    for s in range(S):
        if x[s] > 0.0:
            x[s] = 0.0
        if x[s] < X_MIN:
            x[s] = X_MIN
    F, Jx, fs = residual_jacobian(x, kf, kr, Af, Ar, nu, Gf, Gr, occ, kind)
    phi = _norm2(F)
    status = 2
    it = 0
    for it in range(max_iter):  # noqa: B007 - it is returned
        if np.max(np.abs(F)) < ftol:
            status = 0
            break
        ok = True
        try:
            dx = np.linalg.solve(Jx, -F)
        except Exception:  # noqa: BLE001 - numba maps LinAlgError to Exception
            ok = False
        if not ok:
            status = 3
            break
        big = np.max(np.abs(dx))
        if not np.isfinite(big):
            status = 3
            break
        if big > max_step:
            dx *= max_step / big
        lam = 1.0
        accepted = False
        for _ in range(30):
            xn = x + lam * dx
            for s in range(S):
                if xn[s] > 0.0:
                    xn[s] = 0.0
                if xn[s] < X_MIN:
                    xn[s] = X_MIN
            Fn, Jn, fsn = residual_jacobian(xn, kf, kr, Af, Ar, nu, Gf, Gr, occ, kind)
            phin = _norm2(Fn)
            if np.isfinite(phin) and phin < (1.0 - 1e-4 * lam) * phi:
                accepted = True
                break
            lam *= 0.5
        if not accepted:
            # accept a full step at round-off level (no decrease measurable)
            if phi < 1e-20:
                status = 0
            else:
                status = 1
            break
        x = xn
        F = Fn
        Jx = Jn
        fs = fsn
        phi = phin
    else:
        if np.max(np.abs(F)) < ftol:
            status = 0
    return x, np.max(np.abs(fs)), it, status


@njit(cache=True)
def newton_multistart(X0, kf, kr, Af, Ar, nu, Gf, Gr, occ, kind, max_iter, ftol, max_step):
    """Run :func:`newton` from every row of X0 (M, S). Returns X (M, S), res, iters, status."""
    M, S = X0.shape
    X = np.empty((M, S))
    res = np.empty(M)
    iters = np.empty(M, dtype=np.int64)
    status = np.empty(M, dtype=np.int64)
    for m in range(M):
        x, r, it, st = newton(X0[m].copy(), kf, kr, Af, Ar, nu, Gf, Gr, occ, kind, max_iter,
                              ftol, max_step)
        X[m] = x
        res[m] = r
        iters[m] = it
        status[m] = st
    return X, res, iters, status
