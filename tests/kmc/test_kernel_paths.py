"""Alternative code paths of the kMC kernel against each other: with the same seed they must
give identical trajectories (the paths differ in memory access order only, never in the
events drawn)."""

import numpy as np
import pytest
from conftest import co_ox
from test_kernel_reference import INTER, _structure

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
    s1 = _structure(b)
    b.rebuild()
    s2 = _structure(b)
    for k in s1:
        if k == "members":
            assert s1[k] == s2[k]
        else:
            np.testing.assert_array_equal(s1[k], s2[k], err_msg=k)


def test_prefetch_switched_on_for_large_lattices():
    lat = Lattice.square(256)
    _, _, m = co_ox(lat)
    assert Simulation(m, lat, seed=1).ctl[2] == 1
    lat = Lattice.square(16)
    _, _, m = co_ox(lat)
    assert Simulation(m, lat, seed=1).ctl[2] == 0
