"""The per-sample fast paths of the UQ chain against the full routes they replace.

* rate constants from the nominal free energies + shifts == ``with_energy_shifts().rates()``;
* the warm-started verified mean field on the nominal network == ``steady_state``;
* the key consumption along the stoichiometric line == the bridge's direct microkinetic law;
(the one-species pellet's folds: tests/pellet/test_line.py; the Chebyshev table:
tests/bridges/test_line_table.py)
* a multivalued line rate is reported per sample (``pellet_route``), not hidden.
"""

import numpy as np
import pytest

from catscale.kinetics import steady_state
from catscale.model import load_model
from catscale.units import R
from catscale.uq import chain_function
from catscale.uq._fast import MeanFieldFast, RateShifter

SEC = """
pellet: {shape: sphere, size: 1.5 mm, D_eff: 2.5e-7 m^2/s, specific_area: 7.4e5,
         species: [CO, O2, CO2], key: CO}
uncertainty:
  outputs: [tof, drc, effectiveness]
  inputs:
    - {name: dft, kind: epistemic, species: [CO*, O*], distribution: normal, sigma: 0.1,
       correlation: 0.5}
    - {name: ts, kind: epistemic, species: ["ts:1", "ts:2"], systematic: true,
       distribution: normal, sigma: 0.05}
    - {name: D, kind: aleatoric, parameter: D_eff, distribution: lognormal, median: 1.0,
       sigma_ln: 0.5}
"""


@pytest.fixture
def flagship(model_with):
    return load_model(model_with(SEC))


def _rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


def test_fast_rate_constants_equal_the_rebuilt_table(flagship):
    # every species, gas and saddle point shifted at random (0.2 eV): the table from the
    # nominal free energies must be the rebuilt one to 1e-12 (round-off of G ~ 1e-15 eV
    # amplified by dG/kT ~ 50 gives ~1e-13)
    keys = ["CO", "O2", "CO2", "CO*", "O*", "ts:1", "ts:2"]
    rs = RateShifter(flagship, keys)
    assert rs.ok and rs.check <= 1e-12
    rng = np.random.default_rng(3)
    for _ in range(20):
        sh = {k: float(v) for k, v in zip(keys, rng.normal(0.0, 0.2, len(keys)))}
        got, ref = rs(sh), flagship.with_energy_shifts(sh).rates()
        for name in ("k_f", "k_r", "K_eq"):
            assert _rel(getattr(got, name), getattr(ref, name)) <= 1e-12, name
        np.testing.assert_allclose(got.dG, ref.dG, rtol=0, atol=1e-12)       # eV
        np.testing.assert_allclose(got.dG_act, ref.dG_act, rtol=0, atol=1e-12)


def test_saddle_point_lifted_to_the_higher_end_by_the_fast_table_too(flagship):
    # a saddle point pushed 1 eV below its final state: the bridge lifts the barrier to
    # max(0, dG); the fast table must do the same (it runs the same bridge code)
    rs = RateShifter(flagship, ["ts:2"])
    sh = {"ts:2": -1.5}
    ref = flagship.with_energy_shifts(sh).rates()
    assert ref.dG_act[2] == pytest.approx(max(0.0, ref.dG[2]), abs=1e-12)
    assert _rel(rs(sh).k_f, ref.k_f) <= 1e-12


def test_warm_started_mean_field_equals_the_full_verified_solve(flagship):
    # random samples of the benchmark's spread (sigma 0.1 eV, some CO-poisoned): the fast
    # route (nominal network + new rate constants, nominal state as an extra start) must
    # give the state steady_state gives. Both are verified to a scaled residual of 1e-8 and
    # polished by Newton to 1e-13, so coverages agree to ~1e-10 (tolerance 1e-8) and the
    # TOF to ~1e-9 relative (tolerance 1e-6).
    nominal = steady_state(flagship.mechanism, flagship.rates(), flagship.pressures)
    mf = MeanFieldFast(flagship, nominal)
    rs = RateShifter(flagship, ["CO*", "O*", "ts:1", "ts:2"])
    rng = np.random.default_rng(7)
    for _ in range(25):
        sh = dict(zip(["CO*", "O*", "ts:1", "ts:2"], map(float, rng.normal(0, 0.12, 4))))
        rt = rs(sh)
        fast = mf(rt)
        ref = steady_state(flagship.mechanism, rt, flagship.pressures)
        np.testing.assert_allclose(fast.theta, ref.theta, rtol=0, atol=1e-8)
        assert fast.production["CO2"] == pytest.approx(ref.production["CO2"], rel=1e-6)
        assert fast.stable == ref.stable


