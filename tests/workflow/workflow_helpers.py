"""A RunResult for the results/report tests: real rates and mean-field stages of the flagship
model, and stage dicts of the later stages in the key layout the lead's stages use
(kmc as ``catscale compare`` returns it, diffusion rows as ``catscale diffusion``, pellet and
reactor as ``catscale pellet``/``reactor``, uq as ``uq_study`` plus raw samples), filled with
analytic numbers where physics gives them."""

from __future__ import annotations

import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "examples" / "co_oxidation_pt111.yaml"


def sphere_first_order(phi: float, n: int = 41) -> tuple[np.ndarray, np.ndarray, float]:
    """r/R, c/c_s and eta of a first-order reaction in a sphere (Aris modulus phi, L = R/3):
    c/c_s = sinh(3 phi x) / (x sinh(3 phi)), eta = (coth(3 phi) - 1/(3 phi)) / phi
    (Aris, The Mathematical Theory of Diffusion and Reaction, 1975)."""
    x = np.linspace(1e-6, 1.0, n)
    c = np.sinh(3 * phi * x) / (x * np.sinh(3 * phi))
    eta = (1.0 / np.tanh(3 * phi) - 1.0 / (3 * phi)) / phi
    return x, c, float(eta)


def synthetic_stages(model) -> dict:
    """Stage dicts of kmc, map, diffusion, pellet, reactor and uq (package units)."""
    rng = np.random.default_rng(7)
    surf = [s.name for s in model.mechanism.surface]
    gas = [s.name for s in model.mechanism.gas]
    steps = [st.equation for st in model.mechanism.steps]
    snap = rng.choice(len(surf), size=(12, 12), p=[0.9, 0.02, 0.08]).tolist()
    kmc = {
        "mean_field": {"coverages": {"CO*": 0.99, "O*": 3e-7, "*": 0.0099},
                       "tof": {"CO": -0.25, "O2": -0.125, "CO2": 0.25}, "stable": True},
        "kmc": {"coverages": {"CO*": 0.98, "O*": 1e-6, "*": 0.02},
                "coverage_error": {"CO*": 1e-4, "O*": 1e-7, "*": 1e-4},
                "tof": {"CO": -0.4, "O2": -0.2, "CO2": 0.4},
                "tof_error": {"CO": 0.02, "O2": 0.01, "CO2": 0.02},
                "events": 20000, "events_per_second": 2.0e5, "time": 1.5, "status": "ok",
                "lattice": {"name": "hexagonal", "size": [12, 12]},
                "pair_probabilities": {"CO*-CO*": {"p": 0.97, "random": 0.96},
                                       "CO*-*": {"p": 0.02, "random": 0.03},
                                       "*-*": {"p": 1e-4, "random": 4e-4}},
                "step_rates": [0.4, 0.2, 0.4], "seed": 11},
        "coverages": {s: {"mean_field": 0.5, "kmc": 0.5, "kmc_error": 0.01} for s in surf},
        "tof": {g: {"mean_field": 0.25, "kmc": 0.4, "kmc_error": 0.02} for g in gas},
        "verdict": "invalid", "reasons": ["TOF of CO2 differs by more than 10% and 3 sigma"],
        "correlation_length": {"CO*": 0.0, "O*": None},
        "snapshot": snap, "snapshot_states": surf,
        "scale_check": {"bridge": "mean field", "quantities": {"xi": 3.0, "lattice": 12},
                        "ratios": {"lattice/xi": 4.0}, "margin": 10.0, "justified": False,
                        "message": "mean field: correlation length 3 sites, lattice 12",
                        "advice": "use a larger lattice", "failing": ["lattice/xi"]},
    }
    x = np.linspace(-1.5, 0.5, 9)
    y = np.linspace(-1.0, 1.0, 7)
    X, Y = np.meshgrid(x, y, indexing="ij")
    tof_map = 10.0 ** (3 - 4 * np.abs(X + 0.5) - 3 * np.abs(Y))
    mapst = {"axes": {"O*": x.tolist(), "CO*": y.tolist()}, "tof": tof_map.tolist(),
             "surfaces": {"Pt": [-0.4, 0.1]}}
    th = np.linspace(0.1, 0.9, 5)
    # Langmuir lattice gas (no interactions): Phi = 1/(1-theta), D_J = D0 (1-theta),
    # D_c = D0 exactly (Reed & Ehrlich, Surf. Sci. 102, 588 (1981))
    D0 = 1.0e-9
    diff = {"T": 300.0, "D0": D0, "method": "closure", "coverages": [
        {"theta": float(t), "D_star": D0 * (1 - t) * 0.8, "D_star_err": D0 * 0.01,
         "D_jump": D0 * (1 - t), "D_jump_err": D0 * 0.01, "Phi": 1 / (1 - t),
         "Phi_err": 0.01, "D_c": D0, "D_c_err": D0 * 0.02, "M": D0 * (1 - t) * t / 0.025,
         "M_err": 1e-9, "closure_Phi": 1 / (1 - t), "closure_D_c": D0} for t in th]}
    xr_, cr, eta = sphere_first_order(2.0)
    R = 1e-3
    pellet = {"species": ["CO", "O2"], "shape": "sphere", "thiele": 2.0, "effectiveness": eta,
              "regime": "transition", "thiele_generalized": 2.0,
              "profiles": {"r": (xr_ * R).tolist(),
                           "c": {"CO": (24.0 * cr).tolist(), "O2": (8.0 + 0 * cr).tolist()},
                           "T": [500.0] * len(xr_)}}
    V = np.linspace(0.0, 1e-4, 30)
    X_conv = 1 - np.exp(-V / 3e-5)
    reactor = {"type": "pfr", "conversion": float(X_conv[-1]), "T_out": 500.0,
               "profiles": {"volume": V.tolist(), "T": [500.0] * 30,
                            "F": {"CO": (1e-3 * (1 - X_conv)).tolist(),
                                  "CO2": (1e-3 * X_conv).tolist()},
                            "effectiveness": [eta] * 30}}
    lt = rng.normal(-0.6, 2.0, 200)
    uq = {"method": "sobol", "samples": 200,
          "sample_values": {"tof": (10 ** lt).tolist(), "log10_tof": lt.tolist(),
                            f"drc[{steps[1]}]": rng.normal(1, 1e-3, 200).tolist()},
          "seed": 5,
          "outputs": {"tof": {"mean": 500.0, "std": 4000.0, "median": 0.27, "ci_low": 1e-5,
                              "ci_high": 2500.0, "level": 0.95},
                      "log10_tof": {"mean": -0.6, "std": 2.0, "median": -0.55, "ci_low": -5.0,
                                    "ci_high": 3.4, "level": 0.95}},
          "sensitivity": {"by": "input", "ranked": {
              "log10_tof": [{"input": "dft_adsorbates", "S1": 0.79, "S1_conf": 0.13,
                             "ST": 0.80, "ST_conf": 0.11, "rank": 1},
                            {"input": "dft_saddle_points", "S1": 0.21, "S1_conf": 0.05,
                             "ST": 0.21, "ST_conf": 0.04, "rank": 2}],
              "theta[CO*]": [{"input": "dft_adsorbates", "S1": 0.98, "ST": 0.96, "rank": 1},
                             {"input": "dft_saddle_points", "S1": 0.0, "ST": 0.0,
                              "rank": 2}]}}}
    return {"kmc": kmc, "map": mapst, "diffusion": diff, "pellet": pellet, "reactor": reactor,
            "uq": uq}


