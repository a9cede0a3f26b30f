"""The uncertainty section and the chain wiring: model + section -> sample -> outputs."""

import numpy as np
import pytest

from catscale.errors import ModelFileError
from catscale.kinetics import degree_of_rate_control, steady_state
from catscale.model import load_model
from catscale.units import kB
from catscale.uq import chain_function, monte_carlo, polynomial_chaos

SECTION = """
uncertainty:
  samples: 16
  seed: 1
  inputs:
    - name: ts_O2
      kind: epistemic
      species: ["ts:1"]
      distribution: normal
      sigma: 0.01
"""


def _direct(model, shifts):
    m = model.with_energy_shifts(shifts)
    ss = steady_state(m.mechanism, m.rates(), m.pressures, coordination=m.coordination())
    return ss.production["CO2"], degree_of_rate_control(ss, "CO2")


def test_linear_response_matches_degree_of_rate_control(model_with):
    # log10 TOF = const - X_j dE_TS / (kT ln 10) to first order (Campbell's degree of rate
    # control; moving the saddle point of step j at fixed initial and final states scales
    # kf_j and kr_j together). With sigma = 10 meV the second-order term is < 1 %.
    model = load_model(model_with(SECTION))
    f, space = chain_function(model)
    X = _direct(model, {})[1]["O2 + 2* <=> 2O*"]
    expected = abs(X) * 0.01 / (kB * model.T * np.log(10))
    p = polynomial_chaos(f, space, order=2, scheduler="serial")
    assert p.std["log10_tof"] == pytest.approx(expected, rel=1e-2)
    mc = monte_carlo(f, space, 64, scheduler="serial")
    assert mc.summary["log10_tof"].std == pytest.approx(expected, rel=3e-2)
    assert mc.summary["drc[O2 + 2* <=> 2O*]"].mean == pytest.approx(X, abs=1e-3)
    # the DRCs of every sample sum to 1 (single overall reaction; README "Uncertainty")
    Y = mc.ensemble.Y
    cols = [j for j, n in enumerate(mc.output_names) if n.startswith("drc[")]
    np.testing.assert_allclose(Y[:, cols].sum(axis=1), 1.0, atol=1e-6)


def test_ensemble_sets_and_site_patch_equal_direct_calculations(model_with):
    sec = """
uncertainty:
  inputs:
    - name: beef
      kind: epistemic
      species: ["CO*", "ts:1"]
      distribution: ensemble
      sets: [[0.0, 0.0], [0.05, -0.03]]
    - name: sites
      kind: aleatoric
      species: ["O*"]
      distribution: sites
      n_sites: 4
      classes:
        terrace: {fraction: 0.75, mean: 0.0, sigma: 0.0}
        step: {fraction: 0.25, mean: -0.2, sigma: 0.0}
"""
    model = load_model(model_with(sec))
    f, space = chain_function(model)
    # set 1 with the four sites (3 terrace, 1 step): the patch TOF is the site average and
    # the patch DRC the TOF-weighted average of the site DRCs
    x = {"beef": np.array([0.05, -0.03]), "sites": np.array([0.0, 0.0, 0.0, -0.2])}
    out = f(x)
    t0, d0 = _direct(model, {"CO*": 0.05, "ts:1": -0.03})
    t1, d1 = _direct(model, {"CO*": 0.05, "ts:1": -0.03, "O*": -0.2})
    assert out["tof"] == pytest.approx(0.75 * t0 + 0.25 * t1, rel=1e-10)
    eq = "CO* + O* <=> CO2 + 2*"
    w = np.array([3 * t0, t1])
    assert out[f"drc[{eq}]"] == pytest.approx((w @ [d0[eq], d1[eq]]) / w.sum(), rel=1e-8)
    # the ensemble draws only the two given sets
    mc = monte_carlo(f, space, 8, scheduler="serial")
    vals = np.unique(np.round(mc.ensemble.column("tof"), 12))
    assert vals.size == 2


