"""Homogenization stage: effective diffusivity of a microstructure (periodic cell problems)
and the pellet's transport inputs through the bridge; the image must be a representative
volume between the pore scale and the pellet."""

from __future__ import annotations

import dataclasses

import numpy as np

from ..results import StageResult, hidden, info, quantity

__all__ = ["HomogenizationResult", "run", "homogenize", "pore_correlation_length",
           "load_section_image"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class HomogenizationResult(StageResult):
    """Effective diffusivity of a voxel image (``catscale homogenize --json``; with a model,
    also the pellet's D_eff and the REV check)."""

    stage = "homogenization"
    D_eff: list = quantity("1", "effective diffusivity tensor relative to the free "
                                "diffusivity", dims=("axis_i", "axis_j"))
    D_ref: float = quantity("1", "reference diffusivity of the phase table (relative)")
    porosity: float = quantity("1", "pore volume fraction")
    effective_porosity: float = quantity("1", "volume fraction of the percolating pore space")
    tortuosity: list = quantity("1", "tortuosity factor porosity D_free / D_eff per axis",
                                dims=("axis",))
    formation_factor: list = quantity("1", "formation factor D_free / D_eff per axis",
                                      dims=("axis",))
    method: str = info("periodic | dirichlet")
    axes: list = info("axes solved")
    spans: list = info("pore space spans each axis")
    iterations: list = quantity("1", "PCG iterations per axis", dims=("axis",))
    residual: float = quantity("1", "largest relative PCG residual")
    shape: list = info("image shape, voxels")
    voxel_size: float = quantity("m", "voxel edge")
    memory_bytes_per_voxel: float = quantity("byte", "solver memory per voxel")
    wall_time: float = quantity("s", "wall-clock time of the solve")
    permeability: list | None = quantity("m^2", "Darcy permeability tensor",
                                         dims=("axis_i", "axis_j"), default=None)
    permeability_iterations: list | None = info("Stokes iterations per axis", default=None)
    D_free: float | None = quantity("m^2/s", "free (pore) diffusivity", default=None)
    pellet_D_eff: float | None = quantity("m^2/s", "scalar effective diffusivity of the "
                                                   "pellet", default=None)
    correlation_length: float | None = quantity("m", "pore correlation length (two-point "
                                                     "correlation falls below 1/e)",
                                                default=None)
    scale_check: dict | None = info("REV check: correlation length << window << pellet",
                                    default=None)
    warnings: list = info("warnings", default=[])
    transport: object = hidden()      # bridges PelletTransport (D_eff in m^2/s, ...)

    timing = ("wall_time",)

    def text(self) -> str:
        """Tensor, porosity, tortuosity and (with a model) the pellet's D_eff, readable."""
        D = [[round(x, 4) for x in row] for row in self.D_eff]
        s = (f"D_eff/D_free = {D}, porosity {self.porosity:.3f}, tortuosity "
             f"{[round(t, 4) for t in self.tortuosity]}")
        if self.correlation_length is not None:
            s += f"; pore correlation length {self.correlation_length:.3g} m"
        if self.pellet_D_eff is not None:
            s += f"; pellet D_eff = {self.pellet_D_eff:.3g} m^2/s"
        return s


def _from_solver(res, **extra) -> HomogenizationResult:
    d = res.to_dict()
    fields = {f.name for f in dataclasses.fields(HomogenizationResult)}
    return HomogenizationResult(**{k: v for k, v in d.items() if k in fields}, **extra)


def homogenize(image, phases=None, *, method: str = "periodic", axes=None, tol: float = 1e-6,
               voxel_size: float = 1.0, permeability: bool = False,
               progress=None) -> HomogenizationResult:
    """Effective diffusivity (and optionally permeability) of a voxel image.

    Parameters
    ----------
    image : ndarray or str
        Voxel image (bool: True = pore; or integer phase labels), or a file (TIFF, .npy).
    phases : sequence of float, optional
        Relative diffusivity of each phase label.
    method : {"periodic", "dirichlet"}
    axes : int, optional
        Solve one axis only.
    tol : float
        Relative PCG residual.
    voxel_size : float
        Voxel edge, m.
    permeability : bool
        Also solve the Stokes cell problem (k in m^2 when voxel_size is in m).
    """
    from ..transport import homogenization as H

    if isinstance(image, str):      # a file: regular, under the size cap, a known format
        from ..model import IMAGE_FORMATS, read_referenced

        img = H.load_image(*read_referenced(image, base=None, source=image, field="image",
                                            formats=IMAGE_FORMATS))
    else:
        img = np.asarray(image)
    r = H.effective_diffusivity(img, phases, method=method, axes=axes, tol=tol,
                                voxel_size=voxel_size, progress=progress)
    extra: dict = {}
    if permeability:
        k = H.permeability(img, voxel_size=voxel_size, axes=axes)
        extra = dict(permeability=k.k.tolist(), permeability_iterations=list(k.iterations))
    return _from_solver(r, **extra)


def load_section_image(model):
    """The voxel image of a model's ``microstructure:`` section (file or generator)."""
    from ..errors import InvalidParameterError
    from ..transport.homogenization import from_spec, load_image

    sec = model.sections.microstructure
    if sec is None:
        raise InvalidParameterError(f"{model.path}: microstructure", "a microstructure: section",
                                    None)
    if sec.image is not None:
        from ..model import microstructure_image

        return load_image(*microstructure_image(model))   # checked: regular file, cap, format
    return from_spec(sec.generate.kwargs())


def pore_correlation_length(image, voxel_size: float) -> float:
    """Correlation length of the pore phase, m: where the normalised two-point correlation
    (S2(r) - eps^2) / (eps - eps^2), averaged over the axes, first falls below 1/e."""
    pore = (np.asarray(image) > 0).astype(float)
    eps = pore.mean()
    if eps in (0.0, 1.0):
        return 0.0
    F = np.fft.fftn(pore)
    s2 = np.real(np.fft.ifftn(F * np.conj(F))) / pore.size       # periodic S2(r)
    lengths = []
    for ax in range(pore.ndim):
        idx = [0] * pore.ndim
        line = []
        for r in range(pore.shape[ax] // 2):
            idx[ax] = r
            line.append(s2[tuple(idx)])
        c = (np.array(line) - eps**2) / (eps - eps**2)
        below = np.flatnonzero(c < np.exp(-1.0))
        lengths.append(float(below[0]) if below.size else float(len(line)))
    return float(np.mean(lengths)) * voxel_size


def run(model) -> HomogenizationResult:
    """Homogenize a model's ``microstructure:`` section: D_eff relative to D_free, the pellet's
    D_eff (m^2/s) through the bridge, the pore correlation length and the REV check."""
    from ..bridges.microstructure_to_pellet import pellet_transport_from_homogenization
    from ..scales import check_homogenization
    from ..transport.homogenization import effective_diffusivity

    sec = model.sections.microstructure
    image = load_section_image(model)
    res = effective_diffusivity(image, sec.phases, method=sec.method, tol=sec.tol,
                                voxel_size=sec.voxel_size)
    transport = pellet_transport_from_homogenization(res, sec.D_free)
    xi = pore_correlation_length(image, sec.voxel_size)
    window = sec.voxel_size * min(image.shape)
    warnings = [f"homogenization: {w}" for w in res.warnings]
    check = None
    if model.sections.pellet is not None:
        chk = check_homogenization(xi=xi, window=window, pellet=model.sections.pellet.size)
        check = chk.to_dict()
        if not chk.justified:
            warnings.append(chk.message + ". " + chk.advice)
    out = _from_solver(res, D_free=sec.D_free, pellet_D_eff=transport.D_eff,
                       correlation_length=xi, scale_check=check, transport=transport)
    return out.replace(warnings=warnings)
