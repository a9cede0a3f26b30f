"""The notebook API gives exactly the command line's answers (issue 19).

For every shipped example and every model under ``tests/data`` that a command accepts, the
API's ``.to_dict()`` equals the command's ``--json`` output (same keys, same values), for
rates, steady, pellet, reactor and kmc (fixed seed). The set includes a model with
``lateral:`` interactions and, when Cantera is installed, a Cantera import with coverage
dependences: the cases where the tutorial's old pattern dropped part of the energetics.
Fields that measure the machine (wall time, events per second) are declared as ``timing`` on
the result classes and left out of the comparison.
"""

from __future__ import annotations

import json
import pathlib

import pytest
from typer.testing import CliRunner

import catscale
from catscale.cli.main import _register, app

ROOT = pathlib.Path(__file__).resolve().parents[2]
LATERAL = """
lateral: {"A*-A*": 0.05, "A*-B*": -0.02}
kmc: {lattice: square, size: [12, 12], events: 20000, seed: 3}
"""


def _models(tmp: pathlib.Path) -> list[pathlib.Path]:
    files = sorted((ROOT / "examples").rglob("*.yaml"))
    files += sorted((ROOT / "tests" / "data" / "models").glob("*.yaml"))
    files += sorted((ROOT / "tests" / "data" / "validation" / "models").glob("*.yaml"))
    lat = tmp / "lateral_cycle.yaml"
    lat.write_text((ROOT / "tests/data/models/single_site_cycle.yaml").read_text() + LATERAL)
    files.append(lat)
    return files


@pytest.fixture(scope="module")
def cli():
    _register()
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, dict | None]:
        r = runner.invoke(app, [*map(str, args), "--json"])
        if r.exit_code != 0:
            return r.exit_code, None
        return 0, json.loads(r.stdout)

    return invoke


def _cantera_import(tmp: pathlib.Path, cli) -> pathlib.Path | None:
    try:
        import cantera  # noqa: F401
    except ImportError:
        return None
    out = tmp / "ptcombust.yaml"
    code, _ = cli("import", "cantera", "ptcombust.yaml", "--T", "900",
                  "--X", "CH4:0.095, O2:0.21, AR:0.695", "--out", out)
    return out if code == 0 else None


def _same(api: dict, cli_out: dict, timing: tuple[str, ...]) -> None:
    a = json.loads(json.dumps(catscale.stages.to_jsonable(api)))
    for k in timing:
        a.pop(k, None)
        cli_out.pop(k, None)
        for sub in ("kmc",):
            if isinstance(a.get(sub), dict):
                a[sub].pop(k, None)
                cli_out[sub].pop(k, None)
    assert a == cli_out


COMMANDS = {
    "rates": (lambda m: m.rates(), ()),
    "steady": (lambda m: m.steady_state(), ()),
    "pellet": (lambda m: m.pellet(), ()),
    "reactor": (lambda m: m.reactor(), ()),
}


def test_api_equals_cli(tmp_path, cli):
    models = _models(tmp_path)
    ct = _cantera_import(tmp_path, cli)
    if ct is not None:
        models.append(ct)
    checked = {c: 0 for c in [*COMMANDS, "kmc"]}
    for f in models:
        m = catscale.load_model(f)
        for cmd, (call, timing) in COMMANDS.items():
            code, out = cli(cmd, f)
            if code != 0:
                continue       # the command refuses this model (e.g. no pellet: section)
            _same(call(m).to_dict(), out, timing)
            checked[cmd] += 1
        if m.sections.kmc is not None and m.mechanism is not None and m.mechanism.adsorbates:
            code, out = cli("kmc", f, "--events", "20000", "--seed", "5")
            assert code == 0, f
            res = m.kmc(events=20000, seed=5)
            _same(res.to_dict(), out, res.timing)
            checked["kmc"] += 1
    # every command was compared on several models, lateral and Cantera ones included
    assert checked["rates"] >= 6 and checked["steady"] >= 6, checked
    assert checked["pellet"] >= 2 and checked["reactor"] >= 1 and checked["kmc"] >= 2, checked


def test_lateral_interactions_reach_the_api(tmp_path):
    """The API's steady state includes the model's lateral terms (the old tutorial pattern
    ``steady_state(m.mechanism, m.rates(), m.pressures)`` dropped them)."""
    from catscale.kinetics import steady_state

    f = _models(tmp_path)[-1]
    m = catscale.load_model(f)
    bare = steady_state(m.mechanism, m.rates(), m.pressures)
    full = m.steady_state()
    assert m.energetics.pairs
    assert full.coverages["A*"] != pytest.approx(bare.coverages["A*"], rel=1e-3)


def test_unknown_product_is_refused(cli):
    """An unknown --product is bad input (exit 2), not a steady state without its analysis."""
    code, out = cli("steady", ROOT / "examples" / "co_oxidation_pt111.yaml", "--product", "XX")
    assert code == 2 and out is None
    code, out = cli("steady", ROOT / "examples" / "co_oxidation_pt111.yaml", "--product", "CO2")
    assert code == 0 and out["product"] == "CO2"
