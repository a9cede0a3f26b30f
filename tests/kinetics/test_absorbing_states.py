"""Absorbing (poisoned) steady states: a vertex of the coverage simplex where every step rate
is exactly zero, which no log-coverage solver reaches (theta = 0 is x = -inf).

Reference: the site (mean-field) approximation of the Ziff-Gulari-Barshad model, Dickman,
Phys. Rev. A 34, 4246 (1986). With CO adsorption at rate y theta_*, dissociative O2
adsorption at (1 - y) theta_*^2 and a fast CO* + O* reaction, the reactive state has
theta_* = y / (2 (1 - y)) (CO consumed = O consumed, theta_CO* -> 0); it exists for
y <= 2/3, above which the only steady state is the CO-poisoned surface (theta_CO* = 1, every
rate 0). Before: above y = 2/3 `catscale steady` searched for 5 s and failed with "no
verified steady state".
"""

from __future__ import annotations

import pathlib
import time

import pytest
import yaml
from kinetics_helpers import table

from catscale import load_model
from catscale.kinetics import steady_state
from catscale.mechanism import Mechanism

ROOT = pathlib.Path(__file__).resolve().parents[2]
ZGB = ["CO + * -> CO*", "O2 + 2* -> 2O*", "CO* + O* -> CO2 + 2*"]
#: the reaction 1e4 times faster than adsorption: theta_CO* theta_O* ~ 1e-4 of the
#: adsorption rate, so theta_* is y / (2 (1 - y)) to ~1e-4 relative
K_REACT = 1.0e4


def _zgb(y: float):
    mech = Mechanism.from_equations(ZGB)
    return steady_state(mech, table(mech, [1.0, 1.0, K_REACT], [0.0, 0.0, 0.0]),
                        {"CO": y, "O2": 1.0 - y, "CO2": 0.0})


@pytest.mark.parametrize("y", [0.3, 0.5, 0.6, 0.65])
def test_reactive_window_of_the_site_approximation(y):
    ss = _zgb(y)
    assert ss.method != "absorbing vertex" and ss.stable
    assert ss.coverages["*"] == pytest.approx(y / (2 * (1 - y)), rel=1e-3)
    assert ss.production["CO2"] == pytest.approx(y * ss.coverages["*"], rel=1e-9)


@pytest.mark.parametrize("y", [0.68, 0.7, 0.8, 0.95])
def test_co_poisoned_above_two_thirds(y):
    t = time.perf_counter()
    ss = _zgb(y)
    # was 5 s, then a ConvergenceError; the transient from the clean surface reaches the
    # vertex (to 1e-10) at t ~ 25-36 s of model time in ~0.1-0.3 s
    assert time.perf_counter() - t < 3.0
    assert ss.method == "absorbing vertex"
    assert ss.coverages == {"CO*": 1.0, "O*": 0.0, "*": 0.0}
    assert all(v == 0.0 for v in ss.production.values()) and ss.tof == {}
    assert ss.residual == 0.0 and ss.stable
    # linearisation at the vertex: a vacancy is refilled by CO at k p_CO = y (s^-1), an O*
    # reacts away at K_REACT theta_CO* (the O2 adsorption is second order in vacancies);
    # eigenvalues of the projected 2 x 2 Jacobian to round-off of its largest entry (1e4)
    assert sorted(ss.eigenvalues.real) == pytest.approx([-K_REACT, -y], abs=1e-9)
    assert any("absorbing (poisoned) state: CO* fills the surface" in w for w in ss.warnings)


def test_the_o_poisoned_vertex_is_unstable_and_not_reported():
    # theta_O* = 1 is absorbing too, but a CO* that lands reacts and frees two sites: a
    # saddle (det of the linearisation -y K_REACT < 0); the reactive state is reported
    ss = _zgb(0.3)
    assert ss.method != "absorbing vertex"
    assert all(a.coverages["O*"] != 1.0 for a in ss.alternatives)


