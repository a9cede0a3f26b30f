"""A surrogate rate law is accepted only when it is verified on the pellet solution itself."""

import numpy as np
import pytest

from catscale.bridges.kinetics_to_pellet import solve_pellet_verified, surrogate_rate_law
from catscale.pellet import Pellet, effectiveness_first_order, power_law


def test_first_order_through_verified_surrogate():
    # phi = (R/3) sqrt(k/D) = 2 for a sphere: eta analytic (validation README formula)
    R, D = 1e-3, 1e-6
    k = (2.0 * 3.0 / R) ** 2 * D
    law = power_law(k, 1.0, species=["A"], T_ref=500.0)
    res, err, how = solve_pellet_verified(Pellet("sphere", R, D), law, np.array([10.0]), 500.0,
                                          n_cells=400)
    assert how == "surrogate" and err <= 1e-3
    # 1e-3: the verification tolerance on the rate plus O(h^2) of 400 cells
    assert res.effectiveness == pytest.approx(effectiveness_first_order(2.0, "sphere"), rel=2e-3)


def test_falls_back_to_the_direct_law_when_not_verified():
    # order 1.5: no cubic table reproduces c^1.5 exactly, so a tolerance of 1e-15 is never
    # met; the pellet is then solved with the direct law (Newton from the last tabulated
    # solution, same 200 cells), giving the direct solver's answer: both Newton solves stop
    # at steps below 1e-11 of the scale, so they agree to ~1e-10
    from catscale.pellet import solve_pellet

    pel = Pellet("sphere", 1e-3, 1e-6)
    law = power_law(5.0, 1.5, species=["A"], T_ref=500.0)
    c = np.array([10.0])
    res, err, how = solve_pellet_verified(pel, law, c, 500.0, tol=1e-15, max_rounds=2)
    assert how == "direct" and err == 0.0
    ref = solve_pellet(pel, law, c, 500.0, n_cells=200, method="newton")
    assert res.effectiveness == pytest.approx(ref.effectiveness, rel=1e-10)


def test_local_table_bounds_checked():
    law = power_law(1.0, 1.0, species=["A"])
    with pytest.raises(ValueError):
        surrogate_rate_law(law, [1.0], (300.0, 300.0), c_min=[2.0])
