"""A Cantera mechanism written as a catscale model file loads back and gives the same steady
state as the in-memory import (coverage dependences and orders survive the file)."""

import pytest


def test_ptcombust_file_round_trip(tmp_path):
    pytest.importorskip("cantera")
    from catscale.kinetics import solve_network
    from catscale.model import load_model
    from catscale.model.importers import cantera_surface, write_cantera_model
    from catscale.stages.steady import solve as model_steady_state

    cs = cantera_surface("ptcombust.yaml", 900.0, 101325.0, "CH4:0.095, O2:0.21, AR:0.695")
    path = write_cantera_model(cs, tmp_path / "pt.yaml")
    model = load_model(path)
    eff = model.coverage_effects()
    assert eff is not None
    # O desorption carries its -60 kJ/mol coverage dependence in both directions' matrices
    j = [k for k, s in enumerate(model.mechanism.steps) if s.equation.startswith("2 O* ->")][0]
    i = [s.name for s in model.mechanism.surface].index("O*")
    assert eff[0][j, i] == pytest.approx(60e6 / (8314.462618 * 900), rel=1e-9)

    ref = solve_network(cs.network())
    ss = model_steady_state(model)
    theta_ref = dict(zip(ref.species, ref.theta))
    # same rate law, same solver: the file round trip (17 significant digits in YAML) costs
    # at most round-off; 1e-8 relative above 1e-12 is far inside the Cantera tolerance
    for name, th in ss.coverages.items():
        if theta_ref[name] > 1e-12:
            assert th == pytest.approx(theta_ref[name], rel=1e-8), name
    assert ss.residual < 1e-8 and ss.stable


def test_orders_must_name_reactants(tmp_path):
    from catscale.model import validate_file

    f = tmp_path / "m.yaml"
    f.write_text("""
catscale: 1
conditions: {T: 500, pressures: {A: 1.0}}
species: {A: {phase: gas}, A*: {}, B*: {}}
steps:
  - {equation: A + * <=> A*, k_f: 1.0, k_r: 1.0, orders: {B*: 2}}
  - {equation: A* <=> B*, k_f: 1.0, k_r: 1.0, coverage_dependence: {A: {dlnk_dtheta: 1}}}
""")
    errs = {e.field: e.message for e in validate_file(f)}
    assert "not a reactant" in errs["steps[0].orders"]
    assert "expected an adsorbate" in errs["steps[1].coverage_dependence.A"]
