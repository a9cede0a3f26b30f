"""``catscale export cantera|zacros MODEL --out PATH``: write a model for another code.

``cantera``: a Cantera YAML mechanism (NASA-7 and modified-Arrhenius fits, fit errors, an
optional check against Cantera's steady state). ``zacros``: the four Zacros input files
(JSON keys: format, out, files, T, warnings).
"""

from __future__ import annotations

import typer

from ._common import cli_errors, print_json


def _range(text: str | None) -> tuple[float, float] | None:
    from catscale.errors import InvalidParameterError

    if text is None:
        return None
    try:
        lo, hi = (float(x) for x in text.split(":"))
    except ValueError:
        raise InvalidParameterError("--T-range", "'T_low:T_high' in K", text) from None
    return lo, hi


def register(app: typer.Typer) -> None:
    exp = typer.Typer(help="Export catscale models to other codes' input files.",
                      no_args_is_help=True)
    app.add_typer(exp, name="export")

    @exp.command("zacros")
    def zacros(model: str = typer.Argument(..., help="Model file (YAML)."),
               out: str = typer.Option(..., "--out", help="Output directory."),
               T: float = typer.Option(None, "--T", help="Temperature, K (default: the "
                                                          "model's)."),
               json_out: bool = typer.Option(False, "--json", help="Print one JSON object.")):
        """Zacros input files (simulation, lattice, energetics, mechanism) whose events fire
        at catscale's kMC rates."""
        with cli_errors():
            from catscale.model import load_model
            from catscale.model.exporters import write_zacros

            r = write_zacros(load_model(model), out, T)
            res = {"format": "zacros", "out": out, "files": list(r.files), "T": r.zacros.T,
                   "warnings": list(r.warnings)}
            if json_out:
                print_json(res)
                return
            typer.echo(f"wrote {', '.join(res['files'])}")
            for w in res["warnings"]:
                typer.echo(f"warning: {w}")

    @exp.command("cantera")
    def cantera(model: str = typer.Argument(..., help="Model file (YAML)."),
                out: str = typer.Option(..., "--out", help="Cantera YAML to write."),
                T_range: str = typer.Option(None, "--T-range",
                                            help="Fit range 'T_low:T_high', K (default: "
                                            "the model's T +- 50 K)."),
                points: int = typer.Option(41, "--points", help="Temperatures per fit.",
                                         min=8, max=10000),
                check: bool = typer.Option(False, "--check",
                                           help="Solve the written file with Cantera at "
                                           "three temperatures of the range and compare "
                                           "with catscale (needs cantera)."),
                json_out: bool = typer.Option(False, "--json", help="Print one JSON object.")):
        """catscale model -> Cantera mechanism: NASA-7 fitted to catscale's free energies,
        modified-Arrhenius fits of its rate constants (fit errors reported)."""
        with cli_errors():
            from catscale.model import load_model
            from catscale.model.exporters import export_cantera, write_cantera_mechanism

            m = load_model(model)
            ex = export_cantera(m, _range(T_range), points)
            path = write_cantera_mechanism(ex, out)
            res = {"out": str(path), "T_range": list(ex.T_range),
                   "thermo_fit_error_max": max(ex.thermo_fit_error.values(), default=0.0),
                   "rate_fit_error_max": max(ex.rate_fit_error.values(), default=0.0),
                   "thermo_fit_error": ex.thermo_fit_error,
                   "rate_fit_error": ex.rate_fit_error,
                   "irreversible_pairs": list(ex.irreversible_pairs),
                   "names": ex.names, "warnings": list(ex.warnings)}
            if check:
                res["check"] = _check(m, ex, path)
            if json_out:
                print_json(res)
                return
            typer.echo(f"wrote {path}: fit range {ex.T_range[0]:g}-{ex.T_range[1]:g} K, "
                       f"max thermo fit error {res['thermo_fit_error_max']:.2e} eV, "
                       f"max rate fit error {res['rate_fit_error_max']:.2e} (ln k)")
            for w in ex.warnings:
                typer.echo(f"  warning: {w}")
            for c in res.get("check", []):
                typer.echo(f"  T = {c['T']:g} K: Cantera vs catscale coverages "
                           f"{c['coverage_error']:.2e}, production {c['production_error']:.2e}"
                           " (max relative)")


def _check(m, ex, path) -> list[dict]:
    """Cantera's steady state of the written file against catscale's at three temperatures
    (the range's quarter points): max relative differences of the coverages (> 1e-12) and
    of the gases' net production; a net rate below 1e-3 of the gas's gross rate (a gas near
    equilibrium with the surface: a difference of nearly equal numbers) is compared with
    1e-3 of the gross rate."""
    try:
        import cantera  # noqa: F401
    except ImportError:
        from catscale.errors import CatscaleError

        raise CatscaleError("--check needs cantera (pip install cantera)") from None
    from catscale.model.exporters import cantera_steady_state
    from catscale.stages.steady import solve as model_steady_state

    lo, hi = ex.T_range
    out = []
    for T in (lo + 0.25 * (hi - lo), 0.5 * (lo + hi), lo + 0.75 * (hi - lo)):
        mt = m.with_conditions(T=T)
        ss = model_steady_state(mt, T)
        cov, prod, gross = cantera_steady_state(path, ex, T, mt.pressures)
        ec = max((abs(ss.coverages[k] - v) / v for k, v in cov.items() if v > 1e-12),
                 default=0.0)
        ep = max((abs(ss.production.get(k, 0.0) - v) / max(abs(v), 1e-3 * gross[k])
                  for k, v in prod.items() if gross[k] > 0), default=0.0)
        out.append({"T": T, "coverage_error": ec, "production_error": ep})
    return out
