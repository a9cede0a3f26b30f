"""Bridging laws thermo -> rates against published numbers, hand calculations and limits."""

import math

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catscale.bridges import thermo_to_rates as ttr
from catscale.errors import InvalidParameterError
from catscale.units import h, invcm, kB

# ---- Eyring ------------------------------------------------------------------------------


def test_eyring_prefactor_at_zero_barrier():
    # kB T / h = 6.25e12 s^-1 at 300 K (validation README; 3 significant figures).
    assert ttr.eyring(0.0, 300.0) == pytest.approx(6.25e12, rel=1e-3)
    # Exact: 1.380649e-23 J/K * 300 K / 6.62607015e-34 J s (SI exact constants since 2019).
    assert ttr.eyring(0.0, 300.0) == pytest.approx(1.380649e-23 * 300 / 6.62607015e-34,
                                                   rel=1e-14)


def test_eyring_arrhenius_slope_and_kappa():
    T = np.array([400.0, 500.0, 600.0])
    k = ttr.eyring(0.8, T, kappa=2.0)
    assert k.shape == (3,)
    # ln(k h / (kappa kB T)) = -dG/kBT exactly
    np.testing.assert_allclose(np.log(k / (2.0 * kB * T / h)), -0.8 / (kB * T), rtol=1e-13)
    with pytest.raises(InvalidParameterError, match="kappa"):
        ttr.eyring(0.5, 300.0, kappa=-1.0)
    with pytest.raises(InvalidParameterError, match="^T:"):
        ttr.eyring(0.5, 0.0)


# ---- harmonic TST ------------------------------------------------------------------------

def test_vineyard_one_dimension_is_attempt_frequency():
    # One mode at the minimum, none at the saddle: k = nu exp(-dE/kT) with nu = c * nu~.
    nu_hz = 299792458.0 * 100 * 250.0
    k = ttr.harmonic_tst([250.0], ["400i"], 0.3, 500.0)
    assert k == pytest.approx(nu_hz * math.exp(-0.3 / (kB * 500.0)), rel=1e-13)


def test_vineyard_equals_quantum_route_in_classical_limit():
    # Quantum harmonic free-energy route -> Vineyard as h nu / kT -> 0; leading relative
    # difference (sum_min x^2 - sum_saddle x^2)/24 (x = h nu/kT; q = 1/(2 sinh(x/2)) =
    # (1/x)(1 - x^2/24 + ...)), next order O(x^4).
    fmin = [300.0, 200.0, 150.0, 80.0]
    fsad = ["500i", 280.0, 120.0, 60.0]
    for T in (2000.0, 20000.0):
        kv = ttr.harmonic_tst(fmin, fsad, 0.4, T, method="vineyard")
        kq = ttr.harmonic_tst(fmin, fsad, 0.4, T, method="quantum")
        x_min = np.array(fmin) * invcm / (kB * T)
        x_sad = np.array([280.0, 120.0, 60.0]) * invcm / (kB * T)
        lead = (np.sum(x_min**2) - np.sum(x_sad**2)) / 24.0
        assert kq / kv - 1.0 == pytest.approx(lead, abs=np.max(x_min) ** 4)
    # far in the classical regime they agree to 1e-6
    assert ttr.harmonic_tst(fmin, fsad, 0.4, 1e5, method="quantum") == pytest.approx(
        ttr.harmonic_tst(fmin, fsad, 0.4, 1e5), rel=1e-6)


def test_harmonic_tst_mode_count_checked():
    with pytest.raises(InvalidParameterError, match="frequencies_saddle"):
        ttr.harmonic_tst([300.0, 200.0], ["500i", 280.0, 100.0], 0.4, 500.0)
    with pytest.raises(InvalidParameterError, match="method"):
        ttr.harmonic_tst([300.0], ["500i"], 0.4, 500.0, method="classical")
    # the imaginary mode may be omitted from the saddle list
    assert ttr.harmonic_tst([300.0, 200.0], [280.0], 0.4, 500.0) == pytest.approx(
        ttr.harmonic_tst([300.0, 200.0], [-500.0, 280.0], 0.4, 500.0), rel=1e-15)


# ---- tunnelling --------------------------------------------------------------------------

@pytest.mark.parametrize("T, kappa", [(200.0, 4.20), (298.15, 2.44), (400.0, 1.80)])
def test_wigner_published(T, kappa):
    # validation README: 1218 cm^-1 -> 4.20 / 2.44 / 1.80 (3 figures: abs 0.005)
    assert ttr.wigner(1218.0, T) == pytest.approx(kappa, abs=0.005)
    assert ttr.wigner("1218i", T) == ttr.wigner(-1218.0, T) == ttr.wigner(1218.0, T)


