"""Benchmark: tortuosity factor of a porosity-0.4 blobs image (Dirichlet two-face set-up along
axis 0), catscale against TauFactor (CPU) and PoreSpy ``tortuosity_fd``, on the same image in
the same run.

Each tool runs in its own subprocess; the memory figure is the growth of the resident set
(sampled every 2 ms from /proc/self/statm) during the solve over its value just before (after
imports, the image and a warm-up), divided by the voxel count. Accuracy
is the relative deviation of the tortuosity factor from a tightly converged catscale solve
(PCG residual 1e-9) of the same image and boundary conditions.

    python benchmarks/bench_homogenization.py --quick     # 64^3 and 96^3, < 1 min
    python benchmarks/bench_homogenization.py             # 128^3 and 200^3

Ends by printing one JSON object (benchmark contract of DESIGN.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np

CHILD = r"""
import json, sys, time, warnings
import numpy as np
warnings.simplefilter("ignore")
tool, path, tol = sys.argv[1], sys.argv[2], float(sys.argv[3])
img = np.load(path)
import os, threading
PAGE = os.sysconf("SC_PAGE_SIZE")
def cur():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE
peak = [0]
stop = [False]
def sampler():
    while not stop[0]:
        peak[0] = max(peak[0], cur())
        time.sleep(0.002)
def rss():
    stop[0] = True
    return peak[0]
def start():
    peak[0] = cur()
    threading.Thread(target=sampler, daemon=True).start()
    return peak[0]
if tool == "catscale":
    from catscale.transport.homogenization import effective_diffusivity
    effective_diffusivity(img[:16, :16, :16], method="dirichlet", axes=0, tol=tol)  # warm JIT
    base = start()
    t = time.perf_counter()
    r = effective_diffusivity(img, method="dirichlet", axes=0, tol=tol)
    dt = time.perf_counter() - t
    out = {"tau": float(r.tortuosity[0]), "time": dt, "iterations": r.iterations[0],
           "solver_bytes_per_voxel": r.memory_bytes_per_voxel}
elif tool == "taufactor":
    import torch
    torch.set_num_threads(int(sys.argv[4]))
    import taufactor as tf
    s = tf.Solver(img[:16, :16, :16].astype(np.float32), device="cpu")
    s.solve(verbose=False)
    base = start()
    t = time.perf_counter()
    s = tf.Solver(img.astype(np.float32), device="cpu")
    tau = s.solve(verbose=False, conv_crit=tol)
    dt = time.perf_counter() - t
    out = {"tau": float(np.asarray(tau.cpu() if hasattr(tau, "cpu") else tau).ravel()[0]),
           "time": dt, "iterations": int(s.iter)}
elif tool == "porespy":
    import porespy as ps
    base = start()
    t = time.perf_counter()
    r = ps.simulations.tortuosity_fd(img, axis=0)
    dt = time.perf_counter() - t
    out = {"tau": float(r.tortuosity), "time": dt}
out["bytes_per_voxel"] = (rss() - base) / img.size
print(json.dumps(out))
"""


def run_child(tool: str, path: str, tol: float, threads: int) -> dict:
    p = subprocess.run([sys.executable, "-c", CHILD, tool, path, str(tol), str(threads)],
                       capture_output=True, text=True, timeout=1800)
    if p.returncode != 0:
        last = (p.stderr.strip().splitlines() or ["?"])[-1]
        return {"error": last[:300]}
    return json.loads(p.stdout.strip().splitlines()[-1])


def available(mod: str) -> str | None:
    p = subprocess.run([sys.executable, "-c", f"import {mod}"], capture_output=True, text=True)
    if p.returncode != 0:
        return (p.stderr.strip().splitlines() or ["import failed"])[-1]
    if mod == "porespy":
        q = subprocess.run([sys.executable, "-c", "import openpnm"], capture_output=True,
                           text=True)
        if q.returncode != 0:
            return "porespy.simulations.tortuosity_fd needs openpnm, not installed: " + (
                q.stderr.strip().splitlines() or [""])[-1]
    return None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--tol", type=float, default=2e-4, help="catscale PCG residual")
    ap.add_argument("--tf-conv", type=float, default=0.01, help="TauFactor conv_crit")
    ap.add_argument("--threads", type=int, default=2, help="torch threads for TauFactor")
    args = ap.parse_args()
    sizes = [64, 96] if args.quick else [128, 200]
    from catscale.transport.homogenization import blobs, effective_diffusivity

    results = []
    notes = {}
    peers = {m: available(m) for m in ("taufactor", "porespy")}
    for name, why in peers.items():
        if why:
            notes[name] = why
    with tempfile.TemporaryDirectory() as d:
        for n in sizes:
            case = f"blobs porosity 0.4, {n}^3, axis 0"
            img = blobs((n, n, n), 0.4, 1.0, seed=1)
            path = os.path.join(d, f"b{n}.npy")
            np.save(path, img)
            t = time.perf_counter()
            ref = effective_diffusivity(img, method="dirichlet", axes=0, tol=1e-9)
            tau_ref = float(ref.tortuosity[0])
            results.append({"case": case, "tool": "reference", "metric": "tortuosity",
                            "value": tau_ref, "unit": "1",
                            "note": f"catscale PCG 1e-9, {time.perf_counter() - t:.1f} s"})
            runs = [("catscale", args.tol)]
            if not peers["taufactor"]:
                runs.append(("taufactor", args.tf_conv))
            if not peers["porespy"] and not args.quick:
                runs.append(("porespy", 0.0))
            for tool, tol in runs:
                out = run_child(tool, path, tol, args.threads)
                if "error" in out:
                    notes[f"{tool} {n}^3"] = out["error"]
                    continue
                err = abs(out["tau"] / tau_ref - 1.0)
                results += [
                    {"case": case, "tool": tool, "metric": "time", "value": out["time"],
                     "unit": "s"},
                    {"case": case, "tool": tool, "metric": "tortuosity", "value": out["tau"],
                     "unit": "1"},
                    {"case": case, "tool": tool, "metric": "tortuosity_rel_error",
                     "value": err, "unit": "1"},
                    {"case": case, "tool": tool, "metric": "peak_memory_growth",
                     "value": out["bytes_per_voxel"], "unit": "B/voxel"},
                ]
                if "solver_bytes_per_voxel" in out:
                    results.append({"case": case, "tool": tool, "metric": "solver_memory",
                                    "value": out["solver_bytes_per_voxel"], "unit": "B/voxel"})
                if "iterations" in out:
                    results.append({"case": case, "tool": tool, "metric": "iterations",
                                    "value": out["iterations"], "unit": "1"})
    machine = {"platform": platform.platform(), "python": platform.python_version(),
               "cpus": os.cpu_count(), "load_avg_1min": os.getloadavg()[0]}
    print(json.dumps({"benchmark": "homogenization", "machine": machine, "results": results,
                      "notes": notes}))


if __name__ == "__main__":
    main()
