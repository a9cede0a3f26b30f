"""Cantera ideal-surface mechanisms -> catscale model files valid at every T and P.

The import keeps Cantera's physics as parameters, not as numbers frozen at one temperature:
modified Arrhenius laws (``arrhenius: {A, b, Ea}``), sticking coefficients (``sticking: {s0,
b, Ea, motz_wise}``), coverage dependences (``coverage_dependence: {X*: {dlnk_dtheta, m,
E}}``), explicit orders, duplicate reactions, multi-site species (``sites: n``) and the
NASA-7 / constant-cp thermochemistry of every species (``thermo: nasa7``), from which
catscale takes the reverse rate constants of reversible reactions (detailed balance), as
Cantera does.

Conventions, converted once here. Cantera's rate of progress (kmol m^-2 s^-1) is

    q = k_c prod_gas C_g^o_g prod_surf C_s^o_s,    C_g = p_g / (R T),   C_s = Gamma x_s,

with Gamma the site density (kmol m^-2) and x_s = theta_s / n_s the adsorbates of species s
per site (Cantera's coverage theta_s counts the *sites* species s occupies, n_s of them per
adsorbate). catscale's coverage of s is x_s (site balance sum_s n_s x_s = 1) and its rate law
is per site, r = q / Gamma = k prod (p_g / p0)^o_g prod x_s^o_s (p0 = 1 bar,
:data:`catscale.units.P0`), hence

    k = k_c (p0 / (R T))^n_g Gamma^(n_s - 1),   n_g = sum o_g,  n_s = sum o_s,

an Arrhenius law again: A = A_c (p0 / R)^n_g Gamma^(n_s - 1), b = b_c - n_g, Ea = Ea_c.
Cantera's sticking rate gamma sqrt(RT / 2 pi W) prod (n_s / Gamma)^o_s gives per site exactly
catscale's Hertz-Knudsen rate gamma p0 / (sqrt(2 pi m kB T) Gamma) when every surface
reactant occupies one site. Coverage dependences 10^(a theta) theta^m exp(-E theta / RT) in
Cantera's theta = n x become dlnk_dtheta = n a ln 10, E -> n E and a constant n^m in A.

Thermochemistry: Cantera's equilibrium constant in concentration units gives, in catscale's
units, K = exp(-dG0 / RT) prod_gas (p_ref / p0)^dnu_g prod_surf n_s^(-dnu_s), which is
exactly exp(-dG / kB T) with the gases at 1 bar (:class:`catscale.thermo.Nasa7`: the term
kB T ln(p / p_ref)) and each adsorbate's standard state one adsorbate per site (the term
kB T ln n_s). The vacant site has G = 0 in catscale: its Cantera free energy is folded into
the adsorbates (a_i - n_i a_vacancy, NASA-7 being linear in its coefficients), which leaves
every reaction free energy unchanged because reactions conserve sites.

The free site is the phase's species with no chemical element (elements of the gas species;
site markers such as Pt or Ru are not chemical), or the one the user names. Reactions
catscale cannot represent (bulk or electrochemical phases, charge transfer, other rate
types, orders on gases, ...) are refused with the reason, or left out on request.
"""

from __future__ import annotations

import math
import pathlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...errors import InvalidParameterError, ModelFileError
from ...mechanism import Mechanism, RateTable
from ...units import P0, amu, bar, kB

_SURFACE_THERMO = ("ideal-surface", "coverage-dependent-surface", "edge")


class CanteraUnsupported(ModelFileError):
    """A Cantera file (or phase, or reaction) that catscale cannot represent."""


@dataclass(frozen=True)
class CanteraImport:
    """A Cantera surface mechanism as a catscale model document.

    Attributes
    ----------
    document : dict
        The model file (YAML-ready mapping).
    names : dict
        catscale species name -> Cantera species name.
    phase, gas_phase : str
        The interface phase and its adjacent gas phase.
    skipped : tuple of (str, str)
        Reactions left out (Cantera equation, reason) with ``skip_unsupported``.
    source : str
        The Cantera file as resolved.
    """

    document: dict
    names: dict[str, str]
    phase: str
    gas_phase: str
    skipped: tuple[tuple[str, str], ...]
    source: str


