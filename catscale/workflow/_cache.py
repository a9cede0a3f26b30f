"""Reuse of stage results between runs: a content hash of what each stage depends on.

A stage's key hashes the catscale version and source code (so that a changed solver never
hands back an old result), the parts of the model file the stage reads (as
validated data, so comments and formatting do not matter), the bytes of any image file it
loads, and the keys of the stages it consumes; which parts a stage reads is declared on the
stage object (:class:`catscale.stages.Stage`), not in a table here. When a cached entry of the
key exists the stage is not run again; an edit of the pellet section thus recomputes pellet,
reactor and uncertainty, but not rates, mean field or kMC.
"""

from __future__ import annotations

import functools
import hashlib
import json
import pathlib
import pickle
from typing import Any

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
    micro = model.sections.microstructure if "microstructure" in stage.reads else None
    if micro is not None and getattr(micro, "image", None):
        img = pathlib.Path(micro.image)
        if not img.is_absolute():
            img = pathlib.Path(model.path).parent / img
        try:
            h.update(hashlib.sha256(img.read_bytes()).digest())
        except OSError:
            h.update(b"missing image")
    for up in stage.needs:
        h.update(f"{up}:{keys.get(up, '-')}".encode())
    return h.hexdigest()[:20]


def load(out: str | pathlib.Path, name: str, key: str) -> dict | None:
    """Cached entry {stage, text, warnings, dataset} of a stage, or None."""
    p = pathlib.Path(out) / ".cache" / f"{name}-{key}.pkl"
    if not p.exists():
        return None
    try:
        with p.open("rb") as f:
            return pickle.load(f)
    except Exception:        # a damaged or foreign file is simply recomputed
        return None


def store(out: str | pathlib.Path, name: str, key: str, entry: dict) -> None:
    """Write a stage's entry atomically; older entries of the same stage are removed."""
    d = pathlib.Path(out) / ".cache"
    d.mkdir(parents=True, exist_ok=True)
    for old in d.glob(f"{name}-*.pkl"):
        old.unlink(missing_ok=True)
    tmp = d / f"{name}-{key}.pkl.tmp"
    with tmp.open("wb") as f:
        pickle.dump(entry, f, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(d / f"{name}-{key}.pkl")
