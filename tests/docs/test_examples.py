"""The example model files of issue 10 validate, load, and hold the numbers their comments
derive (each derivation is recomputed here from its cited inputs)."""

from __future__ import annotations

import json
import math
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from catscale.model import load_model

ROOT = pathlib.Path(__file__).resolve().parents[2]
EX = ROOT / "examples"
NEW = ["descriptor_map_uncertainty.yaml", "surface_diffusion_attractive.yaml",
       "pellet_microstructure.yaml"]
ENERGIES = (pathlib.Path(__file__).resolve().parents[1] / "data" / "validation"
            / "catmap_co_oxidation" / "energies.txt")


def cli(*args):
    return subprocess.run([sys.executable, "-m", "catscale.cli.main", *args],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("name", NEW)
def test_example_validates_and_loads(name):
    r = cli("validate", str(EX / name))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("ok: ")
    m = load_model(EX / name)
    assert m.T > 0 and m.name


# ---- descriptor map with uncertainty -------------------------------------------------------

def test_descriptor_example_energies_are_the_catmap_pd111_values():
    # the file cites the CatMAP tutorial energies.txt: check each number against it
    table = {}
    for line in ENERGIES.read_text().splitlines()[1:]:
        f = line.split("\t")
        table[(f[0], f[2])] = float(f[3])
    m = load_model(EX / "descriptor_map_uncertainty.yaml")
    e = m.electronic_energies()
    assert e["CO*"] == table[("Pd", "CO")] and e["O*"] == table[("Pd", "O")]
    for gas in ("CO", "O2", "CO2"):
        assert e[gas] == table[("None", gas)]
    ts = {spec.equation: spec.ts.energy for spec in m.step_specs if spec.ts is not None}
    assert ts["O2 + 2* <=> 2O*"] == table[("Pd", "O-O")]
    assert ts["CO* + O* <=> CO2 + 2*"] == table[("Pd", "O-CO")]


def test_descriptor_example_uncertainty_runs_and_drc_sums_to_one():
    from catscale.uq import uq_study

    m = load_model(EX / "descriptor_map_uncertainty.yaml")
    out = uq_study(m, samples=8, scheduler="serial", sensitivity=0)
    o = out["outputs"]
    assert out["failed"] == 0
    # every sample's DRC sums to 1 (Campbell; single overall reaction), hence the mean too;
    # 1e-6: the DRC comes from an exact linear solve at a verified steady state
    drc = sum(v["mean"] for k, v in o.items() if k.startswith("drc["))
    assert drc == pytest.approx(1.0, abs=1e-6)
    cov = sum(v["mean"] for k, v in o.items() if k.startswith("theta["))
    assert cov == pytest.approx(1.0, abs=1e-9)  # site balance
    # 0.1 eV errors move a TOF controlled by an activated step by decades, not per cent
    assert o["log10_tof"]["std"] > 0.5


# ---- surface diffusion ---------------------------------------------------------------------

def test_surface_diffusion_example_is_below_tc_with_uphill_window():
    from catscale.diffusion import critical_temperature, spinodal, thermodynamic_factor
    from catscale.units import kB

    m = load_model(EX / "surface_diffusion_attractive.yaml")
    eps = m.lateral[("A*", "A*")]
    sec = m.sections.diffusion
    assert sec.species == "A*" and sec.lattice == "square"
    # the comments: Onsager Tc = 329 K, quasi-chemical Tc = 419 K (rounded to 1 K)
    onsager = abs(eps) / (2 * math.log(1 + math.sqrt(2))) / kB
    assert round(onsager) == 329
    assert round(critical_temperature(eps, "square", "quasi_chemical")) == 419
    assert m.T < onsager
    lo, hi = spinodal(eps, m.T, "square", "quasi_chemical")
    inside = [t for t in sec.coverages if lo < t < hi]
    outside = [t for t in sec.coverages if not lo < t < hi]
    assert inside and outside  # the scan shows both signs of D_c
    assert np.all(thermodynamic_factor(inside, eps, m.T) < 0)
    assert np.all(thermodynamic_factor(outside, eps, m.T) > 0)


def test_surface_diffusion_example_cli_closure():
    r = cli("diffusion", str(EX / "surface_diffusion_attractive.yaml"), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    D_c = {round(c["theta"], 3): c["D_c"] for c in out["coverages"]}
    assert D_c[0.5] < 0 < D_c[0.05]


# ---- pellet from a microstructure ----------------------------------------------------------

@pytest.mark.slow
def test_pellet_example_D_eff_is_knudsen_times_homogenized_image():
    from catscale.transport.homogenization import effective_diffusivity, overlapping_spheres
    from catscale.units import R

    m = load_model(EX / "pellet_microstructure.yaml")
    img = overlapping_spheres((48, 48, 48), radius=4, porosity=0.5, seed=1)
    res = effective_diffusivity(img)
    rel = float(np.trace(res.D_eff)) / 3
    assert rel == pytest.approx(0.2808, abs=5e-4)  # the value quoted in the file (4 digits)
    D_K = 10e-9 / 3 * math.sqrt(8 * R * m.T / (math.pi * 31.998e-3))
    assert D_K == pytest.approx(1.917e-6, rel=5e-4)
    # the file rounds D_eff to 3 digits: 0.5 %
    assert m.sections.pellet.D_eff == pytest.approx(rel * D_K, rel=5e-3)


def test_pellet_example_rate_constant_from_flagship():
    from catscale.kinetics import reaction_orders, steady_state
    from catscale.units import R

    flag = load_model(EX / "co_oxidation_pt111.yaml")
    ss = steady_state(flag.mechanism, flag.rates(), flag.pressures)
    # first order in O2 is the flagship's own reaction order (to 1e-3)
    assert reaction_orders(ss)["O2"] == pytest.approx(1.0, abs=1e-3)
    sites = 0.01 * 1200.0 / 0.19508 * 0.30          # mol surface Pt per m^3 of pellet
    c_O2 = flag.pressures["O2"] * 1e5 / (R * flag.T)
    k = -ss.production["O2"] * sites / c_O2
    m = load_model(EX / "pellet_microstructure.yaml")
    assert m.sections.pellet.kinetics.k == pytest.approx(k, rel=5e-3)   # 3 digits in the file
    assert m.T == flag.T and m.pressures["O2"] == flag.pressures["O2"]


def test_pellet_example_effectiveness_matches_closed_form():
    from catscale.pellet import Pellet, effectiveness_first_order, power_law, solve_pellet
    from catscale.units import R

    m = load_model(EX / "pellet_microstructure.yaml")
    p = m.sections.pellet
    phi = p.size / 3 * math.sqrt(p.kinetics.k / p.D_eff)
    c = m.pressures["O2"] * 1e5 / (R * m.T)
    res = solve_pellet(Pellet(p.shape, p.size, p.D_eff), power_law(p.kinetics.k), [c], m.T,
                       n_cells=p.n_cells, method="newton")
    assert res.thiele == pytest.approx(phi, rel=1e-10)
    # FV O(h^2) with 200 cells: < 1e-4 (tests/pellet)
    assert res.effectiveness == pytest.approx(effectiveness_first_order(phi, "sphere"),
                                              abs=1e-4)
    assert 0.3 < phi < 1.0   # the example sits where the microstructure matters
