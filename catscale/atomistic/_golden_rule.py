"""Fermi golden rule into a continuum, Newns-Anderson chemisorption densities of states and
the vibrational damping of adsorbates by electron-hole pairs.

Energies in eV (relative to the Fermi level where stated), densities of states in eV^-1,
masses in amu, displacements in Angstrom, rates in s^-1, temperatures in K.
"""

from __future__ import annotations

import numpy as np
from scipy import integrate, special

from ..errors import InvalidParameterError
from ..units import amu, e, hbar, kB

_ANG = 1.0e-10


def golden_rule_rate(coupling: float | np.ndarray,
                     density_of_states: float | np.ndarray) -> float | np.ndarray:
    """Fermi golden rule: Gamma = (2 pi / hbar) |V|^2 rho(E_i).

    Parameters
    ----------
    coupling : float or ndarray
        Matrix element V between the initial state and the continuum, eV.
    density_of_states : float or ndarray
        Density of final states at the initial energy, eV^-1.

    Returns
    -------
    float or ndarray
        Transition rate, s^-1.
    """
    rho = np.asarray(density_of_states, dtype=float)
    if np.any(rho < 0):
        raise InvalidParameterError("density_of_states", ">= 0 eV^-1", density_of_states)
    out = 2 * np.pi / hbar * np.abs(np.asarray(coupling, dtype=float)) ** 2 * rho
    return float(out) if out.ndim == 0 else out


def semielliptic_hybridization(energy: np.ndarray | float, coupling: float,
                               band_center: float, band_halfwidth: float
                               ) -> tuple[np.ndarray, np.ndarray]:
    """Chemisorption functions Delta(eps), Lambda(eps) of a semi-elliptic metal band.

    The band rho_m(eps) = 2 / (pi W^2) sqrt(W^2 - (eps - eps_d)^2) (normalized to one state),
    Delta = pi V^2 rho_m and Lambda its Hilbert transform (Newns, Phys. Rev. 178, 1123 (1969)):
    Lambda = (2 V^2 / W^2) (x - sign(x) sqrt(x^2 - W^2)) outside, (2 V^2 / W^2) x inside.

    Parameters
    ----------
    energy : float or ndarray
        eps, eV.
    coupling : float
        Adsorbate-band coupling V, eV.
    band_center, band_halfwidth : float
        eps_d and W, eV (W > 0).

    Returns
    -------
    (Delta, Lambda) : tuple of ndarray, eV.
    """
    W = float(band_halfwidth)
    if not W > 0:
        raise InvalidParameterError("band_halfwidth", "> 0 eV", band_halfwidth)
    x = np.asarray(energy, dtype=float) - band_center
    pref = 2.0 * coupling**2 / W**2
    inside = np.abs(x) < W
    delta = np.where(inside, pref * np.sqrt(np.clip(W**2 - x**2, 0, None)), 0.0)
    lam = np.where(inside, pref * x,
                   pref * (x - np.sign(x) * np.sqrt(np.clip(x**2 - W**2, 0, None))))
    return delta, lam


def newns_anderson_dos(energy: np.ndarray | float, adsorbate_level: float, coupling: float,
                       band_center: float | None = None,
                       band_halfwidth: float | None = None) -> np.ndarray:
    """Projected density of states of an adsorbate level (Newns-Anderson model).

    rho_a(eps) = (1/pi) Delta(eps) / ((eps - eps_a - Lambda(eps))^2 + Delta(eps)^2).
    With ``band_halfwidth=None`` the wide-band limit is used: Delta = constant = ``coupling``
    interpreted as the half width Delta (eV) and Lambda = 0 (a Lorentzian).
    Localized split-off states outside a finite band (delta peaks) are not included.

    Parameters
    ----------
    energy : float or ndarray
        eV.
    adsorbate_level : float
        eps_a, eV.
    coupling : float
        V (eV) for a semi-elliptic band, or Delta (eV) in the wide-band limit.
    band_center, band_halfwidth : float, optional
        Semi-elliptic band centre and half width, eV.

    Returns
    -------
    ndarray
        rho_a, eV^-1.
    """
    eps = np.asarray(energy, dtype=float)
    if band_halfwidth is None:
        D = float(coupling)
        if not D > 0:
            raise InvalidParameterError("coupling", "> 0 eV (wide-band Delta)", coupling)
        return D / np.pi / ((eps - adsorbate_level) ** 2 + D**2)
    delta, lam = semielliptic_hybridization(eps, coupling, band_center or 0.0, band_halfwidth)
    den = (eps - adsorbate_level - lam) ** 2 + delta**2
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(delta > 0, delta / np.pi / np.where(den > 0, den, 1.0), 0.0)


