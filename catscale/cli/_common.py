"""Helpers shared by the CLI subcommands: error handling with the exit-code contract and
JSON output.

Exit codes (DESIGN.md): 0 success, 1 failed computation, 2 bad input. Errors go to stderr,
without a traceback; with ``--json`` stdout carries exactly one JSON object.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer

from ..errors import (
    CatscaleError,
    ConvergenceError,
    InvalidParameterError,
    ModelFileError,
    OutputError,
)
from ..quantities import (  # noqa: F401  (options)
    MAX_EVENTS,
    MAX_LATTICE_SIZE,
    MAX_REPLICAS,
    MAX_SAMPLES,
    MAX_SEED,
)
from ..results import to_jsonable  # noqa: F401  (tests and commands use it from here)

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2

# Bounds of the integer options (typer ``min``/``max``: a value outside is exit 2 naming the
# option); lattice size, events, replicas and samples as in model files
# (catscale.quantities).
MAX_WORKERS = 256


def _err(msg: str) -> None:
    sys.stderr.write(msg.rstrip() + "\n")
    sys.stderr.flush()


@contextmanager
def cli_errors() -> Iterator[None]:
    """Map catscale errors to the exit-code contract, printing a message to stderr."""
    try:
        yield
    except (ModelFileError, InvalidParameterError) as exc:
        _err(f"error: {exc}")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except FileNotFoundError as exc:
        _err(f"error: file not found: {exc.filename or exc}")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except OutputError as exc:   # full disk, read-only directory: nothing partial is left
        _err(f"error: {exc}")
        raise typer.Exit(EXIT_FAILED) from None
    except ConvergenceError as exc:
        _err(f"computation failed: {exc}")
        raise typer.Exit(EXIT_FAILED) from None
    except CatscaleError as exc:
        _err(f"computation failed: {exc}")
        raise typer.Exit(EXIT_FAILED) from None
    except KeyboardInterrupt:
        _err("interrupted")
        raise typer.Exit(130) from None
    except typer.Exit:
        raise
    except Exception as exc:  # a bug, not bad input: say so, traceback only on request
        import os

        if os.environ.get("CATSCALE_DEBUG"):
            raise
        _err(f"internal error ({type(exc).__name__}): {exc}\n"
             "rerun with CATSCALE_DEBUG=1 for the traceback, and please report it")
        raise typer.Exit(EXIT_FAILED) from None


def check_output_path(option: str, path: str | None) -> None:
    """Refuse, before any computation, an output file whose directory does not exist or
    cannot be written (bad input, exit 2), so that no finished result is lost at the end."""
    if not path:
        return
    import os
    import pathlib

    parent = pathlib.Path(path).expanduser().resolve().parent
    if not parent.is_dir() or not os.access(parent, os.W_OK):
        raise InvalidParameterError(option, "a file in an existing, writable directory", path)


def print_json(obj: Any) -> None:
    """Print one JSON object on stdout (the ``--json`` contract)."""
    sys.stdout.write(json.dumps(to_jsonable(obj), indent=None) + "\n")
    sys.stdout.flush()


def print_result(res: Any, json_out: bool, head: str | None = None) -> None:
    """A typed result on stdout: ``--json`` its dict (warnings in its ``warnings`` list),
    else its text (after ``head``) and then every warning that the text does not already
    show on a line ``warning: ...``, so that a result that cannot be fully trusted says
    why in the text too."""
    if json_out:
        print_json(res.to_dict())
        return
    text = res.text()
    lines = ([head] if head else []) + [text]
    lines += [f"warning: {w}" for w in getattr(res, "warnings", None) or () if w not in text]
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
