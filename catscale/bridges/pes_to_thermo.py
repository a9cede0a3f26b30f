"""Bridge atomistic -> thermo/TST: potential-energy-surface results to harmonic thermochemistry
and rate constants.

Pure functions on the frozen results of :mod:`catscale.atomistic` (energies eV, frequencies
cm^-1, imaginary modes negative) returning :mod:`catscale.thermo` objects and rate constants
from :mod:`catscale.bridges.thermo_to_rates`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ..atomistic import VibrationalResult
from ..errors import InvalidParameterError
from ..thermo import HarmonicThermo
from ..units import c, kB
from .thermo_to_rates import eyring, harmonic_tst

__all__ = ["PESRate", "minimum_to_thermo", "saddle_to_thermo", "vineyard_prefactor",
           "pes_rate"]


def minimum_to_thermo(vib: VibrationalResult, energy: float | None = None) -> HarmonicThermo:
    """Harmonic thermochemistry of a minimum.

    Parameters
    ----------
    vib : VibrationalResult
        Frequencies (cm^-1) of the free atoms; must have no imaginary mode.
    energy : float, optional
        Electronic energy, eV (default ``vib.energy``).

    Returns
    -------
    HarmonicThermo
    """
    if vib.n_imaginary:
        raise InvalidParameterError("vib", "a minimum (no imaginary mode)",
                                    f"{vib.n_imaginary} imaginary modes")
    E = vib.energy if energy is None else energy
    return HarmonicThermo(float(E), [abs(f) for f in vib.frequencies])


def _saddle_real(vib: VibrationalResult) -> list[float]:
    if vib.n_imaginary != 1:
        raise InvalidParameterError("saddle", "a first-order saddle (one imaginary mode)",
                                    f"{vib.n_imaginary} imaginary modes")
    f = sorted(vib.frequencies)
    return [abs(x) for x in f[1:]]


def saddle_to_thermo(vib: VibrationalResult, energy: float | None = None) -> HarmonicThermo:
    """Harmonic thermochemistry of a first-order saddle (the imaginary mode is dropped).

    Parameters as :func:`minimum_to_thermo`; exactly one imaginary mode is required.
    """
    E = vib.energy if energy is None else energy
    f = sorted(vib.frequencies)
    _saddle_real(vib)
    return HarmonicThermo(float(E), [f[0]] + [abs(x) for x in f[1:]], transition_state=True)


def vineyard_prefactor(minimum: VibrationalResult, saddle: VibrationalResult) -> float:
    """Vineyard prefactor nu* = prod nu_i(min) / prod' nu_j(saddle), s^-1.

    G. H. Vineyard, J. Phys. Chem. Solids 3, 121 (1957). The minimum has n real modes, the
    saddle n - 1 real modes plus one imaginary mode (dropped).
    """
    real_s = _saddle_real(saddle)
    nu_m = np.asarray([abs(x) for x in minimum.frequencies])
    if minimum.n_imaginary or len(nu_m) != len(real_s) + 1:
        raise InvalidParameterError("minimum", f"{len(real_s) + 1} real modes",
                                    minimum.frequencies)
    hz = c * 100.0
    return float(np.exp(np.sum(np.log(nu_m * hz)) - np.sum(np.log(np.asarray(real_s) * hz))))


@dataclass(frozen=True)
class PESRate:
    """Rate constant of one activated step from a PES calculation.

    Attributes
    ----------
    T : float or ndarray
        Temperature(s), K.
    barrier : float
        Potential-energy barrier E_saddle - E_min, eV (no zero-point energy).
    prefactor : float
        Vineyard prefactor, s^-1.
    k_vineyard : float or ndarray
        Classical harmonic TST, s^-1.
    k_free_energy : float or ndarray
        kB T / h exp(-(F_saddle - F_min) / kB T) with quantum harmonic free energies
        (zero-point energy included), s^-1.
    dG_act : float or ndarray
        F_saddle - F_min, eV (harmonic Helmholtz energies).
    """

    T: float | np.ndarray
    barrier: float
    prefactor: float
    k_vineyard: float | np.ndarray
    k_free_energy: float | np.ndarray
    dG_act: float | np.ndarray

    def to_dict(self) -> dict:
        """JSON-ready dict (keys T, barrier, prefactor, k, k_free_energy, dG_act)."""
        return {"T": self.T, "barrier": self.barrier, "prefactor": self.prefactor,
                "k": self.k_vineyard, "k_free_energy": self.k_free_energy,
                "dG_act": self.dG_act}


def pes_rate(minimum: VibrationalResult, saddle: VibrationalResult, T: ArrayLike,
             energy_minimum: float | None = None,
             energy_saddle: float | None = None) -> PESRate:
    """Barrier, prefactor and k(T) of a step from the vibrations at a minimum and a saddle.

    Two routes: Vineyard (classical harmonic TST, :func:`harmonic_tst` method 'vineyard') and
    the harmonic free-energy route (quantum oscillators, :class:`HarmonicThermo` then
    :func:`eyring`). They agree in the classical limit; the leading relative difference is
    (sum_saddle x^2 - sum_min x^2) / 24 with x = h nu / kB T.

    Parameters
    ----------
    minimum, saddle : VibrationalResult
        Same free atoms; saddle with exactly one imaginary mode.
    T : float or array
        Temperature, K.
    energy_minimum, energy_saddle : float, optional
        Override the electronic energies, eV (e.g. from a separate relaxation / CI-NEB).
    """
    if tuple(minimum.indices) != tuple(saddle.indices):
        raise InvalidParameterError("saddle.indices", f"the free atoms of the minimum "
                                    f"{list(minimum.indices)}", list(saddle.indices))
    Em = minimum.energy if energy_minimum is None else float(energy_minimum)
    Es = saddle.energy if energy_saddle is None else float(energy_saddle)
    dE = Es - Em
    pref = vineyard_prefactor(minimum, saddle)
    nu_m = [abs(x) for x in minimum.frequencies]
    nu_s = _saddle_real(saddle)
    k_v = harmonic_tst(nu_m, nu_s, dE, T, method="vineyard")
    th_m, th_s = minimum_to_thermo(minimum, Em), saddle_to_thermo(saddle, Es)
    t = np.asarray(T, dtype=float)
    dG = np.asarray(th_s.G(t)) - np.asarray(th_m.G(t))
    k_f = eyring(dG, t)
    dG = float(dG) if np.ndim(dG) == 0 else dG
    _ = kB
    return PESRate(T if np.ndim(T) else float(T), float(dE), pref, k_v, k_f, dG)
