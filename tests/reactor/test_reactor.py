"""Reactors (analytic first-order limits, closure), the pellet/kinetics bridges and the CLI."""

import json
import subprocess
import sys

import numpy as np
import pytest

from catscale.bridges.kinetics_to_pellet import (
    MicrokineticCoupling,
    microkinetic_rate_law,
    surrogate_rate_law,
    tof_to_volumetric,
)
from catscale.bridges.pellet_to_reactor import BedRateSpec, bed_rate_from_pellet
from catscale.errors import InvalidParameterError
from catscale.mechanism import Mechanism, RateTable, Site
from catscale.pellet import Pellet, RateLaw, effectiveness_first_order, power_law, solve_pellet
from catscale.reactor import cstr, pfr
from catscale.units import NA, R

P, T = 1e5, 500.0


def first_order(k):
    return lambda c, T: (np.array([-k * c[0], k * c[0]]), 0.0)


def test_isothermal_pfr_and_cstr_first_order_analytic():
    # PFR X = 1 - exp(-k tau), CSTR X = k tau / (1 + k tau), tau = V / Q (constant Q)
    k, V = 2.0, 0.05
    F = np.array([1.0, 0.0])
    tau = V / (F.sum() * R * T / P)
    r = pfr(first_order(k), ("A", "B"), F, T, P, V, invariants=[[1, 1]], rtol=1e-11)
    assert r.conversion == pytest.approx(1 - np.exp(-k * tau), rel=1e-8)   # RK45 rtol 1e-11
    assert r.closure < 1e-14                     # linear invariant F_A + F_B: round-off
    assert r.selectivity["B"] == pytest.approx(1.0, rel=1e-12)
    c = cstr(first_order(k), ("A", "B"), F, T, P, V)
    assert c.conversion == pytest.approx(k * tau / (1 + k * tau), rel=1e-10)
    assert c.closure < 1e-12


def test_adiabatic_pfr_energy_balance_is_exact():
    # A -> B, constant cp and F_t: T - T_in = (-dH) (F_A0 - F_A) / (F_t cp) at every point
    dH, cp = -5e4, 40.0

    def rate(c, T):
        r = 1.0 * np.exp(-8000.0 * (1 / T - 1 / 500.0)) * c[0]
        return np.array([-r, r]), -dH * r

    F = np.array([0.2, 0.8])
    res = pfr(rate, ("A", "B"), F, T, P, 0.02, adiabatic=True, heat_capacity=cp,
              invariants=[[1, 1]])
    rise = (-dH) * (F[0] - res.F[0]) / (F.sum() * cp)
    assert np.allclose(res.T - T, rise, rtol=1e-9, atol=1e-9)   # linear invariant of RK
    assert res.T[-1] > T


def test_adiabatic_cstr_three_steady_states():
    # first-order exothermic adiabatic CSTR: X = k(T) tau / (1 + k(T) tau), T = T_in + dT_ad X;
    # reference roots from a dense scan of the scalar heat balance
    dH, cp, E = -3.0e4, 50.0, 1.0e5
    Fin = np.array([1.0, 0.0])
    V = 0.025
    Q = Fin.sum() * R * 400.0 / P

    def k(T):
        return 0.002 * np.exp(-E / R * (1 / T - 1 / 400.0))

    def rate(c, T):
        r = k(T) * c[0]
        return np.array([-r, r]), -dH * r

    res = cstr(rate, ("A", "B"), Fin, 400.0, P, V, adiabatic=True, heat_capacity=cp,
               T_max=1000.0)
    dTad = -dH / cp
    Ts = np.linspace(400.0, 400.0 + dTad, 600001)
    # concentrations use the outlet T: c_A = F_A P / (F_t R T), so tau(T) = V P / (F_t R T)
    g = (Ts - 400.0) / dTad - k(Ts) * V * P / (R * Ts) / (1 + k(Ts) * V * P / (R * Ts))
    roots = Ts[1:][np.sign(g[1:]) != np.sign(g[:-1])]
    assert Q > 0 and len(roots) == 3
    found = sorted(t for _, t in res.states)
    assert len(found) == 3
    assert np.allclose(found, roots, atol=0.01)           # scan resolution 0.001 K