def test_line_rate_equals_the_direct_microkinetic_law(flagship):
    # the key consumption along the stoichiometric line (extent of the one overall reaction,
    # continued Newton) against catscale.bridges' direct law (a fresh verified steady state
    # at each composition): relative 1e-6 of the largest rate (both verified to 1e-8)
    from catscale.bridges.kinetics_to_pellet import (
        MeanFieldLine,
        MicrokineticCoupling,
        OverallReaction,
        microkinetic_rate_law,
    )
    from catscale.uq._fast import mean_field_network

    f, _ = chain_function(flagship)
    stage = f.pellet
    for sh in ({}, {"CO*": 0.15, "O*": 0.05}, {"CO*": -0.12, "O*": 0.1}):
        m = flagship.with_energy_shifts(sh)
        rt = m.rates()
        net = mean_field_network(m, rt)
        st = OverallReaction(net, stage.species, stage.key)
        assert st.single
        np.testing.assert_allclose(st.nu, [1.0, 0.5, -1.0], atol=1e-12)   # CO + 1/2 O2
        cb = stage.bulk(m)
        from catscale.units import NA

        lr = MeanFieldLine(st, net, cb, m.T, 1.5e19 * 7.4e5 / NA, None)
        law = microkinetic_rate_law(MicrokineticCoupling(
            m.mechanism, rt, 7.4e5, gas_species=stage.species, key="CO",
            energetics=m.energetics))
        s = np.linspace(cb[0], lr.lo, 9)[:-1]
        got = lr.values(s)
        C = cb[:, None] + st.nu[:, None] * (s - cb[0])[None, :]
        ref = -law(C, np.full(s.size, m.T))[0]
        assert np.max(np.abs(got - ref)) <= 1e-6 * np.max(np.abs(ref))


def test_multivalued_line_rate_is_reported_not_hidden(flagship, monkeypatch):
    # when the continued branch and the full verified solver disagree at the pellet centre,
    # the sample is computed by the general solver and flagged pellet_route = 2
    from catscale.bridges.kinetics_to_pellet import MeanFieldLine

    f, space = chain_function(flagship)
    x = {"dft": np.array([0.1, 0.1]), "ts": 0.0, "D": 30.0}    # nearly no depletion: fast
    assert f(x)["pellet_route"] == 0.0
    calls = {}

    def general(pel, kin, cb, T, **kw):
        calls["general"] = True

        class _St:
            effectiveness, thiele = 0.5, 1.0
        return type("Res", (), {"states": (_St(),)})(), 0.0, "surrogate"

    monkeypatch.setattr(MeanFieldLine, "full", lambda self, s: 2.0 * self.point(s) + 1.0)
    monkeypatch.setattr("catscale.bridges.kinetics_to_pellet.solve_pellet_verified", general)
    out = f(x)
    assert calls and out["pellet_route"] == 2.0 and out["effectiveness"] == 0.5
    assert f.pellet.stats["fold"] == 1


