"""Thermodynamic factor Phi = d(mu/kT)/d ln(theta) of a lattice gas with nearest-neighbour
pair interaction, in three closures.

Hamiltonian: H = eps * sum_<ij> n_i n_j - mu * sum_i n_i, n_i in {0, 1}; eps < 0 is
attractive (condensation, islands), eps > 0 repulsive. ``mu`` is measured from the energy of
an isolated adsorbate. Closures (Hill, *Statistical Thermodynamics*, ch. 7 and 14; Fowler &
Guggenheim, *Statistical Thermodynamics* (1939), ch. X):

* Langmuir (eps ignored): beta mu = ln(theta / (1 - theta)); Phi = 1 / (1 - theta).
* Bragg-Williams (random mixing): beta mu = ln(theta / (1 - theta)) + z beta eps theta;
  Phi = 1 / (1 - theta) + z beta eps theta. Critical point theta = 1/2,
  kTc = z |eps| / 4 (= |eps| on the square lattice).
* Quasi-chemical (Bethe-Guggenheim pair approximation):
  beta mu = ln(theta / (1 - theta)) + z beta eps / 2
            + (z/2) ln[(B - 1 + 2 theta)(1 - theta) / ((B + 1 - 2 theta) theta)],
  B = sqrt(1 - 4 theta (1 - theta) (1 - exp(-beta eps))).
  At theta = 1/2, Phi = 2 + z (1/B - 1) and B = exp(-beta eps / 2), so Phi = 0 at
  kTc = |eps| / (2 ln(z / (z - 2))): 1/(2 ln 2) = 0.7213 |eps| (square), 1/(2 ln 1.5) =
  1.2332 |eps| (hexagonal). The pair approximation is exact on a chain (z = 2), which the
  tests use. Exact 2-D values for comparison: Onsager 1/(2 ln(1 + sqrt 2)) = 0.5673 |eps|
  (square), 1/ln 3 = 0.9102 |eps| (triangular).

The single-sublattice closures describe condensation (eps < 0). For repulsion they give a
positive Phi at every coverage and miss the c(2x2) / (sqrt3 x sqrt3) ordering transitions.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import InvalidParameterError
from ..units import kB
from ._lattice import coordination

CLOSURES = ("langmuir", "bragg_williams", "quasi_chemical")


def _check(theta: ArrayLike, T: float, closure: str) -> NDArray[np.float64]:
    if closure not in CLOSURES:
        raise InvalidParameterError("closure", f"one of {list(CLOSURES)}", closure)
    if not (np.isfinite(T) and T > 0):
        raise InvalidParameterError("T", "> 0 K", T)
    th = np.asarray(theta, dtype=float)
    if np.any(~np.isfinite(th)) or np.any((th <= 0) | (th >= 1)):
        raise InvalidParameterError("theta", "coverages strictly between 0 and 1", theta)
    return th


def _qc_B(th: NDArray[np.float64], beps: float) -> NDArray[np.float64]:
    return np.sqrt(1.0 - 4.0 * th * (1.0 - th) * (-np.expm1(-beps)))


def _qc_bmu(th: NDArray[np.float64], beps: float, z: float) -> NDArray[np.float64]:
    """Quasi-chemical beta*mu for coordination z (z = 2 is the exact chain result)."""
    B = _qc_B(th, beps)
    return (np.log(th) - np.log1p(-th)
            + 0.5 * z * (np.log(B - 1.0 + 2.0 * th) + np.log1p(-th)
                         - np.log(B + 1.0 - 2.0 * th) - np.log(th))
            + 0.5 * z * beps)


def _qc_phi(th: NDArray[np.float64], beps: float, z: float) -> NDArray[np.float64]:
    """Quasi-chemical Phi = theta d(beta mu)/d theta for coordination z (analytic)."""
    B = _qc_B(th, beps)
    dB = -2.0 * (-np.expm1(-beps)) * (1.0 - 2.0 * th) / B
    dg = ((dB + 2.0) / (B - 1.0 + 2.0 * th) - 1.0 / (1.0 - th)
          - (dB - 2.0) / (B + 1.0 - 2.0 * th) - 1.0 / th)
    return 1.0 / (1.0 - th) + 0.5 * z * th * dg


def chemical_potential(theta: ArrayLike, eps: float, T: float, lattice: str = "square",
                       closure: str = "quasi_chemical") -> NDArray[np.float64]:
    """Chemical potential mu(theta) of the lattice gas.

    Parameters
    ----------
    theta : array_like
        Coverage(s), 0 < theta < 1 (adsorbates per site).
    eps : float
        Nearest-neighbour pair energy, eV (< 0 attractive).
    T : float
        Temperature, K.
    lattice : str
        A registered lattice of one site kind (:data:`catscale.lattices.LATTICES`).
        z = 4 on 'square', 6 on 'hexagonal' (= 'triangular'), 3 on 'honeycomb'.
    closure : {'langmuir', 'bragg_williams', 'quasi_chemical'}

    Returns
    -------
    ndarray
        mu in eV, relative to the energy of an isolated adsorbate (the value of mu for which
        an empty lattice would be half covered without interactions is 0).
    """
    th = _check(theta, T, closure)
    kT = kB * T
    z = coordination(lattice)
    bmu = np.log(th) - np.log1p(-th)
    if closure == "bragg_williams":
        bmu = bmu + z * (eps / kT) * th
    elif closure == "quasi_chemical":
        bmu = _qc_bmu(th, eps / kT, z)
    return bmu * kT


def thermodynamic_factor(theta: ArrayLike, eps: float, T: float, lattice: str = "square",
                         closure: str = "quasi_chemical") -> NDArray[np.float64]:
    """Thermodynamic factor Phi = d(mu/kT) / d ln(theta) (dimensionless).

    Parameters
    ----------
    theta : array_like
        Coverage(s), 0 < theta < 1.
    eps : float
        Nearest-neighbour pair energy, eV (< 0 attractive).
    T : float
        Temperature, K.
    lattice : str
        A registered lattice of one site kind (:data:`catscale.lattices.LATTICES`).
        z = 4 on 'square', 6 on 'hexagonal' (= 'triangular'), 3 on 'honeycomb'.
    closure : {'langmuir', 'bragg_williams', 'quasi_chemical'}

    Returns
    -------
    ndarray
        Phi (dimensionless); Phi < 0 inside the spinodal. Langmuir: 1/(1 - theta).
    """
    th = _check(theta, T, closure)
    beps = eps / (kB * T)
    z = coordination(lattice)
    lang = 1.0 / (1.0 - th)
    if closure == "langmuir":
        return lang
    if closure == "bragg_williams":
        return lang + z * beps * th
    return _qc_phi(th, beps, z)


def critical_temperature(eps: float, lattice: str = "square",
                         closure: str = "quasi_chemical") -> float:
    """Critical temperature of condensation (theta = 1/2) in a closure.

    Parameters
    ----------
    eps : float
        Nearest-neighbour pair energy, eV; must be < 0 (attractive).
    lattice : str
        A registered lattice of one site kind (:data:`catscale.lattices.LATTICES`).
        z = 4 on 'square', 6 on 'hexagonal' (= 'triangular'), 3 on 'honeycomb'.
    closure : {'bragg_williams', 'quasi_chemical'}

    Returns
    -------
    float
        Tc in K: z |eps| / (4 kB) (Bragg-Williams) or |eps| / (2 kB ln(z/(z-2)))
        (quasi-chemical).
    """
    if not (np.isfinite(eps) and eps < 0):
        raise InvalidParameterError(
            "eps", "< 0 eV (attractive pairs condense; these closures have no repulsive "
            "ordering transition)", eps)
    z = coordination(lattice)
    if closure == "bragg_williams":
        return z * abs(eps) / (4.0 * kB)
    if closure == "quasi_chemical":
        return abs(eps) / (2.0 * kB * np.log(z / (z - 2.0)))
    raise InvalidParameterError("closure", "'bragg_williams' or 'quasi_chemical'", closure)


def spinodal(eps: float, T: float, lattice: str = "square",
             closure: str = "quasi_chemical") -> tuple[float, float] | None:
    """Spinodal coverages, where Phi (hence D_c) changes sign.

    Parameters
    ----------
    eps : float
        Nearest-neighbour pair energy, eV.
    T : float
        Temperature, K.
    lattice : str
        A registered lattice of one site kind (:data:`catscale.lattices.LATTICES`).
        z = 4 on 'square', 6 on 'hexagonal' (= 'triangular'), 3 on 'honeycomb'.
    closure : {'langmuir', 'bragg_williams', 'quasi_chemical'}

    Returns
    -------
    (theta_low, theta_high) or None
        Phi < 0 (uphill diffusion) for theta_low < theta < theta_high; None when the uniform
        layer is stable at every coverage (T >= Tc, eps >= 0, or the Langmuir closure).
    """
    from scipy.optimize import brentq

    _check(0.5, T, closure)
    if closure == "langmuir" or eps >= 0:
        return None
    if T >= critical_temperature(eps, lattice, closure):
        return None
    if closure == "bragg_williams":
        r = np.sqrt(1.0 - 4.0 * kB * T / (coordination(lattice) * abs(eps)))
        return 0.5 * (1.0 - r), 0.5 * (1.0 + r)

    def f(t: float) -> float:
        return float(thermodynamic_factor(t, eps, T, lattice, closure))

    lo = brentq(f, 1e-12, 0.5, xtol=1e-14)
    return lo, 1.0 - lo  # particle-hole symmetry of the nearest-neighbour lattice gas
