"""Benchmark of catscale.uq: Monte Carlo ensembles of the CO-oxidation mean field + pellet.

Case: the flagship model (examples/co_oxidation_pt111.yaml) with correlated DFT errors of
CO* and O* (sigma 0.1 eV, rho 0.5), a systematic shift of both saddle points (0.05 eV) and
an aleatoric pellet diffusivity (lognormal, sigma_ln 0.3); each sample gets its rate
constants from the shifted free energies (catscale.uq._fast, equal to the rebuilt table),
solves the verified mean-field steady state, its degree of rate control and the
effectiveness factor of the flagship's pellet: section (microkinetics of the sample's
perturbed model inside the pellet, D_eff from the microstructure: section computed once;
the exact one-species reduction of catscale.pellet.solve_line_pellet with a rate table
from verified mean-field states continued along the stoichiometric line,
catscale.bridges.kinetics_to_pellet, per-sample error estimate ``pellet_error``;
``general_solver_samples`` counts samples that needed the general solver). The packed-bed
``conversion`` output is timed on a few samples (it solves a pellet at every integrator
point).

Reported: wall time of N samples on a Dask LocalCluster with 1 and 2 workers (target: 1e4
samples <= 60 s on 2 cores), throughput, CPU seconds per sample of the workers, the load
average of the (shared) machine, failures and pellet errors; the serial executor; the same chunks
run by the standard library's multiprocessing.Pool (a baseline of scheduling overhead: no
pip-installable UQ tool runs this chain, so there is no peer on the same case).

    python benchmarks/bench_uq.py --quick     # < 1 min
    python benchmarks/bench_uq.py             # 1e4 samples
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import platform
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
# measure this checkout's catscale, not whichever one the interpreter has installed (a
# worktree run without this imported the installed main checkout's code)
sys.path.insert(0, str(ROOT))
SECTION = """
uncertainty:
  seed: 1
  inputs:
    - {name: dft, kind: epistemic, species: [CO*, O*], distribution: normal, sigma: 0.1,
       correlation: 0.5}
    - {name: ts_shift, kind: epistemic, species: ["ts:1", "ts:2"], systematic: true,
       distribution: normal, sigma: 0.05}
    - {name: D_pellet, kind: aleatoric, parameter: D_eff, distribution: lognormal,
       median: 1.0, sigma_ln: 0.3}
"""


def _load():
    from catscale.model import load_model

    text = (ROOT / "examples" / "co_oxidation_pt111.yaml").read_text()
    text = text.split("\nuncertainty:")[0]           # the flagship's own section replaced
    tmp = pathlib.Path(tempfile.mkdtemp()) / "co_ox_uq.yaml"
    tmp.write_text(text + SECTION)
    return load_model(tmp)


def _model(outputs=("tof", "drc", "coverages", "effectiveness")):
    """Chain with the pellet from the model's pellet: section."""
    from catscale.uq import chain_function

    return chain_function(_load(), outputs=outputs)


def _warm():
    import catscale.bridges.kinetics_to_pellet  # noqa: F401
    import catscale.kinetics  # noqa: F401  (imports and numba cache on the worker)
    import catscale.pellet  # noqa: F401


def _pool_chunk(args):
    from catscale.uq._ensemble import _evaluate_chunk

    func, space, u, start, seed, names = args
    return _evaluate_chunk(func, space, u, start, seed, names)


def _pool(func, space, n, workers, chunk, seed=0):
    import multiprocessing as mp

    U = space.unit_sample(n, "sobol", seed)
    jobs = [(func, space, U[s:s + chunk], s, seed, func.output_names)
            for s in range(0, n, chunk)]
    ctx = mp.get_context("spawn")
    with ctx.Pool(workers) as pool:
        pool.map(_pool_chunk, jobs[:workers], chunksize=1)     # warm-up (imports, numba)
        t = time.perf_counter()
        out = pool.map(_pool_chunk, jobs, chunksize=1)
        dt = time.perf_counter() - t
    return np.vstack([o[1] for o in out]), dt


