"""Pydantic field types for quantities with units; bare numbers take the file's ``units:``.

Each type converts once, at validation, to catscale's internal unit (eV, Pa, K, m, m^-2,
m^2/s, cm^-1 for vibrational wavenumbers, amu for masses, SI for the rest). A field given
as ``"<number> <unit>"`` is converted from that unit; a bare number is read in the unit the
model file's ``units:`` block gives for its dimension (energy, pressure, temperature, length,
site_density, diffusivity, time, mass), else in :data:`DEFAULT_UNITS`; dimensions that
``units:`` does not name (frequency, volume, molar flow, velocity, ...) are SI when bare.
Rate constants (:data:`RateConstant`) are per site and second with the gases as activities
p / p0 (p0 = 1 bar), so s^-1 whatever ``units: pressure`` says.

These types are shared by every layer that declares model-file fields (the model sections
and the thermo models' specs); they sit in the core next to :mod:`catscale.units`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, ValidationInfo

from .errors import InvalidParameterError
from .units import parse_quantity, parse_si

# defaults of bare numbers when the file's `units:` does not say otherwise
DEFAULT_UNITS = {"energy": "eV", "pressure": "bar", "temperature": "K", "length": "m",
                 "site_density": "m^-2", "diffusivity": "m^2/s", "time": "s",
                 "wavenumber": "cm^-1", "mass": "amu", "frequency": "1/s"}


def default_unit(info: ValidationInfo | None, dimension: str) -> str:
    ctx = (info.context or {}) if info is not None else {}
    return (ctx.get("units") or {}).get(dimension, DEFAULT_UNITS.get(dimension, ""))


def quantity(dimension: str, positive: bool = False, nonnegative: bool = False):
    def convert(v: Any, info: ValidationInfo) -> float:
        if v is None:
            raise ValueError(f"expected a {dimension}, got nothing")
        try:
            x = parse_quantity(v, dimension, default_unit(info, dimension))
        except InvalidParameterError as exc:
            raise ValueError(f"expected {exc.expected}, got {exc.found!r}") from None
        if not math.isfinite(x):    # 1e308 bar is inf Pa: refused here, not in a solver
            raise ValueError(f"expected a finite {dimension} (in SI units), got {v!r}")
        if positive and not x > 0:
            raise ValueError(f"expected a {dimension} > 0, got {v!r}")
        if nonnegative and not x >= 0:
            raise ValueError(f"expected a {dimension} >= 0, got {v!r}")
        return x
    return BeforeValidator(convert)


def _finite_number(v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        if isinstance(v, str):
            try:
                v = float(v)
            except ValueError:
                raise ValueError(f"expected a number, got {v!r}") from None
        else:
            raise ValueError(f"expected a number, got {v!r}")
    if not math.isfinite(float(v)):
        raise ValueError(f"expected a finite number, got {v!r}")
    return float(v)


def _wavenumber(v: Any, info: ValidationInfo) -> float:
    """A vibrational wavenumber in cm^-1; imaginary modes ("1218i", -1218) -> negative."""
    if isinstance(v, str):
        s = v.strip().replace(" ", "")
        if s.endswith("i") or s.endswith("j"):
            return -abs(_finite_number(s[:-1]))
        try:
            return parse_quantity(v, "wavenumber", "cm^-1")
        except InvalidParameterError as exc:
            raise ValueError(f"expected a wavenumber (cm^-1), got {exc.found!r}") from None
    return _finite_number(v)


def _molar_energy(v: Any, info: ValidationInfo) -> float:
    """An energy per mole in J/mol: strings in their unit, bare numbers in the file's
    ``units: energy`` (default eV per particle), as every other energy of the file."""
    from .units import NA, eV

    if v is None:
        raise ValueError("expected an energy, got nothing")
    try:
        return parse_quantity(v, "energy", default_unit(info, "energy")) * eV * NA
    except InvalidParameterError as exc:
        raise ValueError(f"expected {exc.expected}, got {exc.found!r}") from None


def _rate_constant(v: Any, info: ValidationInfo) -> float:
    """A rate constant of the mass-action law (sign checked by the step): s^-1 per site, the
    gases entering as activities p / p0, so the s^-1 bar^-n of the convention is s^-1."""
    try:
        return parse_quantity(v, "frequency", default_unit(info, "frequency"))
    except InvalidParameterError as exc:
        raise ValueError(f"expected {exc.expected} (a rate constant per site in s^-1; gases "
                         f"enter as activities p/p0, p0 = 1 bar), got {exc.found!r}") from None


def rate_coefficient(v: Any, order: float) -> float:
    """A volumetric rate coefficient of order n, r = k c^n: a bare number in SI, mol^(1-n)
    m^(3n-3) s^-1, or ``"<number> <unit>"`` of that dimension (``"0.5 L/(mol s)"``).

    Raises ValueError (for pydantic) with what was expected and what was found."""
    n = float(order)
    powers = [f"{u}**{e:g}" for u, e in (("mol", 1.0 - n), ("m", 3.0 * n - 3.0)) if e != 0.0]
    si = " * ".join(powers + ["s**-1"])
    try:
        return parse_si(v, si)
    except InvalidParameterError as exc:
        raise ValueError(f"expected {exc.expected} (order {n:g}), got {exc.found!r}") from None


Energy = Annotated[float, quantity("energy")]
#: energy per mole, stored in J/mol (the pellet's unit); read like every energy of the file
MolarEnergy = Annotated[float, BeforeValidator(_molar_energy)]
Pressure = Annotated[float, quantity("pressure", nonnegative=True)]
PositivePressure = Annotated[float, quantity("pressure", positive=True)]
Temperature = Annotated[float, quantity("temperature", positive=True)]
Length = Annotated[float, quantity("length", positive=True)]
SiteDensity = Annotated[float, quantity("site_density", positive=True)]
Diffusivity = Annotated[float, quantity("diffusivity", positive=True)]
Time = Annotated[float, quantity("time", positive=True)]
Mass = Annotated[float, quantity("mass", positive=True)]
Rate = Annotated[float, quantity("frequency", nonnegative=True)]
PositiveRate = Annotated[float, quantity("frequency", positive=True)]
Volume = Annotated[float, quantity("volume", positive=True)]
MolarFlow = Annotated[float, quantity("molar_flow", positive=True)]
MolarHeatCapacity = Annotated[float, quantity("molar_heat_capacity", positive=True)]
ThermalConductivity = Annotated[float, quantity("thermal_conductivity", positive=True)]
Velocity = Annotated[float, quantity("velocity", positive=True)]
HeatTransferCoefficient = Annotated[float, quantity("heat_transfer_coefficient",
                                                     positive=True)]
SpecificArea = Annotated[float, quantity("specific_area", positive=True)]
#: moment of inertia, amu angstrom^2
Inertia = Annotated[float, quantity("inertia", positive=True)]
Finite = Annotated[float, BeforeValidator(_finite_number)]
#: a rate constant or Arrhenius prefactor per site, s^-1 (gases as activities p / p0)
RateConstant = Annotated[float, BeforeValidator(_rate_constant)]
Wavenumber = Annotated[float, BeforeValidator(_wavenumber)]


def registry_choice(names: Callable[[], Iterable[str]], what: str) -> AfterValidator:
    """Validator of a name chosen from a registry, read when a file is validated (so that an
    entry registered later is accepted); an unknown name's error lists what is available.

    Parameters
    ----------
    names : callable returning the accepted names (e.g. ``lambda: (*lattice_names(),
        "custom")``)
    what : str
        What the name is, for the message ("lattice", "thermo model").
    """
    def check(v: str) -> str:
        allowed = list(names())
        if v not in allowed:
            raise ValueError(f"unknown {what} {v!r}; expected one of {allowed}")
        return v
    return AfterValidator(check)
