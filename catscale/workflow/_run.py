"""Run the stages of a model file and collect their results."""

from __future__ import annotations

import hashlib
import pathlib
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .. import __version__
from ..model import Model, load_model


@dataclass
class RunResult:
    """Results of every stage, JSON-ready, plus the text printed for the user."""

    model: Model
    stages: dict[str, dict] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    datasets: dict[str, Any] = field(default_factory=dict)   # ready-made xarray Datasets
    reused: list[str] = field(default_factory=list)          # stages taken from DIR/.cache

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


# ---- stages ------------------------------------------------------------------------------
def stage_rates(model: Model, result: RunResult) -> None:
    from ..cli.cmd_rates import rates_table_text

    rt = model.rates()
    result.stages["rates"] = {"T": rt.T, "steps": rt.to_records()}
    result.text["rates"] = rates_table_text(rt)


def stage_steady(model: Model, result: RunResult) -> None:
    """Mean-field steady state, degree of rate control, apparent Ea, orders."""
    from ..kinetics import steady_state
    from ..kinetics._analysis import analyze, apparent_activation_energy

    rt = model.rates()
    ss = steady_state(model.mechanism, rt, model.pressures, lateral=model.mean_field_lateral(),
                      coordination=model.coordination(), alpha=model.lateral_alpha(),
                      coverage_effects=model.coverage_effects())
    out = ss.to_dict()
    an = analyze(ss)
    out.update({k: v for k, v in an.items() if k not in out})
    if "product" in an:
        try:
            out["apparent_Ea"] = apparent_activation_energy(ss, rates_at=model.rates,
                                                            product=an["product"])
        except Exception as exc:  # reported, not fatal: the steady state itself is verified
            result.warnings.append(f"apparent activation energy not computed: {exc}")
    if len(ss.stable_states) > 1:
        result.warnings.append(f"{len(ss.stable_states)} stable steady states (bistability); "
                               "the one reached from the clean surface is reported first")
        out["other_stable_states"] = [a.to_dict() for a in ss.stable_states[1:]]
    result.stages["steady"] = out
    result.text["steady"] = _steady_text(out)


def _steady_text(out: dict) -> str:
    lines = ["coverages:"]
    for n, v in sorted(out["coverages"].items(), key=lambda kv: -kv[1]):
        lines.append(f"  {n:<10} {v:.4e}")
    for p, v in out.get("tof", {}).items():
        lines.append(f"TOF({p}) = {v:.4e} s^-1 per site")
    lines.append(f"residual (scaled by gross rates) = {out['residual']:.1e}; "
                 f"stable = {out['stable']}; method = {out['method']}")
    drc = out.get("drc")
    if drc:
        top = sorted(drc.items(), key=lambda kv: -abs(kv[1]))
        lines.append("degree of rate control: " + ", ".join(f"{k}: {v:+.3f}" for k, v in top))
    if out.get("apparent_Ea") is not None:
        lines.append(f"apparent activation energy = {out['apparent_Ea']:.3f} eV")
    if out.get("orders"):
        lines.append("reaction orders: " + ", ".join(f"{k}: {v:+.3f}"
                                                      for k, v in out["orders"].items()))
    return "\n".join(lines)


def stage_kmc(model: Model, result: RunResult) -> None:
    """kMC on the same mechanism, compared with mean field; scale-separation verdict."""
    from ..cli.cmd_compare import compare_model
    from ..scales import check_mean_field

    out = compare_model(model)
    xi = [v for v in (out.get("correlation_length") or {}).values()
          if v is not None and v == v]
    size = max(out["kmc"]["lattice"]["size"])
    check = check_mean_field(max(xi) if xi else 0.0, size)
    out["scale_check"] = check.to_dict()
    result.stages["kmc"] = out
    if out.get("verdict") not in (None, "valid"):
        result.warnings.append(f"mean field vs kMC: {out['verdict']}: "
                               + "; ".join(out.get("reasons", [])))
    if not check.justified:
        result.warnings.append(check.message + ". " + check.advice)
    k = out["kmc"]
    lines = [f"kMC ({k['lattice']['name']} {k['lattice']['size']}, {k['events']} events, "
             f"{k['events_per_second']:.3g} events/s)"]
    for s_, c in out["coverages"].items():
        lines.append(f"  theta({s_}): kMC {c['kmc']:.4g} +- {c['kmc_error']:.2g}, "
                     f"mean field {c['mean_field']:.4g}")
    for g, c in out["tof"].items():
        if c["mean_field"] > 0:
            lines.append(f"  TOF({g}): kMC {c['kmc']:.4g} +- {c['kmc_error']:.2g}, "
                         f"mean field {c['mean_field']:.4g} s^-1")
    lines.append(f"mean-field verdict: {out.get('verdict')}")
    lines += [f"  - {r}" for r in out.get("reasons", [])]
    result.text["kmc"] = "\n".join(lines)


