"""Voxel images: validation, loading (NumPy, TIFF), porosity and percolation analysis."""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from ...errors import InvalidParameterError
from . import _kernels as K

__all__ = [
    "PhaseImage",
    "as_phase_image",
    "load_image",
    "porosity",
    "Percolation",
    "percolation",
]


@dataclass(frozen=True)
class PhaseImage:
    """A validated image: uint8 phase labels on a 3-D grid (2-D images have nz = 1) and the
    diffusivity of each phase (any consistent unit; only ratios matter for relative results)."""

    phase: np.ndarray  # uint8 (nx, ny, nz), C-contiguous
    table: np.ndarray  # float64 (n_phases,)
    ndim: int  # 2 or 3: dimension of the original image

    @property
    def conducting(self) -> np.ndarray:
        """Boolean mask of voxels with a positive diffusivity."""
        return self.table[self.phase] > 0.0

    @property
    def D_ref(self) -> float:
        """Reference (free) diffusivity: the largest phase diffusivity."""
        return float(self.table.max())


def as_phase_image(
    image: np.ndarray, phase_diffusivities: dict[int, float] | list[float] | None = None
) -> PhaseImage:
    """Validate an image and attach phase diffusivities.

    Parameters
    ----------
    image : array_like of bool or int, 2-D or 3-D
        Boolean image (True = pore, False = solid) or integer phase labels 0..255.
    phase_diffusivities : sequence or dict, optional
        Diffusivity of each phase label (m^2/s, or relative to the free value). Default for
        boolean or 0/1 images: solid 0, pore 1.

    Returns
    -------
    PhaseImage

    Raises
    ------
    InvalidParameterError
        Wrong dimension, non-integer values, labels without a diffusivity, negative values.
    """
    arr = np.asarray(image)
    if arr.ndim not in (2, 3):
        raise InvalidParameterError("image", "a 2-D or 3-D array", f"shape {arr.shape}")
    if min(arr.shape) < 1:
        raise InvalidParameterError("image", "a non-empty array", f"shape {arr.shape}")
    if arr.dtype == bool:
        labels = arr.astype(np.uint8)
    elif np.issubdtype(arr.dtype, np.integer):
        if arr.min() < 0 or arr.max() > 255:
            raise InvalidParameterError(
                "image", "integer phase labels in 0..255", f"range [{arr.min()}, {arr.max()}]"
            )
        labels = arr.astype(np.uint8)
    elif np.issubdtype(arr.dtype, np.floating):
        vals = np.unique(arr)
        if not np.all(np.isin(vals, (0.0, 1.0))):
            raise InvalidParameterError(
                "image", "boolean or integer phase labels (floats only as 0/1)",
                f"float values such as {vals[:5].tolist()}",
            )
        labels = arr.astype(np.uint8)
    else:
        raise InvalidParameterError("image", "a boolean or integer array", f"dtype {arr.dtype}")
    nphase = int(labels.max()) + 1
    if phase_diffusivities is None:
        if nphase > 2:
            raise InvalidParameterError(
                "phase_diffusivities", f"one diffusivity per phase label (labels up to "
                f"{nphase - 1})", None,
            )
        table = np.array([0.0, 1.0])
    else:
        if isinstance(phase_diffusivities, dict):
            table = np.zeros(max(max(phase_diffusivities) + 1, nphase))
            for key, val in phase_diffusivities.items():
                table[int(key)] = float(val)
            missing = [p for p in np.unique(labels) if int(p) not in phase_diffusivities]
            if missing:
                raise InvalidParameterError(
                    "phase_diffusivities", "a diffusivity for every phase label in the image",
                    f"missing labels {missing}",
                )
        else:
            table = np.asarray(phase_diffusivities, dtype=float).reshape(-1)
            if table.size < nphase:
                raise InvalidParameterError(
                    "phase_diffusivities", f"at least {nphase} values (labels 0..{nphase - 1})",
                    table.tolist(),
                )
    if not np.all(np.isfinite(table)) or np.any(table < 0):
        raise InvalidParameterError("phase_diffusivities", "finite values >= 0", table.tolist())
    if table.max() <= 0:
        raise InvalidParameterError("phase_diffusivities", "at least one value > 0",
                                    table.tolist())
    ndim = arr.ndim
    if ndim == 2:
        labels = labels[:, :, None]
    return PhaseImage(np.ascontiguousarray(labels), table.astype(float), ndim)


