"""``catscale steady MODEL``: verified mean-field steady state, TOF and degree of rate control."""

from __future__ import annotations

import typer

from ._common import cli_errors, print_result


def register(app: typer.Typer) -> None:
    @app.command("steady")
    def steady(model: str = typer.Argument(..., help="Model file (YAML)."),
               T: float = typer.Option(None, "--T", help="Temperature, K (default: model's)."),
               product: str = typer.Option(None, "--product",
                                           help="Gas whose TOF is analysed (default: main)."),
               names: str = typer.Option("catscale", "--names",
                                         help="'cantera': also give each species' Cantera "
                                         "name (key cantera_names)."),
               json_out: bool = typer.Option(False, "--json", help="Print one JSON object.")):
        """Mean-field steady state: coverages, TOF, degree of rate control, residual,
        stability (every stable steady state is listed)."""
        with cli_errors():
            from catscale import load_model

            m = load_model(model)
            res = m.steady_state(T=T, product=product)
            if names != "catscale":
                from catscale.model.exporters import species_names

                cn = species_names(m, names)
                res = res.replace(cantera_names=cn)
            print_result(res, json_out)
