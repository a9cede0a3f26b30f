"""Interleaved A/B timing of two versions of the kMC kernel module in one process.

On a shared machine the events/s of the same code vary by up to 2x between runs (other jobs
share the last-level cache), so a change of 10-30 % cannot be seen by timing the two versions
one after the other. This script loads ``catscale/kmc/_kernels.py`` as it is in the work tree
and as it was at a git revision, runs one simulation (one lattice, one state) and alternates
blocks of events between the two kernels; both see the same machine load, and the ratio of
the medians is the figure to read. Both versions must take the same arguments (the driver,
``Simulation``, is the work tree's).

Usage: python benchmarks/ab_kmc_kernel.py [--base REV] [--case zgb|zgbp|co|cop] [--size L]
[--events N] [--reps K]; prints one JSON object in the shape of the benchmark contract
(DESIGN.md). Defaults: HEAD, co, 256, 1e6, 8.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from bench_kmc import LATERAL, co_ox, zgb  # noqa: E402

import catscale.kmc._simulate as SIM  # noqa: E402
from catscale.kmc import Lattice, Simulation  # noqa: E402

CASES = {"zgb": (zgb, False), "zgbp": (zgb, True), "co": (co_ox, False), "cop": (co_ox, True)}


def _load(path: str, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", default="HEAD")
    ap.add_argument("--case", default="co", choices=sorted(CASES))
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--reps", type=int, default=8)
    a = ap.parse_args()
    got = subprocess.run(["git", "show", f"{a.base}:catscale/kmc/_kernels.py"], cwd=ROOT,
                         capture_output=True, text=True)
    if got.returncode != 0:
        print(f"--base {a.base}: no catscale/kmc/_kernels.py at that revision "
              f"({got.stderr.strip()})", file=sys.stderr)
        sys.exit(2)
    src = got.stdout
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "kernels_base.py")
        with open(path, "w") as f:
            f.write(src)
        kernels = {"base": _load(path, "kernels_base"), "work": SIM.K}
        make, lateral = CASES[a.case]
        lat = Lattice.square(a.size)
        sim = Simulation(make(lat, LATERAL if lateral else None), lat, seed=1)
        sim.advance(min(10 * lat.n_sites, 4_000_000))  # steady state, as bench_kmc
        for k in kernels.values():  # compile (or load) both before timing
            SIM.K = k
            sim.advance(1000)
        rates = {name: [] for name in kernels}
        for _ in range(a.reps):
            for name, k in kernels.items():
                SIM.K = k
                c0 = time.process_time()
                done, _ = sim.advance(a.events)
                rates[name].append(done / max(time.process_time() - c0, 1e-9))
    med = {k: statistics.median(v) for k, v in rates.items()}
    case = f"{a.case} {a.size}x{a.size}"
    label = {"work": "work tree", "base": f"at {a.base}"}
    results = [dict(case=f"{case}, kernel {label[k]}", tool="catscale",
                    metric="events_per_cpu_second", value=round(med[k]), unit="1/s",
                    runs=[round(x) for x in rates[k]]) for k in ("base", "work")]
    results.append(dict(case=case, tool="catscale", metric="ratio_work_over_base",
                        value=round(med["work"] / med["base"], 3), unit="1"))
    print(json.dumps(dict(benchmark="kmc_kernel_ab", machine=dict(
        python=platform.python_version(), cpus=os.cpu_count(),
        load_average_end=os.getloadavg()), results=results)))

if __name__ == "__main__":
    main()
