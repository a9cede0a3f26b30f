"""``catscale kmc MODEL``: lattice kinetic Monte Carlo on the model's mechanism.

JSON: :class:`catscale.stages.KMCRunResult` (DESIGN.md keys coverages, tof, tof_error,
events, events_per_second, time, and more).
"""

from __future__ import annotations

import typer

from catscale.lattices import lattice_names

from ._common import (
    MAX_EVENTS,
    MAX_LATTICE_SIZE,
    MAX_REPLICAS,
    MAX_SEED,
    check_output_path,
    cli_errors,
    print_result,
)


def register(app: typer.Typer) -> None:
    @app.command("kmc")
    def kmc(model: str = typer.Argument(..., help="Model file (YAML)."),
            events: int = typer.Option(None, "--events", help="Number of kMC events.",
                                        min=1, max=MAX_EVENTS),
            seed: int = typer.Option(None, "--seed", help="Random seed.", min=0,
                                      max=MAX_SEED),
            lattice: str = typer.Option(None, "--lattice",
                                        help="A registered lattice: " + " | ".join(
                                            lattice_names())),
            size: int = typer.Option(None, "--size", help="Lattice size L (L x L cells).",
                                      min=3, max=MAX_LATTICE_SIZE),
            replicas: int = typer.Option(None, "--replicas",
                                         help="Independent replicas in parallel processes.",
                                         min=1, max=MAX_REPLICAS),
            checkpoint: str = typer.Option(None, "--checkpoint",
                                           help="Checkpoint file (.npz); resumes if present."),
            fast_diffusion: bool = typer.Option(None, "--fast-diffusion/--no-fast-diffusion",
                                                help="Scale quasi-equilibrated fast events."),
            scaling_check: bool = typer.Option(
                False, "--scaling-check", help="With fast-diffusion scaling: estimate its TOF "
                "bias from a second run scaled twice as hard (S/2; doubles the cost)."),
            target_error: float = typer.Option(
                None, "--target-error", help="Run until converged: continue the trajectory "
                "until the relative TOF error is below this and the element balance and "
                "stationarity checks pass (or --max-events)."),
            max_events: int = typer.Option(None, "--max-events", help="Event cap of "
                                           "--target-error (default 10 x events).", min=1,
                                           max=MAX_EVENTS),
            snapshot: str = typer.Option(None, "--snapshot", help="Write a PNG of the final "
                                         "lattice."),
            json_out: bool = typer.Option(False, "--json", help="Print one JSON object.")):
        """Lattice kinetic Monte Carlo: coverages, TOF with error bars, events/s."""
        with cli_errors():
            from catscale import load_model

            m = load_model(model)
            check_output_path("--snapshot", snapshot)
            sec = m.sections.kmc
            check_output_path("--checkpoint" if checkpoint else "kmc.checkpoint",
                              checkpoint or getattr(sec, "checkpoint", None))
            kw = dict(lattice=lattice, size=(size, size) if size else None,
                      replicas=replicas, checkpoint=checkpoint, fast_diffusion=fast_diffusion,
                      scaling_check=scaling_check or None, target_error=target_error,
                      max_events=max_events)
            if json_out:
                res = m.kmc(events=events, seed=seed, **kw)
            else:
                from rich.progress import Progress

                with Progress(transient=True) as bar:
                    task = bar.add_task("kMC events", total=1.0)

                    def prog(done, total):
                        bar.update(task, completed=done / total)

                    res = m.kmc(events=events, seed=seed, progress=prog, **kw)
            if snapshot:
                from catscale.kmc import snapshot_png

                fin = res.final
                snapshot_png(fin.state, res.lattice_obj, res.kmc_model.species, snapshot,
                             title=f"{m.name} - {fin.events} events, t = {fin.time:.3g} s")
                res = res.replace(snapshot=snapshot)
            print_result(res, json_out)
