"""The pellet's microkinetic rate law uses the same coverage-dependent rate law as the
steady-state stage (coverage dependences imported from Cantera, reaction orders)."""

import numpy as np
import pytest

from catscale.bridges.kinetics_to_pellet import MicrokineticCoupling, microkinetic_rate_law
from catscale.mechanism import Energetics, Mechanism, RateTable
from catscale.units import R as R_GAS


def _system():
    eqs = ["A + * <=> A*", "A* -> B + *"]
    mech = Mechanism.from_equations(eqs)
    rt = RateTable(500.0, eqs, [10.0, 2.0], [1.0, 0.0])
    return mech, rt


def test_langmuir_hinshelwood_with_coverage_dependent_desorption():
    # Analytic check. With d ln k2 / d theta_A = g the steady state of
    #   k1 p (1 - t) - k_1 t - k2 exp(g t) t = 0
    # is solved by bisection here; the rate law must return r = k2 exp(g t) t (per site)
    # times the site density x specific area / NA, and differ from the g = 0 rate.
    mech, rt = _system()
    surf = [s.name for s in mech.surface]
    i_a = surf.index("A*")
    g = 3.0
    Gf = np.zeros((2, len(surf)))
    Gf[1, i_a] = g
    Gr = np.zeros_like(Gf)
    idx = [mech.index(n) for n in surf]
    Af = np.array(mech.reactant_matrix[idx, :], float)
    Ar = np.array(mech.product_matrix[idx, :], float)
    T = 500.0
    p = 0.7   # bar
    c = p * 1e5 / (R_GAS * T)
    S_v, rho = 1e6, mech.sites[0].density
    law = microkinetic_rate_law(MicrokineticCoupling(
        mech, rt, S_v, gas_species=("A", "B"),
        energetics=Energetics(coverage_effects=(Gf, Gr, Af, Ar))))
    law0 = microkinetic_rate_law(MicrokineticCoupling(mech, rt, S_v, gas_species=("A", "B")))

    def f(t):
        return 10.0 * p * (1 - t) - 1.0 * t - 2.0 * np.exp(g * t) * t

    lo, hi = 0.0, 1.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if f(mid) > 0 else (lo, mid)
    t = 0.5 * (lo + hi)
    r_site = 2.0 * np.exp(g * t) * t
    from catscale.units import NA

    expect = r_site * rho * S_v / NA
    cc = np.array([[c], [0.0]])
    prod = law.production(cc, np.array([T]))[:, 0]
    prod0 = law0.production(cc, np.array([T]))[:, 0]
    # 1e-9: the steady-state solver's verified residual tolerance, far below the 2x effect
    assert prod[1] == pytest.approx(expect, rel=1e-9)
    assert prod[0] == pytest.approx(-expect, rel=1e-9)
    assert abs(prod0[1] / prod[1] - 1.0) > 0.1
