"""Zacros interop: catscale export zacros / catscale import zacros.

Round trips (model -> Zacros -> model: same rates, steady state, kMC events; Zacros ->
model -> Zacros: same events, energetics, lattice and conditions), published input sets
(the Zacros ZGB tutorial, a pyZacros water-gas-shift set) imported and run, refusals exit 2.
"""

import json
import math
import pathlib
import shutil

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from catscale.bridges.rates_to_kmc import pair_coordination
from catscale.cli import cmd_export, cmd_import, cmd_kmc, cmd_steady
from catscale.model import load_model
from catscale.model._zacros_format import DIRECTIONS, ZacrosInput, read_zacros
from catscale.model.exporters import write_zacros
from catscale.model.importers.zacros import load_zacros, write_zacros_model
from catscale.model.sections.kmc import build_lattice
from catscale.stages import kmc as kmc_stage
from catscale.stages.steady import solve as steady_solve
from catscale.units import kB

DATA = pathlib.Path(__file__).resolve().parents[1] / "data" / "zacros"
EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "co_oxidation_pt111.yaml"
runner = CliRunner()


@pytest.fixture(scope="module")
def app():
    a = typer.Typer()
    for mod in (cmd_export, cmd_import, cmd_kmc, cmd_steady):
        mod.register(a)
    return a


def _model_with_lateral(tmp_path):
    """The flagship CO oxidation on its hexagonal lattice with nearest-neighbour pair
    interactions, an O* hop and a BEP override (everything the exporter writes)."""
    text = EXAMPLE.read_text()
    text += ('\nlateral: {"CO*-CO*": 0.08, "CO*-O*": 0.04, "O*-O*": 0.12}\n')
    p = tmp_path / "model.yaml"
    p.write_text(text)
    m = load_model(p)
    doc = m.raw
    kmc = dict(doc["kmc"])
    kmc.update(diffusion={"O*": 5.0e4}, bep={"CO* + O* <=> CO2 + 2*": 0.3},
               interactions=[{"pair": "CO*-O*", "shell": 1, "energy": 0.01}])
    kmc.pop("fast_diffusion", None)
    import yaml

    doc = dict(doc, kmc=kmc)
    p.write_text(yaml.safe_dump(doc, sort_keys=False))
    return load_model(p)


def _events(m):
    """Lattice and kMC events of a model as ``catscale kmc`` builds them."""
    km, lat, *_ = kmc_stage.inputs(m)
    pairs = {}
    for a, b, shell, e in km.interactions.pairs:
        k = (tuple(sorted((a, b))), shell)
        pairs[k] = pairs.get(k, 0.0) + e
    return lat, km, pairs


def test_model_zacros_model_round_trip(tmp_path):
    m = _model_with_lateral(tmp_path)
    ex = write_zacros(m, tmp_path / "zx")
    assert [pathlib.Path(f).name for f in ex.files] == [
        "simulation_input.dat", "lattice_input.dat", "energetics_input.dat",
        "mechanism_input.dat"]
    zm = load_zacros(tmp_path / "zx")
    m2 = load_model(write_zacros_model(zm, tmp_path / "back.yaml"))
    # the same rate constants (numbers are written with repr: exact up to exp/log rounding)
    r1, r2 = m.rates(), m2.rates()
    np.testing.assert_allclose(r2.k_f, r1.k_f, rtol=1e-12)
    np.testing.assert_allclose(r2.k_r, r1.k_r, rtol=1e-12)
    # the same energetics: lateral pairs (shell-1 interactions folded in) and alpha
    assert m2.mean_field_lateral() == pytest.approx(m.mean_field_lateral(), rel=1e-12)
    assert list(m2.lateral_alpha()) == pytest.approx(list(m.lateral_alpha()))
    assert m2.coordination() == m.coordination() == 6
    # the same kMC events on the same lattice (site numbering, positions, neighbours)
    lat1, k1, e1 = _events(m)
    lat2, k2, e2 = _events(m2)
    np.testing.assert_allclose(lat2.positions, lat1.positions, atol=1e-12)
    assert np.array_equal(np.sort(lat2.neighbors(1), 1), np.sort(lat1.neighbors(1), 1))
    ev1 = sorted((p.initial, p.final, p.gas, p.alpha, p.rate) for p in k1.processes)
    ev2 = sorted((p.initial, p.final, p.gas, p.alpha, p.rate) for p in k2.processes)
    assert [e[:4] for e in ev2] == [e[:4] for e in ev1]
    np.testing.assert_allclose([e[4] for e in ev2], [e[4] for e in ev1], rtol=1e-12)
    assert e2 == pytest.approx(e1, rel=1e-12) and e1[(("CO*", "O*"), 1)] == 0.05
    # the same mean-field steady state
    s1, s2 = steady_solve(m), steady_solve(m2)
    for k, v in s1.coverages.items():
        assert s2.coverages[k] == pytest.approx(v, rel=1e-8, abs=1e-14)
    assert s2.tof["CO2"] == pytest.approx(s1.tof["CO2"], rel=1e-8)


