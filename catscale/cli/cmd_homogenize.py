"""``catscale homogenize IMAGE``: effective diffusivity (and permeability) of a voxel image."""

from __future__ import annotations

import typer

from ._common import cli_errors, print_json


def _read_image(name: str):
    """The voxel image named on the command line, read through the checks of
    :func:`catscale.model.read_referenced` (regular file, size cap, format)."""
    from catscale.model import IMAGE_FORMATS, read_referenced
    from catscale.transport.homogenization import load_image

    return load_image(*read_referenced(name, base=None, source=name, field="IMAGE",
                                       formats=IMAGE_FORMATS))


def register(app: typer.Typer) -> None:
    @app.command("homogenize")
    def homogenize(
        image: str = typer.Argument(None, help="Voxel image: TIFF stack or .npy (True/255 = "
                                    "pore), or integer phase labels."),
        json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
        generate: str = typer.Option(None, "--generate", help="Generator spec instead of an "
                                     "image, e.g. 'blobs:shape=64x64x64,porosity=0.4,seed=1'."),
        method: str = typer.Option("periodic", "--method", help="periodic | dirichlet."),
        axis: int = typer.Option(None, "--axis", help="Solve one axis only.", min=0,
                                 max=2),
        phases: str = typer.Option(None, "--phases", help="Relative diffusivity per label, "
                                   "comma separated, e.g. '0,1,0.05'."),
        tol: float = typer.Option(1e-6, "--tol", help="PCG relative residual."),
        voxel_size: float = typer.Option(1.0, "--voxel-size", help="Voxel edge (m)."),
        permeability: bool = typer.Option(False, "--permeability", help="Also solve the Stokes "
                                          "cell problem (k in voxel_size^2)."),
        rev: bool = typer.Option(False, "--rev", help="REV analysis: ensembles of generated "
                                 "realisations (with --generate) or sub-windows of IMAGE."),
        sizes: str = typer.Option(None, "--sizes", help="REV window edges, e.g. '16,32,64'."),
        samples: int = typer.Option(8, "--samples", help="REV realisations per size.",
                                     min=2, max=10000),
        cv_target: float = typer.Option(0.05, "--cv-target", help="REV coefficient of "
                                        "variation target."),
        save: str = typer.Option(None, "--save", help="Write the (generated) image to .npy/.tif."),
    ):
        """Effective diffusivity tensor relative to the free diffusivity, porosity, tortuosity
        factor (periodic cell problem or the TauFactor/PoreSpy two-face set-up)."""
        with cli_errors():
            import warnings

            import numpy as np
            from rich.progress import Progress

            from catscale import homogenize
            from catscale.errors import InvalidParameterError
            from catscale.transport import homogenization as H

            if (image is None) == (generate is None) and not (rev and generate and image is None):
                raise InvalidParameterError("IMAGE/--generate", "exactly one of them",
                                            f"IMAGE={image!r}, --generate={generate!r}")
            table = None
            if phases:
                try:
                    table = [float(v) for v in phases.split(",")]
                except ValueError:
                    raise InvalidParameterError("--phases", "comma-separated numbers",
                                                phases) from None
            caught: list[str] = []
            with warnings.catch_warnings(record=True) as rec, Progress(
                transient=True, disable=json_out
            ) as prog:
                warnings.simplefilter("always", H.PercolationWarning)
                if rev:
                    try:
                        size_list = [int(s) for s in (sizes or "16,32,64").split(",")]
                    except ValueError:
                        size_list = []
                    if not size_list or not all(2 <= s <= 512 for s in size_list):
                        raise InvalidParameterError("--sizes", "window edges in voxels, "
                                                    "2..512, e.g. '16,32,64'", sizes)
                    task = prog.add_task("REV ensembles", total=len(size_list) * samples)
                    cb = lambda done, total: prog.update(task, completed=done)  # noqa: E731
                    if generate:
                        spec = H.parse_spec(generate)

                        def gen(size, seed):
                            d = dict(spec, shape=[size] * len(spec.get("shape", [0, 0, 0])),
                                     seed=seed)
                            return H.from_spec(d)

                        res = H.rev_analysis(gen, size_list, samples, cv_target=cv_target,
                                             method=method, progress=cb)
                    else:
                        img = _read_image(image)
                        res = H.rev_analysis(image=img, sizes=size_list, n_samples=samples,
                                             cv_target=cv_target, method="dirichlet"
                                             if method == "periodic" else method,
                                             progress=cb)
                    out = res.to_dict()
                else:
                    img = H.from_spec(generate) if generate else _read_image(image)
                    if save:
                        if save.lower().endswith((".tif", ".tiff")):
                            import tifffile

                            tifffile.imwrite(save, (np.asarray(img) * 255).astype(np.uint8)
                                             if img.dtype == bool else img)
                        else:
                            np.save(save, img)
                    task = prog.add_task("PCG", total=None)
                    cb = lambda a, it, r: prog.update(  # noqa: E731
                        task, description=f"axis {a}: iteration {it}, residual {r:.2e}")
                    out = homogenize(img, table, method=method, axes=axis, tol=tol,
                                     voxel_size=voxel_size, permeability=permeability,
                                     progress=cb).to_dict()
                caught = [str(w.message) for w in rec
                          if issubclass(w.category, H.PercolationWarning)]
            import sys

            for msg in caught:
                sys.stderr.write(f"warning: {msg}\n")
            out["warnings"] = sorted(set(caught) | set(out.get("warnings", [])))
            if json_out:
                print_json(out)
            elif rev:
                typer.echo(f"REV size: {out['rev_size']} voxels (CV < {cv_target})")
                for lv in out["levels"]:
                    typer.echo(f"  l = {lv['size']:4d}: mean D_eff/D = "
                               f"{np.round(lv['mean'], 4).tolist()}, CV = "
                               f"{np.round(lv['cv'], 4).tolist()}")
            else:
                typer.echo(f"porosity {out['porosity']:.4f}")
                typer.echo("D_eff / D_free =")
                for row in out["D_eff"]:
                    typer.echo("  " + "  ".join(f"{v:10.6f}" for v in row))
                typer.echo("tortuosity factor " + ", ".join(f"{v:.4f}" for v in
                                                             out["tortuosity"]))
                typer.echo(f"iterations {out['iterations']}, residual {out['residual']:.2e}, "
                           f"{out['wall_time']:.2f} s, {out['memory_bytes_per_voxel']:.0f} "
                           "B/voxel")
