"""Degree of rate control, thermodynamic rate control, orders and apparent Ea."""

from __future__ import annotations

import numpy as np
import pytest
from kinetics_helpers import POINT_A, table

from catscale.kinetics import (
    apparent_activation_energy,
    degree_of_rate_control,
    degree_of_thermodynamic_rate_control,
    reaction_orders,
    steady_state,
)
from catscale.mechanism import Mechanism, RateTable
from catscale.units import kB

P = {"CO": 1.0, "O2": 1 / 3, "CO2": 0.0}


@pytest.mark.parametrize("kf,kr", [(POINT_A["kf"], POINT_A["kr"]),
                                   ([1e6, 1e3, 1.0], [1e5, 1e-2, 1e-3]),
                                   ([1e2, 1e2, 1e2], [1e1, 1e1, 1e1])])
def test_drc_sums_to_one_and_matches_finite_differences(co_ox, kf, kr):
    # Campbell: sum_j X_j = 1 for a single overall reaction; X_j from the implicit-function
    # theorem must equal d ln TOF / d ln k_j taken by re-solving (independent check)
    ss = steady_state(co_ox, table(co_ox, kf, kr), P)
    X = degree_of_rate_control(ss)
    assert sum(X.values()) == pytest.approx(1.0, abs=1e-8)
    h = 1e-5
    for j, eq in enumerate(X):
        up = np.array(kf, float)
        dn = np.array(kf, float)
        upr = np.array(kr, float)
        dnr = np.array(kr, float)
        up[j] *= np.exp(h)
        upr[j] *= np.exp(h)
        dn[j] *= np.exp(-h)
        dnr[j] *= np.exp(-h)
        t1 = steady_state(co_ox, table(co_ox, up, upr), P).tof["CO2"]
        t0 = steady_state(co_ox, table(co_ox, dn, dnr), P).tof["CO2"]
        # central difference, h = 1e-5: truncation ~1e-10, round-off ~1e-16/1e-5
        assert X[eq] == pytest.approx(np.log(t1 / t0) / (2 * h), abs=1e-6)


def test_dtrc_and_orders_match_finite_differences(co_ox):
    kf, kr = [1e6, 1e3, 1.0], [1e5, 1e-2, 1e-3]
    ss = steady_state(co_ox, table(co_ox, kf, kr), P)
    X = degree_of_thermodynamic_rate_control(ss)
    # stabilising CO* by dG (TS fixed) divides kr of CO adsorption... : k_r1 *= exp(-d),
    # kf3 *= exp(-d) with d = dG/kT of stabilisation -> X = d ln TOF / d d
    h = 1e-5
    tofs = []
    for d in (h, -h):
        kf2 = np.array(kf, float)
        kr2 = np.array(kr, float)
        kr2[0] *= np.exp(-d)
        kf2[2] *= np.exp(-d)
        tofs.append(steady_state(co_ox, table(co_ox, kf2, kr2), P).tof["CO2"])
    assert X["CO*"] == pytest.approx(np.log(tofs[0] / tofs[1]) / (2 * h), abs=1e-6)
    orders = reaction_orders(ss)
    tofs = [steady_state(co_ox, table(co_ox, kf, kr), {**P, "CO": np.exp(s)}).tof["CO2"]
            for s in (h, -h)]
    assert orders["CO"] == pytest.approx(np.log(tofs[0] / tofs[1]) / (2 * h), abs=1e-6)


def test_apparent_activation_energy_of_langmuir_hinshelwood_low_coverage():
    # A + * <=> A* (K_A = exp(-dH_A/kT)), B + * <=> B*, A* + B* -> AB + 2* (Arrhenius E3):
    # at low coverage TOF = k3 K_A K_B pA pB so Ea = E3 + dH_A + dH_B exactly in that limit
    mech = Mechanism.from_equations(["A + * <=> A*", "B + * <=> B*", "A* + B* -> AB + 2*"])
    E3, dHA, dHB = 1.2, -0.3, -0.2

    def rates(T: float) -> RateTable:
        kT = kB * T
        return RateTable(T, [s.equation for s in mech.steps],
                         [1e8, 1e8, 1e13 * np.exp(-E3 / kT)],
                         [1e8 * np.exp(dHA / kT), 1e8 * np.exp(dHB / kT), 0.0])

    T = 600.0
    ss = steady_state(mech, rates(T), {"A": 1e-6, "B": 1e-6, "AB": 0.0})
    assert ss.coverages["*"] > 0.999  # low-coverage limit: corrections ~ theta ~ 1e-3 (K p ~ 3e-4)
    Ea = apparent_activation_energy(ss, rates_at=rates)
    assert Ea == pytest.approx(E3 + dHA + dHB, abs=2e-3)
    # and against a finite difference of the re-solved TOF in 1/T (independent)
    h = 0.5
    t1 = steady_state(mech, rates(T + h), {"A": 1e-6, "B": 1e-6, "AB": 0.0}).tof["AB"]
    t0 = steady_state(mech, rates(T - h), {"A": 1e-6, "B": 1e-6, "AB": 0.0}).tof["AB"]
    Ea_fd = -kB * np.log(t1 / t0) / (1 / (T + h) - 1 / (T - h))
    assert Ea == pytest.approx(Ea_fd, abs=1e-5)