@dataclass(frozen=True)
class CanteraSurface:
    """A Cantera surface mechanism imported and evaluated at its conditions.

    Attributes
    ----------
    mechanism : Mechanism
    rates : RateTable
        k in s^-1 bar^-n (per site, coverages as adsorbates per site) at the import T.
    pressures : dict gas -> activity p / p0 (p0 = 1 bar: the partial pressures in bar)
    Gf, Gr : ndarray (J, S)
        d ln k / d theta of the coverage dependences at the import T.
    Af, Ar : ndarray (S, J)
        Coverage orders (Cantera ``orders`` and ``m`` included).
    names : dict catscale name -> Cantera name
    model : catscale.model.Model
        The imported model (valid at any T and P: ``with_conditions``).
    imported : CanteraImport
    """

    mechanism: Mechanism
    rates: RateTable
    pressures: dict[str, float]
    Gf: np.ndarray = field(repr=False)
    Gr: np.ndarray = field(repr=False)
    Af: np.ndarray = field(repr=False)
    Ar: np.ndarray = field(repr=False)
    names: dict[str, str] = field(repr=False)
    model: Any = field(repr=False, default=None)
    imported: CanteraImport | None = field(repr=False, default=None)

    def network(self):
        """The compiled :class:`catscale.kinetics.Network`."""
        from ...kinetics import build_network

        return build_network(self.mechanism, self.rates, self.pressures, Gf=self.Gf,
                             Gr=self.Gr, Af=self.Af, Ar=self.Ar)


# -- locating the file and the phases ------------------------------------------------------

def _resolve(yaml_file) -> pathlib.Path:
    import cantera as ct

    path = pathlib.Path(yaml_file)
    if path.exists():
        return path
    for d in ct.get_data_directories():
        f = pathlib.Path(d) / str(yaml_file)
        if f.exists():
            return f
    raise ModelFileError(str(yaml_file), "(file)", "file not found (neither as a path nor in "
                         "Cantera's data directories)")


def _phases(path: pathlib.Path) -> list[dict]:
    """The phases of a Cantera YAML file, read within the limits of a model file (regular
    file under the data size cap, :func:`catscale.model.read_referenced`; nesting depth,
    tags and alias expansion bounded, :func:`catscale.model.load_yaml_data`), so that an
    alias bomb is refused before Cantera's own parser sees the file."""
    from .. import load_yaml_data, read_referenced

    _, raw = read_referenced(path, base=None, source=str(path), field="(file)",
                             formats=(".yaml", ".yml"))
    doc = load_yaml_data(raw.decode("utf-8"), str(path), what="a Cantera file")
    phases = doc.get("phases") if isinstance(doc, dict) else None
    if not isinstance(phases, list):
        raise ModelFileError(str(path), "phases", "no 'phases' list: not a Cantera YAML file")
    return [p for p in phases if isinstance(p, dict) and "name" in p]


def surface_phases(yaml_file) -> list[str]:
    """Names of the interface phases (ideal-surface, coverage-dependent-surface, edge) of a
    Cantera file, in file order."""
    return [p["name"] for p in _phases(_resolve(yaml_file))
            if p.get("thermo") in _SURFACE_THERMO]


def _pick_phase(path: pathlib.Path, phase: str | None) -> dict:
    phases = _phases(path)
    surf = [p for p in phases if p.get("thermo") in _SURFACE_THERMO]
    if phase is None:
        if not surf:
            raise CanteraUnsupported(str(path), "phases", "no interface phase (ideal-surface); "
                                     "phases: " + ", ".join(f"{p['name']} ({p.get('thermo')})"
                                                            for p in phases))
        return surf[0]
    for p in phases:
        if p["name"] == phase:
            if p.get("thermo") not in _SURFACE_THERMO:
                raise InvalidParameterError("--phase", "an interface phase of "
                                            f"{path.name}: {[q['name'] for q in surf]}", phase)
            return p
    raise InvalidParameterError("--phase", f"an interface phase of {path.name}: "
                                f"{[q['name'] for q in surf]}", phase)


