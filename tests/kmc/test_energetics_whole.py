"""The kMC model builder takes the model's Energetics whole (issue 19, item 5): pairs of
every shell, many-body clusters and the transition-state position of every step all reach
the lattice processes, and the stage gives what the part-by-part call gave."""

import dataclasses
import math
import pathlib

import numpy as np
import pytest

from catscale.bridges.rates_to_kmc import kmc_model, kmc_omits
from catscale.errors import InvalidParameterError
from catscale.kmc import Cluster, LateralInteractions, Lattice
from catscale.kmc._reference import enumerate_events, total_energy
from catscale.model import load_model
from catscale.units import kB

ROOT = pathlib.Path(__file__).resolve().parents[2]
FLAGSHIP = (ROOT / "examples" / "co_oxidation_pt111.yaml").read_text()
EXTRA = """
lateral: {CO*-CO*: 0.10, CO*-O*: 0.05, O*-O*: 0.08}
kmc:
  lattice: hexagonal
  size: [6, 6]
  events: 3000
  seed: 3
  interactions:
    - {pair: "O*-O*", shell: 2, energy: 0.02}
  clusters:
    - {species: [O*, O*, O*], sites: [[0, 0, 0], [0, 1, 0], [0, 0, 1]], energy: 0.03}
  bep: {"CO* + O* <=> CO2 + 2*": 0.3}
"""


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    f = tmp_path_factory.mktemp("kmc") / "lat.yaml"
    f.write_text(FLAGSHIP.split("\nkmc:")[0] + EXTRA)
    return load_model(f)


def _build(model, en, lat):
    return kmc_model(model.mechanism, model.rates(), model.pressures, lat, energetics=en)


def test_every_part_reaches_the_lattice_model(model):
    en = model.energetics
    lat = Lattice.hexagonal(6)
    km = _build(model, en, lat)
    # pairs of shell 1 (lateral:) and shell 2 (kmc.interactions), and the cluster
    assert set(km.interactions.pairs) == set(en.kmc_pairs)
    assert ("O*", "O*", 2, 0.02) in km.interactions.pairs
    assert km.interactions.clusters == (Cluster(("O*",) * 3, ((0, 0, 0), (0, 1, 0),
                                                              (0, 0, 1)), 0.03),)
    # transition-state positions: the energetics' alpha per step (kmc.bep for step 2)
    fwd = {p.step: p.alpha for p in km.processes if p.direction == 1}
    rev = {p.step: p.alpha for p in km.processes if p.direction == -1}
    assert [fwd[j] for j in range(3)] == pytest.approx(list(en.alpha))
    assert fwd[2] == pytest.approx(0.3) and rev[2] == pytest.approx(0.7)
    assert not kmc_omits(en)


def test_the_stage_gives_what_the_part_by_part_call_gave(model):
    # the former stage code: lateral and bep picked out of the energetics one by one
    from catscale.stages import kmc as kmc_stage

    en = model.energetics
    km, lat, cfg, _, _ = kmc_stage.inputs(model)
    old = kmc_model(model.mechanism, model.rates(), model.pressures, lat,
                    lateral=LateralInteractions(
                        tuple(en.kmc_pairs),
                        tuple(Cluster(tuple(c.species), tuple(tuple(x) for x in c.sites),
                                      c.energy) for c in en.clusters)),
                    bep=dict(en.bep))
    assert km == old


def _cluster_state(km, lat):
    """O* on the three sites of one cluster figure (cells (1,1), (2,1), (1,2)), CO* on one
    far site, the rest vacant."""
    code = {s: i for i, s in enumerate(km.species)}
    state = np.full(lat.n_sites, code["*"], dtype=np.int64)
    for i, j in ((1, 1), (2, 1), (1, 2)):
        state[i * lat.size[1] + j] = code["O*"]
    state[4 * lat.size[1] + 4] = code["CO*"]
    return state


def test_changing_clusters_or_alpha_changes_the_rates(model):
    en = model.energetics
    lat = Lattice.hexagonal(6)
    km = _build(model, en, lat)
    state = _cluster_state(km, lat)
    # twice the cluster energy: the configuration's energy rises by the cluster's 0.03 eV
    c2 = tuple(Cluster(tuple(c.species), tuple(tuple(x) for x in c.sites), 2 * c.energy)
               for c in en.clusters)
    km2 = _build(model, dataclasses.replace(en, clusters=c2), lat)
    assert total_energy(km2, lat, state) - total_energy(km, lat, state) == pytest.approx(0.03)
    ev1 = {(pi, s, t): r for r, pi, s, t in enumerate_events(km, lat, state)}
    ev2 = {(pi, s, t): r for r, pi, s, t in enumerate_events(km2, lat, state)}
    assert ev1.keys() == ev2.keys()
    beta = 1.0 / (kB * km.T)
    changed = 0
    for k, r1 in ev1.items():
        p = km.processes[k[0]]
        # events that break the cluster (an O* of it leaves) lose its energy dE = -0.03 more:
        # rate x exp(alpha beta 0.03); every other event is unchanged
        sites = {k[1], k[2]} & {int(i) for i in np.nonzero(state == km.species.index("O*"))[0]}
        if sites and p.initial[0] == "O*" and p.final[0] != "O*":
            assert ev2[k] / r1 == pytest.approx(math.exp(p.alpha * beta * 0.03), rel=1e-12)
            changed += 1
        else:
            assert ev2[k] == pytest.approx(r1, rel=1e-12)
    assert changed > 0
    # another transition-state position of step 2 changes the processes' alpha
    a = list(en.alpha)
    a[2] = 0.8
    km3 = _build(model, dataclasses.replace(en, alpha=tuple(a)), lat)
    assert [p.alpha for p in km3.processes if p.step == 2] == pytest.approx([0.8, 0.2])
    # dropping the shell-2 pair changes the energy of two O* at second-neighbour distance
    no2 = tuple(p for p in en.kmc_pairs if p[2] != 2)
    km4 = _build(model, dataclasses.replace(en, kmc_pairs=no2), lat)
    code = {n: i for i, n in enumerate(km.species)}
    pair = np.full(lat.n_sites, code["*"], dtype=np.int64)
    pair[[0, int(lat.neighbors(2)[0][0])]] = code["O*"]
    assert total_energy(km, lat, pair) == pytest.approx(0.02)
    assert total_energy(km4, lat, pair) == 0.0


def test_energetics_and_parts_together_are_refused(model):
    lat = Lattice.hexagonal(6)
    with pytest.raises(InvalidParameterError, match="energetics"):
        kmc_model(model.mechanism, model.rates(), model.pressures, lat,
                  lateral={"O*-O*": 0.1}, energetics=model.energetics)
    bad = dataclasses.replace(model.energetics, alpha=(0.5, 0.5))
    with pytest.raises(InvalidParameterError, match="alpha"):
        _build(model, bad, lat)


def test_coverage_effects_are_named_as_left_out(model):
    en = dataclasses.replace(model.energetics, coverage_effects=(np.zeros((3, 3)),) * 4)
    assert kmc_omits(en) == ["coverage_effects"]
