"""Benchmark: thermochemistry and tunnelling, catscale against ASE on the same cases.

Cases: free energy of an ideal gas (CH4) and of a hindered adsorbate (ethane/Pt(111), the
ASE example) on a temperature grid; catscale evaluates the grid in one vectorised call, ASE
one temperature at a time (its API is scalar). Eckart tunnelling is timed per call (no peer
installed). Run ``python benchmarks/bench_thermo.py --quick`` (< 1 min) or without
``--quick``. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

import numpy as np


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    n_T = 200 if args.quick else 2000
    repeat = 3 if args.quick else 7

    from catscale.bridges.thermo_to_rates import eckart
    from catscale.thermo import HinderedThermo, IdealGasThermo
    from catscale.units import invcm

    T = np.linspace(200.0, 1200.0, n_T)
    results = []

    from ase.build import molecule
    from ase.thermochemistry import HinderedThermo as AseHindered
    from ase.thermochemistry import IdealGasThermo as AseIdealGas

    ch4 = molecule("CH4")
    freqs = [1306.0] * 3 + [1534.0] * 2 + [2917.0] + [3019.0] * 3
    ours = IdealGasThermo(0.0, freqs, "nonlinear", float(ch4.get_masses().sum()), 12,
                          inertia=ch4.get_moments_of_inertia())
    ase = AseIdealGas(np.array(freqs) * invcm, "nonlinear", atoms=ch4, symmetrynumber=12,
                      spin=0)
    t_ours = _best(lambda: ours.G(T, 1e5), repeat)
    t_ase = _best(lambda: [ase.get_gibbs_energy(t, 1e5, verbose=False) for t in T], repeat)
    case = f"ideal gas CH4, G on {n_T} temperatures"
    results += [
        {"case": case, "tool": "catscale", "metric": "time", "value": t_ours, "unit": "s"},
        {"case": case, "tool": "ase", "metric": "time", "value": t_ase, "unit": "s"},
    ]

    eth = np.array([3049.06, 3040.80, 3001.66, 2997.96, 2866.15, 2750.86, 1436.79, 1431.41,
                    1415.95, 1395.73, 1358.41, 1335.92, 1167.01, 1142.13, 1013.92, 803.40,
                    783.03, 310.45, 136.11, 112.94, 103.93, 77.26, 60.28, 25.83])
    ours_h = HinderedThermo(0.0, eth, 0.049313, 0.017675, 1.5e19, 6, 30.07, 73.149,
                            standard_state="campbell")
    ase_h = AseHindered(eth * invcm, 0.049313, 0.017675, 1.5e15, 6, mass=30.07,
                        inertia=73.149)
    t_ours = _best(lambda: ours_h.G(T), repeat)
    t_ase = _best(lambda: [ase_h.get_helmholtz_energy(t, verbose=False) for t in T], repeat)
    case = f"hindered ethane/Pt(111), F on {n_T} temperatures"
    results += [
        {"case": case, "tool": "catscale", "metric": "time", "value": t_ours, "unit": "s"},
        {"case": case, "tool": "ase", "metric": "time", "value": t_ase, "unit": "s"},
    ]
    # accuracy on the same case (ASE uses CODATA 2014, catscale scipy's CODATA)
    diff = max(abs(ours_h.G(t) - ase_h.get_helmholtz_energy(t, verbose=False))
               for t in T[:: max(1, n_T // 20)])
    results.append({"case": case, "tool": "catscale", "metric": "max |F - F_ase|",
                    "value": diff, "unit": "eV"})

    n_e = 20 if args.quick else 200
    Ts = np.linspace(100.0, 600.0, n_e)
    t_e = _best(lambda: eckart(1500.0, 0.8, 0.5, Ts), 1)
    results.append({"case": "Eckart kappa, 1500 cm^-1, V = 0.8/0.5 eV, 100-600 K",
                    "tool": "catscale", "metric": "time per kappa", "value": t_e / n_e,
                    "unit": "s"})

    machine = {"platform": platform.platform(), "python": platform.python_version(),
               "cpus": os.cpu_count(), "numpy": np.__version__}
    print(json.dumps({"benchmark": "thermo", "machine": machine, "results": results}))


if __name__ == "__main__":
    main()
