"""Model-file loader: the DESIGN.md contract keys, units at the boundary, rate constants."""

import pathlib

import numpy as np
import pytest

from catscale.model import load_model, validate_file
from catscale.units import kB

ROOT = pathlib.Path(__file__).resolve().parents[2]
VALIDATION = ROOT / "tests" / "data" / "validation" / "models"
SHIPPED = sorted(VALIDATION.glob("*.yaml")) + sorted((ROOT / "examples").glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_models_validate(path):
    assert validate_file(path) == []


def test_validation_models_exist():
    # the three public validation cases must be found (a missing directory would skip them)
    assert len(list(VALIDATION.glob("*.yaml"))) == 3


def test_fixed_rate_constants_pass_through():
    m = load_model(VALIDATION / "co_oxidation_fixed_k_A.yaml")
    rt = m.rates()
    assert rt.k_f[1] == 1186660176898.7603 and rt.k_r[1] == 3.906629544532714e-14
    # bar -> Pa -> bar costs at most one ulp
    assert m.pressures == pytest.approx({"CO": 1.0, "O2": 1 / 3, "CO2": 0.0}, rel=1e-15)
    assert rt.units(1) == ("s^-1 bar^-1", "s^-1")
    assert rt.units(2) == ("s^-1", "s^-1 bar^-1")


def test_units_converted_once(tmp_path):
    text = """
catscale: 1
units: {energy: kJ/mol, pressure: torr}
conditions: {T: 400, pressures: {A: 760}}
sites: {"*": {density: 1.0e15 cm^-2}}
species:
  A: {phase: gas, energy: 0.0, geometry: monatomic, mass: 40}
  A*: {energy: -96.4853321, frequencies: [300, 200, 200]}
steps:
  - equation: A + * <=> A*
    sticking: 1.0
"""
    f = tmp_path / "m.yaml"
    f.write_text(text)
    m = load_model(f)
    assert m.pressures["A"] == pytest.approx(1.01325)            # 760 torr in bar
    assert m.mechanism.sites[0].density == pytest.approx(1e19)   # cm^-2 -> m^-2
    assert m.species_specs["A*"].energy == pytest.approx(-1.0, rel=1e-8)   # kJ/mol -> eV


def test_mole_fractions(tmp_path):
    f = tmp_path / "m.yaml"
    f.write_text("""
catscale: 1
conditions: {T: 300, P: 2 bar, mole_fractions: {A: 0.25, B: 0.75}}
species: {A: {phase: gas}, B: {phase: gas}, A*: {}}
steps: [{equation: A + * <=> A*, k_f: 1.0, k_r: 1.0}]
""")
    m = load_model(f)
    assert m.pressures == pytest.approx({"A": 0.5, "B": 1.5})


def test_flagship_detailed_balance_and_eyring():
    m = load_model(ROOT / "examples" / "co_oxidation_pt111.yaml")
    rt = m.rates()
    kT = kB * rt.T
    # k_f / k_r equals exp(-dG/kT) of the same thermochemistry (thermodynamic consistency)
    np.testing.assert_allclose(rt.k_f / rt.k_r, np.exp(-rt.dG / kT), rtol=1e-12)
    # saddle-point steps: k_f = kT/h exp(-dG_act/kT) (Eyring, no tunneling requested)
    from catscale.units import h
    for j in (1, 2):
        assert rt.k_f[j] == pytest.approx(kT / h * np.exp(-rt.dG_act[j] / kT), rel=1e-12)
    # CO adsorption from collision theory: k = s0 p0 / (sqrt(2 pi m kB T) N0) per site per bar
    from scipy.constants import atomic_mass, k, pi
    m_co = 28.0101 * atomic_mass
    expect = 0.84 * 1e5 / np.sqrt(2 * pi * m_co * k * 500.0) / 1.5e19
    assert rt.k_f[0] == pytest.approx(expect, rel=1e-4)   # rel 1e-4: mass from atomic masses


def test_energy_shift_moves_rates_consistently():
    m = load_model(ROOT / "examples" / "co_oxidation_pt111.yaml")
    base = m.rates()
    shifted = m.with_energy_shifts({"O*": -0.1}).rates()
    kT = kB * base.T
    # O* stabilised by 0.1 eV: 2 O* in step 2 -> K2 up by exp(0.2/kT); step 3 K down exp(-0.1/kT)
    assert shifted.K_eq[1] / base.K_eq[1] == pytest.approx(np.exp(0.2 / kT), rel=1e-10)
    assert shifted.K_eq[2] / base.K_eq[2] == pytest.approx(np.exp(-0.1 / kT), rel=1e-10)
    # the O-O saddle point is unchanged, so the forward dissociation rate is unchanged
    assert shifted.k_f[1] == pytest.approx(base.k_f[1], rel=1e-12)


def test_with_conditions():
    m = load_model(ROOT / "examples" / "co_oxidation_pt111.yaml").with_conditions(
        T=600, pressures={"CO": 0.1})
    assert m.T == 600 and m.pressures["CO"] == 0.1 and m.rates().T == 600


@pytest.mark.parametrize("kw, field", [
    (dict(T=1e300), "T"), (dict(T=1e-320), "T"), (dict(T=-5), "T"), (dict(T=float("nan")), "T"),
    (dict(T="26 degC"), "T"), (dict(T=True), "T"), (dict(pressures={"CO": -1}), "pressures.CO"),
    (dict(pressures={"CO": float("inf")}), "pressures.CO"),
    (dict(pressures={"CO": "1 m"}), "pressures.CO"), (dict(pressures={"XX": 1.0}), "pressures")])
def test_with_conditions_refuses_what_the_file_refuses(kw, field):
    # the API takes the model file's units and bounds: before, T = 1e300 and T = "600 K"
    # were a silently accepted number and a TypeError
    from catscale.errors import InvalidParameterError

    m = load_model(ROOT / "examples" / "co_oxidation_pt111.yaml")
    with pytest.raises(InvalidParameterError) as info:
        m.with_conditions(**kw)
    assert info.value.name == field


def test_with_conditions_takes_unit_strings():
    m = load_model(ROOT / "examples" / "co_oxidation_pt111.yaml")
    a = m.with_conditions(T="600 K", pressures={"CO": "50 kPa"})
    b = m.with_conditions(T=600, pressures={"CO": 0.5})
    assert a.T == b.T == 600.0 and a.partial_pressures == b.partial_pressures
    assert a.partial_pressures["CO"] == pytest.approx(5e4, rel=1e-15)


def test_hindered_adsorbate_matches_thermo_object(tmp_path):
    """A hindered adsorbate in a model file gives the same G as the thermo object built by hand
    (ASE ethane/Pt(111) inputs; Sprowl, Campbell & Arnadottir 2016)."""
    from catscale.thermo import HinderedThermo

    freqs = [49.1, 49.1, 136.6, 137.1, 187.0, 200.8, 232.1, 306.5, 390.7, 792.3, 796.9,
             922.6, 1004.9, 1136.4, 1154.4, 1228.6, 1368.9, 1373.3, 1418.1, 1433.3, 1446.9,
             2934.2, 2946.4, 2995.6]
    f = tmp_path / "m.yaml"
    f.write_text(f"""
catscale: 1
conditions: {{T: 298.15, pressures: {{}}}}
sites: {{"*": {{density: 1.6e15 cm^-2}}}}
species:
  C2H6*:
    energy: 0.0
    thermo: hindered
    frequencies: {freqs}
    hindered: {{trans_barrier: 0.049313, rot_barrier: 0.017675, rotational_minima: 6,
               symmetry: 1, inertia: 8.33}}
  X*: {{energy: 0.0, thermo: frozen}}
steps:
  - {{equation: C2H6* <=> X*, k_f: 1.0, k_r: 1.0}}
""")
    from catscale.model import load_model

    m = load_model(f)
    G = m.thermo()["C2H6*"].G(298.15)
    ref = HinderedThermo(energy=0.0, frequencies=freqs, trans_barrier_energy=0.049313,
                         rot_barrier_energy=0.017675, site_density=1.6e19,
                         rotational_minima=6, mass=30.06904, inertia=8.33, symmetry=1)
    # same inputs -> same number (mass from the formula: C2H6 = 30.069 amu, ASE masses)
    assert G == pytest.approx(ref.G(298.15), abs=1e-6)
