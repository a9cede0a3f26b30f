"""Registry of the named 2-D adsorption lattices (geometry, neighbour shells, coordination).

One entry per kind of lattice: its Bravais cell and basis, and what follows from them (the
coordination of each neighbour shell, the mean-field coordination ``z`` and the common
neighbours of a nearest-neighbour pair). Every layer that needs a lattice by name reads it
here: the kMC :class:`catscale.kmc.Lattice` (``Lattice.from_name``), the lattice-gas kMC
(:mod:`catscale.kmc.lattice_gas`), the diffusion closures (:mod:`catscale.diffusion`, whose
Bragg-Williams and quasi-chemical closures need ``z``), ``Model.coordination()`` and the
schema choices of the ``kmc:`` and ``diffusion:`` sections. A new lattice is one call of
:func:`register_lattice` (or one entry in :data:`_BUILTIN` below); nothing else changes.

The registry sits in the core (next to :mod:`catscale.mechanism`) because two scales read it
(kmc and diffusion) and scales import only the core.

Lengths are in units of the lattice constant ``a`` (dimensionless). numpy is imported only
where shells are computed, so that reading the registry (CLI help, schema) stays light.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from .errors import InvalidParameterError
from .registry import Registry

__all__ = ["LatticeKind", "LATTICES", "register_lattice", "unregister_lattice", "lattice_kind",
           "lattice_names", "neighbour_shells"]

_DIST_DECIMALS = 6
_SQ3 = math.sqrt(3.0)


def neighbour_shells(cell, basis, n_shells: int, reach: int | None = None
                     ) -> tuple[list[list[list[tuple[int, int, int]]]], list[list[float]]]:
    """Neighbour shells (by distance) of every basis site of an infinite periodic lattice.

    Parameters
    ----------
    cell : array (2, 2)
        Bravais vectors as rows, lattice constants.
    basis : array (nb, 2)
        Fractional coordinates of the basis sites.
    n_shells : int
        Number of shells to return (>= 1).
    reach : int, optional
        Cells searched in each direction (default ``3 + n_shells``).

    Returns
    -------
    offsets : list (per basis site) of lists (per shell) of ``(b', di, dj)``
        The neighbours of each shell, sorted by angle (the same direction order for every
        site of the same basis index).
    distances : list (per basis site) of lists (per shell) of float
        Distance of each shell, lattice constants.
    """
    import numpy as np

    cell = np.asarray(cell, dtype=float).reshape(2, 2)
    basis = np.asarray(basis, dtype=float).reshape(-1, 2)
    R = 3 + int(n_shells) if reach is None else int(reach)
    offs_all, dist_all = [], []
    for b in range(len(basis)):
        cand = []
        for b2 in range(len(basis)):
            for di in range(-R, R + 1):
                for dj in range(-R, R + 1):
                    d = (np.array([di, dj]) + basis[b2] - basis[b]) @ cell
                    r = round(float(np.hypot(*d)), _DIST_DECIMALS)
                    if r > 0:
                        ang = float(np.arctan2(d[1], d[0])) % (2 * np.pi)
                        cand.append((r, round(ang, 6), b2, di, dj))
        cand.sort()
        dists = sorted({c[0] for c in cand})[: int(n_shells)]
        offs_all.append([[(c[2], c[3], c[4]) for c in cand if c[0] == r] for r in dists])
        exact = []
        for sh in offs_all[-1]:
            b2, di, dj = sh[0]
            d = (np.array([di, dj]) + basis[b2] - basis[b]) @ cell
            exact.append(float(np.hypot(*d)))
        dist_all.append(exact)
    return offs_all, dist_all


@dataclass(frozen=True)
class LatticeKind:
    """One named lattice: geometry, and the neighbour counts derived from it.

    Parameters
    ----------
    name : str
        Registry name (``"square"``).
    cell : ((float, float), (float, float))
        Bravais vectors as rows, in lattice constants.
    basis : tuple of (float, float)
        Fractional coordinates of the basis sites.
    site_kinds : tuple of str, optional
        Fixed site kinds of the basis sites (``fcc111``: top, fcc, hcp). None: every basis
        site takes the one site kind of the mechanism.
    aliases : tuple of str
        Other names of the same lattice (``hexagonal`` is also ``triangular``).
    description : str
        One line for documentation and error messages.
    expected_shells : tuple of int, optional
        Coordination of shells 1, 2, 3 around basis site 0 as published (checked against the
        geometry by the common registry test).
    """

    name: str
    cell: tuple[tuple[float, float], tuple[float, float]]
    basis: tuple[tuple[float, float], ...]
    site_kinds: tuple[str, ...] | None = None
    aliases: tuple[str, ...] = ()
    description: str = ""
    expected_shells: tuple[int, ...] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.site_kinds is not None and len(self.site_kinds) != len(self.basis):
            raise InvalidParameterError("site_kinds", f"one kind per basis site "
                                        f"({len(self.basis)})", self.site_kinds)
        (a, b), (c, d) = self.cell
        if abs(a * d - b * c) < 1e-9:
            raise InvalidParameterError("cell", "two linearly independent vectors", self.cell)

    # -- geometry ------------------------------------------------------------------------
    @property
    def nb(self) -> int:
        """Number of basis sites per cell."""
        return len(self.basis)

    @property
    def bravais(self) -> bool:
        """True for a Bravais lattice (one site per cell), as the lattice-gas kMC needs."""
        return self.nb == 1

    @property
    def one_kind(self) -> bool:
        """True when every site is of the same kind (the mechanism's one site kind)."""
        return self.site_kinds is None or len(set(self.site_kinds)) == 1

    def kinds(self, kind: str = "*") -> tuple[str, ...]:
        """Site kind of every basis site (``kind`` for a one-kind lattice)."""
        return tuple(self.site_kinds) if self.site_kinds is not None else (kind,) * self.nb

    @cached_property
    def _shells(self) -> tuple[list, list]:
        return neighbour_shells(self.cell, self.basis, 4)

    def shell_coordination(self, n_shells: int = 3) -> tuple[int, ...]:
        """Neighbours in shells 1..n_shells around basis site 0 (any site kind)."""
        if not 1 <= int(n_shells) <= 4:
            raise InvalidParameterError("n_shells", "an integer in 1..4", n_shells)
        return tuple(len(s) for s in self._shells[0][0][: int(n_shells)])

    def shell_distances(self, n_shells: int = 3) -> tuple[float, ...]:
        """Distances of shells 1..n_shells from basis site 0, lattice constants."""
        return tuple(self._shells[1][0][: int(n_shells)])

    @cached_property
    def _same_kind_net(self) -> tuple[int, int]:
        """(z, common neighbours) of the net of the sites of basis site 0's kind."""
        import numpy as np

        kinds = self.kinds()
        same = [b for b in range(self.nb) if kinds[b] == kinds[0]]
        cell = np.asarray(self.cell, float)
        basis = np.asarray(self.basis, float)
        R = 4
        pts = np.array([(np.array([i, j]) + basis[b]) @ cell for b in same
                        for i in range(-R, R + 1) for j in range(-R, R + 1)])
        r0 = np.hypot(*(pts - basis[0] @ cell).T)
        d1 = np.min(r0[r0 > 1e-9])
        tol = 1e-6 * d1
        nn = np.flatnonzero(np.abs(r0 - d1) < tol)
        j = pts[nn[0]]
        rj = np.hypot(*(pts - j).T)
        common = int(np.sum((np.abs(r0 - d1) < tol) & (np.abs(rj - d1) < tol)))
        return int(len(nn)), common

    @property
    def z(self) -> int:
        """Mean-field coordination: nearest neighbours of the same site kind as basis site 0
        (square 4, hexagonal 6, honeycomb 3, fcc111 6: the top sites' own net)."""
        return self._same_kind_net[0]

    @property
    def common_neighbours(self) -> int:
        """Sites of the same kind that are nearest neighbours of both sites of a nearest-
        neighbour pair (square 0, hexagonal 2, honeycomb 0)."""
        return self._same_kind_net[1]

    def describe(self) -> dict:
        """JSON-ready description; :func:`LatticeKind.from_description` rebuilds it."""
        return dict(name=self.name, cell=[list(v) for v in self.cell],
                    basis=[list(p) for p in self.basis],
                    site_kinds=list(self.site_kinds) if self.site_kinds else None,
                    aliases=list(self.aliases), description=self.description)

    @classmethod
    def from_description(cls, d: Mapping) -> LatticeKind:
        """Inverse of :meth:`describe`."""
        return cls(name=str(d["name"]), cell=tuple(tuple(float(x) for x in v)
                                                   for v in d["cell"]),
                   basis=tuple(tuple(float(x) for x in p) for p in d["basis"]),
                   site_kinds=tuple(d["site_kinds"]) if d.get("site_kinds") else None,
                   aliases=tuple(d.get("aliases") or ()),
                   description=str(d.get("description", "")))


#: every named lattice, by name and alias ("custom" is the model file's keyword for a unit
#: cell given in the file, and no entry may take it)
LATTICES: Registry[LatticeKind] = Registry("lattice", reserved=("custom",))


def register_lattice(kind: LatticeKind, *, replace: bool = False) -> LatticeKind:
    """Add ``kind`` to :data:`LATTICES` (its name and aliases); returns it."""
    return LATTICES.register(kind, replace=replace)


def unregister_lattice(name: str) -> None:
    """Remove the lattice ``name`` (and its aliases) from :data:`LATTICES`."""
    LATTICES.unregister(name)


def _where(bravais: bool | None, one_kind: bool | None):
    return lambda e: ((bravais is None or e.bravais == bravais)
                      and (one_kind is None or e.one_kind == one_kind))


def lattice_names(*, bravais: bool | None = None, one_kind: bool | None = None
                  ) -> tuple[str, ...]:
    """Registered names (aliases included), optionally only Bravais / one-kind lattices."""
    return LATTICES.names(_where(bravais, one_kind))


def lattice_kind(name: str, *, bravais: bool | None = None, one_kind: bool | None = None,
                 field_name: str = "lattice") -> LatticeKind:
    """The registered lattice ``name``; an unknown name (or one without the required
    property) raises InvalidParameterError listing the names that are available."""
    return LATTICES.lookup(name, _where(bravais, one_kind), field_name)


_HEX_CELL = ((1.0, 0.0), (0.5, _SQ3 / 2.0))
_BUILTIN = (
    # shells around a site: 4 at a, 4 at a sqrt2, 4 at 2a
    LatticeKind("square", ((1.0, 0.0), (0.0, 1.0)), ((0.0, 0.0),),
                description="square lattice, z = 4 (fcc(100) hollow or top sites)",
                expected_shells=(4, 4, 4)),
    # 6 at a, 6 at a sqrt3, 6 at 2a
    LatticeKind("hexagonal", _HEX_CELL, ((0.0, 0.0),), aliases=("triangular",),
                description="hexagonal (triangular Bravais) lattice, z = 6 (close-packed "
                            "(111)/(0001) face)", expected_shells=(6, 6, 6)),
    # 3 at a/sqrt3, 6 at a, 3 at 2a/sqrt3 (a: cell constant)
    LatticeKind("honeycomb", _HEX_CELL, ((0.0, 0.0), (1 / 3, 1 / 3)),
                description="honeycomb lattice (two sites per cell, same kind), z = 3",
                expected_shells=(3, 6, 3)),
    # around a top site: 6 hollows (3 fcc + 3 hcp) at a/sqrt3, 6 tops at a, 6 hollows at
    # 2a/sqrt3
    LatticeKind("fcc111", _HEX_CELL, ((0.0, 0.0), (1 / 3, 1 / 3), (2 / 3, 2 / 3)),
                site_kinds=("top", "fcc", "hcp"),
                description="fcc(111) face with top, fcc-hollow and hcp-hollow sites",
                expected_shells=(6, 6, 6)),
)
for _k in _BUILTIN:
    register_lattice(_k)

