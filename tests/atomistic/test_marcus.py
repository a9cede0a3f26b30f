"""Marcus, Marcus-Hush-Chidsey, Butler-Volmer and the computational hydrogen electrode."""

import numpy as np
import pytest
from scipy import optimize

from catscale.atomistic import (
    butler_volmer_current,
    butler_volmer_rate,
    che_free_energy,
    electrochemical_rate_table,
    limiting_potential,
    marcus_rate,
    mhc_rate,
    mhc_rate_closed_form,
)
from catscale.errors import InvalidParameterError
from catscale.units import kB


def test_marcus_maximum_and_inverted_symmetry():
    lam, H, T = 0.8, 0.01, 300.0
    # maximum at dG = -lambda (found numerically, not assumed)
    res = optimize.minimize_scalar(lambda g: -marcus_rate(g, lam, H, T), bounds=(-2, 1),
                                   method="bounded", options={"xatol": 1e-9})
    assert res.x == pytest.approx(-lam, abs=1e-6)
    # inverted region: k(-2 lambda) = k(0)
    assert marcus_rate(-2 * lam, lam, H, T) == pytest.approx(marcus_rate(0.0, lam, H, T),
                                                             rel=1e-12)
    # activationless prefactor (2 pi / hbar) H^2 / sqrt(4 pi lambda kT)
    from catscale.units import hbar
    assert marcus_rate(-lam, lam, H, T) == pytest.approx(
        2 * np.pi / hbar * H**2 / np.sqrt(4 * np.pi * lam * kB * T), rel=1e-12)


def test_mhc_published_values():
    # ElectrochemicalKinetics.jl (Kurchin & Viswanathan, J. Chem. Phys. 153, 134706 (2020)),
    # test/integral_model_tests.jl: MHC with lambda = 0.25 eV, kT = 0.026 eV, A = 1:
    # k_ox(0) = k_red(0) = 0.0061371322 eV; net |k_ox - k_red|(0.1 V) = 0.031239978 eV.
    # Our integral agrees with a 30-digit mpmath quadrature to 1e-12; the package value at
    # 0.1 V differs by 2.7e-5 relative (its fixed-order quadrature), hence rtol 1e-4.
    T = 0.026 / kB
    assert mhc_rate(0.0, 0.25, T, "ox") == pytest.approx(0.0061371322, rel=1e-8)
    assert mhc_rate(0.0, 0.25, T, "red") == pytest.approx(0.0061371322, rel=1e-8)
    net = mhc_rate(0.1, 0.25, T, "ox") - mhc_rate(0.1, 0.25, T, "red")
    assert net == pytest.approx(0.031239978, rel=1e-4)
    assert net == pytest.approx(0.0312391270638203, rel=1e-9)   # mpmath, 30 digits
    # closed form, same source (AsymptoticMarcusHushChidsey with its kT correction):
    assert mhc_rate_closed_form(0.0, 0.25, T, "ox") == pytest.approx(0.00596440064, rel=1e-8)
    net_cf = mhc_rate_closed_form(0.2, 0.25, T, "ox") - mhc_rate_closed_form(0.2, 0.25, T, "red")
    assert net_cf == pytest.approx(0.1006330238, rel=1e-8)


def test_mhc_detailed_balance():
    # k_ox / k_red = exp(e eta / kT) exactly for the integral (Fermi-function identity)
    T = 300.0
    for eta in (-0.3, -0.05, 0.1, 0.4):
        r = mhc_rate(eta, 0.5, T, "ox") / mhc_rate(eta, 0.5, T, "red")
        assert r == pytest.approx(np.exp(eta / (kB * T)), rel=1e-8)


def test_closed_form_documented_error():
    # Zeng et al. (2014): closed form within ~5 % for lambda ~ 8-16 kT (validation README).
    # Measured max relative error 4.8 % on this grid (|eta| <= 20 kT, both directions).
    T = 300.0
    kT = kB * T
    worst = 0.0
    for L in (8.0, 10.0, 12.0, 16.0):
        eta = np.linspace(-20, 20, 21) * kT
        for d in ("ox", "red"):
            ref = mhc_rate(eta, L * kT, T, d)
            cf = mhc_rate_closed_form(eta, L * kT, T, d)
            worst = max(worst, np.max(np.abs(cf / ref - 1)))
    assert worst < 0.05


