"""Compiled (numba) kernels of the steady-state solver: damped Newton on log-coverages.

Unknowns are x_s = ln theta_s for every surface species, vacancies included, so that a free
site at 1e-7 of the surface is carried to full relative precision. Equations: for every
surface species the log-ratio of its gross production P_s and consumption C_s,

    F_s = ln P_s - ln C_s,   P_s - C_s = sum_j nu_sj (r_fj - r_rj),

which does not saturate far from the solution (the scaled net rate (P - C)/(P + C) does, and
Newton then sees a flat function) and equals 2 (P - C)/(P + C) near it,
except that for each site kind the row of its species with the largest gross rate P + C is
replaced by the site balance sum_s occ_ks theta_s - 1 = 0. The Jacobian is analytic in x.

Mechanisms are sparse (a step touches two to four species), so the dense arrays of the
network are first compressed, once per call, into per-step lists of their non-zero entries
(:func:`structure`); rates, residual and Jacobian then cost O(non-zeros), not O(S^2 J). The
line search evaluates the residual only, and the small dense Newton system is solved by
Gaussian elimination with partial pivoting on preallocated work arrays (no allocation per
iteration). A batch of starting points is run in one call (:func:`newton_multistart`).

These kernels are deterministic (no random numbers). Their pure-Python twins are in
``_reference.py`` and a test compares both.
"""

from __future__ import annotations

import numpy as np
from numba import njit

TINY = 1e-300
X_MIN = -740.0
LAM_MIN = 1e-9      # smallest line-search step before Newton is declared stalled
STAG_WINDOW = 20    # Newton is also stalled when sum F^2 fell by less than 10 % ...
STAG_FACTOR = 0.9   # ... over the last 20 iterations (far from a root: abandon the start)


# -- sparse structure -----------------------------------------------------------------------
@njit(cache=True)
def _cols(A):
    """Column lists of a dense (n, J) array: ptr (J+1,), row index and value of non-zeros."""
    n, J = A.shape
    nnz = 0
    for j in range(J):
        for i in range(n):
            if A[i, j] != 0.0:
                nnz += 1
    ptr = np.zeros(J + 1, dtype=np.int64)
    idx = np.empty(nnz, dtype=np.int64)
    val = np.empty(nnz)
    k = 0
    for j in range(J):
        for i in range(n):
            if A[i, j] != 0.0:
                idx[k] = i
                val[k] = A[i, j]
                k += 1
        ptr[j + 1] = k
    return ptr, idx, val


@njit(cache=True)
def structure(kf, kr, Af, Ar, nu, Gf, Gr):
    """Sparse per-step form of a network.

    Returns ``(lkf, lkr, fp, fi, fv, rp, ri, rv, gfp, gfi, gfv, grp, gri, grv, np_, ni, nv)``:
    ln kf and ln kr (-inf where k = 0), and per step j the non-zero coverage exponents of the
    forward (f) and reverse (r) rate, of d ln k / d theta (gf, gr) and of nu (n).
    """
    J = kf.shape[0]
    lkf = np.empty(J)
    lkr = np.empty(J)
    for j in range(J):
        lkf[j] = np.log(kf[j]) if kf[j] > 0.0 else -np.inf
        lkr[j] = np.log(kr[j]) if kr[j] > 0.0 else -np.inf
    fp, fi, fv = _cols(Af)
    rp, ri, rv = _cols(Ar)
    gfp, gfi, gfv = _cols(np.ascontiguousarray(Gf.T))
    grp, gri, grv = _cols(np.ascontiguousarray(Gr.T))
    np_, ni, nv = _cols(nu)
    return lkf, lkr, fp, fi, fv, rp, ri, rv, gfp, gfi, gfv, grp, gri, grv, np_, ni, nv


