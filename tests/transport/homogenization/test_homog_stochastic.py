"""Stochastic homogenization: ensemble statistics vs window size, REV, resolution."""

import numpy as np
import pytest

from catscale.errors import InvalidParameterError
from catscale.transport.homogenization import (
    blobs,
    inclusion_array,
    resolution_convergence,
    rev_analysis,
    richardson,
)


def test_richardson_exact_for_power_law():
    """v(h) = v0 + C h^p is extrapolated exactly, and p recovered, from three grids."""
    h = np.array([0.1, 0.05, 0.025])
    v = 2.0 + 0.7 * h**1.3
    v0, p = richardson(h, v[:, None])
    assert v0[0] == pytest.approx(2.0, rel=1e-12)
    assert p[0] == pytest.approx(1.3, rel=1e-10)


def test_rev_variance_decays_with_window_size():
    """Independent blobs realisations at l = 12, 24: for a stationary medium the variance of
    the apparent D_eff falls roughly like l^-d (d = 2 here: factor ~4 per doubling); with 8
    samples the sample variance has ~50 % relative error, so require a drop of > 1.5x in CV.
    The REV is the first size below the CV target."""
    gen = lambda size, seed: blobs((size, size), 0.6, 0.125 * size / 4, seed=seed)  # noqa: E731
    res = rev_analysis(gen, sizes=(12, 24, 48), n_samples=8, cv_target=0.05, seed=1)
    cvs = [float(np.max(lv.cv)) for lv in res.levels]
    assert cvs[0] > 1.5 * cvs[2]
    for lv in res.levels:
        assert np.all(lv.ci_low <= lv.mean) and np.all(lv.mean <= lv.ci_high)
    expected = next((lv.size for lv in res.levels if np.max(lv.cv) < 0.05), None)
    assert res.rev_size == expected
    d = res.to_dict()
    assert len(d["levels"]) == 3


def test_rev_from_windows_of_one_image():
    img = blobs((48, 48), 0.6, 2.0, seed=3)
    res = rev_analysis(image=img, sizes=(8, 32), n_samples=6, method="dirichlet", seed=2)
    assert res.levels[1].std.max() < res.levels[0].std.max()
    # small windows of a 2-D medium near its percolation threshold are often blocked
    assert res.levels[0].n_nonpercolating >= res.levels[1].n_nonpercolating


def test_resolution_convergence_of_circle_array():
    """Same geometry (insulating disks, f = 0.3) at voxel sizes 1/16 ... 1/64: the finest
    error estimate is small and the extrapolated value is within 2 % of Perrins et al.
    (1979): 0.537580."""
    res = resolution_convergence(lambda h: inclusion_array(int(round(1 / h)), 0.3, 2),
                                 [1 / 16, 1 / 32, 1 / 64])
    assert res.relative_error[0] < 0.05
    assert res.extrapolated[0] == pytest.approx(0.537580, rel=0.02)


def test_rev_bad_input():
    with pytest.raises(InvalidParameterError, match="n_samples"):
        rev_analysis(lambda s, k: np.ones((s, s), bool), sizes=(4,), n_samples=1)
    with pytest.raises(InvalidParameterError, match="generator/image"):
        rev_analysis(sizes=(4,))
