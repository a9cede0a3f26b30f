"""Effective diffusivity of a voxel image: periodic cell problem and Dirichlet two-face set-up.

Finite volumes on the voxel grid, one unknown per voxel, face conductance the harmonic mean of
the two voxel diffusivities (exact for a layered medium), solved by matrix-free PCG with an
aggregation-multigrid V-cycle (``_solver``).

Periodic (homogenization) cell problem, for each unit macroscopic gradient e_i:
    div(D (grad chi + e_i)) = 0 on the periodic cell,
    D_eff e_i = < D (grad chi + e_i) >,
which gives the full (symmetric) tensor. Dirichlet set-up (TauFactor, PoreSpy): c = 1 on the
inlet face and 0 on the outlet face of axis i (placed on the outer voxel faces, half a voxel
from the first voxel centres), no flux through the four other faces;
D_eff = J L / (A dc).
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from ...errors import CatscaleWarning, InvalidParameterError
from . import _kernels as K
from ._image import PhaseImage, _percolation, as_phase_image
from ._solver import AggregationMultigrid, Operator, pcg

__all__ = ["DiffusivityResult", "effective_diffusivity", "tortuosity_factor",
           "PercolationWarning"]


class PercolationWarning(CatscaleWarning):
    """The conducting phase does not span the image along an axis: D_eff = 0 there."""


@dataclass(frozen=True)
class DiffusivityResult:
    """Result of a homogenization.

    Attributes
    ----------
    D_eff : ndarray (d, d)
        Effective diffusivity tensor relative to ``D_ref`` (dimensionless). The Dirichlet
        set-up measures only the diagonal entries of the solved axes (others are NaN).
    D_ref : float
        Free (largest phase) diffusivity, in the unit of the phase diffusivities given
        (1 for a boolean image).
    porosity : float
        Volume fraction of conducting voxels.
    effective_porosity : float
        Volume fraction of the percolating (flux-carrying) voxels.
    tortuosity : ndarray (d,)
        Tortuosity factor tau_i = porosity * D_ref / D_eff_ii (TauFactor's definition;
        inf on a non-percolating axis, NaN on an axis not solved).
    formation_factor : ndarray (d,)
        F_i = D_ref / D_eff_ii.
    method : str
        "periodic" or "dirichlet".
    axes : tuple of int
        Axes solved.
    spans : tuple of bool
        Whether the conducting phase percolates along each axis.
    iterations : tuple of int
        PCG iterations per solved axis.
    residual : float
        Largest final relative residual ||b - A x|| / ||b||.
    voxel_size : float
        Voxel edge length (m), carried along for the user.
    memory_bytes_per_voxel : float
        Bytes held by the solver (operator hierarchy, Krylov vectors, image) per voxel.
    wall_time : float
        Seconds.
    """

    D_eff: np.ndarray
    D_ref: float
    porosity: float
    effective_porosity: float
    tortuosity: np.ndarray
    formation_factor: np.ndarray
    method: str
    axes: tuple[int, ...]
    spans: tuple[bool, ...]
    iterations: tuple[int, ...]
    residual: float
    shape: tuple[int, ...]
    voxel_size: float = 1.0
    memory_bytes_per_voxel: float = float("nan")
    wall_time: float = float("nan")
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def D_eff_absolute(self) -> np.ndarray:
        """D_eff in the unit of the phase diffusivities (m^2/s if those were in m^2/s)."""
        return self.D_eff * self.D_ref

    def to_dict(self) -> dict:
        """JSON-friendly summary (lists, floats; NaN/inf are left to the JSON writer)."""
        return {
            "D_eff": self.D_eff.tolist(),
            "D_ref": self.D_ref,
            "porosity": self.porosity,
            "effective_porosity": self.effective_porosity,
            "tortuosity": self.tortuosity.tolist(),
            "formation_factor": self.formation_factor.tolist(),
            "method": self.method,
            "axes": list(self.axes),
            "spans": list(self.spans),
            "iterations": list(self.iterations),
            "residual": self.residual,
            "shape": list(self.shape),
            "voxel_size": self.voxel_size,
            "memory_bytes_per_voxel": self.memory_bytes_per_voxel,
            "wall_time": self.wall_time,
            "warnings": list(self.warnings),
        }


def _check_common(tol: float, maxiter: int | None, voxel_size: float) -> None:
    if not (isinstance(tol, (int, float)) and 0 < tol < 1):
        raise InvalidParameterError("tol", "a relative residual in (0, 1)", tol)
    if maxiter is not None and (not isinstance(maxiter, (int, np.integer)) or maxiter < 1):
        raise InvalidParameterError("maxiter", "an integer >= 1", maxiter)
    if not (np.isfinite(voxel_size) and voxel_size > 0):
        raise InvalidParameterError("voxel_size", "> 0 m", voxel_size)


def _masked_phase(im: PhaseImage, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Phase labels with non-percolating conducting voxels moved to an extra zero phase."""
    table = np.append(im.table, 0.0)
    dead = im.conducting & ~active
    if not dead.any():
        return im.phase, im.table
    phase = im.phase.copy()
    phase[dead] = table.size - 1
    return phase, table


