"""Microstructure generators: seeds, porosity, periodicity, non-overlap, specs, image I/O."""

import math

import numpy as np
import pytest
import tifffile

from catscale.errors import InvalidParameterError
from catscale.transport.homogenization import (
    blobs,
    effective_diffusivity,
    from_spec,
    lattice_packing,
    load_image,
    nonoverlapping_spheres,
    overlapping_spheres,
    percolation,
)


def test_blobs_seeded_exact_porosity_and_periodic():
    a = blobs((32, 32, 32), 0.4, 1.0, seed=7)
    b = blobs((32, 32, 32), 0.4, 1.0, seed=7)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, blobs((32, 32, 32), 0.4, 1.0, seed=8))
    assert a.mean() == pytest.approx(0.4, abs=1e-4)


def test_overlapping_spheres_boolean_model_porosity():
    """Boolean model: E[porosity] = exp(-n v / V); with ~1700 disks the relative standard
    deviation is ~1 %; tolerance 0.03 absolute."""
    im = overlapping_spheres((200, 200), 3.0, 0.5, seed=1)
    assert im.mean() == pytest.approx(0.5, abs=0.03)


def test_nonoverlapping_spheres_do_not_overlap():
    r = 3.0
    # a 2-voxel clearance keeps the digitised balls from touching face to face
    im = nonoverlapping_spheres((40, 40, 40), r, 0.9, seed=3, clearance=2.0)
    # each solid cluster (periodic) is a single sphere: voxel count of a digitised ball
    perc = percolation(~im, "periodic")
    assert perc.n_clusters >= 1
    from scipy import ndimage

    tiled = np.pad(~im, 8, mode="wrap")
    lab, n = ndimage.label(tiled)
    sizes = np.bincount(lab.ravel())[1:]
    ball = (4 / 3) * math.pi * r**3
    assert sizes.max() < 1.6 * ball  # two merged balls would be ~2x
    assert im.mean() == pytest.approx(0.9, abs=0.01)


def test_lattice_packing_porosity_and_isotropy():
    im = lattice_packing((30, 30, 30), 4.0, 10.0, "bcc")
    r = effective_diffusivity(im, tol=1e-8)
    d = np.diag(r.D_eff)
    assert np.ptp(d) < 1e-6  # cubic symmetry -> isotropic tensor
    # 2 spheres of radius 4 per (10 voxel)^3 cell
    assert 1 - im.mean() == pytest.approx(2 * 4 / 3 * math.pi * 64 / 1000, rel=0.05)


def test_from_spec_string_and_dict_and_errors():
    a = from_spec("blobs:shape=16x16x16,porosity=0.3,blobiness=2,seed=4")
    b = from_spec({"kind": "blobs", "shape": [16, 16, 16], "porosity": 0.3, "blobiness": 2,
                   "seed": 4})
    assert np.array_equal(a, b)
    with pytest.raises(InvalidParameterError, match="spec.kind"):
        from_spec("nope:shape=4x4")
    with pytest.raises(InvalidParameterError, match="porosity"):
        from_spec("blobs:shape=8x8,porosity=1.5")
    with pytest.raises(InvalidParameterError, match="spec"):
        from_spec("blobs:shape=8x8,colour=3")


def test_tiff_and_npy_round_trip(tmp_path):
    im = blobs((8, 12, 10), 0.5, 1.0, seed=1)
    tifffile.imwrite(tmp_path / "a.tif", (im * 255).astype(np.uint8))
    np.save(tmp_path / "b.npy", im)
    assert np.array_equal(load_image(tmp_path / "a.tif"), im)
    assert np.array_equal(load_image(tmp_path / "b.npy"), im)
    with pytest.raises(FileNotFoundError):
        load_image(tmp_path / "missing.tif")
    with pytest.raises(InvalidParameterError, match="image"):
        load_image(__file__)
