"""Empirical thermochemistry: NIST Shomate gases and energies frozen at every temperature.

Shomate equation (NIST Chemistry WebBook), t = T / 1000 K, per mole:

* Cp = A + B t + C t^2 + D t^3 + E / t^2                         (J mol^-1 K^-1)
* H(T) - H(298.15) = A t + B t^2/2 + C t^3/3 + D t^4/4 - E/t + F - H   (kJ mol^-1)
* S(T) = A ln t + B t + C t^2/2 + D t^3/3 - E/(2 t^2) + G          (J mol^-1 K^-1)

CatMAP's ``shomate_gas`` thermo mode (SUNCAT-Center/catmap, thermodynamics/
enthalpy_entropy.py) turns these into a free energy on top of an electronic (formation)
energy E and a zero-point energy ZPE = sum(h c nu)/2:

    G(T) = E + ZPE + [298.15 K Cp(298.15 K) + H(T) - H(298.15 K)] - T S(T),

i.e. H(298.15) - H(0) is approximated by 298.15 Cp(298.15), with Cp(298.15) evaluated with
the coefficient set of the range that holds T (as CatMAP does). Below the lowest range, if
that range starts under 300 K, CatMAP uses H - H(0) = T Cp(T_min) and S = S(T_min); so does
this class. kJ/mol is converted with the exact CODATA factor (CatMAP hard-codes 0.01036427,
a relative difference of 1e-7). The pressure dependence is the ideal-gas one,
S(T, p) = S(T) - kB ln(p / p0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import InvalidParameterError
from ..units import NA, eV, invcm, kB
from . import _modes
from ._base import P0, ThermoBase, check_real

#: eV per (kJ/mol)
KJMOL: float = 1.0e3 / (NA * eV)
T_REF: float = 298.15


def _shomate_cp(t: np.ndarray, c: np.ndarray) -> np.ndarray:
    A, B, C, D, E = c[0], c[1], c[2], c[3], c[4]
    return A + B * t + C * t**2 + D * t**3 + E / t**2


def _shomate_dh(t: np.ndarray, c: np.ndarray) -> np.ndarray:
    A, B, C, D, E, F, _, H = c
    return A * t + B * t**2 / 2 + C * t**3 / 3 + D * t**4 / 4 - E / t + F - H


def _shomate_s(t: np.ndarray, c: np.ndarray) -> np.ndarray:
    A, B, C, D, E, _, G, _ = c
    return A * np.log(t) + B * t + C * t**2 / 2 + D * t**3 / 3 - E / (2 * t**2) + G


@dataclass(frozen=True)
class ShomateGas(ThermoBase):
    """Gas free energy from NIST Shomate coefficients, CatMAP's ``shomate_gas`` definition.

    Parameters
    ----------
    energy : float
        Electronic / formation energy E, eV.
    coefficients : sequence of 8-sequences
        NIST Shomate coefficients (A, B, C, D, E, F, G, H), one set per temperature range,
        in NIST units (J/mol/K, kJ/mol, t = T/1000).
    T_ranges : sequence of (T_min, T_max)
        Validity range of each coefficient set, K. The first range containing T is used.
    frequencies : sequence of float
        Vibrational wavenumbers, cm^-1, used only for ZPE = sum(h c nu) / 2 (as CatMAP).

    Notes
    -----
    ``H(T) = E + ZPE + 298.15 Cp(298.15) + H_sh(T) - H_sh(298.15)``, ``S(T, p) = S_sh(T) -
    kB ln(p/p0)``, ``G = H - T S``, ``Cp = Cp_sh(T)``; all per molecule in eV and eV/K.
    """

    energy: float
    coefficients: Sequence[Sequence[float]]
    T_ranges: Sequence[Sequence[float]]
    frequencies: Sequence[float] = ()

    is_gas = True

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "energy", check_real(self.energy, "energy", unit="eV"))
        try:
            coef = np.asarray(self.coefficients, dtype=float)
            rng = np.asarray(self.T_ranges, dtype=float)
        except (TypeError, ValueError):
            raise InvalidParameterError(
                "coefficients/T_ranges", "numeric arrays (n, 8) and (n, 2)",
                (self.coefficients, self.T_ranges)) from None
        if coef.ndim == 1:
            coef = coef[None, :]
        if rng.ndim == 1:
            rng = rng[None, :]
        if coef.ndim != 2 or coef.shape[1] != 8 or not np.all(np.isfinite(coef)):
            raise InvalidParameterError("coefficients", "sets of 8 finite numbers A..H",
                                        self.coefficients)
        if rng.shape != (coef.shape[0], 2) or not np.all(np.isfinite(rng)) \
                or np.any(rng[:, 0] <= 0) or np.any(rng[:, 1] <= rng[:, 0]):
            raise InvalidParameterError(
                "T_ranges", f"{coef.shape[0]} pairs (T_min, T_max) with 0 < T_min < T_max K",
                self.T_ranges)
        real, _ = _modes.parse_frequencies(self.frequencies)
        set_(self, "coefficients", tuple(tuple(float(x) for x in row) for row in coef))
        set_(self, "T_ranges", tuple(tuple(float(x) for x in row) for row in rng))
        set_(self, "frequencies", real)

    # -- piecewise evaluation ---------------------------------------------------------------
    def _select(self, T: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per temperature: coefficient rows (..., 8), evaluation T, below-range mask."""
        coef = np.asarray(self.coefficients)
        rng = np.asarray(self.T_ranges)
        idx = np.full(T.shape, -1, dtype=int)
        for i in range(len(rng) - 1, -1, -1):   # first matching range wins
            idx = np.where((T >= rng[i, 0]) & (T <= rng[i, 1]), i, idx)
        lowest = int(np.argmin(rng[:, 0]))
        below = (idx < 0) & (T < rng[lowest, 0]) & (rng[lowest, 0] < 300.0)
        idx = np.where(below, lowest, idx)
        if np.any(idx < 0):
            bad = T[idx < 0]
            raise InvalidParameterError(
                "T", f"within the Shomate ranges {self.T_ranges} K", bad.tolist())
        t_eval = np.where(below, rng[lowest, 0], T)
        return coef[idx], t_eval, below

    def _zpe(self) -> float:
        return _modes.zpe(np.asarray(self.frequencies, dtype=float) * invcm)

    def _dH(self, T: np.ndarray) -> np.ndarray:
        c, t_eval, below = self._select(T)
        c = np.moveaxis(c, -1, 0)
        t = T / 1000.0
        normal = (T_REF * _shomate_cp(T_REF / 1000.0, c) / 1000.0
                  + _shomate_dh(t, c) - _shomate_dh(T_REF / 1000.0, c))
        low = T * _shomate_cp(t_eval / 1000.0, c) / 1000.0
        return np.where(below, low, normal) * KJMOL

    def _dU(self, T: np.ndarray) -> np.ndarray:
        return self._dH(T) - kB * T

    def _S(self, T: np.ndarray, p: np.ndarray) -> np.ndarray:
        c, t_eval, _ = self._select(T)
        c = np.moveaxis(c, -1, 0)
        return _shomate_s(t_eval / 1000.0, c) * KJMOL / 1000.0 - kB * np.log(p / P0)

    def _Cv(self, T: np.ndarray) -> np.ndarray:
        c, t_eval, _ = self._select(T)
        c = np.moveaxis(c, -1, 0)
        return _shomate_cp(t_eval / 1000.0, c) * KJMOL / 1000.0 - kB


