"""Stochastic homogenization: ensembles of random realisations at growing window size, the
representative volume (REV) where the coefficient of variation of D_eff falls below a target,
and resolution (voxel-size) convergence with Richardson extrapolation.

For a stationary ergodic random medium, the apparent D_eff of a window of size l fluctuates
around the homogenized value with a variance that decays like l^-d (Kanit et al., Int. J.
Solids Struct. 40, 3647 (2003)); the mean carries a bias that also decays with l.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from ...errors import InvalidParameterError
from ._diffusion import PercolationWarning, effective_diffusivity

__all__ = ["REVLevel", "REVResult", "rev_analysis", "ResolutionResult", "richardson",
           "resolution_convergence"]


@dataclass(frozen=True)
class REVLevel:
    """Statistics of the ensemble at one window size.

    ``samples`` (n_samples, d): diagonal of D_eff/D_free of each realisation; ``mean``, ``std``
    (sample standard deviation, ddof=1), ``cv`` = std/mean, ``ci_low``/``ci_high``: two-sided
    confidence interval of the mean (Student t) at the level of the analysis;
    ``n_nonpercolating``: realisations blocked along some axis (their D_eff is 0 there)."""

    size: int
    samples: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    cv: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    porosity_mean: float
    n_nonpercolating: int = 0


@dataclass(frozen=True)
class REVResult:
    """REV analysis; ``rev_size`` is the smallest window (voxels) whose largest coefficient of
    variation over the axes is below ``cv_target`` (None if none is)."""

    levels: tuple[REVLevel, ...]
    cv_target: float
    confidence: float
    rev_size: int | None
    method: str

    def to_dict(self) -> dict:
        return {
            "rev_size": self.rev_size,
            "cv_target": self.cv_target,
            "confidence": self.confidence,
            "method": self.method,
            "levels": [
                {"size": lv.size, "n": int(lv.samples.shape[0]), "mean": lv.mean.tolist(),
                 "std": lv.std.tolist(), "cv": lv.cv.tolist(), "ci_low": lv.ci_low.tolist(),
                 "ci_high": lv.ci_high.tolist(), "porosity_mean": lv.porosity_mean,
                 "n_nonpercolating": lv.n_nonpercolating}
                for lv in self.levels
            ],
        }


def rev_analysis(
    generator: Callable[[int, int], np.ndarray] | None = None,
    sizes: Sequence[int] = (16, 32, 64),
    n_samples: int = 8,
    *,
    image: np.ndarray | None = None,
    cv_target: float = 0.05,
    confidence: float = 0.95,
    method: str = "periodic",
    tol: float = 1e-5,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> REVResult:
    """Ensemble statistics of the effective diffusivity against window size.

    Either ``generator(size, seed) -> image`` makes independent periodic realisations of edge
    ``size`` (use ``method="periodic"``), or ``image`` is one large image from which
    ``n_samples`` random cubic (square) sub-windows of each size are cut (non-periodic windows:
    use ``method="dirichlet"``, the default for windows).

    Parameters
    ----------
    generator : callable, optional
        ``generator(size, seed)`` returning a boolean image with edge ``size`` voxels.
    sizes : sequence of int
        Window edges (voxels), increasing.
    n_samples : int
        Realisations per size (>= 2).
    image : ndarray, optional
        Large image to cut windows from (instead of ``generator``).
    cv_target : float
        Coefficient of variation that defines the REV.
    confidence : float
        Level of the confidence interval of the mean.
    method : {"periodic", "dirichlet"}
        Cell problem used on each window.
    tol : float
        PCG relative residual.
    seed : int
        Base seed (realisation s of size l uses seed + 1000003 * i_size + s).
    progress : callable, optional
        ``progress(done, total)`` after every realisation.

    Returns
    -------
    REVResult
    """
    if (generator is None) == (image is None):
        raise InvalidParameterError("generator/image", "exactly one of them", None)
    sizes = [int(s) for s in sizes]
    if not sizes or min(sizes) < 2:
        raise InvalidParameterError("sizes", "window edges >= 2 voxels", sizes)
    if n_samples < 2:
        raise InvalidParameterError("n_samples", ">= 2 (a variance needs two samples)", n_samples)
    if not 0 < cv_target < 1:
        raise InvalidParameterError("cv_target", "a number in (0, 1)", cv_target)
    if not 0 < confidence < 1:
        raise InvalidParameterError("confidence", "a number in (0, 1)", confidence)
    if image is not None:
        image = np.asarray(image)
        if min(image.shape) < max(sizes):
            raise InvalidParameterError("sizes", f"<= the image edge {min(image.shape)}", sizes)
    rng = np.random.default_rng(seed)
    total = len(sizes) * n_samples
    done = 0
    levels = []
    for i_s, size in enumerate(sizes):
        rows = []
        eps = []
        blocked = 0
        for s in range(n_samples):
            if generator is not None:
                im = np.asarray(generator(size, seed + 1000003 * i_s + s))
            else:
                corner = [int(rng.integers(0, n - size + 1)) for n in image.shape]
                im = image[tuple(slice(c, c + size) for c in corner)]
            nd = im.ndim
            with warnings.catch_warnings():
                # a window that does not percolate is a legitimate sample (D_eff = 0); counted
                warnings.simplefilter("ignore", PercolationWarning)
                r = effective_diffusivity(im, method=method, tol=tol)
            blocked += not all(r.spans[: im.ndim])
            rows.append(np.diag(r.D_eff)[:nd])
            eps.append(r.porosity)
            done += 1
            if progress is not None:
                progress(done, total)
        x = np.array(rows)
        m = x.mean(axis=0)
        sd = x.std(axis=0, ddof=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            cv = np.where(m > 0, sd / m, np.inf)
        half = stats.t.ppf(0.5 + confidence / 2, df=n_samples - 1) * sd / np.sqrt(n_samples)
        levels.append(REVLevel(size, x, m, sd, cv, m - half, m + half, float(np.mean(eps)),
                               blocked))
    rev = next((lv.size for lv in levels if np.max(lv.cv) < cv_target), None)
    return REVResult(tuple(levels), float(cv_target), float(confidence), rev, method)


@dataclass(frozen=True)
class ResolutionResult:
    """D_eff/D_free (diagonal) at several voxel sizes and the Richardson extrapolation to zero
    voxel size (order estimated from the last three resolutions when there are three or more,
    else first order). ``relative_error`` is |finest - extrapolated| / extrapolated."""

    voxel_sizes: np.ndarray
    values: np.ndarray
    extrapolated: np.ndarray
    order: np.ndarray
    relative_error: np.ndarray

    def to_dict(self) -> dict:
        return {k: getattr(self, k).tolist() for k in
                ("voxel_sizes", "values", "extrapolated", "order", "relative_error")}


def richardson(h: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Extrapolate values v(h) (rows: resolutions, decreasing h) to h -> 0.

    With three or more points, the order p is estimated from the last three assuming a constant
    refinement ratio (p = log(d1/d2)/log(r)); p is clipped to [0.5, 4]. Returns (v0, p).
    """
    h = np.asarray(h, float)
    v = np.atleast_2d(np.asarray(v, float))
    if v.shape[0] != h.size:
        v = v.T
    if h.size < 2:
        raise InvalidParameterError("voxel_sizes", "at least two resolutions", h.tolist())
    r = h[-2] / h[-1]
    if h.size >= 3:
        d1 = v[-2] - v[-3]
        d2 = v[-1] - v[-2]
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.log(np.abs(d1 / d2)) / np.log(h[-3] / h[-2])
        p = np.where(np.isfinite(p), np.clip(p, 0.5, 4.0), 1.0)
    else:
        p = np.ones(v.shape[1])
    v0 = v[-1] + (v[-1] - v[-2]) / (r**p - 1.0)
    return v0, p


