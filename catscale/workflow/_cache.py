"""Reuse of stage results between runs: a content hash of what each stage depends on.

A stage's key hashes the catscale version and source code (so that a changed solver never
hands back an old result), the parts of the model file the stage reads (as
validated data, so comments and formatting do not matter), the bytes of any image file it
loads, and the keys of the stages it consumes. When ``DIR/.cache/<stage>-<key>.pkl`` exists the
stage is not run again; an edit of the pellet section thus recomputes pellet, reactor and
uncertainty, but not rates, mean field or kMC.
"""

from __future__ import annotations

import functools
import hashlib
import json
import pathlib
import pickle
from typing import Any

from .. import __version__

CORE = ("units", "conditions", "sites", "species", "steps")

#: model-file sections each stage reads (beyond CORE), and the stages it consumes
DEPENDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "rates": ((), ()),
    "steady": (("lateral", "lateral_coordination", "kmc"), ()),
    "map": (("descriptors", "lateral", "lateral_coordination"), ()),
    "kmc": (("lateral", "lateral_coordination", "kmc"), ()),
    "diffusion": (("diffusion", "lateral", "kmc"), ()),
    "homogenization": (("microstructure", "pellet"), ()),
    "pellet": (("pellet", "lateral", "lateral_coordination", "kmc"), ("homogenization",)),
    "reactor": (("pellet", "reactor", "lateral", "lateral_coordination", "kmc"),
                ("homogenization",)),
    "uq": (("uncertainty", "pellet", "reactor", "lateral", "lateral_coordination", "kmc"),
           ("homogenization",)),
}


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


def stage_key(name: str, model, keys: dict[str, str]) -> str:
    """Content hash of everything stage ``name`` depends on (hex, 20 characters)."""
    sections, upstream = DEPENDS.get(name, ((), ()))
    raw = model.raw if isinstance(model.raw, dict) else {}
    h = hashlib.sha256()
    h.update(f"catscale {__version__} {code_digest()} stage {name}".encode())
    h.update(_canonical({k: raw.get(k) for k in CORE + sections}).encode())
    h.update(_canonical(getattr(model, "energy_shifts", {})).encode())
    if "microstructure" in sections:
        from ..model import microstructure_image

        image = microstructure_image(model)   # checked: regular file, size cap, format
        if image is not None:
            h.update(hashlib.sha256(image[1]).digest())
    for up in upstream:
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
