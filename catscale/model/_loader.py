"""Reading and validating model files; every problem is collected with file, field and line."""

from __future__ import annotations

import importlib
import math
import pathlib
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import InvalidParameterError, ModelFileError, ModelFileErrors
from ..mechanism import (
    Mechanism,
    Site,
    Species,
    Step,
    parse_equation,
    parse_formula,
    site_of,
    split_pair,
)
from ._consistency import check_model
from ._files import read_model_text, resolve_outputs
from ._schema import (
    KNOWN_SECTIONS,
    TOP_KEYS,
    ConditionsSpec,
    SiteSpec,
    SpeciesSpec,
    StepSpec,
    UnitsSpec,
)
from ._yaml import format_path, line_of, load_yaml_with_lines

SECTION_CLASSES = {
    "kmc": "KMCSection",
    "pellet": "PelletSection",
    "reactor": "ReactorSection",
    "uncertainty": "UncertaintySection",
    "diffusion": "DiffusionSection",
    "microstructure": "MicrostructureSection",
    "descriptors": "DescriptorsSection",
    "atomistic": "AtomisticSection",
}


def section_class(name: str) -> type[BaseModel] | None:
    """The pydantic class of an optional section, or None while that scale has none."""
    try:
        mod = importlib.import_module(f"catscale.model.sections.{name}")
    except ModuleNotFoundError:
        return None
    return getattr(mod, SECTION_CLASSES[name], None)


class _Collector:
    def __init__(self, file: str, lines: dict):
        self.file = file
        self.lines = lines
        self.errors: list[ModelFileError] = []

    def add(self, path: tuple, message: str) -> None:
        self.errors.append(ModelFileError(self.file, format_path(path), message,
                                          line_of(self.lines, path)))

    def validate(self, cls: type[BaseModel], data: Any, path: tuple, context: dict):
        """Validate ``data`` with ``cls``; record every error; return the object or None."""
        if data is None:
            data = {}
        try:
            return cls.model_validate(data, context=context)
        except ValidationError as exc:
            for e in exc.errors():
                loc = tuple(x for x in e["loc"] if x != "__root__")
                msg = str(e["msg"])
                if msg.startswith("Value error, "):
                    msg = msg[len("Value error, "):]
                kind = e.get("type", "")
                if kind == "extra_forbidden":
                    fields = ", ".join(sorted(cls.model_fields)) if not loc[:-1] else ""
                    msg = "unknown key" + (f" (expected one of: {fields})" if fields else "")
                elif kind == "missing":
                    msg = "required field is missing"
                elif kind.startswith("literal_error"):
                    msg = f"{msg}, found {e.get('input')!r}"
                elif kind in ("float_parsing", "float_type", "int_type", "int_parsing",
                              "dict_type", "list_type", "string_type", "model_type",
                              "greater_than_equal", "int_from_float"):
                    msg = f"{msg}, found {e.get('input')!r}"
                self.add(path + loc, msg)
            return None


def _read(path: str | pathlib.Path) -> tuple[str, str]:
    # bounded read: at most max_bytes("model") bytes, UTF-8 (catscale.model._files)
    return read_model_text(path), str(path)


def load_model(path: str | pathlib.Path, text: str | None = None):
    """Load and validate a model file.

    Parameters
    ----------
    path : str or Path
        The YAML model file (DESIGN.md, "Model file contract").
    text : str, optional
        File contents (then ``path`` is only used in messages).

    Returns
    -------
    catscale.model.Model

    Raises
    ------
    ModelFileErrors
        Listing every problem found, each with file, field path and line.
    """
    from ._model import Model

    if text is None:
        text, name = _read(path)
    else:
        name = str(path)
    data, lines = load_yaml_with_lines(text, name)
    col = _Collector(name, lines)
    model = _check(data, col, name)
    if col.errors:
        raise ModelFileErrors(col.errors)
    # files the model names for writing resolve inside its directory (run --out: inside DIR)
    out = resolve_outputs(Model(**model))
    # what the commands build from the model (thermo, rate constants, referenced files):
    # one place, so that validate and every command refuse the same files
    check_model(out, col.add)
    if col.errors:
        raise ModelFileErrors(col.errors)
    return out


def validate_file(path: str | pathlib.Path) -> list[ModelFileError]:
    """Every problem of a model file (empty list when it is valid)."""
    try:
        load_model(path)
    except ModelFileErrors as exc:
        return exc.errors
    except ModelFileError as exc:
        return [exc]
    return []