@pytest.mark.slow
def test_pfr_with_pellet_effectiveness_matches_analytic_eta():
    # first order everywhere: bed rate = (1 - eps_b) eta k c with eta the sphere formula
    # (eta independent of c for first order), so X = 1 - exp(-(1-eps) eta k tau)
    R_p, D, k = 1e-3, 1e-6, 10.0
    pel = Pellet("sphere", R_p, D)
    kin = power_law(k, 1.0, species=("A", "B"), stoichiometry=(-1, 1))
    spec = BedRateSpec(pel, kin, 0.4, n_cells=200)
    phi = R_p / 3 * np.sqrt(k / D)
    eta = effectiveness_first_order(phi, "sphere")
    F = np.array([1e-3, 0.0])
    V = 1e-4
    tau = V / (F.sum() * R * T / P)
    res = pfr(bed_rate_from_pellet(spec), ("A", "B"), F, T, P, V, invariants=[[1, 1]])
    # FV error in eta at 200 cells ~1e-5 relative: tolerance 1e-4 on the conversion
    assert res.conversion == pytest.approx(1 - np.exp(-0.6 * eta * k * tau), rel=1e-4)
    assert res.closure < 1e-10     # pellet surface fluxes keep R_A = -R_B to round-off


def _langmuir_mechanism():
    mech = Mechanism.from_equations(["A + * <=> A*", "A* -> B + *"], sites=[Site("*", 1e19)])
    rt = RateTable(T, ("A + * <=> A*", "A* -> B + *"), [100.0, 5.0], [50.0, 0.0])
    return mech, rt


def test_microkinetic_rate_law_unit_conversion():
    # A + * <=> A*, A* -> B + *: theta_A = k1 p / (k1 p + k-1 + k2), TOF = k2 theta_A (exact)
    mech, rt = _langmuir_mechanism()
    S_v = 2e6
    law = microkinetic_rate_law(MicrokineticCoupling(mech, rt, S_v, gas_species=("A", "B")))
    c = np.array([[10.0, 30.0], [0.0, 1.0]])
    Rv = law(c, np.array([T, T]))
    p = c[0] * R * T / 1e5
    tof = 5.0 * 100.0 * p / (100.0 * p + 50.0 + 5.0)
    assert np.allclose(-Rv[0], tof * 1e19 * S_v / NA, rtol=1e-8)
    assert np.allclose(Rv[1], -Rv[0], rtol=1e-10)
    assert tof_to_volumetric(1.0, 1e19, 1.0) == pytest.approx(1e19 / NA)


def test_surrogate_is_verified_and_gives_the_same_pellet():
    mech, rt = _langmuir_mechanism()
    law = microkinetic_rate_law(MicrokineticCoupling(mech, rt, 2e6, gas_species=("A", "B")))
    cb = np.array([24.0, 0.0])
    sur, err = surrogate_rate_law(law, [25.0, 25.0], (T, T), n_c=17)
    # cubic interpolation of a smooth Langmuir law on 17 points (9 give 1.1e-3): < 1e-3
    assert err < 1e-3
    pel = Pellet("slab", 5e-4, 1e-6)
    direct = solve_pellet(pel, law, cb, T, n_cells=30, method="newton")
    tab = solve_pellet(pel, sur, cb, T, n_cells=30, method="newton")
    assert tab.effectiveness == pytest.approx(direct.effectiveness, rel=1e-3)
    assert direct.mass_balance_error < 1e-12


