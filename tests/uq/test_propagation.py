"""Forward propagation against exact results: lognormal rates, Ishigami Sobol indices,
site averaging, variance split by kind."""

import numpy as np
import pytest

from catscale.units import kB
from catscale.uq import (
    MultivariateNormal,
    Normal,
    SiteClass,
    SiteEnergies,
    UncertainInput,
    UncertaintySpace,
    Uniform,
    monte_carlo,
    polynomial_chaos,
    site_averaging,
    sobol_indices,
    variance_by_kind,
)

T = 500.0
kT = kB * T


def _arrhenius_space():
    # barrier = TS energy - IS energy; errors of the two are correlated (rho = 0.6)
    d = MultivariateNormal.from_correlation([0.04, 0.03], 0.6, mean=[0.01, 0.0])
    return UncertaintySpace((UncertainInput("dft", "epistemic", d, ("TS", "A*")),)), d


def _rate(x):
    dE = x["dft"][0] - x["dft"][1]
    return {"k": 1e13 * np.exp(-(0.8 + dE) / kT), "lnk": np.log(1e13) - (0.8 + dE) / kT}


def test_linear_gaussian_gives_exact_lognormal_moments():
    # ln k = a + b E with E ~ N(mu, s^2) (reference: README "Lognormal propagation"):
    # E[k] = exp(a + b mu + b^2 s^2 / 2), Var[k] = (exp(b^2 s^2) - 1) E[k]^2.
    sp, d = _arrhenius_space()
    C = np.array(d.cov)
    mu = 0.8 + d.mean[0] - d.mean[1]
    s2 = C[0, 0] + C[1, 1] - 2 * C[0, 1]
    b = -1 / kT
    Ek = 1e13 * np.exp(b * mu + b * b * s2 / 2)
    Vk = (np.exp(b * b * s2) - 1) * Ek ** 2
    r = monte_carlo(_rate, sp, 2 ** 14, scheduler="serial", seed=1)
    # b s = 0.75: the lognormal is moderately skewed; with 2^14 scrambled Sobol points the
    # mean is good to ~0.2 % and the variance (4th moment of ln k) to ~2 %; tolerances 0.5 %
    # and 4 % still catch a missing s^2/2 term (which changes E[k] by 32 %).
    assert r.summary["k"].mean == pytest.approx(Ek, rel=5e-3)
    assert r.summary["k"].std ** 2 == pytest.approx(Vk, rel=4e-2)
    assert r.summary["lnk"].mean == pytest.approx(np.log(1e13) + b * mu, abs=1e-3)
    # polynomial chaos of degree 1 is exact for ln k (linear in the normal germs):
    p = polynomial_chaos(_rate, sp, order=1, scheduler="serial")
    assert p.mean["lnk"] == pytest.approx(np.log(1e13) + b * mu, rel=1e-12)
    assert p.std["lnk"] == pytest.approx(abs(b) * np.sqrt(s2), rel=1e-10)
    assert p.fit_error["lnk"] < 1e-10
    # ... and a degree-6 chaos of k itself matches the exact lognormal mean and std closely
    p6 = polynomial_chaos(_rate, sp, order=6, scheduler="serial")
    assert p6.mean["k"] == pytest.approx(Ek, rel=2e-3)
    assert p6.std["k"] == pytest.approx(np.sqrt(Vk), rel=2e-2)


def _ishigami(x):
    return (np.sin(x["x1"]) + 7 * np.sin(x["x2"]) ** 2
            + 0.1 * x["x3"] ** 4 * np.sin(x["x1"]))


ISHIGAMI_S1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}      # README "Uncertainty"
ISHIGAMI_ST = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}


def _ishigami_space():
    return UncertaintySpace(tuple(UncertainInput(f"x{i}", "epistemic", Uniform(-np.pi, np.pi))
                                  for i in (1, 2, 3)))


def test_ishigami_sobol_indices_salib():
    # Ishigami a = 7, b = 0.1 (Ishigami & Homma 1990; Saltelli et al. 2008); base N = 4096,
    # 20480 evaluations: SALib's bootstrap 95 % half-widths are ~0.03, tolerance 0.04.
    r = sobol_indices(_ishigami, _ishigami_space(), 2 ** 12, scheduler="serial", seed=2)
    for k in ISHIGAMI_S1:
        assert r.S1["y"][k] == pytest.approx(ISHIGAMI_S1[k], abs=0.04)
        assert r.ST["y"][k] == pytest.approx(ISHIGAMI_ST[k], abs=0.04)
    assert [row["input"] for row in r.ranked("y")] == ["x1", "x2", "x3"]
    assert "x1" in r.table("y")