def _check(data: Any, col: _Collector, name: str) -> dict:
    if not isinstance(data, dict):
        col.add((), f"expected a mapping of sections (catscale, conditions, species, steps, "
                    f"...), found {type(data).__name__}")
        return {}
    for k in data:
        if k not in TOP_KEYS:
            col.add((k,), f"unknown section; expected one of: {', '.join(TOP_KEYS)}")
    ver = data.get("catscale")
    if ver is None:
        col.add((), "missing schema version: add 'catscale: 1' at the top")
    elif ver != 1:
        col.add(("catscale",), f"unsupported schema version {ver!r}; this catscale reads 1")

    units = col.validate(UnitsSpec, data.get("units"), ("units",), {}) or UnitsSpec()
    ctx = {"units": units.model_dump()}
    provenance = _database_entries(data, col, name)

    conditions = None
    if "conditions" in data:
        conditions = col.validate(ConditionsSpec, data["conditions"], ("conditions",), ctx)

    # sites
    raw_sites = data.get("sites")
    sites: dict[str, SiteSpec] = {}
    if raw_sites is None:
        sites = {"*": SiteSpec()}
    elif not isinstance(raw_sites, dict) or not raw_sites:
        col.add(("sites",), "expected a mapping of site kinds, e.g. {'*': {density: 1.5e19 "
                            "m^-2}}")
        sites = {"*": SiteSpec()}
    else:
        for sname, sdata in raw_sites.items():
            s = col.validate(SiteSpec, sdata, ("sites", sname), ctx)
            sites[sname] = s or SiteSpec()
    site_names = list(sites)

    # species
    raw_species = data.get("species") or {}
    species_specs: dict[str, SpeciesSpec] = {}
    if not isinstance(raw_species, dict):
        col.add(("species",), "expected a mapping name -> properties")
        raw_species = {}
    for sp_name, sp_data in raw_species.items():
        s = col.validate(SpeciesSpec, sp_data, ("species", sp_name), ctx)
        if s is not None:
            species_specs[sp_name] = s
        if sp_name in site_names:
            col.add(("species", sp_name), f"'{sp_name}' is a site kind (the vacant site); "
                                          "it needs no entry under species")

    # steps
    raw_steps = data.get("steps") or []
    step_specs: list[StepSpec | None] = []
    if not isinstance(raw_steps, list):
        col.add(("steps",), "expected a list of steps (each with an 'equation')")
        raw_steps = []
    for i, st in enumerate(raw_steps):
        step_specs.append(col.validate(StepSpec, st, ("steps", i), ctx))

    names_mode = data.get("species_names")
    if names_mode is not None and names_mode not in ("formulas", "labels"):
        col.add(("species_names",), "expected 'formulas' (names are chemical formulas) or "
                f"'labels' (names are labels; compositions only from 'composition:'), found "
                f"{names_mode!r}")
        names_mode = None
    species_objs, steps = _species_and_steps(col, species_specs, raw_species, step_specs,
                                             site_names, names_mode)
    mech = None
    if steps is not None:
        try:
            mech = Mechanism(sites=tuple(Site(n, s.density) for n, s in sites.items()),
                             species=tuple(species_objs.values()), steps=tuple(steps),
                             name=str(data.get("name", "")))
        except InvalidParameterError as exc:
            col.add(("steps",), str(exc))
        if mech is not None:
            for j, msg in mech.element_balance_errors() + mech.site_balance_errors():
                col.add(("steps", j, "equation"), f"{msg} in '{mech.steps[j].equation}'")

    if conditions is not None:
        pa = conditions.partial_pressures_pa()
        for g in pa:
            sp = species_objs.get(g)
            field = "pressures" if conditions.pressures is not None else "mole_fractions"
            if sp is None:
                col.add(("conditions", field, g),
                        f"unknown gas '{g}' (declare it under species)")
            elif sp.phase != "gas":
                col.add(("conditions", field, g), f"'{g}' is not a gas")
        if mech is not None:
            # every gas of the model: the mean-field network carries each one's pressure
            gases = {n for n, sp in species_objs.items() if sp.phase == "gas"}
            missing = sorted(gases - set(pa))
            if missing and (conditions.pressures is not None
                            or conditions.mole_fractions is not None):
                col.add(("conditions", "pressures"),
                        f"no partial pressure for gas species {missing} (give 0 if absent)")
            elif missing:
                col.add(("conditions",), f"no gas composition: give 'pressures' for {missing}")
    elif mech is not None and mech.steps and "conditions" not in data:
        col.add((), "missing section 'conditions' (T and pressures)")

    if mech is not None:
        _check_thermo_data(col, mech, species_specs, step_specs)

    lateral = _lateral(col, data.get("lateral"), species_objs, ctx)
    zc = data.get("lateral_coordination")
    if zc is not None and (not isinstance(zc, int) or isinstance(zc, bool) or zc < 1):
        col.add(("lateral_coordination",), f"expected a positive integer (neighbours per "
                                           f"site), found {zc!r}")
        zc = None

    sections: dict[str, Any] = {}
    for sec in KNOWN_SECTIONS:
        if sec in data:
            cls = section_class(sec)
            if cls is None:
                if not isinstance(data[sec], dict):
                    col.add((sec,), "expected a mapping")
                sections[sec] = data[sec]
            else:
                sections[sec] = col.validate(cls, data[sec], (sec,), ctx)

    pel = sections.get("pellet")
    if pel is not None and not isinstance(pel, dict) and getattr(pel, "D_eff", 1) is None \
            and sections.get("microstructure") is None:
        col.add(("pellet", "D_eff"), "give 'D_eff' (m^2/s) or a microstructure: section to "
                "compute it from")
    if mech is not None and sections.get("descriptors") is not None:
        _check_descriptors(col, sections["descriptors"], mech, species_specs, step_specs)
    kmc_sec = sections.get("kmc")
    bep = kmc_sec.get("bep") if isinstance(kmc_sec, dict) else getattr(kmc_sec, "bep", None)
    if mech is not None and isinstance(bep, dict):
        eqs = [st.equation for st in mech.steps]
        for eq in bep:
            if eq not in eqs:
                col.add(("kmc", "bep", eq), f"no step with this equation (steps: {eqs})")
    if mech is not None and kmc_sec is not None and not isinstance(kmc_sec, dict):
        _check_kmc(col, kmc_sec, mech)

    return dict(path=name, name=str(data.get("name", "") or pathlib.Path(name).stem),
                mechanism=mech, conditions=conditions, units=units, sites=sites,
                species_specs=species_specs, step_specs=tuple(step_specs),
                lateral=lateral, lateral_coordination=zc,
                raw=data, sections=_sections(**sections), provenance=tuple(provenance))