def eh_pair_damping_rate(level_slope: float, mass: float, frequency: float, T: float,
                         dos=None, adsorbate_level: float = 0.0, width: float = 0.5,
                         spin_degeneracy: int = 2) -> float:
    """Vibrational damping rate of an adsorbate by electron-hole pair excitation (golden rule).

    A resonance level eps_a(Q) shifts linearly with the vibrational coordinate Q; the
    coupling (d eps_a / dQ) Q n_a excites electron-hole pairs. The golden-rule rate of
    1 -> 0 de-excitation minus 0 -> 1 excitation (the energy damping rate 1/T1) is

        Gamma = (2 pi / hbar) (d eps_a/dQ)^2 (hbar / 2 m omega) g_s
                int d eps rho_a(eps) rho_a(eps + hbar omega) [f(eps) - f(eps + hbar omega)],

    which for kT, hbar omega << width reduces to Persson & Persson, Solid State Commun. 36, 175
    (1980): Gamma = pi hbar g_s (d eps_a/dQ)^2 rho_a(E_F)^2 / m.

    Parameters
    ----------
    level_slope : float
        d eps_a / dQ, eV/Angstrom.
    mass : float
        Mass of the vibrational mode, amu.
    frequency : float
        Vibrational wavenumber, cm^-1.
    T : float
        Electronic temperature, K (> 0).
    dos : callable, optional
        rho_a(eps) in eV^-1 with eps relative to E_F (eV); default the wide-band Lorentzian
        centred at ``adsorbate_level`` with half width ``width`` (eV).
    spin_degeneracy : int
        g_s (2 for a spin-degenerate level).

    Returns
    -------
    float
        Damping rate, s^-1 (vibrational lifetime is its inverse).
    """
    from ..units import invcm

    if not (np.isfinite(T) and T > 0):
        raise InvalidParameterError("T", "> 0 K", T)
    if not mass > 0:
        raise InvalidParameterError("mass", "> 0 amu", mass)
    if not frequency > 0:
        raise InvalidParameterError("frequency", "> 0 cm^-1", frequency)
    if dos is None:
        def dos(x):
            return newns_anderson_dos(x, adsorbate_level, width)
    hw = frequency * invcm
    kT = kB * T

    def f(x):
        return special.expit(-x / kT)

    def integrand(x):
        return dos(x) * dos(x + hw) * (f(x) - f(x + hw))

    lo, hi = -hw - 40 * kT, 40 * kT
    val, _ = integrate.quad(integrand, lo, hi, points=[-hw, 0.0], epsrel=1e-10, limit=200)
    m = mass * amu
    omega = hw / hbar
    slope_J_per_m = level_slope * e / _ANG     # J/m
    # (2 pi / hbar) |dE/dQ|^2 <1|Q|0>^2 g_s * integral, in SI: J^2/m^2 * m^2 * eV^-2 * eV
    matrix = slope_J_per_m**2 * (hbar * e) / (2 * m * omega)     # J^2
    integral = val / e                                            # eV^-2 * eV = 1/eV -> 1/J
    return float(2 * np.pi / (hbar * e) * matrix * spin_degeneracy * integral)


def persson_damping_rate(level_slope: float, mass: float, dos_at_fermi: float,
                         spin_degeneracy: int = 2) -> float:
    """Low-temperature, low-frequency limit Gamma = pi hbar g_s (d eps_a/dQ)^2 rho_a(E_F)^2 / m.

    Parameters: level_slope eV/Angstrom, mass amu, dos_at_fermi eV^-1. Returns s^-1.
    """
    m = mass * amu
    slope = level_slope * e / _ANG           # J/m
    rho = dos_at_fermi / e                    # 1/J
    return float(np.pi * (hbar * e) * spin_degeneracy * slope**2 * rho**2 / m)
