"""Fast-diffusion scaling (Dybeck, Plaisance & Neurock, JCTC 13, 1525 (2017)): the TOF is
unchanged within error bars against the unscaled run, at a fraction of the events."""

import pytest
from conftest import make

from catscale.kmc import FastDiffusion, KMCConfig, Lattice, simulate

EQS = ["A + * <=> A*", "B + * <=> B*", "A* + B* -> AB + 2*"]


@pytest.mark.slow
def test_tof_unchanged_by_scaling():
    lat = Lattice.square(16)
    gamma = 5000.0  # hops ~10^3 times more frequent than any other event
    _, _, m = make(EQS, [1, 1, 2.0], [0.2, 0.2, 0], {"A": 1.0, "B": 1.0}, lat,
                   diffusion={"A*": gamma, "B*": gamma})
    ref = simulate(m, lat, KMCConfig(events=1_000_000, seed=2, blocks=20))
    fd = simulate(m, lat, KMCConfig(events=200_000, seed=2, blocks=20,
                                    fast_diffusion=FastDiffusion(separation=50)))
    # both hop channels were scaled down (quasi-equilibrated), nothing else
    hop = [i for i, p in enumerate(m.processes) if p.direction == 0]
    assert all(fd.scales[i] < 0.2 for i in hop)
    assert all(fd.scales[i] == 1.0 for i in range(len(m.processes)) if i not in hop)
    # same TOF within 4 combined standard errors (residual bias O(1/separation) = 2 %, below
    # the ~4 % combined error bar of these short runs)
    err = (ref.tof_error["AB"] ** 2 + fd.tof_error["AB"] ** 2) ** 0.5
    assert abs(fd.tof["AB"] - ref.tof["AB"]) < 4 * err
    assert err < 0.03 * ref.tof["AB"] * 4  # the error bars are informative
    # and it reached a much longer simulated time per event
    assert fd.time / fd.events > 5 * ref.time / ref.events
