"""kMC stage: lattice kinetic Monte Carlo of a model's mechanism, with the same energetics
as mean field (pair interactions of every shell, clusters, transition-state positions)."""

from __future__ import annotations

import dataclasses
import math
import time

from ..results import StageResult, hidden, info, quantity

__all__ = ["KMCRunResult", "inputs", "run"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class KMCRunResult(StageResult):
    """Lattice kMC of a model (``catscale kmc --json``). Error bars are batch means over
    the blocks after warm-up (statistical only)."""

    stage = "kmc"
    coverages: dict = quantity("1", "time-averaged coverage", dims=("surface",))
    coverage_error: dict = quantity("1", "standard error of the coverage", dims=("surface",))
    tof: dict = quantity("1/s", "turnover frequency per site", dims=("gas",))
    tof_error: dict = quantity("1/s", "standard error of the turnover frequency",
                               dims=("gas",))
    events: int = quantity("1", "kMC events executed")
    events_per_second: float | None = quantity("1/s", "events per wall-clock second")
    time: float = quantity("s", "simulated time")
    status: object = info("run status (ok, not_converged, absorbing, ...; a list over "
                          "replicas)")
    reasons: list = info("why the run is not converged", default=[])
    convergence: dict | None = info("element balance, stationarity and time checks",
                                    default=None)
    warmup_blocks: int | None = quantity("1", "blocks discarded as warm-up (MSER)",
                                         default=None)
    pair_probabilities: dict = quantity("1", "nearest-neighbour pair probability against "
                                        "random mixing", dims=("pair", "measure"),
                                        default={})
    correlation_length_reason: object = info("why a correlation length is not reported",
                                             default=None)
    correlation_length: dict | None = quantity(
        "1", "Ornstein-Zernike correlation length of each adsorbate, in lattice spacings",
        dims=("surface",), default=None)
    step_rates: list = quantity("1/s", "net rate per site of each step", dims=("step",),
                                default=[])
    step_rate_errors: list = quantity("1/s", "standard error of the step rates",
                                      dims=("step",), default=[])
    scaling_check: dict | None = info("fast-process scaling check (bias, verdict)",
                                      default=None, optional=True)
    lattice: dict = info("lattice description (name, size, kinds, coordination)")
    seed: int = info("random seed")
    replicas: int = info("independent replicas")
    wall_seconds: float = quantity("s", "wall-clock time of the run")
    snapshot: str | None = info("PNG of the final lattice, if written", default=None,
                                optional=True)
    warnings: list = info("warnings", default=[])
    final: object = hidden()          # kmc.KMCResult of the (first) replica
    kmc_model: object = hidden()
    lattice_obj: object = hidden()

    #: fields that depend on the machine, not on the physics
    timing = ("events_per_second", "wall_seconds")

    def text(self) -> str:
        """Coverages and TOF with error bars, readable."""
        lines = [f"kMC on {self.lattice['name']} {self.lattice['size']} "
                 f"({self.events} events, t = {self.time:.4g} s, "
                 f"{(self.events_per_second or 0):.3g} events/s, status {self.status})"]
        for k, v in self.coverages.items():
            lines.append(f"  theta({k}) = {_pm(v, self.coverage_error.get(k))}")
        for k, v in self.tof.items():
            lines.append(f"  TOF({k}) = {_pm(v, self.tof_error.get(k))} s^-1")
        if self.scaling_check:
            lines.append(f"  fast-diffusion scaling check (S/2): "
                         f"{self.scaling_check['verdict']}")
        lines += [f"  not converged: {r}" for r in self.reasons]
        return "\n".join(lines)


def _pm(v: float | None, e: float | None) -> str:
    """``v +- e``; a value without an error bar (one block) or none at all says so."""
    if v is None or not math.isfinite(v):
        return "not measured"
    if e is None or not math.isfinite(e):
        return f"{v:.5g} (no error bar)"
    return f"{v:.5g} +- {e:.2g}"


def inputs(model, events: int | None = None, seed: int | None = None,
           lattice: str | None = None, size: tuple[int, int] | None = None,
           checkpoint: str | None = None, replicas: int | None = None,
           fast_diffusion: bool | None = None, T: float | None = None,
           scaling_check: bool | None = None, target_error: float | None = None,
           max_events: int | None = None):
    """The kMC problem of a model: ``(KMCModel, Lattice, KMCConfig, replicas, section)``.

    Options given here override the model's ``kmc:`` section (defaults of
    :class:`~catscale.model.sections.kmc.KMCSection` when it has none).
    """
    from ..bridges.rates_to_kmc import kmc_model, kmc_relaxation_time
    from ..errors import InvalidParameterError
    from ..kmc import FastDiffusion, KMCConfig
    from ..model.sections.kmc import KMCSection, build_lattice

    if not model.mechanism.steps:
        raise InvalidParameterError(f"{model.path}: steps", "at least one step (the kMC "
                                    "events)", [])
    _check_options(events=events, seed=seed, size=size, replicas=replicas,
                   target_error=target_error, max_events=max_events)
    if isinstance(size, int):
        size = (size, size)
    sec = model.sections.kmc if model.sections.kmc is not None else KMCSection()
    lat = build_lattice(sec, [s.name for s in model.mechanism.sites], lattice, size)
    rates = model.rates(T)
    # the energetics whole: pairs of every shell, clusters, transition-state positions
    km = kmc_model(model.mechanism, rates, model.activities, lat,
                   diffusion=dict(sec.diffusion), energetics=model.energetics)
    fd = sec.fast_diffusion if fast_diffusion is None else fast_diffusion
    if fd is True:
        fd = FastDiffusion()
    elif fd is False or fd is None:
        fd = None
    elif not isinstance(fd, FastDiffusion):
        fd = FastDiffusion(fd.separation, fd.tolerance, fd.min_executions, fd.min_scale,
                           instance_separation=fd.instance_separation, check=fd.check)
    if scaling_check:  # implies fast-diffusion scaling, unless that was switched off
        if fast_diffusion is False:
            raise InvalidParameterError("--scaling-check", "fast-diffusion scaling to check "
                                        "(not --no-fast-diffusion)", True)
        fd = dataclasses.replace(fd or FastDiffusion(), check=True)
    n_ev = int(events if events is not None else sec.events)
    cfg = KMCConfig(events=n_ev, seed=int(seed if seed is not None else sec.seed),
                    blocks=min(int(sec.blocks), n_ev), warmup=sec.warmup,
                    t_max=float(sec.time) if sec.time else float("inf"),
                    initial=dict(sec.initial) or None,
                    checkpoint=checkpoint or sec.checkpoint,
                    checkpoint_every=int(sec.checkpoint_interval), fast_diffusion=fd,
                    relaxation_time=kmc_relaxation_time(model.mechanism, rates,
                                                        model.activities, km, lat),
                    target_error=sec.target_error if target_error is None else target_error,
                    max_events=sec.max_events if max_events is None else max_events)
    nrep = int(sec.replicas if replicas is None else replicas)
    if nrep < 1:
        raise InvalidParameterError("replicas", "an integer >= 1", nrep)
    return km, lat, cfg, nrep, sec


def _check_options(size=None, **options) -> None:
    """Options given to :func:`inputs` (the Python API, the command line) get the bounds of
    the ``kmc:`` section's fields of the same name (``events=1.5`` or ``"1e5"`` is refused
    as in a model file, not truncated or a ValueError); ``size`` (one integer or two) by
    the section's own size validators."""
    from pydantic import ValidationError

    from ..errors import InvalidParameterError
    from ..model.sections import check_overrides
    from ..model.sections.kmc import KMCSection
    from ..quantities import expected_of

    if size is not None:
        try:
            KMCSection.model_validate({"size": size})
        except ValidationError as exc:
            raise InvalidParameterError("size", expected_of(exc), size) from None
    check_overrides(KMCSection, **options)


def run(model, progress=None, **overrides) -> KMCRunResult:
    """Run kMC on a model (options as :func:`inputs`); ``progress(done, total)`` is called
    as the run advances (single replica)."""
    from ..bridges.rates_to_kmc import kmc_omits
    from ..kmc import combine_replicas, run_replicas, simulate

    km, lat, cfg, nrep, _ = inputs(model, **overrides)
    t0 = time.perf_counter()
    if nrep > 1:
        results = run_replicas(km, lat, cfg, nrep)
        out = combine_replicas(results)
        res = results[0]
    else:
        res = simulate(km, lat, cfg, progress=progress, steps=tuple(model.mechanism.steps))
        out = res.summary()
    for sp, why in (out.get("correlation_length_reason") or {}).items():
        out.setdefault("warnings", []).append(f"correlation length of {sp} not reported: {why}")
    if kmc_omits(model.energetics):
        out.setdefault("warnings", []).append(
            "kMC leaves out the steps' coverage_dependence and orders (coverage-dependent "
            "rate constants have no lattice-event counterpart)")
    fields = {f.name for f in dataclasses.fields(KMCRunResult)}
    extra = {k: v for k, v in out.items() if k in fields and k not in ("replicas", "seed")}
    return KMCRunResult(**extra, lattice=lat.describe(), seed=cfg.seed, replicas=nrep,
                        wall_seconds=time.perf_counter() - t0, final=res, kmc_model=km,
                        lattice_obj=lat)
