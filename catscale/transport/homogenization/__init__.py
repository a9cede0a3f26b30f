"""Periodic and stochastic homogenization of porous microstructures.

Effective diffusivity tensors (periodic cell problem and the Dirichlet two-face set-up),
tortuosity and formation factors, Stokes permeability tensors, microstructure generators and
representative-volume (REV) analysis. All lengths in voxels unless a ``voxel_size`` (m) is given;
diffusivities relative to the free (largest phase) value unless stated.
"""

from ._diffusion import (
    DiffusivityResult,
    PercolationWarning,
    effective_diffusivity,
    tortuosity_factor,
)
from ._image import Percolation, as_phase_image, load_image, percolation, porosity

__all__ = [
    "DiffusivityResult",
    "PercolationWarning",
    "effective_diffusivity",
    "tortuosity_factor",
    "Percolation",
    "as_phase_image",
    "load_image",
    "percolation",
    "porosity",
]
