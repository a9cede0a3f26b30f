"""``catscale map MODEL``: descriptor map (volcano) of the TOF, saved as netCDF and a figure.

MODEL is a CatMAP setup file (``.mkm``, with its energy table next to it); a catscale model
file with a ``descriptors`` section is accepted once that section exists in the schema.
"""

from __future__ import annotations

import typer

from ._common import check_output_path, cli_errors, print_result


def register(app: typer.Typer) -> None:
    @app.command("map")
    def map_(model: str = typer.Argument(..., help="Model file with a descriptors: section, "
                                                   "or a CatMAP .mkm file."),
             energies: str = typer.Option(None, "--energies", help="CatMAP energy table."),
             resolution: int = typer.Option(None, "--resolution", help="Points per axis.",
                                           min=2, max=1000),
             out: str = typer.Option(None, "--out", help="netCDF file for the map."),
             plot: str = typer.Option(None, "--plot", help="Figure file (png, pdf, svg)."),
             json_out: bool = typer.Option(False, "--json", help="Print one JSON object.")):
        """Verified steady state at every descriptor point; log10 TOF map."""
        with cli_errors():
            import numpy as np

            from catscale.errors import InvalidParameterError
            from catscale.kinetics import descriptor_map, plot_map

            check_output_path("--out", out)
            check_output_path("--plot", plot)

            if model.endswith(".mkm"):
                from catscale.model.importers import load_catmap
                from catscale.stages.descriptor_map import summarize

                cm = load_catmap(model, energies)
                axes = cm.axes
                if resolution:
                    if resolution < 2:
                        raise InvalidParameterError("--resolution", ">= 2", resolution)
                    axes = {k: np.linspace(v[0], v[-1], resolution) for k, v in axes.items()}
                ds = descriptor_map(cm.mechanism, cm.rates_function(), cm.pressures, axes,
                                    surfaces=cm.surfaces or None)
                res = summarize(ds)
            else:
                from catscale import load_model

                res = load_model(model).map(resolution=resolution)
            if out:
                res.dataset.to_netcdf(out, engine="h5netcdf")
            if plot:
                plot_map(res.dataset).savefig(plot, dpi=150, bbox_inches="tight")
            res = res.replace(netcdf=out, plot=plot)
            print_result(res, json_out)
