"""Schema of the ``microstructure:`` section (owned by catscale.transport.homogenization).

The pellet model can take its effective diffusivity from here (bridge
``catscale.bridges.microstructure_to_pellet``). Example::

    microstructure:
      image: pellet_ct.tif         # TIFF stack or .npy (relative to the model file), or
      generate:                    # a seeded generator instead of an image
        kind: blobs                # blobs | overlapping_spheres | nonoverlapping_spheres |
                                   # lattice_packing
        shape: [64, 64, 64]        # voxels
        porosity: 0.4
        blobiness: 1.0             # blobs; radius (voxels) for the sphere generators;
        seed: 1                    # spacing and lattice (sc|bcc|fcc) for lattice_packing
      voxel_size: 50 nm            # edge of one voxel
      D_free: 1.0e-5 m^2/s         # diffusivity in the free pore phase
      phases: {0: 0.0, 1: 1.0}     # optional: diffusivity of each label relative to D_free
                                   # (e.g. a Knudsen-limited micropore phase 2: 0.05)
      method: periodic             # periodic (full tensor) | dirichlet (TauFactor set-up)
      tol: 1.0e-6                  # PCG relative residual
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ...quantities import MAX_SEED
from .._quantities import Diffusivity, Length

__all__ = ["MicrostructureSection", "GeneratorSpec"]


class GeneratorSpec(BaseModel):
    """Seeded generator of a periodic microstructure (lengths in voxels)."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["blobs", "overlapping_spheres", "nonoverlapping_spheres", "lattice_packing"]
    shape: list[Annotated[int, Field(ge=1)]] = Field(min_length=2, max_length=3)
    porosity: float | None = Field(None, gt=0, lt=1)
    blobiness: float | None = Field(None, gt=0)
    radius: float | None = Field(None, gt=0)
    spacing: float | None = Field(None, gt=0)
    lattice: Literal["sc", "bcc", "fcc"] | None = None
    clearance: float | None = Field(None, ge=0)
    seed: int = Field(0, ge=0, le=MAX_SEED)

    @model_validator(mode="after")
    def _needs(self):
        need = {"blobs": ["porosity"], "overlapping_spheres": ["radius", "porosity"],
                "nonoverlapping_spheres": ["radius", "porosity"],
                "lattice_packing": ["radius", "spacing"]}[self.kind]
        missing = [k for k in need if getattr(self, k) is None]
        if missing:
            raise ValueError(f"generator '{self.kind}' needs {', '.join(missing)}")
        return self

    def kwargs(self) -> dict:
        """Keyword arguments of :func:`catscale.transport.homogenization.from_spec`."""
        d = {"kind": self.kind, "shape": list(self.shape)}
        names = {"blobs": ["porosity", "blobiness", "seed"],
                 "overlapping_spheres": ["radius", "porosity", "seed"],
                 "nonoverlapping_spheres": ["radius", "porosity", "seed", "clearance"],
                 "lattice_packing": ["radius", "spacing", "lattice"]}[self.kind]
        for k in names:
            v = getattr(self, k)
            if v is not None:
                d[k] = v
        return d


class MicrostructureSection(BaseModel):
    """``microstructure:`` section (see the module docstring for keys and units).

    ``voxel_size`` in m, ``D_free`` in m^2/s after validation; ``phases`` relative to D_free."""

    model_config = ConfigDict(extra="forbid")
    image: str | None = None
    generate: GeneratorSpec | None = None
    voxel_size: Length = 1.0e-6
    D_free: Diffusivity
    phases: dict[int, Annotated[float, Field(ge=0)]] | None = None
    method: Literal["periodic", "dirichlet"] = "periodic"
    tol: float = Field(1e-6, gt=0, lt=1)

    @model_validator(mode="after")
    def _one_source(self):
        if (self.image is None) == (self.generate is None):
            raise ValueError("give exactly one of 'image' (a file) or 'generate' (a spec)")
        if self.phases is not None and not any(v > 0 for v in self.phases.values()):
            raise ValueError("'phases' needs at least one diffusivity > 0")
        return self
