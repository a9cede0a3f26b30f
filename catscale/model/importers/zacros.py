"""Zacros input sets -> catscale model files.

``catscale import zacros DIR --out model.yaml`` reads the four Zacros input files
(:mod:`catscale.model._zacros_format`) and writes a model whose kMC events are Zacros'
events at the Zacros temperature:

* lattice: ``default_choice`` lattices and single-site-type ``periodic_cell`` lattices
  become ``kmc: {lattice: square}`` or a ``custom`` unit cell; the nearest-neighbour graph
  catscale finds (its first shell) is checked against Zacros' neighbouring structure;
* gases: energies (``gas_energies``), masses and partial pressures ``P x molar fraction``
  (bar); adsorbates: the single-site ("point") cluster energies, minus that of a vacant site
  when the energetics give one (reaction energies are unchanged: sites are conserved);
* nearest-neighbour pair clusters -> the top-level ``lateral`` (eV per pair): a pattern is
  found once per automorphism, so the pair energy is ``cluster_eng * n_auto /
  graph_multiplicity`` (n_auto = 2 for two equal species);
* steps -> equations written in pattern-site order (catscale's kMC maps the surface species
  of each side to the pattern sites in that order); irreversible steps keep Zacros'
  Arrhenius form (``Ea``, ``A``: valid at any T), reversible ones get fixed ``k_f``, ``k_r``
  at T (Zacros' ``pe_ratio`` is not a function of catscale's thermochemistry):
  per event ``pre_expon exp(-Ea/kT)`` with ``Ea = max(0, dE0, activ_eng)`` for reversible
  steps (Zacros keeps both barriers >= 0) and ``max(0, activ_eng)`` for irreversible ones,
  and the reverse ``pre_expon / pe_ratio exp(-(Ea - dE0)/kT)``, dE0 the zero-coverage
  reaction energy from the point clusters and gas energies; per site ``k = z x`` the
  per-event rate for two-site steps (catscale's convention: a pair step fires on each
  ordered neighbour pair at k/z); ``prox_factor`` -> ``kmc.bep``; an irreversible hop
  ``X* + * -> * + X*`` -> ``kmc.diffusion`` (Gamma = z x per-event rate).

The fixed rate constants of reversible steps hold at the Zacros temperature (``--T``
re-evaluates Zacros' Arrhenius parameters at another). Exporting the model again gives the
same events at that T, irreversible steps with the same ``activ_eng``; a reversible step's
split between ``pre_expon`` and ``activ_eng`` is not kept (only their product at T).
What catscale cannot represent is refused with a
:class:`~catscale.errors.ModelFileError` naming file, keyword and line: multidentate species,
several site types, three-site or angle-constrained patterns, clusters other than points
and nearest-neighbour pairs, explicit lattices, step variants.
"""

from __future__ import annotations

import math
import pathlib
from dataclasses import dataclass
from typing import Any

from ...errors import ModelFileError
from ...units import kB
from .._zacros_format import (
    DIRECTIONS,
    FILES,
    ZacrosInput,
    ZacrosLattice,
    read_zacros,
)

__all__ = ["ZacrosModel", "load_zacros", "zacros_model", "write_zacros_model",
           "catscale_lattice_section", "read_zacros"]

_VACANT = "*"


@dataclass(frozen=True)
class ZacrosModel:
    """A Zacros input set converted to a catscale model document.

    Attributes
    ----------
    document : dict
        The model file (YAML-ready).
    warnings : tuple of str
    source : ZacrosInput
    """

    document: dict
    warnings: tuple[str, ...]
    source: ZacrosInput


def load_zacros(directory: str | pathlib.Path, T: float | None = None) -> ZacrosModel:
    """Read a Zacros input directory and convert it (:func:`zacros_model`)."""
    return zacros_model(read_zacros(directory), T)


def _err(zi: ZacrosInput, k: int, field: str, message: str) -> ModelFileError:
    return ModelFileError(str(pathlib.Path(zi.source) / FILES[k]), field, message)


def catscale_lattice_section(lat: ZacrosLattice, err) -> dict[str, Any]:
    """The ``kmc:`` lattice keys of a single-site-type Zacros lattice, after checking that
    catscale's first neighbour shell is Zacros' neighbouring structure."""
    from ...kmc import Lattice

    if len(set(lat.site_types)) != 1:
        raise err("site_types", f"several site types {sorted(set(lat.site_types))}: only "
                  "single-site-type lattices are imported")
    if lat.default == "rectangular_periodic":
        return {"lattice": "square", "size": list(lat.repeat)}
    kinds = (_VACANT,) * len(lat.coordinates)
    try:
        cat = Lattice(lat.cell_vectors, lat.coordinates, kinds, lat.repeat, n_shells=1)
    except Exception as exc:  # InvalidParameterError of a degenerate cell or small size
        raise err("lattice", f"not a valid periodic lattice for catscale: {exc}") from None
    want: set[tuple[int, int, int, int]] = set()
    for i, j, d in lat.neighbors:
        d1, d2 = DIRECTIONS[d]
        want.add((i, j, d1, d2))
        want.add((j, i, -d1, -d2))
    have = {(b, b2, di, dj) for b, offs in enumerate(cat.shell_offsets(1))
            for (b2, di, dj) in offs}
    if want != have:
        raise err("neighboring_structure", "the neighbours Zacros lists are not the nearest "
                  f"neighbours by distance catscale uses (Zacros only: "
                  f"{sorted(want - have)[:4]}, catscale only: {sorted(have - want)[:4]})")
    cell = {"vectors": [list(v) for v in lat.cell_vectors],
            "sites": [{"kind": _VACANT, "position": list(c)} for c in lat.coordinates]}
    return {"lattice": "custom", "unit_cell": cell, "size": list(lat.repeat), "shells": 1}