@njit(cache=True)
def _rates(x, theta, st, rf, rr):
    """Forward/reverse rates (s^-1) into rf, rr; theta = exp(x) into theta."""
    lkf, lkr, fp, fi, fv, rp, ri, rv, gfp, gfi, gfv, grp, gri, grv = st[:14]
    S = x.shape[0]
    J = lkf.shape[0]
    for s in range(S):
        theta[s] = np.exp(x[s])
    for j in range(J):
        if lkf[j] == -np.inf:
            rf[j] = 0.0
        else:
            e = lkf[j]
            for k in range(fp[j], fp[j + 1]):
                e += fv[k] * x[fi[k]]
            for k in range(gfp[j], gfp[j + 1]):
                e += gfv[k] * theta[gfi[k]]
            rf[j] = np.exp(e)
        if lkr[j] == -np.inf:
            rr[j] = 0.0
        else:
            e = lkr[j]
            for k in range(rp[j], rp[j + 1]):
                e += rv[k] * x[ri[k]]
            for k in range(grp[j], grp[j + 1]):
                e += grv[k] * theta[gri[k]]
            rr[j] = np.exp(e)


@njit(cache=True)
def _gross(st, rf, rr, P, C):
    """Gross production P and consumption C of every species, s^-1."""
    np_, ni, nv = st[14], st[15], st[16]
    P[:] = 0.0
    C[:] = 0.0
    for j in range(rf.shape[0]):
        for k in range(np_[j], np_[j + 1]):
            i = ni[k]
            n = nv[k]
            if n > 0.0:
                P[i] += n * rf[j]
                C[i] += n * rr[j]
            else:
                C[i] -= n * rf[j]
                P[i] -= n * rr[j]


@njit(cache=True)
def _evaluate(x, st, occ, kind, want_jac, theta, rf, rr, P, C, rep, F, Jx):
    """Residual F (and Jacobian Jx when want_jac) at x; returns max |fs| and sum F^2."""
    S = x.shape[0]
    K = occ.shape[0]
    _rates(x, theta, st, rf, rr)
    _gross(st, rf, rr, P, C)
    fmax = 0.0
    for i in range(S):
        f = abs(P[i] - C[i]) / (P[i] + C[i] + TINY)
        if f > fmax or f != f:
            fmax = f
    # the site balance of each kind replaces the balance of its species with the largest
    # gross rate: that balance is implied by the others with the least error amplification
    for k in range(K):
        rep[k] = -1
    for s in range(S):
        k = kind[s]
        if rep[k] < 0 or P[s] + C[s] > P[rep[k]] + C[rep[k]]:
            rep[k] = s
    for i in range(S):
        F[i] = np.log(P[i] + TINY) - np.log(C[i] + TINY)
    for k in range(K):
        i = rep[k]
        tot = 0.0
        for s in range(S):
            tot += occ[k, s] * theta[s]
        F[i] = tot - 1.0
    phi = 0.0
    for i in range(S):
        phi += F[i] * F[i]
    if want_jac:
        lkf, lkr, fp, fi, fv, rp, ri, rv, gfp, gfi, gfv, grp, gri, grv, np_, ni, nv = st
        Jx[:, :] = 0.0
        for j in range(rf.shape[0]):
            a = rf[j]
            b = rr[j]
            for kk in range(np_[j], np_[j + 1]):
                i = ni[kk]
                if rep[kind[i]] == i:
                    continue
                n = nv[kk]
                Pi = P[i] + TINY
                Ci = C[i] + TINY
                if n > 0.0:        # forward rate adds to P_i, reverse to C_i
                    cf = n / Pi
                    cr = -n / Ci
                else:              # forward rate adds to C_i, reverse to P_i
                    cf = n / Ci
                    cr = -n / Pi
                if a != 0.0:
                    ca = cf * a
                    for k in range(fp[j], fp[j + 1]):
                        Jx[i, fi[k]] += ca * fv[k]
                    for k in range(gfp[j], gfp[j + 1]):
                        Jx[i, gfi[k]] += ca * gfv[k] * theta[gfi[k]]
                if b != 0.0:
                    cb = cr * b
                    for k in range(rp[j], rp[j + 1]):
                        Jx[i, ri[k]] += cb * rv[k]
                    for k in range(grp[j], grp[j + 1]):
                        Jx[i, gri[k]] += cb * grv[k] * theta[gri[k]]
        for k in range(K):
            i = rep[k]
            for s in range(S):
                Jx[i, s] = occ[k, s] * theta[s]
    return fmax, phi


