"""Closures evaluated stably at strong coupling, against high-precision arithmetic.

Reference: the textbook formulas themselves, evaluated with mpmath at 300 significant digits
(enough to resolve the cancellation B - (1 - 2 theta) ~ exp(-beta eps) at beta eps = 200, about
1e-87), Phi by mpmath's numerical derivative of that beta mu. Bragg-Williams and
quasi-chemical (Bethe-Guggenheim pair) approximation: Fowler & Guggenheim, Statistical
Thermodynamics (1939), ch. X; T. L. Hill, Statistical Thermodynamics (1960), ch. 14:
beta mu = ln(theta/(1-theta)) + z beta eps/2
          + (z/2) ln[(B - 1 + 2 theta)(1 - theta) / ((B + 1 - 2 theta) theta)],
B = sqrt(1 - 4 theta (1 - theta)(1 - exp(-beta eps))).
"""

import mpmath as mp
import numpy as np
import pytest

from catscale.diffusion import (
    chemical_potential,
    critical_temperature,
    spinodal,
    thermodynamic_factor,
)
from catscale.units import kB


@pytest.fixture(autouse=True)
def _high_precision():
    with mp.workdps(300):
        yield


THETAS = [1e-6, 0.01, 0.05, 0.2, 0.37, 0.5, 0.63, 0.8, 0.95, 0.99, 1 - 1e-6]


def _mp_bmu(theta, beps, z, closure):
    """Textbook beta*mu in mpmath (theta, beps mpf)."""
    lang = mp.log(theta / (1 - theta))
    if closure == "bragg_williams":
        return lang + z * beps * theta
    B = mp.sqrt(1 - 4 * theta * (1 - theta) * (1 - mp.exp(-beps)))
    return lang + z * beps / 2 + z / mp.mpf(2) * mp.log(
        (B - 1 + 2 * theta) * (1 - theta) / ((B + 1 - 2 * theta) * theta))


def _mp_phi(theta, beps, z, closure):
    """Phi = theta d(beta mu)/d theta by a high-precision numerical derivative."""
    return theta * mp.diff(lambda t: _mp_bmu(t, beps, z, closure), theta)


# attractive side only above each closure's Tc: beta|eps| < 4/z (BW), 2 ln(z/(z-2)) (QC)
@pytest.mark.parametrize("closure", ["bragg_williams", "quasi_chemical"])
@pytest.mark.parametrize("lattice,z", [("square", 4), ("hexagonal", 6)])
def test_closures_match_high_precision_up_to_beta_eps_200(closure, lattice, z):
    tc_beps = 4.0 / z if closure == "bragg_williams" else 2 * np.log(z / (z - 2.0))
    grid = [-0.95 * tc_beps, -0.5, -1e-3, 1e-9, 0.7, 5.0, 34.81, 77.0, 140.0, 200.0]
    T = 300.0
    for beps in grid:
        eps = beps * kB * T
        phi = thermodynamic_factor(THETAS, eps, T, lattice, closure)
        mu = chemical_potential(THETAS, eps, T, lattice, closure) / (kB * T)
        for k, th in enumerate(THETAS):
            b = mp.mpf(eps) / (mp.mpf(kB) * T)  # the same beta eps as the float code
            ref_phi = float(_mp_phi(mp.mpf(th), b, z, closure))
            ref_mu = float(_mp_bmu(mp.mpf(th), b, z, closure))
            # Phi: float evaluation of a closed form, a few ulp per operation -> 1e-12
            assert phi[k] == pytest.approx(ref_phi, rel=1e-12), (beps, th)
            # beta mu: up to z beta eps ~ 1200 minus terms of the same size -> absolute 1e-11
            assert mu[k] == pytest.approx(ref_mu, rel=1e-12, abs=1e-11), (beps, th)
            if beps > 0:
                assert 0 < phi[k] < np.inf


def test_issue_repulsive_numbers():
    # eps = +0.3 eV at 100 K (beta eps = 34.8), square lattice: Phi(0.05) was 0.45 and
    # Phi(0.95) inf; the quasi-chemical formula in high precision gives 1.2865 and 24.444
    # (Phi(0.95) = Phi(0.05) * 0.95/0.05 by particle-hole symmetry); at beta eps = 77 the
    # table was NaN and Phi(0.05) negative.
    for T in (100.0, 0.3 / (kB * 77.0)):
        b = mp.mpf(0.3) / (mp.mpf(kB) * T)
        phi = thermodynamic_factor([0.05, 0.5, 0.95], 0.3, T)
        ref = [float(_mp_phi(mp.mpf(t), b, 4, "quasi_chemical")) for t in (0.05, 0.5, 0.95)]
        np.testing.assert_allclose(phi, ref, rtol=1e-12)
    assert thermodynamic_factor(0.05, 0.3, 100.0) == pytest.approx(1.2865497, rel=1e-7)


