"""Scale-separation checks (catscale.scales)."""

import math

import pytest

from catscale.errors import InvalidParameterError, ScaleSeparationWarning
from catscale.scales import (
    check_homogenization,
    check_length_scales,
    check_mean_field,
    check_pellet_in_reactor,
    warn_if_violated,
)


def test_separated_and_not():
    ok = check_length_scales("x", xi=1e-9, l=1e-7, L=1e-3)
    assert ok.justified and ok.ratios["l/xi"] == pytest.approx(100)
    bad = check_length_scales("x", xi=1e-8, l=5e-8, L=1e-3)
    assert not bad.justified and bad.failing == ("l/xi",)
    # the margin is the stated convention: a ratio of exactly margin passes
    assert check_length_scales("x", 1.0, 10.0, 100.0).justified
    assert not check_length_scales("x", 1.0, 9.99, 100.0).justified


def test_mean_field_verdict():
    assert check_mean_field(xi_sites=0.8, lattice_size=64).justified
    v = check_mean_field(xi_sites=6.0, lattice_size=64)
    assert not v.justified and "kMC" in v.advice
    # lattice too small for the correlation length is also flagged
    assert not check_mean_field(xi_sites=1.5, lattice_size=8).justified
    assert not check_mean_field(0.5, 64, tau_corr=1.0, tau_reaction=2.0).justified


def test_domain_checks():
    assert check_homogenization(xi=1e-7, window=2e-6, pellet=1e-3).justified
    r = check_pellet_in_reactor(1e-3, 1.0, pellet_time=1.0, residence_time=1.0)
    assert not r.justified and r.failing == ("residence_time/pellet_time",)


def test_warning_and_bad_input():
    with pytest.warns(ScaleSeparationWarning):
        warn_if_violated(check_length_scales("x", 1.0, 2.0, 100.0))
    with pytest.raises(InvalidParameterError):
        check_length_scales("x", -1.0, 2.0, 3.0)
    with pytest.raises(InvalidParameterError):
        check_length_scales("x", math.nan, 2.0, 3.0)
