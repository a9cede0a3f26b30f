"""kMC that has not converged is never "ok" (issue 20, item 1).

Reference: conservation of the elements. At a steady state the surface inventory is
constant, so the gas TOFs conserve every element. For NH3 decomposition, 2 NH3 -> N2 + 3 H2
(the overall stoichiometry), TOF(N2) = -TOF(NH3) / 2 and TOF(H2) = -3/2 TOF(NH3). A run
shorter than the surface's relaxation consumes NH3 while N* piles up and no N2 leaves: its
"TOFs" violate the N balance by 100 %, and must not be reported as a steady state.
"""

import json
import math
import pathlib

import numpy as np
import pytest
from conftest import co_ox, make

from catscale.bridges.rates_to_kmc import kmc_relaxation_time, relaxation_time
from catscale.kmc import KMCConfig, Lattice, assess, simulate
from catscale.scales import mean_field_verdict

NH3 = pathlib.Path(__file__).parents[1] / "data" / "models" / "nh3_decomposition_ru.yaml"


def _nh3():
    from catscale.model import load_model

    return load_model(str(NH3))


def test_short_nh3_run_is_not_converged_and_compare_inconclusive():
    # the case: 1e6 events (its kmc section) simulate ~4e-5 s against a mean-field
    # relaxation time of 2.4e-4 s; measured before the fix: status ok, TOF(NH3) = -3.4e3 and
    # TOF(N2) = 0 s^-1, and compare called mean field INVALID
    from catscale.stages import compare as _compare_stage

    def compare_model(m, **kw):
        return _compare_stage.run(m, **kw).to_dict()

    out = compare_model(_nh3())
    k = out["kmc"]
    assert k["status"] == "not_converged"
    assert any(r.startswith("element balance of N violated") for r in k["reasons"]), k["reasons"]
    bal = k["convergence"]["balance"]["N"]
    assert bal["relative"] > 0.9 and abs(bal["residual"]) > 3 * bal["error"]
    assert k["tof"]["N2"] == 0.0 and k["tof"]["NH3"] < 0
    assert any("relaxation times" in r for r in k["reasons"])
    assert out["verdict"] == "inconclusive"
    assert out["reasons"][0].startswith("kMC not converged:")


def test_target_error_converges_and_conserves_the_elements():
    # the same model run until converged (relative TOF error 5 %, with fast-diffusion
    # scaling of the quasi-equilibrated NH3 adsorption on a 12 x 12 lattice): the run is
    # continued past its 2e5 events until the checks pass; then the TOFs obey the
    # stoichiometry within their error bars (3 sigma; the errors are combined as if
    # independent, which overestimates the error of a difference of correlated TOFs)
    from catscale.stages import compare as _compare_stage

    def compare_model(m, **kw):
        return _compare_stage.run(m, **kw).to_dict()

    out = compare_model(_nh3(), size=(12, 12), events=200_000, fast_diffusion=True,
                        target_error=0.05, max_events=20_000_000)
    k = out["kmc"]
    assert k["status"] == "ok", k["reasons"]
    assert 200_000 < k["events"] <= 20_000_000
    tof, err = k["tof"], k["tof_error"]
    assert tof["N2"] > 0 and tof["H2"] > 0 and tof["NH3"] < 0
    for g in tof:
        assert err[g] <= 0.05 * abs(tof[g])
    assert abs(tof["N2"] + tof["NH3"] / 2) <= 3 * math.hypot(err["N2"], err["NH3"] / 2)
    assert abs(tof["H2"] + 1.5 * tof["NH3"]) <= 3 * math.hypot(err["H2"], 1.5 * err["NH3"])
    assert k["convergence"]["time"] > 5 * k["convergence"]["relaxation_time"]
    assert out["verdict"] in ("valid", "questionable", "invalid")


