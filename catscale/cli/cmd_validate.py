"""``catscale validate MODEL``: check a model file and list every problem.

The checks are the model layer's (:func:`catscale.model.load_model`, which every command
goes through): a file that ``rates``, ``steady`` or ``run`` refuses does not validate. A
CatMAP setup (``.mkm``, the other input of ``catscale map``) is checked as ``map`` reads it,
with the energy table it names.
"""

from __future__ import annotations

import typer

from ._common import EXIT_BAD_INPUT, print_json


def register(app: typer.Typer) -> None:
    @app.command("validate")
    def validate(model: str = typer.Argument(..., help="Model file (YAML) or CatMAP .mkm "
                                             "setup."),
                 json_out: bool = typer.Option(False, "--json", help="Print one JSON object.")):
        """Validate a model file: one-line summary (exit 0) or every error (exit 2)."""
        import sys

        from catscale.errors import InvalidParameterError, ModelFileError, ModelFileErrors
        from catscale.model import load_model

        try:
            if model.endswith(".mkm"):
                from catscale.model.importers import check_catmap

                cm = check_catmap(model)
                summary = (f"CatMAP setup: {len(cm.mechanism.gas)} gas, "
                           f"{len(cm.mechanism.adsorbates)} adsorbates, "
                           f"{len(cm.mechanism.steps)} steps; T = {cm.T:g} K; descriptors "
                           f"{', '.join(cm.axes)}; {len(cm.surfaces)} surfaces")
                provenance: list = []
            else:
                m = load_model(model)
                summary, provenance = m.summary(), list(m.provenance)
        except (ModelFileError, InvalidParameterError) as exc:
            errors = (exc.errors if isinstance(exc, ModelFileErrors) else
                      [exc] if isinstance(exc, ModelFileError) else
                      [ModelFileError(model, exc.name, f"expected {exc.expected}, got "
                                      f"{exc.found!r}")])
            if json_out:
                print_json({"valid": False, "errors": [
                    {"file": e.file, "line": e.line, "field": e.field, "message": e.message}
                    for e in errors]})
            for e in errors:
                sys.stderr.write(e.format() + "\n")
            sys.stderr.write(f"{len(errors)} error(s) in {model}\n")
            raise typer.Exit(EXIT_BAD_INPUT) from None
        if json_out:
            print_json({"valid": True, "summary": summary, "errors": [],
                        "provenance": provenance})
        else:
            typer.echo(f"ok: {summary}")
