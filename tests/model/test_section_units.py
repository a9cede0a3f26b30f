"""Units once: every numeric field of every model-file section takes a unit string through
the shared quantity types, and bare numbers follow the file's ``units:`` block.

Each field given with a unit equals the bare SI (internal-unit) value; a bare energy in
``pellet:`` with ``units: {energy: kJ/mol}`` is read in kJ/mol; a unit of the wrong
dimension is a ModelFileError naming the field."""

import pathlib
import string

import pytest

from catscale.errors import ModelFileError
from catscale.model import load_model
from catscale.units import NA, eV

BASE = (pathlib.Path(__file__).resolve().parents[1] / "data" / "models"
        / "single_site_cycle.yaml").read_text()
KJ = 1e3 / (NA * eV)            # eV per kJ/mol

# section -> (YAML with unit strings, YAML with the bare internal/SI values, field getters)
CASES = {
    "pellet": (
        "pellet: {size: 1.5 mm, D_eff: 0.01 cm^2/s, conductivity: 0.5 W/(m K), "
        "k_ext: 5 cm/s, h_ext: 0.02 W/(cm^2 K), specific_area: 1.0e5 cm^2/cm^3, "
        "enthalpies: {A: -110.5 kJ/mol, B: 0.5 eV}, "
        "kinetics: {order: 1, k: 10.0, Ea: 80 kJ/mol, dH: -19.12 kcal/mol, T_ref: 500 K}}",
        "pellet: {size: 1.5e-3, D_eff: 1.0e-6, conductivity: 0.5, k_ext: 0.05, h_ext: 200, "
        "specific_area: 1.0e7, enthalpies: {A: $h, B: 0.5}, "
        "kinetics: {order: 1, k: 10.0, Ea: $ea, dH: $dh, T_ref: 500}}",
        lambda s: (s.size, s.D_eff, s.conductivity, s.k_ext, s.h_ext, s.specific_area,
                   s.enthalpies["A"], s.enthalpies["B"], s.kinetics.Ea, s.kinetics.dH,
                   s.kinetics.T_ref)),
    "reactor": (
        "reactor: {type: cstr, volume: 0.1 L, flow: 60 mmol/min, heat_capacity: "
        "0.03 kJ/(mol K), pressure: 2 bar, bed_voidage: 0.4}",
        "reactor: {type: cstr, volume: 1.0e-4, flow: 1.0e-3, heat_capacity: 30, "
        "pressure: 2, bed_voidage: 0.4}",
        lambda s: (s.volume, s.flow, s.heat_capacity, s.pressure, s.bed_voidage)),
    "kmc": (
        "kmc: {time: 2 min, diffusion: {A*: 1.0e6 Hz}, "
        "interactions: [{pair: A*-B*, shell: 2, energy: 1.9297 kJ/mol}]}",
        "kmc: {time: 120, diffusion: {A*: 1.0e6}, "
        "interactions: [{pair: A*-B*, shell: 2, energy: $e2}]}",
        lambda s: (s.time, s.diffusion["A*"], s.interactions[0].energy)),
    "diffusion": (
        "diffusion: {eps: -5 kJ/mol, hop_barrier: 300 meV, prefactor: 1.0e13 Hz, "
        "a: 2.77 angstrom, T: 500 K, exchange_rate: 1.0e6 1/s}",
        "diffusion: {eps: $eps, hop_barrier: 0.3, prefactor: 1.0e13, a: 2.77e-10, T: 500, "
        "exchange_rate: 1.0e6}",
        lambda s: (s.eps, s.hop_barrier, s.prefactor, s.a, s.T, s.exchange_rate)),
    "microstructure": (
        "microstructure: {generate: {kind: blobs, shape: [8, 8], porosity: 0.5}, "
        "voxel_size: 20 nm, D_free: 0.0197 cm^2/s}",
        "microstructure: {generate: {kind: blobs, shape: [8, 8], porosity: 0.5}, "
        "voxel_size: 2.0e-8, D_free: 1.97e-6}",
        lambda s: (s.voxel_size, s.D_free)),
    "uncertainty": (
        "uncertainty: {inputs: [{name: e, kind: epistemic, species: [A*], "
        "distribution: normal, mean: 1 kJ/mol, sigma: 10 kJ/mol}, {name: t, "
        "kind: aleatoric, parameter: T, distribution: uniform, low: -5 K, high: 5 K}, "
        "{name: s, kind: aleatoric, species: [A*], distribution: sites, classes: "
        "{a: {fraction: 1, mean: -2 kJ/mol, sigma: 3 kJ/mol}}}]}",
        "uncertainty: {inputs: [{name: e, kind: epistemic, species: [A*], "
        "distribution: normal, mean: $kj, sigma: $s1}, {name: t, kind: aleatoric, "
        "parameter: T, distribution: uniform, low: -5, high: 5}, {name: s, "
        "kind: aleatoric, species: [A*], distribution: sites, classes: {a: {fraction: 1, "
        "mean: $m2, sigma: $s2}}}]}",
        lambda s: (s.inputs[0].mean, s.inputs[0].sigma, s.inputs[1].low, s.inputs[1].high,
                   s.inputs[2].classes["a"].mean, s.inputs[2].classes["a"].sigma)),
}


# bare internal values of the unit strings above (eV from kJ/mol and kcal/mol)
VALUES = dict(h=-110.5 * KJ, ea=80 * KJ, dh=-19.12 * 4.184 * KJ, e2=1.9297 * KJ,
              eps=-5 * KJ, kj=KJ, s1=10 * KJ, m2=-2 * KJ, s2=3 * KJ)


