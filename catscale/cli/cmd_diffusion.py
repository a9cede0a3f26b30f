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

from ._common import check_output_path, cli_errors, print_json


def diffusion_inputs(model, coverages: str | None = None) -> dict:
    """Resolve the lattice-gas parameters of a model (section ``diffusion:`` with defaults).

    Returns a dict with lattice, T (K), eps (eV), hop_rate (s^-1), a (m), rule, coverages,
    and the section object.
    """
    import math

    from catscale.errors import InvalidParameterError
    from catscale.lattices import lattice_names
    from catscale.model.sections.diffusion import DiffusionSection, parse_coverages
    from catscale.units import h, kB

    sec = model.diffusion if getattr(model, "diffusion", None) is not None else \
        DiffusionSection()
    T = sec.T or model.T
    lattice = sec.lattice
    if lattice is None:
        kmc = getattr(model, "kmc", None)
        lat = getattr(kmc, "lattice", None) if kmc is not None else None
        lattice = lat if lat in lattice_names(bravais=True) else "square"
    eps = sec.eps
    if eps is None:
        eps = 0.0
        if sec.species is not None:
            sp = sec.species
            for key, val in (model.lateral or {}).items():
                pair = tuple(key) if isinstance(key, tuple) else tuple(str(key).split("-"))
                if pair == (sp, sp):
                    eps = float(val)
    if sec.hop_rate is not None:
        gamma = sec.hop_rate
    else:
        pref = sec.prefactor if sec.prefactor is not None else kB * T / h
        gamma = pref * math.exp(-(sec.hop_barrier or 0.0) / (kB * T))
    if not gamma > 0:
        raise InvalidParameterError(f"{model.path}: diffusion.hop_rate", "> 0 s^-1", gamma)
    if coverages is not None:
        try:
            cov = parse_coverages(coverages)
        except ValueError as exc:
            msg = str(exc).split(", got ")[0].removeprefix("expected ")
            raise InvalidParameterError("--coverages", msg, coverages) from None
    else:
        cov = list(sec.coverages)
    return dict(lattice=lattice, T=float(T), eps=float(eps), hop_rate=float(gamma),
                a=float(sec.a), rule=sec.rule, coverages=cov, section=sec)