@njit(cache=True)
def _solve_into(A, b, out):
    """Solve A out = b by Gaussian elimination with partial pivoting (A is overwritten).

    Returns False when a pivot is zero or not finite (singular matrix).
    """
    n = b.shape[0]
    for i in range(n):
        out[i] = b[i]
    for k in range(n):
        p = k
        m = abs(A[k, k])
        for i in range(k + 1, n):
            v = abs(A[i, k])
            if v > m:
                m = v
                p = i
        if not (m > 0.0) or not np.isfinite(m):
            return False
        if p != k:
            for c in range(n):
                t = A[k, c]
                A[k, c] = A[p, c]
                A[p, c] = t
            t = out[k]
            out[k] = out[p]
            out[p] = t
        piv = A[k, k]
        for i in range(k + 1, n):
            f = A[i, k] / piv
            if f != 0.0:
                for c in range(k + 1, n):
                    A[i, c] -= f * A[k, c]
                out[i] -= f * out[k]
    for k in range(n - 1, -1, -1):
        v = out[k]
        for c in range(k + 1, n):
            v -= A[k, c] * out[c]
        out[k] = v / A[k, k]
    return True


@njit(cache=True)
def _project(x, occ, kind, work):
    """Scale the coverages of each site kind so that its site balance holds exactly
    (x_s -= ln sum_s' occ_ks' theta_s'), then bound x to [X_MIN, 0]."""
    K, S = occ.shape
    for k in range(K):
        work[k] = 0.0
    for s in range(S):
        v = x[s]
        if v != v:
            continue
        work[kind[s]] += occ[kind[s], s] * np.exp(min(v, 700.0))
    for s in range(S):
        t = work[kind[s]]
        if t > 0.0 and np.isfinite(t):
            x[s] -= np.log(t)
        v = x[s]
        x[s] = 0.0 if v > 0.0 else (X_MIN if v < X_MIN else v)


@njit(cache=True)
def _next_lambda(lam, phi0, phil, slope):
    """Backtracking step: minimiser of the quadratic through phi(0), phi'(0) and phi(lam),
    kept in [lam/10, lam/2] (Dennis and Schnabel, Numerical Methods for Unconstrained
    Optimization and Nonlinear Equations, 1983, algorithm A6.3.1)."""
    if not np.isfinite(phil):
        return 0.1 * lam
    den = 2.0 * (phil - phi0 - slope * lam)
    new = -slope * lam * lam / den if den > 0.0 else 0.5 * lam
    return min(0.5 * lam, max(0.1 * lam, new))


# -- public kernels (dense arguments, as the network stores them) ---------------------------
@njit(cache=True)
def step_rates(x, kf, kr, Af, Ar, Gf, Gr):
    """Forward and reverse step rates (s^-1) at log-coverages x."""
    st = structure(kf, kr, Af, Ar, np.zeros((1, kf.shape[0])), Gf, Gr)
    J = kf.shape[0]
    rf = np.empty(J)
    rr = np.empty(J)
    theta = np.empty(x.shape[0])
    _rates(x, theta, st, rf, rr)
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
    st = structure(kf, kr, Af, Ar, nu, Gf, Gr)
    theta = np.empty(S)
    rf = np.empty(J)
    rr = np.empty(J)
    P = np.empty(S)
    C = np.empty(S)
    rep = np.empty(occ.shape[0], dtype=np.int64)
    F = np.empty(S)
    Jx = np.empty((S, S))
    _evaluate(x, st, occ, kind, True, theta, rf, rr, P, C, rep, F, Jx)
    fs = (P - C) / (P + C + TINY)
    return F, Jx, fs


