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

Numerics: the quasi-chemical formulas are evaluated in log space in a cancellation-free
rearrangement (B^2 = (1 - 2 theta)^2 + 4 theta (1 - theta) exp(-beta eps), a sum of positive
terms; (B - u)(B + u) = 4 theta (1 - theta) exp(-beta eps) replaces the small difference;
Phi = [1 + (z/2) s (1 - exp(-beta eps)) / (B (1 + B))] / (1 - theta)), so they agree with a
300-digit evaluation of the textbook form to ~1e-12 for |beta eps| up to hundreds: Phi > 0 for
repulsion, finite for theta < 1. The quasi-chemical spinodal is in closed form.

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


def _log_abs_expm1(x: NDArray[np.float64] | float) -> NDArray[np.float64]:
    """ln|exp(x) - 1| without overflow or cancellation (-inf at x = 0)."""
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(x > 0, x + np.log(-np.expm1(-np.abs(x))), np.log(-np.expm1(-np.abs(x))))


def _qc_logs(th: NDArray[np.float64], beps: float
             ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """ln s, ln B and ln(B + |1 - 2 theta|) of the quasi-chemical closure, in log space.

    s = 4 theta (1 - theta) and B^2 = (1 - 2 theta)^2 + s exp(-beta eps) (the textbook
    B^2 = 1 - s (1 - exp(-beta eps)), rewritten as a sum of non-negative terms so that no
    cancellation occurs for any sign or size of beta eps; B > 0 is the physical root of the
    quasi-chemical quadratic).
    """
    ln_s = np.log(4.0) + np.log(th) + np.log1p(-th)
    with np.errstate(divide="ignore"):
        ln_u = np.log(np.abs(1.0 - 2.0 * th))  # -inf at theta = 1/2
    ln_B = 0.5 * np.logaddexp(2.0 * ln_u, ln_s - beps)
    return ln_s, ln_B, np.logaddexp(ln_B, ln_u)


def _qc_bmu(th: NDArray[np.float64], beps: float, z: float) -> NDArray[np.float64]:
    """Quasi-chemical beta*mu for coordination z (z = 2 is the exact chain result).

    The textbook form (module docstring) contains B - (1 - 2 theta), which cancels
    catastrophically for strong repulsion (B -> |1 - 2 theta|). With
    (B - u)(B + u) = s exp(-beta eps), u = 1 - 2 theta, it becomes
    beta mu = ln(theta/(1-theta)) + z ln[2 (1 - theta) / (B + u)]                 (u >= 0)
    beta mu = ln(theta/(1-theta)) + z beta eps - z ln[2 theta / (B - u)]         (u < 0),
    the two branches being related by particle-hole symmetry,
    beta mu(theta) + beta mu(1 - theta) = z beta eps. Only sums of positive terms are formed.
    """
    th = np.asarray(th, dtype=float)
    _, _, ln_p = _qc_logs(th, beps)
    lang = np.log(th) - np.log1p(-th)
    low = lang + z * (np.log(2.0) + np.log1p(-th) - ln_p)
    high = lang + z * beps - z * (np.log(2.0) + np.log(th) - ln_p)
    return np.where(th <= 0.5, low, high)


def _qc_phi(th: NDArray[np.float64], beps: float, z: float) -> NDArray[np.float64]:
    """Quasi-chemical Phi = theta d(beta mu)/d theta for coordination z (analytic).

    Differentiating beta mu gives Phi = [1 + (z/2)(1/B - 1)] / (1 - theta); with
    1 - B = s (1 - exp(-beta eps)) / (1 + B) this is
    Phi = [1 + (z/2) s (1 - exp(-beta eps)) / (B (1 + B))] / (1 - theta),
    evaluated in log space: every term is positive for repulsion (Phi >= 1/(1 - theta)), and
    no intermediate overflows for |beta eps| up to ~1400.
    """
    th = np.asarray(th, dtype=float)
    ln_s, ln_B, _ = _qc_logs(th, beps)
    sign = 1.0 if beps >= 0 else -1.0  # sign of 1 - exp(-beta eps)
    ln_t = ln_s + _log_abs_expm1(-beps) - ln_B - np.logaddexp(0.0, ln_B)
    return (1.0 + 0.5 * z * sign * np.exp(ln_t)) / (1.0 - th)


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
    _check(0.5, T, closure)
    if closure == "langmuir" or eps >= 0:
        return None
    if T >= critical_temperature(eps, lattice, closure):
        return None
    z = coordination(lattice)
    beps = eps / (kB * T)
    if closure == "bragg_williams":
        r = np.sqrt(1.0 - 4.0 / (z * abs(beps)))
        return 0.5 * (1.0 - r), 0.5 * (1.0 + r)
    # quasi-chemical: Phi = 0 <=> B = z / (z - 2) <=> s = 4 theta (1 - theta)
    # = 4 (z - 1) / ((z - 2)^2 (exp(-beta eps) - 1)) (closed form, in log space)
    s = float(np.exp(np.log(4.0 * (z - 1) / (z - 2) ** 2) - _log_abs_expm1(-beps)))
    lo = 0.5 * s / (1.0 + np.sqrt(max(1.0 - s, 0.0)))  # smaller root, cancellation-free
    return lo, 1.0 - lo  # particle-hole symmetry of the nearest-neighbour lattice gas
