"""ShomateGas: NIST tables and CatMAP's shomate_gas definition."""

import numpy as np
import pytest

from catscale.errors import InvalidParameterError
from catscale.thermo import ShomateGas
from catscale.units import NA, eV, invcm, kB

KJ = 1e3 / (NA * eV)   # eV per kJ/mol
# NIST Chemistry WebBook, carbon monoxide, gas-phase Shomate coefficients.
CO_LOW = [25.56759, 6.096130, 4.054656, -2.671301, 0.131021, -118.0089, 227.3665, -110.5271]
CO_HIGH = [35.15070, 1.300095, -0.205921, 0.013550, -3.282780, -127.8375, 231.7120,
           -110.5271]
CO = ShomateGas(energy=2.74, coefficients=[CO_LOW, CO_HIGH],
                T_ranges=[[298.0, 1300.0], [1300.0, 6000.0]], frequencies=[2143.0])


def test_against_janaf_table():
    # NIST-JANAF Thermochemical Tables (Chase 1998), CO(g): S(298.15) = 197.660,
    # S(500) = 212.831, S(1000) = 234.538, Cp(298.15) = 29.142, Cp(500) = 29.794,
    # Cp(1000) = 33.183 J/(mol K); H - H(298.15) at 500 K = 5.931 kJ/mol. The Shomate fit
    # reproduces the table to ~0.1 %: tolerance 1.5e-3 relative.
    J = NA * eV
    for T, S in ((298.15, 197.660), (500.0, 212.831), (1000.0, 234.538)):
        assert CO.S(T) * J == pytest.approx(S, rel=1.5e-3)
    for T, Cp in ((298.15, 29.142), (500.0, 29.794), (1000.0, 33.183)):
        assert CO.Cp(T) * J == pytest.approx(Cp, rel=1.5e-3)
    assert (CO.H(500.0) - CO.H(298.15)) / KJ == pytest.approx(5.931, rel=1.5e-3)


def test_catmap_definition_by_hand():
    # CatMAP (thermodynamics/enthalpy_entropy.py, shomate_gas):
    # G = E + ZPE + [298.15 Cp(298.15) + H(T) - H(298.15)] - T S(T), kJ/mol -> eV.
    A, B, C, D, E, F, G, H = CO_LOW
    T = 500.0

    def Hs(T):
        t = T / 1000
        return A * t + B * t**2 / 2 + C * t**3 / 3 + D * t**4 / 4 - E / t + F - H

    t = T / 1000
    S = A * np.log(t) + B * t + C * t**2 / 2 + D * t**3 / 3 - E / (2 * t**2) + G
    tr = 0.29815
    Cp_ref = A + B * tr + C * tr**2 + D * tr**3 + E / tr**2
    zpe = 0.5 * 2143.0 * invcm
    G_expected = 2.74 + zpe + (298.15 * Cp_ref / 1000 + Hs(T) - Hs(298.15)) * KJ \
        - T * S * KJ / 1000
    assert CO.G(T) == pytest.approx(G_expected, abs=1e-12)
    assert CO.G(T, 1e6) - CO.G(T) == pytest.approx(kB * T * np.log(10.0), rel=1e-12)


def test_range_selection_and_extrapolation():
    T = np.array([300.0, 1000.0, 2000.0])
    G = CO.G(T)
    assert G.shape == (3,)
    # high range uses the high coefficients (also for CatMAP's 298.15 K reference)
    hi = ShomateGas(2.74, [CO_HIGH], [[1300.0, 6000.0]], frequencies=[2143.0])
    assert G[2] == pytest.approx(hi.G(2000.0), abs=1e-14)
    # CatMAP below the lowest range (which starts under 300 K): H - H0 = T Cp(T_min),
    # S = S(T_min)
    lo = CO.G(200.0)
    low_only = ShomateGas(2.74, [CO_LOW], [[298.0, 1300.0]], frequencies=[2143.0])
    Cp_min = low_only.Cp(298.0) + 0.0
    S_min = low_only.S(298.0)
    assert lo == pytest.approx(2.74 + CO.zpe() + 200.0 * Cp_min - 200.0 * S_min, abs=1e-12)
    with pytest.raises(InvalidParameterError, match="Shomate ranges"):
        CO.G(7000.0)


def test_bad_coefficients():
    with pytest.raises(InvalidParameterError, match="coefficients"):
        ShomateGas(0.0, [[1.0, 2.0]], [[298.0, 1000.0]])
    with pytest.raises(InvalidParameterError, match="T_ranges"):
        ShomateGas(0.0, [CO_LOW], [[1000.0, 298.0]])
