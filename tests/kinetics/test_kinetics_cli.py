"""CLI contract of `catscale steady`, `catscale map` and `catscale import`."""

from __future__ import annotations

import json
import pathlib

import pytest
from typer.testing import CliRunner

from catscale.cli.main import _register, app

VAL = pathlib.Path(__file__).resolve().parents[1] / "data" / "validation"
_register()
runner = CliRunner()


def test_steady_json_keys_and_values():
    r = runner.invoke(app, ["steady", str(VAL / "models" / "langmuir.yaml"), "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    for k in ("coverages", "tof", "drc", "residual", "stable"):
        assert k in d
    assert d["coverages"]["A*"] == pytest.approx(2 / 3, rel=1e-14)
    assert d["stable"] is True


def test_steady_bad_file_exits_2(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("catscale: 1\nsteps: 3\n")
    r = runner.invoke(app, ["steady", str(p), "--json"])
    assert r.exit_code == 2


MKM = """rxn_expressions = ['*_s + CO_g -> CO*', '2*_s + O2_g <-> O-O* + *_s -> 2O*',
                   'CO* +  O* <-> O-CO* + * -> CO2_g + 2*']
surface_names = ['Pt', 'Ag', 'Cu','Rh','Pd','Au','Ru','Ni']
descriptor_names= ['O_s','CO_s']
descriptor_ranges = [[-1,3],[-0.5,4]]
resolution = 15
temperature = 500
species_definitions = {}
species_definitions['CO_g'] = {'pressure':1.}
species_definitions['O2_g'] = {'pressure':1./3.}
species_definitions['CO2_g'] = {'pressure':0}
input_file = 'energies.txt'
scaling_constraint_dict = {'O_s':['+',0,None], 'CO_s':[0,'+',None],
                           'O-CO_s':'initial_state', 'O-O_s':'final_state'}
"""


def test_map_and_import_catmap(tmp_path):
    mkm = tmp_path / "co.mkm"
    mkm.write_text(MKM)
    (tmp_path / "energies.txt").write_text(
        (VAL / "catmap_co_oxidation" / "energies.txt").read_text())
    png = tmp_path / "map.png"
    nc = tmp_path / "map.nc"
    r = runner.invoke(app, ["map", str(mkm), "--resolution", "5", "--json", "--plot", str(png),
                            "--out", str(nc)])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["verified"] == d["points"] == 25
    assert png.stat().st_size > 0 and nc.stat().st_size > 0
    # the Pt point of the CatMAP tutorial (README): TOF 2.801e-2 s^-1 within 1 %
    assert d["surfaces"]["Pt"] == pytest.approx(2.801e-2, rel=1e-2)
    out = tmp_path / "pt.yaml"
    r = runner.invoke(app, ["import", "catmap", str(mkm), "--surface", "Pt", "--out",
                            str(out), "--json"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["steady", str(out), "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["tof"]["CO2"] == pytest.approx(2.801e-2, rel=1e-2)
    assert d["coverages"]["CO*"] == pytest.approx(0.99439, rel=1e-3)


def test_import_cantera(tmp_path):
    pytest.importorskip("cantera")
    out = tmp_path / "pt.yaml"
    r = runner.invoke(app, ["import", "cantera", "ptcombust.yaml", "--T", "900", "--X",
                            "CH4:0.095, O2:0.21, AR:0.695", "--out", str(out), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["steps"] == 24 and out.exists()


def test_map_rejects_non_mkm(tmp_path):
    r = runner.invoke(app, ["map", str(VAL / "models" / "langmuir.yaml"), "--json"])
    assert r.exit_code == 2
