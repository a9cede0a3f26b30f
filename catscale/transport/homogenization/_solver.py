"""Matrix-free preconditioned conjugate gradients with an aggregation multigrid preconditioner.

The fine operator is the 7-point finite-volume operator of ``_kernels`` (face conductances,
float32). Coarse levels are Galerkin products P^T A P of piecewise-constant 2x2x2 aggregation,
which keep the 7-point form (coarse conductance = sum of the fine conductances crossing a block
face), so every level uses the same kernels and costs 16 bytes per coarse voxel. One symmetric
V-cycle (forward Gauss-Seidel, coarse correction scaled by ``alpha``, backward Gauss-Seidel;
dense pseudo-inverse on the coarsest level) is the preconditioner: symmetric and positive
(semi-)definite, so plain PCG applies, also to the singular periodic problem (consistent
right-hand side, null space = constants on each cluster).
"""

from __future__ import annotations

import numpy as np

from ...errors import ConvergenceError
from . import _kernels as K

__all__ = ["Operator", "AggregationMultigrid", "pcg"]


class Operator:
    """The 7-point operator (A x)_p = g_p x_p + sum_f c_f (x_p - x_nb) on a 3-D grid."""

    def __init__(self, cx: np.ndarray, cy: np.ndarray, cz: np.ndarray, g: np.ndarray):
        self.cx, self.cy, self.cz, self.g = cx, cy, cz, g
        self.shape = cx.shape

    def __call__(self, x: np.ndarray, out: np.ndarray) -> None:
        K.matvec(self.cx, self.cy, self.cz, self.g, x, out)

    @property
    def nbytes(self) -> int:
        return self.cx.nbytes + self.cy.nbytes + self.cz.nbytes + self.g.nbytes


def _dense(op: Operator) -> np.ndarray:
    n = int(np.prod(op.shape))
    A = np.empty((n, n))
    e = np.zeros(op.shape)
    out = np.empty(op.shape)
    flat = e.reshape(-1)
    for c in range(n):
        flat[c] = 1.0
        op(e, out)
        A[:, c] = out.reshape(-1)
        flat[c] = 0.0
    return A


class AggregationMultigrid:
    """V-cycle preconditioner on a hierarchy of 2x2x2 aggregations.

    Parameters
    ----------
    op : Operator
        Fine-level operator.
    coarsest : int
        Stop coarsening when a level has at most this many voxels (dense pseudo-inverse there).
    alpha : float
        Scaling of the coarse-grid correction (over-correction compensates the energy that
        piecewise-constant aggregation misses; 1 = plain Galerkin).
    """

    def __init__(self, op: Operator, coarsest: int = 64, alpha: float = 1.8):
        self.alpha = float(alpha)
        self.ops = [op]
        while int(np.prod(self.ops[-1].shape)) > coarsest and max(self.ops[-1].shape) > 1:
            o = self.ops[-1]
            self.ops.append(Operator(*K.coarse_conductances(o.cx, o.cy, o.cz, o.g)))
        self.x = [None] + [np.zeros(o.shape) for o in self.ops[1:]]
        self.b = [None] + [np.zeros(o.shape) for o in self.ops[1:]]
        A = _dense(self.ops[-1])
        self.pinv = np.linalg.pinv(A, rcond=1e-11, hermitian=True)

    @property
    def nbytes(self) -> int:
        """Bytes held by the coarse levels (the fine operator is not counted)."""
        n = sum(o.nbytes for o in self.ops[1:])
        n += sum(a.nbytes for a in self.x[1:]) + sum(a.nbytes for a in self.b[1:])
        return n + self.pinv.nbytes

    def _vcycle(self, lev: int, b: np.ndarray, x: np.ndarray) -> None:
        if lev == len(self.ops) - 1:
            x.reshape(-1)[:] = self.pinv @ b.reshape(-1)
            return
        o = self.ops[lev]
        x[:] = 0.0
        K.gauss_seidel(o.cx, o.cy, o.cz, o.g, x, b, True)
        K.residual_restrict(o.cx, o.cy, o.cz, o.g, x, b, self.b[lev + 1])
        self._vcycle(lev + 1, self.b[lev + 1], self.x[lev + 1])
        K.prolong_add(x, self.x[lev + 1], self.alpha)
        K.gauss_seidel(o.cx, o.cy, o.cz, o.g, x, b, False)

    def __call__(self, r: np.ndarray, z: np.ndarray) -> None:
        self._vcycle(0, r, z)


def pcg(
    op: Operator,
    b: np.ndarray,
    x: np.ndarray,
    precond,
    tol: float,
    maxiter: int,
    callback=None,
) -> tuple[int, float]:
    """Solve A x = b by preconditioned conjugate gradients, in place on ``x``.

    Stops when ||b - A x|| <= tol ||b||. Returns (iterations, relative residual), the residual
    recomputed from scratch at the end.

    Raises
    ------
    ConvergenceError
        If the tolerance is not reached in ``maxiter`` iterations.
    """
    bn = float(np.linalg.norm(b.reshape(-1)))
    if bn == 0.0:
        x[:] = 0.0
        return 0, 0.0
    r = np.empty_like(b)
    op(x, r)
    np.subtract(b, r, out=r)
    z = np.zeros_like(b)
    precond(r, z)
    p = z.copy()
    q = np.empty_like(b)
    rf, zf, pf, qf, xf = (a.reshape(-1) for a in (r, z, p, q, x))
    rz = float(np.dot(rf, zf))
    res = float(np.linalg.norm(rf)) / bn
    it = 0
    best = res
    while res > tol and it < maxiter:
        it += 1
        op(p, q)
        pq = float(np.dot(pf, qf))
        if pq <= 0.0:
            break
        a = rz / pq
        K.axpy(a, pf, xf)
        K.axpy(-a, qf, rf)
        res = float(np.linalg.norm(rf)) / bn
        if callback is not None:
            callback(it, res)
        if res <= tol:
            break
        best = min(best, res)
        if res > 1e3 * best:  # divergence after stagnation (inconsistent round-off): stop
            break
        precond(r, z)
        rz_new = float(np.dot(rf, zf))
        K.xpby(zf, rz_new / rz, pf)
        rz = rz_new
    del z, p
    op(x, q)
    np.subtract(b, q, out=q)
    true_res = float(np.linalg.norm(q.reshape(-1))) / bn
    if true_res > 10 * tol and res > tol:
        raise ConvergenceError(
            f"PCG did not reach relative residual {tol:g} in {maxiter} iterations "
            f"(reached {true_res:.3g})",
            tried=[f"aggregation-multigrid PCG, {it} iterations"],
        )
    return it, true_res
