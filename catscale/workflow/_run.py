"""Run the stages of a model file (the registry :data:`catscale.stages.STAGES`) and collect
their typed results.

Each stage receives the typed results of the stages it needs and never recomputes them: the
homogenization is solved once and handed to the pellet, the reactor and the uncertainty
study; the kMC check takes the mean-field steady state.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pathlib
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .. import __version__
from .. import uq as _uq  # noqa: F401  (registers the uncertainty stage)
from ..model import Model, load_model
from ..stages import STAGES, StageResult

__all__ = ["RunResult", "run", "provenance", "STAGES"]


@dataclass
class RunResult:
    """Results of every stage: typed (``results``), JSON-ready (``stages``), readable
    (``text``), as datasets with units (``datasets``), with timings and warnings."""

    model: Model
    results: dict[str, StageResult] = field(default_factory=dict)
    stages: dict[str, dict] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    datasets: dict[str, Any] = field(default_factory=dict)
    reused: list[str] = field(default_factory=list)          # stages taken from DIR/.cache

    def add(self, name: str, res: StageResult) -> None:
        """Record a stage's typed result (JSON, text, dataset and warnings derived)."""
        self.results[name] = res
        d = res.to_dict()
        if getattr(res, "sample_values", None):       # for the report's histograms
            d["sample_values"] = res.sample_values
        self.stages[name] = d
        self.text[name] = STAGES[name].text(res) if name in STAGES else res.text()
        self.datasets[name] = res.to_dataset()
        self.warnings.extend(res.warnings)

    def summary(self) -> dict:
        stages = {k: {kk: vv for kk, vv in v.items() if kk not in _BULKY}
                  for k, v in self.stages.items()}
        return {"model": self.model.name, "file": self.model.path,
                "provenance": provenance(self.model), "timings_s": self.timings,
                "reused_stages": self.reused,
                "warnings": self.warnings, **stages}


# arrays kept for results.nc and the report, not for summary.json
_BULKY = ("snapshot", "sample_values")


def provenance(model: Model) -> dict:
    """Versions and the hash of the input file."""
    import numpy
    import scipy

    try:
        digest = hashlib.sha256(pathlib.Path(model.path).read_bytes()).hexdigest()
    except OSError:
        digest = None
    return {"catscale": __version__, "python": platform.python_version(),
            "numpy": numpy.__version__, "scipy": scipy.__version__, "input_sha256": digest}


def _from_cache(name: str, entry: dict) -> StageResult | None:
    """A typed result rebuilt from its cached JSON (hidden solver objects are absent: a
    downstream stage that needs them recomputes them). The data the cache keeps beside the
    JSON come back too: the samples of a study (``sample_values``) and the dataset of a
    result that carries one (the map), so its figures are the same as on the first run."""
    d = entry["stage"]
    try:
        typed = STAGES[name].result.from_dict(d, complete=True)
    except (KeyError, TypeError, ValueError):
        return None
    hidden = {f.name for f in dataclasses.fields(typed) if f.metadata.get("kind") == "hidden"}
    back = {}
    if "sample_values" in hidden and d.get("sample_values") is not None:
        back["sample_values"] = d["sample_values"]
    if "dataset" in hidden and entry.get("dataset") is not None:
        back["dataset"] = entry["dataset"]
    return typed.replace(**back) if back else typed


def run(path: str | pathlib.Path | Model, out: str | pathlib.Path | None = None,
        echo: Callable[[str], None] | None = None, reuse: bool = True) -> RunResult:
    """Run every stage the model file defines.

    Parameters
    ----------
    path : str, Path or Model
        Model file (or a loaded model).
    out : str or Path, optional
        Output directory: ``summary.json`` (after every stage), ``results.nc``,
        ``report.html``, and ``.cache/`` with each stage's result under the content hash of
        the model parts it reads (:mod:`catscale.workflow._cache`).
    echo : callable, optional
        Receives the readable text of each stage as it finishes.
    reuse : bool
        Reuse a stage's cached result when its inputs did not change (needs ``out``).

    Returns
    -------
    RunResult
        ``reused`` lists the stages taken from the cache.

    Raises
    ------
    OutputDirBusy
        When another run holds ``out`` (:func:`catscale.workflow._outputs.locked`).
    OutputError
        When an output cannot be written (full disk).
    """
    from ..model import resolve_outputs
    from . import _outputs

    model = path if isinstance(path, Model) else load_model(path)
    # files the model names for writing (kmc.checkpoint) resolve inside `out`
    model = resolve_outputs(model, out)
    if out is None:
        return _run_stages(model, None, echo, reuse)
    with _outputs.locked(out):       # one run per output directory; outputs atomic
        _outputs.clear_outputs(out)
        return _run_stages(model, out, echo, reuse)


def _run_stages(model: Model, out: str | pathlib.Path | None,
                echo: Callable[[str], None] | None, reuse: bool) -> RunResult:
    from . import _cache

    result = RunResult(model=model)
    applies = [name for name, stage in STAGES.items() if stage.applies(model)]
    if not applies:
        from ..errors import ModelFileError

        raise ModelFileError(model.path, "steps", "no stage applies to this model: give steps "
                             "(a mechanism) or a pellet, diffusion or microstructure section")
    if echo:
        echo(model.summary())
        echo("stages: " + ", ".join(applies))
    keys: dict[str, str] = {}
    for name, stage in STAGES.items():
        if not stage.applies(model):
            continue
        t0 = time.perf_counter()
        keys[name] = _cache.stage_key(stage, model, keys)
        entry = (_cache.load(out, name, keys[name], warnings=result.warnings)
                 if (reuse and out is not None) else None)
        typed = _from_cache(name, entry) if entry is not None else None
        if entry is not None and typed is not None:
            result.results[name] = typed
            result.stages[name] = entry["stage"]
            if entry.get("text") is not None:
                result.text[name] = entry["text"]
            result.warnings.extend(entry.get("warnings", []))
            result.datasets[name] = (entry["dataset"] if entry.get("dataset") is not None
                                     else typed.to_dataset())
            result.reused.append(name)
        else:
            upstream = {n: result.results[n] for n in stage.needs if n in result.results}
            res = stage.run(model, upstream)
            result.add(name, res)
            if out is not None:
                _cache.store(out, name, keys[name], {
                    "stage": result.stages[name], "text": result.text[name],
                    "warnings": list(res.warnings), "dataset": result.datasets[name]})
        result.timings[name] = round(time.perf_counter() - t0, 4)
        if echo and name in result.text:
            tag = " (reused: inputs unchanged)" if name in result.reused else ""
            echo(f"\n== {name}{tag} ==\n{result.text[name]}")
        if out is not None:
            _write(out, result)   # after every stage: nothing computed is lost
    if out is not None:
        from ._report import write_report
        from ._results import write_results

        write_results(result, out)
        write_report(result, out)
        _write(out, result, complete=True)   # last: complete only with every output written
    return result


def _write(out: str | pathlib.Path, result: RunResult, complete: bool = False) -> None:
    from ._outputs import write_summary

    write_summary(out, result.summary(), list(result.stages), complete)
