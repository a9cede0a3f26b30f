"""The UQ study of a model file: propagation, optional variance split and Sobol indices, in one
JSON-ready dict (used by ``catscale uq`` and the ``uq`` stage of ``catscale run``)."""

from __future__ import annotations

import math
import os
import time
from typing import Any

from ..errors import InvalidParameterError, ModelFileError
from ._chain import chain_function
from ._propagation import monte_carlo, polynomial_chaos, variance_by_kind
from ._sensitivity import sobol_indices

__all__ = ["uq_study", "study_text"]

#: The section's Sobol base size is doubled up to this factor while some confidence interval
#: is wider than ``INTERVAL_TARGET`` (0.1); beyond it the result carries a warning.
SOBOL_GROWTH = 4


def uq_study(model: Any, *, samples: int | None = None, method: str | None = None,
             seed: int | None = None, scheduler: Any = "auto", n_workers: int = 2,
             store: str | os.PathLike | None = None, sensitivity: int | None = None,
             by: str | None = None, split: bool = False, progress: bool = False,
             outputs: list[str] | None = None, keep: bool = False) -> dict:
    """Run the uncertainty study that the model's ``uncertainty:`` section describes.

    Parameters
    ----------
    model : Model
        Loaded model file with an ``uncertainty:`` section.
    samples, method, seed : optional
        Override the section's ``samples``, ``method`` (sobol | random | lhs | pce), ``seed``.
    scheduler : str or distributed.Client
        ``"auto"`` (default: serial unless a LocalCluster pays for its start, judged from
        the timed first samples), ``"local"`` (LocalCluster of ``n_workers`` processes),
        ``"serial"``,
        ``"tcp://HOST:PORT"``, ...
    store : path, optional
        Zarr directory for the Monte Carlo ensemble (resumable).
    sensitivity : int, optional
        Base sample size of the Sobol indices (0 = skip; default: the section's, doubled up
        to ``SOBOL_GROWTH`` times until every 95 % interval is narrower than 0.1).
    by : {"input", "kind"}, optional
        Grouping of the Sobol indices.
    split : bool
        Also split the variance into epistemic and aleatoric parts by nested sampling
        (ceil(sqrt(samples)) outer x inner points; needs inputs of both kinds).
    keep : bool
        Also return the result objects under the private key ``"_objects"`` (for plots).

    Returns
    -------
    dict
        ``method``, ``samples``, ``failed``, ``inputs`` (names, kinds, distributions),
        ``outputs`` (per output: mean, std, median, ci_low, ci_high, level, sem, mean_ci,
        log10_mean, log10_std; units: TOF s^-1 per site, DRC and coverages dimensionless),
        optional ``pce``, ``variance_by_kind``, ``sensitivity`` (ranked table per output,
        ``undefined``, ``warnings``), ``warnings`` (what is not resolved), ``scheduler``,
        ``elapsed_s``.
    """
    sec = getattr(model.sections, "uncertainty", None)
    if sec is None:
        raise ModelFileError(model.path, "uncertainty", "the model has no uncertainty: section "
                             "(see catscale.model.sections.uncertainty for the keys)")
    from ..model.sections import check_overrides
    from ..model.sections.uncertainty import SensitivitySpec, UncertaintySection

    check_overrides(UncertaintySection, samples=samples, method=method, seed=seed)
    if sensitivity:          # 0 = off
        try:
            check_overrides(SensitivitySpec, samples=sensitivity, by=by)
        except InvalidParameterError as exc:
            raise InvalidParameterError("sensitivity" if exc.name == "samples" else exc.name,
                                        exc.expected, exc.found) from None
    n = int(samples if samples is not None else sec.samples)
    method = method or sec.method
    seed = int(sec.seed if seed is None else seed)
    t0 = time.perf_counter()
    func, space = chain_function(model, sec, outputs)
    ens_kw = dict(scheduler=scheduler, n_workers=n_workers, progress=progress)
    out: dict[str, Any] = {"model": model.name, "method": method, "samples": n, "seed": seed,
                           "inputs": space.describe(), "product": func.product,
                           "warnings": []}
    objects: dict[str, Any] = {}
    if method == "pce":
        p = polynomial_chaos(func, space, sec.order, n=n, seed=seed, **ens_kw)
        out["pce"] = p.to_dict()
        out["samples"] = p.n_evaluations
        out["outputs"] = {k: v.to_dict() for k, v in p.summary(level=sec.level).items()}
        out["failed"] = None
        objects["pce"] = p
    else:
        mc = monte_carlo(func, space, n, method=method, seed=seed, level=sec.level,
                         store=store, **ens_kw)
        d = mc.to_dict()
        out["outputs"] = d["outputs"]
        out["failed"] = d["failed"]
        out["warnings"] += _undefined_outputs(d["outputs"], int(d["failed"]), n)
        out["computed"] = mc.ensemble.computed
        out["scheduler"] = mc.ensemble.scheduler
        objects["mc"] = mc
    if split:
        m = max(2, math.ceil(math.sqrt(n)))
        vs = variance_by_kind(func, space, m, m, seed=seed, **ens_kw)
        out["variance_by_kind"] = vs.to_dict()
    n_sens = sec.sensitivity.samples if (sensitivity is None and sec.sensitivity) else \
        (sensitivity or 0)
    if n_sens:
        grp = by or (sec.sensitivity.by if sec.sensitivity else "input")
        keys = [k for k in func.output_names if k != "tof"]
        # the section's (default) base size grows until the intervals meet the target, up
        # to SOBOL_GROWTH times; an explicit size is kept. What is not met is a warning.
        grow = SOBOL_GROWTH if sensitivity is None else 1
        sr = sobol_indices(func, space, int(n_sens), by=grp, outputs=keys, seed=seed,
                           max_n=grow * int(n_sens), **ens_kw)
        out["sensitivity"] = {"by": grp, **sr.to_dict()}
        out["warnings"] += [f"uq: Sobol indices of {k} undefined: {why}"
                            for k, why in sr.undefined.items()]
        out["warnings"] += [f"uq: {w}" for w in sr.warnings]
        objects["sobol"] = sr
    out["elapsed_s"] = round(time.perf_counter() - t0, 3)
    if keep:
        out["_objects"] = objects
    return out


