"""``catscale diffusion`` and the ``diffusion:`` model-file section."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from catscale.cli.main import _register, app
from catscale.model.sections.diffusion import DiffusionSection, parse_coverages

MODEL = """\
catscale: 1
name: CO hopping on a square lattice
conditions: {T: 300, pressures: {CO: 1.0}}
sites: {"*": {density: 1.5e19 m^-2}}
species:
  CO: {phase: gas, energy: 0.0}
  CO*: {energy: -1.0}
steps:
  - {equation: CO + * <=> CO*, k_f: 1.0, k_r: 1.0}
lateral: {"CO*-CO*": %s}
diffusion:
  species: CO*
  hop_rate: 2.0e6
  a: 2.77 angstrom
  size: [12, 12]
  events: 60000
  replicas: 1
  grand_size: 10
"""


@pytest.fixture(scope="module")
def runner():
    _register()
    return CliRunner()


def _model(tmp_path, eps):
    p = tmp_path / "m.yaml"
    p.write_text(MODEL % eps)
    return str(p)


def test_cli_closure_json(tmp_path, runner):
    # attractive pairs below the quasi-chemical Tc: D_c < 0 between the spinodal coverages
    r = runner.invoke(app, ["diffusion", _model(tmp_path, -0.06), "--method", "closure",
                            "--coverages", "0.1:0.9:9", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["eps"] == -0.06 and out["lattice"] == "square"
    D0 = 2.0e6 * (2.77e-10) ** 2
    assert out["D0"] == pytest.approx(D0)
    lo, hi = out["spinodal"]
    th = np.array([c["theta"] for c in out["coverages"]])
    dc = np.array([c["D_c"] for c in out["coverages"]])
    assert np.all((dc < 0) == ((th > lo) & (th < hi)))
    assert out["critical_temperature"] == pytest.approx(0.06 / (2 * 8.617333262e-5
                                                                * np.log(2)), rel=1e-6)


def test_cli_kmc_json_and_plot(tmp_path, runner):
    png = tmp_path / "d.png"
    r = runner.invoke(app, ["diffusion", _model(tmp_path, 0.0), "--coverages", "0.3:0.7:2",
                            "--json", "--workers", "1", "--plot", str(png)])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert png.exists() and png.stat().st_size > 1000
    c = out["coverages"]
    assert len(c) == 2 and out["events"] > 0
    for row in c:
        for k in ("D_star", "D_c", "Phi", "M"):
            assert row[k] > 0 and row[k + "_err"] > 0
        # non-interacting: D_c = D0 within 4 standard errors (short run, ~10 % errors)
        assert abs(row["D_c"] - out["D0"]) < 4 * row["D_c_err"]


def test_cli_bad_input_exits_2(tmp_path, runner):
    r = runner.invoke(app, ["diffusion", _model(tmp_path, 0.0), "--coverages", "0:2:3"])
    assert r.exit_code == 2 and "coverages" in r.output
    r = runner.invoke(app, ["diffusion", str(tmp_path / "missing.yaml")])
    assert r.exit_code == 2


def test_section_schema():
    s = DiffusionSection.model_validate({"coverages": "0.2:0.8:4", "a": "2.77 angstrom",
                                         "hop_barrier": "20 kJ/mol"})
    np.testing.assert_allclose(s.coverages, [0.2, 0.4, 0.6, 0.8])
    assert s.a == pytest.approx(2.77e-10)
    assert s.hop_barrier == pytest.approx(0.207285, rel=1e-5)
    assert parse_coverages([0.5]) == [0.5]
    with pytest.raises(ValueError, match="between 0 and 1"):
        parse_coverages("0:1:3")
    with pytest.raises(ValueError):
        DiffusionSection.model_validate({"lattice": "kagome"})
    with pytest.raises(ValueError):
        DiffusionSection.model_validate({"unknown_key": 1})
