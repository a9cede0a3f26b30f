"""Small mechanisms shared by the kMC tests (built directly, no model file)."""

import numpy as np
import pytest

from catscale.bridges.rates_to_kmc import kmc_model
from catscale.kmc import Lattice
from catscale.mechanism import Mechanism, RateTable


def make(equations, k_f, k_r, pressures, lattice, T=500.0, **kw):
    mech = Mechanism.from_equations(equations)
    rt = RateTable(T, [s.equation for s in mech.steps], k_f, k_r)
    return mech, rt, kmc_model(mech, rt, pressures, lattice, **kw)


def zgb(y, L=32, k_rx=1.0e4):
    """Ziff-Gulari-Barshad model: CO adsorbs on a vacant site at y, O2 on a vacant
    neighbour pair at (1 - y) per site and direction choice, reaction 'instantaneous'."""
    lat = Lattice.square(L)
    return lat, make(["CO + * -> CO*", "O2 + 2* -> 2O*", "CO* + O* -> CO2 + 2*"],
                     [y, 1.0 - y, k_rx], [0, 0, 0], {"CO": 1.0, "O2": 1.0}, lat)[2]


def co_ox(lat, lateral=None, diffusion=None, k_rx=2.0, **kw):
    """Reversible CO oxidation (LH) with optional lateral interactions and hops."""
    return make(["CO + * <=> CO*", "O2 + 2* <=> 2O*", "CO* + O* -> CO2 + 2*"],
                [1.0, 1.0, k_rx], [0.3, 0.05, 0.0], {"CO": 1.0, "O2": 0.5}, lat,
                lateral=lateral, diffusion=diffusion, **kw)


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
