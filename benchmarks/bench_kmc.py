"""Benchmark of the lattice kMC kernel: events/s for a ZGB-like model and CO oxidation with
diffusion, at 64^2, 256^2 (and 1024^2 in the full run), with and without pair interactions;
JIT compile time measured separately in a fresh process with an empty numba cache.

Peer: kmos / kmcos (Fortran backend generated and compiled per model with f2py/gfortran) has
no self-contained wheel that runs a model without that compile step, so it is not timed here;
its published figures (issue 4) are 1.11 M events/s at 64^2, 0.93 M at 256^2 (0.66 M with
lateral interactions) on a similar 2-core machine.

Usage: python benchmarks/bench_kmc.py [--quick]; prints one JSON object.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time

from catscale.bridges.rates_to_kmc import kmc_model
from catscale.kmc import Lattice, Simulation
from catscale.mechanism import Mechanism, RateTable


def zgb(lat, lateral=None):
    eqs = ["CO + * -> CO*", "O2 + 2* -> 2O*", "CO* + O* -> CO2 + 2*"]
    mech = Mechanism.from_equations(eqs)
    rt = RateTable(500, eqs, [0.5, 0.5, 100.0], [0, 0, 0])
    return kmc_model(mech, rt, {"CO": 1.0, "O2": 1.0}, lat, lateral=lateral)


def co_ox(lat, lateral=None):
    eqs = ["CO + * <=> CO*", "O2 + 2* <=> 2O*", "CO* + O* -> CO2 + 2*"]
    mech = Mechanism.from_equations(eqs)
    rt = RateTable(500, eqs, [1.0, 1.0, 2.0], [0.3, 0.05, 0.0])
    return kmc_model(mech, rt, {"CO": 1.0, "O2": 0.5}, lat, lateral=lateral,
                     diffusion={"CO*": 20.0, "O*": 5.0})


LATERAL = {"CO*-CO*": 0.02, "CO*-O*": 0.05, "O*-O*": 0.03}


def time_case(make, L, lateral, events):
    lat = Lattice.square(L)
    sim = Simulation(make(lat, LATERAL if lateral else None), lat, seed=1)
    sim.advance(min(events // 4, 200_000))  # warm-up (steady-state mix of events)
    best = 0.0
    for _ in range(2):
        t0 = time.perf_counter()
        done, _ = sim.advance(events)
        dt = time.perf_counter() - t0
        best = max(best, done / dt)
    return best


def jit_seconds() -> float:
    code = ("import time; t = time.perf_counter();"
            "from catscale.kmc import Lattice, Simulation;"
            "import benchmarks.bench_kmc as b;"
            "lat = Lattice.square(8); s = Simulation(b.co_ox(lat, b.LATERAL), lat, 1);"
            "s.advance(100); print(time.perf_counter() - t)")
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, NUMBA_CACHE_DIR=d)
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        out = subprocess.run([sys.executable, "-c", code], env=env, cwd=root,
                             capture_output=True, text=True, timeout=600)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    quick = "--quick" in sys.argv
    sizes = (64, 256) if quick else (64, 256, 1024)
    events = 300_000 if quick else 3_000_000
    results = []
    for name, make in (("zgb", zgb), ("co_oxidation_diffusion", co_ox)):
        for L in sizes:
            for lateral in (False, True):
                eps = time_case(make, L, lateral, events)
                results.append(dict(case=f"{name} {L}x{L}" + (" pair" if lateral else ""),
                                    tool="catscale", metric="events_per_second",
                                    value=round(eps), unit="1/s"))
    results.append(dict(case="jit compile (empty numba cache)", tool="catscale",
                        metric="compile_time", value=round(jit_seconds(), 2), unit="s"))
    print(json.dumps(dict(benchmark="kmc", machine=dict(
        python=platform.python_version(), processor=platform.processor(),
        cpus=os.cpu_count(), load_average=os.getloadavg()[0]), results=results)))


if __name__ == "__main__":
    main()
