"""Thermodynamic consistency of every shipped model: k_f / k_r = K_eq for every step, with
K_eq recomputed here from the species free energies (not taken from the rate table)."""

import math
import pathlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catscale.model import load_model
from catscale.units import kB

ROOT = pathlib.Path(__file__).resolve().parents[2]
VALIDATION = ROOT / "tests" / "data" / "validation" / "models"
MODELS = sorted(VALIDATION.glob("*.yaml")) + sorted((ROOT / "examples").rglob("*.yaml"))
LOADED = {}
for p in MODELS:
    try:
        m = load_model(p)
    except Exception:   # examples of other stages (structures, images) are not rate models
        continue
    if m.mechanism is not None and m.mechanism.steps and m.conditions is not None:
        LOADED[p.name] = m


def test_there_are_models_to_check():
    assert {"langmuir.yaml", "co_oxidation_fixed_k_A.yaml",
            "co_oxidation_pt111.yaml"} <= set(LOADED)


def _independent_K(model, T):
    """exp(-sum nu_i G_i / kT) from the species thermo objects, gases at 1 bar."""
    th = model.thermo()
    mech = model.mechanism
    out = []
    for j in range(len(mech.steps)):
        G = 0.0
        ok = True
        for i, sp in enumerate(mech.species):
            nu = mech.stoichiometry[i, j]
            if nu == 0 or sp.phase == "site":
                continue
            obj = th.get(sp.name)
            if obj is None:
                ok = False
                break
            G += nu * (obj.G(T, 1e5) if sp.phase == "gas" else obj.G(T))
        out.append(math.exp(-G / (kB * T)) if ok else None)
    return out


@pytest.mark.parametrize("name", sorted(LOADED))
@settings(max_examples=25, deadline=None)
@given(T=st.floats(min_value=250.0, max_value=1200.0))
def test_detailed_balance(name, T):
    model = LOADED[name]
    rt = model.rates(T)
    K = _independent_K(model, T)
    for j, step in enumerate(model.mechanism.steps):
        if not step.reversible:
            assert rt.k_r[j] == 0.0
            continue
        ratio = rt.k_f[j] / rt.k_r[j]
        # the table's own K agrees with its rate constants to round-off
        assert ratio == pytest.approx(rt.K_eq[j], rel=1e-12)
        if K[j] is not None and model.step_specs[j].k_f is None:
            # ... and with the thermochemistry, computed independently (1e-12 relative:
            # both are one exp of the same sums, so only round-off separates them)
            assert ratio == pytest.approx(K[j], rel=1e-12)
        assert np.isfinite(rt.k_f[j]) and rt.k_f[j] >= 0


def test_eyring_limit_through_a_model(tmp_path):
    """A saddle point at the reactant free energy gives k = kB T / h (6.25e12 s^-1 at 300 K)."""
    f = tmp_path / "m.yaml"
    f.write_text("""
catscale: 1
conditions: {T: 300, pressures: {}}
species:
  A*: {energy: 0.0, thermo: frozen}
  B*: {energy: -0.2, thermo: frozen}
steps:
  - equation: A* <=> B*
    ts: {energy: 0.0}
""")
    rt = load_model(f).rates()
    assert rt.k_f[0] == pytest.approx(6.2510e12, rel=1e-4)
    assert rt.k_r[0] == pytest.approx(6.2510e12 * math.exp(-0.2 / (kB * 300)), rel=1e-4)
