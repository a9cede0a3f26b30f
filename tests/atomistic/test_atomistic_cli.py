"""CLI: catscale pes neb|rate and catscale nonadiabatic lz|marcus|mhc (JSON contract, exit
codes)."""

import json

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from catscale.cli import cmd_nonadiabatic, cmd_pes


@pytest.fixture(scope="module")
def app():
    a = typer.Typer()
    cmd_pes.register(a)
    cmd_nonadiabatic.register(a)
    return a


runner = CliRunner()


def _json(res):
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


@pytest.fixture(scope="module")
def hop_files(tmp_path_factory):
    from ase.io import write

    from catscale.atomistic import adsorbate_on_slab

    d = tmp_path_factory.mktemp("cli")
    ini = adsorbate_on_slab("Al", "100", (2, 2, 3), "Au", "hollow", free_layers=1)
    fin = ini.copy()
    fin[-1].x += fin.get_cell()[0, 0] / 2
    write(d / "ini.traj", ini)
    write(d / "fin.traj", fin)
    return d


def test_pes_neb_json_and_cache(app, hop_files):
    d = hop_files
    args = ["pes", "neb", str(d / "ini.traj"), str(d / "fin.traj"), "--free", "-1",
            "--T", "300", "--T", "500", "--cache", str(d / "c.db"), "--json"]
    out = _json(runner.invoke(app, args))
    # ASE NEB tutorial barrier 0.374 eV; adatom-only prefactor ~1.3e12 s^-1 (README)
    assert out["barrier"] == pytest.approx(0.374, abs=2e-3)
    assert out["prefactor"] == pytest.approx(1.3e12, rel=0.05)
    assert out["T"] == [300.0, 500.0] and len(out["k"]) == 2 and out["k"][1] > out["k"][0]
    assert out["free_atoms"] == [12] and out["calls"] > 0
    again = _json(runner.invoke(app, args))
    assert again["calls"] == 0 and again["k"] == out["k"]      # served from the ASE db


def test_pes_rate_and_bad_input(app, hop_files, tmp_path):
    from ase.io import read, write

    from catscale.atomistic import neb, relax

    d = hop_files
    a, _ = relax(read(d / "ini.traj"))
    b, _ = relax(read(d / "fin.traj"))
    imgs, band = neb(a, b, 3)
    write(tmp_path / "min.traj", a)
    write(tmp_path / "ts.traj", imgs[band.saddle_index])
    out = _json(runner.invoke(app, ["pes", "rate", str(tmp_path / "min.traj"),
                                    str(tmp_path / "ts.traj"), "--free", "12", "--json"]))
    assert out["barrier"] == pytest.approx(band.barrier, abs=1e-9)
    assert np.sum(np.asarray(out["frequencies_saddle"]) < 0) == 1
    # bad input -> exit 2, message names the parameter, no traceback
    res = runner.invoke(app, ["pes", "rate", str(tmp_path / "nope.traj"),
                              str(tmp_path / "ts.traj"), "--json"])
    assert res.exit_code == 2 and "Traceback" not in res.output
    res = runner.invoke(app, ["pes", "rate", str(tmp_path / "min.traj"),
                              str(tmp_path / "ts.traj"), "--free", "99", "--json"])
    assert res.exit_code == 2 and "--free" in res.output
    res = runner.invoke(app, ["pes", "rate", str(tmp_path / "min.traj"),
                              str(tmp_path / "ts.traj"), "--calc", "vasp", "--json"])
    assert res.exit_code == 2 and "calculator" in res.output


def test_nonadiabatic_commands(app):
    out = _json(runner.invoke(app, ["nonadiabatic", "lz", "--coupling", "0.05", "--velocity",
                                    "1000", "--slope-difference", "2", "--json"]))
    assert out["probability"] == pytest.approx(np.exp(-np.pi * out["massey"] / 2), rel=1e-12)
    assert out["verdict"] in ("adiabatic", "intermediate", "nonadiabatic")
    m = _json(runner.invoke(app, ["nonadiabatic", "marcus", "--dG", "-0.8", "--lambda", "0.8",
                                  "--coupling", "0.01", "--json"]))
    assert m["k"] == pytest.approx(m["k_max"], rel=1e-12)
    h = _json(runner.invoke(app, ["nonadiabatic", "mhc", "--lambda", "0.25", "--eta", "0",
                                  "--eta", "0.1", "--T", str(0.026 / 8.617333262e-5),
                                  "--json"]))
    assert h["k_ox"][0] == pytest.approx(0.0061371322, rel=1e-6)   # Kurchin & Viswanathan
    assert h["k_net"][0] == pytest.approx(0.0, abs=1e-15)
    res = runner.invoke(app, ["nonadiabatic", "marcus", "--dG", "0", "--lambda", "-1",
                              "--coupling", "0.01", "--json"])
    assert res.exit_code == 2 and "reorganization" in res.output
