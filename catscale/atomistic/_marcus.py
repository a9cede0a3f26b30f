"""Non-adiabatic electron transfer: Marcus rate, Marcus-Hush-Chidsey electrode kinetics and the
Butler-Volmer limit.

Energies in eV, overpotentials in V (an overpotential eta corresponds to the energy e*eta in
eV), temperatures in K, rates in s^-1 (or in the unit of a given prefactor).

Sign convention of electrode kinetics: eta = E - E0 > 0 drives oxidation
(``direction="ox"``), eta < 0 drives reduction (``direction="red"``); k_ox/k_red = exp(e eta/kT).
"""

from __future__ import annotations

import numpy as np
from scipy import integrate, special

from ..errors import InvalidParameterError
from ..units import hbar, kB


def _check_T(T: float) -> float:
    T = float(T)
    if not (np.isfinite(T) and T > 0):
        raise InvalidParameterError("T", "> 0 K", T)
    return T


def _check_lambda(lam: float) -> float:
    lam = float(lam)
    if not (np.isfinite(lam) and lam > 0):
        raise InvalidParameterError("reorganization", "> 0 eV", lam)
    return lam


def _sign(direction: str) -> float:
    if direction not in ("ox", "red"):
        raise InvalidParameterError("direction", "'ox' or 'red'", direction)
    return 1.0 if direction == "ox" else -1.0


def marcus_rate(dG: float | np.ndarray, reorganization: float, coupling: float,
                T: float) -> float | np.ndarray:
    """Non-adiabatic (golden-rule) Marcus electron-transfer rate constant.

    k = (2 pi / hbar) |H_AB|^2 (4 pi lambda kT)^(-1/2) exp(-(dG + lambda)^2 / (4 lambda kT))
    (Marcus, J. Chem. Phys. 24, 966 (1956); Marcus & Sutin, BBA 811, 265 (1985)).

    Parameters
    ----------
    dG : float or ndarray
        Reaction free energy, eV.
    reorganization : float
        Reorganization energy lambda, eV (> 0).
    coupling : float
        Electronic coupling H_AB, eV.
    T : float
        Temperature, K.

    Returns
    -------
    float or ndarray
        Rate constant, s^-1.
    """
    lam, T = _check_lambda(reorganization), _check_T(T)
    kT = kB * T
    dG = np.asarray(dG, dtype=float)
    k = (2 * np.pi / hbar) * float(coupling) ** 2 / np.sqrt(4 * np.pi * lam * kT) \
        * np.exp(-((dG + lam) ** 2) / (4 * lam * kT))
    return float(k) if k.ndim == 0 else k


def _mhc_dimensionless(lam: float, eta: float, sign: float) -> float:
    """Zeng et al. integral I = int exp(-(x - lam + s eta)^2 / (4 lam)) / (1 + e^x) dx."""
    x0 = lam - sign * eta                      # centre of the Gaussian
    width = 2.0 * np.sqrt(lam)                 # exp(-(x-x0)^2 / width^2)
    # the product peaks between x0 and the Fermi edge; integrate a window covering both
    lo = min(x0 - 12 * width, -40.0)
    hi = x0 + 12 * width
    pts = sorted({float(np.clip(v, lo, hi)) for v in (x0, 0.0, x0 - 2 * lam)})

    def f(x: float) -> float:
        return np.exp(-((x - x0) ** 2) / (4 * lam)) * special.expit(-x)

    val, _ = integrate.quad(f, lo, hi, points=pts, epsabs=0.0, epsrel=1e-11, limit=400)
    return float(val)


