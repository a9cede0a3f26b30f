"""Stokes cell problem for the permeability tensor of a periodic voxel image.

Marker-and-cell (staggered) finite volumes: pressure at voxel centres of the fluid, velocity
component a on the faces normal to a between two fluid voxels (faces touching the solid carry
u = 0: no slip on the voxel faces). For a unit body force e_i on the fluid (equivalent to a unit
mean pressure gradient), periodic in every axis,

    -mu lap u + grad p = e_i,   div u = 0,

and Darcy's law gives column i of the permeability tensor, k[:, i] = mu <u> (superficial
velocity, averaged over the whole cell including the solid). The symmetric indefinite saddle-point
system is solved by MINRES with the block-diagonal preconditioner diag(AMG(A)^-1, I): the
pressure Schur complement of Stokes is spectrally equivalent to the identity (mass matrix of
unit voxels), so the iteration count hardly grows with the grid.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, minres

from ...errors import ConvergenceError, InvalidParameterError
from . import _kernels as K
from ._diffusion import PercolationWarning

__all__ = ["PermeabilityResult", "permeability"]


@dataclass(frozen=True)
class PermeabilityResult:
    """Permeability tensor of a periodic image.

    Attributes
    ----------
    k : ndarray (d, d)
        Permeability tensor (m^2 if ``voxel_size`` in m, else voxel^2).
    k_voxels : ndarray (d, d)
        The same in units of voxel_size^2.
    porosity : float
        Pore volume fraction.
    spans : tuple of bool
        Whether the pore space percolates (wraps) along each axis.
    iterations : tuple of int
        MINRES iterations per axis.
    residual : float
        Largest relative residual of the saddle-point system.
    voxel_size : float
        Voxel edge (m).
    wall_time : float
        Seconds.
    """

    k: np.ndarray
    k_voxels: np.ndarray
    porosity: float
    spans: tuple[bool, ...]
    iterations: tuple[int, ...]
    residual: float
    voxel_size: float
    wall_time: float

    def to_dict(self) -> dict:
        return {
            "k": self.k.tolist(), "k_voxels": self.k_voxels.tolist(),
            "porosity": self.porosity, "spans": list(self.spans),
            "iterations": list(self.iterations), "residual": self.residual,
            "voxel_size": self.voxel_size, "wall_time": self.wall_time,
        }


def _assemble(fluid: np.ndarray, dims: list[int]):
    """Velocity Laplacian A (SPD), divergence B and index maps for the MAC grid."""
    shape = fluid.shape
    vid = []
    nvel = 0
    for a in range(3):
        ida = np.full(shape, -1, np.int64)
        if a in dims:
            act = fluid & np.roll(fluid, -1, axis=a)
            cnt = int(np.count_nonzero(act))
            ida[act] = np.arange(nvel, nvel + cnt)
            nvel += cnt
        vid.append(ida)
    rows, cols, vals = [], [], []
    diag = np.zeros(nvel)
    for a in dims:
        ida = vid[a]
        act = ida >= 0
        r = ida[act]
        for d in dims:
            for s in (1, -1):
                nb = np.roll(ida, -s, axis=d)[act]
                ok = nb >= 0
                rows.append(r[ok])
                cols.append(nb[ok])
                vals.append(-np.ones(int(ok.sum())))
                np.add.at(diag, r[ok], 1.0)
                # wall: a normal neighbour face on the wall is at distance h (u = 0 there);
                # a tangential wall lies half way, ghost value -u
                np.add.at(diag, r[~ok], 1.0 if d == a else 2.0)
    rows.append(np.arange(nvel))
    cols.append(np.arange(nvel))
    vals.append(diag)
    A = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(nvel, nvel)
    )
    pid = np.full(shape, -1, np.int64)
    npres = int(np.count_nonzero(fluid))
    pid[fluid] = np.arange(npres)
    br, bc, bv = [], [], []
    for a in dims:
        plus = vid[a][fluid]
        minus = np.roll(vid[a], 1, axis=a)[fluid]
        cell = pid[fluid]
        br += [cell[plus >= 0], cell[minus >= 0]]
        bc += [plus[plus >= 0], minus[minus >= 0]]
        bv += [np.ones(int((plus >= 0).sum())), -np.ones(int((minus >= 0).sum()))]
    B = sp.csr_matrix(
        (np.concatenate(bv), (np.concatenate(br), np.concatenate(bc))), shape=(npres, nvel)
    )
    return A, B, vid


def permeability(
    image: np.ndarray,
    *,
    voxel_size: float = 1.0,
    axes: int | tuple[int, ...] | None = None,
    tol: float = 1e-8,
    maxiter: int = 2000,
) -> PermeabilityResult:
    """Permeability tensor of a periodic 2-D or 3-D pore image (Stokes cell problem).

    Parameters
    ----------
    image : array_like of bool (True = pore/fluid)
        Periodic image.
    voxel_size : float
        Voxel edge (m); k is returned in m^2 (voxel_size^2 times the voxel-unit result).
    axes : int or tuple of int, optional
        Force directions to solve (columns of k); default all.
    tol : float
        Relative residual of MINRES.
    maxiter : int
        MINRES iteration limit.

    Returns
    -------
    PermeabilityResult

    Warns
    -----
    PercolationWarning
        Along an axis where the pore space does not wrap, k = 0 exactly.
    """
    t0 = time.perf_counter()
    arr = np.asarray(image)
    if arr.ndim not in (2, 3):
        raise InvalidParameterError("image", "a 2-D or 3-D boolean array", f"shape {arr.shape}")
    if arr.dtype != bool:
        vals = np.unique(arr)
        if not np.all(np.isin(vals, (0, 1))):
            raise InvalidParameterError("image", "boolean (or 0/1) pore image", vals[:5].tolist())
        arr = arr.astype(bool)
    if not (np.isfinite(voxel_size) and voxel_size > 0):
        raise InvalidParameterError("voxel_size", "> 0 m", voxel_size)
    if not 0 < tol < 1:
        raise InvalidParameterError("tol", "a relative residual in (0, 1)", tol)
    nd = arr.ndim
    axes_t = tuple(range(nd)) if axes is None else (
        (axes,) if isinstance(axes, (int, np.integer)) else tuple(axes))
    for a in axes_t:
        if not 0 <= a < nd:
            raise InvalidParameterError("axes", f"axis indices in 0..{nd - 1}", axes)
    fl = arr if nd == 3 else arr[:, :, None]
    fl = np.ascontiguousarray(fl)
    eps = float(fl.mean())
    if eps == 1.0:
        raise InvalidParameterError("image", "some solid (an all-pore cell has infinite "
                                    "permeability)", "porosity 1")
    labels, wraps = K.periodic_clusters(fl.astype(np.uint8))
    good = wraps.any(axis=1)
    good[0] = False
    fluid = good[labels]
    spans = tuple(bool(wraps[1:, a].any()) for a in range(nd))
    kv = np.zeros((nd, nd))
    iters = []
    res = 0.0
    for a in axes_t:
        if not spans[a]:
            warnings.warn(f"the pore space does not percolate along axis {a}: k = 0 along "
                          f"axis {a}", PercolationWarning, stacklevel=2)
    solve = [a for a in axes_t if spans[a]]
    if solve:
        dims = [d for d in range(3) if fl.shape[d] > 1]
        A, B, vid = _assemble(fluid, dims)
        nvel, npres = A.shape[0], B.shape[0]
        M = sp.bmat([[A, -B.T], [-B, None]], format="csr")
        import pyamg

        ml = pyamg.smoothed_aggregation_solver(A, symmetry="symmetric", max_coarse=500)
        amg = ml.aspreconditioner(cycle="V")

        def prec(v):
            out = np.empty_like(v)
            out[:nvel] = amg.matvec(v[:nvel])
            out[nvel:] = v[nvel:]
            return out

        P = LinearOperator(M.shape, matvec=prec, dtype=float)
        n = fl.size
        for a in solve:
            rhs = np.zeros(nvel + npres)
            ida = vid[a]
            rhs[ida[ida >= 0]] = 1.0
            count = [0]

            def cb(xk, count=count):
                count[0] += 1

            sol, info = minres(M, rhs, M=P, rtol=tol, maxiter=maxiter, callback=cb)
            r = float(np.linalg.norm(rhs - M @ sol) / np.linalg.norm(rhs))
            if info != 0 and r > 10 * tol:
                raise ConvergenceError(
                    f"Stokes MINRES did not converge along axis {a} (residual {r:.3g})",
                    tried=[f"MINRES + AMG block preconditioner, {count[0]} iterations"],
                )
            iters.append(count[0])
            res = max(res, r)
            for b in range(nd):
                idb = vid[b]
                kv[b, a] = sol[idb[idb >= 0]].sum() / n
    for a in range(nd):
        if not spans[a]:
            kv[a, :] = 0.0
            kv[:, a] = 0.0
    return PermeabilityResult(
        k=kv * voxel_size**2, k_voxels=kv, porosity=eps, spans=spans, iterations=tuple(iters),
        residual=res, voxel_size=float(voxel_size), wall_time=time.perf_counter() - t0,
    )
