"""CLI, model-file section and the microstructure -> pellet bridge."""

import json
import subprocess
import sys

import numpy as np
import pytest
from pydantic import ValidationError

from catscale.bridges.microstructure_to_pellet import pellet_transport_from_homogenization
from catscale.errors import InvalidParameterError
from catscale.model.sections.microstructure import MicrostructureSection
from catscale.transport.homogenization import effective_diffusivity, from_spec, layers


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "catscale.cli.main", "homogenize", *args],
                          capture_output=True, text=True, timeout=300)


def test_cli_json_on_npy_image(tmp_path):
    img = np.zeros((10, 6, 6), bool)
    img[:, 1:4, 2:5] = True  # straight channel: D_xx = porosity exactly
    np.save(tmp_path / "ch.npy", img)
    p = _cli(str(tmp_path / "ch.npy"), "--json", "--axis", "0", "--method", "dirichlet")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["D_eff"][0][0] == pytest.approx(img.mean(), rel=1e-6)
    assert out["porosity"] == pytest.approx(img.mean())
    assert out["tortuosity"][0] == pytest.approx(1.0, rel=1e-6)
    for key in ("iterations", "residual", "memory_bytes_per_voxel"):
        assert key in out


@pytest.mark.slow
def test_cli_generate_and_errors():
    p = _cli("--generate", "blobs:shape=16x16x16,porosity=0.5,seed=2", "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert len(out["D_eff"]) == 3 and len(out["D_eff"][0]) == 3
    bad = _cli("--generate", "blobs:shape=8x8,porosity=2", "--json")
    assert bad.returncode == 2 and "porosity" in bad.stderr and "Traceback" not in bad.stderr
    missing = _cli("missing.tif", "--json")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_section_schema_and_units():
    s = MicrostructureSection.model_validate(
        {"generate": {"kind": "blobs", "shape": [16, 16, 16], "porosity": 0.4, "seed": 3},
         "voxel_size": "50 nm", "D_free": "0.1 cm^2/s"})
    assert s.voxel_size == pytest.approx(5e-8)
    assert s.D_free == pytest.approx(1e-5)
    img = from_spec(s.generate.kwargs())
    assert img.shape == (16, 16, 16) and img.mean() == pytest.approx(0.4, abs=1e-3)
    with pytest.raises(ValidationError, match="exactly one"):
        MicrostructureSection.model_validate({"D_free": 1e-5})
    with pytest.raises(ValidationError):
        MicrostructureSection.model_validate({"image": "a.tif", "D_free": 1e-5, "colour": 1})
    with pytest.raises(ValidationError, match="radius"):
        MicrostructureSection.model_validate(
            {"generate": {"kind": "overlapping_spheres", "shape": [8, 8], "porosity": 0.5},
             "D_free": 1e-5})


def test_bridge_layers_exact_and_limits():
    """Layers of D 1 and 0 ... use 1 and 0.25 (relative): the bridge multiplies by D_free and
    gives tau = porosity D_free / D_eff; anisotropy = parallel/series."""
    img = layers((8, 4, 4), [4, 4], axis=0)
    r = effective_diffusivity(img, [1.0, 0.25], tol=1e-12)
    pt = pellet_transport_from_homogenization(r, D_free=2e-5)
    series, parallel = 1 / (0.5 + 2.0), 0.625
    assert pt.D_eff == pytest.approx(2e-5 * (series + 2 * parallel) / 3, rel=1e-6)
    assert pt.anisotropy == pytest.approx(parallel / series, rel=1e-6)
    one = pellet_transport_from_homogenization(r, D_free=2e-5, axis=0)
    assert one.D_eff == pytest.approx(2e-5 * series, rel=1e-6)
    assert one.tortuosity == pytest.approx(r.porosity / series, rel=1e-6)
    with pytest.raises(InvalidParameterError, match="D_free"):
        pellet_transport_from_homogenization(r, D_free=-1.0)