@pytest.mark.parametrize("inputs, field, words", [
    ("""    - {name: a, kind: epistemic, species: [XY*], distribution: normal, sigma: 0.1}""",
     "uncertainty.inputs[0].species", "XY*"),
    ("""    - {name: a, kind: epistemic, species: ["ts:7"], distribution: normal, sigma: 0.1}""",
     "uncertainty.inputs[0].species", "ts:7"),
    ("""    - {name: a, kind: aleatoric, parameter: "p:N2", distribution: normal, sigma: 0.1}""",
     "uncertainty.inputs[0].parameter", "p:N2"),
])
def test_unknown_targets_name_the_field(model_with, inputs, field, words):
    model = load_model(model_with("uncertainty:\n  inputs:\n" + inputs + "\n"))
    with pytest.raises(ModelFileError) as e:
        chain_function(model)
    assert e.value.field == field and words in str(e.value)


@pytest.mark.parametrize("inputs, words", [
    ("{name: a, kind: epistemic, species: [CO*], distribution: normal}", "sigma"),
    ("{name: a, kind: epistemic, species: [CO*, O*], distribution: normal, sigma: [0.1]}",
     "one value per species"),
    ("{name: a, kind: epistemic, species: [CO*, O*], distribution: normal, sigma: 0.1, "
     "correlation: [[1, 0.5], [0.5]]}", "2 x 2"),
    ("{name: a, kind: epistemic, species: [CO*], distribution: sites, classes: "
     "{t: {fraction: 1.0}}}", "aleatoric"),
    ("{name: a, kind: aleatoric, species: [CO*], distribution: sites, classes: "
     "{t: {fraction: 0.5}}}", "sum to 1"),
    ("{name: a, kind: epistemic, species: [CO*, O*], distribution: ensemble, "
     "sets: [[0.1, 0.2]]}", "sets"),
    ("{name: a, kind: unknown, species: [CO*], distribution: normal, sigma: 0.1}", "kind"),
    ("{name: a, kind: epistemic, species: [CO*], distribution: normal, sigma: 0.1, "
     "sigmaa: 2}", "sigmaa"),
    ("{name: a, kind: epistemic, parameter: P, distribution: normal, sigma: 1}", "T"),
    ("{name: a, kind: epistemic, species: [CO*], distribution: normal, sigma: '3 bar'}",
     "energy"),
])
def test_section_schema_rejects_bad_input_with_the_field(model_with, inputs, words):
    with pytest.raises(ModelFileError) as e:
        load_model(model_with("uncertainty:\n  inputs:\n    - " + inputs + "\n"))
    text = str(e.value)
    assert "uncertainty.inputs" in text and words in text


def test_section_units_and_correlation(model_with):
    sec = """
uncertainty:
  samples: 8
  inputs:
    - {name: dft, kind: epistemic, species: [CO*, O*], distribution: normal,
       sigma: ["9.6485 kJ/mol", 0.2], correlation: 0.5}
"""
    model = load_model(model_with(sec))
    f, space = chain_function(model)
    d = space.input("dft").distribution
    # 9.6485 kJ/mol = 0.1 eV (1 eV = 96.485 kJ/mol); covariance 0.5 * 0.1 * 0.2
    np.testing.assert_allclose(d.sigma, [0.1, 0.2], rtol=1e-5)
    assert d.cov[0][1] == pytest.approx(0.01, rel=1e-5)


