"""Rate tables: forward and reverse rate constants of every step at one temperature."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from ..errors import InvalidParameterError
from ..results import Column, StageResult, hidden, info, quantity, table


def _frozen(a, n: int, name: str) -> np.ndarray:
    arr = np.array(a, dtype=float).reshape(-1)
    if arr.shape != (n,):
        raise InvalidParameterError(name, f"{n} values (one per step)", arr.shape)
    arr.setflags(write=False)
    return arr


#: What a step's dG_act is (see :class:`RateTable`).
BARRIER_KINDS = ("saddle", "free_energy", "arrhenius", "bep", "effective", "non_activated")


@dataclass(frozen=True)
class RateTable:
    """Rate constants of every step of a mechanism at temperature ``T``.

    Mass-action convention (DESIGN.md): rate_j = k_f[j] prod(p_gas / p0) prod(theta)
    - k_r[j] prod(...), in s^-1 per site. Hence ``k_f[j]`` has unit s^-1 bar^-n where n is
    the number of gas molecules among the reactants (``units()`` spells it out); p0 = 1 bar
    is :data:`catscale.units.P0`.

    Attributes
    ----------
    T : float
        Temperature, K.
    equations : tuple of str
        Step equations, in mechanism order.
    k_f, k_r : ndarray
        Forward and reverse rate constants (k_r = 0 for irreversible steps).
    dG, dG_act : ndarray
        Standard reaction free energy (gases at 1 bar) and forward free-energy barrier, eV;
        NaN where not defined (fixed rate constants without thermochemistry).
    K_eq : ndarray
        Equilibrium constants k_f / k_r (bar^-dn); inf for irreversible steps.
    n_gas_f, n_gas_r : ndarray of int
        Gas molecules among reactants and products (for the units).
    barrier_kind : tuple of str
        What ``dG_act`` of each step is (``BARRIER_KINDS``; "" when not said): "saddle"
        (G_TS - G_IS from a saddle point), "free_energy" (``Ea`` without ``A``: Eyring with
        prefactor kB T / h, so Ea acts as a free-energy barrier), "arrhenius" (``Ea`` with
        ``A``: effective barrier -kB T ln(k_f h / kB T)), "bep" (Ea from a BEP relation,
        as free_energy or arrhenius), "effective" (fixed k: -kB T ln(k_f h / kB T)),
        "non_activated" (sticking: collision theory, no barrier; ``dG_act`` NaN).
    """

    T: float
    equations: tuple[str, ...]
    k_f: np.ndarray
    k_r: np.ndarray
    dG: np.ndarray | None = None
    dG_act: np.ndarray | None = None
    K_eq: np.ndarray | None = None
    n_gas_f: np.ndarray | None = None
    n_gas_r: np.ndarray | None = None
    barrier_kind: tuple[str, ...] | None = None

    def __post_init__(self):
        n = len(self.equations)
        if not (np.isfinite(self.T) and self.T > 0):
            raise InvalidParameterError("T", "> 0 K", self.T)
        object.__setattr__(self, "equations", tuple(self.equations))
        kf = _frozen(self.k_f, n, "k_f")
        kr = _frozen(self.k_r, n, "k_r")
        for name, arr in (("k_f", kf), ("k_r", kr)):
            if np.any(~np.isfinite(arr)) or np.any(arr < 0):
                j = int(np.flatnonzero(~np.isfinite(arr) | (arr < 0))[0])
                raise InvalidParameterError(f"{name}[{j}] ({self.equations[j]})",
                                            "a finite value >= 0", float(arr[j]))
        object.__setattr__(self, "k_f", kf)
        object.__setattr__(self, "k_r", kr)
        nan = np.full(n, np.nan)
        object.__setattr__(self, "dG", _frozen(nan if self.dG is None else self.dG, n, "dG"))
        object.__setattr__(self, "dG_act",
                           _frozen(nan if self.dG_act is None else self.dG_act, n, "dG_act"))
        if self.K_eq is None:
            with np.errstate(divide="ignore", invalid="ignore"):
                K = np.where(kr > 0, kf / np.where(kr > 0, kr, 1.0), np.inf)
        else:
            K = self.K_eq
        object.__setattr__(self, "K_eq", _frozen(K, n, "K_eq"))
        kinds = tuple("" for _ in range(n)) if self.barrier_kind is None else \
            tuple(str(k) for k in self.barrier_kind)
        if len(kinds) != n or any(k and k not in BARRIER_KINDS for k in kinds):
            raise InvalidParameterError("barrier_kind", f"{n} of {BARRIER_KINDS}", kinds)
        object.__setattr__(self, "barrier_kind", kinds)
        zeros = np.zeros(n, dtype=int)
        for name in ("n_gas_f", "n_gas_r"):
            v = getattr(self, name)
            arr = np.array(zeros if v is None else v, dtype=int).reshape(-1)
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)

    def __len__(self) -> int:
        return len(self.equations)

    def units(self, j: int) -> tuple[str, str]:
        """Units of (k_f[j], k_r[j]) as text."""
        def u(n: int) -> str:
            return "s^-1" if n == 0 else f"s^-1 bar^-{n}"
        return u(int(self.n_gas_f[j])), u(int(self.n_gas_r[j]))

    def to_records(self) -> list[dict]:
        """One dict per step with keys equation, dG, dG_act, barrier_kind, k_f, k_r, K_eq
        (JSON ready; NaN as None)."""
        def f(x):
            x = float(x)
            return x if np.isfinite(x) else None
        return [dict(equation=self.equations[j], dG=f(self.dG[j]), dG_act=f(self.dG_act[j]),
                     barrier_kind=self.barrier_kind[j] or None,
                     k_f=f(self.k_f[j]), k_r=f(self.k_r[j]), K_eq=f(self.K_eq[j]))
                for j in range(len(self))]

    # -- the result contract (catscale rates --json, results.nc) --------------------------
    def result(self) -> RatesResult:
        """This table as a typed result (units declared once, in :class:`RatesResult`)."""
        return RatesResult(T=float(self.T), steps=self.to_records(), table_obj=self)

    def to_dict(self) -> dict:
        """The ``catscale rates --json`` object (T, steps)."""
        return self.result().to_dict()

    def to_dataset(self, attrs=None):
        """The table as an :class:`xarray.Dataset` with declared units."""
        return self.result().to_dataset(attrs)

    def text(self) -> str:
        """A readable table (dG, dG_act in eV; k in s^-1 with pressures in bar)."""
        return self.result().text()

    @property
    def warnings(self) -> list[str]:
        """Nothing to warn of: rate constants are checked finite and >= 0 on creation."""
        return []


_STEP_COLUMNS = {
    "dG": Column("eV", "reaction free energy"),
    "dG_act": Column("eV", "activation free energy (forward; effective barrier "
                           "-kT ln(k_f h / kT) for routes without a saddle point)"),
    "k_f": Column("1/s", "forward rate constant per site (pressures as activities p/1 bar)"),
    "k_r": Column("1/s", "reverse rate constant per site (pressures as activities p/1 bar)"),
    "K_eq": Column("1", "equilibrium constant k_f / k_r (pressures as activities p/1 bar)"),
}


@dataclasses.dataclass(frozen=True, kw_only=True)
class RatesResult(StageResult):
    """Rate constants of every step (``catscale rates --json``)."""

    stage = "rates"
    T: float = quantity("K", "temperature")
    steps: list = table("elementary steps", _STEP_COLUMNS, dim="step", label="equation")
    warnings: list = info("warnings", default=[])
    table_obj: object = hidden()

    @property
    def rate_table(self) -> RateTable:
        """The :class:`RateTable` itself."""
        return self.table_obj

    def text(self) -> str:
        """A readable table (dG, dG_act in eV; k in s^-1 with pressures in bar)."""
        def f(x, fmt):
            return "-" if x is None or (isinstance(x, float) and not math.isfinite(x)) \
                else format(x, fmt)

        w = max([len(r["equation"]) for r in self.steps] + [4])
        lines = [f"T = {self.T:g} K",
                 f"{'step':<{w}}  {'dG/eV':>8}  {'dG_act/eV':>9}  {'barrier':<13}  "
                 f"{'k_f':>10}  {'k_r':>10}  {'K_eq':>10}"]
        for r in self.steps:
            lines.append(f"{r['equation']:<{w}}  {f(r['dG'], '8.3f'):>8}  "
                         f"{f(r['dG_act'], '9.3f'):>9}  {r.get('barrier_kind') or '-':<13}  "
                         f"{f(r['k_f'], '10.3e'):>10}  {f(r['k_r'], '10.3e'):>10}  "
                         f"{f(r['K_eq'], '10.3e'):>10}")
        notes = {"saddle": "saddle: dG_act = G(TS) - G(IS), Eyring TST",
                 "free_energy": "free_energy: Ea without A is a free-energy barrier, "
                                "k_f = kT/h exp(-Ea/kT)",
                 "arrhenius": "arrhenius: Ea with A; dG_act is the effective barrier "
                              "-kT ln(k_f h/kT)",
                 "bep": "bep: Ea from the BEP relation (prefactor A, else kT/h)",
                 "effective": "effective: fixed k; dG_act = -kT ln(k_f h/kT)",
                 "non_activated": "non_activated: sticking (collision theory), no barrier"}
        kinds = {r.get("barrier_kind") for r in self.steps}
        used = [k for k in notes if k in kinds]
        if used:
            lines.append("barrier: " + "; ".join(notes[k] for k in used))
        return "\n".join(lines)
