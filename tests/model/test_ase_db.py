"""DFT data from ASE databases: energies (formation energies from declared references) and
frequencies of species and saddle points read from rows, with provenance; `catscale pes neb
--label` rows feed a model directly (structures -> k(T) with no hand copying)."""

import json

import numpy as np
import pytest
import typer
from ase import Atoms
from ase.calculators.emt import EMT
from ase.db import connect
from typer.testing import CliRunner

from catscale.cli import cmd_pes, cmd_validate
from catscale.model import load_model

runner = CliRunner()


@pytest.fixture(scope="module")
def app():
    a = typer.Typer()
    cmd_pes.register(a)
    cmd_validate.register(a)
    return a


@pytest.fixture(scope="module")
def dft(tmp_path_factory):
    """EMT 'DFT' database: Al(100) slab, Au on its hollow site, an Au atom in a box."""
    from catscale.atomistic import adsorbate_on_slab

    d = tmp_path_factory.mktemp("db")
    ads = adsorbate_on_slab("Al", "100", (2, 2, 3), "Au", "hollow", free_layers=1)
    slab = ads[:-1]
    gas = Atoms("Au", positions=[[5, 5, 5]], cell=[10, 10, 10])
    E = {}
    with connect(str(d / "dft.db")) as db:
        for name, at in (("slab", slab), ("Au_hollow", ads), ("Au_gas", gas)):
            at.calc = EMT()
            E[name] = at.get_potential_energy()
            db.write(at, name=name, data={"frequencies": [320.0, 150.0, 150.0]}
                     if name == "Au_hollow" else {})
        db.write(gas, name="dup")
        db.write(gas, name="dup")
    return d, E


BASE = """catscale: 1
conditions: {{T: 600, pressures: {{Au: 1.0e-3}}}}
{refs}
species:
  Au: {{phase: gas, geometry: monatomic, energy: {gas}}}
  Au*: {{energy: {ads}, frequencies: {freq}}}
steps:
  - {{equation: Au + * <=> Au*, sticking: 0.5}}
"""


def test_database_energies_equal_hand_typed(dft, app):
    d, E = dft
    refs = 'references: {ase_db: dft.db, slab: "name=slab", gas: {Au: "name=Au_gas"}}'
    (d / "db.yaml").write_text(BASE.format(
        refs=refs, gas='{select: "name=Au_gas"}', ads='{select: "name=Au_hollow"}',
        freq='{select: "name=Au_hollow"}'))
    # the same numbers typed by hand: E_f = E(Au/slab) - E(slab) - E(Au atom); the gas
    # reference has formation energy 0 by construction
    ef = float(E["Au_hollow"] - E["slab"] - E["Au_gas"])
    (d / "hand.yaml").write_text(BASE.format(refs="", gas=0.0, ads=repr(ef),
                                             freq=[320.0, 150.0, 150.0]))
    m_db, m_hand = load_model(d / "db.yaml"), load_model(d / "hand.yaml")
    r1, r2 = m_db.rates(), m_hand.rates()
    assert np.array_equal(r1.k_f, r2.k_f) and np.array_equal(r1.k_r, r2.k_r)
    assert m_db.species_specs["Au*"].energy == ef and ef < -1.0   # Au binds to Al
    prov = {p["field"]: p for p in m_db.provenance}
    assert set(prov) == {"species.Au.energy", "species.Au*.energy", "species.Au*.frequencies"}
    assert prov["species.Au*.energy"]["reference"]["slab"]["select"] == "name=slab"
    assert prov["species.Au*.energy"]["raw_energy"] == E["Au_hollow"]
    res = runner.invoke(app, ["validate", str(d / "db.yaml"), "--json"])
    assert res.exit_code == 0, res.output
    assert len(json.loads(res.stdout)["provenance"]) == 3


@pytest.mark.parametrize("ads,needle", [
    ('{select: "name=nothing"}', "'name=nothing' matched no row"),
    ('{select: "name=dup"}', "'name=dup' matched 2 rows"),
    ('{select: "name=Au_hollow", reference: {gas: {Au: "name=Au_gas"}}}',
     "missing reference slab"),
    ('{select: "name=Au_hollow", reference: {slab: "name=slab"}}', "missing gas references"),
    ('{ase_db: none.db, select: "name=Au_hollow", reference: none}', "not found"),
])
def test_database_errors_name_the_selection(dft, app, ads, needle):
    d, _ = dft
    (d / "bad.yaml").write_text(BASE.format(
        refs="references: {ase_db: dft.db}", gas=0.0, ads=ads, freq=[320.0, 150.0, 150.0]))
    res = runner.invoke(app, ["validate", str(d / "bad.yaml")])
    assert res.exit_code == 2, res.output
    assert needle in res.output and "species.Au*.energy" in res.output
    assert "bad.yaml:" in res.output                    # file and line


def test_pes_neb_rows_give_the_same_rate_constant(app, tmp_path):
    """EMT CI-NEB of Au hopping on Al(100) written to a database by `catscale pes neb
    --label hop`; a model whose hop step points at those rows has k_f = the pes k(T)."""
    from ase.io import write

    from catscale.atomistic import adsorbate_on_slab

    ini = adsorbate_on_slab("Al", "100", (2, 2, 3), "Au", "hollow", free_layers=1)
    fin = ini.copy()
    fin[-1].x += fin.get_cell()[0, 0] / 2
    write(tmp_path / "ini.traj", ini)
    write(tmp_path / "fin.traj", fin)
    res = runner.invoke(app, ["pes", "neb", str(tmp_path / "ini.traj"),
                              str(tmp_path / "fin.traj"), "--free", "-1", "--T", "500",
                              "--cache", str(tmp_path / "pes.db"), "--label", "hop",
                              "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert set(out["rows"]) == {"hop_initial", "hop_saddle", "hop_final"}
    (tmp_path / "hop.yaml").write_text("""catscale: 1
conditions: {T: 500, pressures: {}}
references: {ase_db: pes.db}
species:
  Au*:
    energy: {select: "name=hop_initial", reference: none}
    frequencies: {select: "name=hop_initial"}
steps:
  - equation: Au* + * <=> * + Au*
    ts:
      energy: {select: "name=hop_saddle", reference: none}
      frequencies: {select: "name=hop_saddle"}
""")
    m = load_model(tmp_path / "hop.yaml")
    k = m.rates().k_f[0]
    # the same harmonic free-energy route as `pes` (k_free_energy), to rounding
    assert k == pytest.approx(out["k_free_energy"][0], rel=1e-9)
    assert out["barrier"] == pytest.approx(0.374, abs=2e-3)   # ASE NEB tutorial
    assert [p["row"] for p in m.provenance][:2] == [out["rows"]["hop_initial"]] * 2
