"""Pair interactions beyond the first neighbour shell (``kmc.interactions``) in every
mean-field solver: folded into the first shell at first order (Bragg-Williams),
eps_ij = sum_s (z_s / z_1) eps_ij^s, by one routine
(:meth:`catscale.kmc.LateralInteractions.mean_field_pairs`, through
:meth:`catscale.model.Model.mean_field_lateral`)."""

import pathlib

import numpy as np
import pytest

from catscale.errors import InvalidParameterError
from catscale.kmc import LateralInteractions, Lattice
from catscale.model import load_model

CYCLE = pathlib.Path(__file__).parent / "data" / "models" / "single_site_cycle.yaml"
MODEL = CYCLE.read_text() + """LATERAL
kmc: {lattice: LATTICE, size: [12, 12], INTER}
"""


def _model(tmp_path, lateral="", lattice="square", inter="shells: 3"):
    text = MODEL.replace("LATERAL", lateral).replace("LATTICE", lattice).replace("INTER", inter)
    path = tmp_path / "m.yaml"
    path.write_text(text)
    return load_model(str(path))


def _shells(name):
    lat = Lattice.from_name(name, 12)
    return [int(lat.coordination(s)[0]) for s in (1, 2, 3)]


def test_coordination_of_the_shells():
    # the neighbour shells of the three named one-kind lattices (geometry): square 4, 4, 4
    # (edge, diagonal, two edges); triangular 6, 6, 6; honeycomb 3, 6, 3
    assert _shells("square") == [4, 4, 4]
    assert _shells("hexagonal") == [6, 6, 6]
    assert _shells("honeycomb") == [3, 6, 3]


def test_fold_into_the_first_shell():
    inter = LateralInteractions((("A*", "B*", 1, 0.01), ("B*", "A*", 2, 0.02),
                                 ("A*", "A*", 3, 0.03)))
    out = inter.mean_field_pairs([3, 6, 3])
    # both orders of a pair under one key; shell 2 of honeycomb counts z2/z1 = 2 times
    assert out == pytest.approx({"A*-B*": 0.01 + 2 * 0.02, "A*-A*": 0.03})
    with pytest.raises(InvalidParameterError, match="shell"):
        inter.mean_field_pairs([3, 6])


def test_model_mean_field_lateral(tmp_path):
    m = _model(tmp_path, lateral='lateral: {"A*-A*": 0.01}', lattice="honeycomb",
               inter='interactions: [{pair: "A*-A*", shell: 2, energy: 0.005}, '
                     '{pair: "A*-B*", shell: 3, energy: 0.02}]')
    assert m.coordination() == 3
    assert m.mean_field_lateral() == pytest.approx({"A*-A*": 0.01 + 2 * 0.005,
                                                    "A*-B*": 0.02})
    # no kmc.interactions: the top-level lateral as it is, keyed as the kinetics expects
    m1 = _model(tmp_path, lateral='lateral: {"A*-B*": 0.01}')
    assert m1.mean_field_lateral() == {"A*-B*": 0.01}
    assert _model(tmp_path).mean_field_lateral() is None


def test_custom_unit_cell_coordination(tmp_path):
    # a custom one-site cell with triangular vectors is the triangular lattice: z1 = 6, not
    # the former default 4
    cell = ('unit_cell: {vectors: [[1, 0], [0.5, 0.8660254037844386]], '
            'sites: [{kind: "*", position: [0, 0]}]}')
    m = _model(tmp_path, lateral='lateral: {"A*-A*": 0.01}', lattice="custom", inter=cell)
    assert m.coordination() == 6


@pytest.mark.parametrize("lattice", ["square", "honeycomb"])
def test_steady_state_sees_the_further_shells(tmp_path, lattice):
    # the same energetics given in shell 2 or, scaled by z2/z1, in shell 1 give the same
    # mean-field steady state, in catscale steady, run's steady stage and the uq chain
    from catscale.stages.steady import solve as model_steady_state
    from catscale.uq._chain import _steady

    z1, z2, _ = _shells(lattice)
    e = 0.01
    far = _model(tmp_path, lattice=lattice,
                 inter=f'interactions: [{{pair: "A*-A*", shell: 2, energy: {e}}}, '
                       f'{{pair: "A*-B*", shell: 2, energy: {e}}}, '
                       f'{{pair: "B*-B*", shell: 2, energy: {e}}}]')
    e1 = e * z2 / z1
    near = _model(tmp_path, lattice=lattice,
                  lateral=f'lateral: {{"A*-A*": {e1}, "A*-B*": {e1}, "B*-B*": {e1}}}')
    bare = _model(tmp_path, lattice=lattice)
    assert far.mean_field_lateral() == pytest.approx(near.mean_field_lateral())
    s_far, s_near, s_bare = (model_steady_state(x) for x in (far, near, bare))
    np.testing.assert_allclose(s_far.theta, s_near.theta, rtol=1e-8, atol=1e-12)
    # the interactions matter here (beta eps z2/z1 up to 0.46): >= 10 % on the TOF
    assert s_far.tof["B"] > 1.1 * s_bare.tof["B"]
    np.testing.assert_allclose(_steady(far, None, None).theta, s_far.theta, rtol=1e-10)
