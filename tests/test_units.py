"""Unit conversion at the boundary (catscale.units)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catscale import units
from catscale.errors import InvalidParameterError


def test_constants_codata():
    # CODATA 2018: k_B = 8.617333262e-5 eV/K, h = 4.135667696e-15 eV s (exact in SI 2019)
    assert units.kB == pytest.approx(8.617333262e-5, rel=1e-9)
    assert units.h == pytest.approx(4.135667696e-15, rel=1e-9)
    # 1 cm^-1 = 1.239841984e-4 eV
    assert units.invcm == pytest.approx(1.239841984e-4, rel=1e-9)


@pytest.mark.parametrize("text,dim,expected", [
    ("96.485332 kJ/mol", "energy", 1.0),         # 1 eV = 96.485332 kJ/mol (F / 1000)
    ("23.060548 kcal/mol", "energy", 1.0),       # 1 eV = 23.060548 kcal/mol
    ("96485.332 J/mol", "energy", 1.0),
    ("0.5 eV", "energy", 0.5),
    ("1 bar", "pressure", 1e5),
    ("1 atm", "pressure", 101325.0),
    ("760 torr", "pressure", 101325.0),
    ("1 mm", "length", 1e-3),
    ("2 angstrom", "length", 2e-10),
    ("1.5e15 cm^-2", "site_density", 1.5e19),
    ("1.5e19 m^-2", "site_density", 1.5e19),
    ("1 cm^2/s", "diffusivity", 1e-4),
    ("500 K", "temperature", 500.0),
])
def test_parse_quantity(text, dim, expected):
    assert units.parse_quantity(text, dim) == pytest.approx(expected, rel=1e-7)


def test_bare_number_uses_default_unit():
    assert units.parse_quantity(1.0, "pressure", "bar") == 1e5
    assert units.parse_quantity("2", "pressure", "bar") == 2e5
    assert units.parse_quantity(3.0, "energy") == 3.0


@pytest.mark.parametrize("text,dim", [("1 kg", "energy"), ("abc", "energy"),
                                      ("1 furlong/fortnight", "pressure"), ("nan eV", "energy"),
                                      ("25 degC", "temperature")])
def test_bad_quantities(text, dim):
    with pytest.raises(InvalidParameterError):
        units.parse_quantity(text, dim)


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
       st.sampled_from([("kJ/mol", "energy"), ("kcal/mol", "energy"), ("bar", "pressure"),
                        ("torr", "pressure"), ("cm", "length"), ("cm^-2", "site_density")]))
def test_round_trip(x, unit_dim):
    unit, dim = unit_dim
    y = units.from_internal(units.to_internal(x, unit, dim), unit, dim)
    assert math.isclose(y, x, rel_tol=1e-12, abs_tol=1e-300)


def test_fast_path_agrees_with_pint():
    # every unit converted without pint must give pint's number
    from catscale.units import _FAST, _normalise_unit, _ureg

    ureg = _ureg()
    target = {"energy": "eV", "pressure": "Pa", "length": "m", "temperature": "K",
              "time": "s", "site_density": "m**-2", "diffusivity": "m**2/s", "frequency": "1/s",
              "volume": "m**3", "molar_flow": "mol/s", "molar_heat_capacity": "J/(mol*K)",
              "thermal_conductivity": "W/(m*K)", "velocity": "m/s",
              "heat_transfer_coefficient": "W/(m**2*K)", "specific_area": "1/m",
              "inertia": "amu_*angstrom**2"}
    # pint reads "A" as ampere and lacks "Torr" (= torr); Hartree is taken from CODATA directly
    skip = {"A", "Ha", "hartree", "Torr"}
    for dim, table in _FAST.items():
        for unit, factor in table.items():
            if unit in skip:
                continue
            ref = ureg.Quantity(1.0, _normalise_unit(unit)).to(target[dim]).magnitude
            assert factor == pytest.approx(ref, rel=1e-9), (dim, unit)
