"""What dG_act means per step (issue 20 item 11): Ea without A is a free-energy barrier with
prefactor kT/h, Ea with A gives the effective barrier, sticking has none."""

import numpy as np
import pytest

from catscale.model import load_model
from catscale.units import h, kB

MODEL = """
catscale: 1
name: barrier kinds
conditions: {T: 400, pressures: {CO: 1.0, O2: 0.2, CO2: 0.0}}
sites: {"*": {density: 1.5e19 m^-2}}
species:
  CO:  {phase: gas, energy: 0.0, mass: 28.01, geometry: linear, symmetry: 1,
        rotational_temperatures: [2.77], frequencies: [2170]}
  O2:  {phase: gas, energy: 0.0, mass: 32.0, geometry: linear, symmetry: 2, spin: 1,
        rotational_temperatures: [2.08], frequencies: [1580]}
  CO2: {phase: gas, energy: -3.0, mass: 44.01, geometry: linear, symmetry: 2,
        rotational_temperatures: [0.56], frequencies: [667, 667, 1333, 2349]}
  CO*: {energy: -1.5}
  O*:  {energy: -1.0}
steps:
  - equation: CO + * <=> CO*
    sticking: 0.8
  - equation: O2 + 2* <=> 2O*
    Ea: 0.4
  - equation: CO* + O* <=> CO2 + 2*
    Ea: 0.9
    A: 1.0e13
"""


def test_barrier_kind_and_dG_act_per_route(tmp_path):
    p = tmp_path / "m.yaml"
    p.write_text(MODEL)
    rt = load_model(p).rates()
    kT = kB * rt.T
    assert rt.barrier_kind == ("non_activated", "free_energy", "arrhenius")
    # sticking: collision theory, no barrier to show
    assert np.isnan(rt.dG_act[0]) and rt.to_records()[0]["dG_act"] is None
    # Ea without A: Eyring with kT/h, dG_act = Ea exactly
    assert rt.dG_act[1] == pytest.approx(0.4, abs=1e-15)
    assert rt.k_f[1] == pytest.approx(kT / h * np.exp(-0.4 / kT), rel=1e-12)
    # Ea with A: k = A exp(-Ea/kT); dG_act is the effective -kT ln(k h / kT)
    assert rt.k_f[2] == pytest.approx(1e13 * np.exp(-0.9 / kT), rel=1e-12)
    assert rt.dG_act[2] == pytest.approx(-kT * np.log(rt.k_f[2] * h / kT), rel=1e-12)
    assert [r["barrier_kind"] for r in rt.to_records()] == list(rt.barrier_kind)


def test_rates_table_text_shows_no_barrier_for_sticking(tmp_path):
    def rates_table_text(rt):
        return rt.text()

    p = tmp_path / "m.yaml"
    p.write_text(MODEL)
    text = rates_table_text(load_model(p).rates())
    row = next(line for line in text.splitlines() if line.startswith("CO + *"))
    assert row.split()[6] == "-" and "non_activated" in row      # dG_act column
    assert "Ea without A is a free-energy barrier" in text
