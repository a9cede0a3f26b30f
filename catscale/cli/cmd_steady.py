"""``catscale steady MODEL``: verified mean-field steady state, TOF and degree of rate control."""

from __future__ import annotations

import typer

from ._common import cli_errors, print_json


def register(app: typer.Typer) -> None:
    @app.command("steady")
    def steady(model: str = typer.Argument(..., help="Model file (YAML)."),
               T: float = typer.Option(None, "--T", help="Temperature, K (default: model's)."),
               product: str = typer.Option(None, "--product",
                                           help="Gas whose TOF is analysed (default: main)."),
               json_out: bool = typer.Option(False, "--json", help="Print one JSON object.")):
        """Mean-field steady state: coverages, TOF, degree of rate control, residual,
        stability (every stable steady state is listed)."""
        with cli_errors():
            from catscale import load_model

            res = load_model(model).steady_state(T=T, product=product)
            print_json(res.to_dict()) if json_out else typer.echo(res.text())