# -- names and thermochemistry -------------------------------------------------------------

def _base_name(name: str) -> str:
    """Cantera adsorbate name without its site marker: the last parenthesised group
    (``CO(S)`` -> ``CO``, ``H(m)`` -> ``H``, ``CH2(S)s`` -> ``CH2s``)."""
    m = list(re.finditer(r"\([^()]*\)", name))
    base = name[:m[-1].start()] + name[m[-1].end():] if m else name
    base = re.sub(r"[\s+*]", "_", base)
    return base or "X"


def _nasa_of(sp) -> tuple[list[list[float]], list[list[float]], float] | str:
    """(coefficients, T ranges, reference pressure Pa) of a Cantera species' thermo as NASA-7,
    or the reason it cannot be represented."""
    th = sp.thermo
    kind = type(th).__name__
    if kind == "NasaPoly2":
        c = np.asarray(th.coeffs, dtype=float)
        tmid = c[0]
        lo, hi = [float(x) for x in c[8:15]], [float(x) for x in c[1:8]]
        tmin, tmax = float(th.min_temp), float(th.max_temp)
        if tmid >= tmax:                      # one range: Cantera stores it as the low one
            return [lo], [[tmin, tmax]], float(th.reference_pressure)
        if tmid <= tmin:
            return [hi], [[tmin, tmax]], float(th.reference_pressure)
        return [lo, hi], [[tmin, float(tmid)], [float(tmid), tmax]], \
            float(th.reference_pressure)
    if kind == "ConstantCp":
        import cantera as ct

        T0, h0, s0, cp0 = (float(x) for x in th.coeffs[:4])
        R = ct.gas_constant
        a0 = cp0 / R
        a5 = h0 / R - a0 * T0
        a6 = s0 / R - a0 * math.log(T0)
        tmin = max(float(th.min_temp), 1.0)
        tmax = min(float(th.max_temp), 1.0e5)
        return ([[a0, 0.0, 0.0, 0.0, 0.0, a5, a6]], [[tmin, tmax]],
                float(th.reference_pressure))
    return f"thermo model {kind} of species {sp.name} (NASA-7 and constant-cp are imported)"


def _nasa_minus(a: tuple, v: tuple, n: int) -> tuple[list[list[float]], list[list[float]]]:
    """NASA-7 of species a minus n times that of v, on the union of their breakpoints
    inside a's range."""
    ca, ra, _ = a
    cv, rv, _ = v
    lo, hi = ra[0][0], ra[-1][1]
    pts = sorted({lo, hi} | {t for r in ra + rv for t in r if lo < t < hi})

    def pick(c, r, t):
        for ci, (t0, t1) in zip(c, r):
            if t0 <= t <= t1:
                return np.asarray(ci)
        k = int(np.argmin([min(abs(t - t0), abs(t - t1)) for t0, t1 in r]))
        return np.asarray(c[k])

    coefs, ranges = [], []
    for t0, t1 in zip(pts[:-1], pts[1:]):
        mid = 0.5 * (t0 + t1)
        coefs.append([float(x) for x in pick(ca, ra, mid) - n * pick(cv, rv, mid)])
        ranges.append([float(t0), float(t1)])
    return coefs, ranges


def _parse_X(X, gas) -> dict[str, float]:
    """Gas mole fractions from a mapping or 'A:0.1, B:0.9'; InvalidParameterError names --X."""
    if isinstance(X, Mapping):
        items = dict(X)
    else:
        items = {}
        for part in str(X).split(","):
            if not part.strip():
                continue
            name, sep, val = part.rpartition(":")
            if not sep or not name.strip():
                raise InvalidParameterError("--X", "mole fractions 'A:0.1, B:0.9'", X)
            try:
                items[name.strip()] = float(val)
            except ValueError:
                raise InvalidParameterError("--X", "mole fractions 'A:0.1, B:0.9'",
                                            X) from None
    bad = [k for k in items if k not in gas.species_names]
    if bad:
        raise InvalidParameterError("--X", f"species of the gas phase {gas.name!r}", bad)
    vals = np.array(list(items.values()), dtype=float)
    if not items or not np.all(np.isfinite(vals)) or np.any(vals < 0) or vals.sum() <= 0:
        raise InvalidParameterError("--X", "non-negative mole fractions with a positive sum",
                                    X)
    tot = float(vals.sum())
    return {k: float(v) / tot for k, v in items.items()}