def diffusion_summary(inp: dict, method: str, events: int | None = None,
                      size: int | None = None, replicas: int | None = None,
                      workers: int = 1, seed: int | None = None) -> tuple[dict, object]:
    """Compute D(theta) (kMC or closure) and the JSON-ready summary; returns (dict, curve)."""
    import time

    import numpy as np

    from catscale.diffusion import chemical_diffusivity, critical_temperature, spinodal

    sec = inp["section"]
    th = np.array(inp["coverages"], float)
    closure = chemical_diffusivity(th, inp["hop_rate"], inp["a"], inp["eps"], inp["T"],
                                   inp["lattice"], inp["rule"], sec.closure)
    t0 = time.perf_counter()
    n_events = 0
    if method == "kmc":
        from catscale.bridges.kmc_to_diffusion import curve_from_sampling
        from catscale.kmc.lattice_gas import LatticeGasConfig, sample_diffusion

        L = (size, size) if size else tuple(sec.size)
        cfg = LatticeGasConfig(lattice=inp["lattice"], size=L, T=inp["T"], eps=inp["eps"],
                               hop_rate=inp["hop_rate"], rule=inp["rule"], a=inp["a"],
                               exchange_rate=sec.exchange_rate or inp["hop_rate"])
        ev = events or sec.events
        s = sample_diffusion(cfg, th, events=ev, replicas=replicas or sec.replicas,
                             seed=sec.seed if seed is None else seed, workers=workers,
                             grand_size=sec.grand_size)
        curve = curve_from_sampling(s)
        n_events = s.events
    else:
        curve = closure
    wall = time.perf_counter() - t0
    d = curve.to_dict()
    rows = []
    for i in range(len(th)):
        row = {k: d[k][i] for k in ("theta", "D_star", "D_star_err", "D_jump", "D_jump_err",
                                    "Phi", "Phi_err", "D_c", "D_c_err", "M", "M_err")}
        for k in ("f", "f_err", "theta_gc", "mu"):
            if k in d:
                row[k] = d[k][i]
        row["closure_Phi"] = float(closure.Phi[i])
        row["closure_D_c"] = float(closure.D_c[i])
        rows.append(row)
    sp = spinodal(inp["eps"], inp["T"], inp["lattice"], sec.closure)
    tc = (critical_temperature(inp["eps"], inp["lattice"], sec.closure)
          if inp["eps"] < 0 and sec.closure != "langmuir" else None)
    out = {"T": inp["T"], "lattice": inp["lattice"], "eps": inp["eps"],
           "hop_rate": inp["hop_rate"], "a": inp["a"], "D0": curve.D0, "rule": inp["rule"],
           "method": method, "closure": sec.closure, "coverages": rows,
           "spinodal": list(sp) if sp else None, "critical_temperature": tc,
           "events": n_events, "wall_time": wall,
           "events_per_second": n_events / wall if wall > 0 and n_events else None}
    return out, (curve, closure)


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
        events: int = typer.Option(0, "--events", help="kMC events per run (0: model)."),
        size: int = typer.Option(0, "--size", help="kMC lattice side (0: model)."),
        replicas: int = typer.Option(0, "--replicas", help="Replicas (0: model)."),
        workers: int = typer.Option(2, "--workers", help="Processes for kMC runs."),
        seed: int = typer.Option(None, "--seed", help="Seed (default: model)."),
        plot: str = typer.Option(None, "--plot", help="Write a figure (PNG/PDF) here."),
    ) -> None:
        """Surface diffusion: tracer, jump and chemical diffusivity, thermodynamic factor."""
        with cli_errors():
            from catscale.errors import InvalidParameterError
            from catscale.model import load_model

            model = load_model(model_path)
            inp = diffusion_inputs(model, coverages)
            m = method or inp["section"].method
            if m not in ("kmc", "closure"):
                raise InvalidParameterError("--method", "kmc or closure", m)
            for name, v in (("--events", events), ("--size", size), ("--replicas", replicas)):
                if v < 0:
                    raise InvalidParameterError(name, ">= 0", v)
            if size and size < 3:
                raise InvalidParameterError("--size", ">= 3", size)
            if workers < 1:
                raise InvalidParameterError("--workers", ">= 1", workers)
            check_output_path("--plot", plot)
            out, (curve, closure) = diffusion_summary(inp, m, events or None, size or None,
                                                      replicas or None, workers, seed)
            out["plot"] = None
            if plot:
                plot_diffusion(curve, closure, plot)
                out["plot"] = plot
            if json_out:
                print_json(out)
            else:
                typer.echo(f"T = {out['T']:.1f} K, {out['lattice']}, eps = {out['eps']:.4g} eV,"
                           f" Gamma = {out['hop_rate']:.4g} 1/s, D0 = {out['D0']:.4g} m^2/s")
                typer.echo("  theta     D*/D0          D_J/D0         Phi            D_c/D0")
                D0 = out["D0"]
                for r in out["coverages"]:
                    def fmt(k: str, r: dict = r) -> str:
                        v, e = r[k], r[k + "_err"]
                        sc = D0 if k != "Phi" else 1.0
                        if v is None:
                            return f"{'-':>14s}"
                        return f"{v / sc:7.4f}+-{(e or 0) / sc:<6.4f}"
                    typer.echo(f"  {r['theta']:.3f}  {fmt('D_star')} {fmt('D_jump')} "
                               f"{fmt('Phi')} {fmt('D_c')}")
                if out["spinodal"]:
                    lo, hi = out["spinodal"]
                    typer.echo(f"spinodal ({out['closure']}): D_c < 0 for {lo:.3f} < theta "
                               f"< {hi:.3f}")
