"""Periodic and stochastic homogenization of porous microstructures.

Effective diffusivity tensors (periodic cell problem and the Dirichlet two-face set-up of
TauFactor/PoreSpy), tortuosity and formation factors, Stokes permeability tensors, seeded
microstructure generators, and representative-volume (REV) and resolution analysis. Lengths are
in voxels unless a ``voxel_size`` (m) is given; diffusivities are relative to the free (largest
phase) value unless stated.
"""

from ._diffusion import (
    DiffusivityResult,
    PercolationWarning,
    effective_diffusivity,
    tortuosity_factor,
)
from ._generators import (
    GENERATORS,
    blobs,
    from_spec,
    inclusion_array,
    lattice_packing,
    layers,
    nonoverlapping_spheres,
    overlapping_spheres,
    parse_spec,
)
from ._image import Percolation, as_phase_image, load_image, percolation, porosity
from ._stochastic import (
    ResolutionResult,
    REVLevel,
    REVResult,
    resolution_convergence,
    rev_analysis,
    richardson,
)
from ._stokes import PermeabilityResult, permeability

__all__ = [
    "DiffusivityResult",
    "PercolationWarning",
    "effective_diffusivity",
    "tortuosity_factor",
    "PermeabilityResult",
    "permeability",
    "Percolation",
    "as_phase_image",
    "load_image",
    "percolation",
    "porosity",
    "GENERATORS",
    "blobs",
    "overlapping_spheres",
    "nonoverlapping_spheres",
    "lattice_packing",
    "inclusion_array",
    "layers",
    "from_spec",
    "parse_spec",
    "REVLevel",
    "REVResult",
    "rev_analysis",
    "ResolutionResult",
    "resolution_convergence",
    "richardson",
]
