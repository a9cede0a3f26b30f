"""Reuse of stage results between runs: a content hash of what each stage depends on.

A stage's key hashes the catscale version and source code (so that a changed solver never
hands back an old result), the parts of the model file the stage reads (as
validated data, so comments and formatting do not matter), the bytes of any image file it
loads, and the keys of the stages it consumes; which parts a stage reads is declared on the
stage object (:class:`catscale.stages.Stage`), not in a table here. When a cached entry of the
key exists the stage is not run again; an edit of the pellet section thus recomputes pellet,
reactor and uncertainty, but not rates, mean field or kMC.

An entry is data with a schema, never code: ``<stage>-<key>.json`` holds
``{"schema": "catscale-stage-cache", "version": 1, "stage": ..., "key": ..., "entry": {"stage":
dict, "text": str, "warnings": [str], "dataset": "<stage>-<key>.nc" or null}}`` (numbers that
JSON cannot hold, tuples, arrays and non-string keys as tagged objects, see :func:`encode`),
plus ``<stage>-<key>.nc`` for a ready-made xarray Dataset. On load the schema, version, stage,
key and types are checked; a damaged, tampered or foreign entry is ignored with a warning
and the stage recomputed. Files of older caches (``*.pkl``) are never read, only removed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import pathlib
from typing import Any

import numpy as np

from .. import __version__


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 (hex) of every Python source file of the installed catscale package."""
    root = pathlib.Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for f in sorted(root.rglob("*.py")):
        h.update(str(f.relative_to(root)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def _canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, default=str, separators=(",", ":"))


def _part(model, name: str) -> Any:
    """A model part as canonical JSON-able data (validated objects, internal units)."""
    v = getattr(model.sections, name) if hasattr(model.sections, name) else \
        getattr(model, name, None)
    if hasattr(v, "model_dump"):
        return v.model_dump(mode="json")
    if isinstance(v, (list, tuple)):
        return [x.model_dump(mode="json") if hasattr(x, "model_dump") else x for x in v]
    if isinstance(v, dict):
        return {str(k): (x.model_dump(mode="json") if hasattr(x, "model_dump") else x)
                for k, x in v.items()}
    return v


def stage_key(stage, model, keys: dict[str, str]) -> str:
    """Content hash of everything a stage depends on (hex, 20 characters): catscale's
    version and source, the model parts the stage reads (``CORE_PARTS`` and
    ``stage.reads``, as validated objects: comments and formatting do not matter, units are
    internal), the bytes of an image file it loads, and the keys of the stages it needs."""
    from ..stages import CORE_PARTS

    h = hashlib.sha256()
    h.update(f"catscale {__version__} {code_digest()} stage {stage.name}".encode())
    parts = {p: _part(model, p) for p in CORE_PARTS + tuple(stage.reads)}
    h.update(_canonical(parts).encode())
    if "microstructure" in stage.reads:
        from ..model import microstructure_image

        image = microstructure_image(model)   # checked: regular file, size cap, format
        if image is not None:
            h.update(hashlib.sha256(image[1]).digest())
    for up in stage.needs:
        h.update(f"{up}:{keys.get(up, '-')}".encode())
    return h.hexdigest()[:20]


SCHEMA, VERSION = "catscale-stage-cache", 1
#: array dtypes an entry may hold (kinds: bool, signed, unsigned, float, unicode)
_ARRAY_KINDS = "biufU"


class _Invalid(ValueError):
    """A cache file that does not follow the schema."""


def encode(obj: Any) -> Any:
    """A stage entry as JSON data, losslessly: non-finite floats ``{"$float": "nan"}``,
    tuples ``{"$tuple": [...]}``, arrays ``{"$array": [...], "dtype": ..., "shape": [...]}``,
    mappings with keys that are not strings (or start with '$') ``{"$items": [[k, v], ...]}``.

    Raises
    ------
    TypeError
        For an object of any other type (the entry is then not cached).
    """
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, (int, np.integer)) and not isinstance(obj, np.bool_):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, (float, np.floating)):
        x = float(obj)
        return x if math.isfinite(x) else {"$float": repr(x)}
    if isinstance(obj, tuple):
        return {"$tuple": [encode(v) for v in obj]}
    if isinstance(obj, list):
        return [encode(v) for v in obj]
    if isinstance(obj, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in obj):
            return {k: encode(v) for k, v in obj.items()}
        return {"$items": [[encode(k), encode(v)] for k, v in obj.items()]}
    if isinstance(obj, np.ndarray) and obj.dtype.kind in _ARRAY_KINDS:
        return {"$array": [encode(v) for v in obj.ravel().tolist()], "dtype": obj.dtype.str,
                "shape": list(obj.shape)}
    raise TypeError(f"{type(obj).__name__} cannot be cached")


