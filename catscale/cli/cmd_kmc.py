"""``catscale kmc MODEL``: lattice kinetic Monte Carlo on the model's mechanism.

JSON keys (DESIGN.md): coverages, tof, tof_error, events, events_per_second, time; plus
coverage_error, status, warmup_blocks, pair_probabilities, correlation_length, step_rates,
lattice, seed, replicas, jit_seconds; scaling_check with ``--scaling-check`` (or
``fast_diffusion: {check: true}``).
"""

from __future__ import annotations

import typer

from catscale.lattices import lattice_names

from ._common import check_output_path, cli_errors, print_json


def kmc_inputs(model, events: int | None = None, seed: int | None = None,
               lattice: str | None = None, size: tuple[int, int] | None = None,
               checkpoint: str | None = None, replicas: int | None = None,
               fast_diffusion: bool | None = None, T: float | None = None,
               scaling_check: bool | None = None):
    """Lattice, kMC model and run config from a loaded model and its ``kmc:`` section.

    Options given here override the section. Returns
    ``(kmc_model, lattice, config, replicas, section)``.
    """
    from catscale.bridges.rates_to_kmc import kmc_model
    from catscale.errors import InvalidParameterError
    from catscale.kmc import (
        Cluster,
        FastDiffusion,
        KMCConfig,
        LateralInteractions,
    )
    from catscale.model.sections.kmc import KMCSection, build_lattice

    sec = model.kmc if getattr(model, "kmc", None) is not None else KMCSection()
    lat = build_lattice(sec, [s.name for s in model.mechanism.sites], lattice, size)
    inter = LateralInteractions.from_dict(getattr(model, "lateral", None) or {})
    extra = LateralInteractions(
        tuple((*_pair(i.pair, model.mechanism), i.shell, i.energy) for i in sec.interactions),
        tuple(Cluster(tuple(c.species), tuple(tuple(x) for x in c.sites), c.energy)
              for c in sec.clusters))
    rates = model.rates(T)
    km = kmc_model(model.mechanism, rates, model.pressures, lat, lateral=inter.merged(extra),
                   diffusion=dict(sec.diffusion), bep=dict(sec.bep))
    fd = sec.fast_diffusion if fast_diffusion is None else fast_diffusion
    if fd is True:
        fd = FastDiffusion()
    elif fd is False or fd is None:
        fd = None
    elif not isinstance(fd, FastDiffusion):
        fd = FastDiffusion(fd.separation, fd.tolerance, fd.min_executions, fd.min_scale,
                           instance_separation=fd.instance_separation, check=fd.check)
    if scaling_check:  # implies fast-diffusion scaling, unless that was switched off
        from dataclasses import replace

        if fast_diffusion is False:
            raise InvalidParameterError("--scaling-check", "fast-diffusion scaling to check "
                                        "(not --no-fast-diffusion)", True)
        fd = replace(fd or FastDiffusion(), check=True)
    n_ev = int(events if events is not None else sec.events)
    cfg = KMCConfig(events=n_ev, seed=int(seed if seed is not None else sec.seed),
                    blocks=min(int(sec.blocks), n_ev), warmup=sec.warmup,
                    t_max=float(sec.time) if sec.time else float("inf"),
                    initial=dict(sec.initial) or None,
                    checkpoint=checkpoint or sec.checkpoint,
                    checkpoint_every=int(sec.checkpoint_interval), fast_diffusion=fd)
    nrep = int(sec.replicas if replicas is None else replicas)
    if nrep < 1:
        raise InvalidParameterError("replicas", "an integer >= 1", nrep)
    return km, lat, cfg, nrep, sec


def _pair(text: str, mechanism) -> tuple[str, str]:
    """The two adsorbates of a ``kmc.interactions`` pair key (names may contain '-')."""
    from catscale.errors import InvalidParameterError
    from catscale.mechanism import split_pair

    ads = [s.name for s in mechanism.species if s.phase == "surface"]
    pair = split_pair(text, ads)
    if pair is None:
        raise InvalidParameterError("kmc.interactions.pair",
                                    f"'A*-B*' with two adsorbates of {ads}", text)
    return pair