# -- the import ----------------------------------------------------------------------------

def import_cantera(yaml_file: str | pathlib.Path, T: float, P: float,
                   X: Mapping[str, float] | str, phase: str | None = None,
                   site: str | None = None, skip_unsupported: bool = False) -> CanteraImport:
    """Convert a Cantera interface mechanism into a catscale model document.

    Parameters
    ----------
    yaml_file : path
        Cantera YAML (a path, or a file name in Cantera's data directories).
    T, P : float
        Temperature (K) and total pressure (Pa) written as the model's conditions (the model
        is valid at any T and P: its rate laws are temperature dependent).
    X : mapping or str
        Gas mole fractions (``'CH4:0.1, O2:0.2'``); normalised.
    phase : str, optional
        Interface phase (default: the file's first one).
    site : str, optional
        Cantera name of the free site (default: the phase's species without a chemical
        element).
    skip_unsupported : bool
        Leave out the reactions catscale cannot represent instead of refusing the file.

    Raises
    ------
    CanteraUnsupported
        (a ModelFileError) naming what is not supported.
    InvalidParameterError
        For bad T, P, X, phase or site.
    """
    import cantera as ct

    if not (np.isfinite(T) and T > 0):
        raise InvalidParameterError("--T", "> 0 K", T)
    if not (np.isfinite(P) and P > 0):
        raise InvalidParameterError("--P", "> 0 Pa", P)
    path = _resolve(yaml_file)
    src = str(path)
    ph = _pick_phase(path, phase)
    pname = ph["name"]
    if ph.get("thermo") == "edge":
        raise CanteraUnsupported(src, pname, "an edge phase (three-phase boundary between "
                                 "surfaces, charge transfer) is not supported")
    if ph.get("thermo") == "coverage-dependent-surface":
        raise CanteraUnsupported(src, pname, "coverage-dependent-surface thermochemistry "
                                 "(coverage-dependent enthalpies and entropies) is not "
                                 "supported")
    try:
        surf = ct.Interface(src, pname)
    except ct.CanteraError as exc:
        msg = str(exc).strip().splitlines()
        raise ModelFileError(src, pname, "Cantera cannot load this phase: "
                             + (msg[-1] if msg else "")) from None
    gases = [g for g in surf.adjacent.values() if g.thermo_model == "ideal-gas"]
    if not gases:
        raise CanteraUnsupported(src, pname, "no adjacent ideal-gas phase (adjacent: "
                                 + ", ".join(f"{k} ({v.thermo_model})"
                                             for k, v in surf.adjacent.items()) + ")")
    gas = gases[0]
    x = _parse_X(X, gas)
    gas.TPX = T, P, x
    surf.TP = T, P

    chem = {e for s in gas.species() for e, n in s.composition.items() if n}
    # the free site
    if site is not None:
        if site not in surf.species_names:
            raise InvalidParameterError("--site", f"a species of phase {pname!r}: "
                                        f"{surf.species_names}", site)
        vac = site
    else:
        cands = [s.name for s in surf.species()
                 if not any(n and e in chem for e, n in s.composition.items())]
        if not cands:
            raise CanteraUnsupported(src, f"{pname}.species", "no free site: every species "
                                     "of the phase carries a chemical element (an empty site "
                                     "is needed; name one with --site if it exists)")
        if len(cands) > 1:
            raise CanteraUnsupported(src, f"{pname}.species", "cannot tell the free site: "
                                     f"species without a chemical element: {cands}; name it "
                                     "with --site")
        vac = cands[0]
    if surf.species(vac).size != 1:
        raise CanteraUnsupported(src, f"{pname}.species.{vac}", "the free site occupies "
                                 f"{surf.species(vac).size:g} sites (1 expected)")

    Gamma = float(surf.site_density)           # kmol m^-2
    R = ct.gas_constant                        # J kmol^-1 K^-1
    eV_per_J_kmol = kB / R                     # Ea [eV] = Ea [J/kmol] kB / R

    # species: catscale names, Cantera names, thermo
    names: dict[str, str] = {}                 # catscale -> Cantera
    inv: dict[str, str] = {}
    sizes: dict[str, int] = {}
    thermo_bad: dict[str, str] = {}
    nasa: dict[str, tuple] = {}
    for s in surf.species():
        if s.name == vac:
            cn = "*"
        else:
            cn = _base_name(s.name) + "*"
            while cn in names:
                cn = cn[:-1] + "_*"
        names[cn] = s.name
        inv[s.name] = cn
        size = float(s.size)
        if size != int(size) or size < 1:
            thermo_bad[s.name] = f"species {s.name} occupies {size:g} sites (an integer >= 1)"
        sizes[s.name] = max(1, int(round(size)))
        got = _nasa_of(s)
        if isinstance(got, str):
            thermo_bad[s.name] = got
        else:
            nasa[s.name] = got
    for g in gas.species():
        if g.name in inv:
            continue
        cn = re.sub(r"[\s+]", "_", g.name)
        if "*" in cn or cn in names:
            cn = cn.replace("*", "_") + "_g"
        names[cn] = g.name
        inv[g.name] = cn
        got = _nasa_of(g)
        if isinstance(got, str):
            thermo_bad[g.name] = got
        else:
            nasa[g.name] = got

    surf_names = set(surf.species_names)
    gas_names = set(gas.species_names)
    steps: list[dict[str, Any]] = []
    skipped: list[tuple[str, str]] = []
    where: list[int] = []                      # Cantera index of each skipped reaction
    used: set[str] = set()
    for j, r in enumerate(surf.reactions()):
        why = _unsupported(r, surf_names, gas_names, gas, thermo_bad, sizes)
        if why is None:
            try:
                st = _step(r, inv, sizes, surf_names, Gamma, R, eV_per_J_kmol)
            except _Skip as exc:
                why = str(exc)
        if why is not None:
            skipped.append((r.equation, why))
            where.append(j)
            continue
        steps.append(st)
        used.update(r.reactants)
        used.update(r.products)
    if skipped and not skip_unsupported:
        lines = "; ".join(f"reactions[{i}] '{eq}': {w}" for i, (eq, w) in
                          zip(where, skipped[:5]))
        more = f" (and {len(skipped) - 5} more)" if len(skipped) > 5 else ""
        raise CanteraUnsupported(src, f"{pname}.reactions", f"{len(skipped)} reaction(s) "
                                 f"catscale cannot represent: {lines}{more}; import the rest "
                                 "with --skip-unsupported")
    if not steps:
        raise CanteraUnsupported(src, f"{pname}.reactions", "no reaction catscale can "
                                 "represent" + (f" ({skipped[0][1]})" if skipped else ""))

    vac_nasa = nasa[vac]
    vac_zero = all(c == 0.0 for row in vac_nasa[0] for c in row)
    species: dict[str, Any] = {}
    for g in gas.species():
        if g.name not in used:
            continue
        coefs, ranges, pref = nasa[g.name]
        d: dict[str, Any] = {"phase": "gas",
                             "composition": {e: int(n) for e, n in g.composition.items()
                                             if n},
                             # amu such that m = W / N_A exactly (Cantera's mass)
                             "mass": float(g.molecular_weight) * 1e-3 / (ct.avogadro * 1e-3
                                                                        * amu),
                             "thermo": "nasa7",
                             "nasa7": {"coefficients": coefs, "T_ranges": ranges,
                                       "reference_pressure": f"{pref!r} Pa"}}
        if inv[g.name] != g.name:
            d["cantera_name"] = g.name
        species[inv[g.name]] = d
    for s in surf.species():
        if s.name == vac:
            continue
        n = sizes[s.name]
        if vac_zero:
            coefs, ranges = nasa[s.name][0], nasa[s.name][1]
        else:
            coefs, ranges = _nasa_minus(nasa[s.name], vac_nasa, n)
        d = {"site": "*", "composition": {e: int(c) for e, c in s.composition.items()
                                          if c and e in chem},
             "thermo": "nasa7", "nasa7": {"coefficients": coefs, "T_ranges": ranges},
             "cantera_name": s.name}
        if n != 1:
            d["sites"] = n
        species[inv[s.name]] = d
    # written in bar, the file's units: pressure
    pressures = {inv[g]: x.get(g, 0.0) * P / bar for g in gas.species_names if g in used}
    doc = {"catscale": 1,
           "name": f"{path.name}:{pname} (imported from Cantera)",
           "description": f"Imported from Cantera {path.name}, phase {pname}; free site "
                          f"{vac!r} is '*'. Rate laws are temperature dependent (valid at "
                          "any T and P); reverse rates from the NASA-7 thermochemistry.",
           "units": {"energy": "eV", "pressure": "bar"},
           "conditions": {"T": float(T), "pressures": pressures},
           "sites": {"*": {"density": f"{Gamma * ct.avogadro!r} m^-2",
                           "cantera_name": vac}},
           "species": species, "steps": steps}
    if skipped:
        doc["description"] += (f" {len(skipped)} reaction(s) left out (--skip-unsupported): "
                               + "; ".join(f"'{eq}' ({w})" for eq, w in skipped))
    return CanteraImport(document=doc, names=names, phase=pname, gas_phase=gas.name,
                         skipped=tuple(skipped), source=src)