@njit(cache=True)
def _newton(x0, st, occ, kind, max_iter, ftol, max_step, x, xn, dx, A, w):
    """Damped Newton from x0 into x (work arrays preallocated). Returns (res, iters, status)."""
    S = x0.shape[0]
    J = st[0].shape[0]
    K = occ.shape[0]
    theta, rf, rr, P, C, F, Fn = w[0], w[1][:J], w[2][:J], w[3], w[4], w[5], w[6]
    rep = np.empty(K, dtype=np.int64)
    Jx = np.empty((S, S))
    for s in range(S):
        x[s] = x0[s]
    _project(x, occ, kind, theta)
    fmax, phi = _evaluate(x, st, occ, kind, True, theta, rf, rr, P, C, rep, F, Jx)
    status = 2
    it = 0
    hist = np.empty(STAG_WINDOW + 1)
    for it in range(max_iter):  # noqa: B007 - it is returned
        big_f = 0.0
        for s in range(S):
            big_f = max(big_f, abs(F[s]))
        if big_f < ftol:
            status = 0
            break
        # stagnation: the merit fell by less than STAG_FACTOR over STAG_WINDOW iterations
        hist[it % (STAG_WINDOW + 1)] = phi
        if it >= STAG_WINDOW and phi > STAG_FACTOR * hist[(it - STAG_WINDOW) % (STAG_WINDOW + 1)]:
            status = 1
            break
        A[:, :] = Jx
        for s in range(S):
            F[s] = -F[s]
        ok = _solve_into(A, F, dx)
        for s in range(S):
            F[s] = -F[s]
        if not ok:
            status = 3
            break
        big = 0.0
        for s in range(S):
            big = max(big, abs(dx[s]))
        if not np.isfinite(big):
            status = 3
            break
        if big > max_step:
            for s in range(S):
                dx[s] *= max_step / big
        lam = 1.0
        accepted = False
        slope = -2.0 * phi * min(1.0, max_step / big)   # d phi / d lam at lam = 0
        for _ in range(30):
            for s in range(S):
                xn[s] = x[s] + lam * dx[s]
            _project(xn, occ, kind, theta)
            _, phin = _evaluate(xn, st, occ, kind, False, theta, rf, rr, P, C, rep, Fn, Jx)
            if np.isfinite(phin) and phin < (1.0 - 1e-4 * lam) * phi:
                accepted = True
                break
            lam = _next_lambda(lam, phi, phin, slope)
            if lam < LAM_MIN:
                break
        if not accepted:
            # accept a full step at round-off level (no decrease measurable)
            status = 0 if phi < 1e-20 else 1
            # restore the evaluation at x (the work arrays hold the last trial point)
            fmax, phi = _evaluate(x, st, occ, kind, False, theta, rf, rr, P, C, rep, F, Jx)
            break
        for s in range(S):
            x[s] = xn[s]
        fmax, phi = _evaluate(x, st, occ, kind, True, theta, rf, rr, P, C, rep, F, Jx)
    else:
        big_f = 0.0
        for s in range(S):
            big_f = max(big_f, abs(F[s]))
        if big_f < ftol:
            status = 0
    return fmax, it, status


@njit(cache=True)
def newton(x0, kf, kr, Af, Ar, nu, Gf, Gr, occ, kind, max_iter, ftol, max_step):
    """Damped Newton from x0. Returns (x, max|fs|, iterations, status).

    status: 0 converged (max|F| < ftol), 1 stalled (no decrease possible, or sum F^2 fell by
    less than 10 % over 20 iterations), 2 max_iter, 3 singular Jacobian.
    """
    X, res, iters, status = newton_multistart(np.ascontiguousarray(x0.reshape(1, -1)), kf,
                                              kr, Af, Ar, nu, Gf, Gr, occ, kind, max_iter,
                                              ftol, max_step)
    return X[0], res[0], iters[0], status[0]


@njit(cache=True)
def newton_multistart(X0, kf, kr, Af, Ar, nu, Gf, Gr, occ, kind, max_iter, ftol, max_step):
    """Run :func:`newton` from every row of X0 (M, S). Returns X (M, S), res, iters, status."""
    M, S = X0.shape
    J = kf.shape[0]
    st = structure(kf, kr, Af, Ar, nu, Gf, Gr)
    X = np.empty((M, S))
    res = np.empty(M)
    iters = np.empty(M, dtype=np.int64)
    status = np.empty(M, dtype=np.int64)
    w = np.empty((7, max(S, J)))
    xn = np.empty(S)
    dx = np.empty(S)
    A = np.empty((S, S))
    for m in range(M):
        ws = (w[0, :S], w[1], w[2], w[3, :S], w[4, :S], w[5, :S], w[6, :S])
        r, it, stt = _newton(X0[m], st, occ, kind, max_iter, ftol, max_step, X[m], xn, dx,
                             A, ws)
        res[m] = r
        iters[m] = it
        status[m] = stt
    return X, res, iters, status