def _event_rates(zi: ZacrosInput):
    """Per-event rates at T of a parsed Zacros set, by Zacros' documented rules (the test's
    own oracle): adsorption pre-exponentials times the partial pressure, forward barrier
    max(0, activ_eng) and for reversible steps max(0, dE0, activ_eng), reverse
    pre_expon / pe_ratio with barrier Ea - dE0."""
    point = {c.states[0]: c.energy / c.multiplicity for c in zi.clusters
             if len(c.states) == 1}
    gas = dict(zip(zi.gas_names, zi.gas_energies))
    p = {g: zi.P * x for g, x in zip(zi.gas_names, zi.gas_fractions)}
    kT = kB * zi.T
    out = {}
    for s in zi.steps:
        dE = (sum(point.get(x, 0.0) for x in s.final) - sum(point.get(x, 0.0)
                                                          for x in s.initial)
              + sum(c * gas[g] for g, c in s.gas))
        Ea = max(0.0, dE, s.activ_eng) if s.reversible else max(0.0, s.activ_eng)
        pf = math.prod(p[g] ** -c for g, c in s.gas if c < 0)
        fwd = s.pre_expon * pf * math.exp(-Ea / kT)
        rev = None
        if s.reversible:
            pr = math.prod(p[g] ** c for g, c in s.gas if c > 0)
            rev = s.pre_expon / s.pe_ratio * pr * math.exp(-(Ea - dE) / kT)
        out[(s.initial, s.final, tuple(sorted(s.gas)))] = (fwd, rev, s.prox_factor,
                                                           s.reversible)
    return out


def _pairs(zi: ZacrosInput):
    """Energy per unordered nearest-neighbour pair (cluster_eng x automorphisms /
    graph_multiplicity) and per isolated adsorbate."""
    pairs, points = {}, {}
    for c in zi.clusters:
        if len(c.states) == 1:
            points[c.states[0]] = points.get(c.states[0], 0.0) + c.energy / c.multiplicity
        else:
            k = tuple(sorted(c.states))
            auto = 2 if c.states[0] == c.states[1] else 1
            pairs[k] = pairs.get(k, 0.0) + c.energy * auto / c.multiplicity
    return points, pairs


def _graph(zi: ZacrosInput):
    """Site positions (lattice constants) and the neighbour graph of a Zacros lattice."""
    lat = zi.lattice
    L1, L2 = lat.repeat
    nb = len(lat.coordinates)
    a1, a2 = np.array(lat.cell_vectors) / lat.constant
    pos, edges = [], set()
    for i in range(L1):
        for j in range(L2):
            for f1, f2 in lat.coordinates:
                pos.append((i + f1) * a1 + (j + f2) * a2)
    for i in range(L1):
        for j in range(L2):
            for b, b2, d in lat.neighbors:
                d1, d2 = DIRECTIONS[d]
                s = (i * L2 + j) * nb + b
                t = (((i + d1) % L1) * L2 + (j + d2) % L2) * nb + b2
                edges.add((min(s, t), max(s, t)))
    return np.array(pos), edges


