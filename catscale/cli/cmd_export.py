"""``catscale export FORMAT MODEL --out PATH``: write a catscale model in another code's
input format.

Formats are registered in :data:`EXPORTERS` (format -> function ``(model, out, T) ->
(files, warnings)`` of :mod:`catscale.model.exporters`); each becomes a subcommand
``catscale export <format>``. JSON keys: format, out, files, T, warnings.
"""

from __future__ import annotations

import typer

from ._common import cli_errors, print_json


def _zacros(model, out: str, T: float | None) -> tuple[list[str], list[str], float]:
    from catscale.model.exporters import write_zacros

    res = write_zacros(model, out, T)
    return list(res.files), list(res.warnings), res.zacros.T


#: format -> (exporter, help of its subcommand, what --out names)
EXPORTERS = {
    "zacros": (_zacros, "Zacros input files (simulation, lattice, energetics, mechanism) "
               "whose events fire at catscale's kMC rates.", "directory"),
}


def _command(fmt: str, fn, text: str, out_kind: str):
    def command(model: str = typer.Argument(..., help="Model file (YAML)."),
                out: str = typer.Option(..., "--out", help=f"Output {out_kind}."),
                T: float = typer.Option(None, "--T", help="Temperature, K (default: the "
                                                           "model's)."),
                json_out: bool = typer.Option(False, "--json", help="Print one JSON object.")):
        with cli_errors():
            from catscale.model import load_model

            files, warnings, Tk = fn(load_model(model), out, T)
            res = {"format": fmt, "out": out, "files": files, "T": Tk, "warnings": warnings}
            if json_out:
                print_json(res)
            else:
                typer.echo(f"wrote {', '.join(files)}")
                for w in warnings:
                    typer.echo(f"warning: {w}")

    command.__doc__ = text
    return command


def register(app: typer.Typer) -> None:
    exp = typer.Typer(help="Export catscale models to other codes' input formats.",
                      no_args_is_help=True)
    app.add_typer(exp, name="export")
    for fmt, (fn, text, out_kind) in EXPORTERS.items():
        exp.command(fmt)(_command(fmt, fn, text, out_kind))