@pytest.mark.parametrize("lattice", ["square", "hexagonal"])
def test_extreme_coupling_is_finite_and_positive(lattice):
    # Far beyond the tested window: repulsion keeps Phi >= 1/(1 - theta) > 0 and finite for
    # theta < 1 up to beta eps = 1000 (Phi(1/2) ~ z exp(beta eps / 2) / ... < 1e308);
    # attraction gives the finite strong-coupling limit (1 - z/2)/(1 - theta) of the
    # quasi-chemical formula (B -> inf) away from theta -> 0.
    th = np.array([1e-12, 0.3, 0.5, 0.7, 1 - 1e-12])
    for beps in (200.0, 500.0, 1000.0):
        phi = thermodynamic_factor(th, beps * kB * 300.0, 300.0, lattice)
        assert np.all(np.isfinite(phi)) and np.all(phi >= 1 / (1 - th) * (1 - 1e-12))
        mu = chemical_potential(th, beps * kB * 300.0, 300.0, lattice)
        assert np.all(np.isfinite(mu))
    z = 4 if lattice == "square" else 6
    phi = thermodynamic_factor(th[1:-1], -1000 * kB * 300.0, 300.0, lattice)
    np.testing.assert_allclose(phi, (1 - z / 2) / (1 - th[1:-1]), rtol=1e-12)


@pytest.mark.parametrize("closure", ["langmuir", "bragg_williams", "quasi_chemical"])
@pytest.mark.parametrize("lattice", ["square", "hexagonal"])
def test_known_limits_and_particle_hole_symmetry(closure, lattice):
    th = np.linspace(0.01, 0.99, 99)
    T = 300.0
    z = 4 if lattice == "square" else 6
    # eps -> 0 (either sign): Langmuir Phi = 1/(1 - theta); first-order corrections in
    # beta eps ~ 1e-10 -> rtol 1e-8 (no 0/0 in the quasi-chemical form)
    for beps in (1e-10, -1e-10):
        np.testing.assert_allclose(thermodynamic_factor(th, beps * kB * T, T, lattice, closure),
                                   1 / (1 - th), rtol=1e-8)
    # particle-hole symmetry of the nearest-neighbour lattice gas (Langmuir: eps is ignored):
    # beta mu(theta) + beta mu(1 - theta) = z beta eps, and d(beta mu)/d theta is symmetric,
    # i.e. Phi(theta) / theta = Phi(1 - theta) / (1 - theta)
    for beps in (-0.4, 3.0, 150.0):
        eps = beps * kB * T
        zb = 0.0 if closure == "langmuir" else z * beps
        s = (chemical_potential(th, eps, T, lattice, closure)
             + chemical_potential(1 - th, eps, T, lattice, closure)) / (kB * T)
        np.testing.assert_allclose(s, zb, atol=1e-9 * max(1.0, abs(zb)))
        p = thermodynamic_factor(th, eps, T, lattice, closure)
        q = thermodynamic_factor(1 - th, eps, T, lattice, closure)
        np.testing.assert_allclose(p / th, q / (1 - th), rtol=1e-10)


@pytest.mark.parametrize("lattice", ["square", "hexagonal"])
def test_closed_form_spinodal_at_strong_attraction(lattice):
    # closed-form quasi-chemical spinodal, checked by Phi = 0 there (mpmath) at kT from
    # 0.9 Tc down to beta|eps| = 200, where a bracketing root search from theta = 1e-12 fails
    # (the spinodal coverage is ~1e-86)
    z = 4 if lattice == "square" else 6
    eps = -0.1
    Tc = critical_temperature(eps, lattice)
    for T in (0.9 * Tc, 0.3 * Tc, 0.1 / (200 * kB)):
        lo, hi = spinodal(eps, T, lattice)
        assert lo + hi == pytest.approx(1.0)
        b = mp.mpf(eps) / (mp.mpf(kB) * T)
        d = abs(float(_mp_phi(mp.mpf(lo), b, z, "quasi_chemical")))
        assert d < 1e-9
        inside = thermodynamic_factor([lo * 1.01, 0.5], eps, T, lattice)
        assert np.all(inside < 0) and thermodynamic_factor(lo * 0.99, eps, T, lattice) > 0
