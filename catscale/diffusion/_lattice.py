"""Lattices of adsorption sites used by the diffusion closures, read from the lattice
registry :data:`catscale.lattices.LATTICES`.

The closures need, of a lattice of one site kind, its coordination number ``z`` and the
number of common neighbours of a nearest-neighbour pair: ``square`` z = 4 (fcc(100) hollow
sites), no common neighbours; ``hexagonal`` (= ``triangular``) z = 6, two common neighbours
(fcc(111) hollow or top sites); ``honeycomb`` z = 3, none.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ..errors import InvalidParameterError
from ..lattices import LATTICES as _REGISTRY
from ..lattices import lattice_kind, lattice_names

#: dimension of the surface
DIM = 2


class _Closures(Mapping):
    """Read-only view: lattice name -> (z, common neighbours of a nearest-neighbour pair),
    over the registered lattices of one site kind (new registrations appear here)."""

    def __getitem__(self, name: str) -> tuple[int, int]:
        if name not in lattice_names(one_kind=True):
            raise KeyError(name)
        e = _REGISTRY[name]
        return e.z, e.common_neighbours

    def __iter__(self) -> Iterator[str]:
        return iter(lattice_names(one_kind=True))

    def __len__(self) -> int:
        return len(lattice_names(one_kind=True))


#: lattice name -> (coordination number z, common neighbours of a nearest-neighbour pair)
LATTICES: Mapping[str, tuple[int, int]] = _Closures()


def coordination(lattice: str) -> int:
    """Coordination number z of ``lattice`` ('square' -> 4, 'hexagonal' -> 6)."""
    return lattice_kind(check_lattice(lattice)).z


def common_neighbours(lattice: str) -> int:
    """Number of sites that are nearest neighbours of both sites of a nearest-neighbour pair."""
    return lattice_kind(check_lattice(lattice)).common_neighbours


def check_lattice(lattice: str) -> str:
    """Return ``lattice`` if it is a registered lattice of one site kind, else raise
    :class:`InvalidParameterError` listing those that are."""
    lattice_kind(lattice, one_kind=True)
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
        A registered lattice of one site kind ('square', 'hexagonal', ...).

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
