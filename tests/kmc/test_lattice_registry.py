"""Common tests of the lattice registry (catscale.lattices.LATTICES), one per entry.

Known shell counts (coordination of neighbour shells 1-3 around a site): square 4, 4, 4 (at a,
a sqrt2, 2a); triangular/hexagonal 6, 6, 6 (a, a sqrt3, 2a); honeycomb 3, 6, 3 (a/sqrt3, a,
2a/sqrt3 with a the cell constant); fcc(111) around a top site 6 hollows (3 fcc + 3 hcp) at
a/sqrt3, 6 tops at a, 6 hollows at 2a/sqrt3. Common neighbours of a nearest-neighbour pair:
square 0, triangular 2 (the two triangles sharing the bond), honeycomb 0.
"""

import pathlib

import numpy as np
import pytest

from catscale.diffusion import LATTICES as DIFFUSION_LATTICES
from catscale.diffusion import coordination, critical_temperature, free_diffusivity
from catscale.errors import InvalidParameterError
from catscale.kmc import Lattice
from catscale.kmc.lattice_gas import LatticeGasConfig
from catscale.lattices import (
    LATTICES,
    LatticeKind,
    lattice_kind,
    lattice_names,
    register_lattice,
    unregister_lattice,
)
from catscale.model import load_model
from catscale.units import kB

KNOWN = {"square": ((4, 4, 4), 4, 0, (1.0, np.sqrt(2.0), 2.0)),
         "hexagonal": ((6, 6, 6), 6, 2, (1.0, np.sqrt(3.0), 2.0)),
         "honeycomb": ((3, 6, 3), 3, 0, (1 / np.sqrt(3.0), 1.0, 2 / np.sqrt(3.0))),
         "fcc111": ((6, 6, 6), 6, 2, (1 / np.sqrt(3.0), 1.0, 2 / np.sqrt(3.0)))}
ENTRIES = LATTICES.entries()
BASE = (pathlib.Path(__file__).resolve().parents[1] / "data" / "models"
        / "single_site_cycle.yaml").read_text()


def test_builtin_lattices_registered():
    assert set(KNOWN) <= {e.name for e in ENTRIES}
    assert LATTICES["triangular"] is LATTICES["hexagonal"]


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_shell_counts(entry):
    # the published counts declared with the entry, against the geometry
    if entry.expected_shells is not None:
        assert entry.shell_coordination(len(entry.expected_shells)) == entry.expected_shells
    if entry.name in KNOWN:
        shells, z, common, dist = KNOWN[entry.name]
        assert entry.shell_coordination(3) == shells
        assert entry.z == z and entry.common_neighbours == common
        assert np.allclose(entry.shell_distances(3), dist, rtol=1e-12)
    # the kMC lattice built by name has the same shells around every site of basis 0
    lat = Lattice.from_name(entry.name, 8, n_shells=3)
    for s in (1, 2, 3):
        assert lat.coordination(s)[0] == entry.shell_coordination(3)[s - 1]
        nb = lat.neighbors(s)[lat.basis_index == 0]
        assert np.all((nb >= 0).sum(axis=1) == entry.shell_coordination(3)[s - 1])
        # the neighbour relation is symmetric
        full = lat.neighbors(s)
        for i in range(0, lat.n_sites, 7):
            for j in full[i][full[i] >= 0]:
                assert i in full[j]


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_round_trip(entry):
    # describe -> rebuild gives the same lattice kind
    assert LatticeKind.from_description(entry.describe()) == entry
    # site index <-> coordinates: positions -> fractional cell + basis -> index
    lat = Lattice.from_name(entry.name, (7, 9), n_shells=1)
    frac = lat.positions @ np.linalg.inv(lat.cell)
    idx = []
    for f in frac:
        d = (f[None, :] - lat.basis) % 1.0
        d = np.minimum(d, 1.0 - d)
        b = int(np.argmin(np.abs(d).sum(axis=1)))
        i, j = np.rint(f - lat.basis[b]).astype(int)
        idx.append((i * lat.size[1] + j) * lat.nb + b)
    assert np.array_equal(idx, np.arange(lat.n_sites))
    assert lat.name == entry.name and lat.kinds == entry.kinds("*")


@pytest.mark.parametrize("name", lattice_names(one_kind=True))
def test_diffusion_closures_take_z_from_registry(name):
    # Bragg-Williams: kTc = z |eps| / 4 (module docstring of diffusion._thermodynamic_factor)
    z = lattice_kind(name).z
    assert coordination(name) == z and DIFFUSION_LATTICES[name][0] == z
    eps = -0.1
    assert critical_temperature(eps, name, "bragg_williams") == pytest.approx(
        z * 0.1 / (4 * kB), rel=1e-14)
    # single-particle random walk: D0 = z Gamma a^2 / 4 in 2-D
    assert free_diffusivity(2.0, 3e-10, name) == pytest.approx(z * 2.0 * 9e-20 / 4, rel=1e-14)


@pytest.mark.parametrize("name", lattice_names(bravais=True))
def test_lattice_gas_takes_every_bravais_lattice(name):
    cfg = LatticeGasConfig(lattice=name, size=(8, 8))
    assert cfg.z == lattice_kind(name).z


@pytest.mark.parametrize("name", lattice_names(one_kind=True))
def test_model_coordination_is_the_registry_z(name):
    m = load_model("<string>", text=BASE + f"kmc: {{lattice: {name}, size: [8, 8]}}\n")
    assert m.coordination() == lattice_kind(name).z == KNOWN[LATTICES[name].name][1]


def test_unknown_names_list_what_is_available():
    with pytest.raises(InvalidParameterError, match="honeycomb"):
        Lattice.from_name("kagome", 8)
    with pytest.raises(InvalidParameterError, match="hexagonal"):
        coordination("fcc111")            # three site kinds: not a lattice gas of one kind
    with pytest.raises(InvalidParameterError, match="square"):
        LatticeGasConfig(lattice="honeycomb")   # two sites per cell


def test_a_new_lattice_is_one_registry_entry():
    # kagome: corner-sharing triangles, z = 4, one common neighbour per bond, shells 4, 4
    sq3 = np.sqrt(3.0)
    kag = LatticeKind("kagome_test", ((1.0, 0.0), (0.5, sq3 / 2)),
                      ((0.0, 0.0), (0.5, 0.0), (0.0, 0.5)), expected_shells=(4, 4))
    register_lattice(kag)
    try:
        from catscale.model.sections.kmc import KMCSection, build_lattice

        assert kag.z == 4 and kag.common_neighbours == 1
        assert kag.shell_coordination(2) == (4, 4)
        sec = KMCSection(lattice="kagome_test", size=(6, 6))
        lat = build_lattice(sec, ["*"])
        assert lat.n_sites == 108 and lat.coordination(1).tolist() == [4, 4, 4]
        assert coordination("kagome_test") == 4           # diffusion closures
        m = load_model("<string>", text=BASE + "kmc: {lattice: kagome_test, size: [6, 6]}\n")
        assert m.coordination() == 4                      # mean-field z of the model
        with pytest.raises(InvalidParameterError):
            LatticeGasConfig(lattice="kagome_test")      # not Bravais
        with pytest.raises(InvalidParameterError, match="taken"):
            register_lattice(kag)
    finally:
        unregister_lattice("kagome_test")
    assert "kagome_test" not in LATTICES