def _eckart_inputs(u, a1, a2, T=300.0):
    hnu = u * kB * T
    return hnu / invcm, a1 * hnu / (2 * math.pi), a2 * hnu / (2 * math.pi), T


@pytest.mark.parametrize("u, a1, a2, kappa", [(16, 2, 2, 34.0), (16, 4, 4, 304.0),
                                              (10, 4, 20, 15.7), (10, 12, 20, 246.0)])
def test_eckart_johnston_heicklen_table(u, a1, a2, kappa):
    # Johnston & Heicklen, J. Phys. Chem. 66, 532 (1962), Table 1 (3 figures): 1 %.
    assert ttr.eckart(*_eckart_inputs(u, a1, a2)) == pytest.approx(kappa, rel=0.01)


def _eckart_mpmath(nu, V1e, V2e, T):
    """Independent 30-digit quadrature of the exact Eckart transmission (no log tricks)."""
    mp.mp.dps = 30
    hnu = nu * invcm
    u = hnu / (kB * T)
    a1, a2 = 2 * math.pi * V1e / hnu, 2 * math.pi * V2e / hnu
    V1, V2 = a1 * u / (2 * math.pi), a2 * u / (2 * math.pi)
    den = 1 / mp.sqrt(a1) + 1 / mp.sqrt(a2)
    d2 = mp.mpf(a1 * a2) - mp.pi**2 / 4
    cd = mp.cosh(2 * mp.sqrt(d2)) if d2 >= 0 else mp.cos(2 * mp.sqrt(-d2))

    def P(e):
        xi = e / V1
        A = 2 * mp.sqrt(a1 * (1 + xi)) / den
        B = 2 * mp.sqrt(a1 * (1 + xi) - a1 + a2) / den
        return (mp.cosh(A + B) - mp.cosh(A - B)) / (mp.cosh(A + B) + cd)

    lo = -min(V1, V2)
    pts = [lo + (0 - lo) * f for f in (0, 0.01, 0.1, 0.3, 0.6)] + [0, 20, mp.inf]
    return float(mp.re(mp.quad(lambda e: P(e) * mp.exp(-e), pts)))


@pytest.mark.parametrize("args", [
    (2000.0, 1.0, 0.5, 50.0),      # deep tunnelling, kappa ~ 1e42 (u = 58)
    (1500.0, 0.8, 0.3, 100.0),     # kappa ~ 1e9
    (1000.0, 0.3, 1.2, 300.0),     # endothermic direction
    (2000.0, 1e-6, 1e-6, 500.0),   # vanishing barrier (alpha1 alpha2 < pi^2/4 branch)
    (500.0, 0.01, 0.02, 300.0),
])
def test_eckart_against_high_precision_quadrature(args):
    # Double-precision log-space quadrature vs 30-digit mpmath: 1e-9 relative (observed
    # ~1e-14).
    assert ttr.eckart(*args) == pytest.approx(_eckart_mpmath(*args), rel=1e-9)


def test_eckart_tends_to_wigner_for_small_u():
    # Broad, high barrier (h nu << kT << V): (kappa - 1) -> u^2/24 (Wigner), with relative
    # corrections ~ kT/V + 7u^2/240. u = 0.1, V/kT = 637: both below 2e-3.
    nu, V1, V2, T = _eckart_inputs(0.1, 40000.0, 40000.0)
    ratio = (ttr.eckart(nu, V1, V2, T) - 1.0) / (ttr.wigner(nu, T) - 1.0)
    assert ratio == pytest.approx(1.0, abs=2.5e-3)
    nu, V1, V2, T = _eckart_inputs(0.1, 400.0, 400.0)   # V/kT = 6.4: correction ~ kT/V
    ratio = (ttr.eckart(nu, V1, V2, T) - 1.0) / (ttr.wigner(nu, T) - 1.0)
    assert ratio - 1.0 == pytest.approx(2 * math.pi / (400.0 * 0.1), rel=0.05)


def test_eckart_vectorised_and_validated():
    k = ttr.eckart(1000.0, 0.5, 0.7, [250.0, 500.0])
    assert k.shape == (2,) and k[0] > k[1] > 1.0
    with pytest.raises(InvalidParameterError, match="V_forward"):
        ttr.eckart(1000.0, -0.5, 0.7, 300.0)
    with pytest.raises(InvalidParameterError, match="nu_imag_cm"):
        ttr.eckart("abc", 0.5, 0.7, 300.0)


# ---- collision theory --------------------------------------------------------------------

