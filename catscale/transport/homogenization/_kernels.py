"""Numba kernels of the finite-volume cell problems (the only numba in this subpackage).

All kernels work on 3-D C-contiguous arrays of shape ``(nx, ny, nz)``; a 2-D image is the
special case ``nz == 1``. The operator is stored as *face conductances*:

``cx[i, j, k]`` couples voxel ``(i, j, k)`` with ``(i + 1, j, k)`` (index wrapped periodically;
a face that must not exist, e.g. the wrap face of a non-periodic axis or the self-face of an axis
of length 1, has conductance 0), likewise ``cy`` and ``cz``. ``g`` is a non-negative conductance to
a fixed (Dirichlet) value, added to the diagonal. The operator is

    (A x)_p = g_p x_p + sum_faces c_f (x_p - x_nb(f)),

symmetric positive semi-definite. Every kernel has a pure-Python twin in ``_reference.py``.
Kernels are deterministic (no random numbers), so the twins must agree to round-off.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def face_conductances(phase, table, periodic):
    """Harmonic-mean face conductances from a phase-label image.

    phase : uint8 (nx, ny, nz) phase labels; table : float64 (n_phases,) diffusivity of each
    phase (dimensionless, voxel size 1); periodic : uint8 (3,) 1 if the axis wraps.
    Returns cx, cy, cz as float32 arrays. Conductance of a face between diffusivities a and b is
    2ab/(a+b) (series resistance of two half voxels), 0 if either is 0.
    """
    nx, ny, nz = phase.shape
    cx = np.zeros((nx, ny, nz), np.float32)
    cy = np.zeros((nx, ny, nz), np.float32)
    cz = np.zeros((nx, ny, nz), np.float32)
    for i in range(nx):
        ip = i + 1
        okx = True
        if ip == nx:
            ip = 0
            okx = periodic[0] == 1 and nx > 1
        for j in range(ny):
            jp = j + 1
            oky = True
            if jp == ny:
                jp = 0
                oky = periodic[1] == 1 and ny > 1
            for k in range(nz):
                kp = k + 1
                okz = True
                if kp == nz:
                    kp = 0
                    okz = periodic[2] == 1 and nz > 1
                a = table[phase[i, j, k]]
                if a <= 0.0:
                    continue
                if okx:
                    b = table[phase[ip, j, k]]
                    if b > 0.0:
                        cx[i, j, k] = 2.0 * a * b / (a + b)
                if oky:
                    b = table[phase[i, jp, k]]
                    if b > 0.0:
                        cy[i, j, k] = 2.0 * a * b / (a + b)
                if okz:
                    b = table[phase[i, j, kp]]
                    if b > 0.0:
                        cz[i, j, k] = 2.0 * a * b / (a + b)
    return cx, cy, cz


@njit(cache=True)
def matvec(cx, cy, cz, g, x, out):
    """out = A x (see module docstring)."""
    nx, ny, nz = x.shape
    for i in range(nx):
        ip = i + 1 if i + 1 < nx else 0
        im = i - 1 if i > 0 else nx - 1
        for j in range(ny):
            jp = j + 1 if j + 1 < ny else 0
            jm = j - 1 if j > 0 else ny - 1
            for k in range(nz):
                kp = k + 1 if k + 1 < nz else 0
                km = k - 1 if k > 0 else nz - 1
                xc = x[i, j, k]
                s = g[i, j, k] * xc
                s += cx[i, j, k] * (xc - x[ip, j, k]) + cx[im, j, k] * (xc - x[im, j, k])
                s += cy[i, j, k] * (xc - x[i, jp, k]) + cy[i, jm, k] * (xc - x[i, jm, k])
                s += cz[i, j, k] * (xc - x[i, j, kp]) + cz[i, j, km] * (xc - x[i, j, km])
                out[i, j, k] = s


@njit(cache=True)
def _rb_half(cx, cy, cz, g, x, b, color, reverse):
    """Gauss-Seidel update of the voxels with (i + j + k) % 2 == color (in place), in
    lexicographic order or, with ``reverse``, in the reverse order."""
    nx, ny, nz = x.shape
    for ii in range(nx):
        i = nx - 1 - ii if reverse else ii
        ip = i + 1 if i + 1 < nx else 0
        im = i - 1 if i > 0 else nx - 1
        for jj in range(ny):
            j = ny - 1 - jj if reverse else jj
            jp = j + 1 if j + 1 < ny else 0
            jm = j - 1 if j > 0 else ny - 1
            k0 = (i + j + color) % 2
            nk = (nz - k0 + 1) // 2
            for kk in range(nk):
                k = k0 + 2 * (nk - 1 - kk) if reverse else k0 + 2 * kk
                kp = k + 1 if k + 1 < nz else 0
                km = k - 1 if k > 0 else nz - 1
                a1 = cx[i, j, k]
                a2 = cx[im, j, k]
                a3 = cy[i, j, k]
                a4 = cy[i, jm, k]
                a5 = cz[i, j, k]
                a6 = cz[i, j, km]
                d = g[i, j, k] + a1 + a2 + a3 + a4 + a5 + a6
                s = b[i, j, k] + a1 * x[ip, j, k] + a2 * x[im, j, k] + a3 * x[i, jp, k]
                s += a4 * x[i, jm, k] + a5 * x[i, j, kp] + a6 * x[i, j, km]
                x[i, j, k] = s / d if d > 0.0 else 0.0


@njit(cache=True)
def gauss_seidel(cx, cy, cz, g, x, b, forward):
    """One red-black Gauss-Seidel sweep on A x = b, in place (voxels with zero diagonal are set
    to 0). ``forward``: red (i+j+k even) then black; otherwise black then red, the adjoint
    sweep in exactly the reverse order, so forward-then-backward is a symmetric smoother (also on a
    periodic axis of odd length, where the two colours touch across the wrap)."""
    if forward:
        _rb_half(cx, cy, cz, g, x, b, 0, False)
        _rb_half(cx, cy, cz, g, x, b, 1, False)
    else:
        _rb_half(cx, cy, cz, g, x, b, 1, True)
        _rb_half(cx, cy, cz, g, x, b, 0, True)


@njit(cache=True)
def residual_restrict(cx, cy, cz, g, x, b, rc):
    """rc[I, J, K] = sum over the 2x2x2 block of (b - A x) (piecewise-constant restriction)."""
    nx, ny, nz = x.shape
    rc[:] = 0.0
    for i in range(nx):
        ip = i + 1 if i + 1 < nx else 0
        im = i - 1 if i > 0 else nx - 1
        for j in range(ny):
            jp = j + 1 if j + 1 < ny else 0
            jm = j - 1 if j > 0 else ny - 1
            for k in range(nz):
                kp = k + 1 if k + 1 < nz else 0
                km = k - 1 if k > 0 else nz - 1
                xc = x[i, j, k]
                s = g[i, j, k] * xc
                s += cx[i, j, k] * (xc - x[ip, j, k]) + cx[im, j, k] * (xc - x[im, j, k])
                s += cy[i, j, k] * (xc - x[i, jp, k]) + cy[i, jm, k] * (xc - x[i, jm, k])
                s += cz[i, j, k] * (xc - x[i, j, kp]) + cz[i, j, km] * (xc - x[i, j, km])
                rc[i // 2, j // 2, k // 2] += b[i, j, k] - s


@njit(cache=True)
def prolong_add(x, xc, alpha):
    """x += alpha * P xc with P the piecewise-constant prolongation of the 2x2x2 blocks."""
    nx, ny, nz = x.shape
    for i in range(nx):
        for j in range(ny):
            for k in range(nz):
                x[i, j, k] += alpha * xc[i // 2, j // 2, k // 2]


@njit(cache=True)
def coarse_conductances(cx, cy, cz, g):
    """Galerkin coarse operator P^T A P of the 2x2x2 piecewise-constant aggregation.

    A coarse face conductance is the sum of the fine conductances that cross the face between
    two blocks; faces inside a block drop out; ``g`` is summed over the block. The result is
    again a 7-point operator of the same form.
    """
    nx, ny, nz = cx.shape
    mx = (nx + 1) // 2
    my = (ny + 1) // 2
    mz = (nz + 1) // 2
    ccx = np.zeros((mx, my, mz), np.float32)
    ccy = np.zeros((mx, my, mz), np.float32)
    ccz = np.zeros((mx, my, mz), np.float32)
    cg = np.zeros((mx, my, mz), np.float32)
    for i in range(nx):
        lastx = (i % 2 == 1) or (i == nx - 1)
        for j in range(ny):
            lasty = (j % 2 == 1) or (j == ny - 1)
            for k in range(nz):
                lastz = (k % 2 == 1) or (k == nz - 1)
                ci = i // 2
                cj = j // 2
                ck = k // 2
                cg[ci, cj, ck] += g[i, j, k]
                if lastx and mx > 1:
                    ccx[ci, cj, ck] += cx[i, j, k]
                if lasty and my > 1:
                    ccy[ci, cj, ck] += cy[i, j, k]
                if lastz and mz > 1:
                    ccz[ci, cj, ck] += cz[i, j, k]
    return ccx, ccy, ccz, cg


@njit(cache=True)
def periodic_rhs(cx, cy, cz, axis, b):
    """Right-hand side of the periodic corrector problem for the unit macroscopic gradient e_axis:
    b_p = c_f(+axis face of p) - c_f(-axis face of p) (voxel size 1). The difference is taken in
    float64, where the difference of two float32 values is exact, so the sum of b over every
    cluster is exactly zero and the singular system stays consistent."""
    nx, ny, nz = b.shape
    for i in range(nx):
        im = i - 1 if i > 0 else nx - 1
        for j in range(ny):
            jm = j - 1 if j > 0 else ny - 1
            for k in range(nz):
                km = k - 1 if k > 0 else nz - 1
                if axis == 0:
                    b[i, j, k] = np.float64(cx[i, j, k]) - np.float64(cx[im, j, k])
                elif axis == 1:
                    b[i, j, k] = np.float64(cy[i, j, k]) - np.float64(cy[i, jm, k])
                else:
                    b[i, j, k] = np.float64(cz[i, j, k]) - np.float64(cz[i, j, km])


@njit(cache=True)
def mean_flux(cx, cy, cz, u, axis):
    """Volume-averaged flux of the periodic cell solution, as a length-3 array.

    u is the corrector chi for the unit gradient e_axis; the flux through a face is
    c_f (u_nb - u_p + [face direction == axis]) (the sign makes D_eff positive). Returns
    (1/N) sum over faces, per direction: column ``axis`` of D_eff.
    """
    nx, ny, nz = u.shape
    sx = 0.0
    sy = 0.0
    sz = 0.0
    dx = 1.0 if axis == 0 else 0.0
    dy = 1.0 if axis == 1 else 0.0
    dz = 1.0 if axis == 2 else 0.0
    for i in range(nx):
        ip = i + 1 if i + 1 < nx else 0
        for j in range(ny):
            jp = j + 1 if j + 1 < ny else 0
            for k in range(nz):
                kp = k + 1 if k + 1 < nz else 0
                uc = u[i, j, k]
                sx += cx[i, j, k] * (u[ip, j, k] - uc + dx)
                sy += cy[i, j, k] * (u[i, jp, k] - uc + dy)
                sz += cz[i, j, k] * (u[i, j, kp] - uc + dz)
    n = nx * ny * nz
    out = np.empty(3)
    out[0] = sx / n
    out[1] = sy / n
    out[2] = sz / n
    return out


@njit(cache=True)
def plane_fluxes(cx, cy, cz, g_lo, g_hi, u, axis):
    """Total flux through every plane of faces normal to ``axis`` in the Dirichlet set-up
    (u = 1 beyond the low face, 0 beyond the high face). Returns an array of length n_axis + 1:
    entry 0 is the inlet boundary plane, entry n the outlet plane."""
    nx, ny, nz = u.shape
    n = u.shape[axis]
    out = np.zeros(n + 1)
    for i in range(nx):
        for j in range(ny):
            for k in range(nz):
                uc = u[i, j, k]
                if axis == 0:
                    a = i
                    if i + 1 < nx:
                        out[i + 1] += cx[i, j, k] * (uc - u[i + 1, j, k])
                    bl = j * nz + k
                elif axis == 1:
                    a = j
                    if j + 1 < ny:
                        out[j + 1] += cy[i, j, k] * (uc - u[i, j + 1, k])
                    bl = i * nz + k
                else:
                    a = k
                    if k + 1 < nz:
                        out[k + 1] += cz[i, j, k] * (uc - u[i, j, k + 1])
                    bl = i * ny + j
                if a == 0:
                    out[0] += g_lo[bl] * (1.0 - uc)
                if a == n - 1:
                    out[n] += g_hi[bl] * uc
    return out


@njit(cache=True)
def periodic_clusters(mask):
    """Face-connected clusters of ``mask`` (uint8, nonzero = conducting) on the periodic torus,
    and for each cluster whether it wraps around each axis.

    Breadth-first search that records, for every voxel, which periodic image it was reached in;
    reaching a visited voxel of the same cluster in a different image closes a loop with a
    non-zero winding number along the axes where the images differ: the cluster is infinite
    (percolates) along those axes.

    Returns labels (int32, 0 = not conducting, 1..n) and wraps (uint8 (n + 1, 3)).
    """
    nx, ny, nz = mask.shape
    labels = np.zeros((nx, ny, nz), np.int32)
    shift = np.zeros((nx, ny, nz, 3), np.int32)
    queue = np.empty(nx * ny * nz, np.int64)
    cap = 64
    wraps = np.zeros((cap, 3), np.uint8)
    nlab = 0
    dims = (nx, ny, nz)
    for s0 in range(nx):
        for s1 in range(ny):
            for s2 in range(nz):
                if mask[s0, s1, s2] == 0 or labels[s0, s1, s2] != 0:
                    continue
                nlab += 1
                if nlab >= cap:
                    new = np.zeros((2 * cap, 3), np.uint8)
                    new[:cap] = wraps
                    wraps = new
                    cap *= 2
                labels[s0, s1, s2] = nlab
                head = 0
                tail = 0
                queue[tail] = (s0 * ny + s1) * nz + s2
                tail += 1
                while head < tail:
                    p = queue[head]
                    head += 1
                    i = p // (ny * nz)
                    j = (p // nz) % ny
                    k = p % nz
                    c = (i, j, k)
                    for ax in range(3):
                        n = dims[ax]
                        if n == 1:
                            continue
                        for step in (-1, 1):
                            q0 = i
                            q1 = j
                            q2 = k
                            v = c[ax] + step
                            ds = 0
                            if v == n:
                                v = 0
                                ds = 1
                            elif v < 0:
                                v = n - 1
                                ds = -1
                            if ax == 0:
                                q0 = v
                            elif ax == 1:
                                q1 = v
                            else:
                                q2 = v
                            if mask[q0, q1, q2] == 0:
                                continue
                            e0 = shift[i, j, k, 0]
                            e1 = shift[i, j, k, 1]
                            e2 = shift[i, j, k, 2]
                            if ax == 0:
                                e0 += ds
                            elif ax == 1:
                                e1 += ds
                            else:
                                e2 += ds
                            if labels[q0, q1, q2] == 0:
                                labels[q0, q1, q2] = nlab
                                shift[q0, q1, q2, 0] = e0
                                shift[q0, q1, q2, 1] = e1
                                shift[q0, q1, q2, 2] = e2
                                queue[tail] = (q0 * ny + q1) * nz + q2
                                tail += 1
                            else:
                                if shift[q0, q1, q2, 0] != e0:
                                    wraps[nlab, 0] = 1
                                if shift[q0, q1, q2, 1] != e1:
                                    wraps[nlab, 1] = 1
                                if shift[q0, q1, q2, 2] != e2:
                                    wraps[nlab, 2] = 1
    return labels, wraps[: nlab + 1].copy()


@njit(cache=True)
def axpy(a, x, y):
    """y += a * x (flat float64 arrays)."""
    for i in range(x.size):
        y[i] += a * x[i]


@njit(cache=True)
def xpby(x, b, y):
    """y = x + b * y (flat float64 arrays)."""
    for i in range(x.size):
        y[i] = x[i] + b * y[i]