def effective_diffusivity(
    image: np.ndarray,
    phase_diffusivities: dict[int, float] | list[float] | None = None,
    *,
    method: str = "periodic",
    axes: int | list[int] | tuple[int, ...] | None = None,
    tol: float = 1e-6,
    maxiter: int | None = None,
    voxel_size: float = 1.0,
    alpha: float = 1.8,
    progress=None,
) -> DiffusivityResult:
    """Effective diffusivity tensor of a 2-D or 3-D voxel image.

    Parameters
    ----------
    image : array_like (nx, ny[, nz])
        Boolean image (True = pore) or integer phase labels.
    phase_diffusivities : sequence or dict, optional
        Diffusivity of each phase label (m^2/s or relative); default solid 0, pore 1.
    method : {"periodic", "dirichlet"}
        Periodic cell problem (full tensor) or the two-face Dirichlet set-up of
        TauFactor/PoreSpy (diagonal entries along ``axes``).
    axes : int or sequence of int, optional
        Axes (macroscopic gradient directions) to solve; default all.
    tol : float
        Relative residual of PCG (dimensionless).
    maxiter : int, optional
        PCG iteration limit per axis (default 50 + largest dimension).
    voxel_size : float
        Voxel edge (m); does not change relative D_eff, stored in the result.
    alpha : float
        Coarse-correction scaling of the multigrid preconditioner.
    progress : callable, optional
        ``progress(axis, iteration, residual)`` called every PCG iteration.

    Returns
    -------
    DiffusivityResult
        D_eff relative to the free diffusivity, porosity, tortuosity factor, iterations, ...

    Warns
    -----
    PercolationWarning
        When the conducting phase does not percolate along a solved axis; D_eff is then
        exactly 0 on that axis (row and column), tortuosity inf.
    """
    t0 = time.perf_counter()
    _check_common(tol, maxiter, voxel_size)
    im = as_phase_image(image, phase_diffusivities)
    nd = im.ndim
    if axes is None:
        axes_t = tuple(range(nd))
    else:
        axes_t = (axes,) if isinstance(axes, (int, np.integer)) else tuple(axes)
        for a in axes_t:
            if not (isinstance(a, (int, np.integer)) and 0 <= a < nd):
                raise InvalidParameterError("axes", f"axis indices in 0..{nd - 1}", axes)
    if method not in ("periodic", "dirichlet"):
        raise InvalidParameterError("method", "'periodic' or 'dirichlet'", method)
    if maxiter is None:
        maxiter = 50 + max(im.phase.shape)
    n = im.phase.size
    eps = float(np.count_nonzero(im.conducting)) / n
    D_ref = im.D_ref
    if method == "periodic":
        out = _periodic(im, axes_t, tol, maxiter, alpha, progress)
    else:
        out = _dirichlet(im, axes_t, tol, maxiter, alpha, progress)
    D, spans, iters, res, eff_eps, mem, warns = out
    D = D / D_ref
    diag = np.diag(D).copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        F = np.where(diag > 0, 1.0 / diag, np.inf)
        F = np.where(np.isnan(diag), np.nan, F)
        tau = eps * F
    for w in warns:
        warnings.warn(w, PercolationWarning, stacklevel=2)
    return DiffusivityResult(
        D_eff=D, D_ref=D_ref, porosity=eps, effective_porosity=eff_eps, tortuosity=tau,
        formation_factor=F, method=method, axes=axes_t, spans=spans, iterations=iters,
        residual=res, shape=tuple(image.shape) if hasattr(image, "shape") else im.phase.shape,
        voxel_size=float(voxel_size), memory_bytes_per_voxel=mem / n,
        wall_time=time.perf_counter() - t0, warnings=tuple(warns),
    )


