"""Ideal-gas molecule: 3-D translation, rigid rotor, harmonic vibrations, electronic degeneracy.

Per molecule, at temperature T and pressure p (standard p0 = 1 bar):

* translation: S_t = kB [ln((2 pi m kB T / h^2)^(3/2) kB T / p) + 5/2] (Sackur-Tetrode),
  U_t = 3/2 kB T;
* rotation (classical rigid rotor, symmetry number sigma, rotational temperatures
  Theta = h^2 / (8 pi^2 I kB)): linear S_r = kB [ln(T / (sigma Theta)) + 1], U_r = kB T;
  nonlinear S_r = kB [ln(sqrt(pi T^3 / (Theta_A Theta_B Theta_C)) / sigma) + 3/2],
  U_r = 3/2 kB T;
* vibration: quantum harmonic oscillators (see ``_modes``);
* electronic: ground-state degeneracy 2 S + 1, S_e = kB ln(2 S + 1).

H = U + kB T, G = H - T S. These are the formulas of ASE's ``IdealGasThermo`` (and of
standard texts, e.g. McQuarrie, Statistical Mechanics, ch. 8), so results agree with ASE when
the same physical constants are used.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from ..errors import InvalidParameterError
from ..units import amu, angstrom, h_J, invcm, kB, kB_J
from . import _modes
from ._base import ThermoBase, check_int, check_real

Geometry = Literal["monatomic", "linear", "nonlinear"]


def _rotational_temperatures(geometry: str, rotational_temperatures, inertia
                             ) -> tuple[float, ...]:
    """Rotational temperatures (K) from either input; validated against the geometry."""
    if geometry == "monatomic":
        if rotational_temperatures is not None or inertia is not None:
            given = "rotational_temperatures" if rotational_temperatures is not None else \
                "inertia"
            raise InvalidParameterError(given, "nothing for a monatomic gas (no rotation)",
                                        rotational_temperatures or inertia)
        return ()
    if (rotational_temperatures is None) == (inertia is None):
        raise InvalidParameterError(
            "rotational_temperatures/inertia",
            f"exactly one of them for a {geometry} molecule",
            {"rotational_temperatures": rotational_temperatures, "inertia": inertia})
    if rotational_temperatures is not None:
        name, raw = "rotational_temperatures", rotational_temperatures
    else:
        name, raw = "inertia", inertia
    vals = np.atleast_1d(np.asarray(raw, dtype=float)).ravel()
    if not np.all(np.isfinite(vals)):
        raise InvalidParameterError(name, "finite values", raw)
    if geometry == "linear":
        if name == "inertia" and vals.size == 3:
            vals = np.array([vals.max()])  # principal moments (0, I, I) of a linear molecule
        if vals.size != 1:
            raise InvalidParameterError(name, "one value for a linear molecule", raw)
    else:
        if vals.size != 3:
            raise InvalidParameterError(name, "three values for a nonlinear molecule", raw)
    if np.any(vals <= 0):
        raise InvalidParameterError(name, "values > 0", raw)
    if name == "inertia":
        I_si = vals * amu * angstrom**2
        vals = h_J**2 / (8.0 * math.pi**2 * I_si * kB_J)
    return tuple(float(v) for v in vals)


@dataclass(frozen=True)
class IdealGasThermo(ThermoBase):
    """Ideal-gas thermochemistry of one molecule.

    Parameters
    ----------
    energy : float
        Electronic (potential) energy at the minimum, eV.
    frequencies : sequence of float, complex or str
        Vibrational wavenumbers, cm^-1 (3N-5 linear, 3N-6 nonlinear, none monatomic, unless
        ``natoms`` selects them). Imaginary modes: negative, complex or ``"123i"``.
    geometry : {'monatomic', 'linear', 'nonlinear'}
        Molecular geometry.
    mass : float
        Molecular mass, amu.
    symmetry : int
        Rotational symmetry number sigma (e.g. 1 for CO, 2 for O2/H2O, 12 for CH4).
    rotational_temperatures : float or sequence of float, optional
        Theta = h^2/(8 pi^2 I kB), K: one value (linear) or three (nonlinear).
    inertia : float or sequence of float, optional
        Principal moments of inertia, amu angstrom^2, instead of ``rotational_temperatures``.
    spin : float
        Total electronic spin S (0 singlet, 0.5 doublet, 1 triplet O2); degeneracy 2S+1.
    low_frequency : {'harmonic', 'raise', 'qrrho'}
        Treatment of vibrations below ``low_frequency_cutoff``: none; raised to the cutoff;
        Grimme quasi-RRHO entropy interpolation (energy stays harmonic).
    low_frequency_cutoff : float
        Cutoff (raise) or Grimme's nu_0 (qrrho), cm^-1.
    qrrho_inertia : float
        Grimme's B_av, amu angstrom^2 (default 1e-44 kg m^2).
    transition_state : bool
        Drop exactly one imaginary mode (a gas-phase saddle point).
    natoms : int, optional
        If given, the 3N-5/3N-6 (minus one for a saddle) highest frequencies are kept, so a
        full list from a normal-mode analysis may be passed (ASE's 'highest' selection).

    Notes
    -----
    ``frequencies`` holds the real modes actually used (after selection, before any
    low-frequency change); ``imaginary_frequency`` the dropped saddle mode (cm^-1) or None.
    """

    energy: float
    frequencies: Sequence[float | complex | str]
    geometry: Geometry
    mass: float
    symmetry: int = 1
    rotational_temperatures: float | Sequence[float] | None = None
    inertia: float | Sequence[float] | None = None
    spin: float = 0.0
    low_frequency: str = "harmonic"
    low_frequency_cutoff: float = 100.0
    qrrho_inertia: float = _modes.GRIMME_INERTIA_AMU_A2
    transition_state: bool = False
    natoms: int | None = None
    imaginary_frequency: float | None = field(init=False, default=None)
    theta_rot: tuple[float, ...] = field(init=False, default=())

    is_gas = True

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "energy", check_real(self.energy, "energy", unit="eV"))
        if self.geometry not in ("monatomic", "linear", "nonlinear"):
            raise InvalidParameterError("geometry", "'monatomic', 'linear' or 'nonlinear'",
                                        self.geometry)
        set_(self, "mass", check_real(self.mass, "mass", positive=True, unit="amu"))
        set_(self, "symmetry", check_int(self.symmetry, "symmetry"))
        set_(self, "spin", check_real(self.spin, "spin", nonnegative=True))
        _modes.check_low_frequency(self.low_frequency, self.low_frequency_cutoff)
        check_real(self.qrrho_inertia, "qrrho_inertia", positive=True, unit="amu angstrom^2")
        real, imag = _modes.parse_frequencies(
            self.frequencies, transition_state=self.transition_state,
            allow_zero=self.low_frequency == "raise" or self.natoms is not None)
        if self.natoms is not None:
            set_(self, "natoms", check_int(self.natoms, "natoms"))
            n = {"monatomic": 0, "linear": 3 * self.natoms - 5,
                 "nonlinear": 3 * self.natoms - 6}[self.geometry]
            n -= 1 if self.transition_state else 0
            if n < 0 or len(real) < n:
                raise InvalidParameterError(
                    "frequencies", f"at least {max(n, 0)} real modes for natoms="
                    f"{self.natoms}, {self.geometry}", f"{len(real)} modes")
            real = tuple(sorted(real)[len(real) - n:]) if n > 0 else ()
        if self.low_frequency != "raise" and any(f == 0.0 for f in real):
            raise InvalidParameterError("frequencies", "non-zero vibrational frequencies",
                                        real)
        set_(self, "frequencies", real)
        set_(self, "imaginary_frequency", imag)
        set_(self, "theta_rot", _rotational_temperatures(
            self.geometry, self.rotational_temperatures, self.inertia))

    # -- vibrational modes as used ----------------------------------------------------------
    def _vib_cm(self) -> np.ndarray:
        f = self.frequencies
        if self.low_frequency == "raise":
            f = _modes.raise_low(f, self.low_frequency_cutoff)
        return np.asarray(f, dtype=float)

    def _zpe(self) -> float:
        return _modes.zpe(self._vib_cm() * invcm)

    def _n_rot_half(self) -> float:
        return {"monatomic": 0.0, "linear": 1.0, "nonlinear": 1.5}[self.geometry]

    def _dU(self, T: np.ndarray) -> np.ndarray:
        eps = self._vib_cm() * invcm
        return (1.5 + self._n_rot_half()) * kB * T + _modes.thermal_energy(eps, T)

    def _S(self, T: np.ndarray, p: np.ndarray) -> np.ndarray:
        m = self.mass * amu
        s_t = kB * (1.5 * np.log(2.0 * math.pi * m * kB_J * T / h_J**2)
                    + np.log(kB_J * T / p) + 2.5)
        if self.geometry == "linear":
            s_r = kB * (np.log(T / (self.symmetry * self.theta_rot[0])) + 1.0)
        elif self.geometry == "nonlinear":
            prod = self.theta_rot[0] * self.theta_rot[1] * self.theta_rot[2]
            s_r = kB * (0.5 * np.log(math.pi * T**3 / prod) - math.log(self.symmetry) + 1.5)
        else:
            s_r = 0.0
        s_e = kB * math.log(2.0 * self.spin + 1.0)
        cm = self._vib_cm()
        if self.low_frequency == "qrrho":
            s_v = _modes.qrrho_entropy(cm, T, self.low_frequency_cutoff, self.qrrho_inertia)
        else:
            s_v = _modes.entropy(cm * invcm, T)
        return s_t + s_r + s_e + s_v

    def _Cv(self, T: np.ndarray) -> np.ndarray:
        eps = self._vib_cm() * invcm
        return (1.5 + self._n_rot_half()) * kB + _modes.heat_capacity(eps, T)
