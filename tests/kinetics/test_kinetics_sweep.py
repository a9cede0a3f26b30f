"""Sweeps by continuation: same answers as independent solves, every branch of a bistable
window reported, the fast kernels against their twins, the network's rate-constant swap."""

from __future__ import annotations

import numpy as np
import pytest
from kinetics_helpers import CO_OX, table

from catscale.errors import InvalidParameterError
from catscale.kinetics import (
    _kernels,
    _reference,
    build_network,
    descriptor_map,
    lateral_matrices,
    solve_network,
    sweep_steady_states,
)
from catscale.kinetics._steady import formable
from catscale.mechanism import Mechanism

# the bistable CO-oxidation rate constants of test_kinetics_steady (Zhdanov & Kasemo,
# Surf. Sci. Rep. 20, 113 (1994): mean-field LH CO oxidation is bistable in a p(CO) window)
BISTABLE = dict(kf=[1.0, 1.0, 10.0], kr=[0.01, 1e-6, 1e-8])


def _states(ss):
    """Coverages of every steady state, sorted by CO* coverage."""
    return sorted((s.theta for s in [ss, *ss.alternatives]), key=lambda t: t[0])


@pytest.fixture(scope="module")
def bistable_scan():
    mech = Mechanism.from_equations(CO_OX)
    rt = table(mech, BISTABLE["kf"], BISTABLE["kr"])
    ps = np.geomspace(0.05, 5.0, 41)
    nets = [build_network(mech, rt, {"CO": p, "O2": 1.0, "CO2": 0.0}) for p in ps]
    return nets, [solve_network(n) for n in nets]


def _assert_same_states(points, independent):
    for pt, ind in zip(points, independent):
        assert pt.state is not None
        assert pt.state.n_steady_states == ind.n_steady_states
        for a, b in zip(_states(pt.state), _states(ind)):
            # both verified to a scaled residual of 1e-8 around the same root: the
            # coverages agree to ~1e-8 relative; 1e-6 leaves room for conditioning
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-14)


@pytest.mark.parametrize("direction", [1, -1])
@pytest.mark.parametrize("check_every", [8, 10**6])
def test_sweep_through_bistable_window_reports_every_branch(bistable_scan, direction,
                                                            check_every):
    # the scan crosses the window both ways; with periodic checks, and with none (the fold
    # at the end of the continued branch then triggers the backward scan), every point of
    # the window reports its two stable states and the saddle, as independent solves do
    nets, ind = bistable_scan
    assert {s.n_steady_states for s in ind} == {1, 3}        # the scan crosses the window
    pts = sweep_steady_states(nets[::direction], check_every=check_every)[::direction]
    _assert_same_states(pts, ind)
    inside = [p for p in pts if p.state.n_steady_states == 3]
    for p in inside:
        stable = sorted(s.coverages["CO*"] for s in p.state.stable_states)
        saddle = [s for s in p.state.alternatives if not s.stable]
        # two stable branches far apart (O-covered and CO-covered) and the saddle between
        assert len(stable) == 2 and stable[1] - stable[0] > 0.5
        assert len(saddle) == 1 and stable[0] < saddle[0].coverages["CO*"] < stable[1]
    # continuation did the work outside the window
    assert sum(not p.full_multistart for p in pts) >= 10


def test_sweep_continuation_follows_the_branch_it_started_on(bistable_scan):
    # inside the window the primary state is the continuation of the previous point's
    # primary (hysteresis): rising p(CO) stays on the low-CO branch until its fold
    nets, ind = bistable_scan
    pts = sweep_steady_states(nets)
    co = [p.state.coverages["CO*"] for p in pts]
    n = [p.state.n_steady_states for p in pts]
    last_in = max(i for i, k in enumerate(n) if k == 3)
    first_in = min(i for i, k in enumerate(n) if k == 3)
    assert all(c < 0.5 for c in co[first_in:last_in + 1])
    assert co[last_in + 1] > 0.9


def test_sweep_equals_independent_solves_and_langmuir_hinshelwood_closed_form():
    # fast adsorption, slow surface reaction (k3 << k_ads): coverages are Langmuir's, to
    # relative order k3/k_ads = 1e-9 (see test_langmuir_hinshelwood_limit_of_fast_adsorption)
    mech = Mechanism.from_equations(["A + * <=> A*", "B + * <=> B*", "A* + B* -> AB + 2*"])
    rt = table(mech, [1e6, 2e6, 1e-3], [1e6, 5e5, 0.0])
    pa = np.linspace(0.1, 3.0, 25)
    nets = [build_network(mech, rt, {"A": p, "B": 0.5, "AB": 0.0}) for p in pa]
    pts = sweep_steady_states(nets, multistart="auto")
    ind = [solve_network(n) for n in nets]
    _assert_same_states(pts, ind)
    for p, pt in zip(pa, pts):
        den = 1 + p + 4.0 * 0.5
        assert pt.state.coverages["A*"] == pytest.approx(p / den, rel=1e-7)
    assert np.mean([pt.full_multistart for pt in pts]) < 0.3