def _undefined_outputs(outputs: dict, failed: int, n: int) -> list[str]:
    """Outputs that are NaN in samples that did not fail, which their statistics leave out
    (the log10 and the degrees of rate control of a zero TOF: a poisoned surface)."""
    out = []
    for k, o in outputs.items():
        extra = int(o.get("n_failed", 0)) - failed
        if extra > 0:
            why = (" (undefined where the TOF is 0: a poisoned surface)"
                   if k.startswith(("log10_tof", "drc[")) else "")
            out.append(f"uq: {k} is undefined in {extra} of {n - failed} computed samples, "
                       f"left out of its statistics{why}")
    return out


def study_text(res: dict) -> str:
    """A readable summary of :func:`uq_study` output."""
    lines = [f"{res['model']}: {res['method']} with {res['samples']} samples"
             + (f", {res['failed']} failed" if res.get("failed") else "")
             + f" ({res['elapsed_s']} s)"]
    lines.append("inputs: " + ", ".join(f"{i['name']} ({i['kind']}, {i['type']})"
                                        for i in res["inputs"]))
    w = max(len(k) for k in res["outputs"])
    lv = next(iter(res["outputs"].values()))["level"]
    lines.append(f"{'output':<{w}}  {'mean':>11}  {'std':>10}  "
                 f"{f'{lv:.0%} interval':>25}")
    for k, s in res["outputs"].items():
        lines.append(f"{k:<{w}}  {s['mean']:>11.4g}  {s['std']:>10.3g}  "
                     f"[{s['ci_low']:>10.4g}, {s['ci_high']:>10.4g}]")
    if "variance_by_kind" in res:
        lines.append("variance by kind (epistemic / aleatoric fraction):")
        for k, f in res["variance_by_kind"]["fractions"].items():
            lines.append(f"  {k:<{w}}  {f['epistemic']:.3f} / {f['aleatoric']:.3f}")
    if "sensitivity" in res:
        sens = res["sensitivity"]
        for k, rows in sens["ranked"].items():
            if k in sens.get("undefined", {}):
                lines.append(f"Sobol indices of {k}: undefined ({sens['undefined'][k]})")
                continue
            lines.append(f"Sobol indices of {k} (ranked by ST, "
                         f"{sens.get('conf_level', 0.95):.0%} intervals):")
            for r in rows:
                lines.append(f"  {r['rank']:>2}  {r['input']:<22} {r['kind']:<10} "
                             f"S1 {r['S1']:6.3f} +- {r['S1_conf']:.3f}  "
                             f"ST {r['ST']:6.3f} +- {r['ST_conf']:.3f}")
    for w in res.get("warnings", []):
        lines.append(f"WARNING: {w}")
    return "\n".join(lines)