def stage_diffusion(model: Model, result: RunResult) -> None:
    """Chemical diffusivity D_c(theta) = M dmu/dtheta, thermodynamic factor, spinodal."""
    from ..cli.cmd_diffusion import diffusion_inputs, diffusion_summary

    inp = diffusion_inputs(model)
    sec = inp.get("section")
    method = getattr(sec, "method", None) or "closure"
    out, _curve = diffusion_summary(inp, method)
    result.stages["diffusion"] = out
    sp = out.get("spinodal")
    lines = [f"surface diffusion ({method}, {out.get('lattice')}, eps = {out.get('eps')} eV, "
             f"T = {out.get('T')} K); D0 = {out.get('D0', float('nan')):.3g} m^2/s"]
    for c in out.get("coverages", []):
        lines.append(f"  theta {c['theta']:.3f}: D_c/D0 {c['D_c'] / out['D0']:+.3g}, "
                     f"Phi {c['Phi']:.3g}")
    if sp:
        lines.append(f"spinodal (D_c < 0): {sp}")
        result.warnings.append(f"surface diffusion: D_c < 0 for coverages in {sp}: uphill "
                               "diffusion, islands form (a continuum model needs the "
                               "Cahn-Hilliard gradient term there)")
    result.text["diffusion"] = "\n".join(lines)


