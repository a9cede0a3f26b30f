"""Results file (results.nc) and HTML report of ``catscale run``.

Physics checked here: the free-energy diagram obeys Hess's law (its last level is the
standard free energy of the overall reaction from the gas thermochemistry); the Horiuti
numbers of CO oxidation are (2, 1, 2); the coverage transient drawn in the report relaxes to
the steady state the kinetics package verified. The rest checks the files: lossless round
trip, units on every numeric variable, provenance, a self-contained page that renders in
headless Chromium without errors (and a control showing the check catches errors).
"""

from __future__ import annotations

import base64
import hashlib
import html.parser
import json
import os
import pathlib
import re
import shutil
import subprocess

import numpy as np
import pytest
import xarray as xr
from workflow_helpers import FLAGSHIP, make_result

from catscale.cli._common import to_jsonable
from catscale.mechanism import Mechanism
from catscale.model import load_model
from catscale.stages import STAGES
from catscale.stages.figures import (
    coverage_transient,
    free_energy_profile,
    horiuti_numbers,
)
from catscale.workflow._report import render_report, write_report
from catscale.workflow._results import read_results, write_results

CHROMIUM = "/usr/bin/chromium"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def model():
    return load_model(FLAGSHIP)


@pytest.fixture(scope="module")
def result(model):
    return make_result(model)


@pytest.fixture(scope="module")
def outdir(tmp_path_factory, result):
    d = tmp_path_factory.mktemp("run")
    write_results(result, d)
    write_report(result, d)
    return d


# ---- physics of the figures ---------------------------------------------------------------
def test_horiuti_numbers_co_oxidation(model):
    # 2 CO + O2 -> 2 CO2: CO adsorbs twice, O2 dissociates once, CO* + O* reacts twice
    assert horiuti_numbers(model.mechanism).tolist() == [2, 1, 2]


def test_horiuti_numbers_two_routes_is_none():
    # A* -> B can go through B* or directly: two independent routes, no single cycle
    mech = Mechanism.from_equations(["A + * <=> A*", "A* <=> B*", "B* <=> B + *",
                                     "A* <=> B + *"])
    assert horiuti_numbers(mech) is None
    prof = free_energy_profile([{"equation": e, "dG": -0.1, "dG_act": 0.5}
                                for e in ("a", "b", "c", "d")], mech)
    assert prof.sigma is None and len(prof.labels) == 4     # each step once, file order


def test_free_energy_diagram_obeys_hess_law(model, result):
    """Last level = 2 G(CO2) - 2 G(CO) - G(O2) at T and 1 bar: the surface species cancel
    over one cycle. Both sides add the same thermochemistry in a different order, so they
    agree to round-off (1e-9 eV)."""
    prof = free_energy_profile(result.stages["rates"]["steps"], model.mechanism)
    th = model.thermo()
    T = model.T
    overall = 2 * th["CO2"].G(T) - 2 * th["CO"].G(T) - th["O2"].G(T)
    assert prof.states[-1] == pytest.approx(float(overall), abs=1e-9)
    # every transition state lies above both of its neighbouring minima
    ts = prof.ts
    fin = np.isfinite(ts)
    assert np.all(ts[fin] >= np.maximum(prof.states[:-1], prof.states[1:])[fin] - 1e-12)
    assert len(prof.labels) == 5


@pytest.mark.parametrize("lateral", [None, {"CO*-CO*": 0.15, "CO*-O*": 0.1}])
def test_coverage_transient_reaches_steady_state(model, result, lateral, tmp_path):
    """The transient from the clean surface (BDF) ends at the steady state found by Newton's
    method: two independent routes to the same fixed point, with and without lateral
    interactions (same rate law as the steady stage). 30 relaxation times leave e^-30 of
    the slowest mode, so 1e-6 relative (plus 1e-12 absolute for O* ~ 3e-7) is the solver
    tolerance (rtol 1e-8) with margin."""
    if lateral is None:
        st = result.stages["steady"]
    else:
        import yaml

        from catscale import stages
        from catscale.workflow import RunResult

        data = yaml.safe_load(FLAGSHIP.read_text())
        data.pop("uncertainty", None)
        data["lateral"] = lateral
        f = tmp_path / "lateral.yaml"
        f.write_text(yaml.safe_dump(data, sort_keys=False))
        model = load_model(f)
        res = RunResult(model=model)
        res.add("steady", stages.steady.run(model))
        st = res.stages["steady"]
    tr = coverage_transient(model, st)
    final = dict(zip(tr.species, tr.theta[-1]))
    for n, v in st["coverages"].items():
        assert final[n] == pytest.approx(v, rel=1e-6, abs=1e-12), n
    assert tr.site_balance_error < 1e-8
    assert tr.t[0] == 0.0 and np.all(np.diff(tr.t) > 0)


