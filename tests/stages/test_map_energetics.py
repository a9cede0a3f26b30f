"""The descriptor map solves every point with the model's energetics (lateral interactions,
coverage effects), as ``catscale steady`` solves the model itself (issue 19, item 5)."""

import pathlib

import pytest

from catscale.kinetics import descriptor_map as bare_map
from catscale.model import load_model
from catscale.stages import descriptor_map, steady

ROOT = pathlib.Path(__file__).resolve().parents[2]
FLAGSHIP = (ROOT / "examples" / "co_oxidation_pt111.yaml").read_text()
# the descriptor section of tests/model/test_descriptors.py on a 3 x 3 grid whose middle
# point is the flagship's own energies (O* 1.62, CO* 1.70 eV), Pt only
DESCRIPTORS = ("\n" + (ROOT / "tests" / "data" / "fragments" / "descriptors_co_oxidation.yaml")
               .read_text()
               .replace("axes: {O*: [1.2, 2.2, 5], CO*: [1.2, 2.2, 5]}",
                        "axes: {O*: [1.22, 2.02, 3], CO*: [1.30, 2.10, 3]}")
               .replace(", Ag: {O*: 2.05, CO*: 2.99}", ""))
assert "[1.22, 2.02, 3]" in DESCRIPTORS and "Ag: {" not in DESCRIPTORS
# repulsive pairs strong enough to change the TOF by orders of magnitude at 500 K
LATERAL = "\nlateral: {CO*-CO*: 0.10, CO*-O*: 0.05, O*-O*: 0.08}\nlateral_coordination: 6\n"


def _model(tmp_path, lateral=LATERAL):
    f = tmp_path / "map.yaml"
    f.write_text(FLAGSHIP.split("\nkmc:")[0] + lateral + DESCRIPTORS)
    return load_model(f)


def test_map_point_at_the_models_descriptors_is_the_steady_state(tmp_path):
    m = _model(tmp_path)
    assert m.energetics.pairs                      # the model has lateral interactions
    res = descriptor_map.run(m)
    ds = res.dataset
    assert res.verified == res.points == 9
    at = ds.tof.isel({"O*": 1, "CO*": 1})
    assert float(at["O*"]) == pytest.approx(1.62) and float(at["CO*"]) == pytest.approx(1.70)
    ss = steady.solve(m)
    # both are verified steady states (scaled residual < 1e-8 at every point): the TOFs
    # agree to that order; 1e-6 relative leaves room for the 1e-16 rounding of the grid point
    assert float(at) == pytest.approx(ss.tof["CO2"], rel=1e-6)
    assert res.surfaces["Pt"] == pytest.approx(ss.tof["CO2"], rel=1e-6)
    cov = ds.coverage.isel({"O*": 1, "CO*": 1})
    for sp, th in ss.coverages.items():
        assert float(cov.sel(species=sp)) == pytest.approx(th, rel=1e-6, abs=1e-12)
    # the interactions matter here: without them the TOF is four orders of magnitude lower
    plain = steady.solve(_model(tmp_path, lateral="\n")).tof["CO2"]
    assert abs(float(at) / plain - 1) > 10
    # and the map without the energetics (what the map stage computed before) gives it
    ds0 = bare_map(m.mechanism, lambda p: m.at_descriptors(p).rates(), m.pressures,
                   {"O*": [1.62], "CO*": [1.70]})
    assert float(ds0.tof.squeeze()) == pytest.approx(plain, rel=1e-6)


def test_map_refuses_a_changing_temperature_with_energetics(tmp_path):
    from catscale.errors import InvalidParameterError

    m = _model(tmp_path)

    def rates_at(p):              # T would change along the axis: the lateral terms would not
        return m.with_conditions(T=500 + 50 * p[0]).rates()

    with pytest.raises(InvalidParameterError, match="same T"):
        bare_map(m.mechanism, rates_at, m.pressures, {"O*": [0.0, 1.0]},
                 energetics=m.energetics)