def decode(obj: Any) -> Any:
    """Inverse of :func:`encode`; raises ValueError for anything outside its schema."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, list):
        return [decode(v) for v in obj]
    if not isinstance(obj, dict):
        raise _Invalid(f"unexpected {type(obj).__name__}")
    if "$float" in obj:
        if obj["$float"] not in ("nan", "inf", "-inf") or len(obj) != 1:
            raise _Invalid("bad $float")
        return float(obj["$float"])
    if "$tuple" in obj:
        if not isinstance(obj["$tuple"], list) or len(obj) != 1:
            raise _Invalid("bad $tuple")
        return tuple(decode(v) for v in obj["$tuple"])
    if "$items" in obj:
        items = obj["$items"]
        if len(obj) != 1 or not isinstance(items, list) or not all(
                isinstance(kv, list) and len(kv) == 2 for kv in items):
            raise _Invalid("bad $items")
        return {_hashable(decode(k)): decode(v) for k, v in items}
    if "$array" in obj:
        dtype, shape, data = obj.get("dtype"), obj.get("shape"), obj["$array"]
        if (set(obj) != {"$array", "dtype", "shape"} or not isinstance(dtype, str)
                or len(dtype) > 8 or not isinstance(shape, list) or not isinstance(data, list)
                or not all(isinstance(n, int) and n >= 0 for n in shape)
                or math.prod(shape) != len(data)):
            raise _Invalid("bad $array")
        dt = np.dtype(dtype)
        if dt.kind not in _ARRAY_KINDS:
            raise _Invalid(f"array dtype {dtype!r} not accepted")
        return np.array([decode(v) for v in data], dtype=dt).reshape(shape)
    if any(k.startswith("$") for k in obj):
        raise _Invalid("unknown tag")
    return {k: decode(v) for k, v in obj.items()}


def _hashable(k: Any) -> Any:
    if isinstance(k, (list, dict, np.ndarray)):
        raise _Invalid("unhashable key")
    return k


def _files(out: str | pathlib.Path, name: str, key: str) -> tuple[pathlib.Path, pathlib.Path]:
    d = pathlib.Path(out) / ".cache"
    return d / f"{name}-{key}.json", d / f"{name}-{key}.nc"


def load(out: str | pathlib.Path, name: str, key: str,
         warnings: list[str] | None = None) -> dict | None:
    """Cached entry {stage, text, warnings, dataset} of a stage, or None.

    Parameters
    ----------
    out : path
        Output directory.
    name, key : str
        Stage and the content hash of its inputs (:func:`stage_key`).
    warnings : list of str, optional
        Receives a warning when an entry exists but is not valid (it is then ignored and
        the stage recomputed; nothing in it is executed).
    """
    from ..model import max_bytes

    jpath, npath = _files(out, name, key)
    if not jpath.exists():
        return None
    try:
        if not jpath.is_file() or jpath.stat().st_size > max_bytes("data"):
            raise _Invalid("not a regular file of bounded size")
        doc = json.loads(jpath.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
            raise _Invalid("not a catscale stage-cache file")
        if doc.get("version") != VERSION:
            raise _Invalid(f"cache version {doc.get('version')!r}, this catscale reads "
                           f"{VERSION}")
        if doc.get("stage") != name or doc.get("key") != key:
            raise _Invalid("written for another stage or key")
        entry = doc.get("entry")
        if not isinstance(entry, dict) or set(entry) != {"stage", "text", "warnings",
                                                         "dataset"}:
            raise _Invalid("entry lacks its fields")
        stage = decode(entry["stage"])
        if stage is not None and not isinstance(stage, dict):
            raise _Invalid("stage is not a mapping")
        if entry["text"] is not None and not isinstance(entry["text"], str):
            raise _Invalid("text is not a string")
        if not isinstance(entry["warnings"], list) or not all(
                isinstance(w, str) for w in entry["warnings"]):
            raise _Invalid("warnings is not a list of strings")
        dataset = None
        if entry["dataset"] is not None:
            if entry["dataset"] != npath.name or not npath.is_file():
                raise _Invalid("dataset file missing or misnamed")
            import xarray as xr

            dataset = xr.load_dataset(npath, engine="h5netcdf")
    except (OSError, ValueError, TypeError, RecursionError, KeyError) as exc:
        if warnings is not None:
            warnings.append(f"stage cache: {jpath} ignored ({exc}); {name} recomputed")
        return None
    return {"stage": stage, "text": entry["text"], "warnings": list(entry["warnings"]),
            "dataset": dataset}


def store(out: str | pathlib.Path, name: str, key: str, entry: dict) -> None:
    """Write a stage's entry atomically; older entries of the same stage are removed.

    An entry holding an object :func:`encode` does not know is not cached (the stage is
    then recomputed next time). A failed write (full disk) raises
    :class:`~catscale.errors.OutputError`, leaving no temporary file.
    """
    from ._outputs import write_atomic

    jpath, npath = _files(out, name, key)
    try:
        body = {"stage": encode(entry.get("stage")), "text": entry.get("text"),
                "warnings": [str(w) for w in entry.get("warnings") or []],
                "dataset": None}
    except TypeError:
        return
    ds = entry.get("dataset")
    nc = None
    if ds is not None:
        try:
            nc = bytes(ds.to_netcdf(None, engine="h5netcdf"))
        except (TypeError, ValueError):
            return
        body["dataset"] = npath.name
    d = jpath.parent
    d.mkdir(parents=True, exist_ok=True)
    for old in (*d.glob(f"{name}-*.json"), *d.glob(f"{name}-*.nc"), *d.glob(f"{name}-*.pkl")):
        old.unlink(missing_ok=True)
    if nc is not None:
        write_atomic(npath, nc)
    write_atomic(jpath, json.dumps({"schema": SCHEMA, "version": VERSION, "stage": name,
                                    "key": key, "entry": body}))