def test_line_bulk_rate_is_the_chain_tof(flagship):
    # consistency of the two routes at the bulk point: the pellet's rate at the surface
    # composition per site equals the mean-field CO consumption of the chain (the 1e-30 bar
    # floor of the direct law on CO2 changes nothing at 1e-10)
    f, space = chain_function(flagship)
    x = {"dft": np.array([0.05, -0.02]), "ts": 0.01, "D": 1.0}
    out = f(x)
    tof = out["tof"]
    m = flagship.with_energy_shifts({"CO*": 0.05, "O*": -0.02, "ts:1": 0.01, "ts:2": 0.01})
    ss = steady_state(m.mechanism, m.rates(), m.pressures)
    assert tof == pytest.approx(ss.production["CO2"], rel=1e-8)
    assert out["pellet_route"] == 0.0 and out["pellet_error"] < 2e-3
    cb = f.pellet.bulk(m)
    assert cb[0] == pytest.approx(m.pressures["CO"] * 1e5 / (R * m.T))


def test_site_patch_pellet_rate_is_the_site_average(model_with):
    # a patch of independent sites (3 terraces, 1 step binding CO 0.15 eV more weakly) inside
    # the flagship pellet: the pellet's rate at every composition is the average of the four
    # sites' mean-field rates. Independent route: that average from the bridge's direct law
    # of each site's model (a fresh verified steady state per point), tabulated on 400 points
    # of the line and interpolated by a cubic spline (error ~1e-7 of the rate, far below the
    # tolerance), then the same one-species pellet. Tolerance: the reported pellet_error
    # (table error + discretisation estimate) plus 1e-4 for the spline; the reference grid
    # (640 cells) is fine enough for its own error to be negligible.
    from scipy.interpolate import CubicSpline

    from catscale.bridges.kinetics_to_pellet import (
        MicrokineticCoupling,
        line_of,
        microkinetic_rate_law,
    )
    from catscale.pellet import solve_line_pellet

    sec = """
pellet: {shape: sphere, size: 1.5 mm, D_eff: 2.5e-7 m^2/s, specific_area: 7.4e5,
         species: [CO, O2, CO2], key: CO}
uncertainty:
  outputs: [tof, effectiveness]
  inputs:
    - {name: dft, kind: epistemic, species: [CO*], distribution: normal, sigma: 0.1}
    - name: sites
      kind: aleatoric
      species: ["CO*"]
      distribution: sites
      n_sites: 4
      classes:
        terrace: {fraction: 0.75, mean: 0.0, sigma: 0.0}
        step: {fraction: 0.25, mean: 0.15, sigma: 0.0}
"""
    model = load_model(model_with(sec))
    f, space = chain_function(model)
    x = {"dft": 0.08, "sites": np.array([0.0, 0.0, 0.0, 0.15])}
    out = f(x)
    sp = ("CO", "O2", "CO2")
    laws = []
    for e in x["sites"]:
        m = model.with_energy_shifts({"CO*": 0.08 + float(e)})
        laws.append(microkinetic_rate_law(MicrokineticCoupling(
            m.mechanism, m.rates(), 7.4e5, gas_species=sp, key="CO",
            energetics=m.energetics)))
    cb = f.pellet.bulk(model)
    line = line_of(laws[0], cb, model.T)          # nu of CO + 1/2 O2 -> CO2

    s = np.linspace(line.lo, cb[0], 400)
    C = line.points(s)
    r = np.mean([-law(C, np.full(s.size, model.T))[0] for law in laws], axis=0)
    sp_r = CubicSpline(s, r)
    dsp = sp_r.derivative()

    def rate(v):
        v = np.clip(np.asarray(v, float), line.lo, cb[0])
        return sp_r(v), dsp(v)

    ref = solve_line_pellet("sphere", 1.5e-3, 2.5e-7, float(cb[0]), rate, n_cells=640,
                            s_low=line.lo)
    assert out["pellet_route"] == 0.0
    assert out["effectiveness"] == pytest.approx(ref.effectiveness,
                                                 rel=out["pellet_error"] + 1e-4)
    # and the patch really differs from its terrace alone
    single = f({"dft": 0.08, "sites": np.zeros(4)})
    assert abs(single["thiele"] / out["thiele"] - 1) > 0.05
    assert single["tof"] != pytest.approx(out["tof"], rel=0.05)


