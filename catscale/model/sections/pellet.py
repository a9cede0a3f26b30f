"""Schema of the ``pellet:`` model-file section (owned by catscale.pellet).

Example (DESIGN.md keys first; the rest optional)::

    pellet:
      shape: sphere                 # slab | cylinder | sphere
      size: 1 mm                    # half-thickness or radius
      D_eff: 1.0e-6 m^2/s           # effective diffusivity (every species)
      kinetics: {order: 1, k: 10.0} # explicit rate r = k c^order per pellet volume
                                    # (k in s^-1 for order 1; mol^(1-n) m^(3n-3) s^-1);
                                    # omitted: the microkinetic model of this file
        # optional in kinetics: reactant: CO (default: first gas), product: CO2 (formed
        #   1:1; other gases of conditions are inert), Ea: 80 kJ/mol,
        #   dH: -280 kJ/mol (per mole of reactant), T_ref: 500 K (default conditions.T)
      conductivity: 0.5             # W/(m K); absent: isothermal pellet
      k_ext: 0.05                   # film mass-transfer coefficient, m/s (absent: none)
      h_ext: 200                    # film heat-transfer coefficient, W/(m^2 K)
      specific_area: 1.0e7          # m^2 catalytic surface per m^3 pellet (microkinetic)
      species: [CO, O2, CO2]        # gases carried in the pellet (microkinetic)
      key: CO                       # key reactant (microkinetic)
      enthalpies: {CO: -110.5 kJ/mol, O2: 0, CO2: -393.5 kJ/mol}   # heat release
      surrogate: true               # tabulate the microkinetic TOF on a (c, T) grid and
                                    # verify it (false: mean-field solve at every point)
      n_cells: 200                  # finite volumes
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from ...units import NA, eV
from .._quantities import _quantity

Length = Annotated[float, _quantity("length", positive=True)]
Diffusivity = Annotated[float, _quantity("diffusivity", positive=True)]
Temperature = Annotated[float, _quantity("temperature", positive=True)]


def _molar_energy(v, info: ValidationInfo) -> float:
    """Energy per mole in J/mol (bare numbers: J/mol; strings with units as in the file)."""
    from ...units import parse_quantity

    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    return parse_quantity(v, "energy", "eV") * eV * NA


class PelletKinetics(BaseModel):
    """Explicit single-reaction rate law r = k(T) c^order, per pellet volume."""

    model_config = ConfigDict(extra="forbid")
    order: float = Field(1.0, ge=0)
    k: float = Field(gt=0)
    reactant: str | None = None
    product: str | None = None
    Ea: float = 0.0
    dH: float = 0.0
    T_ref: Temperature | None = None

    @field_validator("Ea", "dH", mode="before")
    @classmethod
    def _energy(cls, v, info: ValidationInfo):
        return _molar_energy(v, info)


class PelletSection(BaseModel):
    """``pellet:`` section (see module docstring for the keys and units)."""

    model_config = ConfigDict(extra="forbid")
    shape: Literal["slab", "cylinder", "sphere"] = "sphere"
    size: Length
    D_eff: Diffusivity | None = None      # omitted: taken from the microstructure: section
    kinetics: PelletKinetics | None = None
    conductivity: float | None = Field(None, gt=0)
    k_ext: float | None = Field(None, gt=0)
    h_ext: float | None = Field(None, gt=0)
    specific_area: float | None = Field(None, gt=0)
    species: list[str] | None = None
    key: str | None = None
    enthalpies: dict[str, float] | None = None
    surrogate: bool = True
    n_cells: int = Field(200, ge=4, le=20000)

    @field_validator("enthalpies", mode="before")
    @classmethod
    def _enthalpies(cls, v, info: ValidationInfo):
        if v is None:
            return v
        if not isinstance(v, dict):
            raise ValueError(f"expected a mapping gas -> enthalpy, got {v!r}")
        return {k: _molar_energy(x, info) for k, x in v.items()}