@njit(cache=True)
def evaluate_states(X, kf, kr, Af, Ar, nu, Gf, Gr, occ, kind):
    """Everything verification needs at each row of X (M, S) of log-coverages.

    Returns
    -------
    rf, rr : ndarray (M, J)
        Forward and reverse step rates, s^-1 per site.
    res : ndarray (M,)
        max over species of |P - C| / (P + C) (dimensionless).
    balance : ndarray (M,)
        max over site kinds of |sum_s occ_ks theta_s - 1|.
    jac : ndarray (M, S, S)
        d(dtheta/dt)/dtheta, s^-1 (for the eigenvalues; rows/columns in species order).
    """
    M, S = X.shape
    J = kf.shape[0]
    K = occ.shape[0]
    st = structure(kf, kr, Af, Ar, nu, Gf, Gr)
    lkf, lkr, fp, fi, fv, rp, ri, rv, gfp, gfi, gfv, grp, gri, grv, np_, ni, nv = st
    rf = np.empty((M, J))
    rr = np.empty((M, J))
    res = np.empty(M)
    balance = np.empty(M)
    jac = np.zeros((M, S, S))
    theta = np.empty(S)
    P = np.empty(S)
    C = np.empty(S)
    tot = np.empty(K)
    for m in range(M):
        x = X[m]
        _rates(x, theta, st, rf[m], rr[m])
        _gross(st, rf[m], rr[m], P, C)
        r = 0.0
        for i in range(S):
            f = abs(P[i] - C[i]) / (P[i] + C[i] + TINY)
            if f > r or f != f:
                r = f
        res[m] = r
        tot[:] = 0.0
        for s in range(S):
            tot[kind[s]] += occ[kind[s], s] * theta[s]
        b = 0.0
        for k in range(K):
            b = max(b, abs(tot[k] - 1.0))
        balance[m] = b
        # d r_j / d theta_s = r_j (a_sj / theta_s + g_js), summed into nu_ij
        for j in range(J):
            a = rf[m, j]
            c = rr[m, j]
            for kk in range(np_[j], np_[j + 1]):
                i = ni[kk]
                n = nv[kk]
                if a != 0.0:
                    for k in range(fp[j], fp[j + 1]):
                        jac[m, i, fi[k]] += n * a * fv[k] / theta[fi[k]]
                    for k in range(gfp[j], gfp[j + 1]):
                        jac[m, i, gfi[k]] += n * a * gfv[k]
                if c != 0.0:
                    for k in range(rp[j], rp[j + 1]):
                        jac[m, i, ri[k]] -= n * c * rv[k] / theta[ri[k]]
                    for k in range(grp[j], grp[j + 1]):
                        jac[m, i, gri[k]] -= n * c * grv[k]
    return rf, rr, res, balance, jac


@njit(cache=True)
def _interp(a, b, lam):
    """ln-linear interpolation of rate constants (linear when either end is zero)."""
    out = np.empty(a.shape[0])
    for j in range(a.shape[0]):
        if a[j] > 0.0 and b[j] > 0.0:
            out[j] = np.exp((1.0 - lam) * np.log(a[j]) + lam * np.log(b[j]))
        else:
            out[j] = (1.0 - lam) * a[j] + lam * b[j]
    return out


@njit(cache=True)
def continuation(X0, kf0, kr0, Gf0, Gr0, kf1, kr1, Gf1, Gr1, Af, Ar, nu, occ, kind,
                 max_iter, ftol, max_step, min_h):
    """Carry steady states of network 0 (rows of X0, log-coverages) to network 1.

    Natural-parameter continuation in lambda from 0 to 1 along ln k(lambda) =
    (1 - lambda) ln k0 + lambda ln k1 (and G linear in lambda): a damped Newton solve at
    lambda + h from the solution at lambda; h doubles after a success and halves after a
    failure, down to ``min_h``. Returns X (M, S), the scaled residual at lambda = 1 and a
    status per row (0 reached lambda = 1 converged, 1 gave up).
    """
    M, S = X0.shape
    J = kf0.shape[0]
    X = np.empty((M, S))
    res = np.empty(M)
    status = np.ones(M, dtype=np.int64)
    w = np.empty((7, max(S, J)))
    xn = np.empty(S)
    dx = np.empty(S)
    A = np.empty((S, S))
    xt = np.empty(S)
    for m in range(M):
        ws = (w[0, :S], w[1], w[2], w[3, :S], w[4, :S], w[5, :S], w[6, :S])
        x = X0[m].copy()
        lam = 0.0
        h = 1.0
        r = np.inf
        while h >= min_h:
            lt = min(1.0, lam + h)
            st = structure(_interp(kf0, kf1, lt), _interp(kr0, kr1, lt), Af, Ar, nu,
                           (1.0 - lt) * Gf0 + lt * Gf1, (1.0 - lt) * Gr0 + lt * Gr1)
            r, _, stt = _newton(x, st, occ, kind, max_iter, ftol, max_step, xt, xn, dx, A,
                                ws)
            if stt == 0:
                x[:] = xt
                lam = lt
                if lam >= 1.0:
                    status[m] = 0
                    break
                h = min(2.0 * h, 1.0 - lam)
            else:
                h *= 0.5
        X[m] = x
        res[m] = r if status[m] == 0 else np.inf
    return X, res, status


