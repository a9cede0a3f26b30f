"""One mapping type for catscale's extension points (lattices, thermo models, reactor types).

A :class:`Registry` maps a name (and each alias of an entry) to the entry; it is read-only
except through :meth:`Registry.register`. An unknown name raises
:class:`~catscale.errors.InvalidParameterError` listing the names that are available, so the
model-file schema and the API give the same message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Generic, TypeVar

from .errors import InvalidParameterError

__all__ = ["Registry"]

T = TypeVar("T")


class Registry(Mapping[str, T], Generic[T]):
    """name (or alias) -> entry.

    Parameters
    ----------
    field : str
        Parameter name used in errors (``"lattice"``, ``"reactor.type"``).
    reserved : tuple of str
        Names no entry may take (``"custom"`` for lattices).
    """

    def __init__(self, field: str, reserved: tuple[str, ...] = ()) -> None:
        self.field = field
        self.reserved = tuple(reserved)
        self._entries: dict[str, T] = {}
        self._names: dict[str, str] = {}

    # -- Mapping ---------------------------------------------------------------------------
    def __getitem__(self, name: str) -> T:
        return self._entries[self._names[name]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return f"Registry({self.field!r}: {list(self._names)})"

    # -- entries ---------------------------------------------------------------------------
    def entries(self) -> tuple[T, ...]:
        """The distinct entries, in order of registration (aliases not repeated)."""
        return tuple(self._entries.values())

    def register(self, entry: T, *, replace: bool = False) -> T:
        """Add ``entry`` under its ``name`` and its ``aliases`` (if any); returns it.

        Raises InvalidParameterError if a name is reserved or taken (unless ``replace``)."""
        name = entry.name  # type: ignore[attr-defined]
        names = (name, *getattr(entry, "aliases", ()))
        for n in names:
            if n in self.reserved:
                raise InvalidParameterError(f"{self.field} name", f"not {n!r} (reserved)", n)
            if n in self._names and not replace:
                raise InvalidParameterError(f"{self.field} name",
                                            f"a new name (taken: {sorted(self._names)})", n)
        self._entries[name] = entry
        for n in names:
            self._names[n] = name
        return entry

    def unregister(self, name: str) -> None:
        """Remove the entry ``name`` and its aliases."""
        self.lookup(name)
        key = self._names[name]
        for n in [n for n, k in self._names.items() if k == key]:
            del self._names[n]
        del self._entries[key]

    def names(self, where: Callable[[T], bool] | None = None) -> tuple[str, ...]:
        """Registered names (aliases included) whose entry satisfies ``where``."""
        return tuple(n for n in self._names if where is None or where(self[n]))

    def lookup(self, name: str, where: Callable[[T], bool] | None = None,
               field: str | None = None) -> T:
        """The entry ``name``; an unknown name (or one failing ``where``) raises
        InvalidParameterError naming ``field`` and listing the names available."""
        allowed = self.names(where)
        if name not in allowed:
            raise InvalidParameterError(field or self.field, f"one of {list(allowed)}", name)
        return self[name]
