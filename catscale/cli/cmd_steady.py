"""``catscale steady MODEL``: verified mean-field steady state, TOF and degree of rate control."""

from __future__ import annotations

import typer

from ._common import cli_errors, print_json


def model_steady_state(m, T: float | None = None):
    """Steady state of a loaded model (lateral interactions included when the file has them)."""
    from catscale.kinetics import steady_state

    rt = m.rates(T)
    return steady_state(m.mechanism, rt, m.pressures, lateral=m.mean_field_lateral(),
                        coordination=m.coordination(), alpha=m.lateral_alpha(),
                        coverage_effects=m.coverage_effects(T))


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
            from catscale.kinetics import analyze
            from catscale.model import load_model

            m = load_model(model)
            ss = model_steady_state(m, T)
            an = analyze(ss, product)
            states = [{"coverages": s.coverages, "tof": s.tof, "stable": s.stable,
                       "residual": s.residual} for s in [ss, *ss.alternatives]]
            out = {"T": ss.network.T, "coverages": ss.coverages, "tof": ss.tof,
                   "production": ss.production, "drc": an.get("drc", {}),
                   "dtrc": an.get("dtrc", {}), "orders": an.get("orders", {}),
                   "product": an.get("product"), "masi": ss.masi(),
                   "residual": ss.residual, "stable": ss.stable, "method": ss.method,
                   "n_steady_states": ss.n_steady_states, "steady_states": states}
            label = {k: k for k in ss.coverages}
            if names != "catscale":
                from catscale.model.exporters import species_names

                out["cantera_names"] = species_names(m, names)
                label = {k: f"{k} [{out['cantera_names'][k]}]" for k in ss.coverages}
            if json_out:
                print_json(out)
                return
            typer.echo(f"T = {out['T']:g} K   residual {ss.residual:.2e}   "
                       f"{'stable' if ss.stable else 'UNSTABLE'}   ({ss.method})")
            for k, v in ss.coverages.items():
                typer.echo(f"  theta({label[k]}) = {v:.6g}")
            for g, v in ss.tof.items():
                typer.echo(f"  TOF({g}) = {v:.6g} s^-1")
            for eq, x in out["drc"].items():
                if abs(x) > 1e-3:
                    typer.echo(f"  DRC {eq}: {x:.4f}")
            if ss.n_steady_states > 1:
                typer.echo(f"  {ss.n_steady_states} steady states found "
                           f"({len(ss.stable_states)} stable); see --json")