def _periodic(im: PhaseImage, axes, tol, maxiter, alpha, progress):
    nd = im.ndim
    perc = _percolation(im, "periodic")
    spans = perc.spans
    warns = []
    D = np.zeros((nd, nd))
    for a in axes:
        if not spans[a]:
            warns.append(
                f"the conducting phase does not percolate (wrap periodically) along axis {a}: "
                f"D_eff = 0 along axis {a}"
            )
    solve_axes = [a for a in axes if spans[a]]
    iters = {a: 0 for a in axes}
    res = 0.0
    mem = im.phase.nbytes
    if solve_axes:
        phase, table = _masked_phase(im, perc.active)
        del perc
        periodic = np.ones(3, np.uint8)
        cx, cy, cz = K.face_conductances(phase, table, periodic)
        g = np.zeros_like(cx)
        op = Operator(cx, cy, cz, g)
        mg = AggregationMultigrid(op, alpha=alpha)
        chi = np.zeros(cx.shape)
        b = np.empty(cx.shape)
        mem += op.nbytes + mg.nbytes + chi.nbytes + 5 * b.nbytes
        for a in solve_axes:
            K.periodic_rhs(cx, cy, cz, a, b)
            chi[:] = 0.0
            cb = None if progress is None else (lambda it, r, a=a: progress(a, it, r))
            it, r = pcg(op, b, chi, mg, tol, maxiter, cb)
            iters[a] = it
            res = max(res, r)
            col = K.mean_flux(cx, cy, cz, chi, a)[:nd]
            col[[not s for s in spans]] = 0.0
            D[:, a] = col
        perc_eff = float(np.count_nonzero(table[phase] > 0)) / phase.size
    else:
        perc_eff = perc.effective_porosity
    # columns of solved axes are known; the tensor is symmetric, so rows of solved axes are
    # known too; symmetrize the solved block (equal up to the solver tolerance)
    solved = list(solve_axes)
    full = np.full((nd, nd), np.nan)
    for a in solved:
        full[:, a] = D[:, a]
        full[a, :] = D[:, a]
    if len(solved) > 1:
        sub = np.ix_(solved, solved)
        full[sub] = 0.5 * (D[sub] + D[sub].T)
    for a in range(nd):
        if not spans[a]:
            full[a, :] = 0.0
            full[:, a] = 0.0
    D = full
    return D, spans, tuple(iters[a] for a in axes), res, perc_eff, mem, warns


def _dirichlet(im: PhaseImage, axes, tol, maxiter, alpha, progress):
    nd = im.ndim
    D = np.full((nd, nd), np.nan)
    spans = [False] * nd
    iters = []
    res = 0.0
    warns = []
    mem_max = 0
    eff = np.nan
    for a in axes:
        perc = _percolation(im, "dirichlet", a)
        eff = perc.effective_porosity if np.isnan(eff) else min(eff, perc.effective_porosity)
        if not perc.spans[a]:
            spans[a] = False
            D[a, a] = 0.0
            iters.append(0)
            warns.append(
                f"the conducting phase does not connect the inlet and outlet faces of axis {a}:"
                f" D_eff = 0 along axis {a}"
            )
            continue
        spans[a] = True
        phase, table = _masked_phase(im, perc.active)
        del perc
        cx, cy, cz = K.face_conductances(phase, table, np.zeros(3, np.uint8))
        dvox = table[phase]
        g = np.zeros_like(cx)
        n_a = phase.shape[a]
        lo = np.take(dvox, 0, axis=a)
        hi = np.take(dvox, n_a - 1, axis=a)
        g_lo = np.ascontiguousarray((2.0 * lo).reshape(-1))
        g_hi = np.ascontiguousarray((2.0 * hi).reshape(-1))
        sl_lo = [slice(None)] * 3
        sl_lo[a] = 0
        sl_hi = [slice(None)] * 3
        sl_hi[a] = n_a - 1
        g[tuple(sl_lo)] += (2.0 * lo).astype(np.float32)
        g[tuple(sl_hi)] += (2.0 * hi).astype(np.float32)
        del dvox
        b = np.zeros(cx.shape)
        b[tuple(sl_lo)] = 2.0 * lo
        op = Operator(cx, cy, cz, g)
        mg = AggregationMultigrid(op, alpha=alpha)
        u = np.zeros(cx.shape)
        # linear initial guess along the axis: the exact solution of a straight channel
        shape = [1, 1, 1]
        shape[a] = n_a
        u += ((n_a - 0.5 - np.arange(n_a)) / n_a).reshape(shape)
        u *= table[phase] > 0
        mem_max = max(mem_max, im.phase.nbytes + op.nbytes + mg.nbytes + 5 * u.nbytes)
        cb = None if progress is None else (lambda it, r, a=a: progress(a, it, r))
        it, r = pcg(op, b, u, mg, tol, maxiter, cb)
        iters.append(it)
        res = max(res, r)
        fl = K.plane_fluxes(cx, cy, cz, g_lo, g_hi, u, a)
        area = phase.size / n_a
        D[a, a] = float(fl.mean()) / area * n_a
    return D, tuple(spans), tuple(iters), res, float(eff), mem_max, warns


def tortuosity_factor(image: np.ndarray, axis: int = 0, *, tol: float = 1e-6,
                      method: str = "dirichlet") -> float:
    """Tortuosity factor tau = porosity * D_free / D_eff along one axis (dimensionless);
    the Dirichlet set-up by default, as TauFactor reports it. inf if the pore space does not
    span the axis."""
    r = effective_diffusivity(image, method=method, axes=axis, tol=tol)
    return float(r.tortuosity[axis])
