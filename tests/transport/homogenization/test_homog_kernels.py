"""Numba kernels against their pure-Python twins (_reference.py). The kernels are
deterministic, so agreement is to float32/float64 round-off."""

import numpy as np
import pytest

from catscale.transport.homogenization import _kernels as K
from catscale.transport.homogenization import _reference as R

SHAPES = [(4, 3, 5), (5, 4, 1), (2, 3, 3), (3, 1, 1)]


def _random_case(shape, seed):
    rng = np.random.default_rng(seed)
    phase = rng.integers(0, 3, size=shape).astype(np.uint8)
    table = np.array([0.0, 1.0, 0.3])
    return phase, table


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("periodic", [(1, 1, 1), (0, 0, 0), (1, 0, 1)])
def test_face_conductances_match_reference(shape, periodic):
    phase, table = _random_case(shape, 1)
    per = np.array(periodic, np.uint8)
    got = K.face_conductances(phase, table, per)
    ref = R.face_conductances(phase, table, per)
    for a, b in zip(got, ref):
        np.testing.assert_allclose(a, b, rtol=1e-6)  # float32 storage


@pytest.mark.parametrize("shape", SHAPES)
def test_matvec_gs_and_coarse_match_reference(shape):
    phase, table = _random_case(shape, 2)
    cx, cy, cz = K.face_conductances(phase, table, np.ones(3, np.uint8))
    rng = np.random.default_rng(3)
    g = (rng.random(shape) * (rng.random(shape) < 0.3)).astype(np.float32)
    x = rng.standard_normal(shape)
    b = rng.standard_normal(shape)
    out = np.empty(shape)
    K.matvec(cx, cy, cz, g, x, out)
    np.testing.assert_allclose(out, R.matvec(cx, cy, cz, g, x), rtol=1e-12, atol=1e-12)
    for forward in (True, False):
        xk = x.copy()
        K.gauss_seidel(cx, cy, cz, g, xk, b, forward)
        # the kernel sums float32 conductances into the diagonal in float32: ~1e-7 relative
        np.testing.assert_allclose(xk, R.gauss_seidel(cx, cy, cz, g, x, b, forward),
                                   rtol=1e-5, atol=1e-6)
    # the 7-point coarse operator equals the Galerkin product P^T A P
    ccx, ccy, ccz, cg = K.coarse_conductances(cx, cy, cz, g)
    np.testing.assert_allclose(R.dense_matrix(ccx, ccy, ccz, cg),
                               R.galerkin_coarse(cx, cy, cz, g), rtol=1e-6, atol=1e-6)
    # fused residual + restriction = P^T (b - A x)
    rc = np.zeros(ccx.shape)
    K.residual_restrict(cx, cy, cz, g, x, b, rc)
    P, _ = R.aggregation(shape)
    ref = P.T @ (b - R.matvec(cx, cy, cz, g, x)).reshape(-1)
    np.testing.assert_allclose(rc.reshape(-1), ref, rtol=1e-10, atol=1e-10)


def test_symmetric_gauss_seidel_is_symmetric_preconditioner():
    """Forward then backward red-black sweeps (zero start) are a symmetric operator, also on an
    odd periodic grid where the colours touch across the wrap (needed by PCG)."""
    shape = (3, 5, 1)
    phase, table = _random_case(shape, 4)
    cx, cy, cz = K.face_conductances(phase, table, np.ones(3, np.uint8))
    g = np.full(shape, 0.1, np.float32)
    n = int(np.prod(shape))
    M = np.zeros((n, n))
    for c in range(n):
        b = np.zeros(n)
        b[c] = 1.0
        x = np.zeros(shape)
        K.gauss_seidel(cx, cy, cz, g, x, b.reshape(shape), True)
        # backward sweep on the same rhs continues the symmetric GS iteration
        K.gauss_seidel(cx, cy, cz, g, x, b.reshape(shape), False)
        M[:, c] = x.reshape(-1)
    np.testing.assert_allclose(M, M.T, atol=1e-12)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("shape", [(5, 4, 3), (6, 6, 1), (2, 5, 4)])
def test_periodic_clusters_match_reference(seed, shape):
    rng = np.random.default_rng(seed)
    mask = (rng.random(shape) < 0.55).astype(np.uint8)
    lab, wr = K.periodic_clusters(mask)
    rlab, rwr = R.periodic_clusters(mask)
    # same partition (labels may differ only by numbering: both number in scan order)
    np.testing.assert_array_equal(lab, rlab)
    np.testing.assert_array_equal(wr, rwr)


def test_periodic_clusters_known_cases():
    m = np.zeros((6, 6, 1), np.uint8)
    m[2, :, 0] = 1  # a line along y wraps along y only
    m[4, 4, 0] = 1  # an isolated voxel wraps nowhere
    lab, wr = K.periodic_clusters(m)
    assert wr[lab[2, 0, 0]].tolist() == [0, 1, 0]
    assert wr[lab[4, 4, 0]].tolist() == [0, 0, 0]
    d = np.zeros((4, 4, 1), np.uint8)
    for i in range(4):
        d[i, i, 0] = 1
        d[i, (i + 1) % 4, 0] = 1  # a staircase that wraps diagonally
    lab, wr = K.periodic_clusters(d)
    assert wr[1].tolist() == [1, 1, 0]
