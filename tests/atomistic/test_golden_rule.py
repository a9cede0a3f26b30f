"""Fermi golden rule, Newns-Anderson densities of states and electron-hole pair damping."""

import numpy as np
import pytest
from scipy import sparse
from scipy.sparse.linalg import expm_multiply

from catscale.atomistic import (
    eh_pair_damping_rate,
    golden_rule_rate,
    newns_anderson_dos,
    persson_damping_rate,
)
from catscale.units import hbar


def test_golden_rule_matches_exact_decay_into_quasicontinuum():
    # Wigner-Weisskopf: a level coupled by V to an evenly spaced band (spacing s) decays as
    # exp(-Gamma t) with Gamma = 2 pi V^2 / (hbar s) for times short of the recurrence
    # time 2 pi hbar / s. Exact propagation (sparse expm_multiply); fit over 0.5..3 lifetimes.
    # 2 % tolerance for finite-band and finite V/s corrections (measured 0.8 %).
    s, V = 2e-3, 0.003                         # eV
    n = 1201                                   # band of +-1.2 eV >> Gamma = 0.028 eV
    band = (np.arange(n) - n // 2) * s
    H = sparse.diags(np.concatenate([[0.0], band])).tolil()
    H[0, 1:] = V
    H[1:, 0] = V
    gamma = golden_rule_rate(V, 1.0 / s)
    psi0 = np.zeros(n + 1, complex)
    psi0[0] = 1.0
    t = np.linspace(0.5, 3.0, 30) / gamma
    psi = expm_multiply((-1j / hbar) * H.tocsr(), psi0, start=t[0], stop=t[-1], num=t.size,
                        endpoint=True)
    p = np.abs(psi[:, 0]) ** 2
    slope = -np.polyfit(t, np.log(p), 1)[0]
    assert slope == pytest.approx(gamma, rel=0.02)


def test_newns_anderson_limits():
    eps = np.linspace(-60, 60, 600001)
    # wide band: Lorentzian normalized to one state (tails beyond +-60 eV carry 2D/(pi 60))
    rho = newns_anderson_dos(eps, 0.3, 0.5)
    assert np.trapezoid(rho, eps) == pytest.approx(1 - 2 * 0.5 / (np.pi * 60), rel=1e-6)
    # semi-elliptic band with the level inside and weak coupling: no split-off states, the
    # resonance carries the full state; and it tends to a Lorentzian of half width
    # Delta(eps_a) = pi V^2 rho_m(eps_a) near eps_a.
    W, V, ea = 4.0, 0.3, 0.5
    e2 = np.linspace(-W, W, 400001)
    rho2 = newns_anderson_dos(e2, ea, V, band_center=0.0, band_halfwidth=W)
    assert np.trapezoid(rho2, e2) == pytest.approx(1.0, abs=2e-3)
    D = 2 * V**2 / W**2 * np.sqrt(W**2 - ea**2)
    lam = 2 * V**2 / W**2 * ea
    peak = newns_anderson_dos(ea + lam, ea, V, 0.0, W)
    assert peak == pytest.approx(1 / (np.pi * D), rel=1e-2)


def test_eh_damping_reduces_to_persson_limit():
    # T -> 0 and hbar omega << width: the golden-rule integral tends to
    # hbar omega rho_a(E_F)^2 (Persson & Persson 1980). Tolerance 1 % (curvature of rho_a
    # over hbar omega = 25 meV against a 1 eV wide resonance).
    width, level = 1.0, 0.2
    rate = eh_pair_damping_rate(1.0, 16.0, 200.0, T=5.0, adsorbate_level=level, width=width)
    rho_f = float(newns_anderson_dos(0.0, level, width))
    ref = persson_damping_rate(1.0, 16.0, rho_f)
    assert rate == pytest.approx(ref, rel=1e-2)
    # typical magnitude: picosecond lifetimes (CO on Cu: ~2 ps; Persson & Persson 1980)
    assert 1e10 < rate < 1e14
    # no coupling of the level to Q -> no damping
    assert eh_pair_damping_rate(0.0, 16.0, 200.0, T=300.0) == 0.0
