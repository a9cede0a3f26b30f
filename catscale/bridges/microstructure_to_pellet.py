"""Bridge transport.homogenization -> pellet: effective transport coefficients of a pellet from
the homogenized microstructure.

    D_eff [m^2/s] = D_free [m^2/s] x (D_eff / D_free)   (dimensionless homogenization result)
    tortuosity factor tau = porosity D_free / D_eff,  i.e.  D_eff = D_free porosity / tau

A pellet model with one diffusivity takes the isotropic part of the tensor, trace/d (the mean of
the principal values: the orientation average of a randomly oriented anisotropic texture);
``anisotropy`` (largest over smallest principal value) tells how good that is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import InvalidParameterError
from ..transport.homogenization import DiffusivityResult

__all__ = ["PelletTransport", "pellet_transport_from_homogenization"]


@dataclass(frozen=True)
class PelletTransport:
    """Transport inputs of the pellet model.

    Attributes
    ----------
    D_eff : float
        Scalar effective diffusivity, m^2/s (isotropic part, or one axis if requested).
    D_eff_tensor : tuple of tuple of float
        Full tensor, m^2/s (NaN where not measured).
    porosity : float
        Pore volume fraction.
    tortuosity : float
        Tortuosity factor porosity D_free / D_eff (inf if the pore space does not percolate).
    anisotropy : float
        Largest / smallest diagonal entry (1 for an isotropic medium; inf if an axis is blocked).
    """

    D_eff: float
    D_eff_tensor: tuple[tuple[float, ...], ...]
    porosity: float
    tortuosity: float
    anisotropy: float


def pellet_transport_from_homogenization(
    result: DiffusivityResult, D_free: float, axis: int | None = None
) -> PelletTransport:
    """Pellet transport coefficients from a homogenization result.

    Parameters
    ----------
    result : DiffusivityResult
        Output of :func:`catscale.transport.homogenization.effective_diffusivity` with D_eff
        relative to the free diffusivity.
    D_free : float
        Free (pore) diffusivity, m^2/s (molecular, or Bosanquet-combined with Knudsen).
    axis : int, optional
        Use this axis only (a slab pellet whose thickness runs along ``axis``); default: the
        isotropic part trace/d over the solved axes.

    Returns
    -------
    PelletTransport
    """
    if not (isinstance(D_free, (int, float)) and math.isfinite(D_free) and D_free > 0):
        raise InvalidParameterError("D_free", "> 0 m^2/s", D_free)
    rel = np.asarray(result.D_eff, float)
    diag = np.diag(rel)
    solved = [a for a in result.axes if a < diag.size]
    if axis is not None:
        if axis not in solved:
            raise InvalidParameterError("axis", f"one of the solved axes {solved}", axis)
        d = float(diag[axis])
    else:
        d = float(np.mean(diag[solved]))
    vals = diag[solved]
    if np.min(vals) > 0:
        aniso = float(np.max(vals) / np.min(vals))
    else:
        aniso = math.inf if np.max(vals) > 0 else math.nan
    tau = result.porosity / d if d > 0 else math.inf
    tensor = tuple(tuple(float(v) * D_free for v in row) for row in rel)
    return PelletTransport(D_eff=d * D_free, D_eff_tensor=tensor, porosity=result.porosity,
                           tortuosity=tau, anisotropy=aniso)
