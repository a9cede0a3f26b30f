"""Seeded microstructure generators (periodic images; True = pore).

Every generator takes an explicit ``seed`` and returns a boolean image that is periodic in every
axis (inclusions wrap around), so it can be used directly in the periodic cell problem and tiled.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage

from ...errors import InvalidParameterError

__all__ = [
    "blobs",
    "overlapping_spheres",
    "nonoverlapping_spheres",
    "lattice_packing",
    "inclusion_array",
    "layers",
    "from_spec",
    "parse_spec",
    "GENERATORS",
]


#: largest generated image, voxels (512^3): the cell problem's solver holds some hundred
#: bytes per voxel, so a larger image would exhaust the memory of a workstation
MAX_VOXELS = 512**3


def _shape(shape) -> tuple[int, ...]:
    try:
        s = tuple(int(v) for v in np.atleast_1d(shape))
    except (TypeError, ValueError):
        raise InvalidParameterError("shape", "2 or 3 positive integers", shape) from None
    if len(s) not in (2, 3) or min(s) < 1:
        raise InvalidParameterError("shape", "2 or 3 positive integers", shape)
    if math.prod(s) > MAX_VOXELS:
        raise InvalidParameterError("shape", f"at most {MAX_VOXELS} voxels (512^3)", shape)
    return s


def _frac(name: str, v: float, lo: float = 0.0, hi: float = 1.0) -> float:
    if not (isinstance(v, (int, float, np.floating)) and lo < v < hi):
        raise InvalidParameterError(name, f"a number in ({lo}, {hi})", v)
    return float(v)


def _positive(name: str, v: float) -> float:
    if not (isinstance(v, (int, float, np.floating)) and v > 0 and math.isfinite(v)):
        raise InvalidParameterError(name, "a number > 0 (voxels)", v)
    return float(v)


def blobs(shape, porosity: float = 0.5, blobiness: float = 1.0, seed: int = 0) -> np.ndarray:
    """Gaussian-filtered white noise thresholded at the porosity quantile (PoreSpy-style blobs).

    Parameters
    ----------
    shape : tuple of int
        Image shape (voxels), 2-D or 3-D.
    porosity : float
        Pore volume fraction, in (0, 1) (met to within one voxel).
    blobiness : float
        Feature density; the filter width is mean(shape) / (40 * blobiness) voxels.
    seed : int
        Random seed.

    Returns
    -------
    ndarray of bool
    """
    s = _shape(shape)
    eps = _frac("porosity", porosity)
    blob = _positive("blobiness", blobiness)
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal(s).astype(np.float32)
    sigma = float(np.mean(s)) / (40.0 * blob)
    field = ndimage.gaussian_filter(noise, sigma=sigma, mode="wrap")
    thr = np.quantile(field, eps)
    return field <= thr


def _stamp(img: np.ndarray, center: np.ndarray, radius: float, value: bool) -> None:
    """Set a periodic ball (voxel centres within ``radius`` of ``center``) to ``value``."""
    nd = img.ndim
    r = int(math.ceil(radius))
    grids = []
    idx = []
    for a in range(nd):
        lo = int(math.floor(center[a] - r))
        ax = np.arange(lo, lo + 2 * r + 2)
        grids.append((ax + 0.5 - center[a]) ** 2)
        idx.append(np.mod(ax, img.shape[a]))
    d2 = grids[0][:, None] if nd == 2 else grids[0][:, None, None]
    if nd == 2:
        d2 = d2 + grids[1][None, :]
    else:
        d2 = d2 + grids[1][None, :, None] + grids[2][None, None, :]
    inside = d2 <= radius * radius
    sub = img[np.ix_(*idx)]
    sub[inside] = value
    img[np.ix_(*idx)] = sub


def overlapping_spheres(shape, radius: float, porosity: float, seed: int = 0) -> np.ndarray:
    """Boolean model: solid spheres (disks in 2-D) of ``radius`` at Poisson-distributed centres.

    The number of spheres is chosen from the Boolean-model relation porosity =
    exp(-n v_sphere / V), so the porosity is met on average (not exactly).

    Parameters
    ----------
    shape : tuple of int
        Image shape (voxels).
    radius : float
        Sphere radius (voxels).
    porosity : float
        Target pore fraction in (0, 1).
    seed : int
        Random seed.
    """
    s = _shape(shape)
    rad = _positive("radius", radius)
    eps = _frac("porosity", porosity)
    nd = len(s)
    vol = math.pi * rad**2 if nd == 2 else 4.0 / 3.0 * math.pi * rad**3
    rng = np.random.default_rng(seed)
    n = int(round(-math.log(eps) * float(np.prod(s)) / vol))
    img = np.ones(s, bool)
    centers = rng.random((n, nd)) * np.array(s)
    for c in centers:
        _stamp(img, c, rad, False)
    return img


def nonoverlapping_spheres(
    shape, radius: float, porosity: float, seed: int = 0, max_tries: int = 100000,
    clearance: float = 0.0,
) -> np.ndarray:
    """Random sequential addition of solid spheres that do not overlap (periodic).

    Spheres are added until the solid fraction reaches 1 - porosity or no place is found in
    ``max_tries`` attempts (the RSA jamming limit is ~0.38 in 3-D, ~0.55 in 2-D).

    Parameters
    ----------
    shape : tuple of int
        Image shape (voxels).
    radius : float
        Sphere radius (voxels).
    porosity : float
        Target pore fraction in (0, 1).
    seed : int
        Random seed.
    max_tries : int
        Placement attempts before giving up.
    clearance : float
        Extra gap between sphere surfaces (voxels).
    """
    s = _shape(shape)
    rad = _positive("radius", radius)
    eps = _frac("porosity", porosity)
    nd = len(s)
    L = np.array(s, float)
    vol = math.pi * rad**2 if nd == 2 else 4.0 / 3.0 * math.pi * rad**3
    n_target = int(round((1.0 - eps) * float(np.prod(s)) / vol))
    rng = np.random.default_rng(seed)
    centers = np.empty((n_target, nd))
    m = 0
    dmin2 = (2 * rad + clearance) ** 2
    tries = 0
    while m < n_target and tries < max_tries:
        tries += 1
        c = rng.random(nd) * L
        if m:
            d = centers[:m] - c
            d -= L * np.round(d / L)
            if np.min(np.einsum("ij,ij->i", d, d)) < dmin2:
                continue
        centers[m] = c
        m += 1
    img = np.ones(s, bool)
    for c in centers[:m]:
        _stamp(img, c, rad, False)
    return img


def lattice_packing(shape, radius: float, spacing: float, lattice: str = "sc") -> np.ndarray:
    """Solid spheres (disks in 2-D) on a simple cubic ("sc"), body-centred ("bcc") or
    face-centred ("fcc", 3-D only) lattice; in 2-D "sc" is the square array.

    Parameters
    ----------
    shape : tuple of int
        Image shape (voxels); should be a multiple of ``spacing`` for periodicity.
    radius : float
        Sphere radius (voxels).
    spacing : float
        Cubic lattice constant (voxels).
    lattice : {"sc", "bcc", "fcc"}
    """
    s = _shape(shape)
    rad = _positive("radius", radius)
    a = _positive("spacing", spacing)
    nd = len(s)
    basis = {
        "sc": [[0.0] * nd],
        "bcc": [[0.0] * nd, [0.5] * nd],
        "fcc": [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]] if nd == 3 else None,
    }
    if lattice not in basis or basis[lattice] is None:
        raise InvalidParameterError("lattice", "'sc', 'bcc' or 'fcc' (fcc only in 3-D)", lattice)
    counts = [int(round(n / a)) for n in s]
    img = np.ones(s, bool)
    for cell in np.ndindex(*counts):
        for b in basis[lattice]:
            c = (np.array(cell) + np.array(b)) * a + a / 2.0
            _stamp(img, c, rad, False)
    return img


def inclusion_array(n: int, fraction: float, ndim: int = 2) -> np.ndarray:
    """One periodic cell of a square (2-D, cylinders) or simple cubic (3-D, spheres) array:
    a centred solid inclusion whose voxel volume fraction is as close as possible to
    ``fraction``; the radius is chosen from the exact voxel count, not the continuum formula.

    Parameters
    ----------
    n : int
        Cell edge (voxels).
    fraction : float
        Solid area/volume fraction in (0, 1).
    ndim : {2, 3}

    Returns
    -------
    ndarray of bool (True = pore)
    """
    if not (isinstance(n, (int, np.integer)) and n >= 2):
        raise InvalidParameterError("n", "an integer >= 2", n)
    f = _frac("fraction", fraction)
    if ndim not in (2, 3):
        raise InvalidParameterError("ndim", "2 or 3", ndim)
    x = np.arange(n) + 0.5 - n / 2.0
    grids = np.meshgrid(*([x] * ndim), indexing="ij")
    r2 = sum(g * g for g in grids)
    k = int(round(f * r2.size))
    if k == 0:
        return np.ones(r2.shape, bool)
    thr = np.partition(r2.reshape(-1), k - 1)[k - 1]
    return ~(r2 <= thr)


def layers(shape, thicknesses: list[int], axis: int = 0) -> np.ndarray:
    """Phase-label image of layers normal to ``axis``: layer m has label m % len(...) in order,
    with ``thicknesses`` in voxels, repeated to fill the image."""
    s = _shape(shape)
    if not thicknesses or min(thicknesses) < 1:
        raise InvalidParameterError("thicknesses", "positive integers", thicknesses)
    lab = np.repeat(np.arange(len(thicknesses)), thicknesses)
    lab = np.resize(lab, s[axis]).astype(np.uint8)
    shp = [1] * len(s)
    shp[axis] = s[axis]
    return np.broadcast_to(lab.reshape(shp), s).copy()


GENERATORS = {
    "blobs": blobs,
    "overlapping_spheres": overlapping_spheres,
    "nonoverlapping_spheres": nonoverlapping_spheres,
    "lattice_packing": lattice_packing,
}


def _parse_value(v: str):
    for typ in (int, float):
        try:
            return typ(v)
        except ValueError:
            pass
    return v


def parse_spec(spec: str | dict) -> dict:
    """Generator spec (string ``"kind:key=value,..."`` or dict) as a dict with ``kind``."""
    if isinstance(spec, str):
        kind, _, rest = spec.partition(":")
        d: dict = {"kind": kind.strip()}
        for item in filter(None, (t.strip() for t in rest.split(","))):
            if "=" not in item:
                raise InvalidParameterError("spec", "'kind:key=value,...'", spec)
            k, v = item.split("=", 1)
            k = k.strip()
            try:
                d[k] = ([int(t) for t in v.split("x")] if k == "shape"
                        else _parse_value(v.strip()))
            except ValueError:
                raise InvalidParameterError("spec.shape", "integers like 64x64x64", v) from None
        return d
    if isinstance(spec, dict):
        return dict(spec)
    raise InvalidParameterError("spec", "a dict or 'kind:key=value,...' string", spec)


def from_spec(spec: str | dict) -> np.ndarray:
    """Build an image from a generator spec.

    ``spec`` is a dict ``{"kind": "blobs", "shape": [64, 64, 64], "porosity": 0.4, "seed": 1,
    ...}`` or a string ``"blobs:shape=64x64x64,porosity=0.4,blobiness=1,seed=1"``; kinds are
    the keys of :data:`GENERATORS`, the other keys their keyword arguments.
    """
    d = parse_spec(spec)
    kind = d.pop("kind", None)
    if kind not in GENERATORS:
        raise InvalidParameterError("spec.kind", f"one of {sorted(GENERATORS)}", kind)
    if "shape" not in d:
        raise InvalidParameterError("spec.shape", "an image shape such as 64x64x64", None)
    try:
        return GENERATORS[kind](**d)
    except TypeError as exc:
        raise InvalidParameterError("spec", f"keyword arguments of {kind}", str(exc)) from None
