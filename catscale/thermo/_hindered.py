"""Hindered translator / hindered rotor adsorbate (Sprowl, Campbell & Arnadottir 2016).

L. H. Sprowl, C. T. Campbell, L. Arnadottir, J. Phys. Chem. C 120, 9719 (2016): the two
modes of motion parallel to the surface are hindered translations in a cosine potential of
barrier W_x over one site of area A, and the rotation about the surface normal is a hindered
rotation of barrier W_r with n equivalent minima. Each hindered mode has a harmonic frequency
nu_t = sqrt(W_x / (2 m A)), nu_r = (1/2 pi) sqrt(n^2 W_r / (2 I)) and, with
T' = kB T / (h nu), r = W / (h nu), the partition function interpolates between a harmonic
oscillator (low T) and a free translator/rotor (high T). The remaining 3N - 3 modes are
harmonic vibrations. These are the formulas ASE's ``HinderedThermo`` implements.

Free 2-D translator. With ``translation='free'`` the two parallel modes are an ideal 2-D gas,
q_2D = A 2 pi m kB T / h^2 per site (U = kB T); ``rotation='free'`` gives a free 1-D rotor,
q_r = sqrt(8 pi^3 I kB T) / (sigma h) (U = kB T / 2).

Limits (tested). As W_x -> 0 the hindered translator tends exactly to the free 2-D
translator over one site. As W_r -> 0 the hindered rotor of Sprowl et al. / ASE tends to
q_free / n, i.e. it counts one of the n wells of a full turn (its low-T limit is q_HO / sigma);
the ``rotation='free'`` rotor here is the textbook full-turn q_free, so the two differ by
kB ln n in S in that limit. Which count is intended for the hindered rotor should be checked
against the paper; ``rotation='hindered'`` reproduces ASE.

Standard state. ``standard_state='site'`` (default) gives the free energy of one adsorbate
per site (coverage 1), the partition function taken over one site area and no
configurational term: this is mu0 in mu = mu0 + kB T ln(theta/(1 - theta)), the convention
of mean-field rate laws in coverages. ``standard_state='campbell'`` adds the concentration
entropy S_c = kB [1 - ln(N0/A * A_site)] of Sprowl et al., the 2-D standard state
N0/A = e^(1/3) (p0 / kB T)^(2/3) with p0 = 1 bar; it reproduces ASE's ``HinderedThermo``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy.special import i0e, i1e

from ..errors import InvalidParameterError
from ..units import amu, angstrom, eV, h_J, invcm, kB, kB_J
from . import _modes
from ._base import P0, ThermoBase, check_int, check_real


def _hindered_terms(W: float, nu: float, T: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(thermal energy above ZPE / kT, entropy / kB) of one hindered mode (Sprowl et al.).

    W in J, nu in Hz. Uses exponentially scaled Bessel functions, so that large barriers
    (W >> kB T) do not overflow: I1(z)/I0(z) = i1e/i0e, ln I0(z) = ln i0e(z) + z.
    """
    Tp = kB_J * T / (h_J * nu)
    r = W / (h_J * nu)
    z = r / (2.0 * Tp)
    ratio = i1e(z) / i0e(z)
    ln_i0 = np.log(i0e(z)) + z
    inv = 1.0 / Tp
    bose = inv / np.expm1(inv)
    u = (-0.5 - 1.0 / (Tp * (2.0 + 16.0 * r)) + z - z * ratio + bose)
    s = (-0.5 + 0.5 * np.log(math.pi * r / Tp) - z * ratio + ln_i0 + bose
         - np.log(-np.expm1(-inv)))
    return u, s


