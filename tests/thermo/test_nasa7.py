"""NASA-7 polynomials: the constant-heat-capacity limit (a1..a4 = 0) has closed forms
H = a0 kB T + a5 kB, S = kB (a0 ln T + a6), Cp = a0 kB; the ideal-gas pressure dependence;
the surface standard-state term kB T ln(sites); the range selection."""

import numpy as np
import pytest

from catscale.errors import InvalidParameterError
from catscale.thermo import Nasa7, nasa7_g_basis
from catscale.units import kB

A = [3.5, 0.0, 0.0, 0.0, 0.0, -1000.0, 4.0]


def test_constant_cp_closed_forms():
    th = Nasa7([A], [[200.0, 2000.0]])
    for T in (300.0, 1200.0):
        assert th.Cp(T) == pytest.approx(3.5 * kB, rel=1e-14)
        assert th.H(T) == pytest.approx(kB * (3.5 * T - 1000.0), rel=1e-14)
        assert th.S(T) == pytest.approx(kB * (3.5 * np.log(T) + 4.0), rel=1e-14)
        assert th.G(T) == pytest.approx(th.H(T) - T * th.S(T), rel=1e-14)
        # the fitting basis reproduces G/kT
        assert nasa7_g_basis(np.array([T])) @ np.array(A) == pytest.approx(
            th.G(T) / (kB * T), rel=1e-14)


def test_gas_pressure_and_surface_sites():
    gas = Nasa7([A], [[200.0, 2000.0]], is_gas=True, reference_pressure=101325.0)
    # G(p) = G(p_ref) + kB T ln(p / p_ref); H of a gas is still the polynomial's
    assert gas.G(500.0, 1e5) - gas.G(500.0, 101325.0) == pytest.approx(
        kB * 500.0 * np.log(1e5 / 101325.0), rel=1e-12)
    assert gas.H(500.0) == pytest.approx(kB * (3.5 * 500.0 - 1000.0), rel=1e-14)
    one = Nasa7([A], [[200.0, 2000.0]])
    two = Nasa7([A], [[200.0, 2000.0]], n_sites=2)
    assert two.G(700.0) - one.G(700.0) == pytest.approx(kB * 700.0 * np.log(2), rel=1e-12)


def test_ranges_and_extrapolation():
    lo = [3.0, 0, 0, 0, 0, 0.0, 1.0]
    hi = [4.0, 0, 0, 0, 0, 0.0, 1.0]
    th = Nasa7([lo, hi], [[300.0, 1000.0], [1000.0, 3000.0]])
    assert th.Cp(500.0) == pytest.approx(3.0 * kB)
    assert th.Cp(2000.0) == pytest.approx(4.0 * kB)
    assert th.Cp(100.0) == pytest.approx(3.0 * kB)      # below: nearest range (Cantera)
    assert th.Cp(5000.0) == pytest.approx(4.0 * kB)
    with pytest.raises(InvalidParameterError):
        Nasa7([A[:6]], [[300.0, 1000.0]])
    with pytest.raises(InvalidParameterError):
        Nasa7([A], [[1000.0, 300.0]])
