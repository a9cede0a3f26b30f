"""Shared vocabulary: equation parsing, stoichiometry, element and site balance."""

import numpy as np
import pytest

from catscale.errors import InvalidParameterError
from catscale.mechanism import Mechanism, RateTable, Site, parse_equation, parse_formula


def test_parse_equation():
    r, p, rev = parse_equation("CO* + O* <=> CO2 + 2*")
    assert r == {"CO*": 1, "O*": 1} and p == {"CO2": 1, "*": 2} and rev
    r, p, rev = parse_equation("O2 + 2* -> 2O*")
    assert r == {"O2": 1, "*": 2} and p == {"O*": 2} and not rev
    assert parse_equation("H+ + e- + * <=> H*")[0] == {"H+": 1, "e-": 1, "*": 1}


@pytest.mark.parametrize("bad", ["A + B", "A <=> B <=> C", " <=> A", "A + <=> B", ""])
def test_bad_equations(bad):
    with pytest.raises(InvalidParameterError):
        parse_equation(bad)


def test_formula():
    assert parse_formula("CH3OH") == {"C": 1, "H": 4, "O": 1}
    assert parse_formula("O-CO") == {"O": 2, "C": 1}
    assert parse_formula("") == {}
    # labels are not formulas: composition unknown, element balance not checked
    assert parse_formula("A") is None and parse_formula("X1") is None
    assert parse_formula("H+") is None
    m = Mechanism.from_equations(["A* <=> B*"])
    assert m.element_balance_errors() == [] and m.species[m.index("A*")].composition is None


def test_co_oxidation_mechanism():
    m = Mechanism.from_equations(["CO + * <=> CO*", "O2 + 2* <=> 2O*",
                                  "CO* + O* <=> CO2 + 2*"])
    assert [s.phase for s in m.species] == ["gas"] * 3 + ["surface"] * 2 + ["site"]
    nu = m.stoichiometry
    assert nu.shape == (6, 3)
    # site conservation: every column of nu sums to zero over surface species
    occ = m.site_occupancy()
    np.testing.assert_array_equal(occ @ nu, 0)
    assert m.element_balance_errors() == [] and m.site_balance_errors() == []
    # overall reaction CO + 1/2 O2 -> CO2 is the combination (2, 1, 2) of the steps
    overall = nu @ np.array([2, 1, 2])
    assert overall[m.index("CO")] == -2 and overall[m.index("O2")] == -1
    assert overall[m.index("CO2")] == 2 and not np.any(overall[3:])


def test_imbalances_detected():
    m = Mechanism.from_equations(["CO + * <=> CO2*", "O2 + * <=> 2O*"])
    el = dict(m.element_balance_errors())
    si = dict(m.site_balance_errors())
    assert 0 in el and "O +1" in el[0]
    assert 1 in si and "'*' +1" in si[1]


def test_several_site_kinds():
    m = Mechanism.from_equations(["H2 + 2*s <=> 2H*s", "CO + * <=> CO*"],
                                 sites=[Site("*", 1e19), Site("*s", 2e18)])
    assert m.species[m.index("H*s")].site == "*s"
    assert m.species[m.index("CO*")].site == "*"
    assert m.site_balance_errors() == []


def test_rate_table_frozen_and_checked():
    rt = RateTable(T=500.0, equations=("A + * <=> A*",), k_f=[4.0], k_r=[1.0], n_gas_f=[1])
    assert rt.K_eq[0] == 4.0 and rt.units(0) == ("s^-1 bar^-1", "s^-1")
    with pytest.raises(ValueError):
        rt.k_f[0] = 2.0
    with pytest.raises(InvalidParameterError):
        RateTable(T=-1.0, equations=("A <=> B",), k_f=[1.0], k_r=[1.0])
    with pytest.raises(InvalidParameterError):
        RateTable(T=300.0, equations=("A <=> B",), k_f=[np.nan], k_r=[1.0])


def test_split_pair_takes_the_split_whose_sides_are_both_species():
    from catscale.mechanism import split_pair

    names = ["CO*", "O*", "O-CO*"]
    assert split_pair("CO*-O*", names) == ("CO*", "O*")
    assert split_pair("O-CO*-CO*", names) == ("O-CO*", "CO*")  # the first '-' gives 'O'
    assert split_pair("CO* - O-CO*", names) == ("CO*", "O-CO*")
    assert split_pair("CO*-N*", names) is None
    assert split_pair("CO*", names) is None
