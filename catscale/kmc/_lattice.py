"""Periodic 2-D lattices: Bravais cell + basis (several site kinds), neighbour shells.

Site numbering is fixed and part of the public API: the site in cell ``(i, j)`` (``0 <= i <
size[0]``, ``0 <= j < size[1]``) with basis index ``b`` has index ``(i * size[1] + j) * nb + b``.
Neighbour tables are contiguous ``int32`` arrays of shape ``(n_sites, z)``, padded with ``-1``
where sites of different basis index have different coordination. The column order of a shell
is the same geometric direction for every site of the same basis index (sorted by angle).

Lengths are in units of the lattice constant ``a`` (dimensionless); multiply by the physical
lattice constant in m where needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ..errors import InvalidParameterError
from ..lattices import lattice_kind, neighbour_shells


def _offsets_table(offsets: list[list[tuple[int, int, int]]], size: tuple[int, int],
                   nb: int) -> np.ndarray:
    """Map per-basis offsets ``(b', di, dj)`` to a site table of shape (n_sites, zmax).

    Parameters
    ----------
    offsets : list (one per basis site) of lists of (b', di, dj)
    size : (L1, L2) cells
    nb : number of basis sites

    Returns
    -------
    ndarray of int32, shape (L1 * L2 * nb, max_b len(offsets[b])), padded with -1.
    """
    L1, L2 = size
    zmax = max((len(o) for o in offsets), default=0)
    table = np.full((L1, L2, nb, max(zmax, 0)), -1, dtype=np.int64)
    ii, jj = np.meshgrid(np.arange(L1), np.arange(L2), indexing="ij")
    for b, offs in enumerate(offsets):
        for c, (b2, di, dj) in enumerate(offs):
            table[:, :, b, c] = (((ii + di) % L1) * L2 + (jj + dj) % L2) * nb + b2
    return np.ascontiguousarray(table.reshape(L1 * L2 * nb, zmax).astype(np.int32))


@dataclass(frozen=True, eq=False)
class Lattice:
    """A periodic 2-D lattice with a basis of (possibly different) site kinds.

    Parameters
    ----------
    cell : array (2, 2)
        Bravais vectors a1, a2 as rows, in units of the lattice constant.
    basis : array (nb, 2)
        Fractional coordinates of the basis sites in the cell.
    kinds : tuple of str
        Site kind (mechanism site name, e.g. ``"*"``, ``"top"``) of every basis site.
    size : (int, int)
        Number of cells along a1 and a2 (periodic boundaries).
    n_shells : int
        Number of neighbour shells (by distance from each basis site) to tabulate, 1..4.
    name : str
        Label (``"square"``, ``"hexagonal"``, ...).
    """

    cell: np.ndarray
    basis: np.ndarray
    kinds: tuple[str, ...]
    size: tuple[int, int]
    n_shells: int = 3
    name: str = "custom"
    _shell_offsets: list = field(default_factory=list, init=False, repr=False)
    _shell_dist: list = field(default_factory=list, init=False, repr=False)

    def __post_init__(self):
        cell = np.array(self.cell, dtype=float).reshape(2, 2)
        basis = np.array(self.basis, dtype=float).reshape(-1, 2)
        kinds = tuple(str(k) for k in self.kinds)
        if len(kinds) != len(basis):
            raise InvalidParameterError("kinds", f"one site kind per basis site ({len(basis)})",
                                        kinds)
        if abs(np.linalg.det(cell)) < 1e-9:
            raise InvalidParameterError("cell", "two linearly independent vectors",
                                        cell.tolist())
        try:
            size = tuple(int(s) for s in self.size)
        except (TypeError, ValueError):
            raise InvalidParameterError("size", "two positive integers", self.size) from None
        if len(size) != 2 or min(size) < 1:
            raise InvalidParameterError("size", "two positive integers [L1, L2]", self.size)
        if not (1 <= int(self.n_shells) <= 4):
            raise InvalidParameterError("n_shells", "an integer in 1..4", self.n_shells)
        for name, v in (("cell", cell), ("basis", basis), ("kinds", kinds), ("size", size)):
            object.__setattr__(self, name, v)
        cell.setflags(write=False)
        basis.setflags(write=False)
        self._find_shells()

    # -- construction ----------------------------------------------------------------------
    @classmethod
    def square(cls, L1: int, L2: int | None = None, kind: str = "*",
               n_shells: int = 3) -> Lattice:
        """Square lattice, z = 4 nearest neighbours (shells: 4 at a, 4 at a sqrt2, 4 at 2a)."""
        return cls.from_name("square", (L1, L2 if L2 is not None else L1), kind, n_shells)

    @classmethod
    def hexagonal(cls, L1: int, L2: int | None = None, kind: str = "*",
                  n_shells: int = 3) -> Lattice:
        """Hexagonal (triangular Bravais) lattice, z = 6 (a close-packed (111)/(0001) face)."""
        return cls.from_name("hexagonal", (L1, L2 if L2 is not None else L1), kind, n_shells)

    triangular = hexagonal

    @classmethod
    def honeycomb(cls, L1: int, L2: int | None = None, kind: str = "*",
                  n_shells: int = 3) -> Lattice:
        """Honeycomb lattice (two sites per cell, same kind), z = 3 nearest neighbours."""
        return cls.from_name("honeycomb", (L1, L2 if L2 is not None else L1), kind, n_shells)

    @classmethod
    def fcc111(cls, L1: int, L2: int | None = None, kinds=("top", "fcc", "hcp"),
               n_shells: int = 3) -> Lattice:
        """fcc(111) face with three site kinds per cell: top, fcc hollow and hcp hollow."""
        entry = lattice_kind("fcc111")
        return cls(entry.cell, entry.basis, tuple(kinds), (L1, L2 if L2 is not None else L1),
                   n_shells, entry.name)

    @classmethod
    def from_name(cls, name: str, size, kind: str = "*", n_shells: int = 3) -> Lattice:
        """Build the registered lattice ``name`` (:data:`catscale.lattices.LATTICES`:
        square, hexagonal = triangular, honeycomb, fcc111, ...) of ``size`` cells.

        ``kind`` is the site kind of a one-kind lattice; a lattice with fixed site kinds
        (fcc111: top, fcc, hcp) keeps its own."""
        entry = lattice_kind(name)
        L1, L2 = (size, size) if np.isscalar(size) else tuple(size)
        return cls(entry.cell, entry.basis, entry.kinds(kind), (L1, L2), n_shells, entry.name)

    # -- shells ----------------------------------------------------------------------------
    def _find_shells(self) -> None:
        offs_all, dist_all = neighbour_shells(self.cell, self.basis, self.n_shells)
        # the shells must not wrap onto themselves on this lattice (no duplicate neighbours)
        m1 = max(abs(o[1]) for ob in offs_all for sh in ob for o in sh)
        m2 = max(abs(o[2]) for ob in offs_all for sh in ob for o in sh)
        if self.size[0] < 2 * m1 + 1 or self.size[1] < 2 * m2 + 1:
            raise InvalidParameterError(
                "size", f">= [{2 * m1 + 1}, {2 * m2 + 1}] cells for {self.n_shells} neighbour "
                "shells (periodic images would repeat a neighbour)", list(self.size))
        object.__setattr__(self, "_shell_offsets", offs_all)
        object.__setattr__(self, "_shell_dist", dist_all)

    def shell_offsets(self, shell: int = 1) -> list[list[tuple[int, int, int]]]:
        """Offsets ``(b', di, dj)`` of the neighbours in ``shell`` (1-based), per basis site."""
        self._check_shell(shell)
        return [list(ob[shell - 1]) if shell - 1 < len(ob) else [] for ob in self._shell_offsets]

    def shell_distance(self, shell: int = 1) -> np.ndarray:
        """Distance of ``shell`` from each basis site, in lattice constants (shape (nb,))."""
        self._check_shell(shell)
        return np.array([d[shell - 1] for d in self._shell_dist])

    def _check_shell(self, shell: int) -> None:
        if not (1 <= int(shell) <= self.n_shells):
            raise InvalidParameterError("shell", f"an integer in 1..{self.n_shells}", shell)

    def neighbors(self, shell: int = 1) -> np.ndarray:
        """Neighbour table of ``shell``: contiguous int32 (n_sites, z), padded with -1."""
        self._check_shell(shell)
        return self._neighbors[int(shell) - 1]

    @cached_property
    def _neighbors(self) -> list[np.ndarray]:
        out = []
        for s in range(1, self.n_shells + 1):
            t = _offsets_table(self.shell_offsets(s), self.size, self.nb)
            t.setflags(write=False)
            out.append(t)
        return out

    def coordination(self, shell: int = 1) -> np.ndarray:
        """Number of neighbours in ``shell`` of each basis site (shape (nb,))."""
        return np.array([len(o) for o in self.shell_offsets(shell)])

    def table(self, offsets: list[list[tuple[int, int, int]]]) -> np.ndarray:
        """Site table (n_sites, zmax) of arbitrary per-basis offsets ``(b', di, dj)``."""
        return _offsets_table(offsets, self.size, self.nb)

    # -- sites -----------------------------------------------------------------------------
    @property
    def nb(self) -> int:
        """Number of basis sites per cell."""
        return len(self.basis)

    @property
    def n_cells(self) -> int:
        return self.size[0] * self.size[1]

    @property
    def n_sites(self) -> int:
        return self.n_cells * self.nb

    @cached_property
    def kind_names(self) -> tuple[str, ...]:
        """Distinct site kinds, in order of first appearance in the basis."""
        return tuple(dict.fromkeys(self.kinds))

    @cached_property
    def basis_index(self) -> np.ndarray:
        """Basis index of every site (int32, shape (n_sites,))."""
        a = np.tile(np.arange(self.nb, dtype=np.int32), self.n_cells)
        a.setflags(write=False)
        return a

    @cached_property
    def site_kind(self) -> np.ndarray:
        """Index into :attr:`kind_names` of every site (int32, shape (n_sites,))."""
        per_b = np.array([self.kind_names.index(k) for k in self.kinds], dtype=np.int32)
        a = np.ascontiguousarray(per_b[self.basis_index])
        a.setflags(write=False)
        return a

    def sites_of_kind(self, kind: str) -> np.ndarray:
        """Indices of the sites of kind ``kind``."""
        if kind not in self.kind_names:
            raise InvalidParameterError("kind", f"one of {list(self.kind_names)}", kind)
        return np.flatnonzero(self.site_kind == self.kind_names.index(kind))

    @cached_property
    def positions(self) -> np.ndarray:
        """Cartesian positions (n_sites, 2) in lattice constants."""
        L1, L2 = self.size
        ii, jj = np.meshgrid(np.arange(L1), np.arange(L2), indexing="ij")
        frac = (np.stack([ii, jj], -1)[:, :, None, :] + self.basis[None, None, :, :])
        return (frac.reshape(-1, 2) @ self.cell)

    def describe(self) -> dict:
        """JSON-ready summary (name, size, kinds, coordination of shell 1)."""
        return dict(name=self.name, size=list(self.size), n_sites=self.n_sites,
                    kinds=list(self.kinds), z=self.coordination(1).tolist())
