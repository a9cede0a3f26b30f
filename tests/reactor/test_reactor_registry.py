"""Common test of the reactor registry: every reactor type against the closed form of an
isothermal first-order reaction A -> B at constant volumetric flow Q (tau = V / Q):
PFR X = 1 - exp(-k tau), CSTR X = k tau / (1 + k tau) (Levenspiel, Chemical Reaction
Engineering, 3rd ed. (1999), eqs. 5.17 and 5.14)."""

import math

import numpy as np
import pytest

from catscale.errors import InvalidParameterError
from catscale.model.sections.reactor import ReactorSection
from catscale.reactor import REACTORS, cstr, pfr, reactor_type
from catscale.units import R

KNOWN = {"pfr": lambda x: 1.0 - math.exp(-x), "cstr": lambda x: x / (1.0 + x)}


def test_builtin_types():
    assert REACTORS["pfr"].solve is pfr and REACTORS["cstr"].solve is cstr
    with pytest.raises(InvalidParameterError, match="cstr"):
        reactor_type("batch")


@pytest.mark.parametrize("name", sorted(REACTORS))
@pytest.mark.parametrize("k", [0.05, 0.5, 3.0])
def test_first_order_closed_form(name, k):
    entry = REACTORS[name]
    T, P, V, Ft = 500.0, 1.0e5, 1.0e-4, 1.0e-3       # K, Pa, m^3, mol/s
    tau = V / (Ft * R * T / P)                         # s (A -> B keeps F_t and Q)
    sec = ReactorSection(type=name, volume=V, flow=Ft)

    def rate(c, T):
        r = k * c[0]
        return np.array([-r, r]), 0.0

    res = entry.solve(rate, ["A", "B"], [Ft, 0.0], T, P, V, adiabatic=False,
                      heat_capacity=None, key=0, products=None, **entry.options(sec))
    X = entry.first_order_conversion(k * tau)
    # integrator rtol 1e-8 (PFR) / root xtol 1e-13 (CSTR): 1e-6 relative is ample
    assert res.conversion == pytest.approx(X, rel=1e-6)
    if name in KNOWN:
        assert X == pytest.approx(KNOWN[name](k * tau), rel=1e-12)
    # mole balance A + B
    assert res.F[:, -1].sum() == pytest.approx(Ft, rel=1e-8)


def test_schema_choice_from_registry():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=r"expected one of \['pfr', 'cstr'\]"):
        ReactorSection(type="batch", volume=1.0, flow=1.0)
