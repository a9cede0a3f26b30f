"""Model-file specs of the thermo models that read a block of their own under a species
(``hindered:``, ``shomate:``). Quantities go through the shared quantity types, so bare
numbers follow the file's ``units:``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..quantities import Energy, Finite, Inertia, SiteDensity, Temperature


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


class ShomateSpec(_Strict):
    """NIST Shomate coefficients A..H (J, mol, K; t = T/1000) per temperature range."""

    coefficients: list[list[Finite]]
    T_ranges: list[list[Temperature]]

    @model_validator(mode="after")
    def _shape(self):
        if len(self.coefficients) != len(self.T_ranges) or not self.coefficients:
            raise ValueError("shomate needs one coefficient list per temperature range")
        for c in self.coefficients:
            if len(c) != 8:
                raise ValueError(f"Shomate coefficient lists have 8 entries A..H, got {len(c)}")
        for r in self.T_ranges:
            if len(r) != 2 or not r[0] < r[1]:
                raise ValueError(f"temperature ranges are [T_low, T_high], got {r}")
        return self
