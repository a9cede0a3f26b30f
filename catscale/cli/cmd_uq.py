"""``catscale uq MODEL``: uncertainty of the predicted rates and what makes them uncertain."""

from __future__ import annotations

import sys

import typer

from ._common import MAX_SAMPLES, MAX_SEED, MAX_WORKERS, cli_errors, print_result


def register(app: typer.Typer) -> None:
    @app.command("uq")
    def uq(model: str = typer.Argument(..., help="Model file (YAML) with an uncertainty: "
                                                 "section."),
           samples: int = typer.Option(None, "--samples", "-n",
                                       help="Samples (default: the section's).", min=1,
                                       max=MAX_SAMPLES),
           method: str = typer.Option(None, "--method",
                                      help="sobol | random | lhs | pce (default: section's)."),
           seed: int = typer.Option(None, "--seed", help="Seed (default: the section's).",
                                    min=0, max=MAX_SEED),
           scheduler: str = typer.Option(
               "auto", "--scheduler",
               help="'auto' (default: serial unless a LocalCluster pays for its start, "
                    "judged from the timed first samples), 'local' (LocalCluster), "
                    "'serial', 'local-threads' or the address tcp://HOST:PORT of a running "
                    "dask scheduler."),
           workers: int = typer.Option(2, "--workers", help="Workers of the local cluster.",
                                       min=1, max=MAX_WORKERS),
           store: str = typer.Option(None, "--store",
                                     help="Zarr directory: results written as they finish; "
                                          "rerun with the same arguments to resume."),
           sensitivity: int = typer.Option(
               None, "--sensitivity",
               help="Base sample size of the Sobol indices (0 = off; default: section's).",
               min=0, max=MAX_SAMPLES),
           by: str = typer.Option(None, "--by", help="Group Sobol indices by 'input' or "
                                                     "'kind'."),
           split: bool = typer.Option(False, "--split",
                                      help="Split variance into epistemic/aleatoric parts "
                                           "(nested sampling)."),
           plots: str = typer.Option(None, "--plots",
                                     help="Directory for uq_hist.png and uq_sobol.png."),
           progress: bool = typer.Option(None, "--progress/--no-progress",
                                         help="Progress bar on stderr (default: if a TTY)."),
           json_out: bool = typer.Option(False, "--json", help="Print one JSON object.")):
        """Propagate the uncertain inputs of MODEL: distributions and intervals of TOF,
        degree of rate control, coverages, the pellet effectiveness (pellet: section) and
        the bed conversion (reactor: section); Sobol indices; ensembles on Dask."""
        with cli_errors():
            from catscale import load_model
            from catscale.errors import InvalidParameterError

            if method is not None and method not in ("sobol", "random", "lhs", "pce"):
                raise InvalidParameterError("--method", "sobol, random, lhs or pce", method)
            if by is not None and by not in ("input", "kind"):
                raise InvalidParameterError("--by", "'input' or 'kind'", by)
            m = load_model(model)
            show = sys.stderr.isatty() if progress is None else progress
            res = m.uq(samples=samples, method=method, seed=seed, scheduler=scheduler,
                       n_workers=workers, store=store, sensitivity=sensitivity, by=by,
                       split=split, progress=show, keep=plots is not None)
            if plots is not None:
                import pathlib

                from catscale.uq import plot_histograms, plot_sobol

                d = pathlib.Path(plots)
                d.mkdir(parents=True, exist_ok=True)
                files = []
                objs = res.objects or {}
                if "mc" in objs:
                    ens = objs["mc"].ensemble
                    files.append(plot_histograms(ens.output_names, ens.Y, d / "uq_hist.png"))
                if "sobol" in objs:
                    files.append(plot_sobol(objs["sobol"], d / "uq_sobol.png"))
                res = res.replace(plots=files)
            print_result(res, json_out)
