"""Benchmark of the surface-diffusion chain: a 9-point D(theta) curve from lattice-gas kMC
(non-interacting and attractive gas, 64^2 lattice, 2 processes) and the Cahn-Hilliard solver.

    python benchmarks/bench_diffusion.py [--quick] [--plot FILE]

Ends by printing one JSON object (DESIGN.md benchmark contract). No pip-installable peer
lattice-gas kMC or Cahn-Hilliard package with wheels is known to us; only catscale is timed.
Accuracy rows: max |D_c/D0 - 1| / error and max |Phi (1 - theta) - 1| / error for the
non-interacting gas, whose exact answers are D_c = D0 and Phi = 1/(1 - theta).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--plot", default=None)
    args = ap.parse_args()

    from catscale.bridges.kmc_to_diffusion import curve_from_sampling
    from catscale.diffusion import (
        chemical_diffusivity,
        lattice_gas_model,
        solve_cahn_hilliard,
    )
    from catscale.kmc.lattice_gas import LatticeGasConfig, run_canonical, sample_diffusion
    from catscale.units import kB

    L = 32 if args.quick else 64
    events = 300_000 if args.quick else 2_000_000
    theta = np.linspace(0.1, 0.9, 9)
    results = []
    # warm the numba cache (compilation is not part of the timing)
    run_canonical(LatticeGasConfig(size=(8, 8)), 0.5, 1.0, 3, seed=0)

    curves = {}
    for case, eps in (("free", 0.0), ("attractive", -0.02)):
        cfg = LatticeGasConfig(size=(L, L), T=300.0, eps=eps)
        t0 = time.perf_counter()
        s = sample_diffusion(cfg, theta, events=events, replicas=2, workers=2,
                             grand_events=events // 2, seed=1)
        c = curve_from_sampling(s)
        wall = time.perf_counter() - t0
        curves[case] = (c, chemical_diffusivity(theta, 1.0, 1.0, eps, 300.0, "square",
                                                "metropolis", "quasi_chemical"))
        name = f"D(theta) 9 points, {L}^2 square, eps={eps} eV (kT/|eps|="
        name += ("inf)" if eps == 0 else f"{kB * 300 / abs(eps):.2f})")
        results += [
            {"case": name, "tool": "catscale", "metric": "wall_time", "value": wall,
             "unit": "s"},
            {"case": name, "tool": "catscale", "metric": "events_per_second",
             "value": s.events / wall, "unit": "1/s"},
            {"case": name, "tool": "catscale", "metric": "median_rel_error_D_c",
             "value": float(np.median(c.D_c_err / np.abs(c.D_c))), "unit": "1"},
        ]
        if eps == 0:
            results += [
                {"case": name, "tool": "catscale", "metric": "max_abs_z_D_c_vs_D0",
                 "value": float(np.max(np.abs(c.D_c / c.D0 - 1) / (c.D_c_err / c.D0))),
                 "unit": "sigma"},
                {"case": name, "tool": "catscale", "metric": "max_abs_z_Phi_vs_langmuir",
                 "value": float(np.max(np.abs(c.Phi - 1 / (1 - c.theta)) / c.Phi_err)),
                 "unit": "sigma"},
                {"case": name, "tool": "catscale", "metric": "mean_D_c_over_D0",
                 "value": float(np.mean(c.D_c / c.D0)), "unit": "1"},
            ]

    n = 64 if args.quick else 128
    m = lattice_gas_model(-1.0, 0.6 / kB, "square", closure="bragg_williams")
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    r = solve_cahn_hilliard(0.5 + 0.01 * rng.standard_normal((n, n)), 1.0, 100.0, 0.1, m,
                            n_out=2)
    wall = time.perf_counter() - t0
    results += [
        {"case": f"Cahn-Hilliard {n}^2 spectral, 1000 steps", "tool": "catscale",
         "metric": "steps_per_second", "value": r.steps / wall, "unit": "1/s"},
        {"case": f"Cahn-Hilliard {n}^2 spectral, 1000 steps", "tool": "catscale",
         "metric": "mass_drift", "value": float(np.max(np.abs(r.mass - r.mass[0]))),
         "unit": "1"},
    ]

    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, axs = plt.subplots(1, 2, figsize=(9, 3.6))
        for ax, (case, (c, cl)) in zip(axs, curves.items()):
            for key, lab, col in (("D_star", "D*", "C0"), ("D_jump", "D_J", "C1"),
                                  ("D_c", "D_c", "C2")):
                ax.errorbar(c.theta, getattr(c, key) / c.D0, getattr(c, key + "_err") / c.D0,
                            fmt="o-", color=col, ms=4, capsize=2, label=f"{lab} kMC")
            ax.plot(cl.theta, cl.D_c / cl.D0, "--", color="C2", label="D_c quasi-chemical")
            ax.set_title(f"{case}, {L}x{L}", fontsize=9)
            ax.set_xlabel("theta")
            ax.set_ylabel("D / D0")
            ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(args.plot, dpi=120)

    machine = {"platform": platform.platform(), "python": platform.python_version(),
               "cpus": os.cpu_count(),
               "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None}
    print(json.dumps({"benchmark": "diffusion", "machine": machine, "results": results}))


if __name__ == "__main__":
    main()
