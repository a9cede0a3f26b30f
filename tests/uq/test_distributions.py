"""Distributions of uncertain inputs: moments, correlations, ensembles, site classes, errors."""

import numpy as np
import pytest

from catscale.errors import InvalidParameterError
from catscale.uq import (
    EnergyEnsemble,
    MultivariateNormal,
    Normal,
    SiteClass,
    SiteEnergies,
    UncertainInput,
    UncertaintySpace,
    Uniform,
    sample_seed,
)


def test_multivariate_normal_reproduces_covariance():
    # 3 correlated DFT errors; 2^14 scrambled Sobol points. The sampling error of a covariance
    # entry is ~ sigma_i sigma_j / sqrt(n) = 0.01 * 0.008 ... ; QMC does better, so 3e-4 eV^2
    # absolute (3 % of the largest entry) cannot be met by a wrong Cholesky/transposition.
    d = MultivariateNormal.from_correlation([0.1, 0.05, 0.2], [[1, 0.8, -0.3],
                                                               [0.8, 1, 0.0],
                                                               [-0.3, 0.0, 1]], mean=0.02)
    sp = UncertaintySpace((UncertainInput("dft", "epistemic", d, ("A*", "B*", "TS")),))
    x = sp.transform(sp.unit_sample(2 ** 14, "sobol", seed=3))["dft"]
    assert x.shape == (2 ** 14, 3)
    np.testing.assert_allclose(x.mean(axis=0), 0.02, atol=2e-3)
    np.testing.assert_allclose(np.cov(x.T), np.array(d.cov), atol=3e-4)
    np.testing.assert_allclose(np.corrcoef(x.T)[0, 1], 0.8, atol=0.01)


def test_shared_correlation_coefficient_and_bad_matrices():
    d = MultivariateNormal.from_correlation(0.1, 0.5, k=4)
    C = np.array(d.cov) / 0.01
    assert np.allclose(np.diag(C), 1) and np.allclose(C[~np.eye(4, dtype=bool)], 0.5)
    with pytest.raises(InvalidParameterError, match="correlation"):
        MultivariateNormal.from_correlation(0.1, -0.6, k=3)       # < -1/(k-1)
    with pytest.raises(InvalidParameterError, match="positive-definite"):
        MultivariateNormal(mean=(0, 0), cov=((1, 2), (2, 1)))
    with pytest.raises(InvalidParameterError, match="sigma"):
        Normal(0.0, -1.0)
    with pytest.raises(InvalidParameterError, match="kind"):
        UncertainInput("x", "random", Normal())
    with pytest.raises(InvalidParameterError, match="targets"):
        UncertainInput("x", "epistemic", MultivariateNormal.from_correlation(0.1, k=2), ("A*",))
    with pytest.raises(InvalidParameterError, match="unique"):
        UncertaintySpace((UncertainInput("x", "epistemic", Normal()),
                          UncertainInput("x", "aleatoric", Normal())))


def test_ensemble_draws_whole_sets_and_keeps_their_correlation():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(64, 1))
    sets = np.hstack([a, 2 * a + 0.01 * rng.normal(size=(64, 1))])   # strongly correlated
    d = EnergyEnsemble(sets, center=True)
    sp = UncertaintySpace((UncertainInput("beef", "epistemic", d, ("CO*", "O*")),))
    x = sp.transform(sp.unit_sample(1024, "sobol", 1))["beef"]
    centred = sets - sets.mean(axis=0)
    # every sample is one whole row of the (centred) ensemble
    rows = {tuple(r) for r in centred}
    assert all(tuple(r) in rows for r in x)
    # 1024 Sobol points pick each of the 64 sets exactly 16 times (stratification)
    _, counts = np.unique(x[:, 0], return_counts=True)
    assert counts.size == 64 and np.all(counts == 16)
    assert np.corrcoef(x.T)[0, 1] > 0.99
    assert not d.smooth


def test_site_classes_fix_composition_and_class_moments():
    cls = (SiteClass("terrace", 0.7, 0.0, 0.05), SiteClass("step", 0.2, -0.2, 0.05),
           SiteClass("defect", 0.1, -0.4, 0.1))
    d = SiteEnergies(cls, n_sites=33)
    counts = np.bincount(d.assignment)
    assert counts.sum() == 33 and list(counts) == [23, 7, 3]     # largest remainder of 23.1/6.6/3.3
    sp = UncertaintySpace((UncertainInput("sites", "aleatoric", d, ("CO*",)),))
    E = sp.transform(sp.unit_sample(4096, "sobol", 0))["sites"]
    assert E.shape == (4096, 33)
    # per-class mean and std of the site energies; QMC with 4096 points: 5e-3 eV absolute
    for k, c in enumerate(cls):
        e = E[:, d.assignment == k]
        assert abs(e.mean() - c.mean) < 5e-3
        assert abs(e.std() - c.sigma) < 5e-3
    with pytest.raises(InvalidParameterError, match="sum"):
        SiteEnergies((SiteClass("t", 0.5), SiteClass("s", 0.2)), 10)


def test_random_method_uses_one_seed_per_sample():
    # sample i does not depend on how many samples are drawn: SeedSequence spawn children
    sp = UncertaintySpace((UncertainInput("a", "epistemic", Uniform(0, 1)),
                           UncertainInput("b", "aleatoric", Normal(0, 1))))
    u10 = sp.unit_sample(10, "random", seed=7)
    u3 = sp.unit_sample(3, "random", seed=7)
    assert np.array_equal(u10[:3], u3)
    child = np.random.SeedSequence(7).spawn(5)[4]
    point_stream, model_stream = child.spawn(2)
    assert np.array_equal(np.random.default_rng(point_stream).random(2), u10[4])
    # the generator handed to the model is another, independent stream of the same child
    assert sample_seed(7, 4).spawn_key == model_stream.spawn_key
    assert not np.array_equal(np.random.default_rng(sample_seed(7, 4)).random(2), u10[4])
    with pytest.raises(InvalidParameterError, match="method"):
        sp.unit_sample(4, "halton")
