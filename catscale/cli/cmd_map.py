"""``catscale map MODEL``: descriptor map (volcano) of the TOF, saved as netCDF and a figure.

MODEL is a CatMAP setup file (``.mkm``, with its energy table next to it); a catscale model
file with a ``descriptors`` section is accepted once that section exists in the schema.
"""

from __future__ import annotations

import typer

from ._common import check_output_path, cli_errors, print_json


def register(app: typer.Typer) -> None:
    @app.command("map")
    def map_(model: str = typer.Argument(..., help="Model file with a descriptors: section, "
                                                   "or a CatMAP .mkm file."),
             energies: str = typer.Option(None, "--energies", help="CatMAP energy table."),
             resolution: int = typer.Option(None, "--resolution", help="Points per axis."),
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

                cm = load_catmap(model, energies)
                axes, mechanism, rates_at = cm.axes, cm.mechanism, cm.rates_function()
                pressures, surfaces = cm.pressures, cm.surfaces
            else:
                from catscale.model import load_model

                m = load_model(model)
                if m.descriptors is None:
                    raise InvalidParameterError(
                        f"{model}: descriptors", "a descriptors: section (axes, scaling, "
                        "ts_scaling, surfaces) or a CatMAP .mkm file", None)
                axes, mechanism, pressures = m.descriptor_axes(), m.mechanism, m.pressures
                names = list(axes)

                def rates_at(point, _m=m):
                    return _m.at_descriptors(point).rates()

                surfaces = {k: tuple(v[n] for n in names)
                            for k, v in m.descriptors.surfaces.items()}
            if resolution:
                if resolution < 2:
                    raise InvalidParameterError("--resolution", ">= 2", resolution)
                axes = {k: np.linspace(v[0], v[-1], resolution) for k, v in axes.items()}
            ds = descriptor_map(mechanism, rates_at, pressures, axes, surfaces=surfaces or None)
            if out:
                ds.to_netcdf(out, engine="h5netcdf")
            if plot:
                plot_map(ds).savefig(plot, dpi=150, bbox_inches="tight")
            summary = {"product": ds.attrs["product"], "T": ds.attrs["T"],
                       "axes": {k: [float(v[0]), float(v[-1]), len(v)] for k, v in axes.items()},
                       "points": int(ds.verified.size),
                       "verified": int(ds.verified.sum()), "stable": int(ds.stable.sum()),
                       "max_residual": float(ds.residual.max()),
                       "multiple_steady_states": int((ds.n_steady_states > 1).sum()),
                       "tof_max": float(ds.tof.max()),
                       "surfaces": {str(s): float(ds.surface_tof.sel(surface=s))
                                    for s in ds.surface.values} if "surface" in ds.coords
                       else {},
                       "netcdf": out, "plot": plot}
            if json_out:
                print_json(summary)
            else:
                typer.echo(f"{summary['verified']}/{summary['points']} points verified; "
                           f"max TOF {summary['tof_max']:.3e} s^-1")
