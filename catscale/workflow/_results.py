"""Results of ``catscale run`` as one netCDF file: one xarray Dataset per stage (a group).

``write_results(result, path)`` converts every stage dict of a :class:`RunResult` into an
:class:`xarray.Dataset` and writes them as groups of ``DIR/results.nc`` (h5netcdf engine):

* numbers become 0-d variables, strings and booleans dataset attributes;
* dicts of numbers keyed by names (species, steps, pairs, gases, outputs) become 1-D
  variables along a labelled dimension (``surface``, ``gas``, ``step``, ``pair``, ...);
* tables (dicts of dicts, lists of records) become one variable per column along the
  labelled row dimension; tables of tables become 2-D variables;
* equal-length numeric lists in one dict share a dimension whose coordinate is the
  independent variable among them (``r``, ``z``, ``time``, ``theta``, ...); dicts of such
  lists keyed by names become 2-D variables (e.g. ``c(gas, r)``);
* nested arrays (a kMC snapshot) become N-d variables.

Every numeric variable carries a ``units`` attribute (``"1"`` for dimensionless); every group
carries the provenance (versions, input hash, seeds) and the stage dict itself as JSON
(``summary_json``), so nothing a stage returned is lost even where the conversion cannot
represent it as variables. Ready-made datasets in ``result.datasets[name]`` (optional
attribute) are written as they are, with the same provenance attributes.

Units follow the package convention: energies eV, T K, lengths m, times s, rates and TOF
s^-1 per site, concentrations mol m^-3, diffusivities m^2 s^-1.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import pathlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

__all__ = ["write_results", "read_results", "stage_to_dataset", "run_provenance", "units_of",
           "RESULTS_FILE"]

RESULTS_FILE = "results.nc"

#: units of a leaf name (the last component of a variable's path); "_err"/"_conf"/"_error"
#: suffixes take the units of their base name
_UNITS: dict[str, str] = {
    # temperatures
    "T": "K", "T_out": "K", "T_max": "K", "T_in": "K", "T_ref": "K",
    "critical_temperature": "K",
    # energies
    "dG": "eV", "dG_act": "eV", "dH": "eV", "dH_act": "eV", "Ea": "eV", "apparent_Ea": "eV",
    "energy": "eV", "eps": "eV", "mu": "eV", "lateral": "eV",
    # rate constants and equilibrium constants (CatMAP convention, pressures in bar)
    "k_f": "s^-1 bar^-n (n gas molecules among the reactants)",
    "k_r": "s^-1 bar^-n (n gas molecules among the products)",
    "K_eq": "bar^-dn (dn net gas molecules consumed)",
    # rates per site
    "tof": "s^-1 per site", "production": "s^-1 per site", "rates": "s^-1 per site",
    "step_rates": "s^-1 per site", "rate": "s^-1 per site", "hop_rate": "s^-1",
    "max_eigenvalue_real": "s^-1", "events_per_second": "s^-1",
    "observed_rate": "mol m^-3 s^-1",
    # times
    "time": "s", "t": "s", "elapsed_s": "s", "wall_time": "s", "timings_s": "s",
    "tau": "s", "tau_corr": "s", "dt": "s", "tau_macro": "s",
    # lengths, volumes, concentrations, flows
    "r": "m", "z": "m", "x": "m", "radius": "m", "length": "m", "a": "m", "L": "m", "l": "m",
    "volume": "m^3", "c": "mol m^-3", "c_surface": "mol m^-3", "c_bulk": "mol m^-3",
    "concentration": "mol m^-3", "F": "mol s^-1", "outlet": "mol s^-1", "flow": "mol s^-1",
    "pressure": "Pa", "P": "Pa", "pressures": "bar",
    # diffusion
    "D_star": "m^2 s^-1", "D_jump": "m^2 s^-1", "D_c": "m^2 s^-1", "D0": "m^2 s^-1",
    "D_J": "m^2 s^-1", "closure_D_c": "m^2 s^-1", "M": "m^2 s^-1 eV^-1",
    "D_eff": "1 (relative to the free diffusivity)",
    # lattice quantities
    "correlation_length": "lattice spacings", "xi": "lattice spacings",
    "lattice": "lattice spacings", "size": "lattice sites", "events": "1",
    "snapshot": "1 (state index of each site)",
}
#: dimensionless leaf names
_DIMENSIONLESS = {
    "coverages", "coverage", "theta", "theta_gc", "drc", "orders", "residual", "stable",
    "S1", "ST", "effectiveness", "effectiveness_overall", "thiele", "thiele_generalized",
    "conversion", "selectivity", "ratio", "ratios", "p", "random", "Phi", "closure_Phi", "f",
    "K", "margin", "weisz_prater", "mears_mass", "mears_heat", "biot_mass", "biot_heat",
    "porosity", "tortuosity", "mass_balance_error", "site_balance_error", "n", "n_failed",
    "samples", "computed", "failed", "n_steady_states", "warmup_blocks", "level", "rank",
    "diffusion_reaction_ratio", "pair_probabilities", "pair_correlations", "justified",
    "dim", "n_base", "evaluations", "replicas", "seed", "surrogate_error", "g",
    "coverage_relative", "tof_relative", "sigma", "pair_relative", "mixing",
}
#: names of independent variables: a list under one of these keys is a coordinate for the
#: equal-length lists beside it (first match in this order wins)
_COORD_KEYS = ("time", "t", "r", "z", "x", "volume", "radius", "length", "distance", "theta",
               "coverage", "coverages", "phi", "thiele", "T")
#: dimension name for labelled dicts/tables under these keys
_DIM_FOR_KEY = {
    "outputs": "output", "ranked": "output", "sobol": "output", "samples": "output",
    "inputs": "input", "pair_probabilities": "pair", "pair_correlations": "pair",
    "steps": "step", "timings_s": "stage", "surfaces": "surface_name", "input": "input",
    "output": "output",
    "thresholds": "threshold", "quantities": "scale", "ratios": "scale_ratio",
}
#: row-label fields of lists of records, in order of preference
_LABEL_FIELDS = ("equation", "name", "input", "output", "species", "pair", "label", "case")
_SUFFIXES = ("_error", "_err", "_conf", "_std", "_low", "_high")


#: per-stage exceptions to the table above (stage -> leaf name -> units)
_STAGE_UNITS: dict[str, dict[str, str]] = {
    "pellet": {"size": "m", "r": "m", "k": "s^-1", "D_eff": "m^2 s^-1",
               "specific_area": "m^-1"},
    "reactor": {"size": "m", "volume": "m^3", "pressure": "Pa", "flow": "mol s^-1"},
    "homogenization": {"size": "voxels"},
    "diffusion": {"a": "m", "size": "lattice sites"},
}


def units_of(path: str, stage: str | None = None) -> str:
    """Units of a results variable from its name.

    Parameters
    ----------
    path : str
        Variable name, components separated by ``"."`` (e.g. ``"kmc.tof_error"``).
    stage : str, optional
        Stage the variable belongs to (some names mean different things in different
        stages, e.g. ``size``: lattice sites in kmc, m in pellet).

    Returns
    -------
    str
        The units string (``"1"`` for dimensionless, ``"not stated"`` when unknown).
    """
    parts = path.split(".")
    over = _STAGE_UNITS.get(stage or "", {})
    if parts[-1] in over:
        return over[parts[-1]]
    for leaf in reversed(parts):
        base = leaf
        for suf in _SUFFIXES:
            if base.endswith(suf) and len(base) > len(suf):
                base = base[: -len(suf)]
                break
        if base in _UNITS:
            return _UNITS[base]
        if base in _DIMENSIONLESS or leaf in _DIMENSIONLESS:
            return "1"
        if base.startswith("log10_"):
            return "1 (log10 of " + units_of(base[6:], stage) + ")"
        if base.startswith("ci_") or base in ("mean", "std", "median", "sem", "mean_ci"):
            continue            # a statistic: the units of what it describes (outer key)
    if parts and parts[0] in ("outputs", "samples"):
        return "that of each output (TOF s^-1 per site; DRC, coverages 1)"
    return "not stated"


# ---- JSON helpers -------------------------------------------------------------------------
def _jsonable(obj: Any) -> Any:
    try:
        from ..cli._common import to_jsonable

        return to_jsonable(obj)
    except Exception:                                       # pragma: no cover - fallback
        return json.loads(json.dumps(obj, default=str))


def _dumps(obj: Any) -> str:
    return json.dumps(_jsonable(obj), allow_nan=True)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


def _is_scalar(v: Any) -> bool:
    return v is None or isinstance(v, (bool, np.bool_, str)) or _is_num(v)


def _num_or_nan(v: Any) -> float:
    return float("nan") if v is None else float(v)


def _numeric_array(v: Any) -> np.ndarray | None:
    """A float/int array if ``v`` is a (nested, rectangular) list of numbers/None, else None."""
    if isinstance(v, np.ndarray):
        return v if v.dtype.kind in "biuf" else None
    if not isinstance(v, (list, tuple)) or not v:
        return None

    def ok(x: Any) -> bool:
        if isinstance(x, (list, tuple)):
            return bool(x) and all(ok(y) for y in x)
        return x is None or _is_num(x) or isinstance(x, (bool, np.bool_))

    if not ok(v):
        return None
    has_none = False

    def conv(x: Any) -> Any:
        nonlocal has_none
        if isinstance(x, (list, tuple)):
            return [conv(y) for y in x]
        if x is None:
            has_none = True
            return math.nan
        return x

    try:
        arr = np.asarray(conv(v))
    except ValueError:                                      # ragged
        return None
    if arr.dtype == object:
        return None
    if has_none or arr.dtype.kind == "b":
        arr = arr.astype(float)
    return arr


def _record_label(recs: list[dict]) -> str | None:
    for f in _LABEL_FIELDS:
        vals = [r.get(f) for r in recs]
        if all(isinstance(x, str) for x in vals) and len(set(vals)) == len(vals):
            return f
    return None


def _as_table(v: Any) -> tuple[list[str], dict[str, list]] | None:
    """(row labels, {column: values}) of a dict of dicts or a labelled list of records."""
    if isinstance(v, Mapping) and v and all(isinstance(x, Mapping) for x in v.values()):
        rows = [str(k) for k in v]
        recs = list(v.values())
    elif (isinstance(v, (list, tuple)) and v and all(isinstance(x, Mapping) for x in v)):
        lab = _record_label(list(v))
        if lab is None:
            return None
        rows = [r[lab] for r in v]
        recs = [{k: x for k, x in r.items() if k != lab} for r in v]
    else:
        return None
    cols: dict[str, list] = {}
    for r in recs:
        for k in r:
            cols.setdefault(str(k), [])
    for c in cols:
        cols[c] = [r.get(c) for r in recs]
    return rows, cols


# ---- the converter ------------------------------------------------------------------------
class _Builder:
    """Collects variables, labelled dimensions and attributes of one Dataset."""

    def __init__(self, names: Mapping[str, set[str]], stage: str | None = None):
        self.names = names
        self.stage = stage
        self.data_vars: dict[str, tuple[tuple[str, ...], np.ndarray, dict]] = {}
        self.coords: dict[str, np.ndarray] = {}
        self.attrs: dict[str, Any] = {}
        self.coord_attrs: dict[str, dict] = {}

    # dimensions ----------------------------------------------------------------------
    def dim(self, base: str, labels: Iterable, alt: str | None = None) -> str:
        """A dimension named ``base`` (else ``alt``, else ``base_2``, ...) whose coordinate
        is ``labels``; an existing dimension with the same labels is reused."""
        lab = np.asarray(list(labels))
        if lab.dtype.kind in "USO":
            lab = lab.astype(str).astype(object)
        base = _safe_name(base)
        alt = _safe_name(alt) if alt else None
        names = [base] + ([alt] if alt and alt != base else [])
        i = 2
        while True:
            for cand in names:
                old = self.coords.get(cand)
                if old is not None and old.shape == lab.shape and np.array_equal(old, lab):
                    return cand
            free = [c for c in names if c not in self.coords and c not in self.data_vars]
            if free:
                self.coords[free[0]] = lab
                return free[0]
            names, i = [f"{base}_{i}"], i + 1

    def index_dim(self, name: str, n: int) -> str:
        base = _safe_name(f"{name.split('.')[-1]}_index")
        cand, i = base, 2
        while cand in self.coords or cand in self.data_vars:
            if cand in self.coords and self.coords[cand].dtype.kind in "iu" and \
                    len(self.coords[cand]) == n:
                return cand
            cand, i = f"{base}_{i}", i + 1
        self.coords[cand] = np.arange(n)
        return cand

    def label_dim(self, path: str, keys: list[str]) -> str:
        """Name of the dimension labelled by ``keys`` (species, steps, pairs, ...)."""
        leaf = path.split(".")[-1] if path else ""
        nm = self.names
        ks = set(keys)
        if ks and ks <= nm["surface"]:
            base = "surface"
        elif ks and ks <= nm["gas"]:
            base = "gas"
        elif ks and ks <= nm["species"]:
            base = "species"
        elif ks and (ks <= nm["steps"] or all(("<=>" in k or "->" in k) for k in keys)):
            base = "step"
        elif ks and all(_is_pair(k, nm["species"]) for k in keys):
            base = "pair"
        elif leaf in _DIM_FOR_KEY:
            base = _DIM_FOR_KEY[leaf]
        else:
            base = f"{leaf or 'key'}_name"
        return self.dim(base, keys, alt=f"{leaf}_{base}" if leaf and leaf != base else None)

    # variables -----------------------------------------------------------------------
    def var(self, path: str, dims: tuple[str, ...], data: Any, **attrs: Any) -> None:
        name = _safe_name(path or "value")
        if name in self.data_vars or name in self.coords:
            name = f"{name}_"
        arr = np.asarray(data)
        a = {"units": units_of(path, self.stage)} if arr.dtype.kind in "biuf" else {}
        a.update(attrs)
        self.data_vars[name] = (dims, arr, a)

    def attr(self, path: str, value: Any) -> None:
        if isinstance(value, (bool, np.bool_)):
            value = int(value)
        self.attrs[_safe_name(path)] = value

    # the walk --------------------------------------------------------------------------
    def walk(self, v: Any, path: str, ctx: dict[int, str]) -> None:
        if v is None:
            return
        if isinstance(v, (bool, np.bool_)):
            self.var(path, (), np.int8(bool(v)), dtype_original="bool")
            return
        if _is_num(v):
            self.var(path, (), float(v) if isinstance(v, (float, np.floating)) else int(v))
            return
        if isinstance(v, str):
            self.attr(path, v)
            return
        if isinstance(v, Mapping):
            self._walk_dict(v, path, ctx)
            return
        if isinstance(v, (list, tuple, np.ndarray)):
            self._walk_list(v, path, ctx)
            return
        self.attr(path, _dumps(v))

    def _walk_list(self, v: Any, path: str, ctx: dict[int, str]) -> None:
        if len(v) == 0:
            return
        arr = _numeric_array(v)
        if arr is not None:
            if arr.ndim == 1:
                d = ctx.get(len(arr)) or self.index_dim(path, len(arr))
                self.var(path, (d,), arr)
            else:
                leaf = path.split(".")[-1]
                if arr.ndim == 2 and leaf in ("snapshot", "lattice", "image", "field"):
                    dims = (self.index_dim("y", arr.shape[0]), self.index_dim("x", arr.shape[1]))
                else:
                    dims = tuple(self.index_dim(f"{path}_dim{i}", n)
                                 for i, n in enumerate(arr.shape))
                self.var(path, dims, arr)
            return
        if all(isinstance(x, str) for x in v):
            self.var(path, (self.index_dim(path, len(v)),), np.asarray(list(v), dtype=object))
            return
        tab = _as_table(v)
        if tab is not None:
            self._table(path, *tab, ctx)
            return
        if all(isinstance(x, Mapping) for x in v):
            # records without a name field: rows along a numeric coordinate field (theta,
            # T, ...) when one has distinct values, else along an index
            cols = _as_table({str(i): x for i, x in enumerate(v)})[1]
            d = None
            for ck in _COORD_KEYS:
                vals = cols.get(ck)
                if vals is not None and all(_is_num(x) for x in vals) and \
                        len(set(vals)) == len(vals):
                    d = self.dim("coverage" if ck in ("theta", "coverage") else ck,
                                 np.array(vals, dtype=float))
                    self.coord_attrs.setdefault(d, {"units": units_of(ck, self.stage)})
                    cols = {k: x for k, x in cols.items() if k != ck}
                    break
            if d is None:
                d = self.index_dim(path, len(v))
            self._columns(path, d, cols, ctx)
            return
        self.attr(path, _dumps(v))

    def _table(self, path: str, rows: list[str], cols: dict[str, list],
               ctx: dict[int, str]) -> None:
        d = self.label_dim(path, rows)
        self._columns(path, d, cols, ctx)

    def _columns(self, path: str, d: str, cols: dict[str, list], ctx: dict[int, str]) -> None:
        for c, vals in cols.items():
            p = f"{path}.{c}" if path else c
            if all(_is_scalar(x) for x in vals):
                if all(x is None or _is_num(x) or isinstance(x, (bool, np.bool_))
                       for x in vals):
                    if all(x is None for x in vals):
                        continue
                    if any(x is None or isinstance(x, (float, np.floating)) for x in vals):
                        self.var(p, (d,), np.array([_num_or_nan(x) for x in vals]))
                    else:
                        self.var(p, (d,), np.array(vals))
                else:
                    self.var(p, (d,), np.array(["" if x is None else str(x) for x in vals],
                                               dtype=object))
                continue
            arrs = [_numeric_array(x) for x in vals]
            if all(a is not None and a.ndim == 1 for a in arrs) and \
                    len({a.shape for a in arrs}) == 1:
                n = arrs[0].shape[0]
                inner = ctx.get(n) or self.index_dim(p, n)
                self.var(p, (d, inner), np.stack(arrs))
                continue
            tabs = [_as_table(x) for x in vals]
            if all(t is not None for t in tabs):
                self._table_of_tables(p, d, c, tabs)
                continue
            # anything else: JSON attribute, one per row
            self.attr(p, _dumps(dict(zip(self.coords[d].tolist(), vals))))

    def _table_of_tables(self, path: str, d: str, inner_key: str,
                         tabs: list[tuple[list[str], dict[str, list]]]) -> None:
        """2-D variables (outer rows ``d``, union of the inner rows), one per field."""
        inner_rows: list[str] = []
        for t in tabs:
            inner_rows += [r for r in t[0] if r not in inner_rows]
        inner_d = self.label_dim(inner_key, inner_rows)
        fields: list[str] = []
        for t in tabs:
            fields += [f for f in t[1] if f not in fields]
        for f in fields:
            M = np.full((len(tabs), len(inner_rows)), np.nan)
            good = False
            for i, t in enumerate(tabs):
                col = t[1].get(f, [None] * len(t[0]))
                for j, r in enumerate(t[0]):
                    x = col[j]
                    if _is_num(x) or isinstance(x, (bool, np.bool_)):
                        M[i, inner_rows.index(r)] = float(x)
                        good = True
            if good:
                self.var(f"{path}.{f}", (d, inner_d), M)

    def _walk_dict(self, v: Mapping, path: str, ctx: dict[int, str]) -> None:
        keys = [str(k) for k in v]
        vals = list(v.values())
        leaf = path.split(".")[-1] if path else ""
        labelled = self._is_labelled(keys, leaf)
        # dict of numbers keyed by names: one labelled 1-D variable
        if labelled and all(x is None or _is_num(x) or isinstance(x, (bool, np.bool_))
                            for x in vals) and any(x is not None for x in vals):
            d = self.label_dim(path, keys)
            self.var(path, (d,), np.array([_num_or_nan(x) for x in vals]))
            return
        # dict of equal-length numeric lists keyed by names: 2-D (names, coordinate)
        arrs = [_numeric_array(x) for x in vals]
        if labelled and all(a is not None and a.ndim == 1 for a in arrs) and \
                len({a.shape for a in arrs}) == 1:
            n = arrs[0].shape[0]
            d = self.label_dim(path, keys)
            inner = ctx.get(n) or self.index_dim(path, n)
            self.var(path, (d, inner), np.stack(arrs))
            return
        # a table of tables (dict of labelled record lists, e.g. Sobol indices per output)
        if (labelled or leaf in _DIM_FOR_KEY) and vals and \
                all(isinstance(x, (list, tuple)) for x in vals):
            tabs = [_as_table(x) for x in vals]
            if all(t is not None for t in tabs):
                inner = next((f for f in _LABEL_FIELDS
                              if isinstance(vals[0], (list, tuple)) and vals[0]
                              and f in vals[0][0]), "key")
                self._table_of_tables(path, self.label_dim(path, keys), inner, tabs)
                return
        # a table (dict of dicts)
        if (labelled or leaf in _DIM_FOR_KEY) and vals and \
                all(isinstance(x, Mapping) for x in vals):
            tab = _as_table(v)
            if tab is not None:
                self._table(path, *tab, ctx)
                return
        # a struct: the coordinate among equal-length lists first, then every field
        ctx = dict(ctx)
        lens = {k: len(x) for k, x in v.items() if _numeric_array(x) is not None
                and np.ndim(_numeric_array(x)) == 1}
        for ck in _COORD_KEYS:
            if ck in lens and sum(1 for n in lens.values() if n == lens[ck]) > 1:
                arr = _numeric_array(v[ck])
                dname = "coverage" if ck in ("coverages", "theta") else ck
                dim = self.dim(dname, arr)
                self.data_vars.pop(dim, None)
                ctx[lens[ck]] = dim
                break
        for k, x in v.items():
            p = f"{path}.{k}" if path else str(k)
            if str(k) in _COORD_KEYS and ctx.get(lens.get(k, -1)) is not None and \
                    np.array_equal(self.coords.get(ctx[lens[k]], np.array([])),
                                   _numeric_array(x)):
                # the coordinate itself: units on the coordinate
                self.coord_attrs.setdefault(ctx[lens[k]], {"units": units_of(str(k), self.stage)})
                continue
            self.walk(x, p, ctx)

    def _is_labelled(self, keys: list[str], leaf: str) -> bool:
        nm = self.names
        if not keys:
            return False
        ks = set(keys)
        if ks <= nm["species"] or ks <= nm["steps"] or ks <= nm["sites"]:
            return True
        if all(_is_pair(k, nm["species"]) for k in keys):
            return True
        if all(("<=>" in k or "->" in k) for k in keys):
            return True
        return leaf in _DIM_FOR_KEY or leaf in ("coverages", "tof", "production", "rates",
                                                "drc", "orders", "coverage_error",
                                                "tof_error", "correlation_length", "c", "F",
                                                "outlet", "pressures", "mean", "std")

    def dataset(self):
        import xarray as xr

        coords = {}
        for d, lab in self.coords.items():
            coords[d] = (d, lab, dict(self.coord_attrs.get(d, {})))
        ds = xr.Dataset({k: (dims, arr, a) for k, (dims, arr, a) in self.data_vars.items()},
                        coords=coords, attrs=self.attrs)
        return ds


def _safe_name(name: str) -> str:
    """A netCDF-4 name: '/' separates groups, so it is spelled out."""
    return name.replace("/", " per ")


def _is_pair(k: str, species: set[str]) -> bool:
    if "-" not in k:
        return False
    for i in [m.start() for m in re.finditer("-", k)]:
        a, b = k[:i], k[i + 1:]
        if a in species and b in species:
            return True
    return False


def _names(model: Any) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {"surface": set(), "gas": set(), "species": set(),
                                "steps": set(), "sites": set()}
    mech = getattr(model, "mechanism", None)
    if mech is None:
        return out
    out["gas"] = {s.name for s in mech.gas}
    out["surface"] = {s.name for s in mech.surface}
    out["species"] = {s.name for s in mech.species}
    out["steps"] = {st.equation for st in mech.steps}
    out["sites"] = {getattr(s, "name", str(s)) for s in getattr(mech, "sites", [])}
    return out


def stage_to_dataset(name: str, stage: Mapping[str, Any], model: Any = None):
    """Convert one stage dict of a run into an :class:`xarray.Dataset`.

    Parameters
    ----------
    name : str
        Stage name (``"rates"``, ``"steady"``, ``"kmc"``, ...).
    stage : mapping
        The JSON-ready dict the stage returned (values in the package units).
    model : Model, optional
        Used to recognise species, gases and step equations as dimension labels.

    Returns
    -------
    xarray.Dataset
        Variables with ``units`` attributes; the stage dict itself as JSON in
        ``attrs["summary_json"]``; ``attrs["stage"] = name``.
    """
    b = _Builder(_names(model), name)
    if not isinstance(stage, Mapping):
        stage = {"value": stage}
    b.walk(dict(stage), "", {})
    ds = b.dataset()
    ds.attrs["stage"] = name
    ds.attrs["summary_json"] = _dumps(stage)
    return ds


# ---- provenance ---------------------------------------------------------------------------
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
        s = getattr(model, sec, None) if model is not None else None
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
    model = getattr(result, "model", None)
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
            if name in stages:
                ds.attrs["summary_json"] = _dumps(stages[name])
        else:
            ds = stage_to_dataset(name, stages[name], model)
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