@pytest.mark.parametrize("name", ["zgb", "wgs_hexagonal"])
def test_zacros_model_zacros_round_trip(tmp_path, name):
    a = read_zacros(DATA / name)
    m = load_model(write_zacros_model(load_zacros(DATA / name), tmp_path / "m.yaml"))
    write_zacros(m, tmp_path / "out")
    b = read_zacros(tmp_path / "out")
    # conditions and species
    # (partial pressures P x_i: the WGS set's fractions sum to 0.95, the rest is inert)
    assert b.T == a.T and b.gas_names == a.gas_names and b.gas_energies == a.gas_energies
    assert [b.P * x for x in b.gas_fractions] == pytest.approx([a.P * x for x in
                                                                a.gas_fractions])
    assert set(b.surf_names) == set(a.surf_names) and set(b.surf_dentates) == {1}
    assert b.seed == a.seed and b.max_time == a.max_time
    # energetics: the same energy per adsorbate and per neighbour pair
    pa, qa = _pairs(a)
    pb, qb = _pairs(b)
    assert pb == pytest.approx({k: pa.get(k, 0.0) for k in pb}) and set(pa) <= set(pb)
    assert qb == pytest.approx(qa)
    # events: the same patterns at the same rates, both directions, same proximity factors
    ea, eb = _event_rates(a), _event_rates(b)
    assert set(eb) == set(ea)
    for k, (f, r, w, rev) in ea.items():
        f2, r2, w2, rev2 = eb[k]
        assert f2 == pytest.approx(f, rel=1e-12) and w2 == w and rev2 == rev
        assert (r2 is None and r is None) or r2 == pytest.approx(r, rel=1e-12)
    # irreversible steps keep their barrier (catscale Ea/A): the Arrhenius form survives
    act = {(s.initial, s.final): s.activ_eng for s in a.steps if not s.reversible}
    for s in b.steps:
        if not s.reversible:
            assert s.activ_eng == pytest.approx(max(0.0, act[(s.initial, s.final)]))
    # the lattice: same sites and neighbour graph (default_choice -> periodic_cell)
    (xa, ga), (xb, gb) = _graph(a), _graph(b)
    np.testing.assert_allclose(xb, xa, atol=1e-9)
    assert gb == ga


def test_zgb_tutorial_imports_and_kmc_is_in_the_reactive_window(app, tmp_path):
    # Zacros tutorial 1 at y_CO = 0.45, inside ZGB's reactive window 0.389 < y < 0.525
    # (Ziff, Gulari & Barshad, PRL 56, 2553 (1986)): no poisoning, O-rich surface, CO2 made
    out = tmp_path / "zgb.yaml"
    res = runner.invoke(app, ["import", "zacros", str(DATA / "zgb"), "--out", str(out),
                              "--json"])
    assert res.exit_code == 0, res.output
    info = json.loads(res.stdout)
    assert info["steps"] == ["CO + * -> CO*", "O2 + * + * -> O* + O*",
                             "CO* + O* -> * + * + CO2"]
    m = load_model(out)
    lat = build_lattice(m.sections.kmc, ["*"])
    assert lat.size == (50, 50) and pair_coordination(lat, "*", "*") == 4
    # O2: 2.5 per ordered pair and bar in Zacros -> k = z x 2.5 = 10 per site and bar, the
    # same as CO's 10: the ZGB model's equal arrival rates
    assert list(m.rates().k_f[:2]) == [10.0, 10.0]
    assert m.pressures == {"CO": 0.45, "O2": 0.55, "CO2": 0.0}
    res = runner.invoke(app, ["kmc", str(out), "--events", "150000", "--seed", "5",
                              "--json"])
    assert res.exit_code == 0, res.output
    r = json.loads(res.stdout)
    cov = r["coverages"]
    assert r["status"] in ("ok", "t_max") and sum(cov.values()) == pytest.approx(1.0)
    assert r["tof"]["CO2"] > 0.05 and cov["*"] > 0.01 and cov["O*"] > cov["CO*"]


