"""Pydantic field types for quantities with units; bare numbers take the file's ``units:``.

Each type converts once, at validation, to catscale's internal unit (eV, Pa, K, m, m^-2,
m^2/s, cm^-1 for vibrational wavenumbers, amu for masses).
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BeforeValidator, ValidationInfo

from ..errors import InvalidParameterError
from ..units import parse_quantity

# defaults of bare numbers when the file's `units:` does not say otherwise
DEFAULT_UNITS = {"energy": "eV", "pressure": "bar", "temperature": "K", "length": "m",
                 "site_density": "m^-2", "diffusivity": "m^2/s", "time": "s",
                 "wavenumber": "cm^-1", "mass": "amu", "frequency": "1/s"}


def _default_unit(info: ValidationInfo | None, dimension: str) -> str:
    ctx = (info.context or {}) if info is not None else {}
    return (ctx.get("units") or {}).get(dimension, DEFAULT_UNITS.get(dimension, ""))


def _quantity(dimension: str, positive: bool = False, nonnegative: bool = False):
    def convert(v: Any, info: ValidationInfo) -> float:
        if v is None:
            raise ValueError(f"expected a {dimension}, got nothing")
        try:
            x = parse_quantity(v, dimension, _default_unit(info, dimension))
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


Energy = Annotated[float, _quantity("energy")]
Pressure = Annotated[float, _quantity("pressure", nonnegative=True)]
PositivePressure = Annotated[float, _quantity("pressure", positive=True)]
Temperature = Annotated[float, _quantity("temperature", positive=True)]
Length = Annotated[float, _quantity("length", positive=True)]
SiteDensity = Annotated[float, _quantity("site_density", positive=True)]
Diffusivity = Annotated[float, _quantity("diffusivity", positive=True)]
Time = Annotated[float, _quantity("time", positive=True)]
Mass = Annotated[float, _quantity("mass", positive=True)]
Finite = Annotated[float, BeforeValidator(_finite_number)]
Wavenumber = Annotated[float, BeforeValidator(_wavenumber)]
