"""Benchmark of the lattice kMC kernel: events/s for a ZGB-like model and CO oxidation with
diffusion, at 64^2, 256^2 (and 1024^2 in the full run), with and without pair interactions;
JIT compile time measured separately in a fresh process with an empty numba cache.

Reported per case: events per wall-clock second, events per CPU second of this process (less
sensitive to other jobs on a shared machine) and the fraction of null (rejected) draws of the
composition-rejection groups; per model the cost-per-event ratio 256^2 / 64^2 (CPU time); the
load average before and after. ``--instructions`` adds instructions per event from valgrind
callgrind (difference of two fixed-seed runs; slow: minutes per case).

Peer: kmcos 1.1.0 (the kmos successor: Fortran generated per model, compiled with
f2py/gfortran) is timed on the same four models and sizes through ``peer_kmcos.time_kmcos``
(tool "kmcos"; same warm-up rule, best of two timed runs, a 60 s budget per case; kmcos is
installed on demand into a scratch cache, never into the project's environment; it needs
``gfortran`` on PATH, else the results say "not available" with the reason). The full run
includes it; ``--quick`` only with ``--peer`` (compiling the four kmcos models takes about a
minute), ``--no-peer`` skips it. Its published figures (issue 4) are 1.11 M events/s at 64^2,
0.93 M at 256^2 (0.66 M with lateral interactions) on a similar 2-core machine.

Usage: python benchmarks/bench_kmc.py [--quick] [--peer | --no-peer]; prints one JSON object.
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
    """(events/s wall, events/s CPU, null fraction), best of two runs after a warm-up.

    The warm-up (from the empty lattice) runs ~10 events per site (at most 4 M), so that
    every lattice size is timed in its steady state: the cost ratio between sizes then
    compares the same mix of events and coverages (a fixed warm-up of 75 000 events left
    256^2 in its filling transient)."""
    lat = Lattice.square(L)
    sim = Simulation(make(lat, LATERAL if lateral else None), lat, seed=1)
    sim.advance(max(min(events // 4, 200_000), min(10 * lat.n_sites, 4_000_000)))
    best = (0.0, 0.0, 0.0)
    for _ in range(2):
        n0 = sim.null_events
        t0, c0 = time.perf_counter(), time.process_time()
        done, _ = sim.advance(events)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        nulls = (sim.null_events - n0) / max(done + sim.null_events - n0, 1)
        if done / dt > best[0]:
            best = (done / dt, done / max(dc, 1e-9), nulls)
    return best


def instructions_per_event(case: str, L: int, lateral: bool, events: int) -> float:
    """Instructions per event from valgrind callgrind: two fixed-seed runs that differ only
    by ``events`` extra events (start-up, imports and JIT-cache loading cancel)."""
    code = ("import sys; sys.path.insert(0, 'benchmarks'); import bench_kmc as b;"
            "from catscale.kmc import Lattice, Simulation;"
            f"lat = Lattice.square({L}); m = b.{case}(lat, b.LATERAL if {lateral} else None);"
            "s = Simulation(m, lat, 1); s.advance(1000); s.advance(int(sys.argv[1]))")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    # fill numba's cache for the CPU that valgrind presents (its own CPU features)
    subprocess.run(["valgrind", "--tool=none", sys.executable, "-c", code, "10"], cwd=root,
                   check=True, capture_output=True)
    counts = []
    for n in (0, events):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "cg.out")
            subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                            sys.executable, "-c", code, str(n)], cwd=root, check=True,
                           capture_output=True)
            with open(out) as f:
                tot = [ln for ln in f if ln.startswith("totals:") or ln.startswith("summary:")]
            counts.append(int(tot[-1].split()[1]))
    return (counts[1] - counts[0]) / events


def jit_seconds() -> tuple[float, float]:
    """(wall, CPU) seconds of import + JIT compilation of every kernel, empty numba cache
    (the CPU time is the figure that does not depend on other jobs on the machine)."""
    code = ("import time; t = time.perf_counter(); c = time.process_time();"
            "from catscale.kmc import Lattice, Simulation;"
            "import benchmarks.bench_kmc as b;"
            "lat = Lattice.square(8); s = Simulation(b.co_ox(lat, b.LATERAL), lat, 1);"
            "s.advance(100); print(time.perf_counter() - t, time.process_time() - c)")
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, NUMBA_CACHE_DIR=d)
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        out = subprocess.run([sys.executable, "-c", code], env=env, cwd=root,
                             capture_output=True, text=True, timeout=600)
    wall, cpu = out.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def peer_results(name: str, lateral: bool, sizes, events: int) -> list[dict]:
    """kmcos on the same model and sizes (events/s wall and CPU, compile time), or one
    "not available" entry with the reason."""
    here = os.path.dirname(os.path.abspath(__file__))
    if here not in sys.path:
        sys.path.insert(0, here)
    from peer_kmcos import time_kmcos

    out = []
    for L in sizes:
        case = f"{name} {L}x{L}" + (" pair" if lateral else "")
        r = time_kmcos(name, L, lateral, events)
        if isinstance(r, str):
            out.append(dict(case=case, tool="kmcos", metric="events_per_second", value=None,
                            unit="1/s", note=r))
            continue
        note = {k: r[k] for k in ("backend", "truncated", "warmup_complete", "load_average")
                if k in r}
        out += [dict(case=case, tool="kmcos", metric="events_per_second",
                     value=round(r["events_per_second"]), unit="1/s", **note),
                dict(case=case, tool="kmcos", metric="events_per_cpu_second",
                     value=round(r["events_per_cpu_second"]), unit="1/s")]
        if L == sizes[0] and "compile_seconds" in r:
            out.append(dict(case=f"{name}" + (" pair" if lateral else "") + " (kmcos build)",
                            tool="kmcos", metric="compile_time",
                            value=round(r["compile_seconds"], 2), unit="s"))
    return out


def main() -> None:
    quick = "--quick" in sys.argv
    peer = ("--peer" in sys.argv or not quick) and "--no-peer" not in sys.argv
    sizes = (64, 256) if quick else (64, 256, 1024)
    events = 300_000 if quick else 3_000_000
    load0 = os.getloadavg()
    results = []
    for name, make in (("zgb", zgb), ("co_oxidation_diffusion", co_ox)):
        for lateral in (False, True):
            cpu_cost = {}
            for L in sizes:
                wall, cpu, nulls = time_case(make, L, lateral, events)
                case = f"{name} {L}x{L}" + (" pair" if lateral else "")
                cpu_cost[L] = 1.0 / cpu
                results += [
                    dict(case=case, tool="catscale", metric="events_per_second",
                         value=round(wall), unit="1/s"),
                    dict(case=case, tool="catscale", metric="events_per_cpu_second",
                         value=round(cpu), unit="1/s"),
                    dict(case=case, tool="catscale", metric="null_fraction",
                         value=round(nulls, 4), unit="1")]
            results.append(dict(case=f"{name}" + (" pair" if lateral else ""),
                                tool="catscale", metric="cost_per_event_ratio_256_over_64",
                                value=round(cpu_cost[256] / cpu_cost[64], 3), unit="1"))
            if peer:
                results += peer_results(name, lateral, sizes, events)
    jw, jc = jit_seconds()
    results.append(dict(case="jit compile (empty numba cache)", tool="catscale",
                        metric="compile_time", value=round(jw, 2), unit="s"))
    results.append(dict(case="jit compile (empty numba cache)", tool="catscale",
                        metric="compile_cpu_time", value=round(jc, 2), unit="s"))
    if "--instructions" in sys.argv:
        for name, lateral in (("zgb", False), ("co_ox", False), ("co_ox", True)):
            ipe = instructions_per_event(name, 64, lateral, 300_000)
            results.append(dict(case=f"{name} 64x64" + (" pair" if lateral else ""),
                                tool="catscale", metric="instructions_per_event",
                                value=round(ipe), unit="1"))
    print(json.dumps(dict(benchmark="kmc", machine=dict(
        python=platform.python_version(), processor=platform.processor(),
        cpus=os.cpu_count(), load_average_start=load0, load_average_end=os.getloadavg()),
        results=results)))


if __name__ == "__main__":
    main()