def _energies(zi: ZacrosInput) -> tuple[dict[str, float], dict[tuple[str, str], float],
                                         list[str]]:
    """Point energies per adsorbate (relative to a vacant site) and pair energies per
    unordered nearest-neighbour pair."""
    point: dict[str, float] = {}
    pairs: dict[tuple[str, str], float] = {}
    warn: list[str] = []
    surf = set(zi.surf_names)

    def err(c, msg):
        return _err(zi, 2, f"cluster {c.name}", msg)

    for c in zi.clusters:
        if c.angles:
            raise err(c, "angle-constrained clusters are not imported")
        if len(c.states) == 1:
            s = c.states[0]
            if s == "&":
                continue                      # the same energy for every site: a constant
            if s != _VACANT and s not in surf:
                raise err(c, f"unknown surface species {s!r} (surf_specs_names)")
            point[s] = point.get(s, 0.0) + c.energy / c.multiplicity
            continue
        if len(c.states) != 2 or set(c.neighbors) not in ({(0, 1)}, {(1, 0)}):
            raise err(c, "only single-site and nearest-neighbour pair clusters ('sites 2', "
                      "'neighboring 1-2') are imported")
        a, b = c.states
        if _VACANT in (a, b) or "&" in (a, b):
            raise err(c, "pair clusters with a vacant or unspecified site are not imported")
        for s in (a, b):
            if s not in surf:
                raise err(c, f"unknown surface species {s!r} (surf_specs_names)")
        auto = 2 if a == b else 1
        if auto != c.multiplicity:
            warn.append(f"cluster {c.name}: graph_multiplicity {c.multiplicity} with "
                        f"{auto} symmetric embedding(s): Zacros counts "
                        f"{c.energy * auto / c.multiplicity:g} eV per {a}-{b} pair")
        key = tuple(sorted((a, b)))
        pairs[key] = pairs.get(key, 0.0) + c.energy * auto / c.multiplicity
    e0 = point.pop(_VACANT, 0.0)
    return {s: point.get(s, 0.0) - e0 for s in zi.surf_names}, pairs, warn


def _equation(gas, initial, final, reversible: bool) -> str:
    def term(c: int, n: str) -> str:
        return n if c == 1 else f"{c} {n}"

    lhs = [term(-c, g) for g, c in gas if c < 0] + list(initial)
    rhs = list(final) + [term(c, g) for g, c in gas if c > 0]
    return f"{' + '.join(lhs)} {'<=>' if reversible else '->'} {' + '.join(rhs)}"


