"""One internal pressure unit (issue 19 item 7): a model holds its pressures once, in Pa;
the rate laws take the activities p / p0 (p0 = 1 bar, ``catscale.units.P0``) from one
function; the standard pressure is written nowhere but ``catscale/units.py``; rate
constants and the pellet's rate coefficient take unit strings."""

from __future__ import annotations

import io
import pathlib
import tokenize

import pytest

from catscale.errors import ModelFileError
from catscale.kinetics import steady_state
from catscale.model import load_model
from catscale.units import P0, activities, activity_from_concentration, concentration

ROOT = pathlib.Path(__file__).resolve().parents[2]
LANGMUIR = (ROOT / "tests/data/validation/models/langmuir.yaml").read_text()
COND = "  pressures: {A: 0.5}"


def _langmuir(cond: str = COND, units: str = "units: {pressure: bar}"):
    text = LANGMUIR.replace(COND, cond).replace("units: {pressure: bar}", units)
    return load_model("<string>", text=text)


@pytest.mark.parametrize("cond, units", [
    (COND, "units: {pressure: bar}"),
    ("  pressures: {A: 50 kPa}", "units: {pressure: bar}"),
    ("  pressures: {A: 50}", "units: {pressure: kPa}"),
    ("  pressures: {A: 5.0e4}", "units: {pressure: Pa}"),
    ("  P: 0.5 bar\n  mole_fractions: {A: 1.0}", "units: {pressure: bar}"),
])
def test_one_pressure_in_pa_and_activities_from_it(cond, units):
    m = _langmuir(cond, units)
    # held once, in Pa (conditions); the activity is p / p0 with p0 = 1 bar
    assert m.partial_pressures == pytest.approx({"A": 5.0e4}, rel=1e-14)
    assert m.activities == pytest.approx({"A": 0.5}, rel=1e-14)
    assert m.pressures == m.activities == activities(m.conditions.partial_pressures_pa())
    # Langmuir isotherm, K = k_f / k_r = 4: theta = K a / (1 + K a) = 2/3 exactly
    ss = steady_state(m.mechanism, m.rates(), m.pressures)
    assert ss.coverages["A*"] == pytest.approx(2.0 / 3.0, rel=1e-10)


def test_with_conditions_writes_the_one_source_of_truth():
    m = _langmuir("  P: 0.5 bar\n  mole_fractions: {A: 1.0}")
    for p in (0.25, "25 kPa", "187.515 torr"):
        m2 = m.with_conditions(pressures={"A": p})          # bare numbers in bar
        assert m2.conditions.partial_pressures_pa() == m2.partial_pressures
        assert m2.partial_pressures["A"] == pytest.approx(2.5e4, rel=1e-5)
        a = m2.activities["A"]
        ss = steady_state(m2.mechanism, m2.rates(), m2.activities)
        assert ss.coverages["A*"] == pytest.approx(4 * a / (1 + 4 * a), rel=1e-10)
    assert m.partial_pressures["A"] == pytest.approx(5.0e4, rel=1e-14)   # unchanged
    with pytest.raises(Exception, match="pressure"):
        m.with_conditions(pressures={"A": "1 eV"})


def test_concentration_and_activity_are_inverse_and_ideal_gas():
    # ideal gas at 273.15 K and 100 kPa: molar volume 22.71095464 L/mol (CODATA 2018)
    c = concentration(1.0, 273.15)
    assert c == pytest.approx(1.0 / 22.71095464e-3, rel=1e-9)
    assert activity_from_concentration(c, 273.15) == pytest.approx(1.0, rel=1e-15)
    assert P0 == 1.0e5


def _number_tokens(path: pathlib.Path):
    src = path.read_text(encoding="utf-8")
    for tok in tokenize.generate_tokens(io.StringIO(src).readline):
        # float literals only (1e5, 1.0e5, 100000.0): an integer 100000 is a count
        if tok.type == tokenize.NUMBER and any(ch in tok.string for ch in ".eE"):
            try:
                v = float(tok.string.replace("_", ""))
            except ValueError:
                continue
            yield v, tok.start[0], tok.line.strip()


def test_standard_pressure_is_written_only_in_units():
    """No float 1e5 in catscale's code outside units.py (strings and comments aside):
    the standard pressure is ``catscale.units.P0``, a bar is ``catscale.units.bar``."""
    # not pressures: the upper temperature bound (K) of a Cantera species' NASA range and
    # the plausibility range of process temperatures (K)
    allowed = {("catscale/model/importers/cantera.py", "max_temp"),
               ("catscale/quantities.py", "TEMPERATURE_RANGE")}
    found = []
    for path in sorted((ROOT / "catscale").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "catscale/units.py":
            continue
        for v, line, text in _number_tokens(path):
            if v == 1.0e5 and not any(rel == f and key in text for f, key in allowed):
                found.append(f"{rel}:{line}: {text}")
    assert found == []


def test_rate_constants_take_unit_strings():
    bare = _langmuir()
    m = load_model("<string>", text=LANGMUIR.replace("k_f: 4.0", "k_f: 240 1/min")
                   .replace("k_r: 1.0", "k_r: 1 Hz"))
    assert m.rates().k_f[0] == pytest.approx(bare.rates().k_f[0], rel=1e-14)
    assert m.rates().k_r[0] == bare.rates().k_r[0]
    # gases enter as activities: a pressure unit in a rate constant is refused, with the field
    with pytest.raises(ModelFileError) as exc:
        load_model("<string>", text=LANGMUIR.replace("k_f: 4.0", "k_f: 4 1/(bar s)"))
    assert any(e.field == "steps[0].k_f" for e in exc.value.errors)


def test_pellet_rate_coefficient_takes_its_order_dependent_unit():
    base = (ROOT / "tests/data/models/single_site_cycle.yaml").read_text()

    def k(kin: str) -> float:
        text = base + f"pellet: {{size: 1 mm, D_eff: 1.0e-6, kinetics: {kin}}}\n"
        return load_model("<string>", text=text).sections.pellet.kinetics.k

    assert k("{order: 1, k: 600 1/min}") == pytest.approx(10.0, rel=1e-14)
    assert k("{order: 2, k: 1 L/(mol*s)}") == pytest.approx(1.0e-3, rel=1e-14)   # m^3/(mol s)
    assert k("{order: 0, k: 2 mmol/(L*s)}") == pytest.approx(2.0, rel=1e-14)     # mol/(m^3 s)
    assert k("{order: 2, k: 0.5}") == 0.5                                        # bare: SI
    with pytest.raises(ModelFileError) as exc:
        k("{order: 1, k: 1 L/s}")
    assert any(e.field == "pellet.kinetics.k" for e in exc.value.errors)
