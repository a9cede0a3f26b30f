"""Schema of the ``diffusion:`` model-file section (owned by catscale.diffusion).

Surface diffusion of one adsorbate as a nearest-neighbour lattice gas. Every key is optional::

    diffusion:
      species: CO*             # adsorbate; eps defaults to lateral["CO*-CO*"] of this file
      lattice: square          # a registered Bravais lattice: square | hexagonal (=
                               # triangular) (default: kmc.lattice if Bravais, else square)
      eps: -0.05               # nearest-neighbour pair energy, eV (< 0 attractive)
      hop_barrier: 0.30        # Ea0 of an isolated adsorbate, eV ...
      prefactor: 1.0e13        # ... and its attempt frequency, s^-1 (default kB T / h);
      hop_rate: 1.0e6          # or directly Gamma, s^-1 per neighbour (overrides the two above)
      rule: metropolis         # metropolis | initial_state | bep (hop rates vs interactions)
      a: 2.77 angstrom         # nearest-neighbour distance (default 2.5 angstrom)
      T: 500 K                 # default conditions.T
      coverages: "0.1:0.9:9"   # "start:stop:count" or a list [0.1, 0.5, 0.9]
      size: [64, 64]           # kMC lattice
      events: 2000000          # kMC events per canonical run (and per grand-canonical run)
      replicas: 2              # independent replicas per coverage
      seed: 1
      method: kmc              # kmc | closure (closure only: fast, no statistics)
      closure: quasi_chemical  # langmuir | bragg_williams | quasi_chemical (shown alongside)
      exchange_rate: 1.0e6     # grand-canonical adsorption/desorption scale, s^-1 (default Gamma)
      grand_size: 20           # side of the grand-canonical lattice for Phi

Defaults: eps 0 unless ``lateral`` has the pair of ``species``; Gamma = prefactor
exp(-hop_barrier / kT) with hop_barrier 0 and prefactor kB T/h when neither hop_rate nor
hop_barrier is given; a = 2.5 angstrom.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ...lattices import lattice_names
from ...quantities import (
    MAX_COVERAGES,
    MAX_EVENTS,
    MAX_LATTICE_SIZE,
    MAX_REPLICAS,
    MAX_SEED,
)
from .._quantities import Energy, Length, Temperature, registry_choice
from .._quantities import PositiveRate as Rate

#: a registered Bravais lattice (one site per cell), as the lattice-gas kMC needs
BravaisChoice = Annotated[str, registry_choice(lambda: lattice_names(bravais=True),
                                               "Bravais lattice")]


def parse_coverages(v: object) -> list[float]:
    """Coverages from ``"start:stop:count"`` (inclusive, evenly spaced) or a list.

    Raises ValueError with the constraint and the value received.
    """
    if isinstance(v, str):
        parts = v.split(":")
        if len(parts) != 3:
            raise ValueError(f"expected 'start:stop:count' or a list of coverages, got {v!r}")
        try:
            a, b, n = float(parts[0]), float(parts[1]), int(parts[2])
        except ValueError:
            raise ValueError(f"expected 'start:stop:count' with numbers, got {v!r}") from None
        if not 1 <= n <= MAX_COVERAGES:
            raise ValueError(f"expected a count in [1, {MAX_COVERAGES}] in 'start:stop:count', "
                             f"got {v!r}")
        vals = [a] if n == 1 else [a + (b - a) * i / (n - 1) for i in range(n)]
    elif isinstance(v, (list, tuple)) and v:
        if len(v) > MAX_COVERAGES:
            raise ValueError(f"expected at most {MAX_COVERAGES} coverages, got {len(v)}")
        try:
            vals = [float(x) for x in v]
        except (TypeError, ValueError):
            raise ValueError(f"expected numbers, got {v!r}") from None
    else:
        raise ValueError(f"expected 'start:stop:count' or a non-empty list, got {v!r}")
    bad = [x for x in vals if not 0.0 < x < 1.0]
    if bad:
        raise ValueError(f"expected coverages strictly between 0 and 1, got {bad}")
    return vals


class DiffusionSection(BaseModel):
    """The ``diffusion:`` section: lattice gas, hop kinetics and the D(theta) scan."""

    model_config = ConfigDict(extra="forbid")

    species: str | None = None
    lattice: BravaisChoice | None = None
    eps: Energy | None = None
    hop_barrier: Energy | None = None
    prefactor: Rate | None = None
    hop_rate: Rate | None = None
    rule: Literal["metropolis", "initial_state", "bep"] = "metropolis"
    a: Length = 2.5e-10
    T: Temperature | None = None
    coverages: list[float] = Field(default_factory=lambda: parse_coverages("0.1:0.9:9"))
    size: tuple[int, int] = (64, 64)
    events: int = Field(2_000_000, ge=1000, le=MAX_EVENTS)
    replicas: int = Field(2, ge=1, le=MAX_REPLICAS)
    seed: int = Field(1, ge=0, le=MAX_SEED)
    method: Literal["kmc", "closure"] = "kmc"
    closure: Literal["langmuir", "bragg_williams", "quasi_chemical"] = "quasi_chemical"
    exchange_rate: Rate | None = None
    grand_size: int = Field(20, ge=4, le=MAX_LATTICE_SIZE)

    @field_validator("coverages", mode="before")
    @classmethod
    def _cov(cls, v: object) -> list[float]:
        return parse_coverages(v)

    @field_validator("size")
    @classmethod
    def _size(cls, v: tuple[int, int]) -> tuple[int, int]:
        if min(v) < 3 or max(v) > MAX_LATTICE_SIZE:
            raise ValueError(f"expected two integers in [3, {MAX_LATTICE_SIZE}], got {list(v)}")
        return v
