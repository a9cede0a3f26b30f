"""Steady one-dimensional MS diffusion across a film (the Stefan tube), exact solution.

With constant fluxes the MS equations dx_i/dz = sum_j (x_i N_j - x_j N_i) / (c_t D_ij) are
linear in x: dx/dz = A x with A_ii = sum_{j != i} N_j / (c_t D_ij), A_ij = -N_i / (c_t D_ij),
so x(z) = expm(A z) x(0) (Krishna & Standart 1976). The fluxes follow from the composition
at the far end and the bootstrap relation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg, optimize

from ...errors import ConvergenceError, InvalidParameterError
from ._fluxes import check_diffusivities


def _A(N, D, c_t):
    inv = 1.0 / D
    np.fill_diagonal(inv, 0.0)
    A = -(N[:, None] * inv) / c_t
    np.fill_diagonal(A, (inv @ N) / c_t)
    return A


@dataclass(frozen=True)
class FilmSolution:
    """Steady film: fluxes (n,) in mol m^-2 s^-1 and the composition profile.

    Attributes
    ----------
    fluxes : ndarray (n,)
        Molar fluxes N_i in the +z direction, mol m^-2 s^-1.
    length : float
        Film (tube) length, m.
    x0 : ndarray (n,)
        Composition at z = 0.
    c_t : float
        Total concentration, mol m^-3.
    D : ndarray (n, n)
        MS diffusivities, m^2 s^-1.
    """

    fluxes: np.ndarray
    length: float
    x0: np.ndarray
    c_t: float
    D: np.ndarray

    def profile(self, z) -> np.ndarray:
        """Mole fractions (n, len(z)) at positions z (m)."""
        A = _A(self.fluxes, self.D, self.c_t)
        z = np.atleast_1d(np.asarray(z, dtype=float))
        return np.stack([linalg.expm(A * zi) @ self.x0 for zi in z], axis=1)


def film_fluxes(x0, xL, length: float, D, c_t: float, nu) -> FilmSolution:
    """Fluxes across a film of given end compositions (Stefan tube, steady state).

    Parameters
    ----------
    x0, xL : array (n,)
        Mole fractions at z = 0 and z = length (each summing to 1).
    length : float
        Film length, m.
    D : array (n, n)
        MS diffusivities, m^2 s^-1.
    c_t : float
        Total concentration p / (R T), mol m^-3.
    nu : array (n,)
        Bootstrap weights, sum nu_i N_i = 0 (e.g. ``bootstrap("stefan", n, stagnant=k)``).

    Returns
    -------
    FilmSolution
    """
    x0 = np.asarray(x0, float)
    xL = np.asarray(xL, float)
    n = x0.size
    Dm = check_diffusivities(D, n)
    for name, x in (("x0", x0), ("xL", xL)):
        if x.shape != (n,) or abs(x.sum() - 1) > 1e-9 or np.any(x < 0):
            raise InvalidParameterError(name, f"{n} mole fractions >= 0 summing to 1", x)
    if not length > 0:
        raise InvalidParameterError("length", "> 0 m", length)
    if not c_t > 0:
        raise InvalidParameterError("c_t", "> 0 mol/m^3", c_t)
    nu = np.asarray(nu, float)
    # basis of the fluxes allowed by the bootstrap: null space of nu
    P = linalg.null_space(nu[None, :])                     # (n, n-1)
    Dbar = np.mean(Dm[np.isfinite(Dm)])
    guess = P.T @ (c_t * Dbar * (x0 - xL) / length)

    def resid(y):
        N = P @ y
        xe = linalg.expm(_A(N, Dm, c_t) * length) @ x0
        return (xe - xL)[: n - 1] / max(np.max(np.abs(x0 - xL)), 1e-12)

    sol = optimize.root(resid, guess, method="hybr", options={"xtol": 1e-13})
    # the residual decides: at a root found to round-off MINPACK may still report "not making
    # good progress" (scipy >= 1.17 returns success=False there, with |fun| ~ 1e-17)
    if not np.all(np.isfinite(sol.fun)) or np.max(np.abs(sol.fun)) > 1e-9:
        raise ConvergenceError("film fluxes: root finding failed", tried=[sol.message])
    return FilmSolution(P @ sol.x, float(length), x0, float(c_t), Dm)
