"""``catscale pellet MODEL``: reaction-diffusion in a catalyst pellet.

JSON: :class:`catscale.stages.PelletRunResult` — thiele, effectiveness, regime, profiles
(DESIGN.md), thiele_generalized, effectiveness_overall, weisz_prater, mears_mass, mears_heat,
biot_mass, biot_heat, observed_rate, mass_balance_error, steady_states, turning_points,
species, surrogate_error, rate_law ("surrogate", "direct" or "explicit"), warnings.
"""

from __future__ import annotations

import typer

from ._common import cli_errors, print_result


def register(app: typer.Typer) -> None:
    @app.command("pellet")
    def pellet_cmd(
        model_path: str = typer.Argument(..., metavar="MODEL", help="Model file (YAML)."),
        json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
        n_cells: int = typer.Option(None, "--cells", help="Finite volumes (default: the "
                                    "section's).", min=4, max=20000),
        newton: bool = typer.Option(False, "--newton",
                                    help="One Newton solve instead of continuation."),
    ) -> None:
        """Pellet reaction-diffusion: Thiele modulus, effectiveness, regime, profiles."""
        with cli_errors():
            from catscale import load_model

            res = load_model(model_path).pellet(n_cells=n_cells or 0, newton=newton)
            print_result(res, json_out)