@njit(cache=True)
def formable_mask(ok0, kf, kr, Af, Ar):
    """Species reachable from the vacancies ``ok0`` (bool, S) through active step directions.

    A direction is active when its rate constant is > 0 and every surface reactant is
    reachable; its products then are. Returns the reachable mask (bool, S).
    """
    S, J = Af.shape
    ok = ok0.copy()
    changed = True
    while changed:
        changed = False
        for j in range(J):
            for d in range(2):
                k = kf[j] if d == 0 else kr[j]
                if not k > 0.0:
                    continue
                R = Af if d == 0 else Ar
                Q = Ar if d == 0 else Af
                go = True
                for s in range(S):
                    if R[s, j] > 0.0 and not ok[s]:
                        go = False
                        break
                if go:
                    for s in range(S):
                        if Q[s, j] > 0.0 and not ok[s]:
                            ok[s] = True
                            changed = True
    return ok


# -- stability ------------------------------------------------------------------------------
@njit(cache=True)
def projected_eigenvalues(Z, jac):
    """Eigenvalues (complex, s^-1) of Z^T jac Z: the Jacobian d(dtheta/dt)/dtheta (S, S)
    restricted to the site-conserving subspace spanned by the orthonormal columns of Z
    (S, S - K). LAPACK through numba (no per-call Python overhead of numpy.linalg)."""
    A = Z.T @ (jac @ Z)
    return np.linalg.eigvals(A.astype(np.complex128))


# -- error of a solution ------------------------------------------------------------------
@njit(cache=True)
def _abs_row_sums(A, B):
    """sum_k |(A B)_ik| for every row i of the product of A (n, m) and B (m, p)."""
    n, m = A.shape
    out = np.zeros(n)
    for i in range(n):
        for k in range(B.shape[1]):
            v = 0.0
            for s in range(m):
                v += A[i, s] * B[s, k]
            out[i] += abs(v)
    return out