def pore_correlation_length(image, voxel_size: float) -> float:
    """Correlation length of the pore phase, m: where the normalised two-point correlation
    (S2(r) - eps^2) / (eps - eps^2), averaged over the axes, first falls below 1/e."""
    import numpy as np

    pore = (np.asarray(image) > 0).astype(float)
    eps = pore.mean()
    if eps in (0.0, 1.0):
        return 0.0
    F = np.fft.fftn(pore)
    s2 = np.real(np.fft.ifftn(F * np.conj(F))) / pore.size       # periodic S2(r)
    lengths = []
    for ax in range(pore.ndim):
        idx = [0] * pore.ndim
        line = []
        for r in range(pore.shape[ax] // 2):
            idx[ax] = r
            line.append(s2[tuple(idx)])
        c = (np.array(line) - eps**2) / (eps - eps**2)
        below = np.flatnonzero(c < np.exp(-1.0))
        lengths.append(float(below[0]) if below.size else float(len(line)))
    return float(np.mean(lengths)) * voxel_size


def stage_homogenization(model: Model, result: RunResult) -> None:
    """Effective diffusivity of the microstructure (periodic cell problems); checks that the
    image is a representative volume between the pore scale and the pellet."""
    from ..cli.cmd_homogenize import homogenize_section
    from ..scales import check_homogenization

    sec = model.microstructure
    res, transport, image = homogenize_section(model)
    out = res.to_dict()
    out["pellet_D_eff"] = transport.D_eff
    out["D_free"] = sec.D_free
    xi = pore_correlation_length(image, sec.voxel_size)
    window = sec.voxel_size * min(image.shape)
    out["correlation_length"] = xi
    if model.pellet is not None:
        chk = check_homogenization(xi=xi, window=window, pellet=model.pellet.size)
        out["scale_check"] = chk.to_dict()
        if not chk.justified:
            result.warnings.append(chk.message + ". " + chk.advice)
    result.stages["homogenization"] = out
    D = out["D_eff"]
    result.text["homogenization"] = (
        f"D_eff/D_free = {[[round(x, 4) for x in row] for row in D]}, porosity "
        f"{out['porosity']:.3f}, tortuosity {out['tortuosity']}; pore correlation length "
        f"{xi:.3g} m; pellet D_eff = {transport.D_eff:.3g} m^2/s")
    for w in out.get("warnings", []):
        result.warnings.append(f"homogenization: {w}")


def stage_map(model: Model, result: RunResult) -> None:
    """Descriptor (volcano) map: verified steady state at every grid point."""
    from ..kinetics import descriptor_map

    axes = model.descriptor_axes()
    names = list(axes)

    def rates_at(point):
        return model.at_descriptors(point).rates()

    surfaces = {k: tuple(v[n] for n in names) for k, v in model.descriptors.surfaces.items()}
    ds = descriptor_map(model.mechanism, rates_at, model.pressures, axes,
                        surfaces=surfaces or None)
    result.datasets["map"] = ds
    out = {"axes": {k: [float(v[0]), float(v[-1]), len(v)] for k, v in axes.items()},
           "points": int(ds.verified.size), "verified": int(ds.verified.sum()),
           "stable": int(ds.stable.sum()), "max_residual": float(ds.residual.max()),
           "tof_max": float(ds.tof.max())}
    if "surface" in ds.coords:
        out["surfaces"] = {str(s): float(ds.surface_tof.sel(surface=s))
                           for s in ds.surface.values}
    result.stages["map"] = out
    if out["verified"] < out["points"]:
        result.warnings.append(f"descriptor map: {out['points'] - out['verified']} points "
                               "could not be verified (NaN in the map)")
    result.text["map"] = (f"{out['verified']}/{out['points']} points verified; max TOF "
                          f"{out['tof_max']:.3e} s^-1"
                          + (f"; surfaces: {out['surfaces']}" if "surfaces" in out else ""))


def stage_pellet(model: Model, result: RunResult) -> None:
    """Reaction-diffusion in one pellet: Thiele modulus, effectiveness, regime, profiles."""
    import dataclasses

    from ..cli.cmd_pellet import pellet_summary, solve_model_pellet, unverified_warning

    sec = model.pellet
    if sec.D_eff is None and "homogenization" in result.stages:
        sec = sec.model_copy(update={"D_eff": result.stages["homogenization"]["pellet_D_eff"]})
        model = dataclasses.replace(model, sections={**model.sections, "pellet": sec})
    # microkinetics inside the pellet: a surrogate verified on the solution itself
    res, pel, kin, sec, err, how = solve_model_pellet(model, sec.n_cells or 200)
    out = pellet_summary(res, pel, kin, err)
    out["rate_law"] = how
    out["shape"], out["size"] = sec.shape, sec.size
    result.stages["pellet"] = out
    result.warnings.extend(unverified_warning(how, err))
    if len(out["steady_states"]) > 1:
        result.warnings.append(f"pellet: {len(out['steady_states'])} steady states "
                               "(multiplicity); all are listed in the results")
    lines = [f"{sec.shape}, size {sec.size:g} m, key species {out['key']}",
             f"Thiele modulus {out['thiele']:.4g} (generalised {out['thiele_generalized']:.4g}),"
             f" effectiveness {out['effectiveness']:.4g}, regime: {out['regime']}",
             f"Weisz-Prater {out['weisz_prater']:.3g}; mass balance error "
             f"{out['mass_balance_error']:.1e}"]
    if how == "surrogate":
        word = "checked" if err > 1e-3 else "verified"
        lines.append(f"microkinetic rates from a surrogate {word} on the solution "
                     f"(max relative error {err:.1e})")
    elif how == "direct":
        lines.append("microkinetic rates coupled directly (a surrogate could not be verified)")
    result.text["pellet"] = "\n".join(lines)


def stage_reactor(model: Model, result: RunResult) -> None:
    """Packed-bed PFR or CSTR with the pellet effectiveness along the bed."""
    from ..cli.cmd_reactor import reactor_summary

    out = reactor_summary(model)
    result.stages["reactor"] = out
    result.warnings.extend(out.get("warnings", []))
    sel = out.get("selectivity")
    result.text["reactor"] = (f"{out['type']}: conversion {out['conversion']:.4g}, "
                              f"selectivity {sel}, T_out {out['T_out']:.1f} K, "
                              f"balance closure {out.get('closure')}")


def stage_uq(model: Model, result: RunResult) -> None:
    """Uncertainty propagation and sensitivity as the ``uncertainty:`` section describes."""
    from ..uq import study_text, uq_study

    out = uq_study(model, scheduler="local", progress=False, keep=True)
    objects = out.pop("_objects", {})
    mc = objects.get("mc")
    if mc is not None:   # the samples themselves, for histograms (results.nc, report)
        Y = mc.ensemble.Y
        out["sample_values"] = {n: Y[:, i].tolist() for i, n in enumerate(mc.output_names)}
    result.stages["uq"] = out
    result.text["uq"] = study_text(out)


Stage = tuple[str, Callable[[Model], bool], Callable[[Model, RunResult], None]]

#: (name, applies-to-model predicate, function), in scale order
STAGES: list[Stage] = [
    ("rates", lambda m: m.mechanism is not None and bool(m.mechanism.steps), stage_rates),
    ("steady", lambda m: m.mechanism is not None and bool(m.mechanism.adsorbates), stage_steady),
    ("map", lambda m: m.descriptors is not None, stage_map),
    ("kmc", lambda m: m.kmc is not None, stage_kmc),
    ("diffusion", lambda m: m.diffusion is not None, stage_diffusion),
    ("homogenization", lambda m: m.microstructure is not None, stage_homogenization),
    ("pellet", lambda m: m.pellet is not None, stage_pellet),
    ("reactor", lambda m: m.reactor is not None and m.pellet is not None, stage_reactor),
    ("uq", lambda m: m.uncertainty is not None, stage_uq),
]


def run(path: str | pathlib.Path, out: str | pathlib.Path | None = None,
        echo: Callable[[str], None] | None = None, reuse: bool = True) -> RunResult:
    """Run every stage the model file defines.

    Parameters
    ----------
    path : str or Path
        Model file.
    out : str or Path, optional
        Output directory: ``summary.json`` (after every stage), ``results.nc``,
        ``report.html``, and ``.cache/`` with each stage's result under the content hash of
        its inputs (:mod:`catscale.workflow._cache`).
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

    # files the model names for writing (kmc.checkpoint) resolve inside `out`
    model = resolve_outputs(load_model(path), out)
    if out is None:
        return _run_stages(model, None, echo, reuse)
    with _outputs.locked(out):       # one run per output directory; outputs atomic
        _outputs.clear_outputs(out)
        return _run_stages(model, out, echo, reuse)


def _run_stages(model: Model, out: str | pathlib.Path | None,
                echo: Callable[[str], None] | None, reuse: bool) -> RunResult:
    from . import _cache

    result = RunResult(model=model)
    if echo:
        echo(model.summary())
    keys: dict[str, str] = {}
    for name, applies, fn in STAGES:
        if not applies(model):
            continue
        t0 = time.perf_counter()
        keys[name] = _cache.stage_key(name, model, keys)
        entry = (_cache.load(out, name, keys[name], warnings=result.warnings)
                 if (reuse and out is not None) else None)
        if entry is not None:
            result.stages[name] = entry["stage"]
            if entry.get("text") is not None:
                result.text[name] = entry["text"]
            result.warnings.extend(entry.get("warnings", []))
            if entry.get("dataset") is not None:
                result.datasets[name] = entry["dataset"]
            result.reused.append(name)
        else:
            n_warn = len(result.warnings)
            fn(model, result)
            if out is not None:
                _cache.store(out, name, keys[name], {
                    "stage": result.stages.get(name), "text": result.text.get(name),
                    "warnings": result.warnings[n_warn:],
                    "dataset": result.datasets.get(name)})
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
