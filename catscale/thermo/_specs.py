"""Model-file specs of the thermo models that read a block of their own under a species
(``hindered:``, ``shomate:``). Quantities go through the shared quantity types, so bare
numbers follow the file's ``units:``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..quantities import Energy, Finite, Inertia, PositivePressure, SiteDensity, Temperature


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HinderedSpec(_Strict):
    """Inputs of the hindered translator / rotor (Sprowl, Campbell & Arnadottir 2016).

    ``translation: free`` gives the free 2-D translator (no barrier needed); likewise
    ``rotation: free``. The site density defaults to that of the species' site kind."""

    trans_barrier: Energy | None = None
    rot_barrier: Energy | None = None
    rotational_minima: int = Field(1, ge=1)
    symmetry: int = Field(1, ge=1)
    inertia: Inertia              # amu angstrom^2 about the surface normal
    site_density: SiteDensity | None = None
    translation: Literal["hindered", "free"] = "hindered"
    rotation: Literal["hindered", "free"] = "hindered"
    # 'site': one adsorbate per site, the coverage convention of rate laws (default);
    # 'campbell': the 2-D standard state of Sprowl, Campbell & Arnadottir (as ASE)
    standard_state: Literal["site", "campbell"] = "site"

    @model_validator(mode="after")
    def _barriers(self):
        if self.translation == "hindered" and not (self.trans_barrier or 0) > 0:
            raise ValueError("a hindered translator needs 'trans_barrier' > 0 (or "
                             "translation: free)")
        if self.rotation == "hindered" and not (self.rot_barrier or 0) > 0:
            raise ValueError("a hindered rotor needs 'rot_barrier' > 0 (or rotation: free)")
        if self.inertia <= 0:
            raise ValueError(f"'inertia' must be > 0 amu angstrom^2, got {self.inertia}")
        return self


def _check_ranges(coefficients: list, T_ranges: list, kind: str, n: int, names: str) -> None:
    """One coefficient list of n entries per temperature range [T_low, T_high] (K)."""
    if len(coefficients) != len(T_ranges) or not coefficients:
        raise ValueError(f"{kind} needs one coefficient list per temperature range")
    for c in coefficients:
        if len(c) != n:
            raise ValueError(f"{kind} coefficient lists have {n} entries {names}, got {len(c)}")
    for r in T_ranges:
        if len(r) != 2 or not 0 <= r[0] < r[1]:
            raise ValueError(f"temperature ranges are [T_low, T_high] K, got {r}")


class ShomateSpec(_Strict):
    """NIST Shomate coefficients A..H (J, mol, K; t = T/1000) per temperature range."""

    coefficients: list[list[Finite]]
    T_ranges: list[list[Temperature]]

    @model_validator(mode="after")
    def _shape(self):
        _check_ranges(self.coefficients, self.T_ranges, "shomate", 8, "A..H")
        return self


class Nasa7Spec(_Strict):
    """NASA 7-coefficient polynomials a0..a6 per temperature range (CHEMKIN / Cantera).

    ``reference_pressure`` (gases only) is the pressure the polynomials refer to (Cantera and
    CHEMKIN: 1 atm); adsorbates refer to Cantera's surface standard state, catscale adds
    kB T ln(sites) (:class:`catscale.thermo.Nasa7`)."""

    coefficients: list[list[Finite]]
    T_ranges: list[list[Temperature]]
    reference_pressure: PositivePressure | None = None

    @model_validator(mode="after")
    def _shape(self):
        _check_ranges(self.coefficients, self.T_ranges, "nasa7", 7, "a0..a6")
        return self