@pytest.mark.parametrize("y", [0.3, 0.5, 0.65])
def test_reactive_window_also_has_the_stable_co_poisoned_state(y):
    # Below y = 2/3 the site approximation is bistable: the reactive state, the CO-poisoned
    # vertex (linearly stable at every y: a vacancy is refilled by CO at rate y, an O*
    # reacts away at K_REACT; eigenvalues -y and -K_REACT, the second order O2 adsorption
    # does not enter) and the saddle between their basins (Dickman 1986). Before: the
    # reactive state and the saddle only, n_steady_states = 2, and no word of the poisoned
    # state that the saddle separates it from.
    ss = _zgb(y)
    assert ss.n_steady_states == 3
    assert ss.method != "absorbing vertex"                     # the bare surface goes here
    assert ss.coverages["*"] == pytest.approx(y / (2 * (1 - y)), rel=1e-3)
    poisoned = [a for a in ss.alternatives if a.method == "absorbing vertex"]
    assert len(poisoned) == 1 and poisoned[0].coverages["CO*"] == 1.0 and poisoned[0].stable
    eig = sorted(poisoned[0].eigenvalues.real)
    assert eig == pytest.approx([-K_REACT, -y], rel=1e-12)
    saddle = [a for a in ss.alternatives if a.method != "absorbing vertex"]
    assert len(saddle) == 1 and not saddle[0].stable
    assert any("CO* fills the surface" in w and "exists beside this state" in w
               for w in ss.warnings)


def test_a_sink_adsorbate_poisons_the_surface(tmp_path):
    # A + * -> A* and B* -> B + * (A* -> B* deleted): A* is formed and never consumed
    doc = yaml.safe_load((ROOT / "tests" / "data" / "models" / "single_site_cycle.yaml")
                         .read_text())
    del doc["steps"][1]
    path = tmp_path / "sink.yaml"
    path.write_text(yaml.safe_dump(doc))
    ss = load_model(path).steady_state()
    assert ss.method == "absorbing vertex"
    assert ss.coverages["A*"] == 1.0 and ss.coverages["*"] == 0.0
    assert set(ss.rates.values()) == {0.0}


def test_the_cli_says_why_there_is_no_turnover(tmp_path):
    from typer.testing import CliRunner

    from catscale.cli.main import _register, app

    if not app.registered_commands:
        _register()
    path = tmp_path / "zgb.yaml"
    path.write_text(yaml.safe_dump({
        "catscale": 1, "name": "ZGB site approximation",
        "conditions": {"T": 500, "pressures": {"CO": "0.8 bar", "O2": "0.2 bar", "CO2": 0}},
        "sites": {"*": {"density": "1.5e19 m^-2"}},
        "species": {"CO": {"phase": "gas"}, "O2": {"phase": "gas"},
                    "CO2": {"phase": "gas"}, "CO*": {}, "O*": {}},
        "steps": [{"equation": e, "k_f": k} for e, k in zip(ZGB, (1.0, 1.0, K_REACT))]}))
    r = CliRunner().invoke(app, ["steady", str(path), "--product", "CO2"])
    assert r.exit_code == 0, r.stderr
    assert "TOF = 0: no gas is produced" in r.stdout
    assert "warning: steady state: absorbing (poisoned) state: CO* fills" in r.stdout
    assert "warning: CO2 is not produced: its degree of rate control" in r.stdout
    r = CliRunner().invoke(app, ["steady", str(path), "--json"])
    d = __import__("json").loads(r.stdout)
    assert d["method"] == "absorbing vertex" and d["coverages"]["CO*"] == 1.0
    assert any("absorbing (poisoned) state" in w for w in d["warnings"])


def test_mean_field_and_kmc_agree_on_the_poisoned_surface(tmp_path):
    # y = 0.8 is above both the mean-field (2/3) and the lattice (0.525, Ziff, Gulari and
    # Barshad, Phys. Rev. Lett. 56, 2553 (1986)) poisoning points: both sides are exactly
    # CO-poisoned, so mean field is valid here (before: "questionable, kMC reached an
    # absorbing state", with mean field failing to find any state)
    path = tmp_path / "zgb.yaml"
    path.write_text(yaml.safe_dump({
        "catscale": 1, "name": "ZGB",
        "conditions": {"T": 500, "pressures": {"CO": "0.8 bar", "O2": "0.2 bar", "CO2": 0}},
        "sites": {"*": {"density": "1.5e19 m^-2"}},
        "species": {"CO": {"phase": "gas"}, "O2": {"phase": "gas"},
                    "CO2": {"phase": "gas"}, "CO*": {}, "O*": {}},
        "steps": [{"equation": e, "k_f": k} for e, k in zip(ZGB, (1.0, 1.0, K_REACT))]}))
    res = load_model(path).compare(events=100_000, seed=1, size=16)
    assert res.kmc.status == "absorbing"
    assert res.mean_field.coverages["CO*"] == 1.0 and res.kmc.coverages["CO*"] == 1.0
    assert res.verdict == "valid", res.reasons
