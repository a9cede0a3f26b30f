"""NASA 7-coefficient polynomials (the CHEMKIN / Cantera thermo format).

Per range of temperature, with R the gas constant (McBride, Gordon & Reno, NASA TM-4513, 1993):

* Cp / R   = a0 + a1 T + a2 T^2 + a3 T^3 + a4 T^4
* H / (RT) = a0 + a1 T/2 + a2 T^2/3 + a3 T^3/4 + a4 T^4/5 + a5 / T
* S / R    = a0 ln T + a1 T + a2 T^2/2 + a3 T^3/3 + a4 T^4/4 + a6

per mole; here per molecule (R -> kB, eV). H / (RT) and S / R are dimensionless, so the
free energy G / (kB T) = H / (RT) - S / R is exactly Cantera's G / (RT).

Standard states. A gas is at the polynomials' reference pressure ``p_ref`` (Cantera: 1 atm
unless the file says otherwise): S(T, p) = S(T) - kB ln(p / p_ref). An adsorbate in Cantera's
ideal-surface phase has the standard concentration Gamma / n (site density over the sites it
occupies); catscale's is one adsorbate per site (theta = 1, concentration Gamma), hence
G = G_nasa + kB T ln n for an adsorbate of n sites (zero for n = 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import InvalidParameterError
from ..units import kB
from ._base import ThermoBase, check_int, check_real


def nasa7_reduced(T: np.ndarray, a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cp/R, H/(RT) and S/R of one coefficient set ``a`` (7,) at temperatures T (K)."""
    a0, a1, a2, a3, a4, a5, a6 = (a[..., i] for i in range(7))
    cp = a0 + T * (a1 + T * (a2 + T * (a3 + T * a4)))
    h = a0 + T * (a1 / 2 + T * (a2 / 3 + T * (a3 / 4 + T * a4 / 5))) + a5 / T
    s = a0 * np.log(T) + T * (a1 + T * (a2 / 2 + T * (a3 / 3 + T * a4 / 4))) + a6
    return cp, h, s


def nasa7_g_basis(T: np.ndarray) -> np.ndarray:
    """Rows of G/(RT) = sum_i a_i phi_i(T): the basis phi (len(T), 7) used to fit a7."""
    T = np.asarray(T, dtype=float)
    return np.stack([1.0 - np.log(T), -T / 2, -T**2 / 6, -T**3 / 12, -T**4 / 20, 1.0 / T,
                     -np.ones_like(T)], axis=-1)


@dataclass(frozen=True)
class Nasa7(ThermoBase):
    """Thermochemistry from NASA 7-coefficient polynomials.

    Parameters
    ----------
    coefficients : sequence of 7-sequences
        a0..a6 per temperature range (K, dimensionless reduced quantities).
    T_ranges : sequence of (T_min, T_max)
        Range of each coefficient set, K. The first range holding T is used; outside every
        range the nearest one is extrapolated (as Cantera does).
    is_gas : bool
        A gas (pressure dependence, H = U + kB T) or an adsorbate.
    reference_pressure : float
        Pa, the pressure the gas polynomials refer to (ignored for adsorbates).
    n_sites : int
        Sites an adsorbate occupies (the standard-state term kB T ln n, module docstring).
    energy : float
        A shift added to H and G, eV (0 as read; energy shifts of uncertainty analyses).
    """

    coefficients: Sequence[Sequence[float]]
    T_ranges: Sequence[Sequence[float]]
    is_gas: bool = False
    reference_pressure: float = 101325.0
    n_sites: int = 1
    energy: float = 0.0

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        try:
            coef = np.atleast_2d(np.asarray(self.coefficients, dtype=float))
            rng = np.atleast_2d(np.asarray(self.T_ranges, dtype=float))
        except (TypeError, ValueError):
            raise InvalidParameterError("nasa7", "numeric arrays (n, 7) and (n, 2)",
                                        (self.coefficients, self.T_ranges)) from None
        if coef.shape[1:] != (7,) or not np.all(np.isfinite(coef)):
            raise InvalidParameterError("nasa7.coefficients", "sets of 7 finite numbers a0..a6",
                                        self.coefficients)
        if rng.shape != (coef.shape[0], 2) or np.any(rng[:, 0] < 0) \
                or np.any(~(rng[:, 1] > rng[:, 0])):
            raise InvalidParameterError(
                "nasa7.T_ranges", f"{coef.shape[0]} pairs (T_min, T_max), 0 <= T_min < T_max K",
                self.T_ranges)
        set_(self, "coefficients", tuple(tuple(float(x) for x in row) for row in coef))
        set_(self, "T_ranges", tuple(tuple(float(x) for x in row) for row in rng))
        set_(self, "reference_pressure", check_real(self.reference_pressure,
                                                    "reference_pressure", positive=True,
                                                    unit="Pa"))
        set_(self, "n_sites", check_int(self.n_sites, "n_sites"))
        set_(self, "energy", check_real(self.energy, "energy", unit="eV"))

    def _coef(self, T: np.ndarray) -> np.ndarray:
        coef = np.asarray(self.coefficients)
        rng = np.asarray(self.T_ranges)
        idx = np.full(T.shape, -1, dtype=int)
        for i in range(len(rng) - 1, -1, -1):      # first matching range wins
            idx = np.where((T >= rng[i, 0]) & (T <= rng[i, 1]), i, idx)
        if np.any(idx < 0):
            near = np.argmin(np.minimum(np.abs(T[..., None] - rng[:, 0]),
                                        np.abs(T[..., None] - rng[:, 1])), axis=-1)
            idx = np.where(idx < 0, near, idx)
        return coef[idx]

    def reduced(self, T: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Cp/R, H/(RT), S/R at T (K) (dimensionless, standard state of the polynomials)."""
        return nasa7_reduced(T, self._coef(T))

    def _zpe(self) -> float:
        return 0.0

    def _dU(self, T: np.ndarray) -> np.ndarray:
        _, h, _ = self.reduced(T)
        return kB * T * h - (kB * T if self.is_gas else 0.0)

    def _S(self, T: np.ndarray, p: np.ndarray) -> np.ndarray:
        _, _, s = self.reduced(T)
        if self.is_gas:
            return kB * (s - np.log(p / self.reference_pressure))
        return kB * (s - np.log(self.n_sites))

    def _Cv(self, T: np.ndarray) -> np.ndarray:
        cp, _, _ = self.reduced(T)
        return kB * cp - (kB if self.is_gas else 0.0)


__all__ = ["Nasa7", "nasa7_reduced", "nasa7_g_basis"]
