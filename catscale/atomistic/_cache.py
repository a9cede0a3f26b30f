"""Result cache in an ASE database (SQLite), keyed by structure, calculator and task."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
from ase import Atoms
from ase.constraints import FixAtoms

from ._calculators import CalculatorSpec


def structure_key(atoms: Atoms) -> dict[str, Any]:
    """Canonical description of a structure (positions rounded to 1e-6 Angstrom)."""
    fixed: list[int] = []
    for c in atoms.constraints:
        if isinstance(c, FixAtoms):
            fixed.extend(int(i) for i in c.index)
    return {
        "numbers": atoms.numbers.tolist(),
        "positions": np.round(atoms.positions, 6).tolist(),
        "cell": np.round(np.asarray(atoms.cell), 6).tolist(),
        "pbc": atoms.pbc.tolist(),
        "fixed": sorted(fixed),
        "charges": np.round(atoms.get_initial_charges(), 6).tolist(),
        "magmoms": np.round(atoms.get_initial_magnetic_moments(), 6).tolist(),
    }


def cache_key(task: str, calc: CalculatorSpec, structures: list[Atoms],
              params: dict[str, Any]) -> str:
    """SHA-256 of the task name, calculator settings, structures and task parameters."""
    blob = json.dumps({"task": task, "calc": calc.key(),
                       "structures": [structure_key(a) for a in structures],
                       "params": params}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


class PESCache:
    """An ASE database of finished calculations.

    Parameters
    ----------
    path : str or Path
        SQLite file (``.db``); created on first write.

    Each row stores the output structure of a task with ``key`` (the cache key) and ``task``
    as key-value pairs, and the numerical results (energies, Hessian, ...) in ``data``.
    """

    def __init__(self, path: str | Path):
        from ase.db import connect

        self.path = str(path)
        self.db = connect(self.path, type="db")

    def get(self, key: str, index: int | None = None):
        """The row(s) stored under ``key``: list of AtomsRow sorted by ``image``."""
        rows = list(self.db.select(key=key))
        rows.sort(key=lambda r: r.get("image", 0))
        return rows

    def put(self, key: str, task: str, atoms_list: list[Atoms], data: dict[str, Any],
            energies: list[float] | None = None) -> None:
        """Store the structures of a finished task under ``key`` (data on the first row)."""
        from ase.calculators.singlepoint import SinglePointCalculator

        for i, a in enumerate(atoms_list):
            b = a.copy()
            if energies is not None:
                b.calc = SinglePointCalculator(b, energy=float(energies[i]))
            self.db.write(b, key=key, task=task, image=i, data=data if i == 0 else {})

    def put_named(self, name: str, atoms: Atoms, energy: float,
                  frequencies: list[float] | None = None) -> int:
        """Store a structure as a row ``name=<name>`` with its energy (eV) and, when given,
        ``data["frequencies"]`` (cm^-1, imaginary negative), replacing an earlier row of
        that name: the form a model file reads with ``{ase_db: ..., select: "name=..."}``.
        Returns the row id."""
        from ase.calculators.singlepoint import SinglePointCalculator

        old = [r.id for r in self.db.select(name=name)]
        if old:
            self.db.delete(old)
        b = atoms.copy()
        b.calc = SinglePointCalculator(b, energy=float(energy))
        data = {"frequencies": [float(f) for f in frequencies]} if frequencies else {}
        return self.db.write(b, name=name, data=data)

    def __len__(self) -> int:
        return self.db.count()