@dataclass(frozen=True)
class HinderedThermo(ThermoBase):
    """Hindered-translator / hindered-rotor thermochemistry of an adsorbate.

    Parameters
    ----------
    energy : float
        Electronic energy, eV.
    frequencies : sequence of float, complex or str
        Wavenumbers of all 3N modes of the adsorbate, cm^-1. The three lowest (by magnitude)
        are the frustrated translations and rotation and are replaced by the hindered modes.
    trans_barrier_energy : float
        Diffusion barrier W_x, eV (> 0 for ``translation='hindered'``; ignored for 'free').
    rot_barrier_energy : float
        Barrier of rotation about the surface normal W_r, eV (> 0 for 'hindered').
    site_density : float
        Surface site density, m^-2 (ASE takes cm^-2: multiply by 1e4). A_site = 1/density.
    rotational_minima : int
        Number of equivalent minima in one full rotation (e.g. 6 on an fcc(111) top site).
    mass : float
        Adsorbate mass, amu.
    inertia : float
        Moment of inertia about the surface normal, amu angstrom^2.
    symmetry : int
        Symmetry number of the adsorbate about the surface normal.
    translation, rotation : {'hindered', 'free'}
        Hindered (Sprowl et al.) or free 2-D translator / free 1-D rotor.
    standard_state : {'site', 'campbell'}
        'site': one adsorbate per site (the coverage convention of rate laws);
        'campbell': Sprowl-Campbell 2-D standard state (as ASE).
    transition_state : bool
        Drop exactly one imaginary mode first.
    low_frequency, low_frequency_cutoff, qrrho_inertia
        Low-frequency treatment of the 3N-3 harmonic modes (see :class:`IdealGasThermo`).
    """

    energy: float
    frequencies: Sequence[float | complex | str]
    trans_barrier_energy: float
    rot_barrier_energy: float
    site_density: float
    rotational_minima: int
    mass: float
    inertia: float
    symmetry: int = 1
    translation: Literal["hindered", "free"] = "hindered"
    rotation: Literal["hindered", "free"] = "hindered"
    standard_state: Literal["site", "campbell"] = "site"
    transition_state: bool = False
    low_frequency: str = "harmonic"
    low_frequency_cutoff: float = 100.0
    qrrho_inertia: float = _modes.GRIMME_INERTIA_AMU_A2
    imaginary_frequency: float | None = field(init=False, default=None)

    is_gas = False

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "energy", check_real(self.energy, "energy", unit="eV"))
        for name, allowed in (("translation", ("hindered", "free")),
                              ("rotation", ("hindered", "free")),
                              ("standard_state", ("site", "campbell"))):
            if getattr(self, name) not in allowed:
                raise InvalidParameterError(name, f"one of {allowed}", getattr(self, name))
        pos_t = self.translation == "hindered"
        pos_r = self.rotation == "hindered"
        set_(self, "trans_barrier_energy", check_real(
            self.trans_barrier_energy, "trans_barrier_energy", positive=pos_t,
            nonnegative=not pos_t, unit="eV"))
        set_(self, "rot_barrier_energy", check_real(
            self.rot_barrier_energy, "rot_barrier_energy", positive=pos_r,
            nonnegative=not pos_r, unit="eV"))
        set_(self, "site_density", check_real(self.site_density, "site_density",
                                              positive=True, unit="m^-2"))
        set_(self, "rotational_minima", check_int(self.rotational_minima,
                                                  "rotational_minima"))
        set_(self, "mass", check_real(self.mass, "mass", positive=True, unit="amu"))
        set_(self, "inertia", check_real(self.inertia, "inertia", positive=True,
                                         unit="amu angstrom^2"))
        set_(self, "symmetry", check_int(self.symmetry, "symmetry"))
        _modes.check_low_frequency(self.low_frequency, self.low_frequency_cutoff)
        check_real(self.qrrho_inertia, "qrrho_inertia", positive=True, unit="amu angstrom^2")
        real, imag = _modes.parse_frequencies(
            self.frequencies, transition_state=self.transition_state, allow_zero=True)
        if len(real) < 3:
            raise InvalidParameterError(
                "frequencies", "all 3N modes (at least 3: the lowest three are replaced by "
                "the hindered translations and rotation)", f"{len(real)} real modes")
        kept = tuple(sorted(real)[3:])
        if self.low_frequency != "raise" and any(f == 0.0 for f in kept):
            raise InvalidParameterError("frequencies", "non-zero vibrational frequencies "
                                        "above the three lowest", kept)
        set_(self, "frequencies", kept)
        set_(self, "imaginary_frequency", imag)

    # -- derived quantities -----------------------------------------------------------------
    @property
    def area(self) -> float:
        """Area of one site, m^2."""
        return 1.0 / self.site_density

    @property
    def nu_translation(self) -> float:
        """Harmonic frequency of a hindered translation, Hz (0 for a free translator)."""
        if self.translation == "free":
            return 0.0
        return math.sqrt(self.trans_barrier_energy * eV / (2.0 * self.mass * amu * self.area))

    @property
    def nu_rotation(self) -> float:
        """Harmonic frequency of the hindered rotation, Hz (0 for a free rotor)."""
        if self.rotation == "free":
            return 0.0
        I_si = self.inertia * amu * angstrom**2
        return math.sqrt(self.rotational_minima**2 * self.rot_barrier_energy * eV
                         / (2.0 * I_si)) / (2.0 * math.pi)

    def _vib_cm(self) -> np.ndarray:
        f = self.frequencies
        if self.low_frequency == "raise":
            f = _modes.raise_low(f, self.low_frequency_cutoff)
        return np.asarray(f, dtype=float)

    # -- hooks ------------------------------------------------------------------------------
    def _zpe(self) -> float:
        z = _modes.zpe(self._vib_cm() * invcm)
        z += 2.0 * 0.5 * h_J * self.nu_translation / eV
        z += 0.5 * h_J * self.nu_rotation / eV
        return z

    def _dU(self, T: np.ndarray) -> np.ndarray:
        kT = kB * T
        u = _modes.thermal_energy(self._vib_cm() * invcm, T)
        if self.translation == "free":
            u = u + kT
        else:
            ut, _ = _hindered_terms(self.trans_barrier_energy * eV, self.nu_translation, T)
            u = u + 2.0 * ut * kT
        if self.rotation == "free":
            u = u + 0.5 * kT
        else:
            ur, _ = _hindered_terms(self.rot_barrier_energy * eV, self.nu_rotation, T)
            u = u + ur * kT
        return u

    def _S(self, T: np.ndarray, p: np.ndarray) -> np.ndarray:
        cm = self._vib_cm()
        if self.low_frequency == "qrrho":
            s = _modes.qrrho_entropy(cm, T, self.low_frequency_cutoff, self.qrrho_inertia)
        else:
            s = _modes.entropy(cm * invcm, T)
        if self.translation == "free":
            q2d = self.area * 2.0 * math.pi * self.mass * amu * kB_J * T / h_J**2
            s = s + kB * (np.log(q2d) + 1.0)
        else:
            _, st = _hindered_terms(self.trans_barrier_energy * eV, self.nu_translation, T)
            s = s + 2.0 * kB * st
        if self.rotation == "free":
            I_si = self.inertia * amu * angstrom**2
            qr = np.sqrt(8.0 * math.pi**3 * I_si * kB_J * T) / (self.symmetry * h_J)
            s = s + kB * (np.log(qr) + 0.5)
        else:
            _, sr = _hindered_terms(self.rot_barrier_energy * eV, self.nu_rotation, T)
            s = s + kB * (sr - math.log(self.symmetry))
        if self.standard_state == "campbell":
            n_over_a = math.exp(1.0 / 3.0) * (P0 / (kB_J * T)) ** (2.0 / 3.0)
            s = s + kB * (1.0 - np.log(n_over_a * self.area))
        return s

    def _Cv(self, T: np.ndarray) -> np.ndarray:
        # Central difference of the analytic U(T); relative step 1e-4 gives a truncation
        # error ~1e-9 relative, far below the model's own accuracy.
        d = 1e-4 * T
        return (self._dU(T + d) - self._dU(T - d)) / (2.0 * d)
