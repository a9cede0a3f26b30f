"""Command-line contract of DESIGN.md for validate, rates and run: one JSON object on stdout,
the documented keys, exit codes 0 / 2."""

import json
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "examples" / "co_oxidation_pt111.yaml"


def cli(*args):
    return subprocess.run([sys.executable, "-m", "catscale.cli.main", *args],
                          capture_output=True, text=True, timeout=300)


def test_validate_ok_one_line():
    r = cli("validate", str(FLAGSHIP))
    assert r.returncode == 0
    assert r.stdout.count("\n") == 1 and r.stdout.startswith("ok: ")


def test_rates_json_keys():
    r = cli("rates", str(FLAGSHIP), "--json")
    assert r.returncode == 0, r.stderr
    obj = json.loads(r.stdout)
    assert set(obj) == {"T", "steps", "warnings"} and obj["T"] == 500.0
    assert len(obj["steps"]) == 3
    for s in obj["steps"]:
        assert set(s) == {"equation", "dG", "dG_act", "barrier_kind", "k_f", "k_r", "K_eq"}
        assert s["k_f"] > 0 and s["k_r"] > 0
        assert s["k_f"] / s["k_r"] == pytest.approx(s["K_eq"], rel=1e-12)


def test_rates_other_temperature():
    r = cli("rates", str(FLAGSHIP), "--json", "--T", "600")
    assert json.loads(r.stdout)["T"] == 600.0


def test_run_writes_summary(tmp_path):
    out = tmp_path / "out"
    r = cli("run", str(FLAGSHIP), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "O2 + 2* <=> 2O*" in r.stdout and "TOF(CO2)" in r.stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["rates"]["T"] == 500.0
    steady = summary["steady"]
    assert steady["residual"] < 1e-8 and steady["stable"] is True
    # Campbell's degree of rate control sums to one over the steps (validation README)
    assert sum(steady["drc"].values()) == pytest.approx(1.0, abs=1e-8)
    assert summary["provenance"]["input_sha256"]


def test_run_bad_model_exit_2(tmp_path):
    bad = ROOT / "tests" / "data" / "bad_models" / "unbalanced_sites.yaml"
    r = cli("run", str(bad), "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "sites do not balance" in r.stderr
