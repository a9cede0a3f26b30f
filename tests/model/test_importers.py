"""Importers: CatMAP .mkm parsing and model writing, Cantera model writing."""

from __future__ import annotations

import pathlib

import pytest

from catscale.errors import ModelFileError

VAL = pathlib.Path(__file__).resolve().parents[1] / "data" / "validation"

MKM_TEXT = '''
rxn_expressions = [
               '*_s + CO_g -> CO*',
               '2*_s + O2_g <-> O-O* + *_s -> 2O*',
               'CO* +  O* <-> O-CO* + * -> CO2_g + 2*',
                   ]
surface_names = ['Pt', 'Ag', 'Cu','Rh','Pd','Au','Ru','Ni']
descriptor_names= ['O_s','CO_s']
descriptor_ranges = [[-1,3],[-0.5,4]]
resolution = 15
temperature = 500
species_definitions = {}
species_definitions['CO_g'] = {'pressure':1.}
species_definitions['O2_g'] = {'pressure':1./3.}
species_definitions['CO2_g'] = {'pressure':0}
input_file = 'energies.txt'
gas_thermo_mode = "shomate_gas"
adsorbate_thermo_mode = "frozen_adsorbate"
scaling_constraint_dict = {'O_s':['+',0,None], 'CO_s':[0,'+',None],
                           'O-CO_s':'initial_state', 'O-O_s':'final_state'}
'''


def test_catmap_mkm_to_model_file_reproduces_point_A(tmp_path):
    from catscale.kinetics import steady_state
    from catscale.model import load_model
    from catscale.model.importers import load_catmap, read_mkm, write_catmap_model

    mkm = tmp_path / "CO_oxidation.mkm"
    mkm.write_text(MKM_TEXT)
    (tmp_path / "energies.txt").write_text(
        (VAL / "catmap_co_oxidation" / "energies.txt").read_text())
    d = read_mkm(mkm)
    assert d["species_definitions"]["O2_g"]["pressure"] == pytest.approx(1 / 3)
    cm = load_catmap(mkm)
    assert cm.mechanism.steps[1].equation == "O2 + 2* <=> 2O*"
    # TS-scaling fits: the fixed-k file A encodes CatMAP's k for O=1.0, CO=1.75 eV
    out = write_catmap_model(cm, tmp_path / "A.yaml", point=(1.0, 1.75))
    m = load_model(out)
    ref = load_model(VAL / "models" / "co_oxidation_fixed_k_A.yaml").rates()
    # physical constants differ from CatMAP's by ~5e-8 relative; exp(-Ea/kT) amplifies: 1e-5
    assert m.rates().k_f == pytest.approx(ref.k_f, rel=1e-5)
    assert m.rates().k_r == pytest.approx(ref.k_r, rel=1e-5)
    ss = steady_state(m.mechanism, m.rates(), m.pressures)
    assert ss.tof["CO2"] == pytest.approx(0.05701045867133279, rel=1e-4)


def test_mkm_syntax_error_is_a_model_file_error(tmp_path):
    from catscale.model.importers import read_mkm
    p = tmp_path / "bad.mkm"
    p.write_text("rxn_expressions = [\n")
    with pytest.raises(ModelFileError):
        read_mkm(p)


def test_cantera_import_writes_model(tmp_path):
    pytest.importorskip("cantera")
    import yaml

    from catscale.model.importers import cantera_surface, write_cantera_model
    cs = cantera_surface("ptcombust.yaml", 900.0, 101325.0, "CH4:0.095, O2:0.21, AR:0.695")
    out = write_cantera_model(cs, tmp_path / "pt.yaml")
    doc = yaml.safe_load(out.read_text())
    assert len(doc["steps"]) == 24
    # coverage dependence of O desorption: -E/RT with E = -60 kJ/mol at 900 K (the file
    # keeps a and E, so that the dependence holds at every T: dlnk_dtheta - E / kB T)
    from catscale.units import kB

    od = [s for s in doc["steps"] if s["equation"].startswith("2 O* ->")][0]
    cd = od["coverage_dependence"]["O*"]
    g = cd["dlnk_dtheta"] - cd["E"] / (kB * 900.0)
    assert g == pytest.approx(60e6 / (8314.462618 * 900), rel=1e-9)
