"""CatMAP descriptor models -> catscale.

Reads a CatMAP ``.mkm`` setup file (Python assignments of literals, parsed with :mod:`ast`
and evaluated by a whitelist of literals and bounded arithmetic, never executed) and its
``energies.txt`` table, and rebuilds the model CatMAP solves (SUNCAT-Center/catmap,
tutorials/2-creating_microkinetic_model):

* ``rxn_expressions`` ``'IS -> FS'`` / ``'IS <-> TS -> FS'`` become reversible steps; names
  ``CO_g`` -> ``CO``, ``CO*``/``CO_s`` -> ``CO*``, ``*_s`` -> ``*`` (one site kind);
* gases: ``shomate_gas`` (NIST Shomate coefficients below, ZPE from the table's
  frequencies) on top of the tabulated formation energy;
* adsorbates and transition states: ``frozen_adsorbate`` (G = E);
* descriptors are the formation energies of the adsorbates named in ``descriptor_names``;
  transition states scale with the adsorbate energy of their initial ('initial_state') or
  final ('final_state') state, fitted by least squares over ``surface_names`` (CatMAP's
  generalized linear scaler); other non-descriptor adsorbates are fitted linearly in the
  descriptors over the same surfaces.

NIST Shomate coefficients: NIST Chemistry WebBook, SRD 69 (the values CatMAP ships in
catmap/data/parameter_data.py).
"""

from __future__ import annotations

import ast
import csv
import math
import pathlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...bridges.descriptors_to_rates import (
    DescriptorModel,
    TSScaling,
    fit_ts_scaling,
    rate_table,
    rates_function,
)
from ...errors import InvalidParameterError, ModelFileError
from ...mechanism import Mechanism, RateTable

#: NIST WebBook Shomate coefficients (A..H) and ranges (K) for common gases.
SHOMATE: dict[str, list[tuple[tuple[float, float], list[float]]]] = {
    "CO": [((298, 1300), [25.56759, 6.096130, 4.054656, -2.671201, 0.131021, -118.0089,
                          227.3665, -110.5271]),
           ((1300, 6000), [35.15070, 1.300095, -0.205921, 0.013550, -3.282780, -127.8375,
                           231.7120, -110.5271])],
    "CO2": [((298, 1200), [24.99735, 55.18696, -33.69137, 7.948387, -0.136638, -403.6075,
                           228.2431, -393.5224]),
            ((1200, 6000), [58.16639, 2.720075, -0.492289, 0.038844, -6.447293, -425.9186,
                            263.6125, -393.5224])],
    "O2": [((100, 700), [31.32234, -20.23531, 57.8664, -36.50624, -0.007374, -8.903471,
                         246.7945, 0.0]),
           ((700, 2000), [30.03235, 8.772972, -3.988133, 0.788313, -0.741599, -11.32468,
                          236.1663, 0.0])],
    "H2": [((298, 1000), [33.066178, -11.363417, 11.432816, -2.772874, -0.158558, -9.980797,
                          172.707974, 0.0])],
    "H2O": [((500, 1700), [30.09200, 6.832514, 6.793435, -2.534480, 0.082139, -250.8810,
                           223.3967, -241.8264])],
    "CH4": [((298, 1300), [-0.703029, 108.4773, -42.52157, 5.862788, 0.678565, -76.84376,
                           158.7163, -74.87310])],
    "N2": [((100, 500), [28.98641, 1.853978, -9.647459, 16.63537, 0.000117, -8.671914,
                         226.4168, 0.0]),
           ((500, 2000), [19.50583, 19.88705, -8.598535, 1.369784, 0.527601, -4.935202,
                          212.3900, 0.0])],
}


_OPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
        ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b,
        ast.Pow: lambda a, b: a ** b}
#: bounds of the arithmetic a .mkm file may contain: |integer results| and |exponents|
MAX_INT = 2**63
MAX_EXPONENT = 400
#: most grid points per descriptor axis (CatMAP tutorials use 15-100)
MAX_RESOLUTION = 2000


class _Refused(ValueError):
    """A literal whose value would be unbounded (``9**9**9``): refused, not skipped."""


