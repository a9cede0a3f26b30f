"""Compare stage: mean field against lattice kMC on the same mechanism and energetics, with
a verdict on mean field and a scale-separation check."""

from __future__ import annotations

import dataclasses

import numpy as np

from ..results import StageResult, info, quantity
from .kmc import KMCRunResult

__all__ = ["CompareResult", "MeanFieldSide", "run", "THRESHOLDS"]

# thresholds of the verdict (documented in the reasons it prints)
COV_TOL = 0.05      # absolute coverage difference beyond statistics
TOF_RTOL = 0.10     # relative TOF difference beyond statistics
N_SIGMA = 3.0
PAIR_RTOL = 0.20    # |P(ab) / (theta_a theta_b) - 1| that signals correlations
MIX_RATIO = 10.0    # hops per reactive event below which the adlayer is not well mixed
THRESHOLDS = dict(coverage=COV_TOL, tof_relative=TOF_RTOL, sigma=N_SIGMA,
                  pair_relative=PAIR_RTOL, mixing=MIX_RATIO)


@dataclasses.dataclass(frozen=True, kw_only=True)
class MeanFieldSide(StageResult):
    """The mean-field side of a comparison."""

    stage = "mean_field"
    coverages: dict = quantity("1", "mean-field coverage", dims=("surface",))
    tof: dict = quantity("1/s", "mean-field net production rate per site", dims=("gas",))
    stable: bool = info("linearly stable")


@dataclasses.dataclass(frozen=True, kw_only=True)
class CompareResult(StageResult):
    """Mean field against kMC (``catscale compare --json``)."""

    stage = "kmc"
    mean_field: MeanFieldSide = info("mean-field steady state with the kMC's energetics")
    kmc: KMCRunResult = info("the kMC run")
    coverages: dict = quantity("1", "coverage: mean field, kMC and its standard error",
                               dims=("surface", "source"))
    tof: dict = quantity("1/s", "TOF per site: mean field, kMC and its standard error",
                         dims=("gas", "source"))
    pair_correlations: dict = quantity("1", "nearest-neighbour pair probability, random "
                                       "mixing value and their ratio",
                                       dims=("pair", "measure"))
    diffusion_reaction_ratio: float = quantity("1", "hops per reactive event")
    verdict: str = info("mean field: valid | questionable | invalid | inconclusive (kMC "
                        "not converged)")
    reasons: list = info("why the verdict is not 'valid'")
    correlation_length: dict | None = quantity(
        "1", "kMC correlation length of each adsorbate, in lattice spacings",
        dims=("surface",), default=None)
    mean_field_omits: list = info("kMC energetics first-order mean field lacks")
    kmc_omits: list = info("model energetics kMC lacks (left out of both sides)")
    snapshot: list = quantity("1", "final kMC lattice: state index of each site",
                              dims=("lattice_row", "lattice_column"))
    snapshot_states: list = info("state names of the snapshot indices")
    thresholds: dict = info("thresholds of the verdict")
    scale_check: dict = info("scale separation: correlation length against lattice size")
    warnings: list = info("warnings", default=[])

    timing = KMCRunResult.timing

    def text(self) -> str:
        """The verdict, its reasons and the two sides, readable."""
        k = self.kmc
        lines = [f"kMC ({k.lattice['name']} {k.lattice['size']}, {k.events} events, "
                 f"{(k.events_per_second or 0):.3g} events/s)",
                 f"mean-field verdict: {self.verdict}"]
        lines += [f"  - {r}" for r in self.reasons]
        for s, d in self.coverages.items():
            lines.append(f"  theta({s}): mean field {d['mean_field']:.4g}, kMC "
                         f"{d['kmc']:.4g} +- {d['kmc_error']:.2g}")
        for g, d in self.tof.items():
            lines.append(f"  TOF({g}): mean field {d['mean_field']:.4g}, kMC "
                         f"{d['kmc']:.4g} +- {d['kmc_error']:.2g} s^-1")
        return "\n".join(lines)