def test_collision_theory_hand_calculation_co_500K():
    # CO, 500 K, 1 bar, 1.5e19 sites/m^2, s = 1, by hand with SI constants:
    # m = 28.01 * 1.66053906892e-27 kg = 4.6511699e-26 kg,
    # sqrt(2 pi m kB T) = sqrt(2 pi * 4.6511699e-26 * 1.380649e-23 * 500) = 4.4915649e-23,
    # flux = 1e5 / 4.4915649e-23 = 2.2263955e27 m^-2 s^-1, per site / 1.5e19 = 1.4842637e8.
    k = ttr.collision_adsorption(500.0, 28.01, 1.5e19)
    assert k == pytest.approx(1.4842637e8, rel=1e-7)   # 8 hand-carried digits
    m = 28.01 * 1.66053906892e-27
    exact = 1e5 / math.sqrt(2 * math.pi * m * 1.380649e-23 * 500.0) / 1.5e19
    assert k == pytest.approx(exact, rel=1e-14)
    # sticking is a factor, flux ~ T^-1/2
    assert ttr.collision_adsorption(2000.0, 28.01, 1.5e19, sticking=0.5) == pytest.approx(
        0.25 * k, rel=1e-14)
    with pytest.raises(InvalidParameterError, match="sticking"):
        ttr.collision_adsorption(500.0, 28.01, 1.5e19, sticking=1.5)
    with pytest.raises(InvalidParameterError, match="site_density"):
        ttr.collision_adsorption(500.0, 28.01, 0.0)


# ---- detailed balance --------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(kf=st.floats(1e-20, 1e20), dG=st.floats(-3.0, 3.0), T=st.floats(100.0, 2000.0))
def test_detailed_balance(kf, dG, T):
    kr = ttr.reverse_rate(kf, dG, T)
    K = ttr.equilibrium_constant(dG, T)
    if kr == 0.0 or not math.isfinite(kr):
        return  # exp under/overflow at extreme dG/kT: nothing to compare
    assert kf / kr == pytest.approx(K, rel=1e-12)


def test_detailed_balance_vectorised():
    kf = np.array([1e3, 1e6])
    dG = np.array([-0.5, 0.5])
    kr = ttr.reverse_rate(kf, dG, 500.0)
    np.testing.assert_allclose(kf / kr, np.exp(-dG / (kB * 500.0)), rtol=1e-13)
    with pytest.raises(InvalidParameterError, match="k_f"):
        ttr.reverse_rate(-1.0, 0.1, 300.0)


# ---- energy scaling ----------------------------------------------------------------------

def test_bep_clipping():
    dE = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
    Ea = ttr.bep(dE, 0.5, 0.8)
    # line 0.5 dE + 0.8 = [-0.7, 0.55, 0.8, 1.05, 2.3]; clipped to >= max(0, dE)
    np.testing.assert_allclose(Ea, [0.0, 0.55, 0.8, 1.05, 3.0], rtol=0, atol=1e-15)
    assert np.all(Ea - dE >= 0)   # reverse barrier never negative


def test_transition_state_scaling_modes():
    assert ttr.transition_state_scaling(1.0, 2.0, 0.7, 1.2, "IS") == pytest.approx(1.9)
    assert ttr.transition_state_scaling(1.0, 2.0, 0.7, 1.2, "FS") == pytest.approx(2.6)
    assert ttr.transition_state_scaling(1.0, 2.0, 0.7, 1.2, "BEP") == pytest.approx(1.9)
    assert ttr.transition_state_scaling(1.0, 3.0, 0.1, 0.0, "IS", clip=True) == 3.0
    with pytest.raises(InvalidParameterError, match="reference"):
        ttr.transition_state_scaling(1.0, 2.0, 0.7, 1.2, "TS")


def test_linear_scaling_and_abild_pedersen_slopes():
    # Abild-Pedersen et al., PRL 99, 016105 (2007): gamma = (x_max - x)/x_max, e.g.
    # CH3 0.25, CH2 0.5, CH 0.75, OH 0.5, NH 2/3, NH2 1/3.
    np.testing.assert_allclose(ttr.abild_pedersen_slope([3, 2, 1], 4), [0.25, 0.5, 0.75])
    assert ttr.abild_pedersen_slope(1, 2) == 0.5
    assert ttr.abild_pedersen_slope(1, 3) == pytest.approx(2 / 3)
    # one adsorbate, two descriptors, a grid of descriptor points
    d = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(ttr.linear_scaling(d, [0.5, 0.25], 0.1), [1.1, 2.6])
    # two adsorbates
    E = ttr.linear_scaling(d, [[0.5, 0.25], [1.0, 0.0]], [0.1, -0.2])
    np.testing.assert_allclose(E, [[1.1, 0.8], [2.6, 2.8]])
    with pytest.raises(InvalidParameterError, match="slopes"):
        ttr.linear_scaling(d, [0.5, 0.25, 1.0], 0.0)


def test_lazy_reexport():
    import catscale.bridges as b

    assert b.eyring is ttr.eyring and "eckart" in dir(b)
