"""Steady states against closed forms, bistability, verification and failure reporting."""

from __future__ import annotations

import numpy as np
import pytest
from kinetics_helpers import POINT_A, table

from catscale.errors import ConvergenceError, InvalidParameterError
from catscale.kinetics import (
    _kernels,
    _reference,
    build_network,
    clean_surface,
    integrate_network,
    solve_network,
    steady_state,
)
from catscale.mechanism import Mechanism


def test_competitive_langmuir_closed_form():
    # theta_i = K_i p_i / (1 + sum K p): exact equilibrium of two adsorption steps
    mech = Mechanism.from_equations(["A + * <=> A*", "B + * <=> B*"])
    rt = table(mech, [4.0, 1e3], [1.0, 10.0])
    ss = steady_state(mech, rt, {"A": 0.5, "B": 0.03})
    KA, KB = 4.0 * 0.5, 100.0 * 0.03
    den = 1 + KA + KB
    # round-off only: 1e-12 relative
    assert ss.coverages["A*"] == pytest.approx(KA / den, rel=1e-12)
    assert ss.coverages["B*"] == pytest.approx(KB / den, rel=1e-12)
    assert ss.coverages["*"] == pytest.approx(1 / den, rel=1e-12)
    assert ss.stable and ss.residual < 1e-12 and ss.n_steady_states == 1


def test_dissociative_langmuir_closed_form():
    # O2 + 2* <=> 2O*: theta = sqrt(K p) / (1 + sqrt(K p))
    mech = Mechanism.from_equations(["O2 + 2* <=> 2O*"])
    ss = steady_state(mech, table(mech, [50.0], [2.0]), {"O2": 0.7})
    s = np.sqrt(25.0 * 0.7)
    assert ss.coverages["O*"] == pytest.approx(s / (1 + s), rel=1e-12)


def test_langmuir_hinshelwood_limit_of_fast_adsorption():
    # A + * <=> A*, B + * <=> B*, A* + B* -> AB + 2*: when k3 << adsorption rates the
    # coverages are Langmuir's and TOF = k3 thA thB (Langmuir-Hinshelwood rate law); the
    # first correction is of relative order k3/k_ads = 1e-9, hence rel 1e-7.
    mech = Mechanism.from_equations(["A + * <=> A*", "B + * <=> B*", "A* + B* -> AB + 2*"])
    rt = table(mech, [1e6, 2e6], [1e6, 5e5, ], T=400.0) if False else table(
        mech, [1e6, 2e6, 1e-3], [1e6, 5e5, 0.0])
    p = {"A": 1.0, "B": 0.5, "AB": 0.0}
    ss = steady_state(mech, rt, p)
    KA, KB = 1.0, 4.0
    den = 1 + KA * 1.0 + KB * 0.5
    thA, thB = KA / den, 2.0 / den
    assert ss.tof["AB"] == pytest.approx(1e-3 * thA * thB, rel=1e-7)
    assert ss.coverages["A*"] == pytest.approx(thA, rel=1e-7)


def test_point_A_free_sites_resolved(co_ox):
    # theta(*) ~ 2.7e-7: carried as an unknown of its own, not as 1 - sum (CatMAP 100 digits)
    ss = steady_state(co_ox, table(co_ox, POINT_A["kf"], POINT_A["kr"]),
                      {"CO": 1.0, "O2": 1 / 3, "CO2": 0.0})
    for k, v in POINT_A["theta"].items():
        assert ss.coverages[k] == pytest.approx(v, rel=1e-9)
    assert ss.tof["CO2"] == pytest.approx(POINT_A["tof"], rel=1e-9)
    # the free-site coverage from the O2 adsorption balance 2 kf2 p th*^2 = TOF + 2 kr2 thO^2
    kf2 = POINT_A["kf"][1] / 3
    th_star = np.sqrt((POINT_A["tof"] / 2) / kf2)
    assert ss.coverages["*"] == pytest.approx(th_star, rel=1e-6)


BISTABLE = dict(kf=[1.0, 1.0, 10.0], kr=[0.01, 1e-6, 1e-8])


