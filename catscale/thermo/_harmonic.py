"""Harmonic adsorbate (or surface transition state): every degree of freedom a vibration.

G = E + ZPE + sum eps/(e^x - 1) - T S_vib, with H = U (no pV term for a surface species), so
G is the Helmholtz energy. The same formulas as ASE's ``HarmonicThermo``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..units import invcm
from . import _modes
from ._base import ThermoBase, check_real


@dataclass(frozen=True)
class HarmonicThermo(ThermoBase):
    """Harmonic thermochemistry of an adsorbate: all 3N modes vibrational.

    Parameters
    ----------
    energy : float
        Electronic energy, eV.
    frequencies : sequence of float, complex or str
        Wavenumbers of all modes, cm^-1. Imaginary modes: negative, complex or ``"123i"``.
    transition_state : bool
        Drop exactly one imaginary mode (saddle point); otherwise imaginary modes are an error.
    low_frequency : {'harmonic', 'raise', 'qrrho'}
        Treatment of modes below ``low_frequency_cutoff`` (see :class:`IdealGasThermo`).
    low_frequency_cutoff : float
        cm^-1.
    qrrho_inertia : float
        Grimme's B_av for 'qrrho', amu angstrom^2.

    Notes
    -----
    Surface species: ``S(T, p)`` and ``G(T, p)`` ignore p; ``H == U``; ``Cp == Cv``. The
    standard state is one adsorbate per site (coverage 1), the convention of mean-field rate
    laws written in coverages.
    """

    energy: float
    frequencies: Sequence[float | complex | str] = ()
    transition_state: bool = False
    low_frequency: str = "harmonic"
    low_frequency_cutoff: float = 100.0
    qrrho_inertia: float = _modes.GRIMME_INERTIA_AMU_A2
    imaginary_frequency: float | None = field(init=False, default=None)

    is_gas = False

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "energy", check_real(self.energy, "energy", unit="eV"))
        _modes.check_low_frequency(self.low_frequency, self.low_frequency_cutoff)
        check_real(self.qrrho_inertia, "qrrho_inertia", positive=True, unit="amu angstrom^2")
        real, imag = _modes.parse_frequencies(
            self.frequencies, transition_state=self.transition_state,
            allow_zero=self.low_frequency == "raise")
        set_(self, "frequencies", real)
        set_(self, "imaginary_frequency", imag)

    def _vib_cm(self) -> np.ndarray:
        f = self.frequencies
        if self.low_frequency == "raise":
            f = _modes.raise_low(f, self.low_frequency_cutoff)
        return np.asarray(f, dtype=float)

    def _zpe(self) -> float:
        return _modes.zpe(self._vib_cm() * invcm)

    def _dU(self, T: np.ndarray) -> np.ndarray:
        return _modes.thermal_energy(self._vib_cm() * invcm, T)

    def _S(self, T: np.ndarray, p: np.ndarray) -> np.ndarray:
        cm = self._vib_cm()
        if self.low_frequency == "qrrho":
            return _modes.qrrho_entropy(cm, T, self.low_frequency_cutoff, self.qrrho_inertia)
        return _modes.entropy(cm * invcm, T)

    def _Cv(self, T: np.ndarray) -> np.ndarray:
        return _modes.heat_capacity(self._vib_cm() * invcm, T)
