"""Block-average error bars are calibrated: the seed-to-seed spread of the TOF equals the
standard error each run reports (issue 4 item 5: TOF with error bars).

Each run reports a batch-means standard error from its own blocks (after MSER warm-up); over
independent seeds the standard deviation of the TOF estimates is the true standard error.
The ratio spread / mean reported error is 1 for calibrated error bars. With n seeds the
sample standard deviation has a relative spread of about 1/sqrt(2 (n - 1)) (0.11 for 40
seeds), so the accepted window [0.7, 1.35] is about +-3 of those around 1: error bars 1.5x
too small (the failure this guards against) or 1.5x too large fall outside it.
"""

import numpy as np
import pytest
from conftest import co_ox, make

from catscale.kmc import FastDiffusion, KMCConfig, Lattice, simulate

EQS = ["CO + * <=> CO*", "O2 + 2* <=> 2O*", "CO* + O* -> CO2 + 2*"]


def _spread_ratio(fast: bool, n: int = 40, events: int = 400_000) -> float:
    if fast:   # quasi-equilibrated CO adsorption, scaled (test_scaling_bias.py)
        lat = Lattice.hexagonal(16)
        m = make(EQS, [900.0, 1.0, 100.0], [100.0, 0.0, 0.0], {"CO": 1.0, "O2": 1.0}, lat)[2]
    else:      # a reactive steady state with about 0.1 reactions per event, with hops
        lat = Lattice.square(16)
        m = co_ox(lat, diffusion={"CO*": 2.0})[2]
    tof, err = [], []
    for s in range(n):
        r = simulate(m, lat, KMCConfig(events=events, seed=1000 + s, blocks=20,
                                       fast_diffusion=FastDiffusion() if fast else None))
        tof.append(r.tof["CO2"])
        err.append(r.tof_error["CO2"])
    return float(np.std(tof, ddof=1) / np.mean(err))


@pytest.mark.slow
@pytest.mark.parametrize("fast", [False, True], ids=["unscaled", "fast-process scaling"])
def test_tof_error_bars_match_the_seed_spread(fast):
    # With fast-process scaling the spread over seeds also holds the run-to-run variation of
    # the scaling bias (each run adapts its own scale factors early and keeps them), which a
    # run's own blocks cannot see: that is what the scaling check estimates separately.
    # Measured ratios over four independent sets of 40-60 seeds: 1.06, 1.14, 1.21, 1.42
    # (mean 1.21); hence 1.6 for the scaled case (a bug making them 2x too small gives ~2.4).
    ratio = _spread_ratio(fast)
    assert 0.7 < ratio < (1.6 if fast else 1.35), ratio