def resolution_convergence(
    make_image: Callable[[float], np.ndarray],
    voxel_sizes: Sequence[float],
    *,
    method: str = "periodic",
    tol: float = 1e-7,
) -> ResolutionResult:
    """Convergence of D_eff with the voxel size, for the same geometry at several resolutions.

    Parameters
    ----------
    make_image : callable
        ``make_image(h)`` returns the image of the geometry discretised with voxel edge h (any
        length unit; the same geometry for every h).
    voxel_sizes : sequence of float
        Decreasing voxel edges, ideally with a constant ratio (e.g. 1/16, 1/32, 1/64).
    method : {"periodic", "dirichlet"}
    tol : float
        PCG relative residual (keep well below the discretisation error).

    Returns
    -------
    ResolutionResult
    """
    hs = np.asarray(voxel_sizes, float)
    if hs.size < 2 or np.any(np.diff(hs) >= 0) or np.any(hs <= 0):
        raise InvalidParameterError("voxel_sizes", "at least two decreasing positive values",
                                    hs.tolist())
    vals = []
    for h in hs:
        im = np.asarray(make_image(float(h)))
        r = effective_diffusivity(im, method=method, tol=tol)
        vals.append(np.diag(r.D_eff)[: im.ndim])
    vals = np.array(vals)
    v0, p = richardson(hs, vals)
    with np.errstate(divide="ignore", invalid="ignore"):
        err = np.abs(vals[-1] - v0) / np.abs(v0)
    return ResolutionResult(hs, vals, v0, p, err)
