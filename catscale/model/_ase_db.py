"""Energies and frequencies of species and saddle points read from ASE databases.

A model file may give a species' or a ``ts``'s ``energy`` / ``frequencies`` as a database
entry instead of a number (DESIGN.md, "Model file contract")::

    references:                        # optional defaults for every entry
      ase_db: dft.db                   # database (relative to the model file)
      slab: "name=slab"                # clean slab, subtracted from adsorbates and saddles
      gas: {CO: "name=CO_gas", O2: "name=O2_gas"}   # reference molecules
    species:
      CO*:
        energy: {ase_db: dft.db, select: "name=CO_top"}       # reference from above
        frequencies: {select: "name=CO_top"}                  # row.data["frequencies"]
      O*:
        energy: {select: "name=O_fcc", reference: {slab: "name=slab", gas: {O2: "name=O2"}}}
        frequencies: {select: "name=O_fcc", compute: {calc: emt, indices: [12]}}

Formation energy: ``E = E(row) - E(slab) - sum_e n_e mu_e`` (no slab term for gases), with
n_e the atoms of element e in the row beyond the slab's and the element energies mu_e
solved so that every reference molecule has formation energy 0 (one molecule per element;
CO and O2 give mu_O = E(O2)/2, mu_C = E(CO) - mu_O). ``reference: none`` takes the row's
energy as it is. Frequencies (cm^-1, imaginary negative) come from ``row.data[key]``
(``key`` default ``frequencies``), from a stored Hessian (``data["hessian"]``, as ``catscale
pes`` caches it; free atoms: ``indices`` or those not fixed) or, with ``compute``, from
:func:`catscale.atomistic.vibrations` on the row's structure. Databases are opened
read-only in effect (only ``select``); nothing read is executed.
"""

from __future__ import annotations

import pathlib
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np

_ENTRY_KEYS = {"ase_db", "select", "reference", "key", "compute", "indices"}


class _Bad(Exception):
    def __init__(self, path: tuple, message: str):
        self.path, self.message = path, message