def test_bistable_co_oxidation_reports_both_stable_branches(co_ox):
    # Mean-field Langmuir-Hinshelwood CO oxidation is bistable in a window of p(CO)
    # (e.g. Zhdanov & Kasemo, Surf. Sci. Rep. 20, 113 (1994)); here p(CO)/p(O2) = 0.5.
    p = {"CO": 0.5, "O2": 1.0, "CO2": 0.0}
    ss = steady_state(co_ox, table(co_ox, BISTABLE["kf"], BISTABLE["kr"]), p)
    stable = ss.stable_states
    assert len(stable) == 2
    cov = sorted(s.coverages["CO*"] for s in stable)
    assert cov[0] < 0.1 and cov[1] > 0.9
    unstable = [s for s in ss.alternatives if not s.stable]
    assert len(unstable) == 1 and np.max(unstable[0].eigenvalues.real) > 0
    # independent check: the transient from an O-covered and a CO-covered surface ends on
    # the two stable branches
    net = ss.network
    for start, branch in (([1e-3, 1 - 2e-3, 1e-3], cov[0]), ([1 - 2e-3, 1e-3, 1e-3], cov[1])):
        tr = integrate_network(net, np.array(start), t_end=1e4)
        assert tr.final["CO*"] == pytest.approx(branch, rel=1e-5)


def test_every_steady_state_is_verified(co_ox):
    ss = steady_state(co_ox, table(co_ox, BISTABLE["kf"], BISTABLE["kr"]),
                      {"CO": 0.5, "O2": 1.0, "CO2": 0.0})
    for s in [ss, *ss.alternatives]:
        net = s.network
        rf, rr = net.step_rates(s.theta)
        gross = np.abs(net.nu) @ (rf + rr)
        assert np.all(np.abs(net.nu @ (rf - rr)) <= 1e-8 * gross)
        assert abs(net.occ @ s.theta - 1.0)[0] < 1e-12


def test_unverifiable_raises_with_what_was_tried(co_ox):
    with pytest.raises(ConvergenceError) as exc:
        steady_state(co_ox, table(co_ox, POINT_A["kf"], POINT_A["kr"]),
                     {"CO": 1.0, "O2": 1 / 3, "CO2": 0.0}, tol=1e-30,
                     extended_precision=False)
    assert exc.value.tried and "Newton" in exc.value.tried[0]


def test_bad_tolerance_named(co_ox):
    with pytest.raises(InvalidParameterError, match="tol"):
        steady_state(co_ox, table(co_ox, [1, 1, 1], [1, 1, 1]),
                     {"CO": 1.0, "O2": 1.0, "CO2": 0.0}, tol=2.0)


def test_extended_precision_polish_reaches_tight_tolerance(co_ox):
    # ask for a residual below what double precision can certify: mpmath polishes
    rt = table(co_ox, POINT_A["kf"], POINT_A["kr"])
    ss = steady_state(co_ox, rt, {"CO": 1.0, "O2": 1 / 3, "CO2": 0.0}, tol=1e-25)
    assert ss.method == "mpmath" and ss.residual <= 1e-25
    assert ss.coverages["CO*"] == pytest.approx(POINT_A["theta"]["CO*"], rel=1e-9)


def test_transient_conserves_sites_and_reaches_steady_state(co_ox):
    net = build_network(co_ox, table(co_ox, POINT_A["kf"], POINT_A["kr"]),
                        {"CO": 1.0, "O2": 1 / 3, "CO2": 0.0})
    tr = integrate_network(net, clean_surface(net), t_end=1e3)
    assert tr.site_balance_error < 1e-10
    ss = solve_network(net)
    np.testing.assert_allclose(tr.theta[-1][:2], ss.theta[:2], rtol=1e-6)
    # free sites at 2.7e-7 to 1e-4 relative from the integration alone (atol 1e-14)
    assert tr.theta[-1][2] == pytest.approx(ss.theta[2], rel=1e-4)


