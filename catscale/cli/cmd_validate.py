"""``catscale validate MODEL``: check a model file and list every problem."""

from __future__ import annotations

import typer

from ._common import EXIT_BAD_INPUT, print_json


def register(app: typer.Typer) -> None:
    @app.command("validate")
    def validate(model: str = typer.Argument(..., help="Model file (YAML)."),
                 json_out: bool = typer.Option(False, "--json", help="Print one JSON object.")):
        """Validate a model file: one-line summary (exit 0) or every error (exit 2)."""
        import sys

        from catscale.errors import ModelFileError, ModelFileErrors
        from catscale.model import load_model

        try:
            m = load_model(model)
        except ModelFileError as exc:
            errors = exc.errors if isinstance(exc, ModelFileErrors) else [exc]
            if json_out:
                print_json({"valid": False, "errors": [
                    {"file": e.file, "line": e.line, "field": e.field, "message": e.message}
                    for e in errors]})
            for e in errors:
                sys.stderr.write(e.format() + "\n")
            sys.stderr.write(f"{len(errors)} error(s) in {model}\n")
            raise typer.Exit(EXIT_BAD_INPUT) from None
        if json_out:
            print_json({"valid": True, "summary": m.summary(), "errors": [],
                        "provenance": list(m.provenance)})
        else:
            typer.echo(f"ok: {m.summary()}")
