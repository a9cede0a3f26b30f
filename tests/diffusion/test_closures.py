"""Thermodynamic closures, hop-rate rules and D_c(theta) of the nearest-neighbour lattice gas."""

import numpy as np
import pytest

from catscale.diffusion import (
    chemical_diffusivity,
    chemical_potential,
    critical_temperature,
    effective_barrier,
    free_diffusivity,
    hop_rate_table,
    mean_hop_rate,
    spinodal,
    thermodynamic_factor,
)
from catscale.diffusion._thermodynamic_factor import _qc_bmu, _qc_phi
from catscale.errors import InvalidParameterError
from catscale.units import kB

EPS = -0.1  # eV, attractive
THETA = np.linspace(0.02, 0.98, 49)


def T_of(ratio, eps=EPS):
    """Temperature (K) with kT/|eps| = ratio."""
    return ratio * abs(eps) / kB


@pytest.mark.parametrize("closure", ["langmuir", "bragg_williams", "quasi_chemical"])
@pytest.mark.parametrize("lattice", ["square", "hexagonal"])
def test_noninteracting_limit_is_langmuir(closure, lattice):
    # eps = 0: every closure is the ideal lattice gas, Phi = 1/(1 - theta) exactly
    phi = thermodynamic_factor(THETA, 0.0, 500.0, lattice, closure)
    np.testing.assert_allclose(phi, 1 / (1 - THETA), rtol=1e-12)


@pytest.mark.parametrize("closure", ["bragg_williams", "quasi_chemical"])
@pytest.mark.parametrize("eps", [-0.1, 0.07])
@pytest.mark.parametrize("lattice", ["square", "hexagonal"])
def test_phi_is_derivative_of_mu(closure, eps, lattice):
    # Phi = d(mu/kT)/d ln theta: analytic Phi against a central difference of mu
    # (step 1e-5 in ln theta: truncation ~1e-10, round-off ~1e-10 -> rtol 1e-6)
    T = T_of(1.5)
    h = 1e-5
    lt = np.log(THETA)
    num = (chemical_potential(np.exp(lt + h), eps, T, lattice, closure)
           - chemical_potential(np.exp(lt - h), eps, T, lattice, closure)) / (2 * h * kB * T)
    ana = thermodynamic_factor(THETA, eps, T, lattice, closure)
    np.testing.assert_allclose(ana, num, rtol=1e-6, atol=1e-7)


def _chain_exact(bmu, beps):
    """Exact coverage of the 1-D lattice gas from the largest transfer-matrix eigenvalue."""
    x = np.exp(bmu - beps)
    y = np.exp(bmu)
    lam = 0.5 * (1 + x + np.sqrt((1 - x) ** 2 + 4 * y))
    return lam


@pytest.mark.parametrize("beps", [-2.0, -0.5, 1.0, 3.0])
def test_quasichemical_is_exact_on_a_chain(beps):
    # The Bethe/quasi-chemical pair approximation is exact for z = 2 (no loops). Exact chain
    # from the transfer matrix T = [[1, e^{bmu/2}], [e^{bmu/2}, e^{bmu - beps}]]:
    # theta = d ln(lambda)/d(bmu). Compare theta(mu) with QC's mu(theta) and QC's Phi with
    # theta / (d theta / d bmu) (central differences, h = 1e-4 -> rtol 1e-6).
    th = np.linspace(0.05, 0.95, 19)
    bmu = _qc_bmu(th, beps, 2)
    h = 1e-4
    theta_exact = (np.log(_chain_exact(bmu + h, beps))
                   - np.log(_chain_exact(bmu - h, beps))) / (2 * h)
    np.testing.assert_allclose(theta_exact, th, rtol=1e-6)
    th_p = (np.log(_chain_exact(bmu + 2 * h, beps)) - np.log(_chain_exact(bmu, beps))) / (2 * h)
    th_m = (np.log(_chain_exact(bmu, beps)) - np.log(_chain_exact(bmu - 2 * h, beps))) / (2 * h)
    phi_exact = th / ((th_p - th_m) / (2 * h))
    np.testing.assert_allclose(_qc_phi(th, beps, 2), phi_exact, rtol=1e-5)


