"""Schema of the ``descriptors:`` model-file section: descriptor (volcano) maps.

The energies of the descriptor adsorbates span a 1-D or 2-D grid; every other adsorbate
follows a linear scaling relation in the descriptors (Abild-Pedersen et al., PRL 99, 016105
(2007)), and saddle points follow transition-state scaling (BEP) relations on the initial or
final state. At each grid point the model's own thermochemistry (ideal gases, harmonic or
frozen adsorbates) gives the rate constants, so detailed balance holds point by point.

Example::

    descriptors:
      axes:                          # descriptor adsorbate -> [start, stop, points] (eV)
        O*: [-1.0, 3.0, 15]
        CO*: [-0.5, 4.0, 15]
      scaling:                       # E = sum(slopes * E_descriptor) + intercept (eV)
        OH*: {slopes: {O*: 0.5}, intercept: 0.1}
      ts_scaling:                    # saddle point of a step (0-based index): E_TS =
        - {step: 1, reference: FS, alpha: 1.0, beta: 1.0}    #   alpha E_FS,ads + beta
        - {step: 2, reference: IS, alpha: 1.0, beta: 0.8}    #   alpha E_IS,ads + beta
      surfaces: {Pt: {O*: 1.62, CO*: 1.70}, Ag: {O*: 2.05, CO*: 2.99}}

``reference: BEP`` means E_TS = E_IS,ads + alpha (E_FS,ads - E_IS,ads) + beta. E_IS,ads and
E_FS,ads are sums of the adsorbate energies of the step's sides (gases and vacant sites
count zero, the CatMAP convention).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .._quantities import Energy, Finite

__all__ = ["DescriptorsSection", "ScalingSpec", "TSScalingSpec"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScalingSpec(_Strict):
    slopes: dict[str, Finite]
    intercept: Energy = 0.0


class TSScalingSpec(_Strict):
    step: int = Field(ge=0)
    reference: Literal["IS", "FS", "BEP"] = "IS"
    alpha: Finite = 1.0
    beta: Energy = 0.0


class DescriptorsSection(_Strict):
    axes: dict[str, tuple[Energy, Energy, int]]
    scaling: dict[str, ScalingSpec] = {}
    ts_scaling: list[TSScalingSpec] = []
    surfaces: dict[str, dict[str, Energy]] = {}

    @field_validator("axes")
    @classmethod
    def _axes(cls, v):
        if not 1 <= len(v) <= 2:
            raise ValueError(f"one or two descriptor axes, got {len(v)}")
        for name, (a, b, n) in v.items():
            if not b > a:
                raise ValueError(f"axis {name}: stop must exceed start, got [{a}, {b}]")
            if not 2 <= n <= 400:
                raise ValueError(f"axis {name}: 2..400 points, got {n}")
        return v
