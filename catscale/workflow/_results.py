"""Results of ``catscale run`` as one netCDF file: one xarray Dataset per stage (a group).

Each group is the stage's typed result as a dataset
(:meth:`catscale.stages.StageResult.to_dataset`): every variable carries the ``units`` (pint
syntax, ``"1"`` for dimensionless) and ``long_name`` that the result's fields declare; nothing
is guessed from a variable's name. Every group also carries the provenance (versions, input
hash, seeds) and the stage dict itself as JSON (``summary_json``), so nothing a stage returned
is lost.
"""

from __future__ import annotations

import datetime
import json
import os
import pathlib
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["write_results", "read_results", "run_provenance", "RESULTS_FILE"]

RESULTS_FILE = "results.nc"


# ---- JSON helpers -------------------------------------------------------------------------
def _jsonable(obj: Any) -> Any:
    from ..stages import to_jsonable

    return to_jsonable(obj)


def _dumps(obj: Any) -> str:
    return json.dumps(_jsonable(obj), allow_nan=True)


def _find_seeds(obj: Any, path: str = "") -> dict[str, int]:
    out: dict[str, int] = {}
    if isinstance(obj, Mapping):
        for k, v in obj.items():
            p = f"{path}.{k}" if path else str(k)
            if str(k) in ("seed", "seeds") and v is not None and not isinstance(v, Mapping):
                out[p] = v if not isinstance(v, np.ndarray) else v.tolist()
            else:
                out.update(_find_seeds(v, p))
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            if isinstance(v, (Mapping, list, tuple)):
                out.update(_find_seeds(v, f"{path}[{i}]"))
    return out


def run_provenance(result: Any) -> dict[str, Any]:
    """Provenance of a run: versions, input file and its SHA-256, seeds, creation time.

    Parameters
    ----------
    result : RunResult

    Returns
    -------
    dict
        ``catscale``, ``python``, ``numpy``, ``scipy``, ``xarray``, ``h5netcdf``,
        ``matplotlib`` versions, ``input_sha256``, ``input_file``, ``model``, ``created``
        (UTC, ISO 8601), ``seeds`` (dict path -> seed, from the stages and model sections).
    """
    from ._run import provenance

    model = getattr(result, "model", None)
    prov: dict[str, Any] = {}
    if model is not None:
        try:
            prov.update(provenance(model))
        except Exception:                                   # pragma: no cover - defensive
            pass
    for mod in ("xarray", "h5netcdf", "matplotlib"):
        try:
            prov[mod] = __import__(mod).__version__
        except Exception:                                   # pragma: no cover
            pass
    prov["model"] = getattr(model, "name", None)
    prov["input_file"] = str(getattr(model, "path", "")) or None
    prov["created"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    seeds = _find_seeds(getattr(result, "stages", {}) or {})
    for sec in ("kmc", "uncertainty", "diffusion", "microstructure", "pellet", "reactor"):
        s = getattr(model.sections, sec, None) if model is not None else None
        seed = getattr(s, "seed", None) if s is not None else None
        if seed is not None and not isinstance(seed, Mapping):
            seeds[f"model.{sec}.seed"] = seed
    prov["seeds"] = seeds
    return prov


def _flat_attrs(prov: Mapping[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in prov.items():
        if v is None:
            continue
        out[f"provenance_{k}" if k not in ("model",) else k] = (
            v if isinstance(v, (str, int, float)) else _dumps(v))
    return out


def _netcdf_safe_attrs(attrs: Mapping[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in attrs.items():
        if v is None:
            continue
        if isinstance(v, (bool, np.bool_)):
            v = int(v)
        if isinstance(v, (str, int, float, np.integer, np.floating)):
            out[str(k)] = v
        else:
            out[str(k)] = _dumps(v)
    return out


# ---- write / read -------------------------------------------------------------------------
def _results_path(path: str | os.PathLike) -> pathlib.Path:
    p = pathlib.Path(path)
    return p if p.suffix in (".nc", ".h5", ".nc4") else p / RESULTS_FILE


def write_results(result: Any, path: str | os.PathLike) -> pathlib.Path:
    """Write every stage of a run to ``results.nc``, one netCDF group per stage.

    Parameters
    ----------
    result : RunResult
        ``result.stages`` (name -> JSON-ready dict), ``result.model``, ``result.timings``
        (s), ``result.warnings``; optional ``result.datasets`` (name -> xarray.Dataset),
        written instead of the converted stage dict (the stage dict is kept as JSON).
    path : str or Path
        Output directory (the file is ``DIR/results.nc``) or a file name ending in ``.nc``.

    Returns
    -------
    Path
        The file written (atomically: a temporary file renamed into place).

    Raises
    ------
    catscale.errors.OutputError
        When the file cannot be written (full disk); no temporary file is left.
    """
    import xarray as xr

    out = _results_path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    prov = run_provenance(result)
    prov_attrs = _flat_attrs(prov)
    stages = dict(getattr(result, "stages", {}) or {})
    ready = dict(getattr(result, "datasets", None) or {})
    timings = dict(getattr(result, "timings", {}) or {})

    root = xr.Dataset(attrs={
        "title": f"catscale run results: {prov.get('model')}",
        "Conventions": "CF-1.8 (units attributes); one group per stage",
        **prov_attrs,
        "stages": _dumps(list(dict.fromkeys(list(stages) + list(ready)))),
        "timings_s": _dumps(timings),
        "warnings": _dumps(list(getattr(result, "warnings", []) or [])),
    })
    groups = {"/": root}
    for name in dict.fromkeys(list(stages) + list(ready)):
        if name in ready and isinstance(ready[name], xr.Dataset):
            ds = ready[name].copy()
        else:                # a stage without a typed result: its JSON only, no variables
            ds = xr.Dataset()
        if name in stages:
            ds.attrs["summary_json"] = _dumps(stages[name])
        ds.attrs.update(prov_attrs)
        ds.attrs["stage"] = name
        if name in timings:
            ds.attrs["elapsed_s"] = float(timings[name])
        ds.attrs = _netcdf_safe_attrs(ds.attrs)
        for v in ds.variables.values():
            v.attrs = _netcdf_safe_attrs(v.attrs)
        groups[name] = ds
    # the whole file is built in memory and then written by write_atomic: a full disk is an
    # ordinary OSError there (not an HDF5 failure halfway through a file), the temporary
    # file is removed, and results.nc is complete or absent
    from ._outputs import write_atomic

    data = xr.DataTree.from_dict(groups).to_netcdf(None, engine="h5netcdf")
    return write_atomic(out, bytes(data))


def read_results(path: str | os.PathLike) -> dict[str, Any]:
    """Read a ``results.nc`` written by :func:`write_results`.

    Parameters
    ----------
    path : str or Path
        The directory holding ``results.nc``, or the file itself.

    Returns
    -------
    dict str -> xarray.Dataset
        One Dataset per stage (loaded into memory; the file is closed), in the order
        written; each carries the provenance attributes of the run.
    """
    import h5netcdf
    import xarray as xr

    p = _results_path(path)
    with h5netcdf.File(p, "r") as f:
        order = json.loads(f.attrs.get("stages", "[]"))
        groups = list(f.groups)
    names = [g for g in order if g in groups] + [g for g in groups if g not in order]
    return {g: xr.load_dataset(p, group=g, engine="h5netcdf") for g in names}
