"""Typed stage results: fields that declare their units once.

Every stage returns a frozen dataclass whose fields are declared with :func:`quantity`
(numbers, with units and a long name), :func:`table` (lists of records whose columns have
units) or :func:`info` (labels, flags, free-form structures without units). Everything else is
derived from those declarations:

* :meth:`StageResult.to_dict` is the ``--json`` output of the matching command (same keys,
  same values; non-finite numbers become ``null``);
* :meth:`StageResult.to_dataset` is an :class:`xarray.Dataset` in which every variable has a
  ``units`` attribute that pint parses (``"1"`` for dimensionless) and a ``long_name``;
  ``results.nc`` is written from these datasets. Nothing guesses units from a name.

Units strings use pint's syntax: ``"K"``, ``"eV"``, ``"1/s"``, ``"m^2/s"``, ``"mol/m^3"``.
Rates per site are ``"1/s"`` (turnover frequencies, per site); pressures enter the rate law
as activities p / (1 bar), so rate constants are ``"1/s"`` too.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

__all__ = ["StageResult", "quantity", "table", "info", "hidden", "to_jsonable", "Column"]


@dataclasses.dataclass(frozen=True)
class Column:
    """A numeric column of a :func:`table`: units (pint syntax) and a long name."""

    units: str
    long_name: str


def quantity(units: str, long_name: str, *, dims: Sequence[str] = (),
             default: Any = dataclasses.MISSING) -> Any:
    """Declare a numeric field: a number, a mapping of labels to numbers (nested mappings
    for more dimensions, ``dims`` naming them outermost first) or a list of numbers.

    Parameters
    ----------
    units : str
        pint-parsable units of every number in the field (``"1"``: dimensionless).
    long_name : str
        What the numbers are, for the dataset and the report.
    dims : sequence of str
        Dimension names of a mapping's label levels or of a list's axes.
    """
    md = {"kind": "quantity", "units": units, "long_name": long_name, "dims": tuple(dims)}
    if default is dataclasses.MISSING:
        return dataclasses.field(metadata=md)
    if isinstance(default, (dict, list)):
        return dataclasses.field(default_factory=lambda d=default: type(d)(d), metadata=md)
    return dataclasses.field(default=default, metadata=md)


def table(long_name: str, columns: Mapping[str, Column], *, dim: str, label: str | None,
          default: Any = dataclasses.MISSING) -> Any:
    """Declare a list of records (dicts): one row per ``label`` value along ``dim``; the
    numeric ``columns`` have units, other keys are kept in the JSON only."""
    md = {"kind": "table", "long_name": long_name, "columns": dict(columns), "dim": dim,
          "label": label}
    if default is dataclasses.MISSING:
        return dataclasses.field(metadata=md)
    return dataclasses.field(default_factory=lambda: list(default), metadata=md)


def info(long_name: str, *, default: Any = dataclasses.MISSING, json_key: bool = True,
         optional: bool = False) -> Any:
    """Declare a field without units: a label, flag, count of items or a free-form structure
    (kept in the JSON; in the dataset as an attribute). An ``optional`` field is left out of
    the JSON when it is None (a part that was not asked for)."""
    md = {"kind": "info", "long_name": long_name, "json": json_key, "optional": optional}
    if default is dataclasses.MISSING:
        return dataclasses.field(metadata=md)
    if isinstance(default, (dict, list)):
        return dataclasses.field(default_factory=lambda d=default: type(d)(d), metadata=md)
    return dataclasses.field(default=default, metadata=md)


def hidden(default: Any = None) -> Any:
    """A field kept for downstream stages (a solver object), in neither JSON nor dataset."""
    return dataclasses.field(default=default, repr=False, compare=False,
                             metadata={"kind": "hidden"})


def to_jsonable(obj: Any) -> Any:
    """numpy scalars/arrays, tuples and non-finite floats (-> None) converted for JSON."""
    if isinstance(obj, StageResult):
        return obj.to_dict()
    if isinstance(obj, Mapping):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, (np.bool_, bool)):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        x = float(obj)
        return x if math.isfinite(x) else None
    return obj


@dataclasses.dataclass(frozen=True)
class StageResult:
    """Base of the typed stage results (see the module docstring).

    Subclasses are frozen dataclasses whose fields are declared with :func:`quantity`,
    :func:`table`, :func:`info` or :func:`hidden`; every result has ``warnings``.
    """

    #: stage name (the dataset's group in results.nc)
    stage: ClassVar[str] = ""

    # -- derived views -----------------------------------------------------------------------
    @classmethod
    def declared(cls) -> list[dataclasses.Field]:
        """The fields that reach the JSON (every field but the hidden ones)."""
        out = []
        for f in dataclasses.fields(cls):
            kind = f.metadata.get("kind")
            if kind is None or kind == "hidden":
                continue
            if kind == "info" and not f.metadata.get("json", True):
                continue
            out.append(f)
        return out

    def to_dict(self) -> dict:
        """JSON-ready dict: the ``--json`` output of the matching command."""
        return {f.name: to_jsonable(getattr(self, f.name)) for f in self.declared()
                if not (f.metadata.get("optional") and getattr(self, f.name) is None)}

    def to_dataset(self, attrs: Mapping[str, Any] | None = None):
        """The result as an :class:`xarray.Dataset`: numeric fields as variables with the
        declared ``units`` and ``long_name``; labels, flags and structures as attributes."""
        import xarray as xr

        variables: dict[str, Any] = {}
        coords: dict[str, Any] = {}
        ds_attrs: dict[str, Any] = {"stage": self.stage}
        for f in dataclasses.fields(self):
            md = f.metadata
            kind = md.get("kind")
            value = getattr(self, f.name)
            if kind == "quantity":
                _add_quantity(variables, coords, f.name, value, md)
            elif kind == "table":
                _add_table(variables, coords, f.name, value, md)
            elif kind == "info":
                if isinstance(value, StageResult):
                    sub = value.to_dataset()
                    renames = {}
                    for k, v in sub.coords.items():
                        if k in coords and list(coords[k].values) != list(v.values):
                            new = _label_coord(coords, k, [str(x) for x in v.values])
                            renames[k] = new
                        else:
                            coords.setdefault(k, v.variable)
                    sub = sub.rename(renames) if renames else sub
                    for k, v in sub.data_vars.items():
                        variables[f"{f.name}.{k}"] = v.variable
                    for k, v in sub.attrs.items():
                        if k != "stage":
                            ds_attrs[f"{f.name}.{k}"] = v
                    continue
                ds_attrs[f.name] = _attr(value)
        ds = xr.Dataset(_consistent_dims(variables, coords), coords=coords, attrs=ds_attrs)
        if attrs:
            ds.attrs.update({k: _attr(v) for k, v in attrs.items()})
        return ds

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], *, complete: bool = False) -> StageResult:
        """A result rebuilt from its :meth:`to_dict` form (hidden solver objects are None;
        nested typed results are rebuilt too). With ``complete=False``, declared fields
        missing from ``d`` are None (or their default)."""
        import typing

        hints = typing.get_type_hints(cls)
        kw: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.metadata.get("kind") == "hidden":
                continue
            if f.name not in d:
                has_default = (f.default is not dataclasses.MISSING
                               or f.default_factory is not dataclasses.MISSING)
                if complete and not (f.metadata.get("optional") or has_default):
                    raise KeyError(f"{cls.__name__}: no {f.name!r}")
                if (f.default is dataclasses.MISSING
                        and f.default_factory is dataclasses.MISSING):
                    kw[f.name] = None
                continue
            v = d[f.name]
            sub = hints.get(f.name)
            if (isinstance(sub, type) and issubclass(sub, StageResult)
                    and isinstance(v, Mapping)):
                v = sub.from_dict(v, complete=complete)
            kw[f.name] = v
        return cls(**kw)

    def replace(self, **changes: Any) -> StageResult:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)


# ---- dataset conversion ------------------------------------------------------------------
def _consistent_dims(variables: dict, coords: dict) -> dict:
    """Variables whose positional dimensions clash in length with an earlier one of the same
    name get that dimension renamed (``name_2`` ...); empty arrays are left out."""
    sizes = {k: v.shape[0] for k, v in coords.items()}
    out = {}
    for name, var in variables.items():
        if var.size == 0 and var.ndim > 0:
            continue
        dims = list(var.dims)
        for i, d in enumerate(dims):
            n = var.shape[i]
            new, k = d, 2
            while new in sizes and sizes[new] != n:
                new = f"{d}_{k}"
                k += 1
            sizes[new] = n
            dims[i] = new
        out[name] = var if tuple(dims) == var.dims else var.copy()
        if tuple(dims) != var.dims:
            out[name].dims = tuple(dims)
    return out


def _attr(value: Any) -> Any:
    """A netCDF attribute: str, number or JSON text."""
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if value is None:
        return "null"
    return json.dumps(to_jsonable(value))


def _num(v: Any) -> float:
    if v is None:
        return math.nan
    if isinstance(v, (bool, np.bool_)):
        return float(v)
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def _is_number(v: Any) -> bool:
    return v is None or (isinstance(v, (int, float, np.integer, np.floating, bool, np.bool_)))


def _var_attrs(md: Mapping[str, Any], units: str | None = None,
               long_name: str | None = None) -> dict:
    return {"units": units or md["units"], "long_name": long_name or md["long_name"]}


def _label_coord(coords: dict, dim: str, labels: list[str]) -> str:
    """A coordinate of labels along ``dim``; a dimension already used with other labels
    gets a new name (``dim_2``...), so that one dataset holds both."""
    import xarray as xr

    name = dim
    k = 2
    while name in coords and list(coords[name].values) != labels:
        name = f"{dim}_{k}"
        k += 1
    coords[name] = xr.Variable((name,), np.array(labels, dtype=object).astype(str))
    return name


def _nested_labels(value: Mapping, depth: int) -> list[list[str]]:
    levels: list[list[str]] = [[] for _ in range(depth)]

    def walk(v: Any, d: int) -> None:
        if d == depth or not isinstance(v, Mapping):
            return
        for k, sub in v.items():
            if str(k) not in levels[d]:
                levels[d].append(str(k))
            walk(sub, d + 1)

    walk(value, 0)
    return levels


def _add_quantity(variables: dict, coords: dict, name: str, value: Any, md: Mapping) -> None:
    import xarray as xr

    attrs = _var_attrs(md)
    dims = list(md.get("dims") or ())
    if value is None:
        variables[name] = xr.Variable((), math.nan, attrs)
        return
    if isinstance(value, (Mapping, list, tuple)) and len(value) == 0:
        return                      # nothing to store (and no empty dimension to claim)
    if _is_number(value):
        variables[name] = xr.Variable((), _num(value), attrs)
        return
    if isinstance(value, Mapping) and value and all(
            isinstance(v, (list, tuple, np.ndarray)) for v in value.values()):
        # labels -> equal-length lists: a label dimension and positional dimension(s)
        labels = [str(k) for k in value]
        arr = np.asarray([_to_float_array(v) for v in value.values()], dtype=float)
        names = list(dims) or [name, f"{name}_index"]
        ldim = _label_coord(coords, names[0], labels)
        rest = names[1:] + [f"{name}_{i}" for i in range(arr.ndim)]
        variables[name] = xr.Variable((ldim, *rest[: arr.ndim - 1]), arr, attrs)
        return
    if isinstance(value, Mapping):
        depth = max(len(dims), 1)
        levels = _nested_labels(value, depth)
        arr = np.full([len(lv) for lv in levels], math.nan)

        def fill(v: Any, idx: tuple, d: int) -> None:
            if d == depth:
                arr[idx] = _num(v) if _is_number(v) else math.nan
                return
            if not isinstance(v, Mapping):
                return
            for k, sub in v.items():
                fill(sub, idx + (levels[d].index(str(k)),), d + 1)

        fill(value, (), 0)
        names = dims or [name]
        cdims = [_label_coord(coords, names[d], levels[d]) for d in range(depth)]
        variables[name] = xr.Variable(tuple(cdims), arr, attrs)
        return
    arr = np.asarray(_to_float_array(value), dtype=float)
    if not dims:
        dims = [f"{name}_{i}" for i in range(arr.ndim)] if arr.ndim > 1 else [f"{name}_index"]
    variables[name] = xr.Variable(tuple(dims[: arr.ndim]), arr, attrs)


def _to_float_array(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.astype(float)
    if isinstance(value, (list, tuple)):
        return [_to_float_array(v) for v in value]
    return _num(value)


def _add_table(variables: dict, coords: dict, name: str, rows: Any, md: Mapping) -> None:
    import xarray as xr

    rows = list(rows or [])
    if not rows:
        return
    key = md["label"]
    raw = [r.get(key, i) if key else i for i, r in enumerate(rows)]
    if all(isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)
           for x in raw):
        # a numeric label (a coverage, a temperature): a numeric coordinate with the units
        # of that column when it is one
        dim = md["dim"]
        k = 2
        while dim in coords and coords[dim].shape[0] != len(raw):
            dim = f"{md['dim']}_{k}"
            k += 1
        spec = md["columns"].get(key) if key else None
        attrs = ({"units": spec.units, "long_name": spec.long_name} if spec is not None
                 else {"units": "1", "long_name": "index"})
        coords[dim] = xr.Variable((dim,), np.asarray(raw, dtype=float), attrs)
    else:
        dim = _label_coord(coords, md["dim"], [str(x) for x in raw])
    for col, spec in md["columns"].items():
        vals = np.array([_num(r.get(col)) for r in rows], dtype=float)
        variables[f"{name}.{col}"] = xr.Variable((dim,), vals, {
            "units": spec.units, "long_name": spec.long_name})