class _Skip(Exception):
    pass


def _unsupported(r, surf_names, gas_names, gas, thermo_bad, sizes) -> str | None:
    """Why catscale cannot represent Cantera reaction r (None when it can)."""
    rtype = r.rate.type
    every = list(r.reactants) + list(r.products)
    other = [s for s in every if s not in surf_names and s not in gas_names]
    if other:
        return f"species {other} of a bulk or other non-gas phase"
    if getattr(r.rate, "uses_electrochemistry", False) or any(
            (gas.species(s).charge if s in gas_names else 0.0) != 0 for s in every):
        return "charge transfer (electrochemistry)"
    if rtype not in ("interface-Arrhenius", "sticking-Arrhenius"):
        return f"rate type {rtype!r} (interface-Arrhenius and sticking-Arrhenius are imported)"
    for s in every:
        if s in thermo_bad:
            return thermo_bad[s]
    orders = dict(r.orders or {})
    if any(s not in r.reactants for s in orders):
        return "orders of non-reactants"
    for s, o in orders.items():
        if s in gas_names and o != r.reactants[s]:
            return f"a non-stoichiometric order of the gas {s}"
        if r.reversible and o != r.reactants[s]:
            return "a reversible reaction with non-stoichiometric orders"
    site_change = sum(sizes.get(s, 0) * n for s, n in r.products.items() if s in surf_names) \
        - sum(sizes.get(s, 0) * n for s, n in r.reactants.items() if s in surf_names)
    if site_change != 0:
        return f"does not conserve sites ({site_change:+g})"
    for n in list(r.reactants.values()) + list(r.products.values()):
        if n != int(n):
            return "non-integer stoichiometric coefficients"
    cov = getattr(r.rate, "coverage_dependencies", {}) or {}
    for s, d in cov.items():
        if s not in surf_names:
            return f"a coverage dependence on {s}, not a species of the surface"
        if not np.isscalar(d.get("E", 0.0)):
            return "a polynomial coverage dependence of the activation energy"
    if rtype == "sticking-Arrhenius":
        g = [s for s in r.reactants if s in gas_names]
        if len(g) != 1 or any(s in gas_names for s in r.products):
            return "sticking with other than one gas reactant and no gas product"
        if r.rate.motz_wise_correction and cov:
            return "a coverage dependence inside a Motz-Wise sticking coefficient"
        if any(sizes[s] != 1 for s in r.reactants if s in surf_names):
            return "sticking onto a reactant occupying several sites"
    return None


