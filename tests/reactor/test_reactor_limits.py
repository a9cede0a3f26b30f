"""Reactor profiles where a reactant runs out: flows stay physical."""

from __future__ import annotations

import numpy as np
import pytest

from catscale.reactor._reactors import pfr


def _zero_order(k: float):
    # A + B -> C at a constant rate k (mol m^-3 s^-1) while B is present: a dead zone
    def rate(c, T):
        r = k if c[1] > 0 else 0.0
        return np.array([-r, -r, r]), 0.0
    return rate


def test_pfr_reactant_that_runs_out_is_zero_not_negative():
    # Before: the outlet flow of the exhausted reactant was -2.1e-15 mol/s (the integrator
    # overshoots zero by its absolute error; the rate sees max(F, 0)); the flagship CO
    # oxidation at 600 K reported O2 -8.5e-19 mol/s over the last 40 % of the bed.
    # Reference: the analytic profile of zero-order kinetics, F_B = F_B0 - k V until B
    # runs out at V* = F_B0 / k, then 0; tolerance 1e-9 of the feed (rtol 1e-8 of the
    # integrator on a piecewise-linear profile).
    k, F_in, V = 2.0, np.array([1e-3, 0.5e-3, 0.0]), 5e-4
    res = pfr(_zero_order(k), ["A", "B", "C"], F_in, 500.0, 1e5, V,
              invariants=[[1, 0, 1], [0, 1, 1]])
    assert np.all(res.F >= 0.0)
    exact_B = np.maximum(F_in[1] - k * res.volume, 0.0)
    assert np.max(np.abs(res.F[1] - exact_B)) <= 1e-9 * F_in.sum()
    assert res.F[1, -1] == 0.0
    assert res.conversion == pytest.approx(0.5, abs=1e-9)     # B-limited: 1/2 of A
    assert res.closure <= 1e-9