@njit(cache=True)
def solution_error(theta, rf, rr, Af, Ar, nu, Gf, Gr, occ, kind, nu_gas):
    """How the residual of a steady state propagates into its coverages and productions.

    The scaled Jacobian Gx (S, S) of the steady-state equations in x = ln theta: row s is
    d(net production of s)/dx over the gross rate of s, and on each site kind the row of
    its fastest species is the site balance d sum(occ theta)/dx. With C = Gx^-1 (by
    Gauss-Jordan elimination with partial pivoting) and DR = dr/dx (J, S, s^-1 per site):

    Returns
    -------
    DR : ndarray (J, S)
    C : ndarray (S, S)
    ok : bool
        False when Gx is singular (C then undefined).
    gas : ndarray (G,)
        sum_k |nu_gas DR C|_(g, k), s^-1 per site: a residual eps of every scaled equation
        moves the production of gas g by up to eps times this.
    cov : ndarray (S,)
        sum_k |C|_(s, k): the same for ln theta_s (relative coverage error).
    """
    S = theta.shape[0]
    J = rf.shape[0]
    Ng = nu_gas.shape[0]
    K = occ.shape[0]
    DR = np.empty((J, S))
    for j in range(J):
        for s in range(S):
            DR[j, s] = (rf[j] * (Af[s, j] + Gf[j, s] * theta[s])
                        - rr[j] * (Ar[s, j] + Gr[j, s] * theta[s]))
    A = np.zeros((S, S))
    gross = np.zeros(S)
    for i in range(S):
        for j in range(J):
            n = nu[i, j]
            if n != 0.0:
                gross[i] += abs(n) * (rf[j] + rr[j])
                for s in range(S):
                    A[i, s] += n * DR[j, s]
    for i in range(S):
        g = gross[i] + 1e-300
        for s in range(S):
            A[i, s] /= g
    for k in range(K):
        best = -1
        bg = -1.0
        for s in range(S):
            if kind[s] == k and gross[s] > bg:
                bg = gross[s]
                best = s
        if best >= 0:
            for s in range(S):
                A[best, s] = occ[k, s] * theta[s]
    C = np.zeros((S, S))
    for i in range(S):
        C[i, i] = 1.0
    ok = True
    for k in range(S):
        p = k
        m = abs(A[k, k])
        for i in range(k + 1, S):
            if abs(A[i, k]) > m:
                m = abs(A[i, k])
                p = i
        if not (m > 0.0) or not np.isfinite(m):
            ok = False
            break
        if p != k:
            for c in range(S):
                t = A[k, c]
                A[k, c] = A[p, c]
                A[p, c] = t
                t = C[k, c]
                C[k, c] = C[p, c]
                C[p, c] = t
        piv = A[k, k]
        for c in range(S):
            A[k, c] /= piv
            C[k, c] /= piv
        for i in range(S):
            if i != k:
                f = A[i, k]
                if f != 0.0:
                    for c in range(S):
                        A[i, c] -= f * A[k, c]
                        C[i, c] -= f * C[k, c]
    gas = np.full(Ng, np.inf)
    cov = np.full(S, np.inf)
    if ok:
        GD = np.zeros((Ng, S))
        for g in range(Ng):
            for j in range(J):
                n = nu_gas[g, j]
                if n != 0.0:
                    for s in range(S):
                        GD[g, s] += n * DR[j, s]
        gas = _abs_row_sums(GD, C)
        for s in range(S):
            tot = 0.0
            for k in range(S):
                tot += abs(C[s, k])
            cov[s] = tot
    return DR, C, ok, gas, cov


@njit(cache=True)
def reconcile(r, sigma, nu, nu_gas, DR, C, mode, eps, xround, roundoff):
    """Step rates reconciled with the steady state of the surface, and gas productions with
    their noise floors (``_steady._gas_production``).

    ``r`` (J,) is moved, each step within its noise ``sigma`` (J,), onto ``nu r = 0`` by
    weighted least squares: ``rc = r - D B^+ nu r`` with ``D = diag(sigma / max sigma)``,
    ``B = nu D`` (pseudo-inverse from the SVD; singular values below 1e-13 of the largest
    are constraints among steps already exact to round-off). With ``G = nu_gas P`` (P the
    projection) the floor of gas g is ``sum_j |G_gj| sigma_j`` plus the projection's
    round-off and the solution's error propagated through dr/dx ``DR`` (J, S): ``mode`` 0,
    ``eps sum_k |G DR C|_gk`` (``C`` the inverse scaled Jacobian); 1, ``xround sum_s
    |G DR|_gs`` (coverages rounded from an exact solution); 2, none. A gas whose row of G
    vanishes (a combination of the surface balances) makes exactly nothing.

    Returns
    -------
    rc : ndarray (J,)
    prod, floor : ndarray (G,)
        s^-1 per site.
    """
    S, J = nu.shape
    Ng = nu_gas.shape[0]
    top = 0.0
    for j in range(J):
        if sigma[j] > top:
            top = sigma[j]
    rc = r.copy()
    G = np.empty((Ng, J))
    for g in range(Ng):
        for j in range(J):
            G[g, j] = nu_gas[g, j]
    if top > 0.0 and np.isfinite(top) and S > 0:
        d = sigma / top
        B = np.empty((S, J))
        for i in range(S):
            for j in range(J):
                B[i, j] = nu[i, j] * d[j]
        u, sv, vt = np.linalg.svd(B, full_matrices=False)
        cut = 1e-13 * sv[0]
        DBp = np.zeros((J, S))
        for k in range(sv.shape[0]):
            if sv[k] > cut:
                for j in range(J):
                    f = d[j] * vt[k, j] / sv[k]
                    for i in range(S):
                        DBp[j, i] += f * u[i, k]
        nr = np.zeros(S)
        for i in range(S):
            for j in range(J):
                nr[i] += nu[i, j] * r[j]
        for j in range(J):
            v = 0.0
            for i in range(S):
                v += DBp[j, i] * nr[i]
            rc[j] = r[j] - v
        W = np.zeros((Ng, S))                  # nu_gas D B^+
        for g in range(Ng):
            for j in range(J):
                if nu_gas[g, j] != 0.0:
                    for i in range(S):
                        W[g, i] += nu_gas[g, j] * DBp[j, i]
        for g in range(Ng):
            for j in range(J):
                v = 0.0
                for i in range(S):
                    v += W[g, i] * nu[i, j]
                G[g, j] -= v
    prod = np.zeros(Ng)
    floor = np.zeros(Ng)
    for g in range(Ng):
        gmax = 0.0
        nmax = 0.0
        for j in range(J):
            prod[g] += nu_gas[g, j] * rc[j]
            floor[g] += abs(G[g, j]) * sigma[j] + roundoff * abs(nu_gas[g, j]) * abs(rc[j])
            gmax = max(gmax, abs(G[g, j]))
            nmax = max(nmax, abs(nu_gas[g, j]))
        if mode < 2:
            GD = np.zeros(S)
            for s in range(S):
                for j in range(J):
                    GD[s] += G[g, j] * DR[j, s]
            tot = 0.0
            if mode == 0:
                for k in range(S):
                    v = 0.0
                    for s in range(S):
                        v += GD[s] * C[s, k]
                    tot += abs(v)
                tot *= eps
            else:
                for s in range(S):
                    tot += abs(GD[s])
                tot *= xround
            floor[g] += tot if np.isfinite(tot) else np.inf
        if gmax <= 1e-12 * nmax:
            prod[g] = 0.0
            floor[g] = 0.0
    return rc, prod, floor


