"""descriptors: section: energies at a descriptor point, identity at the file's own energies,
and a small volcano through `catscale map` (every point verified)."""

import json
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from catscale.model import load_model, validate_file

ROOT = pathlib.Path(__file__).resolve().parents[2]
FLAGSHIP = (ROOT / "examples" / "co_oxidation_pt111.yaml").read_text()
# the CatMAP tutorial energies with TS scaling through the Pt values (see the file)
DESCRIPTORS = "\n" + (ROOT / "tests" / "data" / "fragments" / "descriptors_co_oxidation.yaml"
                      ).read_text()


def _model(tmp_path, extra=DESCRIPTORS):
    base = FLAGSHIP.split("\nkmc:")[0]       # the mean-field part of the flagship
    f = tmp_path / "map.yaml"
    f.write_text(base + extra)
    return f


def test_identity_at_the_files_own_energies(tmp_path):
    m = load_model(_model(tmp_path))
    at = m.at_descriptors([1.62, 1.70])
    np.testing.assert_allclose(at.rates().k_f, m.rates().k_f, rtol=1e-12)
    np.testing.assert_allclose(at.rates().k_r, m.rates().k_r, rtol=1e-12)


def test_scaling_and_ts_scaling_arithmetic(tmp_path):
    extra = DESCRIPTORS.replace("  ts_scaling:", "  scaling: {CO*: {slopes: {O*: 0.5}, "
                                "intercept: 0.3}}\n  ts_scaling:")
    extra = extra.replace("CO*: [1.2, 2.2, 5]}", "}").replace(", CO*: 1.70", "").replace(
        ", CO*: 2.99", "")
    m = load_model(_model(tmp_path, extra))
    at = m.at_descriptors([2.0])
    E = at.electronic_energies()
    assert E["O*"] == pytest.approx(2.0) and E["CO*"] == pytest.approx(0.5 * 2.0 + 0.3)
    # saddle points: O-O = 2 E(O*) + 2.11 (FS); O-CO = E(CO*) + E(O*) + 0.72 (IS)
    assert at.step_specs[1].ts.energy + at.energy_shifts["ts:1"] == pytest.approx(4.0 + 2.11)
    assert at.step_specs[2].ts.energy + at.energy_shifts["ts:2"] == pytest.approx(3.3 + 0.72)


def test_bad_descriptor_sections(tmp_path):
    bad = DESCRIPTORS.replace("O*: [1.2, 2.2, 5]", "N*: [1.2, 2.2, 5]").replace(
        "{step: 2,", "{step: 0,")
    errs = {e.field: e.message for e in validate_file(_model(tmp_path, bad))}
    assert "expected an adsorbate" in errs["descriptors.axes.N*"]
    assert "has no 'ts'" in errs["descriptors.ts_scaling[1].step"]


def test_map_cli_verifies_every_point(tmp_path):
    f = _model(tmp_path)
    r = subprocess.run([sys.executable, "-m", "catscale.cli.main", "map", str(f), "--json",
                        "--plot", str(tmp_path / "v.png"), "--out", str(tmp_path / "m.nc")],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert s["points"] == 25 and s["verified"] == 25 and s["max_residual"] < 1e-8
    assert (tmp_path / "v.png").stat().st_size > 1000
    # Pt sits at the file's own energies: its TOF is the model's steady-state TOF
    from catscale.stages.steady import solve as model_steady_state

    tof = model_steady_state(load_model(f)).tof["CO2"]
    assert s["surfaces"]["Pt"] == pytest.approx(tof, rel=1e-6)
