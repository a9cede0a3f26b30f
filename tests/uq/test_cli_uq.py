"""``catscale uq``: JSON contract, exit codes, plots."""

import json
import subprocess
import sys

import pytest

SECTION = """
uncertainty:
  samples: 8
  seed: 2
  inputs:
    - {name: dft, kind: epistemic, species: [CO*, O*], distribution: normal, sigma: 0.05,
       correlation: 0.3}
    - {name: ts, kind: epistemic, species: ["ts:1", "ts:2"], systematic: true,
       distribution: normal, sigma: 0.03}
"""


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "catscale.cli.main", *map(str, args)],
                          capture_output=True, text=True)


@pytest.mark.slow
def test_uq_json_contract_and_plots(model_with, tmp_path):
    p = _cli("uq", model_with(SECTION), "--samples", 8, "--scheduler", "serial",
             "--sensitivity", 8, "--plots", tmp_path / "plots", "--json")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.strip().splitlines()
    assert len(lines) == 1
    d = json.loads(lines[0])
    assert d["samples"] == 8 and d["failed"] == 0 and d["product"] == "CO2"
    s = d["outputs"]["log10_tof"]
    assert s["ci_low"] <= s["median"] <= s["ci_high"]
    assert {r["input"] for r in d["sensitivity"]["ranked"]["log10_tof"]} == {"dft", "ts"}
    assert (tmp_path / "plots" / "uq_hist.png").stat().st_size > 1000
    assert (tmp_path / "plots" / "uq_sobol.png").stat().st_size > 1000


def test_uq_bad_input_exits_2(model_with, capfd):
    import dask
    from typer.testing import CliRunner

    from catscale.cli.main import _register, app

    _register()
    run = CliRunner().invoke
    scheduler_before = dask.config.get("scheduler", None)
    cases = [([str(model_with("", "a.yaml")), "--scheduler", "serial"], "uncertainty"),
             ([str(model_with(SECTION)), "--method", "magic"], "--method"),
             ([str(model_with(SECTION, "b.yaml")), "--scheduler", "mpi://x", "-n", "4"],
              "scheduler")]
    for args, words in cases:
        r = run(app, ["uq", *args, "--json"])
        err = capfd.readouterr().err + (r.stderr if r.stderr_bytes is not None else "")
        assert r.exit_code == 2, (args, r.output)
        assert words in err, err
        assert r.stdout == ""
    # a failed connection must not leave dask's global scheduler pointing at a closed
    # distributed client (xarray's netCDF writer would then fail later in the process)
    assert dask.config.get("scheduler", None) == scheduler_before
    from distributed.client import _get_global_client

    assert _get_global_client() is None     # nor a failed client as the global default