# ---- results.nc ---------------------------------------------------------------------------
def test_typed_result_layouts(model, result):
    """The dataset layout follows the fields' declarations: labelled mappings along their
    dimension, tables one variable per column along the row labels, nested results prefixed,
    lists of lists N-d, labels and flags as attributes."""
    ds = result.datasets["steady"]
    assert ds["coverages"].dims == ("surface",)
    assert set(ds["surface"].values) == {"CO*", "O*", "*"}
    rt = result.datasets["rates"]
    assert rt["steps.dG"].dims == ("step",)
    assert list(rt["step"].values) == [s.equation for s in model.mechanism.steps]
    p = result.datasets["pellet"]
    assert p["profiles.c"].dims[0] == "gas" and p["profiles.c"].dims[1] == "r"
    assert p["profiles.c"].sel(gas="O2").values.tolist() == \
        result.stages["pellet"]["profiles"]["c"]["O2"]
    assert p["r"].attrs["units"] == "m" and p["profiles.T"].attrs["units"] == "K"
    k = result.datasets["kmc"]
    assert k["snapshot"].shape == (12, 12)
    assert k["snapshot"].dims == ("lattice_row", "lattice_column")
    assert ds.attrs["method"] == "newton" and int(ds.attrs["stable"]) == 1
    assert ds["T"].attrs["units"] == "K" and rt["steps.dG"].attrs["units"] == "eV"
    assert ds["coverages"].attrs["units"] == "1"
    assert json.loads(k.attrs["reasons"]) == result.stages["kmc"]["reasons"]


def test_results_roundtrip(outdir, result, model):
    path = outdir / "results.nc"
    assert path.exists() and not (outdir / "results.nc.tmp").exists()
    d = read_results(outdir)
    assert list(d) == list(result.stages)
    for name, ds in d.items():
        # lossless: the stage dict itself comes back
        assert json.loads(ds.attrs["summary_json"]) == to_jsonable(result.stages[name])
        # units on every numeric variable and coordinate
        for v in list(ds.data_vars.values()):
            if v.dtype.kind in "biuf":
                assert "units" in v.attrs, f"{name}: {v.name} has no units"
        assert ds.attrs["provenance_input_sha256"] == hashlib.sha256(
            FLAGSHIP.read_bytes()).hexdigest()
        assert ds.attrs["stage"] == name
    rates = d["rates"]
    steps = result.stages["rates"]["steps"]
    np.testing.assert_array_equal(rates["steps.dG"].values, [s["dG"] for s in steps])
    np.testing.assert_array_equal(rates["steps.k_f"].values, [s["k_f"] for s in steps])
    assert rates["steps.dG_act"].attrs["units"] == "eV" and rates["T"].attrs["units"] == "K"
    assert rates["steps.k_f"].attrs["units"] == "1/s"    # pressures as activities p/1 bar
    st = d["steady"]
    for n, v in result.stages["steady"]["coverages"].items():
        assert float(st["coverages"].sel(surface=n)) == v
    assert st["tof"].attrs["units"] == "1/s"
    assert float(st["apparent_Ea"]) == result.stages["steady"]["apparent_Ea"]
    k = d["kmc"]
    assert float(k["kmc.coverages"].sel(surface="O*")) == 1e-6
    assert k["kmc.coverages"].attrs["units"] == "1"
    assert k["snapshot"].shape == (12, 12)
    np.testing.assert_array_equal(k["snapshot"].values, result.stages["kmc"]["snapshot"])
    assert float(k["kmc.pair_probabilities"].sel(pair="CO*-*", measure="p")) == 0.02
    p = d["pellet"]
    np.testing.assert_array_equal(p["profiles.c"].sel(gas="CO").values,
                                  result.stages["pellet"]["profiles"]["c"]["CO"])
    assert p["profiles.c"].attrs["units"] == "mol/m^3" and p["r"].attrs["units"] == "m"
    dif = d["diffusion"]
    assert dif["coverages.D_c"].dims == ("coverage",)
    assert dif["coverages.D_c"].attrs["units"] == "m^2/s"
    rx = d["reactor"]
    assert rx["profiles.F"].dims == ("gas", "volume")
    assert rx["profiles.F"].attrs["units"] == "mol/s"
    u = d["uq"]
    st_ = u["sensitivity.ST"]                        # (output, input) table of tables
    assert st_.dims == ("sensitivity_output", "input")
    assert st_.sel(sensitivity_output="log10_tof", input="dft_adsorbates") == 0.80
    assert u["sensitivity.S1"].attrs["units"] == "1"
    np.testing.assert_array_equal(u["samples[log10_tof]"].values,
                                  result.stages["uq"]["sample_values"]["log10_tof"])
    assert u["samples[tof]"].attrs["units"] == "1/s"
    # provenance in the root group: versions, hash, seeds of the stages and model sections
    import h5netcdf

    with h5netcdf.File(path, "r") as f:
        seeds = json.loads(f.attrs["provenance_seeds"])
        assert f.attrs["provenance_catscale"]
        assert f.attrs["provenance_xarray"] == xr.__version__
        assert json.loads(f.attrs["warnings"]) == result.warnings
        assert json.loads(f.attrs["stages"]) == list(result.stages)
    assert seeds["kmc.kmc.seed"] == 11 and seeds["uq.seed"] == 5
    assert seeds["model.kmc.seed"] == model.sections.kmc.seed


