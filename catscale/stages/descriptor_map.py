"""Map stage: descriptor (volcano) map, a verified steady state at every grid point, with the
model's energetics (lateral interactions, coverage effects) as the steady stage uses them."""

from __future__ import annotations

import dataclasses

from ..results import StageResult, hidden, info, quantity

__all__ = ["MapResult", "run", "summarize"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class MapResult(StageResult):
    """A descriptor map (``catscale map --json``); the map itself is :attr:`dataset`."""

    stage = "map"
    product: str = info("gas whose TOF is mapped")
    T: float = quantity("K", "temperature")
    axes: dict = info("descriptor axes: [first, last, points] (eV)")
    points: int = quantity("1", "grid points")
    verified: int = quantity("1", "verified grid points")
    stable: int = quantity("1", "stable grid points")
    max_residual: float = quantity("1", "largest scaled residual on the grid")
    multiple_steady_states: int = quantity("1", "grid points with several steady states")
    tof_max: float = quantity("1/s", "largest TOF per site on the grid")
    surfaces: dict = quantity("1/s", "TOF per site on each named surface",
                              dims=("surface_name",), default={})
    netcdf: str | None = info("netCDF file written, if any", default=None)
    plot: str | None = info("figure written, if any", default=None)
    warnings: list = info("warnings", default=[])
    dataset: object = hidden()

    def text(self) -> str:
        """Verified points and the largest TOF, readable."""
        s = (f"{self.verified}/{self.points} points verified; max TOF {self.tof_max:.3e} "
             "s^-1")
        return s + (f"; surfaces: {self.surfaces}" if self.surfaces else "")

    def to_dataset(self, attrs=None):
        """The map itself (coverages, production, TOF on the grid, with units); the summary
        only when the map is not at hand (a result rebuilt from its JSON)."""
        if self.dataset is None:
            return super().to_dataset(attrs)
        ds = self.dataset.copy()
        ds.attrs.update(super().to_dataset().attrs)
        if attrs:
            ds.attrs.update(attrs)
        return ds


def summarize(ds, netcdf: str | None = None, plot: str | None = None) -> MapResult:
    """The summary of a descriptor-map dataset (:func:`catscale.kinetics.descriptor_map`)."""
    axes = {n: [float(ds[n].values[0]), float(ds[n].values[-1]), int(ds[n].size)]
            for n in ds.tof.dims}
    n_bad = int(ds.verified.size - ds.verified.sum())
    warnings = ([f"descriptor map: {n_bad} points could not be verified (NaN in the map)"]
                if n_bad else [])
    return MapResult(
        product=ds.attrs["product"], T=float(ds.attrs["T"]), axes=axes,
        points=int(ds.verified.size), verified=int(ds.verified.sum()),
        stable=int(ds.stable.sum()), max_residual=float(ds.residual.max()),
        multiple_steady_states=int((ds.n_steady_states > 1).sum()),
        tof_max=float(ds.tof.max()),
        surfaces=({str(s): float(ds.surface_tof.sel(surface=s)) for s in ds.surface.values}
                  if "surface" in ds.coords else {}),
        netcdf=netcdf, plot=plot, warnings=warnings, dataset=ds)


def run(model, resolution: int | None = None) -> MapResult:
    """The descriptor map of a model's ``descriptors:`` section."""
    import numpy as np

    from ..errors import InvalidParameterError
    from ..kinetics import descriptor_map

    if model.sections.descriptors is None:
        raise InvalidParameterError(
            f"{model.path}: descriptors", "a descriptors: section (axes, scaling, "
            "ts_scaling, surfaces) or a CatMAP .mkm file", None)
    axes = model.descriptor_axes()
    if resolution:
        if resolution < 2:
            raise InvalidParameterError("--resolution", ">= 2", resolution)
        axes = {k: np.linspace(v[0], v[-1], resolution) for k, v in axes.items()}
    names = list(axes)

    def rates_at(point):
        return model.at_descriptors(point).rates()

    surfaces = {k: tuple(v[n] for n in names)
                for k, v in model.sections.descriptors.surfaces.items()}
    # the model's energetics (lateral interactions, coverage effects) at every point, as
    # the steady stage solves the model itself
    ds = descriptor_map(model.mechanism, rates_at, model.activities, axes,
                        surfaces=surfaces or None, energetics=model.energetics)
    return summarize(ds)
