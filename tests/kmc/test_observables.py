"""Observables: MSER warm-up, block errors, pair probabilities, islands, correlation length,
replicas."""

import numpy as np
import pytest
from conftest import make

from catscale.kmc import (
    KMCConfig,
    Lattice,
    cluster_size_distribution,
    cluster_sizes,
    combine_replicas,
    correlation_length,
    mser_warmup,
    pair_probabilities,
    replica_seeds,
    run_replicas,
    weighted_mean_error,
)


def test_mser_finds_transient(rng):
    x = np.concatenate([np.linspace(5, 1, 10), 1 + 0.05 * rng.standard_normal(40)])
    d = mser_warmup(x)
    assert 7 <= d <= 14
    assert mser_warmup(1 + 0.05 * rng.standard_normal(50)) <= 5


def test_weighted_mean_error_matches_iid(rng):
    # equal weights: standard error of the mean of iid samples = sd / sqrt(n)
    x = rng.standard_normal(400)
    m, e = weighted_mean_error(x, np.ones(400))
    assert m == pytest.approx(x.mean()) and e == pytest.approx(x.std(ddof=1) / 20)


def test_pairs_islands_and_correlation_length(rng):
    lat = Lattice.square(32)
    # random mixing: P(ab) = theta_a theta_b within sampling error (2048 pairs per bond)
    st = rng.choice(2, size=lat.n_sites, p=[0.3, 0.7]).astype(np.int8)
    P = pair_probabilities(st, lat, 2)
    th = np.bincount(st, minlength=2) / lat.n_sites
    np.testing.assert_allclose(P, np.outer(th, th), atol=0.025)
    assert correlation_length(st, lat, 0) < 0.7
    # a stripe (half the lattice full): fully correlated, xi large; P(01) only at 2 edges
    stripe = np.zeros(lat.n_sites, dtype=np.int8)
    stripe[: lat.n_sites // 2] = 1
    assert correlation_length(stripe, lat, 1) > 5
    P = pair_probabilities(stripe, lat, 2)
    assert P[0, 1] == pytest.approx(2 * 32 / (4 * 1024))
    # islands: two 2x2 squares and one single site
    isl = np.zeros(lat.n_sites, dtype=np.int8)
    for i, j in [(0, 0), (0, 1), (1, 0), (1, 1), (10, 10), (10, 11), (11, 10), (11, 11),
                 (20, 5)]:
        isl[i * 32 + j] = 1
    assert cluster_size_distribution(cluster_sizes(isl, lat, 1)) == {1: 1, 4: 2}
    # periodic boundary joins islands across the edge
    edge = np.zeros(lat.n_sites, dtype=np.int8)
    edge[[0, 31]] = 1
    assert cluster_sizes(edge, lat, 1).tolist() == [2]


def test_replicas_independent_and_combined():
    lat = Lattice.square(16)
    _, _, m = make(["A + * <=> A*"], [4.0], [1.0], {"A": 0.5}, lat)
    seeds = replica_seeds(7, 3)
    assert len(set(seeds)) == 3
    res = run_replicas(m, lat, KMCConfig(events=40_000, seed=7, blocks=10), 3, processes=2)
    assert len({r.time for r in res}) == 3  # independent streams
    out = combine_replicas(res)
    assert out["replicas"] == 3
    assert abs(out["coverages"]["A*"] - 2 / 3) < 4 * out["coverage_error"]["A*"] + 1e-3


def test_length_from_projection_recovers_exact_form():
    # synthetic projected covariance of a one-phase layer: G(x) = cosh((x - L/2)/xi) on the
    # periodic lattice, minus its average over x (what subtracting each snapshot's mean does)
    # -> the fit returns xi to 1e-4; a stripe (two phases) gives None with a reason
    from catscale.kmc import length_from_projection

    L = 64
    for xi in (0.9, 2.65, 6.06):
        x = np.arange(L)
        G = np.exp(-x / xi) + np.exp(-(L - x) / xi)
        G = G - G.mean()
        G2 = np.vstack([G, G])[:, : L // 2 + 1]
        val, why = length_from_projection(G2, (L, L), G_err=np.full_like(G2, 1e-6))
        assert val == pytest.approx(xi, rel=1e-4) and why == ""
    prof = np.where(np.arange(L) < L // 2, 0.5, -0.5)  # stripe: line sums +-L/2
    ac = np.array([np.mean(prof * np.roll(prof, -k)) for k in range(L // 2 + 1)])
    val, why = length_from_projection(np.vstack([ac, np.full_like(ac, 0.25)]), (L, L),
                                      G_err=np.full((2, L // 2 + 1), 0.01))
    assert val is None and "phase" in why