def test_ready_made_dataset_is_written_as_is(tmp_path, result):
    import copy

    res = copy.copy(result)
    ds = xr.Dataset({"tof": (("O*",), np.array([1.0, 2.0]), {"units": "s^-1 per site"})},
                    coords={"O*": [0.1, 0.2]})
    res.datasets = {"map": ds}
    out = write_results(res, tmp_path / "r.nc")
    back = read_results(out)["map"]
    xr.testing.assert_identical(back["tof"], ds["tof"])
    assert "summary_json" in back.attrs and back.attrs["stage"] == "map"
    # rewriting the same file replaces it
    write_results(res, tmp_path / "r.nc")
    assert list(read_results(tmp_path / "r.nc")) == list(res.stages)


# ---- report.html --------------------------------------------------------------------------
class _Refs(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.imgs: list[str] = []
        self.refs: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "img":
            self.imgs.append(a.get("src", ""))
        for key in ("src", "href", "srcset", "data", "poster", "action"):
            if key in a:
                self.refs.append((tag, key, a[key] or ""))


def _parse(text: str) -> _Refs:
    p = _Refs()
    p.feed(text)
    return p


def test_report_is_self_contained(outdir, result):
    text = (outdir / "report.html").read_text(encoding="utf-8")
    p = _parse(text)
    for tag, key, val in p.refs:
        assert not re.match(r"^\s*(https?:|//|ftp:|file:)", val, re.I), (tag, key, val)
        if key != "href":
            assert val.startswith("data:"), (tag, key, val[:40])
        else:
            assert val.startswith("#"), val                  # in-page links only
    assert not any(t == "link" for t, _ in p.tags)            # no external stylesheet
    assert not any(t == "script" and "src" in a for t, a in p.tags)
    assert "@import" not in text and "url(" not in text
    assert p.imgs, "no figure"
    for src in p.imgs:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == PNG_MAGIC
    # every figure of every ran stage drawn: none skipped, none failed
    expected = sum(len(STAGES[s].figures) for s in result.stages if s in STAGES) + 1  # + scales
    assert len(p.imgs) == expected
    assert 'class="figure-error"' not in text and 'class="note"' not in text


def test_report_sections_and_warnings(outdir, result):
    text = (outdir / "report.html").read_text(encoding="utf-8")
    p = _parse(text)
    for s in result.stages:
        assert f"stage-{s}" in p.ids
    assert "stage-homogenization" not in p.ids               # did not run: no section
    assert "scale-separation" in p.ids and "NOT justified" in text
    import html as h

    box = text.index('id="warnings"')
    assert box < text.index('id="stage-rates"')               # warnings before the stages
    for w in result.warnings:
        assert h.escape(w, quote=True) in text
    assert "<CO2>" not in text                                # escaped, not markup
    assert f"{len(result.warnings)} warnings" in text
    assert result.model.name in text
    assert hashlib.sha256(FLAGSHIP.read_bytes()).hexdigest() in text


def test_report_skips_figures_when_keys_are_missing(model):
    from catscale.workflow import RunResult

    res = RunResult(model=model)
    res.stages = {"kmc": {"verdict": "valid"}, "pellet": {"thiele": 1.0},
                  "reactor": {"profiles": {"T": [1.0, 2.0]}}, "uq": {"method": "sobol"},
                  "diffusion": {}, "homogenization": {"porosity": 0.4, "tortuosity": 2.1}}
    text = render_report(res)
    p = _parse(text)
    assert 'class="figure-error"' not in text
    assert text.count('class="note"') >= 8
    assert "stage has no" in text
    for s in res.stages:
        assert f"stage-{s}" in p.ids
    assert "No warnings" in text and "porosity" in text and not p.imgs


# ---- headless Chromium ---------------------------------------------------------------------
def _chromium_dom(html_file: pathlib.Path, tmp: pathlib.Path) -> tuple[str, str]:
    prof = tmp / "chromium-profile"
    prof.mkdir(exist_ok=True)
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--disable-extensions", f"--user-data-dir={prof}",
           "--enable-logging=stderr", "--v=0", "--dump-dom", html_file.resolve().as_uri()]
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout, proc.stderr