def test_published_wgs_set_imports_and_runs(app, tmp_path):
    out = tmp_path / "wgs.yaml"
    res = runner.invoke(app, ["import", "zacros", str(DATA / "wgs_hexagonal"), "--out",
                              str(out), "--json"])
    assert res.exit_code == 0, res.output
    info = json.loads(res.stdout)
    # CO-CO_1NN has graph_multiplicity 1 on a symmetric pattern: Zacros counts it twice
    assert info["lateral"]["CO*-CO*"] == pytest.approx(2 * 0.56)
    assert info["lateral"]["CO*-O*"] == pytest.approx(0.423)
    assert any("CO-CO_1NN" in w for w in info["warnings"])
    m = load_model(out)
    assert m.coordination() == 6
    # the reversible H2O* + * <=> OH* + H*: per event 1.042e13 exp(-0.777/kT) forward
    j = [s.equation for s in m.mechanism.steps].index("H2O* + * <=> OH* + H*")
    kT = kB * 500.0
    assert m.rates().k_f[j] == pytest.approx(6 * 1.042e13 * math.exp(-0.777 / kT), rel=1e-12)
    dE = (0.83 - 0.619) - (-0.362)
    assert m.rates().k_r[j] == pytest.approx(6 * 1.042e13 * math.exp(-(0.777 - dE) / kT),
                                             rel=1e-12)
    # mean field solves it (catscale's kMC is impractically slow here: its rejection bound
    # for a 1.12 eV pair repulsion on six neighbours accepts almost no event)
    ss = steady_solve(m)
    assert sum(ss.coverages.values()) == pytest.approx(1.0)
    assert min(ss.coverages.values()) >= 0.0 and ss.residual < 1e-8


def _broken(tmp_path, name, old, new, file="mechanism_input.dat"):
    d = tmp_path / name
    shutil.copytree(DATA / "zgb", d)
    text = (d / file).read_text()
    assert old in text
    (d / file).write_text(text.replace(old, new, 1))
    return d


@pytest.mark.parametrize("file,old,new,needle", [
    ("mechanism_input.dat", "  activ_eng  0.0\nend_step", "  activ_eng  0.0\n  foo 1\nend_step",
     "foo"),
    ("mechanism_input.dat", "pre_expon  10.0", "pre_expon  ten", "pre_expon"),
    ("mechanism_input.dat", "    1 CO*  1\n  pre", "    1 CO*  2\n  pre", "multidentate"),
    ("lattice_input.dat", "rectangular_periodic 1.0 50 50", "square_periodic 1.0 50 50",
     "default_choice"),
    ("simulation_input.dat", "surf_specs_dent           1            1",
     "surf_specs_dent           1            2", "multidentate"),
    ("energetics_input.dat", "cluster_eng -2.3", "cluster_eng -2.3\n  angles 1-2-3:180",
     "angle"),
])
def test_refusals_exit_2_naming_file_and_keyword(app, tmp_path, file, old, new, needle):
    d = _broken(tmp_path, "bad", old, new, file)
    res = runner.invoke(app, ["import", "zacros", str(d), "--out", str(tmp_path / "x.yaml")])
    assert res.exit_code == 2, res.output
    assert needle in res.output and "Traceback" not in res.output
    assert not (tmp_path / "x.yaml").exists()


def test_export_refuses_what_zacros_files_cannot_hold(app, tmp_path):
    import yaml

    doc = yaml.safe_load(EXAMPLE.read_text())
    doc["kmc"]["interactions"] = [{"pair": "CO*-CO*", "shell": 2, "energy": 0.02}]
    p = tmp_path / "m.yaml"
    p.write_text(yaml.safe_dump(doc))
    res = runner.invoke(app, ["export", "zacros", str(p), "--out", str(tmp_path / "z")])
    assert res.exit_code == 2 and "shell 2" in res.output
    res = runner.invoke(app, ["export", "zacros", str(EXAMPLE), "--out",
                              str(tmp_path / "ok"), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["format"] == "zacros" and len(out["files"]) == 4 and out["T"] == 500.0
