"""Time per verified steady-state point: (a) CatMAP CO-oxidation 15x15 descriptor map,
(b) Cantera ptcombust.yaml over 100 gas conditions, Cantera timed on the same conditions.

catscale solves both as sweeps (continuation with the full multistart by the "auto" rule of
catscale.kinetics.sweep_steady_states); the full multistart at every point is timed too, and
the two are compared point by point. Cantera's advance_coverages_to_steady_state starts each
condition from the previous one's coverages (its own warm start), in the same order.

Usage: python benchmarks/bench_steady_state.py [--quick]
Prints one JSON object (benchmark contract, DESIGN.md).
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import platform
import time

import numpy as np

ENERGIES = (pathlib.Path(__file__).resolve().parents[1] / "tests" / "data" / "validation"
            / "catmap_co_oxidation" / "energies.txt")
MKM = {
    "rxn_expressions": ["*_s + CO_g -> CO*", "2*_s + O2_g <-> O-O* + *_s -> 2O*",
                        "CO* +  O* <-> O-CO* + * -> CO2_g + 2*"],
    "surface_names": ["Pt", "Ag", "Cu", "Rh", "Pd", "Au", "Ru", "Ni"],
    "descriptor_names": ["O_s", "CO_s"], "descriptor_ranges": [[-1, 3], [-0.5, 4]],
    "resolution": 15, "temperature": 500,
    "species_definitions": {"CO_g": {"pressure": 1.0}, "O2_g": {"pressure": 1.0 / 3.0},
                            "CO2_g": {"pressure": 0}},
    "scaling_constraint_dict": {"O-CO_s": "initial_state", "O-O_s": "final_state"},
}


def bench_catmap(results, repeats):
    from catscale.kinetics import descriptor_map
    from catscale.model.importers import load_catmap

    cm = load_catmap(MKM, ENERGIES)
    f = cm.rates_function()
    descriptor_map(cm.mechanism, f, cm.pressures, cm.axes)   # warm-up (numba cache)
    best = np.inf
    for _ in range(repeats):
        t = time.perf_counter()
        ds = descriptor_map(cm.mechanism, f, cm.pressures, cm.axes)
        best = min(best, time.perf_counter() - t)
    n = ds.verified.size
    t = time.perf_counter()
    full = descriptor_map(cm.mechanism, f, cm.pressures, cm.axes, multistart=True)
    t_full = time.perf_counter() - t
    results += [
        {"case": "catmap_co_oxidation_15x15", "tool": "catscale",
         "metric": "time_per_point_multistart_everywhere", "value": t_full / n * 1e3,
         "unit": "ms"},
        {"case": "catmap_co_oxidation_15x15", "tool": "catscale",
         "metric": "full_multistart_fraction", "value": float(ds.full_multistart.mean()),
         "unit": "1"},
        {"case": "catmap_co_oxidation_15x15", "tool": "catscale",
         "metric": "auto_equals_multistart_everywhere",
         "value": float(np.mean(np.isclose(ds.tof, full.tof, rtol=1e-6)
                                & (ds.n_steady_states == full.n_steady_states))),
         "unit": "1"},
        {"case": "catmap_co_oxidation_15x15", "tool": "catscale", "metric": "time_per_point",
         "value": best / n * 1e3, "unit": "ms"},
        {"case": "catmap_co_oxidation_15x15", "tool": "catscale", "metric": "verified_fraction",
         "value": float((ds.verified & ds.stable).mean()), "unit": "1"},
        {"case": "catmap_co_oxidation_15x15", "tool": "catscale", "metric": "max_residual",
         "value": float(ds.residual.max()), "unit": "1"}]


def conditions(n):
    rng = np.random.default_rng(1)
    out = []
    for _ in range(n):
        T = float(rng.uniform(700, 1300))
        ch4 = float(rng.uniform(0.02, 0.12))
        o2 = float(rng.uniform(0.05, 0.25))
        out.append((T, f"CH4:{ch4}, O2:{o2}, AR:{1 - ch4 - o2}"))
    return out


def bench_ptcombust(results, n):
    try:
        import cantera as ct
    except ImportError:
        return
    from catscale.kinetics import solve_network, sweep_steady_states
    from catscale.model.importers import cantera_surface

    conds = conditions(n)
    P = ct.one_atm
    nets = [cantera_surface("ptcombust.yaml", T, P, X).network() for T, X in conds]
    solve_network(nets[0])  # warm-up
    sweep_steady_states(nets[:3])
    # (1) the conditions as one sweep: continuation, full multistart by the "auto" rule
    t = time.perf_counter()
    sweep = sweep_steady_states(nets)
    t_cs = time.perf_counter() - t
    sols = [p.state for p in sweep]
    # (2) independent full-multistart solve of every condition (the single-call default)
    t = time.perf_counter()
    indep = [solve_network(net) for net in nets]
    t_ind = time.perf_counter() - t
    same = np.mean([np.allclose(a.theta, b.theta, rtol=1e-6, atol=1e-12)
                    and a.n_steady_states == b.n_steady_states for a, b in zip(sols, indep)])
    gas = ct.Solution("ptcombust.yaml", "gas")
    surf = ct.Interface("ptcombust.yaml", "Pt_surf", [gas])
    ref = []
    t_ct = 0.0
    ct_failed = 0
    start = surf.coverages.copy()
    for T, X in conds:
        gas.TPX = T, P, X
        surf.TP = T, P
        # Cantera starts from the previous condition's coverages (warm start)
        t = time.perf_counter()
        try:
            surf.advance_coverages_to_steady_state()
        except ct.CanteraError:
            # its time is counted; the point is left out of the agreement, and the next
            # condition starts from the initial coverages again
            t_ct += time.perf_counter() - t
            ct_failed += 1
            ref.append(None)
            surf.coverages = start
            continue
        t_ct += time.perf_counter() - t
        ref.append(dict(zip(surf.species_names, surf.coverages)))
    # agreement with Cantera (1e-6 absolute, 1e-4 relative above 1e-8) where it converged
    agree = 0
    for ss, r in zip(sols, ref):
        if r is None:
            continue
        names = {"PT(S)": "*"}
        ok = True
        for cname, v in r.items():
            cn = names.get(cname, cname.split("(S)")[0] + "*")
            got = ss.coverages[cn]
            if abs(got - v) > 1e-6 or (v > 1e-8 and abs(got - v) > 1e-4 * v):
                ok = False
        agree += ok
    case = f"ptcombust_{n}_conditions"
    results += [
        {"case": case, "tool": "catscale", "metric": "time_per_point",
         "value": t_cs / n * 1e3, "unit": "ms"},
        {"case": case, "tool": "catscale", "metric": "verified_fraction",
         "value": float(np.mean([s is not None and s.residual <= 1e-8 and s.stable
                                 for s in sols])), "unit": "1"},
        {"case": case, "tool": "catscale", "metric": "full_multistart_fraction",
         "value": float(np.mean([p.full_multistart for p in sweep])), "unit": "1"},
        {"case": case, "tool": "catscale", "metric": "time_per_point_independent_multistart",
         "value": t_ind / n * 1e3, "unit": "ms"},
        {"case": case, "tool": "catscale", "metric": "sweep_equals_independent",
         "value": float(same), "unit": "1"},
        {"case": case, "tool": "catscale", "metric": "agreement_with_cantera",
         "value": agree / max(n - ct_failed, 1), "unit": "1"},
        {"case": case, "tool": "cantera", "metric": "time_per_point",
         "value": t_ct / n * 1e3, "unit": "ms"},
        {"case": case, "tool": "cantera", "metric": "failed_fraction",
         "value": ct_failed / n, "unit": "1"}]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    import cantera  # noqa: F401  (version in machine info if present)
    results: list[dict] = []
    load_before = os.getloadavg()
    bench_catmap(results, 1 if a.quick else 5)
    bench_ptcombust(results, 30 if a.quick else 100)
    machine = {"platform": platform.platform(), "python": platform.python_version(),
               "cpus": os.cpu_count(), "processor": platform.processor(),
               "loadavg_1min_before": load_before[0], "loadavg_1min_after": os.getloadavg()[0]}
    print(json.dumps({"benchmark": "steady_state", "machine": machine, "results": results}))


if __name__ == "__main__":
    main()
