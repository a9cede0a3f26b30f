"""Alternative code paths of the kMC kernel against each other: with the same seed they must
give identical trajectories (the paths differ in memory access order only, never in the
events drawn)."""

import numpy as np
import pytest
from conftest import co_ox, make
from test_kernel_reference import INTER, assert_structure_equals_rebuild

from catscale.kmc import Lattice, Simulation


def _run(lat, inter, prefetch, events=20000):
    _, _, m = co_ox(lat, lateral=inter, diffusion={"CO*": 3.0, "O*": 1.5})
    sim = Simulation(m, lat, seed=11)
    sim.ctl[2] = int(prefetch)
    sim.advance(events // 2)
    sim.advance(events // 2)
    return sim


@pytest.mark.parametrize("lat", [Lattice.square(8), Lattice.honeycomb(6)])
@pytest.mark.parametrize("inter", [INTER, None])
def test_prefetch_path_same_trajectory(lat, inter):
    # software prefetching (switched on for large lattices) is a pure hint: forced on for a
    # small lattice, the run must reproduce the run without it event by event (same final
    # state, clock bit for bit, same firing counts and null draws), and its incremental
    # structure must equal a rebuild (exact)
    a = _run(lat, inter, False)
    b = _run(lat, inter, True)
    assert np.array_equal(a.state, b.state)
    assert a.clock[0] == b.clock[0]
    assert np.array_equal(a.p_count, b.p_count) and a.null_events == b.null_events
    assert_structure_equals_rebuild(b)


def test_prefetch_switched_on_for_large_lattices(monkeypatch):
    # the switch follows the size of the per-slot event data (9 bytes per slot)
    import catscale.kmc._simulate as simmod

    lat = Lattice.square(16)
    _, _, m = co_ox(lat)
    assert Simulation(m, lat, seed=1).ctl[2] == 0
    S = Simulation(m, lat, seed=1).c.slot_p.shape[1]
    monkeypatch.setattr(simmod, "_PREFETCH_BYTES", 9 * S * 256 - 1)
    assert Simulation(m, lat, seed=1).ctl[2] == 1


def test_regroup_only_around_sites_in_a_varying_role():
    # ZGB with pair interactions: only the LH reaction (CO* anchor, O* partner) has a rate
    # that depends on the neighbourhood, so the kernel skips vacant sites entirely and
    # visits a CO* site only for its own slots and an O* site only for its partners'. With
    # the hysteresis off the incrementally kept groups must still equal a rebuild exactly.
    lat = Lattice.square(10)
    m = make(["CO + * -> CO*", "O2 + 2* -> 2O*", "CO* + O* -> CO2 + 2*"], [0.5, 0.5, 20.0],
             [0, 0, 0], {"CO": 1.0, "O2": 1.0}, lat,
             lateral={"CO*-CO*": 0.02, "CO*-O*": 0.05, "O*-O*": 0.03})[2]
    sim = Simulation(m, lat, seed=4)
    code = {s: i for i, s in enumerate(m.species)}
    assert sim.vrole[code["*"]] == 0 and sim.vrole[code["CO*"]] == 1
    assert sim.vrole[code["O*"]] == 2
    sim.ctl[3] = 0
    sim.advance(3000)
    assert sim.p_count[2] > 100 and sim.null_events > 0  # reactions, rate groups in use
    assert_structure_equals_rebuild(sim)