def _step(r, inv, sizes, surf_names, Gamma, R, eV) -> dict[str, Any]:
    """The catscale step of a supported Cantera reaction (module docstring conventions)."""
    def side(d):
        return " + ".join((f"{int(n)} {inv[s]}" if n != 1 else inv[s]) for s, n in d.items())

    eq = f"{side(r.reactants)} {'<=>' if r.reversible else '->'} {side(r.products)}"
    orders = dict(r.reactants)
    orders.update(r.orders or {})
    n_g = sum(o for s, o in orders.items() if s not in surf_names)
    n_s = sum(o for s, o in orders.items() if s in surf_names)
    rate = r.rate
    A_c = float(rate.pre_exponential_factor)
    b = float(rate.temperature_exponent)
    Ea = float(rate.activation_energy) * eV
    cov_out: dict[str, dict[str, float]] = {}
    const = 1.0
    for s, d in (rate.coverage_dependencies or {}).items():
        n = sizes[s]
        a, m, E = float(d["a"]), float(d["m"]), float(d["E"])
        const *= float(n) ** m
        cov_out[inv[s]] = {"dlnk_dtheta": n * a * math.log(10.0), "m": m, "E": n * E * eV}
    st: dict[str, Any] = {"equation": eq}
    if rate.type == "sticking-Arrhenius":
        st["sticking"] = {"s0": A_c * const, "b": b, "Ea": Ea,
                          "motz_wise": bool(rate.motz_wise_correction)}
    else:
        A = A_c * (P0 / R) ** n_g * Gamma ** (n_s - 1.0) * const
        st["arrhenius"] = {"A": A, "b": b - n_g, "Ea": Ea}
    if r.orders:
        st["orders"] = {inv[s]: float(o) for s, o in r.orders.items()}
    if cov_out:
        st["coverage_dependence"] = cov_out
    if r.duplicate:
        st["duplicate"] = True
    return st