def _database_entries(data: dict, col: _Collector, name: str) -> list[dict]:
    """Energies and frequencies given as ASE database entries, replaced by their values
    (:mod:`._ase_db`; databases resolve relative to the model file); the provenance list."""
    from ._ase_db import resolve_ase_entries

    raw_sites = data.get("sites")
    sites = list(raw_sites) if isinstance(raw_sites, dict) and raw_sites else ["*"]

    def is_surface(sp_name: str, sp: dict) -> bool:
        phase = sp.get("phase")
        return phase == "surface" if phase else site_of(sp_name, sites) is not None

    return resolve_ase_entries(data, pathlib.Path(name).parent, col.add, is_surface)


def _sections(**sections):
    from ._model import Sections

    return Sections(**sections)


def _check_kmc(col, sec, mech) -> None:
    """The kmc section against the mechanism: the lattice carries the mechanism's site
    kinds, and every species named in interactions, clusters, diffusion and initial is
    one of its surface species."""
    from ..lattices import LATTICES, lattice_names

    kinds = [s.name for s in mech.sites]
    ads = [sp.name for sp in mech.species if sp.phase == "surface"]
    entry = LATTICES.get(sec.lattice)
    if entry is not None and entry.site_kinds is not None:
        bad = [k for k in kinds if k not in entry.site_kinds]
        if bad:
            col.add(("kmc", "lattice"), f"{sec.lattice} has the site kinds "
                    f"{list(entry.site_kinds)}; the mechanism's sites {bad} are not among "
                    "them (or use lattice: custom)")
    elif sec.lattice == "custom":
        cell = sorted({s.kind for s in sec.unit_cell.sites}) if sec.unit_cell else []
        bad = [k for k in kinds if k not in cell]
        if sec.unit_cell is not None and bad:
            col.add(("kmc", "unit_cell", "sites"), f"no site of kind {bad} (a site kind of "
                    f"the mechanism) in the unit cell, whose kinds are {cell}")
    elif len(kinds) != 1:
        col.add(("kmc", "lattice"), f"{sec.lattice} has one site kind, the mechanism has "
                f"{kinds}: use a lattice with several site kinds "
                f"({' | '.join(lattice_names(one_kind=False))}) or a custom unit_cell")
    surface = ads + kinds
    for i, it in enumerate(sec.interactions):
        if split_pair(it.pair, ads) is None:
            col.add(("kmc", "interactions", i, "pair"),
                    f"expected 'A*-B*' with two adsorbates of the mechanism {ads}, found "
                    f"{it.pair!r}")
    for i, cl in enumerate(sec.clusters):
        bad = [x for x in cl.species if x not in surface]
        if bad:
            col.add(("kmc", "clusters", i, "species"),
                    f"{bad} not surface species of the mechanism {surface}")
    for key in ("diffusion", "initial"):
        for name in getattr(sec, key):
            if name not in ads:
                col.add(("kmc", key, name), f"expected an adsorbate of the mechanism {ads}")