def test_sweep_over_temperature_follows_lateral_interactions():
    # Fowler-Guggenheim isotherm along a T scan: K p = th/(1-th) exp(z eps th / kT) holds
    # at every point (rate constants and coverage dependence both change with T)
    from catscale.units import kB
    mech = Mechanism.from_equations(["A + * <=> A*"])
    eps, z = 0.02, 4
    nets = []
    Ts = np.linspace(250.0, 450.0, 12)
    for T in Ts:
        K = 3.0 * np.exp(0.1 / (kB * T)) / np.exp(0.1 / (kB * 300))
        Gf, Gr = lateral_matrices(mech, {"A*-A*": eps}, T, z)
        nets.append(build_network(mech, table(mech, [K], [1.0], T=T), {"A": 2.0},
                                  Gf=Gf, Gr=Gr))
    for T, net, pt in zip(Ts, nets, sweep_steady_states(nets)):
        th = pt.state.coverages["A*"]
        lhs = net.kf[0] / net.kr[0]
        # round-off only (residual <= 1e-8 scaled, well conditioned): 1e-8
        assert th / (1 - th) * np.exp(z * eps * th / (kB * T)) == pytest.approx(lhs, rel=1e-8)


def test_unverifiable_point_is_reported_not_hidden(co_ox):
    rt = table(co_ox, [1.0, 1.0, 10.0], [0.01, 1e-6, 1e-8])
    nets = [build_network(co_ox, rt, {"CO": 0.05, "O2": 1.0, "CO2": 0.0})]
    pts = sweep_steady_states(nets, tol=1e-30, extended_precision=False)
    assert pts[0].state is None and pts[0].error is not None and pts[0].error.tried


@pytest.mark.parametrize("kw,name", [({"multistart": "sometimes"}, "multistart"),
                                     ({"check_every": 0}, "check_every"),
                                     ({"fold_factor": 0.5}, "fold_factor")])
def test_sweep_bad_options_named(co_ox, kw, name):
    with pytest.raises(InvalidParameterError, match=name):
        sweep_steady_states([], **kw)


def test_descriptor_map_auto_equals_multistart_everywhere(co_ox):
    # a 1-D map through the bistable window: "auto" reports what the full multistart at
    # every point reports (TOF of the primary state may differ only where the branches
    # differ, so compare the number of states and every stable TOF via the full solves)
    def rates_at(point):
        (lnk,) = point
        return table(co_ox, [np.exp(lnk), 1.0, 10.0], [0.01, 1e-6, 1e-8])
    axes = {"lnk_CO": np.log(np.geomspace(0.05, 5.0, 30))}
    p = {"CO": 1.0, "O2": 1.0, "CO2": 0.0}
    auto = descriptor_map(co_ox, rates_at, p, axes)
    full = descriptor_map(co_ox, rates_at, p, axes, multistart=True)
    assert bool(auto.verified.all()) and bool(full.verified.all())
    np.testing.assert_array_equal(auto.n_steady_states, full.n_steady_states)
    assert int(auto.n_steady_states.max()) == 3
    assert float(auto.full_multistart.mean()) < float(full.full_multistart.mean())


# -- kernels against their twins ----------------------------------------------------------
def _random_networks(n=8, seed=3):
    rng = np.random.default_rng(seed)
    mech = Mechanism.from_equations(["A + * <=> A*", "B2 + 2* <=> 2B*",
                                     "A* + B* <=> AB + 2*", "A* <=> C*"])
    nets = []
    for _ in range(n):
        kf = 10 ** rng.uniform(-3, 6, 4)
        kr = 10 ** rng.uniform(-3, 6, 4)
        Gf, Gr = lateral_matrices(mech, {"A*-B*": rng.uniform(-0.05, 0.05)}, 500.0)
        nets.append(build_network(mech, table(mech, kf, kr), {"A": 1.0, "B2": 0.5, "AB": 0.1},
                                  Gf=Gf, Gr=Gr))
    return nets, rng