class _Resolver:
    def __init__(self, base: pathlib.Path, refs: dict, add: Callable[[tuple, str], None]):
        self.base, self.refs, self.add = base, refs, add
        self.dbs: dict[str, Any] = {}
        self.provenance: list[dict] = []

    def db(self, name: Any, path: tuple):
        if name is None:
            name = self.refs.get("ase_db")
        if not isinstance(name, str) or not name:
            raise _Bad(path + ("ase_db",), "expected the path of an ASE database (here or "
                       "as references.ase_db)")
        p = (self.base / name) if not pathlib.Path(name).is_absolute() else pathlib.Path(name)
        if not p.is_file():
            raise _Bad(path + ("ase_db",), f"ASE database not found: {p}")
        if str(p) not in self.dbs:
            from ase.db import connect

            try:
                self.dbs[str(p)] = connect(str(p), create_indices=False, use_lock_file=False)
            except Exception as exc:
                raise _Bad(path + ("ase_db",), f"cannot open {p} as an ASE database: "
                           f"{exc}") from None
        return str(p), self.dbs[str(p)]

    def row(self, dbname: Any, select: Any, path: tuple):
        name, db = self.db(dbname, path)
        if not isinstance(select, str) or not select.strip():
            raise _Bad(path + ("select",), "expected an ASE selection string such as "
                       "'name=CO_top'")
        try:
            rows = list(db.select(select))
        except Exception as exc:
            raise _Bad(path + ("select",), f"selection {select!r} is not valid for {name}: "
                       f"{exc}") from None
        if not rows:
            raise _Bad(path + ("select",), f"selection {select!r} matched no row in {name}")
        if len(rows) > 1:
            raise _Bad(path + ("select",), f"selection {select!r} matched {len(rows)} rows "
                       f"in {name} (ids {[r.id for r in rows][:10]}); make it unique")
        return name, rows[0]

    @staticmethod
    def energy_of(row, select: str, path: tuple) -> float:
        e = row.get("energy")
        if e is None:
            e = (row.data or {}).get("energy")
        if e is None or not np.isfinite(float(e)):
            raise _Bad(path, f"row {row.id} ({select!r}) has no energy")
        return float(e)

    def energy(self, spec: dict, surface: bool, path: tuple) -> tuple[float, dict]:
        name, row = self.row(spec.get("ase_db"), spec.get("select"), path)
        E = self.energy_of(row, spec["select"], path)
        rec: dict[str, Any] = {"db": name, "select": spec["select"], "row": row.id,
                               "raw_energy": E}
        ref = spec.get("reference", self.refs if ("slab" in self.refs or "gas" in self.refs)
                       else None)
        if ref == "none":
            rec["reference"] = "none"
            return E, rec
        if not isinstance(ref, dict):
            raise _Bad(path + ("reference",), f"no reference for {spec['select']!r}: give "
                       "'reference: {slab: ..., gas: {...}}' here or a top-level "
                       "references: block (or 'reference: none' for the raw energy)")
        comp = Counter(row.toatoms().get_chemical_symbols())
        used: dict[str, Any] = {}
        if surface:
            if "slab" not in ref:
                raise _Bad(path + ("reference", "slab"), f"missing reference slab for "
                           f"{spec['select']!r} (an adsorbate or saddle point)")
            sname, srow = self.row(ref.get("ase_db", spec.get("ase_db")), ref["slab"],
                                   path + ("reference", "slab"))
            E -= self.energy_of(srow, ref["slab"], path + ("reference", "slab"))
            comp.subtract(Counter(srow.toatoms().get_chemical_symbols()))
            if any(v < 0 for v in comp.values()):
                raise _Bad(path + ("reference", "slab"), f"row {row.id} has fewer atoms "
                           f"than the slab row {srow.id} ({dict(comp)})")
            used["slab"] = {"select": ref["slab"], "row": srow.id}
        comp = {k: v for k, v in comp.items() if v}
        if comp:
            gas = ref.get("gas") or {}
            if not isinstance(gas, dict) or not gas:
                raise _Bad(path + ("reference", "gas"), f"missing gas references for the "
                           f"elements {sorted(comp)} of {spec['select']!r}")
            mols, energies = [], []
            for g, sel in gas.items():
                _, grow = self.row(ref.get("ase_db", spec.get("ase_db")), sel,
                                   path + ("reference", "gas", g))
                mols.append(Counter(grow.toatoms().get_chemical_symbols()))
                energies.append(self.energy_of(grow, sel, path + ("reference", "gas", g)))
                used.setdefault("gas", {})[g] = {"select": sel, "row": grow.id}
            elements = sorted(set().union(*mols))
            missing = sorted(set(comp) - set(elements))
            if missing or len(elements) != len(mols):
                raise _Bad(path + ("reference", "gas"), f"the gas references {list(gas)} "
                           f"must contain each element once per molecule (one molecule per "
                           f"element: elements {elements}; {spec['select']!r} needs "
                           f"{sorted(comp)}{', missing ' + str(missing) if missing else ''})")
            A = np.array([[m.get(e, 0) for e in elements] for m in mols], dtype=float)
            if abs(np.linalg.det(A)) < 1e-9:
                raise _Bad(path + ("reference", "gas"), f"the gas references {list(gas)} do "
                           "not determine the element energies (linearly dependent)")
            mu = dict(zip(elements, np.linalg.solve(A, np.array(energies))))
            E -= sum(n * mu[e] for e, n in comp.items())
            used["element_energies"] = {e: float(v) for e, v in mu.items()}
        rec["reference"] = used
        return float(E), rec

    def frequencies(self, spec: dict, path: tuple) -> tuple[list[float], dict]:
        name, row = self.row(spec.get("ase_db"), spec.get("select"), path)
        rec: dict[str, Any] = {"db": name, "select": spec["select"], "row": row.id}
        data = row.data or {}
        key = spec.get("key", "frequencies")
        atoms = row.toatoms()
        idx = spec.get("indices")
        if spec.get("compute") is not None:
            from ..atomistic import CalculatorSpec, vibrations

            comp = spec["compute"] if isinstance(spec["compute"], dict) else {}
            calc = comp.get("calc", row.get("calculator"))
            try:
                vib = vibrations(atoms, comp.get("indices", idx), CalculatorSpec(calc),
                                 delta=float(comp.get("delta", 0.01)))
            except Exception as exc:
                raise _Bad(path + ("compute",), f"vibrations of row {row.id} with "
                           f"calculator {calc!r} failed: {exc}") from None
            rec["computed"] = {"calc": calc, "indices": list(vib.indices)}
            return [float(x) for x in vib.frequencies], rec
        if key in data:
            rec["key"] = key
            return [float(x) for x in np.asarray(data[key], dtype=float).ravel()], rec
        if "hessian" in data:
            from ase.vibrations import VibrationsData

            from ..atomistic import free_atoms

            idx = list(idx) if idx is not None else free_atoms(atoms)
            try:
                f = VibrationsData.from_2d(atoms, np.asarray(data["hessian"]),
                                           indices=idx).get_frequencies()
            except Exception as exc:
                raise _Bad(path + ("indices",), f"the Hessian of row {row.id} does not fit "
                           f"the free atoms {idx}: {exc}") from None
            nu = np.where(np.abs(f.imag) > np.abs(f.real), -np.abs(f.imag), f.real)
            rec["key"] = "hessian"
            return [float(x) for x in np.sort(nu)], rec
        raise _Bad(path + ("key",), f"row {row.id} ({spec['select']!r}) has no data "
                   f"{key!r} (data keys: {sorted(data)}); give 'key', or 'compute: "
                   "{calc: emt}'")