@pytest.mark.slow
def test_ishigami_sobol_indices_from_polynomial_chaos():
    # degree-10 Legendre chaos: indices from the coefficients agree with the exact values to
    # ~1e-3 (the 4-digit references themselves are rounded at 5e-5); tolerance 3e-3.
    p = polynomial_chaos(_ishigami, _ishigami_space(), order=10, scheduler="serial")
    exact_var = 0.5 + 49 / 8 + 0.1 * np.pi ** 4 / 5 + 0.01 * np.pi ** 8 / 18
    assert p.mean["y"] == pytest.approx(3.5, abs=5e-3)
    assert p.std["y"] ** 2 == pytest.approx(exact_var, rel=5e-3)
    for k in ISHIGAMI_S1:
        assert p.S1["y"][k] == pytest.approx(ISHIGAMI_S1[k], abs=3e-3)
        assert p.ST["y"][k] == pytest.approx(ISHIGAMI_ST[k], abs=3e-3)


def test_site_average_of_boltzmann_factor_is_exact():
    # mean of exp(-E/kT) over E ~ N(mu, s^2) = exp(-mu/kT + s^2 / (2 kT^2)).
    mu, s = -0.1, 0.04
    d = SiteEnergies((SiteClass("terrace", 1.0, mu, s),), n_sites=2048)
    sp = UncertaintySpace((UncertainInput("sites", "aleatoric", d),))
    E = sp.transform(sp.unit_sample(64, "sobol", 5))["sites"]       # 64 patches of 2048 sites
    patch = np.exp(-E / kT).mean(axis=1)
    exact = np.exp(-mu / kT + s ** 2 / (2 * kT ** 2))
    # one patch of 2048 sites: relative spread sqrt(exp(s^2/kT^2) - 1)/sqrt(2048) = 2.2 %;
    # the mean over 64 patches (131072 sites) is good to ~0.3 %; tolerance 1 %.
    assert patch.mean() == pytest.approx(exact, rel=1e-2)
    assert patch.std() / patch.mean() == pytest.approx(
        np.sqrt(np.exp(s ** 2 / kT ** 2) - 1) / np.sqrt(2048), rel=0.25)


def test_site_averaging_narrows_aleatoric_spread_but_keeps_epistemic_bias():
    cls = (SiteClass("terrace", 0.8, 0.0, 0.05), SiteClass("step", 0.2, -0.1, 0.05))
    res = site_averaging(lambda E: np.exp(-E / kT), cls, n_sites=(256, 1024, 4096),
                         epistemic_sigma=0.05, n_surfaces=256, seed=1)
    al = [r["log10_std_aleatoric"] for r in res["rows"]]
    tot = [r["log10_std_total"] for r in res["rows"]]
    # aleatoric spread falls like N^-1/2 once the central limit holds (a site's Boltzmann
    # factor is skewed, sigma/kT = 1.2, so N >= 256): x16 sites -> /4, within 15 % (256
    # patches estimate a std to ~5 %)
    assert al[0] / al[2] == pytest.approx(4.0, rel=0.15)
    assert al[0] > al[1] > al[2]
    # with a common systematic error the spread tends to the epistemic floor, exactly
    # sigma / (kT ln 10) for a pure energy shift of an Arrhenius rate
    floor = 0.05 / (kT * np.log(10))
    assert res["log10_std_epistemic_limit"] == pytest.approx(floor, rel=1e-3)
    assert tot[2] == pytest.approx(floor, rel=0.05)
    assert tot[2] > 10 * al[2]
    # the patch mean converges to the class-weighted exact average exp(-mu/kT + s^2/2kT^2)
    exact = sum(c.fraction * np.exp(-c.mean / kT + c.sigma ** 2 / (2 * kT ** 2)) for c in cls)
    assert res["rows"][2]["mean_rate_aleatoric"] == pytest.approx(exact, rel=1e-2)


def _additive(x):
    return 2.0 * x["E"] + 3.0 * float(np.mean(x["sites"]))


def test_variance_split_by_kind_nested_and_sobol_grouping():
    # Y = 2 E + 3 mean(site shifts): Var_epi = 4 sE^2, Var_ale = 9 sA^2 / N exactly.
    sE, sA, N = 0.1, 0.2, 4
    sp = UncertaintySpace((
        UncertainInput("E", "epistemic", Normal(0.0, sE)),
        UncertainInput("sites", "aleatoric", SiteEnergies((SiteClass("t", 1.0, 0.0, sA),), N)),
    ))
    v_epi, v_ale = 4 * sE ** 2, 9 * sA ** 2 / N
    split = variance_by_kind(_additive, sp, 128, 64, scheduler="serial")
    # nested Sobol 128 x 64: ~5 % relative accuracy on each part; tolerance 10 %
    assert split.epistemic["y"] == pytest.approx(v_epi, rel=0.1)
    assert split.aleatoric["y"] == pytest.approx(v_ale, rel=0.1)
    f = split.fractions()["y"]
    assert f["epistemic"] == pytest.approx(v_epi / (v_epi + v_ale), abs=0.03)
    s = sobol_indices(_additive, sp, 2 ** 11, by="kind", scheduler="serial")
    assert s.S1["y"]["epistemic"] == pytest.approx(v_epi / (v_epi + v_ale), abs=0.04)
    assert s.ST["y"]["aleatoric"] == pytest.approx(v_ale / (v_epi + v_ale), abs=0.04)