def test_run_until_converged_continues_the_same_trajectory():
    # the extension continues the base run (same blocks, same random stream); an
    # unreachable target ends at the event cap with status not_converged
    lat = Lattice.square(8)
    km = co_ox(lat)[2]
    base = KMCConfig(events=20_000, blocks=10, seed=3)
    a = simulate(km, lat, base)
    b = simulate(km, lat, KMCConfig(events=20_000, blocks=10, seed=3, target_error=1e-4,
                                    max_events=80_000))
    assert b.events == 80_000 and len(b.blocks["t"]) == 40
    np.testing.assert_array_equal(a.blocks["t"], b.blocks["t"][:10])
    np.testing.assert_array_equal(a.blocks["count"], b.blocks["count"][:10])
    assert b.status == "not_converged"
    assert any("above the target" in r for r in b.reasons)
    assert b.summary()["reasons"] == b.reasons


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_converged_runs_stay_ok(seed):
    # no false alarms: reversible CO oxidation (Langmuir-Hinshelwood) far beyond its
    # relaxation time, and the single-site cycle A + * -> A* -> B* -> B + * (gases of unknown
    # composition: its balance is the conserved moiety A + B). Measured: 0 of 200 seeds
    # flagged for each (and 0 of 200 for the reactive ZGB model, tests/kmc/test_validation).
    lat = Lattice.square(16)
    mech, rt, km = co_ox(lat)
    tau = kmc_relaxation_time(mech, rt, {"CO": 1.0, "O2": 0.5}, km, lat)
    r = simulate(km, lat, KMCConfig(events=150_000, seed=seed, relaxation_time=tau))
    assert r.status == "ok", r.reasons
    assert set(r.convergence["balance"]) == {"C", "O"} and not r.warnings
    mech, rt, km = make(["A + * -> A*", "A* -> B*", "B* -> B + *"], [2.0, 1.0, 1.0],
                        [0, 0, 0], {"A": 1.0}, lat)
    tau = kmc_relaxation_time(mech, rt, {"A": 1.0}, km, lat)
    assert tau == pytest.approx(0.5, rel=1e-6)  # slowest eigenvalue of the cycle: -2 s^-1
    r = simulate(km, lat, KMCConfig(events=60_000, seed=seed, relaxation_time=tau))
    assert r.status == "ok", r.reasons
    assert set(r.convergence["balance"]) == {"A + B"} and not r.warnings


def test_time_cap_before_the_first_block():
    lat = Lattice.square(8)
    km = co_ox(lat)[2]
    r = simulate(km, lat, KMCConfig(events=100_000, seed=1, t_max=1e-3))
    assert r.status == "not_converged"
    assert r.reasons[0].startswith("the time cap t_max = 0.001 s (kmc.time) was reached")
    assert "before the first of 20 blocks ended" in r.reasons[0]
    assert any("time cap" in w for w in r.warnings)


def test_time_cap_cli_says_so_and_prints_no_nan(tmp_path):
    # before: status t_max and "TOF(NH3) = -19531 +- nan s^-1"
    from typer.testing import CliRunner

    from catscale.cli.main import _register, app

    if not app.registered_commands:
        _register()
    path = tmp_path / "tmax.yaml"
    path.write_text(NH3.read_text().replace("  seed: 1\n", "  seed: 1\n  time: 1.0e-7\n"))
    runner = CliRunner()
    r = runner.invoke(app, ["kmc", str(path), "--size", "8"])
    assert r.exit_code == 0, r.output
    assert "status not_converged" in r.output and "time cap" in r.output
    assert "nan" not in r.output.lower() and "no error bar" in r.output
    r = runner.invoke(app, ["kmc", str(path), "--size", "8", "--json"])
    out = json.loads(r.output)
    assert out["status"] == "not_converged" and out["reasons"] and out["warnings"]
    assert all(v is None for v in out["tof_error"].values())


def test_checks_on_synthetic_blocks():
    # element balance: A -> B at 1 s^-1 with no B leaving (a filling surface) fails by
    # 100 %; balanced TOFs pass. Drift: a coverage ramp fails, a constant one passes.
    w = np.ones(10)
    comp = {"A": {"C": 1}, "B": {"C": 1}}
    tof_b = np.column_stack([-np.ones(10) + 0.01 * np.sin(np.arange(10)), np.zeros(10)])
    cov = np.linspace(0.1, 0.5, 10)[:, None]
    c = assess(tof_b, cov, w, ("A", "B"), ("B*",), comp, {"A": -1.0, "B": 0.0},
               {"A": 0.003, "B": 0.0}, time=10.0, relaxation_time=0.1)
    assert not c.converged and c.balance["C"]["relative"] == pytest.approx(1.0)
    assert any("element balance of C" in r for r in c.reasons)
    assert any("drifts" in r for r in c.reasons)
    good = np.column_stack([tof_b[:, 0], -tof_b[:, 0]])
    flat = 0.3 + 0.001 * np.cos(np.arange(10))[:, None]
    c = assess(good, flat, w, ("A", "B"), ("B*",), comp, {"A": -1.0, "B": 1.0},
               {"A": 0.003, "B": 0.003}, time=10.0, relaxation_time=0.1, target=0.01)
    assert c.converged, c.reasons
    c = assess(good, flat, w, ("A", "B"), ("B*",), comp, {"A": -1.0, "B": 1.0},
               {"A": 0.003, "B": 0.003}, time=10.0, relaxation_time=4.0)
    assert c.reasons == ["simulated time 10 s is 2.5 mean-field relaxation times (tau = 4 s); "
                         "at least 5 needed"]