def test_bad_reactor_input():
    with pytest.raises(InvalidParameterError, match="F_in"):
        pfr(first_order(1.0), ("A", "B"), [-1.0, 0.0], T, P, 1.0)
    with pytest.raises(InvalidParameterError, match="heat_capacity"):
        pfr(first_order(1.0), ("A", "B"), [1.0, 0.0], T, P, 1.0, adiabatic=True)
    with pytest.raises(InvalidParameterError, match="bed_voidage"):
        BedRateSpec(Pellet("slab", 1.0, 1.0), power_law(1.0), 1.5)


MODEL = """catscale: 1
name: A to B on pellets
conditions:
  T: 500
  pressures: {A: 1.0, B: 0.0}
sites:
  "*": {density: 1.0e19 m^-2}
species:
  A: {phase: gas}
  B: {phase: gas}
  A*: {}
steps:
  - equation: A + * <=> A*
    k_f: 1.0e3
    k_r: 1.0e3
  - equation: A* -> B + *
    k_f: 50.0
pellet:
  shape: sphere
  size: 1 mm
  D_eff: 1.0e-6 m^2/s
  kinetics: {order: 1, k: 10.0, product: B}
reactor: {type: pfr, volume: 1.0e-5, flow: 1.0e-3, bed_voidage: 0.4, n_points: 5}
"""


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "catscale.cli.main", *args],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_cli_pellet_and_reactor_json(tmp_path):
    f = tmp_path / "m.yaml"
    f.write_text(MODEL)
    out = _cli("pellet", str(f), "--json")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    for key in ("thiele", "effectiveness", "regime", "profiles"):
        assert key in d
    # phi = (R/3) sqrt(k/D) = 1.05409 for R = 1 mm, k = 10 s^-1, D = 1e-6 m^2/s
    assert d["thiele"] == pytest.approx(1e-3 / 3 * np.sqrt(10 / 1e-6), rel=1e-12)
    assert d["effectiveness"] == pytest.approx(
        effectiveness_first_order(d["thiele"], "sphere"), rel=2e-5)  # 200 cells, O(h^2)
    out = _cli("reactor", str(f), "--json")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert 0 < d["conversion"] < 1 and d["selectivity"]["B"] == pytest.approx(1.0, 1e-9)


def test_cli_bad_input_exit_2(tmp_path):
    f = tmp_path / "m.yaml"
    f.write_text(MODEL.replace("shape: sphere", "shape: cube"))
    out = _cli("pellet", str(f), "--json")
    assert out.returncode == 2 and "pellet.shape" in out.stderr and out.stdout == ""
    f.write_text(MODEL.replace("reactor: {type: pfr, ", "reactor: {type: pfr, wrong: 1, "))
    out = _cli("reactor", str(f), "--json")
    assert out.returncode == 2 and "Traceback" not in out.stderr


# the same A -> B system with microkinetics inside the pellets (no pellet.kinetics)
MK_MODEL = (MODEL.replace("k_f: 1.0e3\n    k_r: 1.0e3", "k_f: 1.0e5\n    k_r: 1.0")
            .split("pellet:")[0]
            + """pellet: {shape: sphere, size: 1 mm, D_eff: 1.0e-6 m^2/s, specific_area: 3.0e6,
         species: [A, B]}
reactor: {type: pfr, volume: 2.0e-6, flow: 1.0e-3, bed_voidage: 0.4, n_points: 5,
          pellet_cells: 40}
""")