def test_critical_temperatures():
    # Bragg-Williams kTc = z|eps|/4 (1.0 |eps| square, 1.5 |eps| hexagonal); quasi-chemical
    # (Bethe) kTc = |eps| / (2 ln(z/(z-2))): 1/(2 ln 2) = 0.72135 (square), 1/(2 ln 1.5)
    # (hexagonal) [Fowler & Guggenheim 1939; Hill, Statistical Thermodynamics, ch. 14].
    # Both lie above the exact Onsager value 1/(2 ln(1+sqrt 2)) = 0.567296 (square).
    r = {k: kB * critical_temperature(EPS, lat, k) / abs(EPS)
         for k in ("bragg_williams", "quasi_chemical") for lat in ("square",)}
    assert r["bragg_williams"] == pytest.approx(1.0, rel=1e-12)
    assert r["quasi_chemical"] == pytest.approx(0.7213475204444817, rel=1e-12)
    onsager = 1 / (2 * np.log(1 + np.sqrt(2)))
    assert onsager < r["quasi_chemical"] < r["bragg_williams"]
    assert kB * critical_temperature(EPS, "hexagonal", "bragg_williams") / 0.1 == \
        pytest.approx(1.5)
    assert kB * critical_temperature(EPS, "hexagonal", "quasi_chemical") / 0.1 == \
        pytest.approx(1 / (2 * np.log(1.5)))
    # Phi(1/2) changes sign exactly at Tc in each closure
    for lat in ("square", "hexagonal"):
        for cl in ("bragg_williams", "quasi_chemical"):
            Tc = critical_temperature(EPS, lat, cl)
            assert thermodynamic_factor(0.5, EPS, Tc, lat, cl) == pytest.approx(0, abs=1e-9)
            assert thermodynamic_factor(0.5, EPS, 0.99 * Tc, lat, cl) < 0
            assert thermodynamic_factor(0.5, EPS, 1.01 * Tc, lat, cl) > 0
            assert spinodal(EPS, 1.01 * Tc, lat, cl) is None
    with pytest.raises(InvalidParameterError, match="eps"):
        critical_temperature(0.1)


@pytest.mark.parametrize("closure", ["bragg_williams", "quasi_chemical"])
def test_spinodal_is_where_phi_vanishes(closure):
    T = T_of(0.6)
    lo, hi = spinodal(EPS, T, "square", closure)
    assert lo + hi == pytest.approx(1.0)  # particle-hole symmetry
    phi = thermodynamic_factor(np.array([lo, hi]), EPS, T, "square", closure)
    np.testing.assert_allclose(phi, 0, atol=1e-8)
    inside = np.linspace(lo, hi, 12)[1:-1]
    assert np.all(thermodynamic_factor(inside, EPS, T, "square", closure) < 0)
    if closure == "bragg_williams":  # analytic: theta(1-theta) = kT / (z |eps|)
        assert lo * (1 - lo) == pytest.approx(0.6 / 4)


def test_quasichemical_approaches_bragg_williams_at_high_T():
    # both are exact to first order in beta*eps; the difference is O((beta eps)^2)
    d = []
    for ratio in (20.0, 40.0):
        T = T_of(ratio)
        d.append(np.max(np.abs(thermodynamic_factor(THETA[:20], EPS, T, "square", "quasi_chemical")
                               - thermodynamic_factor(THETA[:20], EPS, T, "square",
                                                      "bragg_williams"))))
    assert d[0] / d[1] == pytest.approx(4.0, rel=0.1)


