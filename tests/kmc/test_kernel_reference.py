"""The numba kernel against its pure-Python twin (catscale.kmc._reference): identical rates
for random states (including 3-shell pairs and a 3-body cluster), local updates equal to a full
rebuild after many events, and the same stationary statistics."""

import numpy as np
import pytest
from conftest import co_ox

from catscale.kmc import Cluster, KMCModel, LateralInteractions, Lattice, Process, Simulation
from catscale.kmc._reference import enumerate_events, run_reference, total_energy

INTER = LateralInteractions(
    pairs=(("CO*", "CO*", 1, 0.08), ("CO*", "O*", 1, 0.05), ("O*", "O*", 2, -0.03),
           ("CO*", "O*", 3, 0.01)),
    clusters=(Cluster(("O*", "O*", "O*"), ((0, 0, 0), (0, 1, 0), (0, 0, 1)), 0.04),))


def _random_state(sim, rng, n_species):
    sim.state[:] = rng.integers(0, n_species, size=sim.state.size)
    sim.rebuild()


@pytest.mark.parametrize("lat", [Lattice.square(5), Lattice.hexagonal(5)])
def test_rates_equal_reference(lat, rng):
    # exact comparison (1e-12 relative: the two sum the same terms in different order)
    _, _, m = co_ox(lat, lateral=INTER, diffusion={"CO*": 3.0, "O*": 1.5})
    sim = Simulation(m, lat, seed=1)
    for _ in range(5):
        _random_state(sim, rng, 3)
        ref = enumerate_events(m, lat, sim.state)
        per_proc = np.zeros(len(m.processes))
        for r, p, _, _ in ref:
            per_proc[p] += r
        ker = np.zeros(len(m.processes))
        for s in range(lat.n_sites):
            for q, p in enumerate(sim.c.slot_p[sim.c.basis_of[s]]):
                if p >= 0:
                    ker[p] += sim.slot_rate[s, q]
        np.testing.assert_allclose(ker, per_proc, rtol=1e-12, atol=1e-300)
        assert sim.total_rate == pytest.approx(sum(per_proc), rel=1e-12)


def test_local_updates_equal_rebuild():
    # after 20000 events with interactions and clusters, the incrementally updated rates
    # and sum tree must equal a rebuild from scratch (a missed neighbour would differ at
    # O(1)); 1e-9 relative allows the round-off of the incremental interaction field.
    # Without interactions the update is exact.
    lat = Lattice.square(8)
    for inter in (INTER, None):
        _, _, m = co_ox(lat, lateral=inter, diffusion={"CO*": 3.0, "O*": 1.5})
        sim = Simulation(m, lat, seed=7)
        sim.advance(20000)
        rates, tree = sim.slot_rate.copy(), sim.tree.copy()
        sim.rebuild()
        if inter is None:
            np.testing.assert_array_equal(rates, sim.slot_rate)
            np.testing.assert_array_equal(tree, sim.tree)
        else:
            np.testing.assert_allclose(rates, sim.slot_rate, rtol=1e-9, atol=1e-14)
            np.testing.assert_allclose(tree, sim.tree, rtol=1e-9)


def test_detailed_balance_event_by_event(rng):
    # k(event) / k(reverse event) = K exp(-dE/kT) with dE the total lattice energy change
    lat = Lattice.square(5)
    _, rt, m = co_ox(lat, lateral=INTER, diffusion={"CO*": 3.0})
    state = rng.integers(0, 3, size=lat.n_sites).astype(np.int8)
    code = {s: i for i, s in enumerate(m.species)}
    n_checked = 0
    for r, pi, s, t in enumerate_events(m, lat, state):
        p = m.processes[pi]
        if p.direction != 1 or p.step == 2:
            continue
        new = state.copy()
        new[s] = code[p.final[0]]
        if t >= 0:
            new[t] = code[p.final[1]]
        de = total_energy(m, lat, new) - total_energy(m, lat, state)
        rev = [x for x in enumerate_events(m, lat, new)
               if m.processes[x[1]].step == p.step and m.processes[x[1]].direction == -1
               and (x[2], x[3]) == (s, t)]
        assert len(rev) == 1
        K = rt.k_f[p.step] / rt.k_r[p.step] * (1.0 if p.step == 0 else 0.5)  # p_CO=1, p_O2
        assert r / rev[0][0] == pytest.approx(K * np.exp(-de * m.beta), rel=1e-10)
        n_checked += 1
    assert n_checked > 10


@pytest.mark.slow
def test_same_statistics_as_reference():
    # Stationary time-averaged coverages of kernel and reference agree within 4 standard
    # errors (a false alarm in ~1e-4 runs). The reference errors come from 6 independent
    # runs; the kernel run is much longer (negligible error). Rates chosen far from the
    # bistable region of this LH model so that short runs sample the one steady state.
    lat = Lattice.square(4, n_shells=1)
    m = KMCModel(("A*", "B*", "*"), ("*",) * 3, (
        Process("A ads", ("*",), ("A*",), 1.0, 0, 1, 0.0),
        Process("A des", ("A*",), ("*",), 1.0, 0, -1, 1.0),
        Process("B ads", ("*", "*"), ("B*", "B*"), 0.5, 1, 1, 0.0),
        Process("B des", ("B*", "B*"), ("*", "*"), 0.5, 1, -1, 1.0),
        Process("AB", ("A*", "B*"), ("*", "*"), 0.05, 2, 1, 0.5),
        Process("A hop", ("A*", "*"), ("*", "A*"), 0.5, -1, 0, 0.5)),
        T=400.0, interactions=LateralInteractions((("A*", "B*", 1, 0.04),
                                                   ("A*", "A*", 1, 0.03))))
    ref = []
    for seed in range(6):
        st = np.full(16, 2, dtype=np.int8)
        out = run_reference(m, lat, st, 200, seed)
        burn = run_reference(m, lat, out["state"], 600, 100 + seed)
        ref.append(burn["cov_int"] / burn["time"] / 16)
    ref = np.array(ref)
    sim = Simulation(m, lat, seed=3)
    sim.advance(20000)
    c0, t0 = sim.cov_int.copy(), sim.time
    sim.advance(400000)
    ker = (sim.cov_int - c0) / (sim.time - t0) / 16
    err = ref.std(axis=0, ddof=1) / np.sqrt(len(ref))
    assert np.all(err < 0.03)  # the comparison has teeth
    assert np.all(np.abs(ref.mean(axis=0) - ker) < 4 * err + 1e-3), (ref.mean(0), ker, err)
