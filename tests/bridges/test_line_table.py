"""The Chebyshev table of a rate along the stoichiometric line
(catscale.bridges.kinetics_to_pellet.ChebyshevLineTable; moved from tests/uq)."""

import numpy as np
import pytest


@pytest.mark.parametrize("n", [5, 7, 13, 25])
def test_line_table_piecewise_form_is_the_chebyshev_interpolant(n):
    # the table is evaluated as a scipy PPoly re-expanded exactly from the Chebyshev series
    # (Taylor coefficients at 8 breakpoints): it must equal Clenshaw evaluation to round-off
    # (1e-12 relative; the degree-24 re-expansion loses ~3 digits of 1e-16), value and
    # derivative, and interpolate the nodes
    from numpy.polynomial import chebyshev as cheb

    from catscale.bridges.kinetics_to_pellet import ChebyshevLineTable as _LineTable

    lo, hi = 8.0, 24.0
    nodes = _LineTable.nodes(lo, hi, n)
    vals = np.sqrt(nodes - 7.9) * np.exp(-nodes / 10)
    tb = _LineTable(lo, hi, vals)
    s = np.linspace(lo, hi, 301)
    h = 0.5 * (hi - lo)
    x = (s - 0.5 * (lo + hi)) / h
    r, dr = tb(s)
    ref, dref = cheb.chebval(x, tb.coef), cheb.chebval(x, tb.dcoef) / h
    assert np.max(np.abs(r - ref)) <= 1e-12 * np.max(np.abs(ref))
    assert np.max(np.abs(dr - dref)) <= 1e-12 * np.max(np.abs(dref))
    np.testing.assert_allclose(tb(nodes)[0], vals, rtol=1e-12)