def test_kernel_matches_reference_twin():
    # numba kernel vs pure-NumPy twin on random small networks (deterministic: no seed
    # enters the kernels; the random networks use a fixed seed)
    rng = np.random.default_rng(7)
    mech = Mechanism.from_equations(["A + * <=> A*", "B2 + 2* <=> 2B*",
                                     "A* + B* <=> AB + 2*", "A* <=> C*"])
    for _ in range(10):
        kf = 10 ** rng.uniform(-3, 6, 4)
        kr = 10 ** rng.uniform(-3, 6, 4)
        net = build_network(mech, table(mech, kf, kr), {"A": 1.0, "B2": 0.5, "AB": 0.1})
        args = (net.kf, net.kr, net.Af, net.Ar, net.nu, net.Gf, net.Gr, net.occ, net.kind)
        x0 = np.log(np.full(net.n_surface, 1.0 / net.n_surface))
        F1, J1, f1 = _kernels.residual_jacobian(x0, *args)
        F2, J2, f2 = _reference.residual_jacobian(x0, *args)
        np.testing.assert_allclose(F1, F2, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(J1, J2, rtol=1e-12, atol=1e-14)
        xa, ra, _, sa = _kernels.newton(x0.copy(), *args, 100, 1e-13, 8.0)
        xb, rb, _, sb = _reference.newton(x0.copy(), *args)
        assert sa == sb
        if sa == 0:
            np.testing.assert_allclose(np.exp(xa), np.exp(xb), rtol=1e-9, atol=1e-300)


def test_guess_continuation_and_multistart_off(co_ox):
    rt = table(co_ox, POINT_A["kf"], POINT_A["kr"])
    p = {"CO": 1.0, "O2": 1 / 3, "CO2": 0.0}
    ss = steady_state(co_ox, rt, p, guess={"CO*": 1e-5, "O*": 0.99, "*": 1e-6},
                      multistart=False)
    assert ss.coverages["O*"] == pytest.approx(POINT_A["theta"]["O*"], rel=1e-12)


def test_fowler_guggenheim_isotherm_with_lateral_interactions():
    # A + * <=> A* with repulsion eps per pair, z neighbours: at equilibrium
    # K p = theta/(1-theta) exp(z eps theta / kT) (mean-field Fowler-Guggenheim), for any
    # TS position alpha (thermodynamic consistency)
    from catscale.units import kB
    mech = Mechanism.from_equations(["A + * <=> A*"])
    T, eps, z = 300.0, 0.02, 4
    for alpha in (0.0, 0.5, 1.0):
        ss = steady_state(mech, table(mech, [3.0], [1.0], T=T), {"A": 2.0},
                          lateral={"A*-A*": eps}, coordination=z, alpha=alpha)
        th = ss.coverages["A*"]
        lhs = 6.0
        rhs = th / (1 - th) * np.exp(z * eps * th / (kB * T))
        assert rhs == pytest.approx(lhs, rel=1e-10)


def test_co_poisoned_corner_solved_by_rate_constant_homotopy(co_ox):
    # CatMAP map corner E(O) = 3.0, E(CO) = -0.5 eV (rate constants of the tutorial's
    # scaling relations there): Newton fails from every start (near-singular Jacobian), the
    # ln k homotopy from unit rate constants finds the CO-poisoned state. Closed form when
    # TOF << k_des(CO): theta* = kr1/kf1, theta_O = 2 kf2 p_O2 theta*^2 / kf3,
    # TOF = 2 kf2 p_O2 theta*^2 (corrections of relative order 1e-55: 1e-9 is round-off)
    kf = [1.04183096e13, 3 * 5.39924363e-18, 5.75765096e02]
    kr = [3.92477309e-12, 1.10957720e-02, 0.0]
    ss = steady_state(co_ox, table(co_ox, kf, kr), {"CO": 1.0, "O2": 1 / 3, "CO2": 0.0},
                      transient=False)
    assert any("continuation in ln k" in t for t in ss.tried)
    th_star = kr[0] / kf[0]
    assert ss.coverages["*"] == pytest.approx(th_star, rel=1e-9)
    assert ss.coverages["O*"] == pytest.approx(2 * kf[1] / 3 * th_star ** 2 / kf[2], rel=1e-9)
    assert ss.tof["CO2"] == pytest.approx(2 * kf[1] / 3 * th_star ** 2, rel=1e-9)
    assert ss.stable and ss.residual < 1e-8


def test_projected_eigenvalues_kernel_matches_numpy_twin():
    # the numba kernel of the stability check against numpy.linalg on random Jacobians
    # projected on random orthonormal bases (round-off: 1e-10 of the spectral radius)
    rng = np.random.default_rng(3)
    for S, k in ((3, 2), (5, 3), (6, 1)):
        J = rng.normal(size=(S, S))
        Z, _ = np.linalg.qr(rng.normal(size=(S, k)))
        Z = np.ascontiguousarray(Z)
        a = np.sort_complex(_kernels.projected_eigenvalues(Z, J))
        b = np.sort_complex(_reference.projected_eigenvalues(Z, J).astype(complex))
        assert np.max(np.abs(a - b)) <= 1e-10 * max(np.max(np.abs(b)), 1.0)
# ---- issue 20 item 7: one state reported once, noise is not a TOF, low T fails fast ------
NH3 = ["NH3 + * <=> NH3*", "NH3* + * <=> NH2* + H*", "NH2* + * <=> NH* + H*",
       "NH* + * <=> N* + H*", "2N* <=> N2 + 2*", "2H* <=> H2 + 2*"]


def test_stiff_network_reports_one_state_and_warns_about_loose_coverages():
    # NH3 decomposition with rate constants spread over 20 decades (log10 k below): NH3*
    # poisons the surface, the rates left are ~1e-25 s^-1 and the Jacobian has eigenvalues
    # within round-off of 0 (|lambda| ~ 1e-14 against 170 s^-1). Before: 14 "distinct"
    # verified steady states (14 stable) that are one state; now one, with warnings.
    from catscale.kinetics import steady_state

    mech = Mechanism.from_equations(NH3)
    lkf = [-1.9, -7.0, -9.7, 2.5, -4.5, 4.8]
    lkr = [-7.0, 11.6, -2.9, -9.4, 3.7, 11.2]
    rng = np.random.default_rng(0)          # the exact values the symptom was found with
    for _ in range(6):
        a, b = rng.uniform(-12, 13, 6), rng.uniform(-12, 13, 6)
    assert np.allclose(a, lkf, atol=0.05) and np.allclose(b, lkr, atol=0.05)
    ss = steady_state(mech, table(mech, 10 ** a, 10 ** b, 700.0),
                      {"NH3": 1.0, "N2": 0.0, "H2": 0.0})
    assert ss.n_steady_states == 1
    assert ss.coverages["NH3*"] == pytest.approx(1.0, abs=1e-5)
    assert any("not fixed by the kinetics" in w for w in ss.warnings)
    assert ss.to_dict()["warnings"] == list(ss.warnings)


def test_langmuir_equilibrium_has_no_noise_tof():
    # A + * <=> A* alone: the analytic steady state is the Langmuir isotherm
    # theta = K p / (1 + K p) with zero net production; the rounding left in
    # kf p theta_* - kr theta_A (gross 3e5 s^-1) is not a TOF of the reactant A
    from catscale.kinetics import steady_state

    mech = Mechanism.from_equations(["A + * <=> A*"])
    kf, kr, p = 1.0e6, 7.0e5, 0.3
    ss = steady_state(mech, table(mech, [kf], [kr]), {"A": p})
    K = kf / kr
    assert ss.coverages["A*"] == pytest.approx(K * p / (1 + K * p), rel=1e-12)
    assert ss.tof == {} and ss.production["A"] == 0.0
    assert abs(ss.rates[0]) <= 1e-14 * ss.rate_f[0] * 10


def test_flagship_at_20_and_1_kelvin_fails_fast_with_the_reason():
    # before: 20 K ran for minutes, 1 K for more than 5; the reverse rate constants of
    # O2 and CO2 formation underflow (barriers > 745 kT)
    import pathlib
    import time

    from catscale.errors import ConvergenceError
    from catscale.kinetics import steady_state
    from catscale.model import load_model

    m = load_model(pathlib.Path(__file__).parents[2] / "examples" / "co_oxidation_pt111.yaml")
    for T in (20.0, 1.0):
        t0 = time.perf_counter()
        with pytest.raises(ConvergenceError, match="underflow"):
            steady_state(m.mechanism, m.rates(T), m.pressures)
        assert time.perf_counter() - t0 < 1.0


def test_equilibrated_spectator_gas_gets_no_noise_tof():
    # X + * <=> X* beside CO oxidation: at the steady state X* is in adsorption equilibrium,
    # its net production is exactly 0 (X appears in no other step), but the difference of
    # gross rates of ~1e5 s^-1 left 9.1e-12 s^-1 that was reported as a TOF of X. The step
    # rates are reconciled with the steady state of the surface (nu r = 0, each step moved
    # within its noise): X's production is a surface balance (-d theta_X / dt), exactly 0.
    from catscale.kinetics import steady_state

    eqs = ["CO + * <=> CO*", "O2 + 2* <=> 2O*", "CO* + O* <=> CO2 + 2*", "X + * <=> X*"]
    mech = Mechanism.from_equations(eqs)
    rt = table(mech, [1e8, 1e4, 1e6, 1e6], [1e6, 1e-8, 1e-10, 0.37e6])
    ss = steady_state(mech, rt, {"CO": 1.0, "O2": 0.3, "CO2": 0.0, "X": 0.5})
    assert "X" not in ss.tof and ss.production["X"] == 0.0
    assert "X" not in ss.below_noise and not ss.warnings
    # the real TOF stays, and CO2 made = CO consumed = 2 O2 consumed (carbon and oxygen
    # balance) to round-off of the rates (1e-14 relative)
    tof = ss.tof["CO2"]
    assert abs(tof + ss.production["CO"]) <= 1e-14 * tof
    assert abs(tof + 2 * ss.production["O2"]) <= 1e-14 * tof