def load_image(path: str | os.PathLike, data: bytes | None = None) -> np.ndarray:
    """Read a voxel image from a TIFF stack (.tif/.tiff, via tifffile) or NumPy file (.npy).

    Parameters
    ----------
    path : str or path
        File name (its suffix gives the format).
    data : bytes, optional
        The file's contents, already read and checked (regular file, size cap, format:
        :func:`catscale.model.read_referenced`); then ``path`` is not opened.

    Returns
    -------
    numpy.ndarray
        The image as stored (bool or integer labels). TIFF stacks are (slices, rows, cols).

    Raises
    ------
    FileNotFoundError, InvalidParameterError
    """
    import io

    path = os.fspath(path)
    if data is None and not os.path.exists(path):
        raise FileNotFoundError(2, "No such file", path)
    src = io.BytesIO(data) if data is not None else path
    low = path.lower()
    try:
        if low.endswith((".tif", ".tiff")):
            import tifffile

            arr = tifffile.imread(src)
        elif low.endswith(".npy"):
            arr = np.load(src, allow_pickle=False)
        else:
            raise InvalidParameterError("image", "a .tif, .tiff or .npy file", path)
    except (ValueError, OSError, EOFError) as exc:
        if isinstance(exc, InvalidParameterError):
            raise
        raise InvalidParameterError("image", "a readable TIFF stack or .npy array of voxel "
                                    f"labels ({exc})", path) from None
    arr = np.squeeze(np.asarray(arr))
    if arr.dtype != bool and np.issubdtype(arr.dtype, np.integer):
        vals = np.unique(arr)
        if vals.size <= 2 and vals.max() == 255:
            arr = arr > 0  # an 8-bit black/white stack: white = pore
    return arr


def porosity(image: np.ndarray, phase_diffusivities=None) -> float:
    """Volume fraction of conducting voxels (pore space for a boolean image), dimensionless."""
    im = as_phase_image(image, phase_diffusivities)
    return float(np.count_nonzero(im.conducting)) / im.phase.size


@dataclass(frozen=True)
class Percolation:
    """Which conducting voxels carry flux, and along which axes.

    ``active`` marks voxels of clusters that percolate (periodic: wrap around the torus along
    at least one axis; Dirichlet: touch both the inlet and outlet faces); ``spans[a]`` tells
    whether any cluster percolates along axis ``a``. ``effective_porosity`` is the volume
    fraction of active voxels."""

    active: np.ndarray
    spans: tuple[bool, ...]
    n_clusters: int
    effective_porosity: float


def _percolation(im: PhaseImage, method: str, axis: int | None = None) -> Percolation:
    mask = im.conducting
    nd = im.ndim
    if method == "periodic":
        labels, wraps = K.periodic_clusters(mask.astype(np.uint8))
        good = wraps.any(axis=1)
        good[0] = False
        active = good[labels]
        spans = tuple(bool(wraps[1:, a].any()) for a in range(nd))
        ncl = wraps.shape[0] - 1
    elif method == "dirichlet":
        if axis is None:
            raise InvalidParameterError("axis", "an axis for the Dirichlet set-up", None)
        labels, ncl = ndimage.label(mask, structure=ndimage.generate_binary_structure(3, 1))
        lo = np.unique(np.take(labels, 0, axis=axis))
        hi = np.unique(np.take(labels, labels.shape[axis] - 1, axis=axis))
        both = np.intersect1d(lo, hi)
        both = both[both > 0]
        active = np.isin(labels, both)
        spans = tuple(bool(both.size) if a == axis else False for a in range(nd))
    else:
        raise InvalidParameterError("method", "'periodic' or 'dirichlet'", method)
    eps = float(np.count_nonzero(active)) / active.size
    return Percolation(active, spans, int(ncl), eps)


def percolation(image: np.ndarray, method: str = "periodic", axis: int | None = None,
                phase_diffusivities=None) -> Percolation:
    """Percolation analysis of the conducting phase (face connectivity).

    Parameters
    ----------
    image : array_like
        Boolean (True = pore) or phase-label image, 2-D or 3-D.
    method : {"periodic", "dirichlet"}
        Periodic torus (clusters that wrap) or two-face set-up along ``axis``.
    axis : int, optional
        Transport axis (required for "dirichlet").

    Returns
    -------
    Percolation
    """
    im = as_phase_image(image, phase_diffusivities)
    if axis is not None and not 0 <= axis < im.ndim:
        raise InvalidParameterError("axis", f"0..{im.ndim - 1}", axis)
    return _percolation(im, method, axis)