@dataclass(frozen=True)
class FixedEnergy(ThermoBase):
    """A free energy fixed at every temperature: G = E (CatMAP ``frozen_adsorbate``).

    Parameters
    ----------
    energy : float
        The (free) energy, eV, returned at every T.
    is_gas : bool
        If True the species is a gas: G(T, p) = E + kB T ln(p / p0) (so G(T, p0) = E);
        otherwise p is ignored.

    Notes
    -----
    ``zpe() = 0``, ``H = U = E`` (gas: ``H = E``), ``S = 0`` at p0, ``Cp = 0``.
    """

    energy: float
    is_gas: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "energy", check_real(self.energy, "energy", unit="eV"))
        if not isinstance(self.is_gas, bool):
            raise InvalidParameterError("is_gas", "True or False", self.is_gas)

    def _zpe(self) -> float:
        return 0.0

    def _dU(self, T: np.ndarray) -> np.ndarray:
        # H = U + kB T for a gas in the base class; keep H = E.
        return -kB * T if self.is_gas else np.zeros_like(T)

    def _S(self, T: np.ndarray, p: np.ndarray) -> np.ndarray:
        if self.is_gas:
            return -kB * np.log(p / P0) + np.zeros_like(T)
        return np.zeros_like(T)

    def _Cv(self, T: np.ndarray) -> np.ndarray:
        return -kB + np.zeros_like(T) if self.is_gas else np.zeros_like(T)


__all__ = ["ShomateGas", "FixedEnergy", "KJMOL"]
