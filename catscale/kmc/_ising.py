"""Exact results of the two-dimensional nearest-neighbour lattice gas (= Ising model).

The lattice gas H = eps sum_<ij> n_i n_j - mu sum_i n_i maps onto the Ising model with
s = 2n - 1, coupling J = -eps/4 (ferromagnetic for attraction eps < 0) and field
h = (mu - z eps/2)/2; coverage theta = (1 + m)/2. So the half-coverage chemical potential
is mu = z eps / 2 exactly (particle-hole symmetry), and for eps < 0 below Tc the layer
separates into a dilute and a dense phase of coverages (1 -+ m0)/2, m0 the spontaneous
magnetisation, coexisting at mu = z eps / 2.

References: L. Onsager, Phys. Rev. 65, 117 (1944) (square-lattice Tc and correlation
length); C. N. Yang, Phys. Rev. 85, 808 (1952) (square-lattice m0); R. B. Potts, Phys. Rev.
88, 352 (1952) and K. Naya, Prog. Theor. Phys. 11, 53 (1954) (triangular lattice m0);
B. M. McCoy & T. T. Wu, The Two-Dimensional Ising Model (1973) (correlation length above Tc).
"""

from __future__ import annotations

import math

from ..errors import InvalidParameterError
from ..units import kB

#: lattice name -> coordination number z
_LATTICES = {"square": 4, "hexagonal": 6, "triangular": 6}


def _coordination(lattice: str) -> int:
    if lattice not in _LATTICES:
        raise InvalidParameterError("lattice", f"one of {sorted(_LATTICES)}", lattice)
    return _LATTICES[lattice]


def half_coverage_chemical_potential(eps: float, lattice: str) -> float:
    """Chemical potential (eV) of half coverage, z eps / 2 (exact, particle-hole symmetry)."""
    return 0.5 * _coordination(lattice) * eps


def critical_temperature_exact(eps: float, lattice: str) -> float | None:
    """Exact critical temperature (K) of condensation of the attractive lattice gas.

    kTc = |eps| / (2 ln(1 + sqrt 2)) = 0.5673 |eps| on the square lattice (Onsager) and
    |eps| / ln 3 = 0.9102 |eps| on the triangular ('hexagonal') lattice. None for eps >= 0
    (repulsion orders, it does not separate into two phases of different coverage).
    """
    _coordination(lattice)
    if not eps < 0:
        return None
    if lattice == "square":
        return abs(eps) / (2.0 * kB * math.log(1.0 + math.sqrt(2.0)))
    return abs(eps) / (kB * math.log(3.0))


def spontaneous_magnetisation(eps: float, T: float, lattice: str) -> float:
    """Spontaneous magnetisation m0 of the equivalent Ising model (0 at and above Tc).

    Square (Yang 1952): m0 = (1 - sinh(2K)^-4)^(1/8); triangular (Potts 1952):
    m0 = (1 - 16 u^3 / ((1 + 3u)(1 - u)^3))^(1/8), u = exp(-4K); K = |eps| / (4 kT).
    """
    Tc = critical_temperature_exact(eps, lattice)
    if not (math.isfinite(T) and T > 0):
        raise InvalidParameterError("T", "> 0 K", T)
    if Tc is None or T >= Tc:
        return 0.0
    K = abs(eps) / (4.0 * kB * T)
    if lattice == "square":
        x = 1.0 - math.sinh(2.0 * K) ** -4
    else:
        u = math.exp(-4.0 * K)
        x = 1.0 - 16.0 * u ** 3 / ((1.0 + 3.0 * u) * (1.0 - u) ** 3)
    return max(x, 0.0) ** 0.125


def coexistence_coverages(eps: float, T: float, lattice: str) -> tuple[float, float] | None:
    """Coverages (theta_dilute, theta_dense) = ((1 - m0)/2, (1 + m0)/2) of the two coexisting
    phases below the exact Tc; None in the one-phase region (T >= Tc or eps >= 0)."""
    m = spontaneous_magnetisation(eps, T, lattice)
    if m <= 0.0:
        return None
    return 0.5 * (1.0 - m), 0.5 * (1.0 + m)


def correlation_length_exact(eps: float, T: float) -> float | None:
    """Exact correlation length (cells, along a lattice axis) of the square-lattice gas at
    half coverage above Tc: xi^-1 = -ln tanh K - 2K, K = |eps| / (4 kT) (Onsager; McCoy & Wu
    1973). For repulsion it is the length of the staggered (c(2x2)) correlations. None at
    or below Tc (or for eps = 0, where xi = 0 is returned)."""
    if eps == 0:
        return 0.0
    K = abs(eps) / (4.0 * kB * T)
    inv = -math.log(math.tanh(K)) - 2.0 * K
    return 1.0 / inv if inv > 0 else None
