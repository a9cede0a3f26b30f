"""Schema of the ``kmc:`` model-file section (owned by catscale.kmc).

Example (every key optional; defaults shown where they exist)::

    kmc:
      lattice: square          # a registered lattice (catscale.lattices.LATTICES: square,
                               # hexagonal = triangular, honeycomb, fcc111) or custom
      size: [64, 64]           # cells along a1, a2 (periodic)
      events: 1000000
      seed: 1
      shells: 3                # neighbour shells tabulated (interactions reach <= 3)
      unit_cell:               # lattice: custom only
        vectors: [[1, 0], [0, 1]]
        sites: [{kind: "*", position: [0, 0]}, {kind: "b", position: [0.5, 0.5]}]
      interactions:            # beyond the top-level `lateral:` (which is shell 1)
        - {pair: "CO*-CO*", shell: 2, energy: 0.02}        # eV, or "2 kJ/mol"
      clusters:                # many-body terms (cluster expansion); sites: [b, di, dj]
        - {species: [O*, O*, O*], sites: [[0, 0, 0], [0, 1, 0], [0, 0, 1]], energy: 0.03}
      diffusion: {CO*: 1.0e6}  # total hop rate of an isolated adsorbate, s^-1
      bep: {"CO* + O* <=> CO2 + 2*": 0.5}    # TS position alpha of a step for lateral
                               # shifts (forward; mean field uses it too)
      initial: {O*: 0.5}       # random initial coverages (fraction of the sites of the kind)
      blocks: 20               # block averaging
      warmup: auto             # or a fraction of the blocks
      time: 1.0e3              # stop at this simulated time (s)
      checkpoint: run.ckpt.npz
      checkpoint_interval: 1   # blocks between checkpoints
      replicas: 1              # independent seeds in parallel local processes
      target_error: 0.05       # run until converged: relative TOF error (and element
                               # balance, stationarity), continuing the trajectory
      max_events: 10000000     # event cap of that (default 10 x events)
      fast_diffusion: false    # or true, or {separation: 200, tolerance: 0.1,
                               #   instance_separation: 200, check: false}
                               # check: a second run scaled by S/2 estimates the bias
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ...lattices import lattice_names
from ...quantities import (
    MAX_BLOCKS,
    MAX_EVENTS,
    MAX_LATTICE_SIZE,
    MAX_REPLICAS,
    MAX_SEED,
)
from .._quantities import Energy, Rate, Time, registry_choice

#: a registered lattice (:data:`catscale.lattices.LATTICES`) or ``custom`` (unit_cell)
LatticeChoice = Annotated[str, registry_choice(lambda: (*lattice_names(), "custom"),
                                               "lattice")]


class UnitCellSite(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str = "*"
    position: tuple[float, float]


class UnitCell(BaseModel):
    """Bravais vectors (rows, lattice constants) and basis sites (fractional coordinates)."""

    model_config = ConfigDict(extra="forbid")
    vectors: tuple[tuple[float, float], tuple[float, float]]
    sites: list[UnitCellSite] = Field(min_length=1)


class PairInteraction(BaseModel):
    model_config = ConfigDict(extra="forbid")
    pair: str
    shell: int = Field(1, ge=1, le=3)
    energy: Energy

    @field_validator("pair")
    @classmethod
    def _pair(cls, v: str) -> str:
        if "-" not in v:
            raise ValueError(f"expected 'A*-B*', got {v!r}")
        return v


class ClusterSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    species: list[str] = Field(min_length=2)
    sites: list[tuple[int, int, int]] = Field(min_length=2)
    energy: Energy

    @model_validator(mode="after")
    def _same_length(self):
        if len(self.species) != len(self.sites):
            raise ValueError(f"one site [b, di, dj] per species: {len(self.species)} species, "
                             f"{len(self.sites)} sites")
        return self


class FastDiffusionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    separation: float = Field(200.0, ge=2)
    tolerance: float = Field(0.1, gt=0, lt=1)
    min_executions: int = Field(200, ge=1)
    min_scale: float = Field(1e-8, gt=0, le=1)
    # per-instance separation: scaled channel refill rate per site >= this x the per-pair rate
    # of slow pair processes on its states (default: separation)
    instance_separation: float | None = Field(None, ge=0)
    # a posteriori bias estimate: a second run with the separations halved (S/2)
    check: bool = False


class KMCSection(BaseModel):
    """The ``kmc:`` section: lattice, run length, interactions beyond NN, run control."""

    model_config = ConfigDict(extra="forbid")
    lattice: LatticeChoice = "square"
    size: tuple[int, int] = (64, 64)
    events: int = Field(1_000_000, ge=1, le=MAX_EVENTS)
    seed: int = Field(1, ge=0, le=MAX_SEED)
    shells: int = Field(3, ge=1, le=3)
    unit_cell: UnitCell | None = None
    interactions: list[PairInteraction] = Field(default_factory=list)
    clusters: list[ClusterSpec] = Field(default_factory=list)
    diffusion: dict[str, Rate] = Field(default_factory=dict)
    bep: dict[str, float] = Field(default_factory=dict)
    initial: dict[str, float] = Field(default_factory=dict)
    blocks: int = Field(20, ge=1, le=MAX_BLOCKS)
    warmup: Literal["auto"] | float = "auto"
    time: Time | None = None
    checkpoint: str | None = None
    checkpoint_interval: int = Field(1, ge=0)
    replicas: int = Field(1, ge=1, le=MAX_REPLICAS)
    fast_diffusion: bool | FastDiffusionSpec = False
    # run until converged: relative TOF error target, and its event cap (default 10 x events)
    target_error: float | None = Field(None, gt=0, lt=1)
    max_events: int | None = Field(None, ge=1, le=MAX_EVENTS)

    @field_validator("size", mode="before")
    @classmethod
    def _size(cls, v):
        if isinstance(v, int) and not isinstance(v, bool):
            return (v, v)
        return v

    @field_validator("size")
    @classmethod
    def _size_positive(cls, v):
        if min(v) < 3 or max(v) > MAX_LATTICE_SIZE:
            raise ValueError(f"expected two integers in [3, {MAX_LATTICE_SIZE}], got {list(v)}")
        return v

    @field_validator("warmup")
    @classmethod
    def _warmup(cls, v):
        if v != "auto" and not (0.0 <= float(v) < 1.0):
            raise ValueError(f"expected 'auto' or a fraction in [0, 1), got {v!r}")
        return v

    @field_validator("bep")
    @classmethod
    def _bep(cls, v):
        for k, a in v.items():
            if not (0.0 <= a <= 1.0):
                raise ValueError(f"BEP alpha of {k!r} must lie in [0, 1], got {a}")
        return v

    @field_validator("initial")
    @classmethod
    def _initial(cls, v):
        for k, a in v.items():
            if not (0.0 <= a <= 1.0):
                raise ValueError(f"initial coverage of {k!r} must lie in [0, 1], got {a}")
        return v

    @model_validator(mode="after")
    def _custom_needs_cell(self):
        if self.lattice == "custom" and self.unit_cell is None:
            raise ValueError("lattice: custom needs a unit_cell {vectors, sites}")
        if self.lattice != "custom" and self.unit_cell is not None:
            raise ValueError("unit_cell is used only with lattice: custom")
        if self.blocks > self.events:
            raise ValueError(f"blocks ({self.blocks}) must not exceed events ({self.events})")
        if self.max_events is not None and self.max_events < self.events:
            raise ValueError(f"max_events ({self.max_events}) must not be below events "
                             f"({self.events})")
        return self


def build_lattice(section: KMCSection, kinds: list[str], name: str | None = None,
                  size: tuple[int, int] | None = None):
    """The :class:`catscale.kmc.Lattice` of a ``kmc:`` section.

    Parameters
    ----------
    section : KMCSection
    kinds : list of str
        Site kinds of the mechanism (``"*"``, ...); a named lattice other than ``fcc111``
        holds one kind.
    name, size : optional
        Overrides of ``lattice`` and ``size`` (cells along a1, a2).
    """
    from catscale.errors import InvalidParameterError
    from catscale.kmc import Lattice
    from catscale.lattices import lattice_kind, lattice_names

    name = name or section.lattice
    L = tuple(size) if size else tuple(section.size)
    if name == "custom":
        uc = section.unit_cell
        return Lattice(uc.vectors, [s.position for s in uc.sites], [s.kind for s in uc.sites],
                       L, n_shells=section.shells, name="custom")
    entry = lattice_kind(name, field_name="kmc.lattice")
    if entry.site_kinds is not None:
        return Lattice.from_name(name, L, n_shells=section.shells)
    if len(kinds) != 1:
        several = [n for n in lattice_names(one_kind=False)]
        raise InvalidParameterError(
            "kmc.lattice", f"one of {several} or custom (unit_cell) for several site kinds "
            f"{kinds}", name)
    return Lattice.from_name(name, L, kind=kinds[0], n_shells=section.shells)
