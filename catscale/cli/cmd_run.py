"""``catscale run MODEL --out DIR``: every stage the model file defines."""

from __future__ import annotations

import typer

from ._common import cli_errors, print_json


def register(app: typer.Typer) -> None:
    @app.command("run")
    def run(model: str = typer.Argument(..., help="Model file (YAML)."),
            out: str = typer.Option("out", "--out", help="Output directory."),
            json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
            fresh: bool = typer.Option(False, "--fresh",
                                       help="Recompute every stage (ignore OUT/.cache).")):
        """Run the chain: rates, mean field, kMC, diffusion, pellet, reactor, uncertainty."""
        with cli_errors():
            import os

            from catscale.errors import InvalidParameterError
            from catscale.workflow import run as run_chain

            if os.path.exists(out) and not os.path.isdir(out):
                raise InvalidParameterError("--out", "a directory (new or existing), not a "
                                            "file", out)
            echo = None if json_out else typer.echo
            res = run_chain(model, out=out, echo=echo, reuse=not fresh)
            if json_out:
                print_json(res.summary())
            else:
                typer.echo(f"\nwritten: {out}/summary.json, {out}/results.nc, "
                           f"{out}/report.html")