def _worker_cpu():
    return time.process_time()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    import catscale
    from catscale.uq import run_ensemble

    func, space = _model()
    n_main = 256 if args.quick else 10000
    n_pool = 64 if args.quick else 2048
    results = []

    def add(case, tool, metric, value, unit):
        results.append({"case": case, "tool": tool, "metric": metric, "value": value,
                        "unit": unit})

    def pellet_stats(case, r):
        perr = r.column("pellet_error")
        route = r.column("pellet_route")
        add(case, "catscale", "failed", int(r.failed.sum()), "samples")
        add(case, "catscale", "max_pellet_error", float(np.nanmax(perr)), "relative")
        add(case, "catscale", "median_pellet_error", float(np.nanmedian(perr)), "relative")
        add(case, "catscale", "general_solver_samples", int(np.sum(route > 0)), "samples")

    # serial reference (and the bits every executor must reproduce)
    n_ser = 32 if args.quick else 512
    t, c = time.perf_counter(), time.process_time()
    ref = run_ensemble(func, space, n_ser, scheduler="serial", chunk_size=64, seed=0)
    dt, dc = time.perf_counter() - t, time.process_time() - c
    case = f"serial, {n_ser} samples, mean field + pellet section"
    add(case, "catscale", "time_per_sample", dt / n_ser * 1e3, "ms")
    add(case, "catscale", "cpu_per_sample", dc / n_ser * 1e3, "ms")
    add(case, "catscale", "throughput", n_ser / dt, "samples/s")
    add(case, "catscale", "loadavg_1min", os.getloadavg()[0], "processes")
    pellet_stats(case, ref)
    n_conv = 2 if args.quick else 32
    cf, cs = _model(("tof", "effectiveness", "conversion"))
    t = time.perf_counter()
    rc = run_ensemble(cf, cs, n_conv, scheduler="serial", chunk_size=n_conv, seed=0)
    dt = time.perf_counter() - t
    add(f"serial, {n_conv} samples, pellet + packed bed", "catscale", "time_per_sample",
        dt / n_conv * 1e3, "ms")
    add(f"{n_conv} samples", "catscale", "std_conversion",
        float(np.nanstd(rc.column("conversion"))), "1")

    # the target: n_main samples of mean field + pellet on 1 and 2 Dask workers
    for w in (1, 2):
        from distributed import Client, LocalCluster

        t0 = time.perf_counter()
        cl = LocalCluster(n_workers=w, threads_per_worker=1, processes=True,
                          dashboard_address=None, silence_logs=40)
        client = Client(cl)
        client.run(_warm)                      # warm the workers (imports, numba cache)
        t_start = time.perf_counter() - t0
        case = f"dask LocalCluster {w} worker(s), {n_main} samples, mean field + pellet section"
        load0 = os.getloadavg()[0]
        cpu0 = client.run(_worker_cpu)
        t = time.perf_counter()
        r = run_ensemble(func, space, n_main, scheduler=client, seed=0)
        dt = time.perf_counter() - t
        cpu = sum(client.run(_worker_cpu).values()) - sum(cpu0.values())
        add(case, "catscale", "wall_time", dt, "s")
        add(case, "catscale", "throughput", n_main / dt, "samples/s")
        add(case, "catscale", "worker_cpu_per_sample", cpu / n_main * 1e3, "ms")
        add(case, "catscale", "loadavg_1min_before", load0, "processes")
        add(case, "catscale", "loadavg_1min_after", os.getloadavg()[0], "processes")
        add(case, "catscale", "cluster_start", t_start, "s")
        pellet_stats(case, r)
        assert np.array_equal(r.Y[:n_ser], ref.Y, equal_nan=True), "dask != serial bits"
        if w == 2:
            s = {k: float(np.nanstd(r.column(k))) for k in ("log10_tof", "effectiveness")}
            add(f"{n_main} samples", "catscale", "std_log10_tof", s["log10_tof"], "decades")
            add(f"{n_main} samples", "catscale", "std_effectiveness", s["effectiveness"], "1")
        client.close()
        cl.close()

    # baseline: the same chunks through multiprocessing.Pool (2 processes)
    Yp, dt = _pool(func, space, n_pool, 2, 64)
    add(f"multiprocessing.Pool 2 processes, {n_pool} samples", "multiprocessing (stdlib)",
        "throughput", n_pool / dt, "samples/s")
    m = min(n_ser, n_pool)
    assert np.array_equal(Yp[:m], ref.Y[:m], equal_nan=True), "Pool != serial bits"

    machine = {"cpus": os.cpu_count(), "platform": platform.platform(),
               "python": sys.version.split()[0], "numpy": np.__version__,
               "catscale": str(pathlib.Path(catscale.__file__).parent),
               "loadavg": list(os.getloadavg())}
    print(json.dumps({"benchmark": "uq", "machine": machine, "results": results}))


if __name__ == "__main__":
    main()
