"""The energetics of a model beyond its rate constants: one frozen value that every
mean-field and kMC call takes whole, so that no caller can forget a part of it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Energetics"]


@dataclass(frozen=True)
class Energetics:
    """Lateral interactions, coordination, transition-state positions and coverage effects.

    Attributes
    ----------
    pairs : mapping ``"A*-B*"`` -> float
        First-order mean-field pair interactions, eV per nearest-neighbour pair (the file's
        ``lateral`` plus the ``kmc.interactions`` of every shell folded into the first).
    coordination : int
        Nearest neighbours per site used with ``pairs``.
    alpha : tuple of float
        Transition-state position (0 = initial, 1 = final state) per step, for the lateral
        energy shift of the barrier; the same rule in mean field and kMC.
    coverage_effects : tuple or None
        ``(Gf, Gr, Af, Ar)``: d ln k / d theta (steps x surface species) and coverage
        exponents (surface species x steps) of the steps' ``orders`` and
        ``coverage_dependence`` keys (dimensionless).
    kmc_pairs : tuple of (str, str, int, float)
        Pair interactions per neighbour shell as the lattice sees them (A*, B*, shell, eV).
    clusters : tuple
        Many-body cluster terms of ``kmc.clusters`` (kMC only: no first-order pair
        equivalent).
    bep : mapping equation -> float
        Explicit transition-state positions (``kmc.bep``), already folded into ``alpha``.
    """

    pairs: Mapping[str, float] = field(default_factory=dict)
    coordination: int = 4
    alpha: tuple[float, ...] = ()
    coverage_effects: tuple | None = None
    kmc_pairs: tuple[tuple[str, str, int, float], ...] = ()
    clusters: tuple[Any, ...] = ()
    bep: Mapping[str, float] = field(default_factory=dict)

    def mean_field(self) -> dict[str, Any]:
        """Keyword arguments of the mean-field solvers (``lateral``, ``coordination``,
        ``alpha``, ``coverage_effects``)."""
        import numpy as np

        return {"lateral": dict(self.pairs) or None, "coordination": int(self.coordination),
                "alpha": np.asarray(self.alpha, dtype=float) if self.alpha else None,
                "coverage_effects": self.coverage_effects}
