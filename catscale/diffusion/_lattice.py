"""Two-dimensional Bravais lattices of adsorption sites used by the diffusion closures.

``square``: z = 4 nearest neighbours (fcc(100) hollow sites).
``hexagonal``: the close-packed (triangular) net of z = 6 nearest neighbours (fcc(111) hollow
or top sites); two neighbouring sites share two common neighbours.
"""

from __future__ import annotations

from ..errors import InvalidParameterError

#: lattice name -> (coordination number z, common neighbours of a nearest-neighbour pair)
LATTICES: dict[str, tuple[int, int]] = {"square": (4, 0), "hexagonal": (6, 2)}

#: dimension of the surface
DIM = 2


def coordination(lattice: str) -> int:
    """Coordination number z of ``lattice`` ('square' -> 4, 'hexagonal' -> 6)."""
    return LATTICES[check_lattice(lattice)][0]


def common_neighbours(lattice: str) -> int:
    """Number of sites that are nearest neighbours of both sites of a nearest-neighbour pair."""
    return LATTICES[check_lattice(lattice)][1]


def check_lattice(lattice: str) -> str:
    """Return ``lattice`` if known, else raise :class:`InvalidParameterError`."""
    if lattice not in LATTICES:
        raise InvalidParameterError("lattice", f"one of {sorted(LATTICES)}", lattice)
    return lattice


def free_diffusivity(hop_rate: float, a: float, lattice: str) -> float:
    """Single-particle (zero-coverage) diffusivity D0 = z Gamma a^2 / (2 d) with d = 2.

    Parameters
    ----------
    hop_rate : float
        Gamma, rate of a hop to one given empty neighbour, s^-1.
    a : float
        Nearest-neighbour distance, m.
    lattice : str
        'square' or 'hexagonal'.

    Returns
    -------
    float
        D0 in m^2/s (Gamma a^2 on the square lattice, 1.5 Gamma a^2 on the hexagonal one).
    """
    if not hop_rate > 0:
        raise InvalidParameterError("hop_rate", "> 0 s^-1", hop_rate)
    if not a > 0:
        raise InvalidParameterError("a", "> 0 m", a)
    return coordination(lattice) * hop_rate * a * a / (2.0 * DIM)
