"""The uncertainty stage: a typed result of :func:`uq_study`, registered with the stages."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..stages import STAGES, Stage, StageResult, figures, hidden, info, quantity, register

__all__ = ["UQResult", "run", "output_units"]

def output_units(name: str) -> str:
    """Units (pint syntax) of a UQ output column ``kind`` or ``kind[label]``, as the output
    registry (:data:`catscale.uq.OUTPUTS`) declares them."""
    from ._outputs import OUTPUTS

    kind = name.split("[", 1)[0]
    for out in OUTPUTS.values():
        if kind in out.units:
            return out.units[kind]
    raise KeyError(f"UQ output {name!r} has no declared units")


@dataclasses.dataclass(frozen=True, kw_only=True)
class UQResult(StageResult):
    """Uncertainty propagation and sensitivity (``catscale uq --json``)."""

    stage = "uq"
    model: str = info("model name")
    method: str = info("sobol | random | lhs | pce")
    samples: int = quantity("1", "samples evaluated")
    seed: int = info("random seed")
    inputs: list = info("uncertain inputs (name, kind, type, ...)")
    product: str | None = info("gas whose TOF is an output")
    outputs: dict = info("summary statistics of each output (mean, std, interval ...; "
                         "units of the output)")
    failed: int | None = info("samples whose evaluation failed", default=None)
    computed: int | None = info("samples computed (not read from a store)", default=None)
    scheduler: str | None = info("where the samples ran (serial, local cluster, ...)",
                                 default=None)
    pce: dict | None = info("polynomial chaos expansion", default=None)
    variance_by_kind: dict | None = info("variance split by epistemic/aleatoric inputs",
                                         default=None)
    sensitivity: dict | None = info("Sobol indices", default=None)
    elapsed_s: float = quantity("s", "wall-clock time")
    plots: list | None = info("figures written, if any", default=None)
    warnings: list = info("warnings", default=[])
    sample_values: dict | None = hidden()
    objects: dict | None = hidden()

    timing = ("elapsed_s", "computed", "scheduler")

    def text(self) -> str:
        """Distributions and Sobol indices, readable."""
        from ._study import study_text

        return study_text({k: v for k, v in self.to_dict().items() if v is not None})

    def to_dataset(self, attrs=None):
        """Statistics of each output (and the samples) as variables with the units of the
        output; the rest as attributes."""
        import xarray as xr

        ds = super().to_dataset(attrs)
        names = list(self.outputs)
        stats = ("mean", "std", "median", "ci_low", "ci_high", "sem")
        for st in stats:
            for n in names:
                v = self.outputs[n].get(st)
                if v is None:
                    continue
                ds[f"{st}[{n}]"] = xr.Variable((), float(v), {
                    "units": output_units(n), "long_name": f"{st} of {n}"})
        ranked = (self.sensitivity or {}).get("ranked") or {}
        if ranked:
            outs = list(ranked)
            ins = list(dict.fromkeys(r["input"] for rows in ranked.values() for r in rows))
            for idx in ("S1", "ST", "S1_conf", "ST_conf"):
                arr = np.full((len(outs), len(ins)), math.nan)
                for i, o in enumerate(outs):
                    for r in ranked[o]:
                        if r.get(idx) is not None:
                            arr[i, ins.index(r["input"])] = float(r[idx])
                if np.isfinite(arr).any():
                    ds[f"sensitivity.{idx}"] = xr.Variable(
                        ("sensitivity_output", "input"), arr,
                        {"units": "1", "long_name": f"Sobol index {idx}"})
            ds = ds.assign_coords(sensitivity_output=outs, input=ins)
        if self.sample_values:
            for n, vals in self.sample_values.items():
                arr = np.array([math.nan if x is None else x for x in vals], dtype=float)
                ds[f"samples[{n}]"] = xr.Variable(("sample",), arr, {
                    "units": output_units(n), "long_name": f"sampled values of {n}"})
        return ds


def run(model, homogenization=None, *, keep: bool = False, **kw) -> UQResult:
    """Propagate the model's ``uncertainty:`` section (options of :func:`uq_study`).

    ``homogenization``: the homogenization stage's result; a pellet whose D_eff comes from
    the microstructure takes it from there instead of solving the cell problems again.
    """
    from ._study import uq_study

    if (homogenization is not None and model.sections.pellet is not None
            and model.sections.pellet.D_eff is None):
        model = model.with_section("pellet", model.sections.pellet.model_copy(
            update={"D_eff": float(homogenization.pellet_D_eff)}))
    kw.setdefault("progress", False)
    out = uq_study(model, keep=True, **kw)
    objects = out.pop("_objects", {})
    mc = objects.get("mc")
    samples = None
    if mc is not None:   # the samples themselves, for histograms (results.nc, report)
        Y = mc.ensemble.Y
        samples = {n: Y[:, i].tolist() for i, n in enumerate(mc.output_names)}
    fields = {f.name for f in dataclasses.fields(UQResult)}
    return UQResult(**{k: v for k, v in out.items() if k in fields},
                    sample_values=samples, objects=objects if keep else None)


if "uq" not in STAGES:
    register(Stage("uq", "Uncertainty and sensitivity",
                   lambda m: m.sections.uncertainty is not None,
                   ("uncertainty", "pellet", "reactor", "microstructure", "lateral",
                    "lateral_coordination", "kmc"), ("homogenization",),
                   lambda m, up: run(m, homogenization=up.get("homogenization"),
                                     scheduler="auto"), UQResult, figures=figures.UQ))
