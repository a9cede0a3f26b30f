"""Reactor selectivity = fraction of the converted key reactant that goes to each product,
summing to 1, with product coefficients other than 1 (issue 20 item 11).

Hand computation: NH3 decomposing by two parallel routes, both first order in NH3,
    2 NH3 -> N2 + 3 H2     (rate k1 c_NH3 per volume, per route event)
    2 NH3 -> N2H4 + H2     (rate k2 c_NH3)
consumes 2 k1 c and 2 k2 c of NH3; every N atom of the converted NH3 goes to N2 or N2H4 in
the ratio k1 : k2 at every point of the bed, so S(N2) = k1 / (k1 + k2), S(N2H4) =
k2 / (k1 + k2) exactly, whatever the conversion; H2 carries no N (a co-product). Counting one
NH3 per product molecule (the old default) listed H2 as a product: S(N2) = k1 / (k1 + 3 k1
+ k2 + k2) = 0.2 for k1 = 2, k2 = 1 (instead of 2/3).
"""

from __future__ import annotations

import pathlib

import numpy as np
import pytest

from catscale.reactor import cstr, key_per_product, overall_key_stoichiometry, pfr

ROOT = pathlib.Path(__file__).resolve().parents[2]
SPECIES = ("NH3", "N2", "H2", "N2H4")
ELEMENTS = ("H", "N")
ATOMS = np.array([[3, 0, 2, 4],      # H
                  [1, 2, 0, 2]])     # N
K1, K2 = 2.0, 1.0


def rate(c, T):
    r1, r2 = K1 * c[0], K2 * c[0]
    return np.array([-2 * r1 - 2 * r2, r1, 3 * r1 + r2, r2]), 0.0


@pytest.mark.parametrize("solver", [pfr, cstr])
def test_selectivity_counts_two_nh3_per_n2(solver):
    F_in = [1e-3, 0.0, 0.0, 0.0]
    res = solver(rate, SPECIES, F_in, 700.0, 1e5, 1e-5, key=0, invariants=ATOMS,
                 elements=ELEMENTS)
    assert 0.05 < res.conversion < 0.95
    # rtol 1e-8 integrator / 1e-13 root: the ratio k1 : k2 holds at every point
    assert set(res.selectivity) == {"N2", "N2H4"}
    assert res.selectivity["N2"] == pytest.approx(K1 / (K1 + K2), rel=1e-6)
    assert res.selectivity["N2H4"] == pytest.approx(K2 / (K1 + K2), rel=1e-6)
    assert sum(res.selectivity.values()) == pytest.approx(1.0, rel=1e-12)
    # yields per NH3 fed sum to the conversion; the N balance closes
    assert sum(res.yields.values()) == pytest.approx(res.conversion, rel=1e-6)
    assert abs(res.key_balance) < 1e-6


def test_skeleton_element_is_nitrogen_for_ammonia():
    # NH3 alone in the feed carries N and H equally exclusively: the N basis is chosen
    s = key_per_product(SPECIES, 0, [1.0, 0, 0, 0], ATOMS, elements=ELEMENTS)
    assert s == {"NH3": 1.0, "N2": 2.0, "H2": 0.0, "N2H4": 2.0}


def test_overall_reaction_of_labels():
    # A -> 2 B: one A per two B
    s = overall_key_stoichiometry(("A", "B"), 0, np.array([[-1.0], [2.0]]))
    assert s == pytest.approx({"A": 0.0, "B": 0.5})
    # two independent reactions: no stoichiometric answer
    assert overall_key_stoichiometry(("A", "B", "C"), 0,
                                     np.array([[-1.0, -1.0], [1.0, 0.0], [0.0, 2.0]])) is None


def test_stage_basis_of_the_nh3_model():
    # the reactor stage follows N for the NH3 mechanism (formulas known): 2 NH3 per N2
    from catscale import load_model
    from catscale.stages.reactor import selectivity_basis

    m = load_model(ROOT / "tests" / "data" / "models" / "nh3_decomposition_ru.yaml")

    class Law:                       # the microkinetic law: no one-reaction stoichiometry
        stoichiometry = None

    species = ["NH3", "N2", "H2"]
    basis, warnings = selectivity_basis(m, Law, species, 0)
    assert not warnings and basis["elements"] == ["H", "N"]
    s = key_per_product(species, 0, [1.0, 0.0, 0.0], basis["invariants"],
                        elements=basis["elements"])
    assert s == {"NH3": 1.0, "N2": 2.0, "H2": 0.0}


class _Microkinetic:                 # a microkinetic law: no one-reaction stoichiometry
    stoichiometry = None


def test_stage_basis_of_labels(tmp_path):
    # species named by labels: the mechanism's overall reaction A -> B gives one A per B;
    # two overall reactions (A -> B, A -> 2 Q) and no formulas: one key per product, said
    from catscale import load_model
    from catscale.stages.reactor import selectivity_basis

    m = load_model(ROOT / "tests" / "data" / "models" / "single_site_cycle.yaml")
    basis, warnings = selectivity_basis(m, _Microkinetic, ["A", "B"], 0)
    assert not warnings and basis["stoichiometry"] == pytest.approx({"A": 0.0, "B": 1.0})
    f = tmp_path / "two.yaml"
    f.write_text("catscale: 1\nname: two routes\nconditions: {T: 500, pressures: {A: 1 bar, "
                 "X: 0, Q: 0}}\nsites: {'*': {density: 1.5e19 m^-2}}\nspecies:\n"
                 "  A: {phase: gas}\n  X: {phase: gas}\n  Q: {phase: gas}\n  A*: {}\n"
                 "steps:\n  - {equation: 'A + * -> A*', k_f: 2.0}\n"
                 "  - {equation: 'A* -> X + *', k_f: 1.0}\n"
                 "  - {equation: 'A* -> 2Q + *', k_f: 1.0}\n")
    m2 = load_model(f)
    basis, warnings = selectivity_basis(m2, _Microkinetic, ["A", "X", "Q"], 0)
    assert "stoichiometry" not in basis and len(warnings) == 1
    assert "one A per molecule" in warnings[0]
