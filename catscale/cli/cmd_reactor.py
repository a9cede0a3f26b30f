"""``catscale reactor MODEL``: packed-bed PFR or CSTR with pellet effectiveness.

JSON: :class:`catscale.stages.ReactorRunResult` — conversion, selectivity, outlet (mol/s),
T_out, closure, profiles (volume m^3, T, F per species, effectiveness along the bed),
n_steady_states, type, rate_law, surrogate_error, warnings.
"""

from __future__ import annotations

import typer

from ._common import cli_errors, print_result


def register(app: typer.Typer) -> None:
    @app.command("reactor")
    def reactor_cmd(
        model_path: str = typer.Argument(..., metavar="MODEL", help="Model file (YAML)."),
        json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
    ) -> None:
        """Packed-bed reactor: conversion, selectivity and profiles."""
        with cli_errors():
            from catscale import load_model

            res = load_model(model_path).reactor()
            print_result(res, json_out)
