"""Normal modes: parsing of frequency lists and the harmonic-oscillator functions.

Frequencies enter the API as wavenumbers in cm^-1. An imaginary mode may be written as a
negative number (``-1218``), a complex number (``1218j``) or a string (``"1218i"``). The
quantum harmonic oscillator of energy quantum eps = h c nu gives, per mode (x = eps / kB T):

* zero-point energy eps / 2,
* thermal energy eps / (e^x - 1),
* entropy kB [x / (e^x - 1) - ln(1 - e^-x)],
* heat capacity kB x^2 e^x / (e^x - 1)^2.

Low-frequency modes (frustrated translations and rotations) are where the harmonic
approximation fails worst: their entropy diverges as nu -> 0. Two standard remedies are
offered: raising every frequency below a cutoff to the cutoff, and Grimme's quasi-RRHO
interpolation of the entropy (S. Grimme, Chem. Eur. J. 18, 9955 (2012)) between the harmonic
oscillator and a free rotor of the same frequency.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Literal

import numpy as np

from ..errors import InvalidParameterError
from ..units import amu, angstrom, c, h_J, invcm, kB, kB_J

LowFrequency = Literal["harmonic", "raise", "qrrho"]
LOW_FREQUENCY_OPTIONS: tuple[str, ...] = ("harmonic", "raise", "qrrho")

#: Grimme's average moment of inertia B_av = 1e-44 kg m^2, expressed in amu angstrom^2.
GRIMME_INERTIA_AMU_A2: float = 1.0e-44 / (amu * angstrom**2)


def _one_frequency(value: object, name: str, i: int) -> tuple[float, bool]:
    """Return (magnitude in cm^-1, is_imaginary) of one frequency entry."""
    where = f"{name}[{i}]"
    if isinstance(value, bool):
        raise InvalidParameterError(where, "a frequency in cm^-1", value)
    if isinstance(value, str):
        text = value.strip().replace(" ", "")
        imag = text.endswith(("i", "j", "I", "J"))
        core = text[:-1] if imag else text
        try:
            mag = float(core)
        except ValueError:
            raise InvalidParameterError(
                where, "a number in cm^-1, or '<number>i' for an imaginary mode", value
            ) from None
        if imag:
            return abs(mag), True
        return abs(mag), mag < 0
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        z = complex(value)
        if z.imag != 0.0 and z.real != 0.0:
            raise InvalidParameterError(
                where, "a purely real or purely imaginary frequency in cm^-1", value)
        if z.imag != 0.0:
            return abs(z.imag), True
        return abs(z.real), z.real < 0
    if isinstance(value, numbers.Real):
        v = float(value)
        if not math.isfinite(v):
            raise InvalidParameterError(where, "a finite frequency in cm^-1", value)
        return abs(v), v < 0
    raise InvalidParameterError(where, "a frequency in cm^-1 (number, complex or '123i')",
                                value)


def parse_frequencies(
    frequencies: Iterable[object] | None,
    *,
    transition_state: bool = False,
    allow_zero: bool = False,
    name: str = "frequencies",
) -> tuple[tuple[float, ...], float | None]:
    """Split a frequency list into real modes and (for a saddle point) the imaginary one.

    Parameters
    ----------
    frequencies : iterable of float, complex or str, or None
        Wavenumbers in cm^-1. Imaginary modes: negative numbers, complex numbers with a
        non-zero imaginary part, or strings ending in ``i``.
    transition_state : bool
        If True, exactly one imaginary mode must be present and is removed (it is the
        reaction coordinate). If False, any imaginary mode is an error.
    allow_zero : bool
        Accept zero frequencies (only meaningful when they are raised to a cutoff later).
    name : str
        Parameter name used in error messages.

    Returns
    -------
    real : tuple of float
        The real frequencies in cm^-1, in input order.
    imaginary : float or None
        Magnitude (cm^-1) of the removed imaginary mode, None for a minimum.

    Raises
    ------
    InvalidParameterError
        Unparseable entries, imaginary modes in a minimum, not exactly one imaginary mode in a
        transition state, or zero frequencies.
    """
    if frequencies is None:
        items: list[object] = []
    elif isinstance(frequencies, (str, bytes)):
        raise InvalidParameterError(name, "a list of frequencies in cm^-1", frequencies)
    else:
        items = list(np.asarray(frequencies, dtype=object).ravel()) if isinstance(
            frequencies, np.ndarray) else list(frequencies)
    real: list[float] = []
    imag: list[float] = []
    for i, v in enumerate(items):
        mag, is_imag = _one_frequency(v, name, i)
        if is_imag:
            imag.append(mag)
        else:
            if mag == 0.0 and not allow_zero:
                raise InvalidParameterError(
                    f"{name}[{i}]",
                    "a non-zero frequency in cm^-1 (remove translations/rotations, or use "
                    "low_frequency='raise')",
                    v,
                )
            real.append(mag)
    if transition_state:
        if len(imag) != 1:
            raise InvalidParameterError(
                name, "exactly one imaginary mode for a transition state",
                f"{len(imag)} imaginary modes {imag}")
        return tuple(real), imag[0]
    if imag:
        raise InvalidParameterError(
            name,
            "real frequencies only (pass transition_state=True for a saddle point with one "
            "imaginary mode)",
            f"imaginary modes {imag} cm^-1",
        )
    return tuple(real), None


def check_low_frequency(option: str, cutoff: float) -> None:
    """Validate a low-frequency treatment and its cutoff (cm^-1)."""
    if option not in LOW_FREQUENCY_OPTIONS:
        raise InvalidParameterError("low_frequency", f"one of {LOW_FREQUENCY_OPTIONS}", option)
    if not (isinstance(cutoff, numbers.Real) and math.isfinite(cutoff) and cutoff >= 0):
        raise InvalidParameterError("low_frequency_cutoff", ">= 0 cm^-1 (finite)", cutoff)


def raise_low(frequencies: tuple[float, ...], cutoff: float) -> tuple[float, ...]:
    """Raise every frequency below ``cutoff`` (cm^-1) to ``cutoff``."""
    return tuple(max(f, cutoff) for f in frequencies)


# ---- vectorised harmonic-oscillator sums --------------------------------------------------
# eps: energies in eV, shape (n,); T: temperatures in K, any shape. Results have T's shape.


def _x(eps: np.ndarray, T: np.ndarray) -> np.ndarray:
    return np.multiply.outer(eps, 1.0 / (kB * T))


def zpe(eps: np.ndarray) -> float:
    """Zero-point energy sum(eps)/2 in eV."""
    return 0.5 * float(np.sum(eps))


def thermal_energy(eps: np.ndarray, T: np.ndarray) -> np.ndarray:
    """sum_i eps_i / (exp(eps_i/kT) - 1) in eV (energy above the zero-point level)."""
    if eps.size == 0:
        return np.zeros_like(T)
    with np.errstate(over="ignore"):
        x = _x(eps, T)
        return np.sum(eps.reshape((-1,) + (1,) * T.ndim) / np.expm1(x), axis=0)


def entropy(eps: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Harmonic vibrational entropy in eV/K."""
    if eps.size == 0:
        return np.zeros_like(T)
    with np.errstate(over="ignore"):
        x = _x(eps, T)
        s = x / np.expm1(x) - np.log(-np.expm1(-x))
    return kB * np.sum(s, axis=0)


