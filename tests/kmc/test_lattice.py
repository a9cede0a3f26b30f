"""Lattices: coordination numbers and distances of the neighbour shells (geometry of the
square, triangular, honeycomb and fcc(111) nets), symmetry of the neighbour relation."""

import numpy as np
import pytest

from catscale.errors import InvalidParameterError
from catscale.kmc import Lattice


@pytest.mark.parametrize("make,z,dist", [
    (Lattice.square, (4, 4, 4), (1.0, np.sqrt(2), 2.0)),
    (Lattice.hexagonal, (6, 6, 6), (1.0, np.sqrt(3), 2.0)),
    (Lattice.honeycomb, (3, 6, 3), (1 / np.sqrt(3), 1.0, 2 / np.sqrt(3))),
])
def test_shells(make, z, dist):
    lat = make(8)
    for s in (1, 2, 3):
        assert set(lat.coordination(s)) == {z[s - 1]}
        np.testing.assert_allclose(lat.shell_distance(s), dist[s - 1], rtol=1e-9)
        nb = lat.neighbors(s)
        assert nb.dtype == np.int32 and nb.flags.c_contiguous
        # every neighbour at the shell distance (minimum image), and the relation is symmetric
        pos = lat.positions
        cell = lat.cell * np.array(lat.size)[:, None]
        for site in (0, 5, lat.n_sites - 1):
            for u in nb[site]:
                d = pos[u] - pos[site]
                frac = np.linalg.solve(cell.T, d)
                d = (frac - np.round(frac)) @ cell
                assert np.hypot(*d) == pytest.approx(dist[s - 1], rel=1e-9)
                assert site in nb[u]


def test_fcc111_site_kinds():
    lat = Lattice.fcc111(6)
    assert lat.kind_names == ("top", "fcc", "hcp")
    assert lat.n_sites == 108
    top = lat.sites_of_kind("top")
    kinds = lat.site_kind[lat.neighbors(1)[top]]
    # a top site has 3 fcc and 3 hcp hollow neighbours at a/sqrt(3)
    assert np.all(np.sum(kinds == 1, axis=1) == 3) and np.all(np.sum(kinds == 2, axis=1) == 3)


def test_site_numbering_is_stable():
    lat = Lattice.square(5, 7)
    # site (i, j) = i * L2 + j; east neighbour (i + 1) first
    assert lat.neighbors(1)[0, 0] == 7 and lat.positions[8].tolist() == [1.0, 1.0]


def test_bad_input():
    with pytest.raises(InvalidParameterError, match="size"):
        Lattice.square(4)  # 3 shells reach 2 cells: need >= 5
    with pytest.raises(InvalidParameterError, match="lattice"):
        Lattice.from_name("cubic", 8)
    with pytest.raises(InvalidParameterError, match="cell"):
        Lattice([[1, 0], [2, 0]], [[0, 0]], ["*"], (8, 8))