def make_result(model=None):
    """RunResult with the real rates and steady stages plus every synthetic stage."""
    from catscale import stages
    from catscale.model import load_model
    from catscale.workflow import RunResult

    model = model or load_model(FLAGSHIP)
    res = RunResult(model=model)
    res.add("rates", stages.rates.run(model))
    res.add("steady", stages.steady.run(model))
    res.timings.update({"rates": 0.5, "steady": 1.0})
    for name, st in synthetic_stages(model).items():
        res.stages[name] = st
        if name != "map":         # the map's dataset is the map itself: none here
            t = typed(name, st)
            res.results[name] = t
            res.datasets[name] = t.to_dataset()
        else:                     # its typed result carries the map (drawn as the volcano)
            res.results[name] = map_result(st)
        res.timings[name] = 0.1
    res.warnings.append("mean field vs kMC: invalid: TOF <CO2> & 'x' differ by > 10%")
    res.warnings.append("mean field: correlation length 3 sites, lattice 12. use a larger "
                        "lattice")
    return res


def typed(name: str, stage: dict):
    """The typed result of a synthetic stage dict (fields it lacks are None)."""
    from catscale import uq  # noqa: F401  (registers the uncertainty stage)
    from catscale.stages import STAGES

    st = dict(stage)
    samples = st.pop("sample_values", None)
    res = STAGES[name].result.from_dict(st)
    if samples is not None:
        res = res.replace(sample_values=samples)
    return res


def map_result(stage: dict):
    """A typed map result whose dataset holds the synthetic map stage (TOF over the two
    descriptor axes, the named surfaces as ``surface_<axis>`` variables)."""
    import xarray as xr

    from catscale.stages import MapResult

    names = list(stage["axes"])
    surf = stage.get("surfaces") or {}
    ds = xr.Dataset({"tof": (tuple(names), np.asarray(stage["tof"], float)),
                     **{f"surface_{n}": ("surface", [float(p[i]) for p in surf.values()])
                        for i, n in enumerate(names)}},
                    coords={**{n: np.asarray(stage["axes"][n], float) for n in names},
                            "surface": list(surf)})
    return MapResult.from_dict({}).replace(dataset=ds)