def entropy_modes(eps: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Per-mode harmonic entropy in eV/K, shape (n,) + T.shape."""
    with np.errstate(over="ignore"):
        x = _x(eps, T)
        return kB * (x / np.expm1(x) - np.log(-np.expm1(-x)))


def heat_capacity(eps: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Harmonic heat capacity sum_i kB x^2 e^-x / (1 - e^-x)^2 in eV/K."""
    if eps.size == 0:
        return np.zeros_like(T)
    x = _x(eps, T)
    em = np.exp(-x)
    return kB * np.sum(x * x * em / np.expm1(-x) ** 2, axis=0)


def qrrho_entropy(frequencies_cm: np.ndarray, T: np.ndarray, cutoff: float,
                  inertia_amu_a2: float, alpha: float = 4.0) -> np.ndarray:
    """Grimme's quasi-RRHO entropy, summed over modes, in eV/K.

    S = sum_i w_i S_V,i + (1 - w_i) S_R,i with the Head-Gordon damping
    w = 1 / (1 + (nu_0 / nu)^alpha), alpha = 4, and the free-rotor entropy
    S_R = kB [1/2 + ln sqrt(8 pi^3 mu' kB T / h^2)], mu' = mu B_av / (mu + B_av),
    mu = h / (8 pi^2 c nu) (Grimme, Chem. Eur. J. 18, 9955 (2012), eqs. 4-8).

    Parameters
    ----------
    frequencies_cm : ndarray
        Real frequencies in cm^-1.
    T : ndarray
        Temperatures in K.
    cutoff : float
        nu_0 in cm^-1 (Grimme uses 100 cm^-1).
    inertia_amu_a2 : float
        B_av in amu angstrom^2 (Grimme: 1e-44 kg m^2).
    alpha : float
        Damping exponent (4 in Grimme 2012).
    """
    if frequencies_cm.size == 0:
        return np.zeros_like(T)
    eps = frequencies_cm * invcm
    s_v = entropy_modes(eps, T)
    nu_hz = c * 100.0 * frequencies_cm
    mu = h_J / (8.0 * math.pi**2 * nu_hz)
    b_av = inertia_amu_a2 * amu * angstrom**2
    mu_p = mu * b_av / (mu + b_av)
    shape = (-1,) + (1,) * T.ndim
    arg = 8.0 * math.pi**3 * mu_p.reshape(shape) * kB_J * T / h_J**2
    s_r = kB * (0.5 + 0.5 * np.log(arg))
    if cutoff == 0.0:
        w = np.ones_like(frequencies_cm)
    else:
        w = 1.0 / (1.0 + (cutoff / frequencies_cm) ** alpha)
    w = w.reshape(shape)
    return np.sum(w * s_v + (1.0 - w) * s_r, axis=0)
