"""Units of the typed results (issue 19): every declared unit parses with pint, and the
flagship's results.nc carries right, pint-parsable units on every variable."""

from __future__ import annotations

import dataclasses
import pathlib

import numpy as np
import pint
import pytest
import yaml

import catscale
from catscale import stages, uq
from catscale.mechanism import RatesResult
from catscale.results import StageResult

ROOT = pathlib.Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "examples" / "co_oxidation_pt111.yaml"
UREG = pint.UnitRegistry()


def _result_classes():
    seen, todo = set(), [StageResult]
    while todo:
        c = todo.pop()
        for s in c.__subclasses__():
            if s not in seen:
                seen.add(s)
                todo.append(s)
    return sorted(seen, key=lambda c: c.__name__)


def _units(u: str):
    return UREG.Quantity(1.0, u)


def test_every_declared_unit_parses():
    classes = _result_classes()
    assert {RatesResult, stages.SteadyResult, stages.PelletRunResult, uq.UQResult} <= set(classes)
    for cls in classes:
        for f in dataclasses.fields(cls):
            md = f.metadata
            if md.get("kind") == "quantity":
                _units(md["units"])
                assert md["long_name"], (cls.__name__, f.name)
            elif md.get("kind") == "table":
                for col in md["columns"].values():
                    _units(col.units)


@pytest.fixture(scope="module")
def flagship_results(tmp_path_factory):
    d = tmp_path_factory.mktemp("flagship")
    data = yaml.safe_load(FLAGSHIP.read_text())
    data["kmc"]["events"] = 200_000                  # the stage, not the statistics, is tested
    data["uncertainty"]["samples"] = 16
    data["uncertainty"].pop("sensitivity", None)
    f = d / "flagship.yaml"
    f.write_text(yaml.safe_dump(data, sort_keys=False))
    import catscale.transport.homogenization as H

    calls = []
    orig = H.effective_diffusivity

    def counted(*a, **k):
        calls.append(1)
        return orig(*a, **k)

    H.effective_diffusivity = counted
    try:
        res = catscale.load_model(f).run(out=d / "out")
    finally:
        H.effective_diffusivity = orig
    from catscale.workflow import read_results

    return res, read_results(d / "out"), len(calls)


def test_flagship_results_units_are_right(flagship_results):
    res, groups, _ = flagship_results
    assert set(groups) == set(res.stages)
    for name, ds in groups.items():
        for v in list(ds.data_vars.values()) + list(ds.coords.values()):
            if v.dtype.kind in "biuf":
                assert "units" in v.attrs and "long_name" in v.attrs, (name, v.name)
                _units(v.attrs["units"])
    dim = UREG.Quantity
    # samples checked against the physics of each quantity
    assert dim(1, groups["rates"]["T"].attrs["units"]).check("[temperature]")
    assert dim(1, groups["steady"]["tof"].attrs["units"]).check("1/[time]")
    hom = groups["homogenization"]
    assert dim(1, hom["correlation_length"].attrs["units"]).check("[length]")
    assert 1e-9 < float(hom["correlation_length"]) < 1e-6          # pores of tens of nm
    assert dim(1, hom["pellet_D_eff"].attrs["units"]).check("[length]**2/[time]")
    pel = groups["pellet"]
    assert dim(1, pel["size"].attrs["units"]).check("[length]")
    assert float(pel["size"]) == pytest.approx(1.5e-3)
    assert dim(1, pel["profiles.c"].attrs["units"]).check("[substance]/[length]**3")
    dif = groups["diffusion"]
    assert dim(1, dif["a"].attrs["units"]).check("[length]") and float(dif["a"]) < 1e-9
    k = groups["kmc"]
    assert k["kmc.correlation_length"].attrs["units"] == "1"         # lattice spacings
    assert "kmc.lattice" in k.attrs and "z" not in k.data_vars       # coordination: a label
    assert dim(1, groups["reactor"]["profiles.F"].attrs["units"]).check("[substance]/[time]")
    assert dim(1, groups["uq"]["samples[tof]"].attrs["units"]).check("1/[time]")
    assert np.isfinite(groups["uq"]["samples[tof]"].values).any()


def test_flagship_homogenizes_once(flagship_results):
    res, _, n_solves = flagship_results
    # pellet, reactor and uq took the homogenization result instead of solving it again
    # (before the stages layer: 3 solves of the same 48^3 cell problem)
    assert n_solves == 1 and "homogenization" in res.results
    assert res.results["pellet"].D_eff == pytest.approx(
        res.results["homogenization"].pellet_D_eff)
