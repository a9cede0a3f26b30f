"""Schema of the ``reactor:`` model-file section (owned by catscale.reactor).

Example::

    reactor:
      type: pfr                 # a registered type (catscale.reactor.REACTORS): pfr | cstr
      volume: 1.0e-4            # bed volume, m^3 (or "0.1 L")
      flow: 1.0e-3              # total inlet molar flow, mol/s (or "1 mmol/s"); composition:
                                # conditions
      bed_voidage: 0.4          # gas fraction of the bed
      adiabatic: false
      heat_capacity: 30.0       # mean molar heat capacity of the gas, J/(mol K) (or with unit)
      pressure: 1 bar           # default: sum of the partial pressures of conditions
      key: CO                   # key reactant (default: the pellet's)
      products: [CO2]
      n_points: 41
      pellet_cells: 60          # finite volumes of each pellet solve along the bed
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from ...reactor import REACTORS
from .._quantities import (
    Finite,
    MolarFlow,
    MolarHeatCapacity,
    PositivePressure,
    Volume,
    registry_choice,
)

#: a registered reactor type (:data:`catscale.reactor.REACTORS`)
ReactorChoice = Annotated[str, registry_choice(lambda: tuple(REACTORS), "reactor type")]


class ReactorSection(BaseModel):
    """``reactor:`` section (see module docstring for the keys and units).

    After validation: volume m^3, flow mol/s, heat_capacity J/(mol K), pressure Pa."""

    model_config = ConfigDict(extra="forbid")
    type: ReactorChoice = "pfr"
    volume: Volume
    flow: MolarFlow
    bed_voidage: Finite = Field(0.4, ge=0, lt=1)
    adiabatic: bool = False
    heat_capacity: MolarHeatCapacity | None = None
    pressure: PositivePressure | None = None
    key: str | None = None
    products: list[str] | None = None
    n_points: int = Field(41, ge=2, le=10000)
    pellet_cells: int = Field(60, ge=4, le=5000)