def test_pellet_effectiveness_and_diffusivity_input(model_with):
    # (was the first-order PelletLink stand-in; now the model's pellet: section through the
    # kinetics -> pellet bridge.) Site concentration 1.5e19 m^-2 x 2.00738e6 m^2/m^3 / N_A
    # = 50 mol/m^3.
    from catscale.bridges.kinetics_to_pellet import (
        MicrokineticCoupling,
        microkinetic_rate_law,
        solve_pellet_verified,
    )
    from catscale.pellet import Pellet
    from catscale.units import R

    sec = """
pellet: {shape: sphere, size: 1 mm, D_eff: 1.0e-6 m^2/s, specific_area: 2.00738e6,
         species: [CO, O2, CO2], key: CO}
uncertainty:
  outputs: [tof, effectiveness]
  inputs:
    - {name: ts, kind: epistemic, species: ["ts:1"], distribution: normal, sigma: 0.05}
    - {name: D, kind: aleatoric, parameter: D_eff, distribution: lognormal, median: 1.0,
       sigma_ln: 0.3}
"""
    model = load_model(model_with(sec))
    f, space = chain_function(model)
    assert f.output_names[-4:] == ["effectiveness", "thiele", "pellet_error", "pellet_route"]
    mc = monte_carlo(f, space, 16, scheduler="serial")
    tof, eta, phi = (mc.ensemble.column(k) for k in ("tof", "effectiveness", "thiele"))
    D = space.transform(mc.ensemble.U)["D"]
    # Aris modulus by hand: phi = (R/3) sqrt(k_v / D_eff), k_v = TOF * n_v / c_CO (one CO
    # consumed per CO2 formed), c_CO = p / (R T): the bridge's rate at the surface (= bulk,
    # no film) is the table's node there, the extent of the overall reaction x n_v. CO
    # consumption and CO2 production agree to the steady-state tolerance (1e-8 of the gross
    # rates), hence rtol 1e-6.
    c = model.pressures["CO"] * 1e5 / (R * model.T)
    phi_hand = 1e-3 / 3 * np.sqrt(tof * 50.0 / c / (1e-6 * D))
    np.testing.assert_allclose(phi, phi_hand, rtol=1e-6)
    assert np.ptp(phi * np.sqrt(D)) > 0.1 * np.mean(phi * np.sqrt(D))   # TOF varies too
    assert np.all(mc.ensemble.column("pellet_route") == 0.0)
    perr = mc.ensemble.column("pellet_error")
    assert np.all(perr < 2e-3) and np.all(np.isfinite(eta) & (eta > 0))
    # the three-species finite-volume solver with the bridge's verified surrogate of the
    # direct law (verified to 1e-3 on its own solution, 100 cells: O(h^2) ~1e-4) gives the
    # same effectiveness; tolerance: the sample's reported error + 2e-3
    sp = ("CO", "O2", "CO2")
    for j in range(2):
        m = model.with_energy_shifts({"ts:1": float(space.transform(mc.ensemble.U)["ts"][j])})
        law = microkinetic_rate_law(MicrokineticCoupling(
            m.mechanism, m.rates(), 2.00738e6, gas_species=sp, key="CO",
            energetics=m.energetics))
        cb = np.array([m.pressures[g] * 1e5 / (R * m.T) for g in sp])
        res, err, _ = solve_pellet_verified(Pellet("sphere", 1e-3, 1e-6 * D[j]), law, cb, m.T,
                                            n_cells=100)
        assert err <= 1e-3
        assert eta[j] == pytest.approx(res.effectiveness, rel=perr[j] + 2e-3)


def test_study_with_polynomial_chaos_and_variance_split(model_with):
    from catscale.uq import study_text, uq_study

    sec = """
uncertainty:
  method: pce
  order: 2
  samples: 24
  inputs:
    - {name: ts, kind: epistemic, species: ["ts:1"], distribution: normal, sigma: 0.01}
    - {name: T, kind: aleatoric, parameter: T, distribution: normal, sigma: 1.0}
"""
    model = load_model(model_with(sec))
    res = uq_study(model, scheduler="serial", split=True)
    assert res["method"] == "pce" and res["samples"] >= 24
    # ln TOF is nearly linear in both inputs: the surrogate is accurate
    assert res["pce"]["outputs"]["log10_tof"]["fit_error"] < 1e-2
    fr = res["variance_by_kind"]["fractions"]["log10_tof"]
    assert fr["epistemic"] + fr["aleatoric"] == pytest.approx(1.0)
    # the Sobol split of the chaos and the nested split agree on the epistemic share
    # (both estimate Var_E[E_A Y] / Var Y; nested 5 x 5 Sobol points: 0.1 tolerance)
    assert res["pce"]["outputs"]["log10_tof"]["S1"]["ts"] == pytest.approx(fr["epistemic"],
                                                                           abs=0.1)
    assert "log10_tof" in study_text(res)
