"""Slow pure-Python twins of the kernels in ``_kernels.py`` (used only by the tests).

Written for clarity, from the definitions, not from the kernels: explicit neighbour lists,
dictionaries and sets. Deterministic, so they must agree with the kernels to round-off.
"""

from __future__ import annotations

import itertools
from collections import deque

import numpy as np


def _neighbours(p, shape):
    """(axis, +1 neighbour index) pairs of voxel p with periodic wrap."""
    out = []
    for ax in range(3):
        q = list(p)
        q[ax] = (q[ax] + 1) % shape[ax]
        out.append((ax, tuple(q)))
    return out


def face_conductances(phase, table, periodic):
    shape = phase.shape
    cs = [np.zeros(shape, np.float32) for _ in range(3)]
    for p in itertools.product(*map(range, shape)):
        for ax, q in _neighbours(p, shape):
            wraps = p[ax] == shape[ax] - 1
            if wraps and (not periodic[ax] or shape[ax] == 1):
                continue
            a, b = table[phase[p]], table[phase[q]]
            if a > 0 and b > 0:
                cs[ax][p] = 1.0 / (0.5 / a + 0.5 / b)  # two half-voxel resistances in series
    return tuple(cs)


def _faces(cx, cy, cz):
    """List of (p, q, c): every face with its two voxels."""
    shape = cx.shape
    out = []
    for p in itertools.product(*map(range, shape)):
        for ax, q in _neighbours(p, shape):
            c = (cx, cy, cz)[ax][p]
            if c != 0:
                out.append((p, q, float(c)))
    return out


def matvec(cx, cy, cz, g, x):
    y = np.array(g, float) * x
    for p, q, c in _faces(cx, cy, cz):
        y[p] += c * (x[p] - x[q])
        y[q] += c * (x[q] - x[p])
    return y


def dense_matrix(cx, cy, cz, g):
    shape = cx.shape
    n = int(np.prod(shape))
    idx = {p: i for i, p in enumerate(itertools.product(*map(range, shape)))}
    A = np.diag(np.asarray(g, float).reshape(-1))
    for p, q, c in _faces(cx, cy, cz):
        i, j = idx[p], idx[q]
        A[i, i] += c
        A[j, j] += c
        A[i, j] -= c
        A[j, i] -= c
    assert A.shape == (n, n)
    return A


def gauss_seidel(cx, cy, cz, g, x, b, forward):
    """Red-black sweep defined through the dense matrix: x_i <- (b_i - sum_{j!=i} A_ij x_j)/A_ii
    over red voxels (i+j+k even) then black (forward), the exact reverse order otherwise."""
    A = dense_matrix(cx, cy, cz, g)
    shape = cx.shape
    pts = list(itertools.product(*map(range, shape)))
    red = [i for i, p in enumerate(pts) if sum(p) % 2 == 0]
    black = [i for i, p in enumerate(pts) if sum(p) % 2 == 1]
    order = red + black if forward else list(reversed(red + black))
    xf = np.array(x, float).reshape(-1)
    bf = np.asarray(b, float).reshape(-1)
    for i in order:
        if A[i, i] > 0:
            xf[i] = (bf[i] - A[i] @ xf + A[i, i] * xf[i]) / A[i, i]
        else:
            xf[i] = 0.0
    return xf.reshape(shape)


def aggregation(shape):
    """Prolongation matrix P of the 2x2x2 piecewise-constant aggregation."""
    cshape = tuple((n + 1) // 2 for n in shape)
    pts = list(itertools.product(*map(range, shape)))
    cidx = {c: i for i, c in enumerate(itertools.product(*map(range, cshape)))}
    P = np.zeros((len(pts), len(cidx)))
    for i, p in enumerate(pts):
        P[i, cidx[tuple(v // 2 for v in p)]] = 1.0
    return P, cshape


def galerkin_coarse(cx, cy, cz, g):
    """P^T A P as a dense matrix."""
    A = dense_matrix(cx, cy, cz, g)
    P, _ = aggregation(cx.shape)
    return P.T @ A @ P


def periodic_clusters(mask):
    """Clusters on the torus by BFS over explicit (voxel, image) pairs; a cluster wraps along
    an axis if one voxel is reached in two periodic images differing along that axis."""
    shape = mask.shape
    seen: dict = {}
    labels = np.zeros(shape, np.int32)
    wraps = [[0, 0, 0]]
    for s in itertools.product(*map(range, shape)):
        if not mask[s] or labels[s]:
            continue
        lab = len(wraps)
        wraps.append([0, 0, 0])
        labels[s] = lab
        seen[s] = (0, 0, 0)
        dq = deque([s])
        while dq:
            p = dq.popleft()
            for ax in range(3):
                if shape[ax] == 1:
                    continue
                for step in (1, -1):
                    raw = list(p)
                    raw[ax] += step
                    img = list(seen[p])
                    img[ax] += raw[ax] // shape[ax]
                    q = tuple(v % n for v, n in zip(raw, shape))
                    if not mask[q]:
                        continue
                    if q not in seen:
                        seen[q] = tuple(img)
                        labels[q] = lab
                        dq.append(q)
                    else:
                        for a in range(3):
                            if seen[q][a] != img[a]:
                                wraps[lab][a] = 1
    return labels, np.array(wraps, np.uint8)
