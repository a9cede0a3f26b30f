"""Cahn-Hilliard (uphill) diffusion: conservation, Lyapunov decay, linear stability theory and
the spinodal of the Bragg-Williams closure."""

import numpy as np
import pytest

from catscale.diffusion import (
    dominant_wavelength,
    fastest_growing_wavelength,
    lattice_gas_model,
    linear_growth_rate,
    solve_cahn_hilliard,
    spinodal,
    thermodynamic_factor,
)
from catscale.errors import InvalidParameterError
from catscale.units import kB

EPS = -1.0  # eV; with Gamma = a = 1, lengths are in lattice units and time in 1/Gamma
T06 = 0.6 / kB  # kT = 0.6 |eps|: inside the BW critical temperature (kTc = |eps|)


@pytest.fixture(scope="module")
def model():
    return lattice_gas_model(EPS, T06, "square", closure="bragg_williams")


def test_mass_conserved_to_roundoff_and_free_energy_decreases(model):
    # 2-D spinodal decomposition from noise with a large step (stress test): the k = 0 mode is
    # never updated, so the mean coverage may change only by round-off (1e-14 on 64^2 sums)
    rng = np.random.default_rng(1)
    th0 = 0.45 + 0.02 * rng.standard_normal((64, 64))
    r = solve_cahn_hilliard(th0, 1.0, 150.0, 0.5, model, n_out=6)
    assert np.max(np.abs(r.mass - th0.mean())) < 1e-13
    # the free energy functional is a Lyapunov function of CH dynamics
    assert np.all(np.diff(r.free_energy) < 0)
    # islands: the layer splits into a dilute and a dense phase near the BW binodal
    # (ln(t/(1-t)) = 4 beta|eps| (t - 1/2) at kT = 0.6|eps| -> 0.0392, 0.9608)
    last = r.theta[-1]
    assert last.min() < 0.08 and last.max() > 0.92
    assert np.std(last) > 0.35


def test_smoothing_outside_the_spinodal():
    # above Tc (kT = 1.2 |eps| > BW kTc = |eps|) and at a coverage outside the spinodal at
    # kT = 0.6 |eps| the same noise decays
    rng = np.random.default_rng(2)
    noise = 0.02 * rng.standard_normal((32, 32))
    for T, th in ((1.2 / kB, 0.5), (T06, 0.15)):
        m = lattice_gas_model(EPS, T, "square", closure="bragg_williams")
        r = solve_cahn_hilliard(th + noise, 1.0, 300.0, 1.0, m, n_out=3)
        # the slowest mode (k = 2 pi/32) decays at least by exp(-k^2 D_c t) ~ exp(-2) here
        assert np.std(r.theta[-1]) < 0.2 * np.std(r.theta[0])


def _mode_growth(model, theta0, L, modes, t_end, dt, n=256):
    x = np.arange(n) * (L / n)
    amp = 1e-7
    th0 = theta0 + amp * sum(np.cos(2 * np.pi * m * x / L) for m in modes)
    r = solve_cahn_hilliard(th0, L / n, t_end, dt, model, n_out=2)
    f0, f1 = (np.abs(np.fft.rfft(s - theta0)) for s in r.theta)
    return np.array([np.log(f1[m] / f0[m]) / t_end for m in modes])


def test_growth_rates_match_linear_theory(model):
    # seed single Fourier modes at amplitude 1e-7 (nonlinear terms ~1e-7 relative) on a
    # uniform layer theta0 = 1/2 and compare measured growth rates with
    # omega(k) = -k^2 (D_c + kappa M k^2). Time step 0.002: the first-order splitting error
    # dt (A k^2 + B k^4 + |omega|/2) is at most ~0.5 % (fast-decaying mode 14) -> rtol 1 %.
    th = np.array([0.5])
    Dc, M = model.D_c(th)[0], model.mobility(th)[0]
    lam_m = fastest_growing_wavelength(Dc, M, model.kappa)
    L = 8 * lam_m  # mode 8 sits exactly at the fastest-growing wavenumber
    modes = [2, 4, 6, 8, 10, 12, 14]
    meas = _mode_growth(model, 0.5, L, modes, 8.0, 0.002)
    theory = linear_growth_rate(2 * np.pi * np.array(modes) / L, Dc, M, model.kappa)
    np.testing.assert_allclose(meas, theory, rtol=0.01)
    assert modes[int(np.argmax(meas))] == 8
    # linear CH: k_m^2 = -D_c / (2 kappa M); for BW on the square lattice with the Langmuir
    # mobility D0 theta (1 - theta)/kT this is (kT/|eps|)(4|eps|/kT - 1/(theta(1-theta)))/2
    km2 = 0.6 * (4 / 0.6 - 4.0) / 2
    assert lam_m == pytest.approx(2 * np.pi / np.sqrt(km2), rel=1e-9)


@pytest.mark.parametrize("side", [-1, 1])
def test_uniform_layer_unstable_exactly_inside_bw_spinodal(model, side):
    # The continuum solver's uniform state loses stability where the Bragg-Williams closure
    # puts the spinodal: just inside (Phi < 0) the longest mode grows, just outside it decays,
    # at the linear-theory rate (tolerance 2 % of |omega|, splitting error ~0.1 %).
    lo, _ = spinodal(EPS, T06, "square", "bragg_williams")
    th0 = lo + side * 0.01
    phi = thermodynamic_factor(th0, EPS, T06, "square", "bragg_williams")
    assert np.sign(phi) == -side
    L = 200.0
    meas = _mode_growth(model, th0, L, [1, 2], 400.0, 0.05, n=64)
    t = np.array([th0])
    theory = linear_growth_rate(2 * np.pi * np.array([1, 2]) / L, model.D_c(t)[0],
                                model.mobility(t)[0], model.kappa)
    assert np.all(np.sign(meas) == side)
    np.testing.assert_allclose(meas, theory, rtol=0.02)


def test_dominant_wavelength_of_a_single_mode():
    x = np.arange(128) * 0.5
    f = np.cos(2 * np.pi * x / 16.0)
    assert dominant_wavelength(f, 0.5) == pytest.approx(16.0, rel=1e-12)
    assert fastest_growing_wavelength(0.1, 1.0, 1.0) == np.inf


def test_bad_input(model):
    with pytest.raises(InvalidParameterError, match="theta0"):
        solve_cahn_hilliard(np.full(16, 1.5), 1.0, 1.0, 0.1, model)
    with pytest.raises(InvalidParameterError, match="dt"):
        solve_cahn_hilliard(np.full(16, 0.5), 1.0, 1.0, -0.1, model)