def run_kmc(model, progress=None, **overrides) -> dict:
    """Run kMC for a loaded model; returns the JSON-ready summary (see module doc)."""
    import time

    from catscale.kmc import combine_replicas, run_replicas, simulate

    km, lat, cfg, nrep, _ = kmc_inputs(model, **overrides)
    t0 = time.perf_counter()
    if nrep > 1:
        results = run_replicas(km, lat, cfg, nrep)
        out = combine_replicas(results)
        res = results[0]
    else:
        res = simulate(km, lat, cfg, progress=progress, steps=tuple(model.mechanism.steps))
        out = res.summary()
    out.update(lattice=lat.describe(), seed=cfg.seed, replicas=nrep,
               wall_seconds=time.perf_counter() - t0)
    return out, res, km, lat


def register(app: typer.Typer) -> None:
    @app.command("kmc")
    def kmc(model: str = typer.Argument(..., help="Model file (YAML)."),
            events: int = typer.Option(None, "--events", help="Number of kMC events."),
            seed: int = typer.Option(None, "--seed", help="Random seed."),
            lattice: str = typer.Option(None, "--lattice",
                                        help="A registered lattice: " + " | ".join(
                                            lattice_names())),
            size: int = typer.Option(None, "--size", help="Lattice size L (L x L cells)."),
            replicas: int = typer.Option(None, "--replicas",
                                         help="Independent replicas in parallel processes."),
            checkpoint: str = typer.Option(None, "--checkpoint",
                                           help="Checkpoint file (.npz); resumes if present."),
            fast_diffusion: bool = typer.Option(None, "--fast-diffusion/--no-fast-diffusion",
                                                help="Scale quasi-equilibrated fast events."),
            scaling_check: bool = typer.Option(
                False, "--scaling-check", help="With fast-diffusion scaling: estimate its TOF "
                "bias from a second run scaled twice as hard (S/2; doubles the cost)."),
            snapshot: str = typer.Option(None, "--snapshot", help="Write a PNG of the final "
                                         "lattice."),
            json_out: bool = typer.Option(False, "--json", help="Print one JSON object.")):
        """Lattice kinetic Monte Carlo: coverages, TOF with error bars, events/s."""
        with cli_errors():
            from catscale.model import load_model

            m = load_model(model)
            check_output_path("--snapshot", snapshot)
            sec = getattr(m, "kmc", None)
            check_output_path("--checkpoint" if checkpoint else "kmc.checkpoint",
                              checkpoint or getattr(sec, "checkpoint", None))
            kw = dict(events=events, seed=seed, lattice=lattice,
                      size=(size, size) if size else None, replicas=replicas,
                      checkpoint=checkpoint, fast_diffusion=fast_diffusion,
                      scaling_check=scaling_check or None)
            if json_out:
                out, res, km, lat = run_kmc(m, **kw)
            else:
                from rich.progress import Progress

                with Progress(transient=True) as bar:
                    task = bar.add_task("kMC events", total=1.0)

                    def prog(done, total):
                        bar.update(task, completed=done / total)

                    out, res, km, lat = run_kmc(m, progress=prog, **kw)
            if snapshot:
                from catscale.kmc import snapshot_png

                snapshot_png(res.state, lat, km.species, snapshot,
                             title=f"{m.name} - {res.events} events, t = {res.time:.3g} s")
                out["snapshot"] = snapshot
            if json_out:
                print_json(out)
            else:
                _print_text(out)


def _print_text(out: dict) -> None:
    lines = [f"kMC on {out['lattice']['name']} {out['lattice']['size']} "
             f"({out['events']} events, t = {out['time']:.4g} s, "
             f"{out['events_per_second']:.3g} events/s, status {out['status']})"]
    for k, v in out["coverages"].items():
        lines.append(f"  theta({k}) = {v:.5g} +- {out['coverage_error'].get(k, 0):.2g}")
    for k, v in out["tof"].items():
        lines.append(f"  TOF({k}) = {v:.5g} +- {out['tof_error'].get(k, 0):.2g} s^-1")
    if "scaling_check" in out:
        lines.append(f"  fast-diffusion scaling check (S/2): {out['scaling_check']['verdict']}")
    typer.echo("\n".join(lines))