def _compositions(col, pending, mode: str | None) -> dict[str, dict[str, int] | None]:
    """Element counts of each species (None: unknown, a label).

    An explicit ``composition:`` always counts. Otherwise the name (without its site
    suffix) is read as a chemical formula when it parses fully as one (``CO``, ``O2``,
    ``CH3OH*``), except in a generic mechanism: one with labels (names that are no
    formula: ``A``, ``X1``) and no formula of more than one atom. There ``B``, ``C`` and
    ``I`` are species B, C and I like their neighbour ``A``, not boron, carbon and iodine.
    A mechanism with a molecule (``CO``, ``C2H6``) is chemical: its atoms (``O*``) stay
    atoms and only its labels (``X*``) lack a composition. ``species_names: formulas``
    reads every name as a formula (a name that is not one is an error),
    ``species_names: labels`` none. Labels have no composition: their steps skip the
    element balance, and a mass must be given where one is needed.
    """
    explicit = {n: dict(spec.composition) for n, spec, *_ in pending
                if spec is not None and spec.composition}
    parsed = {n: parse_formula(n if phase == "gas" or not n.endswith(s_kind)
                               else n[: len(n) - len(s_kind)])
              for n, _, phase, s_kind, _ in pending if n not in explicit}
    if mode is None and any(c is None for c in parsed.values()) and all(
            c is None or sum(c.values()) == 1 for c in parsed.values()):
        mode = "labels"     # a generic mechanism: labels and one-letter names (A, B, C, I)
    if mode == "formulas":
        for n, c in parsed.items():
            if c is None:
                col.add(("species", n), "the name is not a chemical formula (species_names: "
                        "formulas): give its 'composition:' (e.g. {C: 1, O: 1})")
    return {n: explicit[n] if n in explicit else None if mode == "labels" else parsed[n]
            for n, *_ in pending}