def run(model, steady=None, **overrides) -> CompareResult:
    """Run kMC on a model and judge mean field against it.

    Parameters
    ----------
    model : Model
    steady : SteadyResult, optional
        The model's mean-field steady state (the steady stage's result). It is reused when
        the kMC sees the same energetics (no lattice or T override); otherwise mean field
        is solved with the kMC lattice's coordination.
    **overrides
        Options of :func:`catscale.stages.kmc.inputs` (events, seed, size, ...).
    """
    if not model.mechanism.steps:
        from ..errors import InvalidParameterError

        raise InvalidParameterError(f"{model.path}: steps", "at least one step to compare "
                                    "mean field and kMC on", [])
    from ..kinetics import steady_state
    from ..scales import check_mean_field, mean_field_verdict
    from . import kmc as kmc_stage

    kr = kmc_stage.run(model, **overrides)
    km, lat, res = kr.kmc_model, kr.lattice_obj, kr.final
    zs = [int(lat.coordination(s)[0]) for s in range(1, lat.n_shells + 1)]
    # kMC has no coverage-dependent rate constants: both sides are compared without them
    omits_cov = model.energetics.coverage_effects is not None
    same = (steady is not None and overrides.get("T") is None and not omits_cov
            and overrides.get("lattice") is None and zs[0] == model.energetics.coordination)
    if same:
        mf = steady.state
    else:
        # first-order mean field of the kMC's pair interactions of every shell, on this
        # lattice, with the same transition-state positions
        en = dataclasses.replace(model.energetics,
                                 pairs=km.interactions.mean_field_pairs(zs) or {},
                                 coordination=zs[0], coverage_effects=None)
        mf = steady_state(model.mechanism, model.rates(overrides.get("T")), model.activities,
                          energetics=en)
    mf_cov = {s: float(v) for s, v in zip(mf.species, mf.theta)}
    mf_tof = {g: float(v) for g, v in mf.production.items()}
    reasons: list[str] = []
    invalid = False
    cov = {}
    for s, v in kr.coverages.items():
        e = kr.coverage_error.get(s) or 0.0
        m = mf_cov.get(s, float("nan"))
        cov[s] = dict(mean_field=m, kmc=v, kmc_error=e)
        if abs(v - m) > max(N_SIGMA * e, COV_TOL):
            reasons.append(f"coverage of {s}: kMC {v:.4g} vs mean field {m:.4g} "
                           f"(differ by more than {COV_TOL} and {N_SIGMA:g} sigma)")
    tof = {}
    for g, v in kr.tof.items():
        e = kr.tof_error.get(g) or 0.0
        m = mf_tof.get(g, float("nan"))
        tof[g] = dict(mean_field=m, kmc=v, kmc_error=e)
        scale = max(abs(m), abs(v))
        if scale > 0 and abs(v - m) > max(N_SIGMA * e, TOF_RTOL * scale):
            invalid = True
            reasons.append(f"TOF of {g}: kMC {v:.4g} vs mean field {m:.4g} s^-1 (differ by "
                           f"more than {TOF_RTOL:.0%} and {N_SIGMA:g} sigma)")
    pairs = {}
    ads = [i for i, s in enumerate(km.species) if s not in lat.kind_names]
    P, R = res.pair_probability, res.random_pair_probability
    worst = 0.0
    for ii, a in enumerate(ads):
        for b in ads[ii:]:
            p = P[a, b] + (P[b, a] if a != b else 0.0)
            r = R[a, b] + (R[b, a] if a != b else 0.0)
            ratio = p / r if r > 0 else float("nan")
            pairs[f"{km.species[a]}-{km.species[b]}"] = dict(p=float(p), random=float(r),
                                                              ratio=float(ratio))
            # sampling noise of the ratio: relative sd ~ 1/sqrt(pairs sampled * r), with the
            # snapshots not independent of each other; flag only beyond 4 such sd
            noise = 4.0 / np.sqrt(max(res.n_pair_samples * r, 1.0)) if r > 0 else np.inf
            if r > 0.01 and abs(ratio - 1) > max(PAIR_RTOL, noise):
                worst = max(worst, abs(ratio - 1))
                reasons.append(f"pair {km.species[a]}-{km.species[b]}: P = {p:.3g} vs random "
                               f"mixing {r:.3g} (ratio {ratio:.3g}): correlated adlayer")
    counts = res.blocks["count"].sum(axis=0) if len(res.blocks.get("count", [])) else None
    mix = float("nan")
    if counts is not None:
        hop = sum(c for c, p in zip(counts, km.processes)
                  if p.direction == 0 or sorted(p.initial) == sorted(p.final))
        react = counts.sum() - hop
        mix = float(hop / react) if react > 0 else float("inf")
        if mix < MIX_RATIO and worst > 0:
            reasons.append(f"diffusion/reaction ratio {mix:.3g} < {MIX_RATIO:g}: hops do not "
                           "mix the adlayer between reactive events")
    if res.status == "absorbing" and mf.method != "absorbing vertex":
        # (both poisoned: the coverages above say whether it is the same state)
        reasons.append("kMC reached an absorbing (poisoned) state, mean field a reactive one")
    verdict, reasons = mean_field_verdict(invalid, reasons, kr.status, kr.reasons)
    # a phase-separated layer has no correlation length: counted as the lattice size
    xi = [float(max(lat.size)) if v is None else v
          for v in (kr.correlation_length or {}).values() if v is None or v == v]
    check = check_mean_field(max(xi) if xi else 0.0, max(lat.size))
    warnings = list(kr.warnings)
    if omits_cov:
        warnings.append("the mean field compared with kMC leaves out the steps' "
                        "coverage_dependence and orders too")
    if verdict == "inconclusive":
        warnings.append("mean field vs kMC: inconclusive, the kMC run is not converged "
                        "(raise kmc.events or set kmc.target_error): " + "; ".join(reasons))
    elif verdict != "valid":
        warnings.append(f"mean field vs kMC: {verdict}: " + "; ".join(reasons))
    if not check.justified:
        warnings.append(check.message + ". " + check.advice)
    return CompareResult(
        mean_field=MeanFieldSide(coverages=mf_cov, tof=mf_tof, stable=bool(mf.stable)),
        kmc=kr, coverages=cov, tof=tof, pair_correlations=pairs,
        diffusion_reaction_ratio=mix, verdict=verdict, reasons=reasons,
        correlation_length=kr.correlation_length,
        mean_field_omits=(["clusters"] if km.interactions.clusters else []),
        kmc_omits=(["coverage_dependence"] if omits_cov else []),
        snapshot=np.asarray(res.state).reshape(int(lat.size[0]), -1).tolist(),
        snapshot_states=list(res.species), thresholds=dict(THRESHOLDS),
        scale_check=check.to_dict(), warnings=warnings)
