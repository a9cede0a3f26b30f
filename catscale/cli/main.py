"""Entry point of the ``catscale`` console script."""

from __future__ import annotations

import importlib
import pkgutil

import typer

app = typer.Typer(
    name="catscale",
    help="Multiscale modeling of heterogeneous catalysis: atoms -> rates -> surfaces -> "
    "pellets -> reactors, with uncertainty.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    from catscale import cli

    app.command("version")(_version)    # registered here, with the others: callers test
    # ``app.registered_commands`` to know whether the commands are there
    for mod in sorted(pkgutil.iter_modules(cli.__path__), key=lambda m: m.name):
        if mod.name.startswith("cmd_"):
            importlib.import_module(f"catscale.cli.{mod.name}").register(app)


def _print_version(value: bool) -> None:
    """``--version``: an eager option, handled while the arguments are parsed (so that it
    needs no command)."""
    if value:
        from catscale import __version__

        typer.echo(__version__)
        raise typer.Exit(0)


@app.callback()
def _root(version: bool = typer.Option(False, "--version", help="Print the version and exit.",
                                       is_eager=True, callback=_print_version)) -> None:
    """Multiscale modeling of heterogeneous catalysis."""


def _version() -> None:
    """Print the version."""
    _print_version(True)


def main() -> None:
    """Run the CLI."""
    _register()
    app()


if __name__ == "__main__":
    main()