def resolve_ase_entries(data: dict, base: pathlib.Path, add: Callable[[tuple, str], None],
                        is_surface: Callable[[str, dict], bool]) -> list[dict]:
    """Replace every ``{ase_db: ..., select: ...}`` energy/frequencies entry of ``data`` (a
    parsed model file) by its value; return the provenance records (which row fed which
    field). Problems are reported through ``add(path, message)``."""
    refs = data.get("references") or {}
    if not isinstance(refs, dict):
        add(("references",), "expected a mapping {ase_db, slab, gas}")
        refs = {}
    bad = set(refs) - {"ase_db", "slab", "gas"}
    for k in sorted(bad):
        add(("references", k), "unknown key (expected ase_db, slab, gas)")
    r = _Resolver(base, refs, add)
    targets = []
    species = data.get("species")
    if isinstance(species, dict):
        for n, sp in species.items():
            if isinstance(sp, dict):
                targets.append((("species", n), sp, is_surface(n, sp)))
    steps = data.get("steps")
    if isinstance(steps, list):
        for i, st in enumerate(steps):
            if isinstance(st, dict) and isinstance(st.get("ts"), dict):
                targets.append((("steps", i, "ts"), st["ts"], True))
    for base_path, holder, surface in targets:
        for field in ("energy", "frequencies"):
            spec = holder.get(field)
            if not isinstance(spec, dict):
                continue
            path = base_path + (field,)
            unknown = set(spec) - _ENTRY_KEYS
            if unknown:
                add(path, f"unknown key(s) {sorted(unknown)} of a database entry (expected "
                    f"{sorted(_ENTRY_KEYS)})")
                holder[field] = None
                continue
            try:
                if field == "energy":
                    v, rec = r.energy(spec, surface, path)
                    holder[field] = f"{v!r} eV"      # eV whatever the file's energy unit
                else:
                    v, rec = r.frequencies(spec, path)
                    holder[field] = v
            except _Bad as exc:
                add(exc.path, exc.message)
                holder[field] = None
                continue
            rec["field"] = ".".join(str(x) if not isinstance(x, int) else f"[{x}]"
                                    for x in path).replace(".[", "[")
            rec["value"] = v
            r.provenance.append(rec)
    return r.provenance