def test_evaluate_states_matches_numpy_network():
    # numba rates, residual, site balance and d(dtheta/dt)/dtheta against the NumPy
    # evaluation of the Network (Network.step_rates / jacobian); round-off: 1e-12
    nets, rng = _random_networks()
    for net in nets:
        th = rng.dirichlet(np.ones(net.n_surface))
        X = np.log(th)[None, :]
        rf, rr, res, bal, jac = _kernels.evaluate_states(X, net.kf, net.kr, net.Af, net.Ar,
                                                         net.nu, net.Gf, net.Gr, net.occ,
                                                         net.kind)
        rf2, rr2 = net.step_rates(th)
        np.testing.assert_allclose(rf[0], rf2, rtol=1e-12)
        np.testing.assert_allclose(rr[0], rr2, rtol=1e-12)
        Jn = net.jacobian(th)
        np.testing.assert_allclose(jac[0], Jn, rtol=1e-10, atol=1e-12 * np.abs(Jn).max())
        P = np.maximum(net.nu, 0) @ rf2 + np.maximum(-net.nu, 0) @ rr2
        C = np.maximum(-net.nu, 0) @ rf2 + np.maximum(net.nu, 0) @ rr2
        assert res[0] == pytest.approx(np.max(np.abs(P - C) / (P + C)), rel=1e-12)
        assert bal[0] == pytest.approx(abs(th.sum() - 1.0), abs=1e-15)


def test_formable_kernel_matches_reference():
    # CH3* cannot form without CH4 in the gas; the kernel and the NumPy fixed point agree
    mech = Mechanism.from_equations(["CH4 + 2* <=> CH3* + H*", "H2 + 2* <=> 2H*",
                                     "CH3* + * <=> CH2* + H*", "O2 + 2* <=> 2O*"])
    rt = table(mech, [1.0, 2.0, 3.0, 4.0], [1.0, 1.0, 1.0, 1.0])
    for pch4 in (0.0, 0.1):
        net = build_network(mech, rt, {"CH4": pch4, "H2": 1.0, "O2": 0.0})
        vac = np.array([n == "*" for n in net.surface])
        a = _kernels.formable_mask(vac, net.kf, net.kr, net.Af, net.Ar)
        b = _reference.formable_mask(vac, net.kf, net.kr, net.Af, net.Ar)
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, formable(net))
        assert a[net.index("CH3*")] == (pch4 > 0)
        assert not a[net.index("O*")]


def test_continuation_kernel_reaches_the_new_steady_state():
    # carrying the steady state of network 0 along ln k to network 1 ends on the steady
    # state that an independent solve of network 1 finds (single state; 1e-8 relative).
    # Between random networks the path may cross a fold (the branch ends): then the kernel
    # must report failure (status 1), never a state that is not a root of network 1.
    nets, _ = _random_networks(6, seed=11)
    reached = 0
    for n0, n1 in zip(nets[:-1], nets[1:]):
        s0, s1 = solve_network(n0), solve_network(n1)
        X, res, status = _kernels.continuation(
            np.log(s0.theta)[None, :], n0.kf, n0.kr, n0.Gf, n0.Gr, n1.kf, n1.kr, n1.Gf,
            n1.Gr, n1.Af, n1.Ar, n1.nu, n1.occ, n1.kind, 12, 1e-13, 8.0, 1.0 / 64)
        if status[0] != 0:
            assert not np.isfinite(res[0])
            continue
        reached += 1
        assert res[0] < 1e-8
        if s1.n_steady_states == 1:
            np.testing.assert_allclose(np.exp(X[0]), s1.theta, rtol=1e-8, atol=1e-300)
    assert reached >= 3


def test_with_rates_equals_rebuilt_network(co_ox):
    # swapping rate constants (same pressures) gives the arrays build_network would
    p = {"CO": 0.7, "O2": 0.2, "CO2": 0.05}
    n0 = build_network(co_ox, table(co_ox, [1, 2, 3], [4, 5, 6]), p)
    rt = table(co_ox, [7.0, 8.0, 9.0], [1.5, 2.5, 3.5], T=600.0)
    a, b = n0.with_rates(rt), build_network(co_ox, rt, p)
    for f in ("kf", "kr", "k_f", "k_r", "Af", "Ar", "nu", "Gf", "Gr", "occ", "pressures"):
        np.testing.assert_allclose(getattr(a, f), getattr(b, f), rtol=1e-15)
    assert a.T == 600.0
    with pytest.raises(InvalidParameterError, match="rates"):
        n0.with_rates(table(Mechanism.from_equations(["A + * <=> A*"]), [1.0], [1.0]))
