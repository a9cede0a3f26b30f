"""Issue 20 item 9, one validation: ``catscale validate`` runs every check the commands run
(catscale.model._consistency.check_model, called by load_model), a model without steps gets a
clear message, referenced files are checked, absurd values are refused naming the field, and
generic species names (A, B, C, I) are labels, not elements. Issue 21 item 2: the Cantera
importer reads YAML through the bounded loader."""

from __future__ import annotations

import pathlib
import re
import time

import pytest
from typer.testing import CliRunner

from catscale.cli.main import _register, app
from catscale.model import load_model, validate_file

ROOT = pathlib.Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "data" / "bad_models"

#: the refusals this item added (tests/data/bad_models; their messages: test_bad_models.py)
NEW_REFUSALS = ["huge_temperature.yaml", "tiny_temperature.yaml", "huge_energy.yaml",
                "huge_saddle_energy.yaml", "saddle_energy_overflow.yaml",
                "empty_rotational_temperatures.yaml", "gas_without_pressure.yaml",
                "only_version.yaml", "missing_microstructure_image.yaml"]

ABC = """\
catscale: 1
name: generic A + B -> C
conditions: {T: 500, pressures: {A: 1.0, B: 0.5, C: 0.0}}
species:
  A: {phase: gas}
  B: {phase: gas}
  C: {phase: gas}
  A*: {}
  B*: {}
  I*: {}
steps:
  - {equation: A + * <=> A*, k_f: 1.0e3, k_r: 1.0e1}
  - {equation: B + * <=> B*, k_f: 1.0e3, k_r: 1.0e1}
  - {equation: A* + B* <=> I* + *, k_f: 1.0e2, k_r: 1.0}
  - {equation: I* <=> C + *, k_f: 1.0e2, k_r: 1.0}
"""


@pytest.fixture(scope="module")
def runner():
    _register()
    return CliRunner()


def _names_file_and_field(stderr: str, path: str, field: str) -> bool:
    pat = re.compile(r"^(error: )?" + re.escape(path) + r"(:\d+)?: " + re.escape(field)
                     + r": \S", re.M)
    return bool(pat.search(stderr))


@pytest.mark.parametrize("name", NEW_REFUSALS)
def test_new_refusals_exit_2_in_every_command(runner, name):
    # validate, rates and steady refuse the same file, with file and field, no traceback
    path = str(BAD / name)
    field = validate_file(path)[0].field
    for command in ("validate", "rates", "steady"):
        r = runner.invoke(app, [command, path, "--json"])
        assert r.exit_code == 2, (command, r.output)
        assert "Traceback" not in r.stderr and "internal error" not in r.stderr
        assert _names_file_and_field(r.stderr, path, field), (command, r.stderr)


def test_every_shipped_model_validates(runner):
    files = (sorted((ROOT / "examples").glob("*.yaml"))
             + sorted((ROOT / "tests" / "data" / "models").glob("*.yaml"))
             + sorted((ROOT / "tests" / "data" / "validation" / "models").glob("*.yaml")))
    assert len(files) >= 9
    for f in files:
        r = runner.invoke(app, ["validate", str(f)])
        assert r.exit_code == 0 and r.stdout.startswith("ok:"), (f, r.output)


def test_model_without_steps(runner, tmp_path):
    # before: rates printed an empty table and steady a clean surface (exit 0), rates on a
    # file with only `catscale: 1` ended in "internal error", run wrote an empty report
    pellet = str(ROOT / "examples" / "pellet_microstructure.yaml")
    assert runner.invoke(app, ["validate", pellet]).exit_code == 0   # a pellet model
    for command in ("rates", "steady"):
        r = runner.invoke(app, [command, pellet, "--json"])
        assert r.exit_code == 2 and r.stdout == ""
        assert _names_file_and_field(r.stderr, pellet, "steps")
        assert "the model has no steps" in r.stderr and "pellet" in r.stderr
    only = str(BAD / "only_version.yaml")
    for command in ("rates", "steady", "run"):
        args = [command, only] + (["--out", str(tmp_path / "o")] if command == "run" else [])
        r = runner.invoke(app, args)
        assert r.exit_code == 2 and "nothing to compute" in r.stderr
    assert not (tmp_path / "o" / "summary.json").exists()


def test_run_names_the_stages_that_apply():
    from catscale.workflow import run

    lines: list[str] = []
    run(BAD / "_base_valid.yaml", echo=lines.append)
    assert lines[1] == "stages: rates, steady"


