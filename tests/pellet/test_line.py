"""The one-species (stoichiometric-line) route of the pellet solver: first-order closed
forms with films, folds of negative-order kinetics, and the same discrete solution as the
general finite-volume solver (moved from tests/uq with catscale.uq._pellet)."""

import math

import numpy as np
import pytest

from catscale.pellet import Pellet, effectiveness_first_order, solve_line_pellet, solve_pellet


@pytest.mark.parametrize("shape", ["slab", "cylinder", "sphere"])
@pytest.mark.parametrize("phi", [0.3, 3.0])
@pytest.mark.parametrize("k_ext", [None, 2e-3])
def test_one_species_pellet_first_order_closed_form(shape, phi, k_ext):
    # r = k s: eta = effectiveness_first_order(phi) (Aris 1957); with a film of mass Biot
    # number Bi = k_ext L / D the overall factor is eta / (1 + eta phi^2 / Bi) (Aris 1975).
    # 40 finite volumes refined towards the surface: O(h^2) error, measured 1e-4 at phi 0.3
    # and 1.0e-3 at phi 3 (sphere); tolerance 2e-3.
    size, D, sb = 1e-3, 1e-6, 20.0
    L = size / {"slab": 1, "cylinder": 2, "sphere": 3}[shape]
    k = (phi / L) ** 2 * D
    sol = solve_line_pellet(shape, size, D, sb, lambda s: (k * s, np.full_like(s, k)),
                            k_ext=k_ext, n_cells=40)
    eta = effectiveness_first_order(phi, shape)
    assert sol.effectiveness == pytest.approx(eta, rel=2e-3)
    assert sol.mass_balance_error < 1e-10
    if k_ext is None:
        assert sol.thiele == pytest.approx(phi, rel=1e-12)
    else:
        Bi = k_ext * L / D
        assert sol.effectiveness_overall == pytest.approx(eta / (1 + eta * phi**2 / Bi),
                                                          rel=2e-3)


def test_line_pellet_passes_the_folds_of_negative_order_kinetics():
    # r = k s / (1 + K s)^2 (Langmuir-Hinshelwood, strongly inhibited, K = 20) in a slab
    # (L = D = s_b = 1): at k = 500 the branch in the reaction scale is S-shaped and lam = 1
    # lies beyond the ignition point, where the branch continued from lam = 0 has turned
    # back: every Newton start fails and the state is reached by pseudo-arclength
    # continuation through two folds (the earlier natural continuation raised here). At
    # k = 120 Newton converges directly. Both are checked against the slab's exact first
    # integral: D s'(L)^2 / 2 = int_{s(0)}^{s_b} r ds  ->  observed = D s'(L) / L.
    from scipy.integrate import quad



    K = 20.0
    for k, route in ((120.0, "newton"), (500.0, "arclength")):
        def rate(s, k=k):
            s = np.asarray(s, float)
            return k * s / (1 + K * s) ** 2, k * (1 - K * s) / (1 + K * s) ** 3

        info = {}
        sol = solve_line_pellet("slab", 1.0, 1.0, 1.0, rate, n_cells=400, stretch=0.0,
                                info=info)
        assert info["route"] == route
        if route == "arclength":
            assert info["folds"] >= 2
        # centre value extrapolated from the first two cells (symmetry: s'(0) = 0)
        s0 = sol.s[0] - (sol.s[1] - sol.s[0]) / 8
        integral, _ = quad(lambda v: rate(np.array([v]))[0][0], s0, 1.0, limit=200)
        exact = math.sqrt(2 * integral)
        # O(h^2) finite volumes at 400 cells and the centre extrapolation: 2e-3
        assert sol.observed == pytest.approx(exact, rel=2e-3), k
        assert sol.mass_balance_error < 1e-9
        assert sol.effectiveness > 1.0                    # negative order: eta > 1




@pytest.mark.parametrize("shape", ["slab", "cylinder", "sphere"])
def test_line_route_of_solve_pellet_is_the_general_discrete_solution(shape):
    # A -> 2B of order 1.5 with a film: solve_pellet takes the one-species route (a power law
    # declares its stoichiometry); the general sparse Newton on the same grid (two species,
    # surface node), started from that state, must not move it: the same discretisation,
    # so agreement to Newton's step tolerance (1e-9 of the bulk concentration)
    from catscale.pellet import power_law
    from catscale.pellet._fv import Discretization, make_grid
    from catscale.pellet._geometry import shape_exponent

    kin = power_law(40.0, 1.5, species=("A", "B"), stoichiometry=(-1, 2))
    pel = Pellet(shape, 1e-3, 1e-6, k_ext=0.02)
    res = solve_pellet(pel, kin, [5.0, 0.5], 500.0, n_cells=60, stretch=1.0)
    assert res.route == "line" and len(res.states) == 1
    st = res.states[0]
    assert st.mass_balance_error < 1e-9
    assert st.observed_rate[1] == pytest.approx(-2 * st.observed_rate[0], rel=1e-10)
    disc = Discretization(a=shape_exponent(shape), faces=make_grid(1e-3, 60, 1.0), n=2,
                          thermal=False, production=kin.production,
                          heat=lambda c, T: np.zeros(c.shape[1]), D=np.full(2, 1e-6),
                          flux=None, conductivity=0.0, k_ext=np.full(2, 0.02), h_ext=np.inf,
                          c_bulk=np.array([5.0, 0.5]), T_bulk=500.0)
    u, _ = disc.newton(st.state_vector, 1.0)
    assert np.max(np.abs(u - st.state_vector)) <= 1e-9 * 5.0