def _render_check(dom: str) -> dict[str, str]:
    m = re.search(r'<div id="render-check"([^>]*)>(.*?)</div>', dom, re.S)
    assert m, "render-check element missing from the rendered DOM"
    attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', m.group(1)))
    attrs["text"] = m.group(2)
    return attrs


needs_chromium = pytest.mark.skipif(
    not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)),
    reason=f"{CHROMIUM} not installed (Debian package 'chromium'; CI installs it)")


@needs_chromium
def test_report_renders_in_headless_chromium(outdir, tmp_path):
    """The page loads, its inline script runs, every image decodes, no JavaScript error or
    console error is recorded, and Chromium's own log has no uncaught exception."""
    dom, log = _chromium_dom(outdir / "report.html", tmp_path)
    n_img = len(_parse((outdir / "report.html").read_text(encoding="utf-8")).imgs)
    chk = _render_check(dom)
    assert chk.get("data-status") == "done", chk
    assert chk["data-errors"] == "0", chk["text"]
    assert chk["data-images-broken"] == "0"
    assert chk["data-images-ok"] == str(n_img)
    assert "Uncaught" not in log
    assert not re.search(r"CONSOLE.*(Error|error)", log), log[-2000:]


@needs_chromium
def test_render_check_catches_errors(outdir, tmp_path):
    """Control: the same check fails on a page with a script error, a console error and an
    image that does not decode, so the test above can fail."""
    text = (outdir / "report.html").read_text(encoding="utf-8")
    bad = text.replace('<div id="render-check"',
                       '<img src="data:image/png;base64,AAAA" alt="broken">'
                       "<script>undefinedFunctionOfTheReport();</script>"
                       '<script>console.error("report console error")</script>'
                       '<div id="render-check"')
    f = tmp_path / "bad.html"
    f.write_text(bad, encoding="utf-8")
    dom, log = _chromium_dom(f, tmp_path)
    chk = _render_check(dom)
    assert chk.get("data-status") == "done"
    assert int(chk["data-errors"]) >= 2
    assert chk["data-images-broken"] == "1"
    assert "undefinedFunctionOfTheReport" in chk["text"]
    assert "Uncaught" in log


# ---- end to end ---------------------------------------------------------------------------
@pytest.mark.slow
def test_run_end_to_end_writes_results_and_report(tmp_path):
    """``workflow.run`` on the flagship (kMC shortened, no uncertainty) then results and
    report: the files the lead's ``catscale run`` will write."""
    import yaml

    from catscale.workflow import run

    data = yaml.safe_load(FLAGSHIP.read_text())
    for later in ("uncertainty", "diffusion", "microstructure", "pellet", "reactor"):
        data.pop(later, None)          # this test covers rates, steady and kmc
    data["kmc"].update({"size": [16, 16], "events": 40000})
    mf = tmp_path / "flagship_small.yaml"
    mf.write_text(yaml.safe_dump(data, sort_keys=False))
    out = tmp_path / "out"
    res = run(mf, out=out)
    write_results(res, out)
    write_report(res, out)
    d = read_results(out)
    assert set(d) == {"rates", "steady", "kmc"}
    assert d["kmc"]["kmc.coverages"].attrs["units"] == "1"
    text = (out / "report.html").read_text(encoding="utf-8")
    p = _parse(text)
    assert {"stage-rates", "stage-steady", "stage-kmc", "scale-separation"} <= p.ids
    assert 'class="figure-error"' not in text
    assert all(s.startswith("data:image/png;base64,") for s in p.imgs)
    assert len(p.imgs) >= 6
    for w in res.warnings:
        assert __import__("html").escape(w, quote=True) in text
    assert json.loads((out / "summary.json").read_text())["model"] == res.model.name
    shutil.rmtree(out)


