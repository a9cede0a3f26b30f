"""Bridging law RateTable -> lattice rates: in the random-mixing limit the lattice rate per
site equals the mean-field rate k prod(p) prod(theta) (DESIGN.md), for single-site steps, pair
steps between different states (k/z per pair) and between equal states (2k/z per pair)."""

import numpy as np
import pytest
from conftest import make

from catscale.bridges.rates_to_kmc import kmc_model, pair_coordination
from catscale.errors import InvalidParameterError
from catscale.kmc import Lattice, Simulation
from catscale.mechanism import Mechanism, RateTable

EQS = ["CO + * <=> CO*", "O2 + 2* <=> 2O*", "CO* + O* <=> CO2 + 2*"]


@pytest.mark.parametrize("lat", [Lattice.square(96), Lattice.hexagonal(96),
                                 Lattice.honeycomb(64)])
def test_random_mixing_rate_equals_mean_field(lat, rng):
    kf, kr, p = [2.0, 3.0, 5.0], [0.7, 1.1, 0.4], {"CO": 0.8, "O2": 0.4, "CO2": 0.3}
    mech, rt, m = make(EQS, kf, kr, p, lat)
    theta = np.array([0.3, 0.45, 0.25])  # CO*, O*, *  (species order of the kMC model)
    assert m.species == ("CO*", "O*", "*")
    sim = Simulation(m, lat, seed=1)
    sim.state[:] = rng.choice(3, size=lat.n_sites, p=theta)
    sim.rebuild()
    th = np.bincount(sim.state, minlength=3) / lat.n_sites
    co, o, v = th
    mf = {("CO + * <=> CO*", 1): kf[0] * p["CO"] * v, ("CO + * <=> CO*", -1): kr[0] * co,
          ("O2 + 2* <=> 2O*", 1): kf[1] * p["O2"] * v * v, ("O2 + 2* <=> 2O*", -1): kr[1] * o * o,
          (EQS[2], 1): kf[2] * co * o, (EQS[2], -1): kr[2] * p["CO2"] * v * v}
    rates = sim.slot_rates()
    for pi, proc in enumerate(m.processes):
        tot = 0.0
        for s in range(lat.n_sites):
            for q, pp in enumerate(sim.c.slot_p[sim.c.basis_of[s]]):
                if pp == pi:
                    tot += rates[s, q]
        lattice_rate = tot / lat.n_sites
        expect = mf[(EQS[proc.step], proc.direction)]
        # pair counts on a random lattice fluctuate: relative sd ~ 1/sqrt(N z theta_a theta_b)
        # <= 1.2 % here; 5 % tolerance is > 4 sd
        assert lattice_rate == pytest.approx(expect, rel=0.05), proc.name


def test_conversion_factors():
    lat = Lattice.square(8)
    _, _, m = make(EQS, [2.0, 3.0, 5.0], [0.7, 1.1, 0.4], {"CO": 0.8, "O2": 0.4}, lat,
                   diffusion={"CO*": 8.0})
    r = {p.name: p.rate for p in m.processes}
    assert r["CO + * <=> CO* (fwd)"] == pytest.approx(2.0 * 0.8)
    assert r["O2 + 2* <=> 2O* (fwd)"] == pytest.approx(3.0 * 0.4 / 4)
    assert r["CO* + O* <=> CO2 + 2* (rev)"] == 0.0  # p(CO2) = 0
    assert r["CO* hop"] == pytest.approx(8.0 / 4)
    alpha = {p.name: p.alpha for p in m.processes}
    assert alpha["CO + * <=> CO* (fwd)"] == 0.0 and alpha["CO + * <=> CO* (rev)"] == 1.0
    assert alpha["CO* + O* <=> CO2 + 2* (fwd)"] == 0.5
    assert pair_coordination(Lattice.hexagonal(8), "*", "*") == 6


def test_bad_input():
    lat = Lattice.square(8)
    mech = Mechanism.from_equations(["A + 3* -> 3A*"])
    rt = RateTable(300, ["A + 3* -> 3A*"], [1.0], [0.0])
    with pytest.raises(InvalidParameterError, match="one or two surface sites"):
        kmc_model(mech, rt, {"A": 1.0}, lat)
    mech, rt, _ = make(["A + * <=> A*"], [1.0], [1.0], {"A": 1.0}, lat)
    with pytest.raises(InvalidParameterError, match="pressures"):
        kmc_model(mech, rt, {"B": 1.0}, lat)
    with pytest.raises(InvalidParameterError, match="diffusion"):
        kmc_model(mech, rt, {"A": 1.0}, lat, diffusion={"B*": 1.0})