def test_mhc_and_marcus_reduce_to_butler_volmer():
    # for |e eta| << lambda the Tafel slope of MHC tends to alpha = 1/2 (Butler-Volmer).
    T = 300.0
    kT = kB * T
    lam = 200 * kT
    eta = 1.0 * kT
    ratio = mhc_rate(eta, lam, T, "red") / mhc_rate(0.0, lam, T, "red")
    bv = butler_volmer_rate(eta, 1.0, T, "red", alpha=0.5)
    # correction ~ eta^2 / (4 lambda) = 1.25e-3 -> tolerance 3e-3
    assert ratio == pytest.approx(bv, rel=3e-3)
    # Marcus with dG = -e eta for reduction: same limit
    r_m = marcus_rate(eta, lam, 1.0, T) / marcus_rate(0.0, lam, 1.0, T)
    assert r_m == pytest.approx(bv, rel=3e-3)


def test_butler_volmer_current():
    T = 298.15
    assert butler_volmer_current(0.0, 2.0, T) == 0.0
    eta = 0.3
    i = butler_volmer_current(eta, 1.0, T, alpha=0.5)
    assert i == pytest.approx(2 * np.sinh(0.5 * eta / (kB * T)), rel=1e-12)
    with pytest.raises(InvalidParameterError, match="alpha"):
        butler_volmer_rate(0.1, 1.0, T, alpha=1.5)


def test_che_shifts_and_limiting_potential():
    # CHE (Norskov et al. 2004): dG(U) = dG(0) + n e U; the ideal 4 e- ORR catalyst with four
    # equal steps of -1.23 eV has U_L = 1.23 V_RHE.
    assert che_free_energy(-1.0, 1, 0.5) == pytest.approx(-0.5)
    assert che_free_energy(0.2, -1, 0.5) == pytest.approx(-0.3)
    # SHE at pH 7 = RHE at U_RHE = U_SHE + kT ln10 pH
    T = 298.15
    assert che_free_energy(0.1, 1, 0.2, T=T, pH=7, scale="SHE") == pytest.approx(
        che_free_energy(0.1, 1, 0.2 + kB * T * np.log(10) * 7, T=T))
    assert limiting_potential([-1.23] * 4, [1] * 4) == pytest.approx(1.23)
    assert limiting_potential([-1.5, -0.8, -1.2, -1.42], [1] * 4) == pytest.approx(0.8)
    with pytest.raises(InvalidParameterError, match="scale"):
        che_free_energy(0.0, 1, 0.0, scale="NHE")


def test_electrochemical_rate_table_detailed_balance():
    eqs = ["O2* + H+ + e- -> OOH*", "OOH* + H+ + e- -> O* + H2O", "X* <=> Y*"]
    T = 298.15
    t0 = electrochemical_rate_table(eqs, [-0.5, -1.0, 0.1], [0.4, 0.3, 0.5], [1, 1, 0], 0.0,
                                    T=T)
    t1 = electrochemical_rate_table(eqs, [-0.5, -1.0, 0.1], [0.4, 0.3, 0.5], [1, 1, 0], 0.6,
                                    T=T)
    kT = kB * T
    np.testing.assert_allclose(t1.k_f / t1.k_r, np.exp(-t1.dG / kT), rtol=1e-12)
    np.testing.assert_allclose(t1.dG, [0.1, -0.4, 0.1], atol=1e-12)
    # barrier of an electrochemical step rises by beta * e * dU = 0.3 eV; chemical step fixed
    assert t1.dG_act[1] - t0.dG_act[1] == pytest.approx(0.3)
    assert t1.k_f[2] == pytest.approx(t0.k_f[2])
    # barrier never below the thermodynamic minimum
    assert np.all(t1.dG_act >= np.maximum(t1.dG, 0) - 1e-15)
