"""The command-line contract (issue 20 item 10): ``--version`` alone; bad options, unknown
species, absurd sizes, an existing file as ``run --out``, a 400-digit temperature and a
foreign kMC checkpoint are exit 2 with a message naming the option or field, no traceback."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest
from typer.testing import CliRunner

ROOT = pathlib.Path(__file__).resolve().parents[2]
FLAGSHIP = str(ROOT / "examples" / "co_oxidation_pt111.yaml")
PELLET = ROOT / "examples" / "pellet_microstructure.yaml"
NH3 = str(ROOT / "tests" / "data" / "models" / "nh3_decomposition_ru.yaml")
DIFF = str(ROOT / "examples" / "surface_diffusion_attractive.yaml")
HUGE = "1" + "0" * 400


@pytest.fixture(scope="module")
def app():
    from catscale.cli.main import _register, app

    if not app.registered_commands:
        _register()
    return app


def invoke(app, *args):
    return CliRunner().invoke(app, [str(a) for a in args])


def refused(r, *words):
    assert r.exit_code == 2, (r.exit_code, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    for w in words:
        assert w in r.stderr, (w, r.stderr)


@pytest.mark.parametrize("args", [["--version"], ["version"]])
def test_version_alone(app, args):
    from catscale import __version__

    r = invoke(app, *args)
    assert r.exit_code == 0 and r.stdout.strip() == __version__


@pytest.mark.parametrize("args, option", [
    (["kmc", FLAGSHIP, "--size", "0"], "--size"),
    (["kmc", FLAGSHIP, "--size", "-3"], "--size"),
    (["kmc", FLAGSHIP, "--size", "100000"], "--size"),       # 1e10 sites: memory
    (["kmc", FLAGSHIP, "--events", "0"], "--events"),
    (["kmc", FLAGSHIP, "--events", str(10**13)], "--events"),
    (["kmc", FLAGSHIP, "--replicas", "0"], "--replicas"),
    (["kmc", FLAGSHIP, "--replicas", "100000"], "--replicas"),
    (["kmc", FLAGSHIP, "--seed", "-1"], "--seed"),
    (["kmc", FLAGSHIP, "--max-events", "0"], "--max-events"),
    (["compare", FLAGSHIP, "--size", "0"], "--size"),
    (["compare", FLAGSHIP, "--events", "-1"], "--events"),
    (["diffusion", DIFF, "--size", "0"], "--size"),
    (["diffusion", DIFF, "--events", "0"], "--events"),
    (["diffusion", DIFF, "--replicas", "0"], "--replicas"),
    (["diffusion", DIFF, "--workers", "0"], "--workers"),
    (["pellet", FLAGSHIP, "--cells", "0"], "--cells"),
    (["uq", FLAGSHIP, "-n", "0"], "--samples"),
    (["uq", FLAGSHIP, "--workers", "0"], "--workers"),
    (["uq", FLAGSHIP, "--sensitivity", "-1"], "--sensitivity"),
    (["map", FLAGSHIP, "--resolution", "1"], "--resolution"),
    (["homogenize", "--generate", "blobs:shape=8x8,porosity=0.4", "--axis", "3"], "--axis"),
    (["homogenize", "--rev", "--generate", "blobs:shape=8x8,porosity=0.4", "--samples", "1"],
     "--samples"),
    (["homogenize", "--rev", "--generate", "blobs:shape=8x8,porosity=0.4", "--sizes", "0,x"],
     "--sizes"),
    (["homogenize", "--generate", "blobs:shape=100000x100000x100000,porosity=0.4"], "shape"),
    (["export", "cantera", FLAGSHIP, "--out", "x.yaml", "--points", "0"], "--points"),
    (["pes", "neb", "a.xyz", "b.xyz", "--images", "0"], "--images"),
])
def test_integer_options_out_of_range(app, args, option):
    refused(invoke(app, *args), option)


def test_unknown_product_steady(app):
    refused(invoke(app, "steady", FLAGSHIP, "--product", "XX"), "--product", "CO2")


@pytest.mark.parametrize("field, value", [("key", "XX"), ("products", "[XX]"),
                                          ("products", "[O2]")])
def test_unknown_reactor_species(app, tmp_path, field, value):
    # the key reactant and the products of the reactor: gases it carries, else exit 2
    # naming reactor.key / reactor.products and the gases known (was: internal error)
    text = PELLET.read_text() + (f"reactor: {{type: pfr, volume: 1.0e-5, flow: 1.0e-3, "
                                 f"key: O2, {field}: {value}}}\n").replace("key: O2, key",
                                                                          "key")
    f = tmp_path / "m.yaml"
    f.write_text(text)
    r = invoke(app, "reactor", f, "--json")
    refused(r, f"reactor.{field}", "CO2" if value != "[O2]" else "O2")


def test_run_out_is_an_existing_file(app, tmp_path):
    f = tmp_path / "afile"
    f.write_text("keep me")
    refused(invoke(app, "run", FLAGSHIP, "--out", f), "--out")
    assert f.read_text() == "keep me"


@pytest.mark.parametrize("args", [["steady", FLAGSHIP, "--T", HUGE],
                                  ["rates", FLAGSHIP, "--T", HUGE],
                                  ["export", "zacros", FLAGSHIP, "--out", "zz", "--T", HUGE]])
def test_400_digit_temperature_option(app, args):
    refused(invoke(app, *args), "T")


@pytest.mark.parametrize("unit", [" K", ""])
def test_400_digit_temperature_in_the_model(app, tmp_path, unit):
    f = tmp_path / "m.yaml"
    f.write_text(pathlib.Path(FLAGSHIP).read_text().replace("  T: 500 K", f"  T: {HUGE}{unit}"))
    refused(invoke(app, "steady", f), "conditions.T", "finite")


def test_checkpoint_of_another_model_is_refused(app, tmp_path):
    ck = tmp_path / "ck.npz"
    r = invoke(app, "kmc", NH3, "--events", "2000", "--size", "8", "--checkpoint", ck, "--json")
    assert r.exit_code == 0 and ck.exists(), r.stderr
    before = ck.read_bytes()
    r = invoke(app, "kmc", FLAGSHIP, "--events", "2000", "--size", "8", "--checkpoint", ck,
               "--json")
    refused(r, "checkpoint", "another model")
    assert ck.read_bytes() == before                  # not overwritten


@pytest.mark.parametrize("content", [b"\x00garbage" * 40, b"hello\n", None])
def test_foreign_checkpoint_file(app, tmp_path, content):
    ck = tmp_path / "ck.npz"
    if content is None:
        np.savez(ck, a=np.arange(3))                  # an npz of another program
    else:
        ck.write_bytes(content)
    r = invoke(app, "kmc", FLAGSHIP, "--events", "2000", "--size", "8", "--checkpoint", ck,
               "--json")
    refused(r, "checkpoint")
    assert "pickle" not in r.stderr                   # no advice to unpickle a file