def test_generic_mechanism_runs_through_rates_and_steady(runner, tmp_path):
    # before: B, C and I were boron, carbon and iodine: 'I* <=> C + *' did not balance
    f = tmp_path / "abc.yaml"
    f.write_text(ABC)
    m = load_model(f)
    assert all(s.composition is None for s in m.mechanism.species if s.phase != "site")
    assert runner.invoke(app, ["rates", str(f), "--json"]).exit_code == 0
    r = runner.invoke(app, ["steady", str(f), "--json"])
    assert r.exit_code == 0, r.output
    import json

    out = json.loads(r.stdout)
    # stoichiometry of A + B -> C (an invariant independent of the solver): at steady state
    # every A and B consumed leaves as one C; the residual bounds the imbalance
    prod = out["production"]
    assert prod["C"] > 0
    assert prod["A"] == pytest.approx(-prod["C"], rel=1e-6)
    assert prod["B"] == pytest.approx(-prod["C"], rel=1e-6)
    # the names may be forced to be formulas: then the boron/carbon/iodine reading fails
    g = tmp_path / "abc_formulas.yaml"
    g.write_text(ABC.replace("name: generic", "species_names: formulas\nname: generic"))
    fields = {e.field for e in validate_file(g)}
    assert "species.A" in fields                           # A is no formula
    assert "steps[3].equation" in fields                   # I* <=> C + *: I -1, C +1


def test_chemical_mechanism_is_still_balanced(tmp_path):
    # a chemical mechanism keeps its element balance, also with one label among its
    # species (X*): CO and CO2 are molecules, so O* stays an oxygen atom
    base = (BAD / "_base_valid.yaml").read_text()
    f = tmp_path / "m.yaml"
    f.write_text(base.replace("CO* + O* <=> CO2 + 2*", "CO* + O* <=> CO + 2*"))
    (err,) = [e for e in validate_file(f) if e.field == "steps[2].equation"]
    assert "elements do not balance" in err.message
    f.write_text(base.replace("  O*:  {}", "  O*:  {}\n  X*:  {}").replace(
        "CO* + O* <=> CO2 + 2*", "CO* + O* <=> CO + 2*"))
    assert "steps[2].equation" in {e.field for e in validate_file(f)}
    f.write_text(base.replace("  O*:  {}", "  O*:  {}\n  X*:  {}"))
    m = load_model(f)
    assert dict(m.mechanism.species[m.mechanism.index("CO2")].composition) == {"C": 1, "O": 2}
    # an explicit composition always counts, and species_names: labels drops the rest
    f.write_text(base.replace("name: bad-model", "species_names: labels\nname: bad-model"))
    m = load_model(f)
    assert all(s.composition is None for s in m.mechanism.species if s.phase != "site")


def test_thermo_only_where_a_rate_needs_it(runner, tmp_path):
    # a gas with only an energy in a model of fixed rate constants: its ideal-gas thermo
    # lacks geometry data, and no rate needs it (before: validate ok, rates exit 2 with
    # "rotational_temperatures/inertia: ..." and no file)
    f = tmp_path / "m.yaml"
    f.write_text((BAD / "_base_valid.yaml").read_text().replace(
        "CO:  {phase: gas}", "CO:  {phase: gas, energy: 0.0, geometry: nonlinear}"))
    assert runner.invoke(app, ["validate", str(f)]).exit_code == 0
    r = runner.invoke(app, ["rates", str(f), "--json"])
    assert r.exit_code == 0, r.output
    assert load_model(f).thermo()["CO"] is None


def test_validate_checks_a_catmap_setup_and_its_energy_table(runner, tmp_path):
    from tests.model.test_importers import MKM_TEXT

    mkm = tmp_path / "co.mkm"
    mkm.write_text(MKM_TEXT)
    r = runner.invoke(app, ["validate", str(mkm)])
    assert r.exit_code == 2
    assert _names_file_and_field(r.stderr, str(mkm), "input_file")
    assert "file not found" in r.stderr
    (tmp_path / "energies.txt").write_text(
        (ROOT / "tests" / "data" / "validation" / "catmap_co_oxidation" / "energies.txt")
        .read_text())
    r = runner.invoke(app, ["validate", str(mkm)])
    assert r.exit_code == 0 and r.stdout.startswith("ok: CatMAP setup: 3 gas"), r.output


def test_cantera_alias_bomb_refused_within_2_s(tmp_path):
    pytest.importorskip("cantera")
    from catscale.errors import ModelFileError
    from catscale.model.importers import import_cantera

    levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, cur in zip("abcdefg", "bcdefgh"):
        levels.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    f = tmp_path / "bomb.yaml"
    # an interface phase whose species list expands to 9^9 names (before: Cantera's own
    # parser ran for over 60 s on it; yaml.safe_load itself shares the aliased lists)
    f.write_text("\n".join(levels) + "\nphases:\n- {name: surf, thermo: ideal-surface, "
                 "species: *h, site-density: 2.7e-9}\n")
    assert f.stat().st_size < 500
    t0 = time.perf_counter()
    with pytest.raises(ModelFileError) as info:
        import_cantera(f, 500.0, 101325.0, "CO:1")
    assert time.perf_counter() - t0 < 2.0
    assert "values after expanding aliases" in info.value.message
    assert info.value.file == str(f) and info.value.field == "(yaml)"
