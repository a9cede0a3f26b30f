"""Shared fixtures."""

from __future__ import annotations

import pytest


@pytest.fixture
def catscale_cli():
    """Run ``catscale ARGS...`` in this process: returns (exit code, stdout, stderr).

    Much cheaper than a subprocess (no second interpreter and import); use a subprocess
    where the test is about the process itself (imports, start-up)."""
    from typer.testing import CliRunner

    from catscale.cli import main as cli_main

    if not (cli_main.app.registered_commands or cli_main.app.registered_groups):
        cli_main._register()

    def run(*args):
        res = CliRunner().invoke(cli_main.app, [str(a) for a in args])
        return res.exit_code, res.stdout, res.stderr

    return run
