"""``catscale rates MODEL``: rate constants of every step at the model temperature."""

from __future__ import annotations

import typer

from ._common import cli_errors, print_result


def register(app: typer.Typer) -> None:
    @app.command("rates")
    def rates(model: str = typer.Argument(..., help="Model file (YAML)."),
              T: float = typer.Option(None, "--T", help="Temperature, K (default: model's)."),
              json_out: bool = typer.Option(False, "--json", help="Print one JSON object.")):
        """Rate constants of every step (dG, dG_act, k_f, k_r, K_eq)."""
        with cli_errors():
            from catscale import load_model

            res = load_model(model).rates(T)
            print_result(res, json_out)
