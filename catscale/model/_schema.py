"""Pydantic schema of the core of a model file (DESIGN.md, "Model file contract").

Optional sections (kmc, pellet, reactor, uncertainty, diffusion, microstructure) have their
schemas in :mod:`catscale.model.sections`, owned by the scale they feed.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..thermo import THERMO_MODELS, HinderedSpec, Nasa7Spec, ShomateSpec, thermo_model_names
from ._quantities import (
    CharacteristicTemperature,
    Energy,
    Finite,
    Inertia,
    Mass,
    PositivePressure,
    Pressure,
    RateConstant,
    SiteDensity,
    Temperature,
    Wavenumber,
    registry_choice,
)

UNIT_DIMENSIONS = ("energy", "pressure", "temperature", "length", "site_density",
                   "diffusivity", "time", "mass")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UnitsSpec(_Strict):
    """Units of bare numbers in the file (defaults: eV, bar, K, m, m^-2, m^2/s, s, amu)."""

    energy: str = "eV"
    pressure: str = "bar"
    temperature: str = "K"
    length: str = "m"
    site_density: str = "m^-2"
    diffusivity: str = "m^2/s"
    time: str = "s"
    mass: str = "amu"

    @model_validator(mode="after")
    def _known(self):
        from ..errors import InvalidParameterError
        from ..units import to_internal

        for dim in UNIT_DIMENSIONS:
            try:
                to_internal(1.0, getattr(self, dim), dim)
            except InvalidParameterError:
                raise ValueError(f"units.{dim}: '{getattr(self, dim)}' is not a unit of "
                                 f"{dim}") from None
        return self


class ConditionsSpec(_Strict):
    """Reaction conditions. Pressures are stored in Pa."""

    T: Temperature
    P: PositivePressure | None = None
    pressures: dict[str, Pressure] | None = None
    mole_fractions: dict[str, Finite] | None = None

    @model_validator(mode="after")
    def _composition(self):
        if self.pressures is None and self.mole_fractions is None:
            return self
        if self.pressures is not None and self.mole_fractions is not None:
            raise ValueError("give either 'pressures' or 'mole_fractions' (with P), not both")
        if self.mole_fractions is not None:
            if self.P is None:
                raise ValueError("'mole_fractions' needs the total pressure 'P'")
            bad = {k: v for k, v in self.mole_fractions.items() if not 0 <= v <= 1}
            if bad:
                raise ValueError(f"mole fractions must lie in [0, 1], got {bad}")
            s = sum(self.mole_fractions.values())
            if abs(s - 1.0) > 1e-6:
                raise ValueError(f"mole fractions must sum to 1, they sum to {s:.6g}")
        return self

    def partial_pressures_pa(self) -> dict[str, float]:
        """Partial pressures in Pa."""
        if self.pressures is not None:
            return dict(self.pressures)
        if self.mole_fractions is not None:
            return {k: v * self.P for k, v in self.mole_fractions.items()}
        return {}


class SiteSpec(_Strict):
    density: SiteDensity = 1.5e19
    cantera_name: str | None = None        # the vacant site's name in a Cantera file


class LowFrequencySpec(_Strict):
    """Treatment of soft modes: raise to the cutoff, or quasi-RRHO (Grimme 2012)."""

    cutoff: Wavenumber = 100.0
    method: Literal["raise", "qrrho", "none"] = "raise"


#: a registered thermo model (:data:`catscale.thermo.THERMO_MODELS`)
ThermoKind = Annotated[str, registry_choice(lambda: tuple(THERMO_MODELS), "thermo model")]
#: a registered thermo model usable for a saddle point
TSThermoKind = Annotated[str, registry_choice(
    lambda: thermo_model_names(transition_state=True), "thermo model of a saddle point")]


class SpeciesSpec(_Strict):
    """One species. Gases: ideal gas by default; adsorbates: harmonic by default."""

    phase: Literal["gas", "surface"] | None = None
    site: str | None = None
    composition: dict[str, int] | None = None
    thermo: ThermoKind | None = None
    energy: Energy | None = None
    frequencies: list[Wavenumber] | None = None
    mass: Mass | None = None
    geometry: Literal["monatomic", "linear", "nonlinear"] | None = None
    symmetry: int | None = Field(None, ge=1)
    rotational_temperatures: list[CharacteristicTemperature] | None = None   # K
    inertia: list[Inertia] | None = None                       # amu angstrom^2
    spin: Finite = 0.0
    hindered: HinderedSpec | None = None
    shomate: ShomateSpec | None = None
    nasa7: Nasa7Spec | None = None
    low_frequency: LowFrequencySpec | None = None
    # sites the adsorbate occupies (Cantera's `sites`); its coverage counts adsorbates per
    # site, so the site balance is sum_i sites_i theta_i = 1
    sites: int = Field(1, ge=1)
    cantera_name: str | None = None        # the species' name in a Cantera file
    reference: str | None = None

    @field_validator("frequencies")
    @classmethod
    def _no_imaginary(cls, v):
        if v is not None:
            bad = [x for x in v if x <= 0]
            if bad:
                raise ValueError(
                    f"frequencies of a stable species must be real and > 0 cm^-1, got {bad} "
                    "(an imaginary mode belongs to a transition state, under a step's 'ts')")
        return v

    @field_validator("rotational_temperatures", "inertia")
    @classmethod
    def _positive(cls, v):
        if v is not None and len(v) not in (1, 3):
            raise ValueError(f"expected 1 value (a linear molecule) or 3 (a nonlinear one), "
                             f"got {len(v)}: {v}")
        if v is not None and any(x <= 0 for x in v):
            raise ValueError(f"values must be > 0, got {v}")
        return v


class TSSpec(_Strict):
    """Saddle point of a step: energy (eV) and frequencies; at most one imaginary mode."""

    energy: Energy
    frequencies: list[Wavenumber] | None = None
    thermo: TSThermoKind | None = None
    low_frequency: LowFrequencySpec | None = None
    reference: str | None = None

    @field_validator("frequencies")
    @classmethod
    def _one_imaginary(cls, v):
        if v is not None:
            imag = [x for x in v if x < 0]
            if len(imag) > 1:
                raise ValueError(f"a saddle point has at most one imaginary mode, got "
                                 f"{len(imag)}: {imag}")
            if any(x == 0 for x in v):
                raise ValueError("frequencies must be non-zero")
        return v


class BEPSpec(_Strict):
    """Bronsted-Evans-Polanyi relation Ea = alpha dE + beta (eV)."""

    alpha: Finite
    beta: Energy


class CoverageDependenceSpec(_Strict):
    """k multiplied by theta^m exp((dlnk_dtheta - E / (kB T)) theta): Cantera's coverage
    dependence 10^(a theta) theta^m exp(-E theta / RT) with dlnk_dtheta = a ln 10 (E in eV,
    so that the dependence holds at every temperature)."""

    dlnk_dtheta: Finite = 0.0
    m: Finite = 0.0
    E: Energy = 0.0


class ArrheniusSpec(_Strict):
    """Modified Arrhenius k = A T^b exp(-Ea / kB T): A in catscale's rate-law units
    (s^-1 per site with the gases as activities p / p0, i.e. s^-1 bar^-n; T in K; a unit
    string of frequency, "1e13 1/s"), b dimensionless, Ea in eV (may be negative)."""

    A: RateConstant
    b: Finite = 0.0
    Ea: Energy = 0.0

    @model_validator(mode="after")
    def _positive(self):
        if not self.A >= 0:
            raise ValueError(f"'A' must be >= 0, got {self.A}")
        return self


class StickingSpec(_Strict):
    """Temperature-dependent sticking coefficient s = s0 T^b exp(-Ea / kB T), with the
    Motz-Wise correction s / (1 - s / 2) when ``motz_wise`` (Cantera's sticking rate)."""

    s0: Finite
    b: Finite = 0.0
    Ea: Energy = 0.0
    motz_wise: bool = False

    @model_validator(mode="after")
    def _positive(self):
        if not self.s0 > 0:
            raise ValueError(f"'s0' must be > 0, got {self.s0}")
        return self


class StepSpec(_Strict):
    """One elementary step and how its rate constants are obtained."""

    equation: str
    name: str | None = None
    sticking: Finite | StickingSpec | None = None
    arrhenius: ArrheniusSpec | None = None
    ts: TSSpec | None = None
    Ea: Energy | None = None
    # rate constants, s^-1 per site with the gases as activities p / p0 (s^-1 bar^-n)
    A: RateConstant | None = None
    bep: BEPSpec | None = None
    k_f: RateConstant | None = None
    k_r: RateConstant | None = None
    tunneling: Literal["none", "wigner", "eckart"] = "none"
    orders: dict[str, Finite] | None = None
    coverage_dependence: dict[str, CoverageDependenceSpec] | None = None
    duplicate: bool = False        # an intended parallel channel of the same equation
    reference: str | None = None

    @model_validator(mode="after")
    def _one_route(self):
        routes = [n for n in ("sticking", "ts", "Ea", "bep", "k_f", "arrhenius")
                  if getattr(self, n) is not None]
        if len(routes) == 0:
            raise ValueError("a step needs one way to its rate constants: sticking, ts, Ea, "
                             "bep, arrhenius or k_f")
        if len(routes) > 1:
            raise ValueError(f"give only one of sticking, ts, Ea, bep, arrhenius, k_f; got "
                             f"{routes}")
        if self.k_r is not None and self.k_f is None:
            raise ValueError("'k_r' needs 'k_f' (fixed rate constants come in pairs)")
        if self.A is not None and self.Ea is None and self.bep is None:
            raise ValueError("'A' is the prefactor of 'Ea' or 'bep'; give one of them")
        if isinstance(self.sticking, float) and not 0 < self.sticking <= 1:
            raise ValueError(f"sticking must lie in (0, 1], got {self.sticking}")
        for n in ("k_f", "k_r", "A"):
            v = getattr(self, n)
            if v is not None and v < 0:
                raise ValueError(f"'{n}' must be >= 0, got {v}")
        if self.Ea is not None and self.Ea < 0:
            raise ValueError(f"'Ea' must be >= 0 eV, got {self.Ea}")
        if self.tunneling != "none" and (self.ts is None or not self.ts.frequencies
                                         or min(self.ts.frequencies) >= 0):
            raise ValueError("tunneling needs 'ts' with an imaginary frequency")
        return self


KNOWN_SECTIONS = ("kmc", "pellet", "reactor", "uncertainty", "diffusion", "microstructure",
                  "descriptors", "atomistic")
TOP_KEYS = ("catscale", "name", "description", "units", "conditions", "sites", "species",
            "species_names", "steps", "lateral", "lateral_coordination", "reference",
            "references") \
    + KNOWN_SECTIONS