def _literal(node: ast.AST) -> Any:
    """Value of a literal expression: numbers, strings, True/False/None, lists, tuples,
    dicts, and + - * / ** between numbers (``1./3.``) with bounded results. Anything else
    (names, calls, attributes, comprehensions ...) raises ValueError: nothing is executed.

    Raises
    ------
    _Refused
        For arithmetic whose result is not bounded (|int| > 2**63, non-finite float,
        exponent > 400).
    ValueError
        For a node outside the whitelist.
    """
    if isinstance(node, ast.Constant):
        v = node.value
        if v is None or isinstance(v, (bool, int, float, str)):
            return v
        raise ValueError(f"constant of type {type(v).__name__}")
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        a, b = _literal(node.left), _literal(node.right)
        if not (_is_number(a) and _is_number(b)):
            raise ValueError("arithmetic on non-numbers")
        big_int = (isinstance(a, int) and isinstance(b, int) and abs(a) > 1 and b > 0
                   and b * math.log2(abs(a)) > 63)
        if isinstance(node.op, ast.Pow) and (abs(b) > MAX_EXPONENT or big_int):
            raise _Refused(f"power with an unbounded result (exponent {b!r}; the limits "
                           f"are |exponent| <= {MAX_EXPONENT} and |integers| < 2**63)")
        try:
            v = _OPS[type(node.op)](a, b)
        except OverflowError:
            raise _Refused("arithmetic overflows a float") from None
        if isinstance(v, complex):
            raise ValueError("complex result")
        if isinstance(v, int) and abs(v) >= MAX_INT:
            raise _Refused(f"integer beyond the limit of 2**63 ({node.lineno}:"
                           f"{node.col_offset})")
        if isinstance(v, float) and not math.isfinite(v):
            raise _Refused("arithmetic gives a non-finite number")
        return v
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _literal(node.operand)
        if not _is_number(v):
            raise ValueError("sign of a non-number")
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.List):
        return [_literal(e) for e in node.elts]
    if isinstance(node, ast.Tuple):
        return tuple(_literal(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        if any(k is None for k in node.keys):
            raise ValueError("dict unpacking")
        return {_literal(k): _literal(v) for k, v in zip(node.keys, node.values)}
    raise ValueError(f"{type(node).__name__} is not a literal")


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _parse_literal(text: str) -> Any:
    """Value of one literal expression in ``text`` (see :func:`_literal`)."""
    return _literal(ast.parse(text.strip(), mode="eval").body)


def read_mkm(path: str | pathlib.Path, base: str | pathlib.Path | None = None,
             source: str | None = None, field: str = "(file)") -> dict[str, Any]:
    """Literal assignments of a CatMAP ``.mkm`` file (``x = [...]``, ``d['k'] = {...}``).

    The file is parsed (:mod:`ast`), never executed: only literals and bounded arithmetic
    between numbers are evaluated (:func:`_literal`); other statements are skipped. The
    file is read through :func:`catscale.model.read_referenced` (regular file, size cap).

    Parameters
    ----------
    path : path
        The ``.mkm`` file.
    base, source, field : optional
        Directory ``path`` is relative to, and the referring file and field (when another
        file names this one).

    Raises
    ------
    ModelFileError
        Syntax error, or an expression whose value is unbounded (``9**9**9``).
    """
    from .._files import max_bytes, read_referenced

    path, raw = read_referenced(path, base=base, source=source or str(path), field=field,
                                formats=(".mkm", ".txt", ".py"), cap=max_bytes("model"))
    text = raw.decode("utf-8")
    out: dict[str, Any] = {}
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        raise ModelFileError(str(path), "(syntax)", f"not a CatMAP .mkm file: {exc.msg}",
                             exc.lineno) from None
    except (RecursionError, MemoryError):
        raise ModelFileError(str(path), "(syntax)", "nested too deeply to be a CatMAP .mkm "
                             "file") from None
    for node in tree.body:
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        tgt = node.targets[0]
        name = (tgt.id if isinstance(tgt, ast.Name) else
                tgt.value.id if isinstance(tgt, ast.Subscript)
                and isinstance(tgt.value, ast.Name) else None)
        if name is None:
            continue
        try:
            val = _literal(node.value)
            key = _literal(tgt.slice) if isinstance(tgt, ast.Subscript) else None
        except _Refused as exc:
            raise ModelFileError(str(path), name, f"refused: {exc}", node.lineno) from None
        except (ValueError, TypeError, ZeroDivisionError, RecursionError):
            continue      # expressions that are not literals (rare in .mkm files) are skipped
        if isinstance(tgt, ast.Name):
            out[name] = val
        else:
            try:
                out.setdefault(name, {})[key] = val
            except TypeError:     # `x = 1` then `x['k'] = ...`, or an unhashable key
                raise ModelFileError(str(path), name, "an item assignment to a dict",
                                     node.lineno) from None
    return out


def read_energies(path: str | pathlib.Path, base: str | pathlib.Path | None = None,
                  source: str | None = None,
                  field: str = "input_file") -> list[dict[str, Any]]:
    """Rows of a CatMAP energy table (tab separated, header line), read through
    :func:`catscale.model.read_referenced` (regular file, size cap, UTF-8 text)."""
    import io

    from .._files import read_referenced

    path, raw = read_referenced(path, base=base, source=source or str(path), field=field,
                                formats=(".txt", ".tsv", ".csv"))
    rows = []
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8"), newline=""), delimiter="\t")
    for i, r in enumerate(reader):
        try:
            r["formation_energy"] = float(r["formation_energy"])
        except (KeyError, ValueError, TypeError):
            raise ModelFileError(str(path), "formation_energy", "a number in every row",
                                 i + 2) from None
        try:
            freq = _parse_literal(r.get("frequencies") or "[]")
        except (ValueError, TypeError, ZeroDivisionError, SyntaxError, RecursionError):
            freq = None
        if not isinstance(freq, (list, tuple)) or not all(_is_number(f) for f in freq):
            raise ModelFileError(str(path), "frequencies", "a list of numbers (cm^-1), got "
                                 f"{r.get('frequencies')!r}", i + 2)
        r["frequencies"] = list(freq)
        rows.append(r)
    return rows


def _name(tok: str) -> tuple[int, str]:
    tok = tok.strip()
    m = re.match(r"^(\d*)(.+)$", tok)
    n = int(m.group(1)) if m.group(1) else 1
    s = m.group(2)
    if s.endswith("_g"):
        return n, s[:-2]
    if s.startswith("*"):
        return n, "*"
    s = re.sub(r"_[a-z0-9]+$", "", s)   # CO_s -> CO
    return n, s.rstrip("*") + "*"


def _state(text: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for tok in text.split("+"):
        n, s = _name(tok)
        out[s] = out.get(s, 0) + n
    return out


def _eq(state: Mapping[str, int]) -> str:
    def rank(s: str) -> int:       # gases, then adsorbates, then free sites
        return 2 if s == "*" else (1 if s.endswith("*") else 0)

    terms = sorted(state.items(), key=lambda kv: rank(kv[0]))
    return " + ".join((f"{n}{s}" if n > 1 else s) for s, n in terms)


@dataclass(frozen=True)
class CatmapModel:
    """A CatMAP model rebuilt in catscale terms.

    Attributes
    ----------
    descriptor_model : DescriptorModel
    T : float
        K.
    pressures : dict gas -> bar
    axes : dict descriptor -> ndarray
        Descriptor grids (eV) from ``descriptor_ranges`` and ``resolution``.
    surfaces : dict surface -> descriptor point (eV)
    ts_names : dict step index -> CatMAP TS name
    """

    descriptor_model: DescriptorModel
    T: float
    pressures: dict[str, float]
    axes: dict[str, np.ndarray] = field(repr=False)
    surfaces: dict[str, tuple[float, ...]]
    ts_names: dict[int, str]

    @property
    def mechanism(self) -> Mechanism:
        return self.descriptor_model.mechanism

    def rates(self, point: Sequence[float], T: float | None = None) -> RateTable:
        """RateTable at a descriptor point (eV) and T (K, default the model's)."""
        return rate_table(self.descriptor_model, point, self.T if T is None else T)

    def rates_function(self, T: float | None = None):
        return rates_function(self.descriptor_model, self.T if T is None else T)


def load_catmap(mkm: str | pathlib.Path | Mapping[str, Any],
                energies: str | pathlib.Path | None = None) -> CatmapModel:
    """Build a :class:`CatmapModel` from a ``.mkm`` file (or its parsed dict) and energies.

    Parameters
    ----------
    mkm : path or mapping
        CatMAP setup; keys used: rxn_expressions, surface_names, descriptor_names,
        descriptor_ranges, resolution, temperature, species_definitions (pressures),
        input_file, scaling_constraint_dict, gas_thermo_mode, adsorbate_thermo_mode.
    energies : path, optional
        Energy table (default: ``input_file`` next to the .mkm file).
    """
    src = "<mkm>"
    if not isinstance(mkm, Mapping):
        src = str(mkm)
        base = pathlib.Path(mkm).parent
        mkm = read_mkm(mkm)
    else:
        base = pathlib.Path(".")
    energies_base = None        # a table named on the command line: as given
    for key in ("rxn_expressions", "surface_names", "descriptor_names", "temperature"):
        if key not in mkm:
            raise ModelFileError(src, key, "required CatMAP setting is missing")
    if mkm.get("gas_thermo_mode", "shomate_gas") != "shomate_gas":
        raise ModelFileError(src, "gas_thermo_mode", "only 'shomate_gas' is imported, got "
                             f"{mkm.get('gas_thermo_mode')!r}")
    if mkm.get("adsorbate_thermo_mode", "frozen_adsorbate") != "frozen_adsorbate":
        raise ModelFileError(src, "adsorbate_thermo_mode", "only 'frozen_adsorbate' is "
                             f"imported, got {mkm.get('adsorbate_thermo_mode')!r}")
    if energies is None:        # named by the .mkm file: relative to its directory
        energies = str(mkm.get("input_file", "energies.txt"))
        energies_base = base
    rows = read_energies(energies, base=energies_base, source=src if energies_base else None)
    if energies_base is not None:
        energies = base / energies
    surfaces = list(mkm["surface_names"])
    # steps
    equations, ts_of_step = [], {}
    for j, expr in enumerate(mkm["rxn_expressions"]):
        parts = re.split(r"<->|->", expr)
        if len(parts) not in (2, 3):
            raise ModelFileError(src, f"rxn_expressions[{j}]", f"'IS -> FS' or "
                                 f"'IS <-> TS -> FS', got {expr!r}")
        IS, FS = _state(parts[0]), _state(parts[-1])
        equations.append(f"{_eq(IS)} <=> {_eq(FS)}")
        if len(parts) == 3:
            ts = [s for s in _state(parts[1]) if s != "*"]
            ts_of_step[j] = ts[0]
    mech = Mechanism.from_equations(equations)
    # energies
    gas_E: dict[str, float] = {}
    gas_f: dict[str, list] = {}
    ads_E: dict[str, dict[str, float]] = {}
    for r in rows:
        sp = r["species_name"]
        if r["site_name"] == "gas":
            gas_E[sp] = r["formation_energy"]
            gas_f[sp] = list(r["frequencies"])
        elif r["surface_name"] in surfaces:
            ads_E.setdefault(sp + "*", {})[r["surface_name"]] = r["formation_energy"]
    from ...thermo import ShomateGas

    gas_thermo = {}
    for g in mech.gas:
        if g.name not in SHOMATE:
            raise ModelFileError(src, f"gas {g.name}", f"no Shomate coefficients known "
                                 f"(have {sorted(SHOMATE)})")
        if g.name not in gas_E:
            raise ModelFileError(str(energies), f"gas {g.name}", "no formation energy")
        rng = [list(r) for r, _ in SHOMATE[g.name]]
        coef = [c for _, c in SHOMATE[g.name]]
        gas_thermo[g.name] = ShomateGas(gas_E[g.name], coef, rng, gas_f.get(g.name, []))
    descriptors = tuple(d.replace("_s", "").rstrip("*") + "*"
                        for d in mkm["descriptor_names"])
    nd = len(descriptors)
    have = {s: np.array([ads_E[d][s] for d in descriptors]) for s in surfaces
            if all(s in ads_E.get(d, {}) for d in descriptors)}
    scaling: dict[str, tuple[tuple[float, ...], float]] = {}
    for a in mech.adsorbates:
        if a.name in descriptors:
            e = [0.0] * nd
            e[descriptors.index(a.name)] = 1.0
            scaling[a.name] = (tuple(e), 0.0)
            continue
        pts = [(have[s], ads_E[a.name][s]) for s in have if s in ads_E.get(a.name, {})]
        if len(pts) < nd + 1:
            raise ModelFileError(str(energies), a.name, f"energies on >= {nd + 1} surfaces "
                                 "to fit its scaling relation")
        X = np.array([np.append(p, 1.0) for p, _ in pts])
        y = np.array([e for _, e in pts])
        c = np.linalg.lstsq(X, y, rcond=None)[0]
        scaling[a.name] = (tuple(float(v) for v in c[:-1]), float(c[-1]))
    # TS scaling
    mode = mkm.get("scaling_constraint_dict", {})
    R, P = mech.reactant_matrix, mech.product_matrix
    ts_rel = []
    for j, ts in ts_of_step.items():
        key = ts.rstrip("*") + "_s"
        how = mode.get(key, "initial_state")
        ref = {"initial_state": "IS", "final_state": "FS"}.get(how)
        if ref is None:
            raise ModelFileError(src, f"scaling_constraint_dict[{key}]",
                                 f"'initial_state' or 'final_state', got {how!r}")
        M = R if ref == "IS" else P
        xs, ys = [], []
        for s in surfaces:
            if s not in ads_E.get(ts, {}):
                continue
            tot = 0.0
            ok = True
            for i, sp in enumerate(mech.species):
                if M[i, j] and sp.phase == "surface":
                    if s not in ads_E.get(sp.name, {}):
                        ok = False
                        break
                    tot += M[i, j] * ads_E[sp.name][s]
            if ok:
                xs.append(tot)
                ys.append(ads_E[ts][s])
        alpha, beta = fit_ts_scaling(xs, ys)
        ts_rel.append(TSScaling(j, ref, alpha, beta))
    dm = DescriptorModel(mech, descriptors, scaling, gas_thermo, tuple(ts_rel))
    pressures = {g.name: float(mkm.get("species_definitions", {}).get(g.name + "_g", {})
                               .get("pressure", 0.0)) for g in mech.gas}
    res = mkm.get("resolution", 15)
    for r_ in (res if isinstance(res, (list, tuple)) else [res]):
        if not _is_number(r_) or int(r_) != r_ or not 1 <= r_ <= MAX_RESOLUTION:
            raise ModelFileError(src, "resolution", f"an integer in [1, {MAX_RESOLUTION}] "
                                 f"(grid points per descriptor), got {r_!r}")
    res = [int(r_) for r_ in res] if isinstance(res, (list, tuple)) else int(res)
    ranges = mkm.get("descriptor_ranges", [[-1, 1]] * nd)
    res_list = res if isinstance(res, (list, tuple)) else [res] * nd
    axes = {d: np.linspace(r[0], r[1], n) for d, r, n in zip(descriptors, ranges, res_list)}
    surf_pts = {s: tuple(float(v) for v in have[s]) for s in surfaces if s in have}
    return CatmapModel(dm, float(mkm["temperature"]), pressures, axes, surf_pts,
                       {j: t for j, t in ts_of_step.items()})


def check_catmap(mkm: str | pathlib.Path,
                 energies: str | pathlib.Path | None = None) -> CatmapModel:
    """Load a CatMAP setup as ``catscale map`` does and check what the map computes: the
    energy table it names (``input_file``, read as :func:`read_energies` reads it) and
    finite rate constants at every surface's descriptor point and at the corners of the
    descriptor ranges (``catscale validate setup.mkm``).

    Raises
    ------
    ModelFileError
        Naming the .mkm file (or the energy table) and the setting.
    """
    import itertools

    cm = load_catmap(mkm, energies)
    src = str(mkm)
    names = list(cm.axes)
    corners = itertools.product(*[(float(v[0]), float(v[-1])) for v in cm.axes.values()])
    points = [(f"surface_names ({s})", p) for s, p in cm.surfaces.items()]
    points += [("descriptor_ranges", c) for c in corners]
    for field_, point in points:
        try:
            with np.errstate(all="ignore"):
                rt = cm.rates(point)
        except InvalidParameterError as exc:
            raise ModelFileError(src, field_.split(" ")[0], f"rate constants at "
                                 f"{dict(zip(names, point))} (eV): {exc}") from None
        bad = [j for j in range(len(rt)) if not (np.isfinite(rt.k_f[j])
                                                 and np.isfinite(rt.k_r[j]))]
        if bad:
            raise ModelFileError(src, field_.split(" ")[0], f"rate constants of "
                                 f"{[rt.equations[j] for j in bad]} are not finite at "
                                 f"{dict(zip(names, point))} (eV)")
    return cm


def write_catmap_model(cm: CatmapModel, out: str | pathlib.Path,
                       point: Sequence[float] | str, T: float | None = None) -> pathlib.Path:
    """Write a catscale model file of a CatMAP model at one descriptor point.

    The steps carry fixed ``k_f``/``k_r`` (s^-1 bar^-n) computed with CatMAP's conventions
    at T; the species carry their energies (eV) and thermo kinds for the record.

    Parameters
    ----------
    cm : CatmapModel
    out : path
    point : descriptor energies (eV) or the name of a surface
    T : float, optional
        K (default: the model's).
    """
    import yaml

    if isinstance(point, str):
        if point not in cm.surfaces:
            raise InvalidParameterError("point", f"a descriptor point or one of "
                                        f"{sorted(cm.surfaces)}", point)
        label, point = point, cm.surfaces[point]
    else:
        label = ", ".join(f"{d}={v:g}" for d, v in zip(cm.descriptor_model.descriptors, point))
    T = cm.T if T is None else float(T)
    rt = cm.rates(point, T)
    dm = cm.descriptor_model
    ads = {a: float(np.dot(s, point) + c) for a, (s, c) in dm.adsorbate_scaling.items()}
    species: dict[str, Any] = {}
    for g in cm.mechanism.gas:
        th = dm.gas_thermo[g.name]
        species[g.name] = {"phase": "gas", "thermo": "shomate", "energy": th.energy,
                           "frequencies": list(th.frequencies),
                           "shomate": {"coefficients": [list(c) for c in th.coefficients],
                                       "T_ranges": [list(r) for r in th.T_ranges]}}
    for a in cm.mechanism.adsorbates:
        species[a.name] = {"thermo": "frozen", "energy": round(ads[a.name], 10)}
    steps = [{"equation": st.equation, "k_f": float(rt.k_f[j]), "k_r": float(rt.k_r[j])}
             for j, st in enumerate(cm.mechanism.steps)]
    doc = {"catscale": 1,
           "name": f"CatMAP model imported at {label}",
           "units": {"energy": "eV", "pressure": "bar"},
           "conditions": {"T": T, "pressures": dict(cm.pressures)},
           "sites": {"*": {"density": "1.5e19 m^-2"}},
           "species": species, "steps": steps}
    out = pathlib.Path(out)
    header = ("# Imported from CatMAP by catscale import catmap: shomate gases, frozen "
              "adsorbates,\n# TS scaling "
              + ", ".join(f"step {t.step} {t.reference} alpha={t.alpha:.6f} "
                          f"beta={t.beta:.6f} eV" for t in dm.ts_scaling)
              + f"\n# rate constants at T = {T:g} K (s^-1 bar^-n), CatMAP conventions.\n")
    out.write_text(header + yaml.safe_dump(doc, sort_keys=False, default_flow_style=None))
    return out