# -- in-memory conversion (kept for callers of the fixed-conditions API) -------------------

def cantera_surface(yaml_file: str | pathlib.Path, T: float, P: float,
                    X: Mapping[str, float] | str, surface_phase: str | None = None,
                    gas_phase: str | None = None, site: str | None = None,
                    skip_unsupported: bool = False) -> CanteraSurface:
    """Import a Cantera mechanism (:func:`import_cantera`) and evaluate it at T (K), total
    pressure P (Pa) and gas mole fractions X.

    ``gas_phase`` is accepted for compatibility; the adjacent ideal-gas phase is used.
    """
    imp = import_cantera(yaml_file, T, P, X, phase=surface_phase, site=site,
                         skip_unsupported=skip_unsupported)
    model = load_imported(imp)
    rt = model.rates()
    eff = model.coverage_effects()
    mech = model.mechanism
    S, J = len(mech.surface), len(mech.steps)
    if eff is None:
        idx = [mech.index(s.name) for s in mech.surface]
        eff = (np.zeros((J, S)), np.zeros((J, S)), np.array(mech.reactant_matrix[idx]),
               np.array(mech.product_matrix[idx]))
    Gf, Gr, Af, Ar = eff
    return CanteraSurface(mech, rt, model.activities, Gf, Gr, Af, Ar, dict(imp.names),
                          model=model, imported=imp)


def document_text(imp: CanteraImport) -> str:
    """The model file text of an import (a comment header, then YAML)."""
    import yaml

    head = (f"# Imported from Cantera ({imp.source}, phase {imp.phase}) by catscale import "
            "cantera.\n# Temperature-dependent rate laws in catscale's convention (mass "
            "action in bar and\n# adsorbates per site, per site); species keep their Cantera "
            "name (cantera_name).\n")
    return head + yaml.safe_dump(imp.document, sort_keys=False, default_flow_style=None,
                                 width=100)


def load_imported(imp: CanteraImport):
    """The :class:`catscale.model.Model` of an import (validated as a model file would be)."""
    from .._loader import load_model

    return load_model(f"{imp.source}:{imp.phase}", text=document_text(imp))


def write_cantera_model(cs: CanteraSurface | CanteraImport, out: str | pathlib.Path
                        ) -> pathlib.Path:
    """Write an imported mechanism as a catscale model file; returns the path."""
    imp = cs.imported if isinstance(cs, CanteraSurface) else cs
    out = pathlib.Path(out)
    out.write_text(document_text(imp))
    return out
