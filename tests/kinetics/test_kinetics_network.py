"""Rate law, analytic Jacobian and site conservation of the compiled network."""

from __future__ import annotations

import numpy as np
import pytest
from kinetics_helpers import POINT_A, table

from catscale.errors import InvalidParameterError
from catscale.kinetics import build_network, lateral_matrices
from catscale.mechanism import Mechanism, Site


def test_mass_action_rates_by_hand(co_ox):
    # r = kf prod(p) prod(theta) - kr prod(...), written out for each step (DESIGN.md)
    kf, kr = np.array([2.0, 3.0, 5.0]), np.array([7.0, 11.0, 13.0])
    net = build_network(co_ox, table(co_ox, kf, kr), {"CO": 0.5, "O2": 0.2, "CO2": 0.1})
    th = dict(zip(net.surface, [0.3, 0.5, 0.2]))
    rf, rr = net.step_rates(np.array([th[n] for n in net.surface]))
    expect_f = [2.0 * 0.5 * th["*"], 3.0 * 0.2 * th["*"] ** 2, 5.0 * th["CO*"] * th["O*"]]
    expect_r = [7.0 * th["CO*"], 11.0 * th["O*"] ** 2, 13.0 * 0.1 * th["*"] ** 2]
    np.testing.assert_allclose(rf, expect_f, rtol=1e-14)
    np.testing.assert_allclose(rr, expect_r, rtol=1e-14)


def test_site_conservation_of_rhs(co_ox):
    # occ @ dtheta/dt = 0 for any coverages: every step conserves sites
    net = build_network(co_ox, table(co_ox, POINT_A["kf"], POINT_A["kr"]),
                        {"CO": 1.0, "O2": 0.3, "CO2": 0.01})
    rng = np.random.default_rng(0)
    for _ in range(20):
        th = rng.dirichlet(np.ones(3))
        d = net.dtheta_dt(th)
        # relative to the largest term: round-off only
        assert abs(net.occ @ d)[0] <= 1e-14 * np.max(np.abs(d))


@pytest.mark.parametrize("with_lateral", [False, True])
def test_analytic_jacobian_matches_complex_free_differences(co_ox, with_lateral):
    mech = co_ox
    rt = table(mech, [3.0, 2.0, 5.0], [1.0, 0.5, 0.1])
    Gf = Gr = None
    if with_lateral:
        Gf, Gr = lateral_matrices(mech, {"CO*-CO*": 0.05, "CO*-O*": 0.02}, 500.0)
    net = build_network(mech, rt, {"CO": 1.0, "O2": 0.3, "CO2": 0.2}, Gf=Gf, Gr=Gr)
    th = np.array([0.2, 0.3, 0.5])
    J = net.jacobian(th)
    h = 1e-6
    Jn = np.empty_like(J)
    for s in range(3):
        e = np.zeros(3)
        e[s] = h
        Jn[:, s] = (net.dtheta_dt(th + e) - net.dtheta_dt(th - e)) / (2 * h)
    # central differences: error O(h^2 * third derivative) ~ 1e-12 relative here
    np.testing.assert_allclose(J, Jn, rtol=1e-7, atol=1e-9)


def test_two_site_kinds_conserve_each_kind():
    mech = Mechanism.from_equations(["H2 + 2h <=> 2Hh", "CO + s <=> COs",
                                     "COs + Hh <=> HCOs + h"],
                                    sites=[Site("s"), Site("h")])
    rt = table(mech, [1.0, 2.0, 3.0], [0.5, 0.1, 0.2])
    net = build_network(mech, rt, {"H2": 1.0, "CO": 1.0})
    assert net.n_kinds == 2
    th = np.array([0.2, 0.3, 0.1, 0.7, 0.5])  # order = net.surface
    th = th / (net.occ @ th)[net.kind]
    d = net.dtheta_dt(th)
    np.testing.assert_allclose(net.occ @ d, 0.0, atol=1e-15)


def test_missing_pressure_is_named(co_ox):
    with pytest.raises(InvalidParameterError, match="O2"):
        build_network(co_ox, table(co_ox, [1, 1, 1], [1, 1, 1]), {"CO": 1.0, "CO2": 0.0})


def test_negative_pressure_rejected(co_ox):
    with pytest.raises(InvalidParameterError, match=r"pressures\[CO\]"):
        build_network(co_ox, table(co_ox, [1, 1, 1], [1, 1, 1]),
                      {"CO": -1.0, "O2": 1.0, "CO2": 0.0})