def _species_and_steps(col, species_specs, raw_species, step_specs, site_names,
                       names_mode: str | None = None):
    species_objs: dict[str, Species] = {}
    pending: list[tuple] = []
    for sp_name in raw_species:
        spec = species_specs.get(sp_name)
        if sp_name in site_names:
            continue
        explicit_site = spec.site if spec is not None else None
        if explicit_site is not None and explicit_site not in site_names:
            col.add(("species", sp_name, "site"),
                    f"unknown site kind '{explicit_site}' (declared: {site_names})")
            explicit_site = None
        s_kind = explicit_site or site_of(sp_name, site_names)
        phase = spec.phase if spec is not None else None
        if phase is None:
            phase = "gas" if s_kind is None else "surface"
        if phase == "surface" and s_kind is None:
            col.add(("species", sp_name), "an adsorbate needs a site: name it with the site "
                    f"suffix (e.g. '{sp_name}*') or give 'site:'; declared sites: "
                    f"{site_names}")
            continue
        if phase == "gas" and "*" in sp_name:
            col.add(("species", sp_name), f"'{sp_name}' looks like an adsorbate but its site "
                    f"is not declared under sites (declared: {site_names})")
            continue
        n_sites = spec.sites if spec is not None else 1
        if n_sites != 1 and phase == "gas":
            col.add(("species", sp_name, "sites"), "a gas occupies no sites")
            n_sites = 1
        pending.append((sp_name, spec, phase, s_kind, n_sites))
    compositions = _compositions(col, pending, names_mode)
    for sp_name, _spec, phase, s_kind, n_sites in pending:
        comp = compositions[sp_name]
        species_objs[sp_name] = Species(
            name=sp_name, phase=phase, site=s_kind if phase != "gas" else None,
            composition=None if comp is None else tuple(sorted(comp.items())),
            n_sites=n_sites)
    for s in site_names:
        species_objs[s] = Species(name=s, phase="site", site=s)

    steps: list[Step] = []
    seen: dict[tuple, int] = {}
    ok = True
    for i, spec in enumerate(step_specs):
        if spec is None:
            ok = False
            continue
        try:
            r, p, rev = parse_equation(spec.equation)
        except InvalidParameterError as exc:
            col.add(("steps", i, "equation"), f"{exc.expected}, found {spec.equation!r}")
            ok = False
            continue
        unknown = [n for n in list(r) + list(p) if n not in species_objs]
        for n in unknown:
            hint = ""
            close = [k for k in species_objs if k.lower() == n.lower()]
            if close:
                hint = f" (did you mean '{close[0]}'?)"
            col.add(("steps", i, "equation"),
                    f"unknown species '{n}' in '{spec.equation}': declare it under species"
                    + hint)
        if unknown:
            ok = False
            continue
        key = (tuple(sorted(r.items())), tuple(sorted(p.items())))
        rkey = (key[1], key[0])
        # the same equation twice, or a reversible step written again backwards, counts a
        # channel twice unless marked `duplicate: true`; two irreversible steps in opposite
        # directions (Cantera style) are fine
        clash = seen.get(key)
        if clash is None and rkey in seen:
            other = seen[rkey]
            if rev or step_specs[other] is not None and parse_equation(
                    step_specs[other].equation)[2]:
                clash = other
        if clash is not None and not (spec.duplicate or step_specs[clash].duplicate):
            col.add(("steps", i, "equation"),
                    f"duplicate of steps[{clash}] ('{spec.equation}'); mark both "
                    "'duplicate: true' if they are distinct channels")
            ok = False
            continue
        seen.setdefault(key, i)
        for key in ("orders", "coverage_dependence"):
            for n in (getattr(spec, key) or {}):
                if n not in species_objs or species_objs[n].phase == "gas":
                    col.add(("steps", i, key, n), f"expected an adsorbate or site of the model "
                            f"(coverage effects act through coverages), found '{n}'")
        if spec.orders:
            bad = [n for n in spec.orders if n not in r]
            if bad:
                col.add(("steps", i, "orders"), f"orders are given for reactants only; {bad} "
                        f"is not a reactant of '{spec.equation}'")
        if not rev and spec.k_r is not None:
            col.add(("steps", i, "k_r"), "an irreversible step ('->') has no reverse rate "
                    "constant; use '<=>' or drop k_r")
        steps.append(Step(equation=spec.equation.strip(), reactants=tuple(r.items()),
                          products=tuple(p.items()), reversible=rev,
                          name=spec.name or spec.equation.strip()))
    return species_objs, (steps if ok else None)


