"""``catscale import catmap|cantera|zacros ...``: write a catscale model file from another
code."""

from __future__ import annotations

import typer

from ._common import cli_errors, print_json


def register(app: typer.Typer) -> None:
    imp = typer.Typer(help="Import CatMAP, Cantera or Zacros models as catscale model files.",
                      no_args_is_help=True)
    app.add_typer(imp, name="import")

    @imp.command("catmap")
    def catmap(mkm: str = typer.Argument(..., help="CatMAP .mkm setup file."),
               energies: str = typer.Option(None, "--energies", help="Energy table."),
               surface: str = typer.Option(None, "--surface",
                                           help="Surface whose descriptor point is written "
                                                "(default: the first surface)."),
               out: str = typer.Option(..., "--out", help="Model file to write (YAML)."),
               json_out: bool = typer.Option(False, "--json", help="Print one JSON object.")):
        """CatMAP descriptor model -> catscale model at one surface's descriptor point."""
        with cli_errors():
            from catscale.model.importers import load_catmap, write_catmap_model

            cm = load_catmap(mkm, energies)
            name = surface or next(iter(cm.surfaces))
            path = write_catmap_model(cm, out, name)
            res = {"out": str(path), "surface": name, "point": cm.surfaces.get(name),
                   "steps": [s.equation for s in cm.mechanism.steps],
                   "ts_scaling": [{"step": t.step, "reference": t.reference,
                                   "alpha": t.alpha, "beta": t.beta}
                                  for t in cm.descriptor_model.ts_scaling]}
            print_json(res) if json_out else typer.echo(f"wrote {path}")

    @imp.command("cantera")
    def cantera(mech: str = typer.Argument(..., help="Cantera YAML (e.g. ptcombust.yaml)."),
                T: float = typer.Option(..., "--T", help="Temperature of the model's "
                                        "conditions, K (the model is valid at any T)."),
                P: float = typer.Option(101325.0, "--P", help="Pressure, Pa."),
                X: str = typer.Option(..., "--X", help="Gas mole fractions 'A:0.1, B:0.9'."),
                phase: str = typer.Option(None, "--phase", help="Surface phase name."),
                site: str = typer.Option(None, "--site", help="Cantera name of the free "
                                         "site (default: the species without a chemical "
                                         "element)."),
                skip: bool = typer.Option(False, "--skip-unsupported",
                                          help="Leave out reactions catscale cannot "
                                          "represent (bulk, charge transfer, ...)."),
                out: str = typer.Option(..., "--out", help="Model file to write (YAML)."),
                json_out: bool = typer.Option(False, "--json", help="Print one JSON object.")):
        """Cantera ideal-surface mechanism -> catscale model with temperature-dependent rate
        laws and NASA-7 thermochemistry (reverse rates by detailed balance)."""
        with cli_errors():
            try:
                from catscale.model.importers import import_cantera, write_cantera_model
                imp = import_cantera(mech, T, P, X, phase=phase, site=site,
                                     skip_unsupported=skip)
            except ImportError as exc:
                from catscale.errors import CatscaleError
                raise CatscaleError(f"cantera is not installed: {exc}") from None
            from catscale.model.importers import load_imported

            load_imported(imp)                    # the written file is a valid model
            path = write_cantera_model(imp, out)
            doc = imp.document
            res = {"out": str(path), "phase": imp.phase, "steps": len(doc["steps"]),
                   "pressures": doc["conditions"]["pressures"], "T": T,
                   "names": imp.names,
                   "skipped": [{"equation": e, "reason": w} for e, w in imp.skipped]}
            if json_out:
                print_json(res)
                return
            typer.echo(f"wrote {path} ({res['steps']} steps, phase {imp.phase})")
            for e, w in imp.skipped:
                typer.echo(f"  left out '{e}': {w}")

    @imp.command("zacros")
    def zacros(directory: str = typer.Argument(..., help="Directory of a Zacros input set."),
               out: str = typer.Option(..., "--out", help="Model file to write (YAML)."),
               T: float = typer.Option(None, "--T", help="Temperature, K, at which the "
                                       "Arrhenius parameters are evaluated (default: "
                                       "Zacros')."),
               json_out: bool = typer.Option(False, "--json", help="Print one JSON object.")):
        """Zacros input set -> catscale model (lattice, clusters, steps at one T)."""
        with cli_errors():
            from catscale.model.importers.zacros import load_zacros, write_zacros_model

            zm = load_zacros(directory, T)
            path = write_zacros_model(zm, out)
            doc = zm.document
            res = {"out": str(path), "T": doc["conditions"]["T"],
                   "steps": [s["equation"] for s in doc["steps"]],
                   "lateral": doc.get("lateral", {}), "lattice": doc["kmc"]["lattice"],
                   "warnings": list(zm.warnings)}
            if json_out:
                print_json(res)
            else:
                typer.echo(f"wrote {path}")
                for w in zm.warnings:
                    typer.echo(f"warning: {w}")
