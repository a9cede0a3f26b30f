"""No numpy/Python warning and no traceback reaches stderr from any command on any shipped
example (issue 20 item 10): a number that raised a RuntimeWarning (overflow, invalid value,
division by zero) is either checked or carries a warning in the result's ``warnings``, which
travels in the JSON on stdout, never as a bare "RuntimeWarning" line on stderr.

Each command runs with cheap options (small lattices, few events and samples) in-process
(typer's CliRunner, stderr kept apart from stdout), with every warning shown ("always").
"""

from __future__ import annotations

import json
import pathlib
import warnings

import pytest
from typer.testing import CliRunner

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))

#: command -> cheap options (run on every example; exit 2 where the example lacks the
#: section is fine, it must still be clean)
COMMANDS = {
    "validate": [],
    "rates": [],
    "steady": [],
    "kmc": ["--events", "2000", "--size", "8"],
    "compare": ["--events", "2000", "--size", "8"],
    "diffusion": ["--method", "kmc", "--events", "2000", "--size", "8", "--replicas", "1",
                  "--workers", "1", "--coverages", "0.3:0.6:2"],
    "pellet": [],
    "reactor": [],
    "uq": ["-n", "4", "--sensitivity", "0", "--scheduler", "serial", "--no-progress"],
}


@pytest.fixture(scope="module")
def app():
    from catscale.cli.main import _register, app

    if not app.registered_commands:
        _register()
    return app


def _check(app, args: list[str]) -> None:
    runner = CliRunner()            # click >= 8.2 keeps stderr apart
    # recorded rather than printed (pytest's own recorder would swallow them otherwise): a
    # warning the plain console script shows on stderr (Python's default filters hide only
    # deprecations) is a failure
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        r = runner.invoke(app, args)
    shown = [f"{w.category.__name__}: {w.message} ({w.filename}:{w.lineno})" for w in rec
             if not issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning))]
    assert not shown, (args, shown)
    assert r.exit_code in (0, 1, 2), (args, r.exit_code, r.stderr)
    assert r.exception is None or isinstance(r.exception, SystemExit), (args, r.exception)
    bad = [ln for ln in r.stderr.splitlines()
           if "Warning" in ln or "Traceback" in ln or "internal error" in ln]
    assert not bad, (args, bad)
    if "--json" in args and r.exit_code == 0:
        json.loads(r.stdout)


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_command_on_example_keeps_stderr_clean(app, command, example):
    _check(app, [command, str(example), "--json", *COMMANDS[command]])


@pytest.mark.parametrize("args", [
    ["nonadiabatic", "marcus", "--dG", "-0.1", "--lambda", "1", "--coupling", "0.01"],
    ["nonadiabatic", "mhc", "--lambda", "1", "--eta", "0.1", "--eta", "-0.3"],
    ["nonadiabatic", "lz", "--coupling", "0.01", "--slope-difference", "1", "--mass", "1",
     "--T", "300"],
    ["homogenize", "--generate", "blobs:shape=12x12x12,porosity=0.4,seed=1"],
    ["--version"],
])
def test_other_commands_keep_stderr_clean(app, args):
    _check(app, [*args, "--json"] if args[0] != "--version" else args)


def test_the_check_sees_a_numpy_warning():
    # the harness itself: a command whose numpy overflow would print a RuntimeWarning fails
    import numpy as np
    import typer

    bad = typer.Typer()

    @bad.command()
    def overflow() -> None:
        typer.echo(str(np.exp(np.array([1000.0]))))

    with pytest.raises(AssertionError, match="RuntimeWarning"):
        _check(bad, [])