def mhc_rate(eta: float | np.ndarray, reorganization: float, T: float, direction: str = "red",
             prefactor: float = 1.0) -> float | np.ndarray:
    """Marcus-Hush-Chidsey electrode rate constant by numerical integration (the reference).

    k(eta) = A int d(eps) exp(-(eps - lambda -/+ e eta)^2 / (4 lambda kT)) f(eps)
    (Chidsey, Science 251, 919 (1991)), with f the Fermi function of the electrode and the
    electrode density of states folded into A. The integral runs over electron energies eps
    relative to the Fermi level (eV).

    Parameters
    ----------
    eta : float or ndarray
        Overpotential, V.
    reorganization : float
        Reorganization energy lambda, eV.
    T : float
        Temperature, K.
    direction : {"red", "ox"}
        Reduction (favoured by eta < 0) or oxidation (favoured by eta > 0).
    prefactor : float
        A, rate per unit energy (e.g. s^-1 eV^-1); the result has unit A * eV.

    Returns
    -------
    float or ndarray
        Rate constant in the unit of ``prefactor`` times eV.
    """
    lam, T = _check_lambda(reorganization), _check_T(T)
    s = _sign(direction)
    kT = kB * T
    eta_arr = np.asarray(eta, dtype=float)
    out = np.array([_mhc_dimensionless(lam / kT, e / kT, s) for e in eta_arr.reshape(-1)])
    out = float(prefactor) * kT * out.reshape(eta_arr.shape)
    return float(out) if out.ndim == 0 else out


def mhc_rate_closed_form(eta: float | np.ndarray, reorganization: float, T: float,
                         direction: str = "red",
                         prefactor: float = 1.0) -> float | np.ndarray:
    """Closed-form approximation of the MHC rate (Zeng, Smith, Bai & Bazant, J. Electroanal.
    Chem. 735, 77 (2014), eq. 17).

    In units of kT (lambda~ = lambda/kT, eta~ = e eta/kT):
    k = A kT sqrt(pi lambda~) / (1 + exp(-/+ eta~)) erfc((lambda~ - sqrt(1 + sqrt(lambda~)
    + eta~^2)) / (2 sqrt(lambda~))), with the factor kT restoring the energy integral of
    :func:`mhc_rate`. Documented accuracy: within about 5 % of the integral for lambda ~ 8-16 kT
    (measured in tests/atomistic/test_marcus.py: max relative error 4.4 % over lambda~ in
    [8, 16], |eta~| <= 20); larger errors outside that range. Same parameters and units as
    :func:`mhc_rate`.
    """
    lam, T = _check_lambda(reorganization), _check_T(T)
    s = _sign(direction)
    kT = kB * T
    L = lam / kT
    et = np.asarray(eta, dtype=float) / kT
    arg = (L - np.sqrt(1.0 + np.sqrt(L) + et**2)) / (2.0 * np.sqrt(L))
    k = float(prefactor) * kT * np.sqrt(np.pi * L) * special.expit(s * et) * special.erfc(arg)
    return float(k) if np.ndim(k) == 0 else k


def butler_volmer_rate(eta: float | np.ndarray, k0: float, T: float, direction: str = "red",
                       alpha: float = 0.5) -> float | np.ndarray:
    """Butler-Volmer rate constant.

    k_ox = k0 exp((1 - alpha) e eta / kT), k_red = k0 exp(-alpha e eta / kT).
    Marcus and MHC reduce to it with alpha = 1/2 for |e eta| << lambda (tested).

    Parameters
    ----------
    eta : float or ndarray
        Overpotential, V.
    k0 : float
        Rate constant at eta = 0 (any unit; the result has the same unit).
    T : float
        Temperature, K.
    direction : {"red", "ox"}
    alpha : float
        Cathodic transfer coefficient, in (0, 1).
    """
    T = _check_T(T)
    if not 0 < alpha < 1:
        raise InvalidParameterError("alpha", "in (0, 1)", alpha)
    s = _sign(direction)
    f = np.asarray(eta, dtype=float) / (kB * T)
    k = float(k0) * (np.exp((1 - alpha) * f) if s > 0 else np.exp(-alpha * f))
    return float(k) if np.ndim(k) == 0 else k


def butler_volmer_current(eta: float | np.ndarray, i0: float, T: float,
                          alpha: float = 0.5) -> float | np.ndarray:
    """Net Butler-Volmer current density i = i0 [exp((1-alpha) f eta) - exp(-alpha f eta)].

    Parameters: eta in V, i0 exchange current density (any unit, e.g. A/m^2), T in K.
    Returns the current in the unit of ``i0`` (anodic positive).
    """
    return butler_volmer_rate(eta, i0, T, "ox", alpha) - butler_volmer_rate(eta, i0, T, "red",
                                                                           alpha)