def test_ishigami_bootstrap_intervals_cover_the_analytic_indices_and_warn_when_wide():
    # issue 20 item 8. Ishigami a = 7, b = 0.1 (Ishigami & Homma 1990): base N = 2048 gives
    # SALib bootstrap 95 % half-widths of 0.04-0.07; every one of the six intervals covers the
    # analytic index (checked for seeds 0-11: 72 of 72 covered). The widest (ST, +-0.057) is
    # wider than the 0.1 target: a warning says so and how many samples would meet it.
    r = sobol_indices(_ishigami, _ishigami_space(), 2 ** 11, scheduler="serial", seed=0)
    for k in ISHIGAMI_S1:
        assert abs(r.S1["y"][k] - ISHIGAMI_S1[k]) <= r.S1_conf["y"][k]
        assert abs(r.ST["y"][k] - ISHIGAMI_ST[k]) <= r.ST_conf["y"][k]
    assert any("width" in w and "> 0.1" in w for w in r.warnings)
    assert any("need about" in w for w in r.warnings)
    assert r.to_dict()["warnings"] == r.warnings and r.undefined == {}


def test_sobol_base_size_grows_until_the_interval_target_is_met():
    # from 1024 base samples (intervals ~ +-0.09) the n^-1/2 law predicts ~3500 for a width of
    # 0.1; max_n = 8192 lets it double (only the new Saltelli points are evaluated) until met
    r = sobol_indices(_ishigami, _ishigami_space(), 2 ** 10, scheduler="serial", seed=1,
                      max_n=2 ** 13)
    assert r.n_base > 2 ** 10 and r.n_evaluations == r.n_base * 5
    widest = max(max(r.S1_conf["y"].values()), max(r.ST_conf["y"].values()))
    assert 2 * widest <= 0.1 and r.warnings == []
    for k in ISHIGAMI_S1:
        assert abs(r.ST["y"][k] - ISHIGAMI_ST[k]) <= r.ST_conf["y"][k]


def test_sobol_indices_of_a_constant_output_are_undefined():
    def two(x):
        return {"y": _ishigami(x), "c": 2.5 + 1e-12 * x["x1"]}    # spread 1e-12 << 1e-8 x 2.5

    r = sobol_indices(two, _ishigami_space(), 2 ** 8, scheduler="serial", seed=0)
    assert set(r.undefined) == {"c"} and "constant" in r.undefined["c"]
    assert all(v is None for v in r.S1["c"].values()) and all(
        v is None for v in r.ST["c"].values())
    assert "undefined" in r.table("c")
    assert r.ranked("c")[0]["undefined"] == r.undefined["c"]
    assert r.S1["y"]["x1"] is not None


def test_index_warnings_flag_what_the_intervals_do_not_support():
    from catscale.uq import index_warnings

    ok = index_warnings("y", {"a": 0.3, "b": 0.6}, {"a": 0.02, "b": 0.02},
                        {"a": 0.35, "b": 0.62}, {"a": 0.02, "b": 0.02}, 0.1, 0.95)
    assert ok == []
    # the flagship's former report: S1 = 1.14 > ST = 0.43, S1 = -0.02 +- 0.01
    bad = index_warnings("drc", {"ts": 1.14, "ads": -0.05}, {"ts": 0.04, "ads": 0.01},
                         {"ts": 0.43, "ads": 0.09}, {"ts": 0.04, "ads": 0.04}, 0.1, 0.95)
    assert len(bad) == 1 and "S1 of ts = 1.14 > ST = 0.43" in bad[0]
    assert "S1 of ads = -0.05 < 0" in bad[0]
    # within the intervals: S1 slightly above ST is estimator noise, not flagged
    assert index_warnings("y", {"a": 0.52}, {"a": 0.03}, {"a": 0.50}, {"a": 0.02}, 0.1,
                          0.95) == []
    wide = index_warnings("y", {"a": 0.5}, {"a": 0.06}, {"a": 0.5}, {"a": 0.01}, 0.1, 0.95)
    assert len(wide) == 1 and "width 0.12 > 0.1" in wide[0]


def test_polynomial_chaos_basis_too_large_is_refused_before_it_is_built():
    # 20 germ dimensions at total degree 12: C(32, 12) = 2.3e8 basis terms; before, chaospy
    # started building them (and the regression would have needed 4.6e8 model runs)
    import time

    from catscale.errors import InvalidParameterError

    sp = UncertaintySpace(tuple(UncertainInput(f"x{i}", "epistemic", Normal())
                                for i in range(20)))
    t = time.perf_counter()
    with pytest.raises(InvalidParameterError) as info:
        polynomial_chaos(_rate, sp, order=12, scheduler="serial")
    assert info.value.name == "order" and "225792840" in info.value.expected
    assert time.perf_counter() - t < 1.0
