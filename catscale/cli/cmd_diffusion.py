"""``catscale diffusion MODEL``: surface diffusivities D*, D_J, Phi, D_c, M versus coverage.

JSON keys: T (K), lattice, eps (eV), hop_rate (s^-1), a (m), D0 (m^2/s), rule, method,
closure, coverages (list of {theta, D_star, D_star_err, D_jump, D_jump_err, Phi, Phi_err,
D_c, D_c_err, M, M_err, f, f_err, theta_gc, mu, closure_Phi, closure_D_c}; D in m^2/s,
M in m^2 s^-1 eV^-1), spinodal ([theta_low, theta_high] of the closure or null),
critical_temperature (K, closure; null for eps >= 0), events, wall_time (s),
events_per_second, plot (path or null).
"""

from __future__ import annotations

import typer

from ._common import (
    MAX_EVENTS,
    MAX_LATTICE_SIZE,
    MAX_REPLICAS,
    MAX_SEED,
    MAX_WORKERS,
    check_output_path,
    cli_errors,
    print_result,
)


def plot_diffusion(curve, closure, path: str) -> None:
    """Figure of D*/D0, D_J/D0, D_c/D0 (with error bars) and Phi versus coverage."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.6))
    D0 = curve.D0
    for key, lab, c in (("D_star", "tracer D*", "C0"), ("D_jump", "jump D_J", "C1"),
                        ("D_c", "chemical D_c", "C2")):
        y = getattr(curve, key) / D0
        if np.all(np.isnan(y)):
            continue
        ax1.errorbar(curve.theta, y, yerr=getattr(curve, key + "_err") / D0, fmt="o-",
                     color=c, ms=4, capsize=2, label=lab)
    ax1.plot(closure.theta, closure.D_c / D0, "--", color="C2", label="D_c closure")
    ax1.plot(closure.theta, closure.D_jump / D0, "--", color="C1", label="D_J mean field")
    ax1.axhline(0, color="k", lw=0.5)
    ax1.set_xlabel("coverage theta")
    ax1.set_ylabel("D / D0")
    ax1.legend(fontsize=7)
    ax2.errorbar(curve.theta, curve.Phi, yerr=curve.Phi_err, fmt="o", color="C3", ms=4,
                 capsize=2, label="Phi")
    ax2.plot(closure.theta, closure.Phi, "--", color="C3", label=closure.source)
    ax2.plot(closure.theta, 1 / (1 - closure.theta), ":", color="k", label="1/(1-theta)")
    ax2.axhline(0, color="k", lw=0.5)
    ax2.set_xlabel("coverage theta")
    ax2.set_ylabel("thermodynamic factor Phi")
    ax2.legend(fontsize=7)
    fig.suptitle(f"T = {curve.T:.0f} K, source {curve.source}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def register(app: typer.Typer) -> None:
    @app.command("diffusion")
    def diffusion_cmd(
        model_path: str = typer.Argument(..., metavar="MODEL", help="Model file (YAML)."),
        coverages: str = typer.Option(None, "--coverages",
                                      help="start:stop:count (default: the model's)."),
        json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
        method: str = typer.Option(None, "--method", help="kmc | closure."),
        events: int = typer.Option(None, "--events", help="kMC events per run (default: the "
                                   "model's).", min=1000, max=MAX_EVENTS),
        size: int = typer.Option(None, "--size", help="kMC lattice side (default: the model's).",
                                 min=3, max=MAX_LATTICE_SIZE),
        replicas: int = typer.Option(None, "--replicas", help="Replicas (default: the model's).",
                                     min=1, max=MAX_REPLICAS),
        workers: int = typer.Option(2, "--workers", help="Processes for kMC runs.", min=1,
                                    max=MAX_WORKERS),
        seed: int = typer.Option(None, "--seed", help="Seed (default: model).", min=0,
                                 max=MAX_SEED),
        plot: str = typer.Option(None, "--plot", help="Write a figure (PNG/PDF) here."),
    ) -> None:
        """Surface diffusion: tracer, jump and chemical diffusivity, thermodynamic factor."""
        with cli_errors():
            from catscale import load_model

            model = load_model(model_path)
            check_output_path("--plot", plot)
            res = model.diffusion(method=method, coverages=coverages, events=events,
                                  size=size, replicas=replicas,
                                  workers=workers, seed=seed)
            if plot:
                plot_diffusion(*res.curves, plot)
                res = res.replace(plot=plot)
            print_result(res, json_out)
