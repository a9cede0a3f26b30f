"""``catscale compare MODEL``: mean field against lattice kMC on the same mechanism.

JSON keys: mean_field {coverages, tof, stable}, kmc {coverages, tof, tof_error, events,
events_per_second, time, ...}, coverages {species: {mean_field, kmc, kmc_error}}, tof {gas:
{mean_field, kmc, kmc_error}}, pair_correlations {"A*-B*": {p, random, ratio}},
diffusion_reaction_ratio, verdict ("valid" | "questionable" | "invalid" | "inconclusive":
the kMC run is not converged, see catscale.scales.mean_field_verdict), reasons [str],
mean_field_omits (["clusters"] when the kMC has many-body terms the first-order mean field
lacks; its pair interactions of every shell are included).
"""

from __future__ import annotations

import typer

from ._common import cli_errors, print_json

# thresholds of the verdict (documented in the reasons it prints)
COV_TOL = 0.05      # absolute coverage difference beyond statistics
TOF_RTOL = 0.10     # relative TOF difference beyond statistics
N_SIGMA = 3.0
PAIR_RTOL = 0.20    # |P(ab) / (theta_a theta_b) - 1| that signals correlations
MIX_RATIO = 10.0    # hops per reactive event below which the adlayer is not well mixed


def compare_model(model, **overrides) -> dict:
    """Run mean field and kMC on a loaded model and judge mean field; JSON-ready dict."""
    import numpy as np

    from catscale.kinetics import steady_state
    from catscale.scales import mean_field_verdict

    from .cmd_kmc import run_kmc

    out_k, res, km, lat = run_kmc(model, **overrides)
    rates = model.rates(overrides.get("T"))
    # first-order mean field of the kMC's pair interactions of every shell, on this lattice
    zs = [int(lat.coordination(s)[0]) for s in range(1, lat.n_shells + 1)]
    z = zs[0]
    lateral = km.interactions.mean_field_pairs(zs)
    # the same energetics as the kMC: transition-state positions of kmc_model's rule
    mf = steady_state(model.mechanism, rates, model.pressures, lateral=lateral or None,
                      coordination=z, alpha=model.lateral_alpha())
    mf_cov = {s: float(v) for s, v in zip(mf.species, mf.theta)}
    mf_tof = {g: float(v) for g, v in mf.production.items()}
    reasons: list[str] = []
    invalid = False
    cov = {}
    for s, v in out_k["coverages"].items():
        e = out_k["coverage_error"].get(s) or 0.0
        m = mf_cov.get(s, float("nan"))
        cov[s] = dict(mean_field=m, kmc=v, kmc_error=e)
        if abs(v - m) > max(N_SIGMA * e, COV_TOL):
            reasons.append(f"coverage of {s}: kMC {v:.4g} vs mean field {m:.4g} "
                           f"(differ by more than {COV_TOL} and {N_SIGMA:g} sigma)")
    tof = {}
    for g, v in out_k["tof"].items():
        e = out_k["tof_error"].get(g) or 0.0
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
    if res.status == "absorbing":
        reasons.append("kMC reached an absorbing (poisoned) state")
    verdict, reasons = mean_field_verdict(invalid, reasons, out_k["status"], out_k["reasons"])
    return dict(mean_field=dict(coverages=mf_cov, tof=mf_tof, stable=bool(mf.stable)),
                kmc=out_k, coverages=cov, tof=tof, pair_correlations=pairs,
                diffusion_reaction_ratio=mix, verdict=verdict, reasons=reasons,
                correlation_length=out_k.get("correlation_length"),
                mean_field_omits=(["clusters"] if km.interactions.clusters else []),
                snapshot=np.asarray(res.state).reshape(int(lat.size[0]), -1).tolist(),
                snapshot_states=list(res.species),
                thresholds=dict(coverage=COV_TOL, tof_relative=TOF_RTOL, sigma=N_SIGMA,
                                pair_relative=PAIR_RTOL, mixing=MIX_RATIO))


def register(app: typer.Typer) -> None:
    @app.command("compare")
    def compare(model: str = typer.Argument(..., help="Model file (YAML)."),
                events: int = typer.Option(None, "--events", help="Number of kMC events."),
                seed: int = typer.Option(None, "--seed", help="Random seed."),
                size: int = typer.Option(None, "--size", help="Lattice size L (L x L)."),
                json_out: bool = typer.Option(False, "--json", help="Print one JSON object.")):
        """Mean field vs kMC on the same mechanism, with a validity verdict and reasons."""
        with cli_errors():
            from catscale.model import load_model

            m = load_model(model)
            out = compare_model(m, events=events, seed=seed,
                                size=(size, size) if size else None)
            if json_out:
                print_json(out)
                return
            lines = [f"mean field is {out['verdict'].upper()} for {m.name}"]
            lines += [f"  - {r}" for r in out["reasons"]]
            for s, d in out["coverages"].items():
                lines.append(f"  theta({s}): mean field {d['mean_field']:.4g}, kMC "
                             f"{d['kmc']:.4g} +- {d['kmc_error']:.2g}")
            for g, d in out["tof"].items():
                lines.append(f"  TOF({g}): mean field {d['mean_field']:.4g}, kMC "
                             f"{d['kmc']:.4g} +- {d['kmc_error']:.2g} s^-1")
            typer.echo("\n".join(lines))