def test_relaxation_time_of_a_langmuir_step():
    # A + * <=> A*: d theta/dt = k_f p (1 - theta) - k_r theta relaxes at k_f p + k_r
    from catscale.kinetics import steady_state
    from catscale.mechanism import Mechanism, RateTable

    mech = Mechanism.from_equations(["A + * <=> A*"])
    ss = steady_state(mech, RateTable(300.0, ["A + * <=> A*"], [4.0], [1.0]), {"A": 0.5})
    assert relaxation_time(ss) == pytest.approx(1.0 / (4.0 * 0.5 + 1.0), rel=1e-9)


def test_verdict_rule():
    assert mean_field_verdict(True, ["x"], "not_converged", ["short"]) == (
        "inconclusive", ["kMC not converged: short", "x"])
    assert mean_field_verdict(True, ["x"], "ok")[0] == "invalid"
    assert mean_field_verdict(False, ["x"], "absorbing")[0] == "questionable"
    assert mean_field_verdict(False, [], "t_max")[0] == "valid"


def test_moieties_hold_every_element_balance_of_a_balanced_mechanism():
    # the left null space of the stoichiometry, projected on the gases, contains each
    # element's law: for NH3 decomposition on Ru the N and H balances (NH3 + 2 N2, 3 NH3 +
    # 2 H2) lie in the span of the moieties found without any composition (to 1e-12)
    from catscale.bridges.rates_to_kmc import kmc_model
    from catscale.kmc._convergence import conserved_moieties, moiety_composition

    m = _nh3()
    km = kmc_model(m.mechanism, m.rates(), m.pressures, Lattice.square(8))
    changes = []
    for p in km.processes:
        surf = {}
        for sp in p.initial:
            surf[sp] = surf.get(sp, 0) - 1
        for sp in p.final:
            surf[sp] = surf.get(sp, 0) + 1
        changes.append((dict(p.gas), surf))
    laws = conserved_moieties(km.gases, km.species, changes)
    gases = [g for g in km.gases if any(g in c for c in laws.values())]
    basis = np.array([[laws[k].get(g, 0.0) for g in gases] for k in laws])
    assert len(laws) == 2          # 3 gases, one overall reaction: 3 - 1 conserved laws
    comp = km.composition
    for e in ("N", "H"):
        v = np.array([comp[g].get(e, 0) for g in gases], dtype=float)
        coef, *_ = np.linalg.lstsq(basis.T, v, rcond=None)
        assert np.abs(basis.T @ coef - v).max() < 1e-12
    assert set(moiety_composition(laws)) == set(gases)


def test_label_gases_filling_surface_fails_the_moiety_balance():
    # A + * -> A* -> B* -> B + * with B* leaving slowly (0.01 s^-1) and a short run (300
    # events, 0.8 s): the surface is still filling with B*, A is consumed and little B
    # leaves; before, labels
    # had no element balance and only the drift and time checks could see it. Now the law
    # TOF(A) + TOF(B) = 0 fails by most of the flux.
    lat = Lattice.square(16)
    mech, rt, km = make(["A + * -> A*", "A* -> B*", "B* -> B + *"], [2.0, 1.0, 0.01],
                        [0, 0, 0], {"A": 1.0}, lat)
    r = simulate(km, lat, KMCConfig(events=300, seed=1))       # 0.8 s of ~100 s to fill
    assert r.status == "not_converged"
    assert any(x.startswith("balance of the conserved moiety A + B violated")
               for x in r.reasons), r.reasons
    assert r.convergence["balance"]["A + B"]["relative"] > 0.5


def test_a_moiety_named_like_an_element_is_called_a_moiety():
    # a label gas B (not boron) whose law is "B": the reason names a conserved moiety in
    # molecules, decided by where the balance came from, not by whether "B" is a symbol
    w = np.ones(10)
    tof_b = np.column_stack([-np.ones(10) + 0.01 * np.sin(np.arange(10))])
    cov = 0.3 + 0.001 * np.cos(np.arange(10))[:, None]
    args = (tof_b, cov, w, ("B",), ("B*",), {"B": {"B": 1.0}}, {"B": -1.0}, {"B": 0.003})
    c = assess(*args, time=10.0, relaxation_time=0.1, moieties=True)
    assert any(r.startswith("balance of the conserved moiety B violated") and "molecules" in r
               for r in c.reasons), c.reasons
    c = assess(*args, time=10.0, relaxation_time=0.1)
    assert any(r.startswith("element balance of B violated") for r in c.reasons), c.reasons
