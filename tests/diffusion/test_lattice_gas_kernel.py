"""Lattice-gas kMC kernel: detailed balance against exact enumeration, and the numba kernel
against its pure-Python twin."""


import numpy as np
import pytest

from catscale.diffusion import hop_rate_table as closure_hop_table
from catscale.errors import ConvergenceError, InvalidParameterError
from catscale.kmc.lattice_gas import (
    LatticeGasConfig,
    exchange_tables,
    hop_rate_table,
    neighbour_table,
    run_canonical,
    run_grand_canonical,
)
from catscale.kmc.lattice_gas._kernels import lattice_gas_kmc
from catscale.kmc.lattice_gas._reference import lattice_gas_kmc_reference
from catscale.units import kB


def _all_states(n):
    return ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(np.int8)


def _pairs(occ, nbr):
    """Number of occupied nearest-neighbour pairs of each row of occ."""
    return (occ[:, :, None] * occ[:, nbr]).sum(axis=(1, 2)) // 2


@pytest.mark.parametrize("lattice", ["square", "hexagonal"])
def test_grand_canonical_equilibrium_matches_exact_enumeration(lattice):
    # 4x4 periodic lattice, 2^16 states enumerated: exact <N> and var(N) of
    # H = eps * pairs - mu * N. The kMC (hops + adsorption/desorption) samples the same
    # Boltzmann distribution if every event obeys detailed balance. Tolerance: 5 standard
    # errors of the time averages (block estimate over 40 blocks).
    cfg = LatticeGasConfig(lattice=lattice, size=(4, 4), T=300.0, eps=-0.02, rule="bep",
                           exchange_rate=2.0)
    mu = -0.035 if lattice == "square" else -0.055  # near half filling (mu = z eps / 2)
    nbr, _ = neighbour_table(cfg)
    states = _all_states(16)
    N = states.sum(1)
    E = cfg.eps * _pairs(states, nbr) - mu * N
    w = np.exp(-(E - E.min()) / (kB * cfg.T))
    w /= w.sum()
    m_ex, v_ex = (w * N).sum(), (w * N * N).sum() - (w * N).sum() ** 2
    r = run_grand_canonical(cfg, mu, 4000.0, 40001, seed=3, t_equil=20.0)
    x = r.n_particles.astype(float)
    blocks = np.array_split(x, 40)
    bm = np.array([b.mean() for b in blocks])
    bv = np.array([b.var() for b in blocks])
    assert abs(x.mean() - m_ex) < 5 * bm.std(ddof=1) / np.sqrt(40)
    assert abs(x.var() - v_ex) < 5 * bv.std(ddof=1) / np.sqrt(40)


@pytest.mark.parametrize("rule", ["metropolis", "initial_state", "bep"])
@pytest.mark.parametrize("lattice", ["square", "hexagonal"])
def test_canonical_hops_sample_the_boltzmann_distribution(rule, lattice):
    # canonical kMC with N = 7 on 4x4: time-averaged number of nearest-neighbour pairs against
    # the exact canonical average over the C(16, 7) = 11440 configurations (5 sigma, blocks)
    cfg = LatticeGasConfig(lattice=lattice, size=(4, 4), T=300.0, eps=-0.03, rule=rule)
    nbr, _ = neighbour_table(cfg)
    states = _all_states(16)
    states = states[states.sum(1) == 7]
    P = _pairs(states, nbr)
    w = np.exp(-cfg.eps * (P - P.min()) / (kB * cfg.T))
    exact = (w * P).sum() / w.sum()
    r = run_canonical(cfg, 7 / 16, 3000.0, 30001, seed=5)
    occ = np.zeros((len(r.times), 16), np.int8)
    np.put_along_axis(occ, r.positions.astype(np.int64), 1, axis=1)
    p = _pairs(occ, nbr).astype(float)
    bm = np.array([b.mean() for b in np.array_split(p, 40)])
    assert abs(p.mean() - exact) < 5 * bm.std(ddof=1) / np.sqrt(40)


def test_hop_tables_agree_with_the_closure_module():
    for lattice in ("square", "hexagonal"):
        for rule in ("metropolis", "initial_state", "bep"):
            cfg = LatticeGasConfig(lattice=lattice, T=350.0, eps=-0.05, hop_rate=3.0, rule=rule)
            np.testing.assert_allclose(
                hop_rate_table(cfg), 3.0 * closure_hop_table(-0.05, 350.0, lattice, rule),
                rtol=1e-14)
    ads, des = exchange_tables(LatticeGasConfig(eps=-0.05, T=350.0), 0.02)
    n = np.arange(5)
    np.testing.assert_allclose(ads / des, np.exp((0.02 + 0.05 * n) / (kB * 350.0)), rtol=1e-12)


def _stats(fn, seeds, cfg, mu, track):
    nbr, dvec = neighbour_table(cfg)
    hop = hop_rate_table(cfg)
    if mu is None:
        ads = des = np.zeros(cfg.z + 1)
    else:
        ads, des = exchange_tables(cfg, mu)
    times = np.array([0.5, 1.5])
    out = []
    for s in seeds:
        occ0 = np.zeros(cfg.n_sites, np.int8)
        occ0[np.random.default_rng(s).choice(cfg.n_sites, 6, replace=False)] = 1
        n, pos, dsp, _, _, info = fn(occ0, nbr, dvec, hop, ads, des, times, 10**6, track, 1,
                                     s)
        if track:
            out.append(float((dsp[1].astype(float) ** 2).sum(-1).mean()))
        else:
            out.append(float(n[1]))
    return np.array(out)


@pytest.mark.parametrize("mode", ["canonical", "grand"])
def test_kernel_matches_reference_twin_statistically(mode):
    # Same model, independent random streams: the mean tagged-particle MSD (canonical, in
    # cell units) or particle number (grand canonical) at t = 1.5 s from random 6-particle
    # starts on a 4x4 hexagonal lattice. Two-sample z-test at 4.5 sigma.
    cfg = LatticeGasConfig(lattice="hexagonal", size=(4, 4), T=300.0, eps=-0.04, rule="bep",
                           exchange_rate=1.5)
    mu = None if mode == "canonical" else -0.06
    track = mode == "canonical"
    fast = _stats(lattice_gas_kmc, range(4000), cfg, mu, track)
    slow = _stats(lattice_gas_kmc_reference, range(10**6, 10**6 + 400), cfg, mu, track)
    se = np.hypot(fast.std(ddof=1) / np.sqrt(fast.size), slow.std(ddof=1) / np.sqrt(slow.size))
    assert abs(fast.mean() - slow.mean()) < 4.5 * se
    assert fast.std() > 0  # the statistic fluctuates: the comparison is not vacuous


def test_same_seed_same_trajectory_and_bad_input():
    cfg = LatticeGasConfig(size=(8, 8), T=300.0, eps=-0.02)
    a = run_canonical(cfg, 0.4, 5.0, 6, seed=11)
    b = run_canonical(cfg, 0.4, 5.0, 6, seed=11)
    np.testing.assert_array_equal(a.displacements, b.displacements)
    assert a.occupancy(5).sum() == round(0.4 * 64)
    with pytest.raises(ConvergenceError, match="max_events"):
        run_canonical(cfg, 0.4, 50.0, 6, seed=1, max_events=10)
    with pytest.raises(InvalidParameterError, match="lattice"):
        LatticeGasConfig(lattice="kagome")
    with pytest.raises(InvalidParameterError, match="size"):
        LatticeGasConfig(size=(2, 8))
    with pytest.raises(InvalidParameterError, match="coverage"):
        run_canonical(cfg, 1.5, 1.0)