# ---- figures from other layouts -----------------------------------------------------------
def test_volcano_from_descriptor_map_dataset():
    """The map stage may hand over the Dataset of kinetics.descriptor_map (tof over the
    descriptor axes, named surfaces as surface_<axis> variables): drawn with the surfaces."""
    from catscale.stages.figures import fig_volcano

    x, y = np.linspace(-1, 0, 5), np.linspace(-0.5, 0.5, 4)
    tof = 10.0 ** (-np.abs(x[:, None] + 0.5) * 4 - np.abs(y[None, :]))
    ds = xr.Dataset({"tof": (("O*", "CO*"), tof), "surface_O*": ("surface", [-0.4]),
                     "surface_CO*": ("surface", [0.1])},
                    coords={"O*": x, "CO*": y, "surface": ["Pt"]})
    fig = fig_volcano(None, None, dataset=ds)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "O* / eV" and ax.get_ylabel() == "CO* / eV"
    assert [t.get_text() for t in ax.texts] == ["Pt"]


def test_results_accept_numpy_arrays(tmp_path, model):
    from catscale.stages import KMCRunResult
    from catscale.workflow import RunResult

    res = RunResult(model=model)
    snap = np.arange(12, dtype=np.int64).reshape(3, 4) % 3
    kr = KMCRunResult.from_dict({"coverages": {"A*": np.float64(0.5)}, "events": np.int64(7),
                                 "step_rates": np.array([1.0, 2.0]), "status": "ok",
                                 "lattice": {"name": "square", "size": [3, 4]}})
    res.stages = {"kmc": kr.to_dict()}
    res.datasets = {"kmc": kr.to_dataset()}
    back = read_results(write_results(res, tmp_path))["kmc"]
    assert float(back["coverages"].sel(surface="A*")) == 0.5
    assert back["step_rates"].values.tolist() == [1.0, 2.0]
    assert int(back["events"]) == 7 and back["events"].attrs["units"] == "1"
    assert json.loads(back.attrs["lattice"]) == {"name": "square", "size": [3, 4]}
    del snap


PELLET_MODEL = """catscale: 1
name: A to B on pellets
conditions:
  T: 500
  pressures: {A: 1.0, B: 0.0}
sites:
  "*": {density: 1.0e19 m^-2}
species:
  A: {phase: gas}
  B: {phase: gas}
  A*: {}
steps:
  - equation: A + * <=> A*
    k_f: 1.0e3
    k_r: 1.0e3
  - equation: A* -> B + *
    k_f: 50.0
pellet:
  shape: sphere
  size: 1 mm
  D_eff: 1.0e-6 m^2/s
  kinetics: {order: 1, k: 10.0, product: B}
reactor: {type: pfr, volume: 1.0e-5, flow: 1.0e-3, bed_voidage: 0.4, n_points: 5}
"""


@pytest.mark.slow
def test_run_with_pellet_and_reactor_stages(tmp_path):
    """The lead's pellet and reactor stages, as they are, through results.nc and the
    report: profiles on their coordinates with units, both figures drawn."""
    from catscale.pellet import effectiveness_first_order
    from catscale.workflow import run

    mf = tmp_path / "pellet.yaml"
    mf.write_text(PELLET_MODEL)
    out = tmp_path / "out"
    res = run(mf, out=out)
    assert {"pellet", "reactor"} <= set(res.stages)
    write_results(res, out)
    write_report(res, out)
    d = read_results(out)
    pel = d["pellet"]
    assert pel["profiles.c"].dims == ("gas", "r") and pel["r"].attrs["units"] == "m"
    assert pel["size"].attrs["units"] == "m" and float(pel["size"]) == 1e-3
    # the point drawn on the eta(phi) figure lies on the analytic first-order sphere curve
    # (200 finite volumes: O(h^2) ~ 2e-5 relative, as tests/reactor states)
    assert float(pel["effectiveness"]) == pytest.approx(
        float(effectiveness_first_order(float(pel["thiele"]), "sphere")), rel=2e-5)
    rx = d["reactor"]
    F = rx["profiles.F"]                    # molar flows (gas, volume); the gas dimension is
    assert F.dims[1] == "volume"            # named after the first labels seen ('gas' is
    assert list(rx[F.dims[0]].values) == ["A", "B"]     # taken by the selectivity, B only)
    assert rx["volume"].attrs["units"] == "m^3" and F.attrs["units"] == "mol/s"
    text = (out / "report.html").read_text(encoding="utf-8")
    p = _parse(text)
    for fid in ("pellet_profiles", "effectiveness", "reactor_profiles"):
        assert f"fig-{fid}" in p.ids, fid
    assert 'class="figure-error"' not in text
