"""The one internal unit system of catscale, and conversion at the boundary.

Internally energies are in eV and everything else is SI: K, Pa, m, s, kg, mol. Pressures
are held in Pa only. Rate laws take the dimensionless activities a_i = p_i / p0 of the gases,
with p0 = :data:`P0` = 1 bar, the standard state the rate constants and the thermochemistry
refer to (the CatMAP convention, see DESIGN.md): :func:`activities` makes them from Pa, and
:func:`activity_from_concentration` / :func:`concentration` convert between an activity and
an ideal-gas concentration. These are the only places where the standard pressure appears.

Physical constants are CODATA values taken from :mod:`scipy.constants`.

Model files may give quantities with units (``"77 kJ/mol"``, ``"1 bar"``, ``"1.5e15 cm^-2"``);
:func:`parse_quantity` converts them, once, to the internal unit of their dimension. Pint is
used for that parsing only, never in inner loops.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING

from scipy import constants as _c

from .errors import InvalidParameterError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike

__all__ = [
    "kB", "h", "hbar", "c", "NA", "e", "amu", "R", "eV", "invcm", "bar", "atm", "torr",
    "angstrom", "kB_J", "h_J", "P0", "DIMENSIONS", "parse_quantity", "to_internal",
    "from_internal", "parse_si", "wavenumber_to_eV", "eV_to_wavenumber", "activities",
    "activity_from_concentration", "concentration",
]

# ---- constants (SI unless stated) -------------------------------------------------------
e: float = _c.e                      # elementary charge, C; also J per eV
eV: float = _c.electron_volt         # J
kB_J: float = _c.k                   # J/K
h_J: float = _c.h                    # J s
kB: float = _c.k / _c.e              # eV/K
h: float = _c.h / _c.e               # eV s
hbar: float = _c.hbar / _c.e         # eV s
c: float = _c.c                      # m/s
NA: float = _c.N_A                   # 1/mol
R: float = _c.R                      # J/(mol K)
amu: float = _c.atomic_mass          # kg
invcm: float = _c.h * _c.c * 100.0 / _c.e   # eV per cm^-1
bar: float = 1.0e5                   # Pa
#: Standard pressure p0 of the rate constants and of the thermochemistry, Pa (1 bar): the
#: rate laws take the activities p / P0 (:func:`activities`).
P0: float = bar
atm: float = _c.atm                  # Pa
torr: float = _c.torr                # Pa
angstrom: float = 1.0e-10            # m


def activities(pressures: Mapping[str, float]) -> dict[str, float]:
    """Activities a_i = p_i / p0 of ideal gases, dimensionless, the argument of every rate
    law (numerically the partial pressures in bar, since p0 = :data:`P0` = 1 bar).

    Parameters
    ----------
    pressures : mapping gas -> partial pressure, Pa

    Returns
    -------
    dict gas -> p / p0 (dimensionless)
    """
    return {g: float(p) / P0 for g, p in pressures.items()}


def activity_from_concentration(c: ArrayLike, T: ArrayLike) -> float | np.ndarray:
    """Activity a = c R T / p0 (dimensionless) of an ideal gas at concentration c (mol/m^3)
    and temperature T (K); the inverse of :func:`concentration`. Arrays broadcast."""
    return c * R * T / P0


def concentration(a: float, T: float) -> float:
    """Ideal-gas concentration c = a p0 / (R T), mol/m^3, of a gas of activity a = p / p0
    (dimensionless; numerically its partial pressure in bar) at T (K)."""
    return float(a) * P0 / (R * float(T))


def wavenumber_to_eV(nu_cm: float) -> float:
    """Convert a wavenumber in cm^-1 to an energy h c nu in eV."""
    return nu_cm * invcm


def eV_to_wavenumber(E: float) -> float:
    """Convert an energy in eV to a wavenumber in cm^-1."""
    return E / invcm


# ---- dimensions known to model files ----------------------------------------------------
# name -> (internal unit as pint string, scale factor of internal unit in SI-ish pint units,
#          accepted example units for error messages)
DIMENSIONS: dict[str, tuple[str, str]] = {
    "energy": ("eV", "eV, kJ/mol, kcal/mol, J/mol"),
    "pressure": ("Pa", "Pa, bar, atm, torr"),
    "length": ("m", "m, cm, mm, um, nm, angstrom"),
    "temperature": ("K", "K"),
    "time": ("s", "s, ms, min, h"),
    "site_density": ("m^-2", "m^-2, cm^-2"),
    "diffusivity": ("m^2/s", "m^2/s, cm^2/s"),
    "frequency": ("1/s", "1/s, Hz"),
    "wavenumber": ("1/cm", "cm^-1"),
    "mass": ("amu", "amu, g/mol, kg"),
    "volume": ("m^3", "m^3, L, cm^3, mL"),
    "molar_flow": ("mol/s", "mol/s, mmol/s, mol/min"),
    "molar_heat_capacity": ("J/(mol*K)", "J/(mol K), kJ/(mol K), cal/(mol K)"),
    "thermal_conductivity": ("W/(m*K)", "W/(m K)"),
    "velocity": ("m/s", "m/s, cm/s"),
    "heat_transfer_coefficient": ("W/(m^2*K)", "W/(m^2 K)"),
    "specific_area": ("1/m", "m^2/m^3, m^-1, cm^2/cm^3"),
    "inertia": ("amu*angstrom^2", "amu angstrom^2, kg m^2"),
    "dimensionless": ("", "(no unit)"),
}

# common units, converted without pint (factor to the internal unit of the dimension)
_FAST: dict[str, dict[str, float]] = {
    "energy": {"eV": 1.0, "meV": 1e-3, "J": 1.0 / _c.e, "Ha": _c.physical_constants[
        "Hartree energy in eV"][0], "hartree": _c.physical_constants["Hartree energy in eV"][0]},
    "pressure": {"Pa": 1.0, "kPa": 1e3, "MPa": 1e6, "bar": bar, "mbar": 1e2, "atm": _c.atm,
                 "torr": _c.torr, "Torr": _c.torr},
    "length": {"m": 1.0, "cm": 1e-2, "mm": 1e-3, "um": 1e-6, "µm": 1e-6, "nm": 1e-9,
               "angstrom": 1e-10, "Å": 1e-10, "A": 1e-10},
    "temperature": {"K": 1.0},
    "time": {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9, "min": 60.0, "h": 3600.0},
    "site_density": {"m^-2": 1.0, "m-2": 1.0, "1/m^2": 1.0, "cm^-2": 1e4, "cm-2": 1e4,
                     "1/cm^2": 1e4, "nm^-2": 1e18, "angstrom^-2": 1e20},
    "diffusivity": {"m^2/s": 1.0, "cm^2/s": 1e-4, "mm^2/s": 1e-6},
    "frequency": {"1/s": 1.0, "s^-1": 1.0, "Hz": 1.0},
    "volume": {"m^3": 1.0, "L": 1e-3, "l": 1e-3, "mL": 1e-6, "cm^3": 1e-6},
    "molar_flow": {"mol/s": 1.0, "mmol/s": 1e-3, "umol/s": 1e-6, "mol/min": 1.0 / 60.0},
    "molar_heat_capacity": {"J/(mol K)": 1.0, "J/mol/K": 1.0, "J/(mol*K)": 1.0},
    "thermal_conductivity": {"W/(m K)": 1.0, "W/m/K": 1.0, "W/(m*K)": 1.0},
    "velocity": {"m/s": 1.0, "cm/s": 1e-2, "mm/s": 1e-3},
    "heat_transfer_coefficient": {"W/(m^2 K)": 1.0, "W/m^2/K": 1.0, "W/(m^2*K)": 1.0},
    "specific_area": {"m^2/m^3": 1.0, "m^-1": 1.0, "1/m": 1.0, "cm^2/cm^3": 1e2},
    "inertia": {"amu angstrom^2": 1.0, "amu*angstrom^2": 1.0, "amu Å^2": 1.0},
}

_MOLAR_ENERGY = re.compile(r"^\s*(k?cal|k?J)\s*/\s*mol\s*$")


@lru_cache(maxsize=1)
def _ureg():
    import pint

    ureg = pint.UnitRegistry()
    ureg.define("amu_ = atomic_mass_constant")
    return ureg


def _normalise_unit(unit: str) -> str:
    u = unit.strip()
    u = u.replace("^", "**").replace("Å", "angstrom").replace("µ", "u")
    # "m^-2" -> "m**-2" handled; "cm-2" -> "cm**-2"
    u = re.sub(r"([a-zA-Z])(-\d)", r"\1**\2", u)
    return u


def _split(text: str) -> tuple[float, str]:
    m = re.match(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?inf|nan)\s*(.*)$",
                 text, re.IGNORECASE)
    if not m:
        raise InvalidParameterError("quantity", "a number optionally followed by a unit", text)
    return float(m.group(1)), m.group(2).strip()


def to_internal(value: float, unit: str, dimension: str) -> float:
    """Convert ``value`` given in ``unit`` to catscale's internal unit of ``dimension``.

    Parameters
    ----------
    value : float
        Magnitude in ``unit``.
    unit : str
        Unit string, e.g. ``"kJ/mol"``, ``"bar"``, ``"cm^-2"``; ``""`` means the internal unit.
    dimension : str
        One of :data:`DIMENSIONS`.

    Returns
    -------
    float
        The value in the internal unit (eV, Pa, m, K, s, m^-2, m^2/s, 1/s, cm^-1, amu).

    Raises
    ------
    InvalidParameterError
        If the unit is unknown or of the wrong dimension.
    """
    if dimension not in DIMENSIONS:
        raise InvalidParameterError("dimension", f"one of {sorted(DIMENSIONS)}", dimension)
    target, examples = DIMENSIONS[dimension]
    if unit == "" or unit is None:
        return float(value)
    fast = _FAST.get(dimension, {}).get(unit.strip())
    if fast is not None:
        return float(value) * fast
    if dimension == "energy" and _MOLAR_ENERGY.match(unit):
        per = {"J": 1.0, "kJ": 1e3, "cal": 4.184, "kcal": 4184.0}[
            _MOLAR_ENERGY.match(unit).group(1)]
        return float(value) * per / (NA * eV)
    if dimension == "mass" and unit.replace(" ", "") in ("g/mol", "amu", "u", "Da"):
        return float(value)
    if dimension == "wavenumber" and unit.replace(" ", "") in ("cm^-1", "cm-1", "1/cm"):
        return float(value)
    if dimension == "temperature" and unit.strip() not in ("K", "kelvin"):
        raise InvalidParameterError(
            "unit", "temperatures in K (absolute)", unit)
    ureg = _ureg()
    try:
        q = ureg.Quantity(float(value), _normalise_unit(unit))
        tgt = target.replace("amu", "amu_").replace("^", "**") or "dimensionless"
        return float(q.to(tgt).magnitude)
    except Exception as exc:  # pint raises several error types
        raise InvalidParameterError(
            "unit", f"a unit of {dimension} ({examples})", unit) from exc


def from_internal(value: float, unit: str, dimension: str) -> float:
    """Inverse of :func:`to_internal`: express an internal-unit value in ``unit``."""
    one = to_internal(1.0, unit, dimension)
    return value / one


def parse_quantity(value: float | int | str, dimension: str, default_unit: str = "") -> float:
    """Parse a model-file quantity to the internal unit of ``dimension``.

    Parameters
    ----------
    value : float, int or str
        A bare number (interpreted in ``default_unit``) or a string ``"<number> <unit>"``.
    dimension : str
        One of :data:`DIMENSIONS`.
    default_unit : str
        Unit of bare numbers ("" = internal unit).

    Returns
    -------
    float
        Value in the internal unit.

    Raises
    ------
    InvalidParameterError
        Unparseable text, unknown unit, wrong dimension, or a non-finite value.
    """
    if isinstance(value, bool):
        raise InvalidParameterError("quantity", "a number or '<number> <unit>'", value)
    if isinstance(value, (int, float)):
        try:
            mag, unit = float(value), default_unit
        except OverflowError:            # an integer of hundreds of digits
            digits = int(value.bit_length() * 0.30103) + 1
            raise InvalidParameterError("quantity", "a finite number",
                                        f"an integer of about {digits} digits") from None
    elif isinstance(value, str):
        mag, unit = _split(value)
        if unit == "":
            unit = default_unit
    else:
        raise InvalidParameterError("quantity", "a number or '<number> <unit>'", value)
    if not math.isfinite(mag):
        raise InvalidParameterError("quantity", "a finite number", value)
    return to_internal(mag, unit, dimension)


def parse_si(value: float | int | str, si_unit: str) -> float:
    """Parse a quantity whose SI unit is derived (not one of :data:`DIMENSIONS`), such as a
    rate coefficient of order n, mol^(1-n) m^(3n-3) s^-1.

    Parameters
    ----------
    value : float, int or str
        A bare number (already in ``si_unit``) or ``"<number> <unit>"``.
    si_unit : str
        The SI unit, in pint syntax (``"mol**-1 * m**3 / s"``).

    Returns
    -------
    float
        The value in ``si_unit``.

    Raises
    ------
    InvalidParameterError
        Unparseable text, a unit of another dimension, or a non-finite value.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise InvalidParameterError("quantity", "a number or '<number> <unit>'", value)
    mag, unit = (float(value), "") if not isinstance(value, str) else _split(value)
    if not math.isfinite(mag):
        raise InvalidParameterError("quantity", "a finite number", value)
    if unit == "":
        return mag
    try:
        q = _ureg().Quantity(mag, _normalise_unit(unit))
        return float(q.to(si_unit).magnitude)
    except Exception as exc:  # pint raises several error types
        raise InvalidParameterError("unit", f"a unit convertible to {si_unit}", unit) from exc