def zacros_model(zi: ZacrosInput, T: float | None = None) -> ZacrosModel:
    """Convert a Zacros input set to a catscale model document (see the module docstring).

    Parameters
    ----------
    zi : ZacrosInput
    T : float, optional
        Temperature (K) at which the Arrhenius parameters are evaluated (default: Zacros').
    """
    from ...bridges.rates_to_kmc import pair_coordination
    from ...kmc import Lattice
    from ..sections.kmc import KMCSection, build_lattice

    T = float(zi.T if T is None else T)
    warn = list(zi.warnings)
    for s, d in zip(zi.surf_names, zi.surf_dentates):
        if d != 1:
            raise _err(zi, 0, "surf_specs_dent", f"{s} binds with {d} dentates: multidentate "
                       "species are not imported")
        if s in zi.gas_names:
            raise _err(zi, 0, "surf_specs_names", f"{s!r} is also a gas species name")
    kmc = catscale_lattice_section(zi.lattice, lambda f, m: _err(zi, 1, f, m))
    lat: Lattice = build_lattice(KMCSection.model_validate(kmc), [_VACANT])
    z = pair_coordination(lat, _VACANT, _VACANT)
    point, pairs, w = _energies(zi)
    warn += w
    gas_e = dict(zip(zi.gas_names, zi.gas_energies))
    kT = kB * T
    steps, bep, diffusion = [], {}, {}
    seen: dict[str, int] = {}
    for s in zi.steps:
        head = f"{'reversible_step' if s.reversible else 'step'} {s.name}"
        n = len(s.initial)
        if s.angles or n not in (1, 2) or (n == 2 and set(s.neighbors) not in
                                           ({(0, 1)}, {(1, 0)})) or len(s.final) != n:
            raise _err(zi, 3, head, "only one-site steps and nearest-neighbour two-site "
                       "steps ('neighboring 1-2', no angles) are imported")
        for st in s.initial + s.final:
            if st != _VACANT and st not in point:
                raise _err(zi, 3, head, f"state {st!r} is not a surface species "
                           "(surf_specs_names) or '*'")
        for g, _ in s.gas:
            if g not in gas_e:
                raise _err(zi, 3, f"{head}.gas_reacs_prods", f"unknown gas {g!r}")
        dE0 = (sum(point.get(x, 0.0) for x in s.final)
               - sum(point.get(x, 0.0) for x in s.initial)
               + sum(c * gas_e[g] for g, c in s.gas))
        # Zacros keeps both barriers of a reversible step >= 0 (forward >= dE); an
        # irreversible step has no reverse barrier to keep (the ZGB tutorial: "activation
        # energies equal to 0 ... the temperature will not change the results")
        Ea = max(0.0, dE0, s.activ_eng) if s.reversible else max(0.0, s.activ_eng)
        if Ea > s.activ_eng + 1e-12:
            warn.append(f"{head}: activ_eng {s.activ_eng:g} eV is below max(0, dE0 = "
                        f"{dE0:.4g} eV); Zacros raises the barrier to {Ea:.4g} eV, as here")
        mult = z if n == 2 else 1
        kf = s.pre_expon * math.exp(-Ea / kT) * mult
        eq = _equation(s.gas, s.initial, s.final, s.reversible)
        hop = (not s.reversible and n == 2 and not s.gas and s.initial[1] == _VACANT
               and s.final == (s.initial[1], s.initial[0]) and s.initial[0] != _VACANT
               and s.prox_factor == 0.5)
        if hop and s.initial[0] not in diffusion:
            diffusion[s.initial[0]] = kf
            continue
        d: dict[str, Any] = {"equation": eq, "name": s.name}
        if s.reversible:
            d["k_f"] = kf
            d["k_r"] = s.pre_expon / s.pe_ratio * math.exp(-(Ea - dE0) / kT) * mult
        else:           # Arrhenius with Zacros' barrier: valid at any T
            d.update(Ea=Ea, A=s.pre_expon * mult)
        if eq in seen:
            d["duplicate"] = True
            steps[seen[eq]]["duplicate"] = True
            if bep.get(eq) != s.prox_factor:
                raise _err(zi, 3, f"{head}.prox_factor", f"two steps '{eq}' with different "
                           "proximity factors cannot share catscale's kmc.bep entry")
        seen.setdefault(eq, len(steps))
        bep[eq] = float(s.prox_factor)
        steps.append(d)
    species: dict[str, Any] = {}
    for g, e, m in zip(zi.gas_names, zi.gas_energies, zi.gas_weights):
        species[g] = {"phase": "gas", "energy": e, "thermo": "frozen"}
        if m > 0:
            species[g]["mass"] = m
    for sname in zi.surf_names:
        species[sname] = {"phase": "surface", "site": _VACANT, "energy": point[sname],
                          "thermo": "frozen"}
    kmc.update(seed=int(zi.seed))
    if zi.max_steps:
        kmc["events"] = int(zi.max_steps)
    if zi.max_time:
        kmc["time"] = float(zi.max_time)
    if bep:
        kmc["bep"] = bep
    if diffusion:
        kmc["diffusion"] = diffusion
    doc: dict[str, Any] = {
        "catscale": 1, "name": f"Imported from Zacros ({pathlib.Path(zi.source).name})",
        "units": {"energy": "eV", "pressure": "bar"},
        "conditions": {"T": T, "pressures": {g: zi.P * x for g, x in
                                             zip(zi.gas_names, zi.gas_fractions)}},
        "sites": {_VACANT: {}}, "species": species, "steps": steps}
    if pairs:
        doc["lateral"] = {f"{a}-{b}": v for (a, b), v in pairs.items()}
    doc["kmc"] = kmc
    return ZacrosModel(doc, tuple(warn), zi)


def write_zacros_model(zm: ZacrosModel, out: str | pathlib.Path) -> pathlib.Path:
    """Write a converted Zacros set as a catscale model file (YAML)."""
    import yaml

    out = pathlib.Path(out)
    head = (f"# Imported from Zacros ({zm.source.source}) by catscale import zacros.\n"
            f"# Rate constants per site at T = {zm.document['conditions']['T']:g} K "
            "(s^-1 bar^-n); two-site steps\n# fire at k/z per ordered neighbour pair "
            "(= Zacros pre_expon exp(-Ea/kT) per event).\n")
    warn = "".join(f"# warning: {w}\n" for w in zm.warnings)
    out.write_text(head + warn + yaml.safe_dump(zm.document, sort_keys=False,
                                                default_flow_style=None))
    return out
