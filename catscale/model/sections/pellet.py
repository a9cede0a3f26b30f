"""Schema of the ``pellet:`` model-file section (owned by catscale.pellet).

Example (DESIGN.md keys first; the rest optional)::

    pellet:
      shape: sphere                 # slab | cylinder | sphere
      size: 1 mm                    # half-thickness or radius
      D_eff: 1.0e-6 m^2/s           # effective diffusivity (every species)
      kinetics: {order: 1, k: 10.0} # explicit rate r = k c^order per pellet volume
                                    # (bare k in SI: s^-1 for order 1, mol^(1-n)
                                    # m^(3n-3) s^-1; or with a unit: "0.5 L/(mol s)");
                                    # omitted: the microkinetic model of this file
        # optional in kinetics: reactant: CO (default: first gas), product: CO2 (formed
        #   1:1; other gases of conditions are inert), Ea: 80 kJ/mol,
        #   dH: -280 kJ/mol (per mole of reactant), T_ref: 500 K (default conditions.T)
      conductivity: 0.5 W/(m K)     # bare: W/(m K); absent: isothermal pellet
      k_ext: 0.05 m/s               # film mass-transfer coefficient (absent: none)
      h_ext: 200 W/(m^2 K)          # film heat-transfer coefficient
      specific_area: 1.0e7          # m^2 catalytic surface per m^3 pellet (microkinetic;
                                    # "1e5 cm^2/cm^3" also works)
      species: [CO, O2, CO2]        # gases carried in the pellet (microkinetic)
      key: CO                       # key reactant (microkinetic)
      enthalpies: {CO: -110.5 kJ/mol, O2: 0, CO2: -393.5 kJ/mol}   # heat release
                                    # (bare energies: the file's units: energy, default eV)
      surrogate: true               # tabulate the microkinetic TOF on a (c, T) grid and
                                    # verify it (false: mean-field solve at every point)
      n_cells: 200                  # finite volumes
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from .._quantities import (
    Diffusivity,
    HeatTransferCoefficient,
    Length,
    MolarEnergy,
    SpecificArea,
    Temperature,
    ThermalConductivity,
    Velocity,
    rate_coefficient,
)


class PelletKinetics(BaseModel):
    """Explicit single-reaction rate law r = k(T) c^order, per pellet volume.

    ``Ea`` and ``dH`` are stored in J/mol; in the file they take a unit ("80 kJ/mol") or,
    bare, the file's ``units: energy`` (default eV), as every energy of the file. ``k`` is
    stored in SI, mol^(1-n) m^(3n-3) s^-1 (s^-1 for order 1): bare numbers are read in it,
    strings converted from their unit (``"0.5 L/(mol s)"`` for order 2)."""

    model_config = ConfigDict(extra="forbid")
    order: float = Field(1.0, ge=0)
    k: float = Field(gt=0)
    reactant: str | None = None
    product: str | None = None
    Ea: MolarEnergy = 0.0
    dH: MolarEnergy = 0.0
    T_ref: Temperature | None = None

    @field_validator("k", mode="before")
    @classmethod
    def _k_units(cls, v, info: ValidationInfo):
        # `order` is declared (and validated) before `k`: its unit depends on it
        order = info.data.get("order")
        if order is None:          # order itself was invalid: that error is reported
            return v
        return rate_coefficient(v, order)


class PelletSection(BaseModel):
    """``pellet:`` section (see module docstring for the keys and units).

    After validation: size m, D_eff m^2/s, conductivity W/(m K), k_ext m/s, h_ext
    W/(m^2 K), specific_area m^-1 (m^2 per m^3 of pellet), enthalpies J/mol."""

    model_config = ConfigDict(extra="forbid")
    shape: Literal["slab", "cylinder", "sphere"] = "sphere"
    size: Length
    D_eff: Diffusivity | None = None      # omitted: taken from the microstructure: section
    kinetics: PelletKinetics | None = None
    conductivity: ThermalConductivity | None = None
    k_ext: Velocity | None = None
    h_ext: HeatTransferCoefficient | None = None
    specific_area: SpecificArea | None = None
    species: list[str] | None = None
    key: str | None = None
    enthalpies: dict[str, MolarEnergy] | None = None
    surrogate: bool = True
    n_cells: int = Field(200, ge=4, le=20000)

    @field_validator("enthalpies", mode="before")
    @classmethod
    def _enthalpies(cls, v):
        if v is not None and not isinstance(v, dict):
            raise ValueError(f"expected a mapping gas -> enthalpy, got {v!r}")
        return v