@pytest.mark.parametrize("rule", ["metropolis", "initial_state", "bep"])
@pytest.mark.parametrize("lattice", ["square", "hexagonal"])
def test_hop_rules_obey_detailed_balance(rule, lattice):
    # r(ni -> nf) / r(nf -> ni) = exp(-eps (nf - ni) / kT): the forward hop from i to j and
    # its reverse from j to i exchange the roles of n_i and n_f
    T = 400.0
    tab = hop_rate_table(EPS, T, lattice, rule)
    n = np.arange(tab.shape[0])
    dE = EPS * (n[None, :] - n[:, None])
    np.testing.assert_allclose(tab / tab.T, np.exp(-dE / (kB * T)), rtol=1e-12)
    assert tab[0, 0] == 1.0


@pytest.mark.parametrize("rule", ["metropolis", "initial_state", "bep"])
def test_mean_hop_rate_limits(rule):
    T = 400.0
    z = 4
    assert mean_hop_rate(0.0, EPS, T, "square", rule) == pytest.approx(1.0)
    full = hop_rate_table(EPS, T, "square", rule)[z - 1, z - 1]
    assert mean_hop_rate(1.0, EPS, T, "square", rule) == pytest.approx(full)
    np.testing.assert_allclose(mean_hop_rate(THETA, 0.0, T, "hexagonal", rule), 1.0)
    assert effective_barrier(0.0, 0.6, EPS, T, "square", rule) == pytest.approx(0.6)


def test_mean_hop_rate_against_sampled_configurations():
    # Random-mixing average on the hexagonal lattice, where i and j share two neighbours,
    # against direct sampling of independent site occupations around a bond (exact
    # enumeration of the 2^(2z-2-c) = 2^8 neighbour states weighted by theta^n (1-theta)^m).
    import itertools

    T, th = 300.0, 0.37
    tab = hop_rate_table(EPS, T, "hexagonal", "bep")
    # sites: 2 common neighbours, 3 private to i, 3 private to j
    tot = 0.0
    for occ in itertools.product((0, 1), repeat=8):
        w = np.prod([th if o else 1 - th for o in occ])
        ni = occ[0] + occ[1] + sum(occ[2:5])
        nf = occ[0] + occ[1] + sum(occ[5:8])
        tot += w * tab[ni, nf]
    assert mean_hop_rate(th, EPS, T, "hexagonal", "bep") == pytest.approx(tot, rel=1e-12)


@pytest.mark.parametrize("lattice,factor", [("square", 1.0), ("hexagonal", 1.5)])
def test_noninteracting_chemical_diffusivity_is_D0(lattice, factor):
    # D_c = D_J Phi = D0 (1 - theta) / (1 - theta) = D0 = z Gamma a^2 / 4
    c = chemical_diffusivity(THETA, 2.0e9, 3.0e-10, 0.0, 500.0, lattice)
    D0 = factor * 2.0e9 * 9.0e-20
    assert free_diffusivity(2.0e9, 3.0e-10, lattice) == pytest.approx(D0)
    np.testing.assert_allclose(c.D_c, D0, rtol=1e-12)
    np.testing.assert_allclose(c.D_jump, D0 * (1 - THETA), rtol=1e-12)
    np.testing.assert_allclose(c.M, D0 * (1 - THETA) * THETA / (kB * 500.0), rtol=1e-12)


def test_chemical_diffusivity_negative_inside_spinodal():
    T = T_of(0.6)
    lo, hi = spinodal(EPS, T, "square", "quasi_chemical")
    c = chemical_diffusivity(THETA, 1.0, 1.0, EPS, T, "square", "metropolis", "quasi_chemical")
    inside = (THETA > lo) & (THETA < hi)
    assert np.all(c.D_c[inside] < 0) and np.all(c.D_c[~inside] > 0)


@pytest.mark.parametrize("kwargs,name", [
    (dict(theta=[0.5, 1.2]), "theta"), (dict(closure="ising"), "closure"),
    (dict(lattice="kagome"), "lattice"), (dict(T=-1.0), "T"),
])
def test_bad_input_names_the_parameter(kwargs, name):
    args = dict(theta=[0.5], eps=EPS, T=300.0, lattice="square", closure="quasi_chemical")
    args.update(kwargs)
    with pytest.raises(InvalidParameterError, match=name):
        thermodynamic_factor(**args)