def _load(extra: str, units: str = ""):
    return load_model("<string>", text=BASE + (units + "\n" if units else "") + extra + "\n")


@pytest.mark.parametrize("section", sorted(CASES))
def test_unit_strings_equal_bare_internal_values(section):
    with_units, bare, get = CASES[section]
    a = get(getattr(_load(with_units).sections, section))
    b = get(getattr(_load(string.Template(bare).substitute(
        {k: repr(v) for k, v in VALUES.items()})).sections, section))
    assert a == pytest.approx(b, rel=1e-12)


def test_bare_pellet_energies_follow_the_units_block():
    text = ("pellet: {size: 1 mm, D_eff: 1.0e-6, enthalpies: {A: -110.5, B: 0}, "
            "kinetics: {order: 1, k: 1.0, Ea: 80, dH: -40}}")
    m = _load(text, "units: {energy: kJ/mol}")
    assert m.sections.pellet.enthalpies["A"] == pytest.approx(-110.5e3, rel=1e-12)     # J/mol
    assert m.sections.pellet.kinetics.Ea == pytest.approx(80e3, rel=1e-12)
    assert m.sections.pellet.kinetics.dH == pytest.approx(-40e3, rel=1e-12)
    # default energy unit of a file is eV, for the pellet as everywhere
    d = _load(text.replace("Ea: 80", "Ea: 0.8"))
    assert d.sections.pellet.kinetics.Ea == pytest.approx(0.8 * eV * NA, rel=1e-12)


def test_bare_energies_elsewhere_follow_the_units_block():
    m = _load("diffusion: {eps: -5, hop_barrier: 30}", "units: {energy: kJ/mol}")
    assert m.sections.diffusion.eps == pytest.approx(-5 * KJ, rel=1e-12)
    assert m.sections.diffusion.hop_barrier == pytest.approx(30 * KJ, rel=1e-12)
    # a T parameter's spread is a temperature, not an energy, whatever units.energy says
    u = _load("uncertainty: {inputs: [{name: t, kind: aleatoric, parameter: T, "
              "distribution: normal, sigma: 5}]}", "units: {energy: kJ/mol}")
    assert u.sections.uncertainty.inputs[0].sigma == 5.0


@pytest.mark.parametrize("extra, field", [
    ("pellet: {size: 1 mm, D_eff: 1.0e-6, conductivity: 1 bar}", "pellet.conductivity"),
    ("pellet: {size: 1 mm, D_eff: 1.0e-6, k_ext: 1 m^2/s}", "pellet.k_ext"),
    ("pellet: {size: 1 mm, D_eff: 1.0e-6, h_ext: 3 K}", "pellet.h_ext"),
    ("pellet: {size: 1 mm, D_eff: 1.0e-6, specific_area: 2 m}", "pellet.specific_area"),
    ("pellet: {size: 1 mm, D_eff: 1.0e-6, enthalpies: {A: 3 bar}}", "pellet.enthalpies.A"),
    ("pellet: {size: 1 mm, D_eff: 1.0e-6, kinetics: {k: 1, Ea: 2 m}}",
     "pellet.kinetics.Ea"),
    ("reactor: {volume: 1 m, flow: 1.0e-3}", "reactor.volume"),
    ("reactor: {volume: 1.0e-4, flow: 1 mol}", "reactor.flow"),
    ("reactor: {volume: 1.0e-4, flow: 1.0e-3, heat_capacity: 30 J/mol}",
     "reactor.heat_capacity"),
    ("kmc: {time: 3 m}", "kmc.time"),
    ("diffusion: {a: 2 eV}", "diffusion.a"),
    ("microstructure: {generate: {kind: blobs, shape: [8, 8], porosity: 0.5}, "
     "voxel_size: 1 s, D_free: 1.0e-6}", "microstructure.voxel_size"),
    ("uncertainty: {inputs: [{name: t, kind: aleatoric, parameter: T, "
     "distribution: normal, sigma: 1 eV}]}", "uncertainty.inputs[0]"),
])
def test_wrong_dimension_names_the_field(extra, field):
    with pytest.raises(ModelFileError) as exc:
        _load(extra)
    errs = getattr(exc.value, "errors", [exc.value])
    assert any(e.field == field for e in errs), [str(e) for e in errs]


def test_thermo_fields_take_units():
    from catscale.model._schema import SpeciesSpec

    a = SpeciesSpec.model_validate(dict(
        phase="gas", energy=0.0, frequencies=[2143.0], geometry="linear", symmetry=1,
        inertia=["1.4446e-46 kg m^2"], low_frequency={"cutoff": "50 cm^-1"}))
    b = SpeciesSpec.model_validate(dict(
        phase="gas", energy=0.0, frequencies=[2143.0], geometry="linear", symmetry=1,
        inertia=[8.69958], low_frequency={"cutoff": 50}))
    assert a.inertia[0] == pytest.approx(b.inertia[0], rel=1e-5)   # amu angstrom^2
    assert a.low_frequency.cutoff == b.low_frequency.cutoff == 50.0


def test_covariance_follows_the_energy_unit():
    text = ("uncertainty: {inputs: [{name: e, kind: epistemic, species: [A*, B*], "
            "distribution: normal, covariance: [[100, 0], [0, 400]]}]}")
    m = _load(text, "units: {energy: kJ/mol}")
    cov = m.sections.uncertainty.inputs[0].covariance
    assert cov[1][1] == pytest.approx(400 * KJ**2, rel=1e-12)
