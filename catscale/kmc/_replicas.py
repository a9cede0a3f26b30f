"""Independent replicas of a kMC run in parallel local processes."""

from __future__ import annotations

import dataclasses
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from ..errors import InvalidParameterError
from ._events import KMCModel
from ._lattice import Lattice
from ._simulate import KMCConfig, KMCResult, combine_scaling_checks, simulate


def replica_seeds(seed: int, n: int) -> list[int]:
    """``n`` independent seeds derived from ``seed`` (numpy SeedSequence spawning)."""
    return [int(s.generate_state(1, np.uint64)[0] >> np.uint64(1))
            for s in np.random.SeedSequence(int(seed)).spawn(int(n))]


def _one(args):
    model, lattice, config = args
    return simulate(model, lattice, config)


def run_replicas(model: KMCModel, lattice: Lattice, config: KMCConfig, n: int,
                 processes: int | None = None) -> list[KMCResult]:
    """Run ``n`` replicas with independent seeds derived from ``config.seed``.

    Parameters
    ----------
    model, lattice, config : as for :func:`simulate` (each replica checkpoints to
        ``<checkpoint>.r<i>`` when a checkpoint is set)
    n : int
        Number of replicas (>= 1).
    processes : int, optional
        Worker processes (default: min(n, CPU count)); 1 runs them in this process.

    Returns
    -------
    list of KMCResult, in replica order.
    """
    if int(n) < 1:
        raise InvalidParameterError("replicas", "an integer >= 1", n)
    seeds = replica_seeds(config.seed, n)
    cfgs = [dataclasses.replace(
        config, seed=s,
        checkpoint=(f"{config.checkpoint}.r{i}" if config.checkpoint else None))
        for i, s in enumerate(seeds)]
    workers = int(processes or min(int(n), os.cpu_count() or 1))
    if workers <= 1 or n == 1:
        return [simulate(model, lattice, c) for c in cfgs]
    with ProcessPoolExecutor(max_workers=workers) as ex:
        return list(ex.map(_one, [(model, lattice, c) for c in cfgs]))


def combine_replicas(results: list[KMCResult]) -> dict:
    """Mean over replicas of coverages and TOF, with the standard error of the mean: the
    larger of the spread between replicas / sqrt(n) and the replicas' own block errors
    combined (rms / sqrt(n)); JSON-ready dict with the keys of
    :meth:`KMCResult.summary` (coverages, tof, tof_error, events, events_per_second, time),
    plus ``scaling_check`` combined over the replicas when each ran one. ``status`` is
    "not_converged" (with ``reasons``, each naming its replica) when a replica is not
    converged or the replicas end in different states (e.g. one poisoned), else the
    replicas' common status; ``replica_status`` lists them, ``warnings`` joins theirs."""
    if not results:
        raise InvalidParameterError("results", "at least one replica", 0)
    n = len(results)

    def stats(key):
        names = getattr(results[0], key).keys()
        mean, err = {}, {}
        for k in names:
            v = np.array([getattr(r, key)[k] for r in results], dtype=float)
            mean[k] = float(np.mean(v))
            own = np.array([(r.tof_error if key == "tof" else r.coverage_error)[k]
                            for r in results], dtype=float)
            within = float(np.sqrt(np.nanmean(own ** 2) / n)) if np.any(np.isfinite(own)) \
                else 0.0
            between = float(np.std(v, ddof=1) / np.sqrt(n)) if n > 1 else 0.0
            # the spread of a few replicas is itself noisy: take the larger of the two
            err[k] = max(within, between)
        return mean, err

    cov, cov_err = stats("coverages")
    tof, tof_err = stats("tof")
    wall = max(r.wall for r in results)
    events = sum(r.events for r in results)
    # converged only when every replica is, and they end in the same kind of state
    reasons = [f"replica {i + 1}: {x}" for i, r in enumerate(results) for x in r.reasons]
    kinds = sorted({r.status for r in results})
    if len(kinds) > 1 and "not_converged" not in kinds:
        reasons.append(f"the replicas end in different states ({', '.join(kinds)})")
    status = "not_converged" if reasons else kinds[0]
    warns = sorted({w for r in results for w in r.warnings})
    out = dict(coverages=cov, coverage_error=cov_err, tof=tof, tof_error=tof_err,
               events=int(events), events_per_second=float(events / wall) if wall else None,
               time=float(np.mean([r.time for r in results])), replicas=n,
               status=status, reasons=reasons, warnings=warns,
               replica_status=[r.status for r in results])
    if all(r.scaling_check is not None for r in results):
        out["scaling_check"] = combine_scaling_checks([r.scaling_check for r in results], tof)
    return out
