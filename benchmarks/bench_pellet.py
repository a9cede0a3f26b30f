"""Pellet solver speed and accuracy: catscale FV/Newton vs scipy.integrate.solve_bvp.

Case: isothermal first-order sphere at Aris phi = 1 (analytic eta known), and the
Weisz-Hicks sphere (gamma 20, beta 0.6, phi_WH 0.4) by continuation (all three states).
Run: python benchmarks/bench_pellet.py [--quick]
"""

from __future__ import annotations

import json
import platform
import sys
import time

import numpy as np
from scipy.integrate import solve_bvp

from catscale.pellet import Pellet, effectiveness_first_order, power_law, solve_pellet
from catscale.units import R as RG


def _time(f, repeat):
    best = np.inf
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t)
    return best, out


def main(quick: bool) -> None:
    repeat = 3 if quick else 10
    results = []
    ref = effectiveness_first_order(1.0, "sphere")
    pel, kin = Pellet("sphere", 1.0, 1.0), power_law(9.0)      # L = 1/3: phi = 1
    for n in (200, 1000):
        t, res = _time(lambda n=n: solve_pellet(pel, kin, [1.0], 300.0, n_cells=n,
                                                method="newton"), repeat)
        case = f"sphere first order phi=1, {n} cells"
        results += [{"case": case, "tool": "catscale", "metric": "time", "value": t,
                     "unit": "s"},
                    {"case": case, "tool": "catscale", "metric": "abs_error_eta",
                     "value": abs(res.effectiveness - ref), "unit": "1"}]

    def bvp():
        x = np.linspace(0, 1, 50)
        f = lambda x, y: np.vstack([y[1], 9.0 * y[0]])         # noqa: E731
        bc = lambda a, b: np.array([a[1], b[0] - 1.0])          # noqa: E731
        S = np.array([[0, 0], [0, -2.0]])
        sol = solve_bvp(f, bc, x, np.vstack([np.ones_like(x), np.zeros_like(x)]), S=S,
                        tol=1e-8)
        return sol.sol(1.0)[1] * 3 / 9.0                        # eta = 3 D c'(R) / (R k c_s)
    t, eta = _time(bvp, repeat)
    results += [{"case": "sphere first order phi=1, solve_bvp tol 1e-8",
                 "tool": "scipy.solve_bvp", "metric": "time", "value": t, "unit": "s"},
                {"case": "sphere first order phi=1, solve_bvp tol 1e-8",
                 "tool": "scipy.solve_bvp", "metric": "abs_error_eta",
                 "value": abs(eta - ref), "unit": "1"}]
    g, b, phi = 20.0, 0.6, 0.4
    whk = power_law(phi**2, 1.0, Ea=g * RG, T_ref=1.0, dH=-b)
    whp = Pellet("sphere", 1.0, 1.0, conductivity=1.0)
    t, res = _time(lambda: solve_pellet(whp, whk, [1.0], 1.0, n_cells=100), 1 if quick else 3)
    results += [{"case": "Weisz-Hicks continuation, 100 cells", "tool": "catscale",
                 "metric": "time", "value": t, "unit": "s"},
                {"case": "Weisz-Hicks continuation, 100 cells", "tool": "catscale",
                 "metric": "steady_states", "value": len(res.states), "unit": "1"}]
    print(json.dumps({"benchmark": "pellet",
                      "machine": {"python": sys.version.split()[0],
                                  "platform": platform.platform(),
                                  "processor": platform.processor()},
                      "results": results}))


if __name__ == "__main__":
    main("--quick" in sys.argv)