@njit(cache=True)
def productions(r, gross, eps, theta, rf, rr, Af, Ar, nu, Gf, Gr, occ, kind, nu_gas,
                exact_x, above, xround, roundoff):
    """Gas productions of a steady state with their noise floors, in one call
    (``_steady._gas_production``): the step rates' own noise ``eps gross`` and the
    solution's error (:func:`solution_error`; ``exact_x``: coverages rounded from an exact
    solution, ``xround`` per coverage), and the reconciliation (:func:`reconcile`) when a
    production that some step exchanges is within ``above`` times its floor.

    Returns
    -------
    rc : ndarray (J,)
        Step rates (reconciled or as given), s^-1 per site.
    prod, floor : ndarray (G,)
        s^-1 per site.
    cov_err : float
        Largest relative coverage error the residual allows.
    """
    DR, C, ok, gas, cov = solution_error(theta, rf, rr, Af, Ar, nu, Gf, Gr, occ, kind, nu_gas)
    Ng, J = nu_gas.shape
    S = theta.shape[0]
    sigma = eps * gross
    p = np.zeros(Ng)
    floor = np.zeros(Ng)
    for g in range(Ng):
        for j in range(J):
            p[g] += nu_gas[g, j] * r[j]
            floor[g] += abs(nu_gas[g, j]) * sigma[j]
    if exact_x:
        cov_err = xround
        rows = _abs_row_sums(nu_gas, DR)
        for g in range(Ng):
            floor[g] += xround * rows[g]
    elif ok:
        cov_err = 0.0
        for s in range(S):
            cov_err = max(cov_err, eps * cov[s])
        for g in range(Ng):
            floor[g] += eps * gas[g]
    else:
        cov_err = np.inf
        for g in range(Ng):
            floor[g] = np.inf
    need = False
    for g in range(Ng):
        exchanged = False
        for j in range(J):
            if nu_gas[g, j] != 0.0:
                exchanged = True
        if exchanged and not (abs(p[g]) > above * floor[g]):
            need = True
    if not need:
        return r.copy(), p, floor, cov_err
    mode = 1 if exact_x else (0 if ok else 2)
    rc, p, floor = reconcile(r, sigma, nu, nu_gas, DR, C, mode, eps, xround, roundoff)
    if not ok and not exact_x:                      # singular Jacobian: error unbounded
        for g in range(Ng):
            if p[g] != 0.0:
                floor[g] = np.inf
    return rc, p, floor, cov_err