@pytest.mark.slow
def test_reactor_verifies_its_microkinetic_table_on_the_bed(tmp_path):
    # Langmuir-Hinshelwood A + * <=> A*, A* -> B + * with K p >> 1: zero order down to
    # p ~ (k-1 + k2)/k1 = 5e-4 bar, then first order. The pellet core runs out of A, where
    # the default table (9 uniform nodes on [0, 1.05 c_bulk]) is wrong by ~80 % of the
    # largest rate. The reactor must detect that on the bed's own pellets and refine (nodes
    # graded towards c -> 0), and then agree with the same bed computed with the exact rate
    # law TOF = k2 k1 p / (k1 p + k-1 + k2).
    from catscale.stages import reactor as _reactor_stage

    def reactor_summary(m, **kw):
        return _reactor_stage.run(m, **kw).to_dict()
    from catscale.model import load_model

    f = tmp_path / "mk.yaml"
    f.write_text(MK_MODEL)
    m = load_model(f)
    unverified = reactor_summary(m, max_rounds=0)
    assert unverified["surrogate_error"] > 0.1 and unverified["warnings"]
    out = reactor_summary(m)
    assert out["rate_law"] == "surrogate"
    assert out["surrogate_error"] <= 1e-3 and not out["warnings"]

    k1, km1, k2, S_v = 1e5, 1.0, 50.0, 3e6

    def prod(c, T):
        p = np.maximum(c[0], 0.0) * R * T / 1e5
        r = k2 * k1 * p / (k1 * p + km1 + k2) * 1e19 * S_v / NA
        return np.stack([-r, r])

    exact = BedRateSpec(Pellet("sphere", 1e-3, 1e-6), RateLaw(("A", "B"), prod, None, 0),
                        0.4, 40)
    ref = pfr(bed_rate_from_pellet(exact), ("A", "B"), np.array([1e-3, 0.0]), T, 1e5, 2e-6,
              n_points=5)
    # a verified rate error <= 1e-3 of the largest rate moves the conversion by less than
    # that (measured 3e-7); the unverified table is off by ~3 % (measured 0.798 vs 0.822)
    assert out["conversion"] == pytest.approx(ref.conversion, rel=1e-3)
    assert abs(unverified["conversion"] / ref.conversion - 1) > 1e-2


def test_selectivity_of_parallel_first_order_reactions_is_k_i_over_sum_k():
    # A -> 2B (k1), A -> C (k2), isothermal, in a PFR and a CSTR: of every A converted a
    # fraction k1/(k1+k2) goes to B (two B per A) and k2/(k1+k2) to C, at any conversion
    # (Levenspiel, Chemical Reaction Engineering, ch. 7: parallel reactions of equal order);
    # yields are those fractions times the conversion
    k1, k2, V = 3.0, 1.0, 0.02

    def rate(c, T):
        r1, r2 = k1 * c[0], k2 * c[0]
        return np.array([-r1 - r2, 2 * r1, r2]), 0.0

    F = np.array([1.0, 0.0, 0.0])
    sto = {"A": 1.0, "B": 0.5, "C": 1.0}                  # moles of A per mole of product
    for run in (pfr, cstr):
        kw = {"rtol": 1e-10} if run is pfr else {}
        r = run(rate, ("A", "B", "C"), F, T, P, V, stoichiometry=sto, **kw)
        assert r.selectivity["B"] == pytest.approx(k1 / (k1 + k2), rel=1e-9)
        assert r.selectivity["C"] == pytest.approx(k2 / (k1 + k2), rel=1e-9)
        assert sum(r.selectivity.values()) == pytest.approx(1.0, rel=1e-12)
        assert sum(r.yields.values()) == pytest.approx(r.conversion, rel=1e-8)
        assert r.yields["B"] == pytest.approx(r.conversion * k1 / (k1 + k2), rel=1e-8)
        assert abs(r.key_balance) < 1e-8
        assert r.to_dict()["yields"] == r.yields
    # the same stoichiometry from the atom matrix: B = A/2 (one 'X' atom), A, C two each
    r = pfr(rate, ("A", "B", "C"), F, T, P, V, invariants=[[2, 1, 2]], rtol=1e-10)
    assert r.selectivity["B"] == pytest.approx(k1 / (k1 + k2), rel=1e-9)


def test_key_per_product_follows_the_key_atoms_and_skips_co_products():
    from catscale.reactor import key_per_product

    # CO + 1/2 O2 -> CO2 ; rows C, O ; species CO, O2, CO2: C is carried only by CO
    s = key_per_product(("CO", "O2", "CO2"), 0, [1.0, 0.5, 0.0], [[1, 0, 1], [1, 2, 2]])
    assert s == {"CO": 1.0, "O2": 0.0, "CO2": 1.0}