def _check_thermo_data(col, mech: Mechanism, species_specs, step_specs) -> None:
    """Each step's route must find the thermochemistry it needs (the checks of each species'
    thermo model, :data:`catscale.thermo.THERMO_MODELS`)."""
    from ..thermo import thermo_model
    from ._thermo import default_thermo, thermo_inputs

    needs_thermo: set[str] = set()
    for j, (st, spec) in enumerate(zip(mech.steps, step_specs)):
        path = ("steps", j)
        names = [n for n in st.species if mech.species[mech.index(n)].phase != "site"]
        if spec.sticking is not None:
            gas = [n for n, _ in st.reactants if mech.species[mech.index(n)].phase == "gas"]
            if len(gas) != 1 or any(mech.species[mech.index(n)].phase == "gas"
                                    for n, _ in st.products):
                col.add(path + ("sticking",), "collision theory needs exactly one gas "
                        f"reactant and no gas product, found '{st.equation}'")
                continue
            g = species_specs.get(gas[0])
            if g is not None and g.mass is None and not mech.species[mech.index(gas[0])]\
                    .composition:  # None (a label) or empty
                col.add(("species", gas[0], "mass"), f"sticking in steps[{j}] needs the mass "
                        "of the gas (or a formula name)")
        needs_dG = st.reversible and (spec.k_f is None or spec.k_r is None)
        needs_dE = spec.bep is not None
        if spec.ts is not None or needs_dG or needs_dE:
            missing = [n for n in names if species_specs.get(n) is None
                       or (species_specs[n].energy is None
                           and thermo_model(species_specs[n].thermo or "frozen").needs_energy)]
            if missing:
                why = ("the reverse rate constant by detailed balance" if needs_dG else
                       "the reaction energy of the BEP relation" if needs_dE else
                       "the barrier from the saddle point")
                col.add(path, f"{why} needs the energy of {missing}; give 'energy' for each "
                        "(or fixed 'k_f' and 'k_r')")
            needs_thermo.update(n for n in names if n not in missing)
    for n in sorted(needs_thermo):
        spec = species_specs[n]
        sp = mech.species[mech.index(n)]
        path = ("species", n)
        entry = thermo_model(default_thermo(sp, spec))
        for key, message in entry.check(thermo_inputs(sp, spec, entry)):
            col.add(path + key, message)


def _lateral(col, raw, species_objs, ctx) -> dict[tuple[str, str], float]:
    from ..units import parse_quantity
    from ._quantities import _default_unit  # noqa: F401  (same conversion as fields)

    out: dict[tuple[str, str], float] = {}
    if raw is None:
        return out
    if not isinstance(raw, dict):
        col.add(("lateral",), "expected a mapping 'A*-B*': energy per nearest-neighbour pair")
        return out
    unit = ctx["units"]["energy"]
    for key, val in raw.items():
        pair = split_pair(key, species_objs)
        if pair is None:
            col.add(("lateral", key), "expected 'A*-B*' with two declared adsorbates")
            continue
        if any(species_objs[x].phase != "surface" for x in pair):
            col.add(("lateral", key), "lateral interactions act between adsorbates")
            continue
        try:
            e = parse_quantity(val, "energy", unit)
        except InvalidParameterError as exc:
            col.add(("lateral", key), f"expected {exc.expected}, found {exc.found!r}")
            continue
        if not math.isfinite(e):
            col.add(("lateral", key), f"expected a finite energy, found {val!r}")
            continue
        k = tuple(sorted(pair))
        if k in out:
            col.add(("lateral", key), f"pair {k} given twice")
        out[k] = e
    return out


def _check_descriptors(col, sec, mech: Mechanism, species_specs, step_specs) -> None:
    """Descriptors, scaled adsorbates and TS-scaled steps must exist and carry energies."""
    ads = {s.name for s in mech.adsorbates}
    desc = list(sec.axes)
    for n in desc:
        if n not in ads:
            col.add(("descriptors", "axes", n), f"expected an adsorbate of the model, found "
                    f"'{n}'")
        elif species_specs.get(n) is None or species_specs[n].energy is None:
            col.add(("descriptors", "axes", n), "a descriptor adsorbate needs an 'energy' "
                    "(the reference its grid values replace)")
    for n, sc in sec.scaling.items():
        if n not in ads or n in desc:
            col.add(("descriptors", "scaling", n), f"expected a non-descriptor adsorbate, "
                    f"found '{n}'")
        elif species_specs.get(n) is None or species_specs[n].energy is None:
            col.add(("descriptors", "scaling", n), "a scaled adsorbate needs an 'energy'")
        for d in sc.slopes:
            if d not in desc:
                col.add(("descriptors", "scaling", n, "slopes", d),
                        f"expected one of the descriptors {desc}")
    for k, ts in enumerate(sec.ts_scaling):
        if ts.step >= len(mech.steps):
            col.add(("descriptors", "ts_scaling", k, "step"),
                    f"expected a step index 0..{len(mech.steps) - 1}, found {ts.step}")
        elif step_specs[ts.step] is None or step_specs[ts.step].ts is None:
            col.add(("descriptors", "ts_scaling", k, "step"),
                    f"step {ts.step} has no 'ts' (saddle point) to scale")
    for sname, pt in sec.surfaces.items():
        if set(pt) != set(desc):
            col.add(("descriptors", "surfaces", sname),
                    f"expected a value for each descriptor {desc}, found {sorted(pt)}")
