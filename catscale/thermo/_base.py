"""The common interface of every thermochemistry model.

All models share one contract, so that the model loader (and anything else) can ask any of
them for a free energy without knowing which it is:

* ``zpe()``: zero-point energy, eV;
* ``U(T)``: internal energy E + ZPE + thermal energy, eV;
* ``H(T)``: enthalpy, eV (U + kB T for an ideal gas, U for a surface species);
* ``S(T, p=P0)``: entropy, eV/K (p in Pa, used by gases only);
* ``G(T, p=P0)``: H - T S, eV (Gibbs energy of a gas; Helmholtz = Gibbs for adsorbates);
* ``Cp(T)``: heat capacity at constant pressure, eV/K.

T may be a float or an array (K); results have the shape of T (a float for a float).
The standard pressure is p0 = :data:`catscale.units.P0` = 1 bar.
"""

from __future__ import annotations

import math
import numbers
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike

from ..errors import InvalidParameterError
from ..units import P0, kB

__all__ = ["ThermoModel", "ThermoBase", "P0"]

FloatOrArray = float | np.ndarray


@runtime_checkable
class ThermoModel(Protocol):
    """Anything that gives the free energy of one species (eV) at T (K) and p (Pa)."""

    is_gas: bool

    def zpe(self) -> float: ...

    def U(self, T: ArrayLike) -> FloatOrArray: ...

    def H(self, T: ArrayLike) -> FloatOrArray: ...

    def S(self, T: ArrayLike, p: float = P0) -> FloatOrArray: ...

    def G(self, T: ArrayLike, p: float = P0) -> FloatOrArray: ...

    def Cp(self, T: ArrayLike) -> FloatOrArray: ...


def as_temperature(T: ArrayLike, name: str = "T") -> tuple[np.ndarray, bool]:
    """Validate temperatures (K, finite, > 0); return (float array, input_was_scalar)."""
    arr = np.asarray(T, dtype=float)
    if arr.size == 0 or not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise InvalidParameterError(name, "finite temperatures > 0 K", T)
    return arr, arr.ndim == 0


def as_pressure(p: ArrayLike, name: str = "p") -> np.ndarray:
    """Validate pressures (Pa, finite, > 0)."""
    arr = np.asarray(p, dtype=float)
    if arr.size == 0 or not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise InvalidParameterError(name, "finite pressures > 0 Pa", p)
    return arr


def out(x: np.ndarray, scalar: bool) -> FloatOrArray:
    """Return a Python float for scalar input, the array otherwise."""
    return float(x) if scalar else x


def check_real(value: object, name: str, *, positive: bool = False,
               nonnegative: bool = False, unit: str = "") -> float:
    """Validate a finite real number; return it as float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidParameterError(name, f"a real number{(' in ' + unit) if unit else ''}",
                                    value)
    v = float(value)
    if not math.isfinite(v):
        raise InvalidParameterError(name, "a finite number", value)
    if positive and v <= 0:
        raise InvalidParameterError(name, f"> 0{(' ' + unit) if unit else ''}", value)
    if nonnegative and v < 0:
        raise InvalidParameterError(name, f">= 0{(' ' + unit) if unit else ''}", value)
    return v


def check_int(value: object, name: str, minimum: int = 1) -> int:
    """Validate an integer >= ``minimum``; return it as int."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not float(value).is_integer() or value < minimum:
        raise InvalidParameterError(name, f"an integer >= {minimum}", value)
    return int(value)


class ThermoBase:
    """Shared implementation of the :class:`ThermoModel` contract.

    Subclasses define ``energy`` (eV), ``is_gas``, and the hooks ``_zpe()`` (eV),
    ``_dU(T)`` (thermal energy above the zero-point level, eV), ``_S(T, p)`` (eV/K) and
    ``_Cv(T)`` (eV/K), all on float arrays.
    """

    is_gas: bool = False
    energy: float

    # -- hooks ----------------------------------------------------------------------------
    def _zpe(self) -> float:
        raise NotImplementedError

    def _dU(self, T: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _S(self, T: np.ndarray, p: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _Cv(self, T: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    # -- public contract ------------------------------------------------------------------
    def zpe(self) -> float:
        """Zero-point energy, eV."""
        return float(self._zpe())

    def U(self, T: ArrayLike) -> FloatOrArray:
        """Internal energy E + ZPE + thermal energy, eV, at T (K)."""
        t, scalar = as_temperature(T)
        return out(self.energy + self._zpe() + self._dU(t), scalar)

    def H(self, T: ArrayLike) -> FloatOrArray:
        """Enthalpy, eV, at T (K): U + kB T for a gas, U for a surface species."""
        t, scalar = as_temperature(T)
        h = self.energy + self._zpe() + self._dU(t)
        if self.is_gas:
            h = h + kB * t
        return out(h, scalar)

    def S(self, T: ArrayLike, p: ArrayLike = P0) -> FloatOrArray:
        """Entropy, eV/K, at T (K) and p (Pa; ignored by surface species)."""
        t, scalar = as_temperature(T)
        pp = as_pressure(p)
        return out(self._S(t, pp), scalar and pp.ndim == 0)

    def G(self, T: ArrayLike, p: ArrayLike = P0) -> FloatOrArray:
        """Free energy H - T S, eV, at T (K) and p (Pa; ignored by surface species).

        Gibbs energy for a gas; for a surface species H = U, so G is also the Helmholtz
        energy.
        """
        t, scalar = as_temperature(T)
        pp = as_pressure(p)
        h = self.energy + self._zpe() + self._dU(t)
        if self.is_gas:
            h = h + kB * t
        return out(h - t * self._S(t, pp), scalar and pp.ndim == 0)

    def Cp(self, T: ArrayLike) -> FloatOrArray:
        """Heat capacity at constant pressure, eV/K, at T (K) (Cv + kB for a gas)."""
        t, scalar = as_temperature(T)
        cp = self._Cv(t)
        if self.is_gas:
            cp = cp + kB
        return out(cp, scalar)
