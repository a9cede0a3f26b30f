"""Zacros input files (``simulation_input.dat``, ``lattice_input.dat``,
``energetics_input.dat``, ``mechanism_input.dat``): plain data, a reader and a writer.

The format is Zacros' keyword language (Zacros 3 User Guide; the Ziff-Gulari-Barshad tutorial
on zacros.org): one keyword per line, ``#`` starts a comment, blocks ``cluster ... end_cluster``
and ``step | reversible_step ... end_step | end_reversible_step``. Facts of the format used
here (all from the User Guide and the published tutorials):

* pattern sites are numbered 1..n; ``neighboring 1-2`` requires sites 1 and 2 to be nearest
  neighbours; ``lattice_state`` / ``initial`` / ``final`` lines are ``entity species dentate``
  (``*`` a vacant site, ``&`` any state);
* a pattern is matched by subgraph isomorphism, so a symmetric pattern is found once per
  automorphism: cluster energies are divided by ``graph_multiplicity``, and every matched
  event fires at its rate (the O2 adsorption pattern of the ZGB tutorial fires on both
  orientations of a pair);
* ``pre_expon`` is in s^-1, or bar^-1 s^-1 times the partial pressure of the gas reactant
  for steps that consume gas; ``pe_ratio`` = forward / reverse pre-exponential;
  the forward barrier is ``activ_eng + prox_factor (dE - dE0)`` (Zacros' BEP rule;
  ``prox_factor`` defaults to 0.5), bounded below by 0 and, for reversible steps, by dE
  (the reverse barrier, forward minus dE, stays >= 0);
* default lattices (``lattice default_choice``): ``rectangular_periodic a n1 n2`` (z = 4,
  one site per cell), ``hexagonal_periodic`` (z = 6, two sites per a sqrt3 x a cell) and
  ``triangular_periodic`` (z = 3, four sites per a sqrt3 x 3a cell); ``periodic_cell``
  lattices list their neighbours in ``neighboring_structure`` with the directions self,
  north (+a2), east (+a1), northeast (+a1+a2) and southeast (+a1-a2).

Nothing read is executed; each file is limited to :data:`MAX_BYTES`.
"""

from __future__ import annotations

import math
import pathlib
from dataclasses import dataclass, field

from ..errors import ModelFileError

FILES = ("simulation_input.dat", "lattice_input.dat", "energetics_input.dat",
         "mechanism_input.dat")
MAX_BYTES = 20_000_000

#: neighbouring-structure directions -> cell offset (d1, d2)
DIRECTIONS = {"self": (0, 0), "north": (0, 1), "east": (1, 0), "northeast": (1, 1),
              "southeast": (1, -1)}

#: Zacros default lattices: cell vectors (lattice constants), fractional site coordinates
#: and neighbouring structure (i, j, direction), 0-based sites
DEFAULT_LATTICES = {
    "rectangular_periodic": (((1.0, 0.0), (0.0, 1.0)), ((0.0, 0.0),),
                             ((0, 0, "north"), (0, 0, "east"))),
    "hexagonal_periodic": (((math.sqrt(3.0), 0.0), (0.0, 1.0)), ((0.0, 0.0), (0.5, 0.5)),
                           ((0, 0, "north"), (0, 1, "self"), (1, 0, "north"),
                            (1, 1, "north"), (1, 0, "northeast"), (1, 0, "east"))),
    "triangular_periodic": (((math.sqrt(3.0), 0.0), (0.0, 3.0)),
                            ((0.0, 0.0), (0.5, 1 / 6), (0.5, 0.5), (0.0, 2 / 3)),
                            ((0, 1, "self"), (1, 2, "self"), (2, 3, "self"), (1, 0, "east"),
                             (2, 3, "east"), (3, 0, "north"))),
}


@dataclass(frozen=True)
class ZacrosLattice:
    """A periodic Zacros lattice: unit cell, site types and nearest-neighbour structure.

    Attributes
    ----------
    cell_vectors : ((x, y), (x, y))
        Bravais vectors (Zacros: Angstrom; catscale writes lattice constants).
    repeat : (int, int)
        Cells along a1 and a2.
    site_types : tuple of str
        Site type of each cell site.
    coordinates : tuple of (float, float)
        Fractional coordinates of the cell sites.
    neighbors : tuple of (i, j, direction)
        0-based cell sites i, j; j lies in the cell at ``DIRECTIONS[direction]`` from i's.
    default : str or None
        Name of the default lattice (``rectangular_periodic`` ...) when it is one.
    constant : float
        Lattice constant of a default lattice.
    """

    cell_vectors: tuple
    repeat: tuple[int, int]
    site_types: tuple[str, ...]
    coordinates: tuple
    neighbors: tuple
    default: str | None = None
    constant: float = 1.0


@dataclass(frozen=True)
class ZacrosCluster:
    """One cluster (pattern) of the energetics: species per site (``*`` vacant, ``&`` any)."""

    name: str
    states: tuple[str, ...]
    neighbors: tuple[tuple[int, int], ...]
    site_types: tuple[str, ...] | None
    energy: float
    multiplicity: int = 1
    angles: bool = False


@dataclass(frozen=True)
class ZacrosStep:
    """One elementary step: pattern sites, states before/after, gas, Arrhenius data."""

    name: str
    reversible: bool
    gas: tuple[tuple[str, int], ...]          # (name, coefficient): < 0 consumed, > 0 made
    initial: tuple[str, ...]
    final: tuple[str, ...]
    neighbors: tuple[tuple[int, int], ...]
    site_types: tuple[str, ...] | None
    pre_expon: float
    activ_eng: float
    pe_ratio: float | None = None
    prox_factor: float = 0.5
    angles: bool = False


@dataclass(frozen=True)
class ZacrosInput:
    """A Zacros input set (the four files), in Zacros' own units (K, bar, eV, s)."""

    T: float
    P: float
    gas_names: tuple[str, ...]
    gas_energies: tuple[float, ...]
    gas_weights: tuple[float, ...]
    gas_fractions: tuple[float, ...]
    surf_names: tuple[str, ...]
    surf_dentates: tuple[int, ...]
    lattice: ZacrosLattice
    clusters: tuple[ZacrosCluster, ...]
    steps: tuple[ZacrosStep, ...]
    seed: int = 1
    max_steps: int | None = None
    max_time: float | None = None
    source: str = ""
    warnings: tuple[str, ...] = field(default=())


# -- reading -------------------------------------------------------------------------------
class _Lines:
    """Non-empty, comment-free lines of one file with their line numbers."""

    def __init__(self, path: pathlib.Path):
        self.path = path
        self.name = str(path)
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise ModelFileError(self.name, "(file)", "file not found (a Zacros input set "
                                 f"has {', '.join(FILES)})") from None
        if size > MAX_BYTES:
            raise ModelFileError(self.name, "(file)", f"larger than {MAX_BYTES} bytes")
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            raise ModelFileError(self.name, "(file)", "not a text file") from None
        self.rows: list[tuple[int, list[str]]] = []
        for n, raw in enumerate(text.splitlines(), 1):
            toks = raw.split("#", 1)[0].split()
            if toks:
                self.rows.append((n, toks))
        self.i = 0

    def error(self, line: int | None, field: str, message: str) -> ModelFileError:
        return ModelFileError(self.name, field, message, line)

    def next(self, what: str) -> tuple[int, list[str]]:
        if self.i >= len(self.rows):
            raise self.error(None, what, "unexpected end of file")
        self.i += 1
        return self.rows[self.i - 1]


def _float(lines: _Lines, line: int, field: str, tok: str) -> float:
    try:
        v = float(tok)
    except ValueError:
        raise lines.error(line, field, f"expected a number, found {tok!r}") from None
    if not math.isfinite(v):
        raise lines.error(line, field, f"expected a finite number, found {tok!r}")
    return v


def _int(lines: _Lines, line: int, field: str, tok: str) -> int:
    try:
        return int(tok)
    except ValueError:
        raise lines.error(line, field, f"expected an integer, found {tok!r}") from None


def read_simulation(path: pathlib.Path) -> dict:
    """Keywords of ``simulation_input.dat`` that define the physics (T, P, gases, species,
    seed, stopping); reporting keywords are accepted and ignored."""
    lines = _Lines(path)
    out: dict = {}
    for line, toks in lines.rows:
        key, args = toks[0], toks[1:]
        if key == "finish":
            break
        if key in out and key in ("temperature", "pressure", "gas_specs_names",
                                  "surf_specs_names"):
            raise lines.error(line, key, "given twice")
        if key in ("temperature", "pressure", "max_time"):
            if key == "max_time" and args and args[0] == "infinity":
                out[key] = None
                continue
            if len(args) < 1:
                raise lines.error(line, key, "expected a value")
            out[key] = (_float(lines, line, key, args[0]), line)
        elif key in ("n_gas_species", "n_surf_species", "random_seed"):
            out[key] = (_int(lines, line, key, args[0] if args else ""), line)
        elif key == "max_steps":
            out[key] = None if (args and args[0] == "infinity") else \
                _int(lines, line, key, args[0] if args else "")
        elif key in ("gas_specs_names", "surf_specs_names"):
            out[key] = (tuple(args), line)
        elif key in ("gas_energies", "gas_molec_weights", "gas_molar_fracs"):
            out[key] = (tuple(_float(lines, line, key, a) for a in args), line)
        elif key == "surf_specs_dent":
            out[key] = (tuple(_int(lines, line, key, a) for a in args), line)
    for key in ("temperature", "pressure", "n_gas_species", "gas_specs_names",
                "gas_energies", "gas_molar_fracs", "n_surf_species", "surf_specs_names"):
        if key not in out:
            raise lines.error(None, key, "required keyword is missing")
    ng, nl = out["n_gas_species"]
    for key in ("gas_specs_names", "gas_energies", "gas_molec_weights", "gas_molar_fracs"):
        if key in out and len(out[key][0]) != ng:
            raise lines.error(out[key][1], key, f"expected {ng} values (n_gas_species), "
                              f"found {len(out[key][0])}")
    ns, _ = out["n_surf_species"]
    for key in ("surf_specs_names", "surf_specs_dent"):
        if key in out and len(out[key][0]) != ns:
            raise lines.error(out[key][1], key, f"expected {ns} values (n_surf_species), "
                              f"found {len(out[key][0])}")
    if out["temperature"][0] <= 0 or out["pressure"][0] <= 0:
        raise lines.error(out["temperature"][1], "temperature/pressure", "expected > 0")
    return out


def read_lattice(path: pathlib.Path) -> ZacrosLattice:
    """``lattice default_choice`` or ``lattice periodic_cell`` (explicit lattices are not
    periodic and are refused)."""
    lines = _Lines(path)
    line, toks = lines.next("lattice")
    if toks[0] != "lattice" or len(toks) < 2:
        raise lines.error(line, "lattice", "expected 'lattice default_choice' or "
                          "'lattice periodic_cell'")
    kind = toks[1]
    if kind == "default_choice":
        line, toks = lines.next("default_choice")
        name = toks[0]
        if name not in DEFAULT_LATTICES or len(toks) != 4:
            raise lines.error(line, "default_choice", "expected '<rectangular_periodic | "
                              "hexagonal_periodic | triangular_periodic> a n1 n2', found "
                              f"{' '.join(toks)!r}")
        a = _float(lines, line, name, toks[1])
        rep = (_int(lines, line, name, toks[2]), _int(lines, line, name, toks[3]))
        vec, coords, nb = DEFAULT_LATTICES[name]
        vec = tuple(tuple(a * x for x in v) for v in vec)
        return ZacrosLattice(vec, rep, ("StTp1",) * len(coords), coords, nb, name, a)
    if kind != "periodic_cell":
        raise lines.error(line, "lattice", f"'{kind}' lattices are not imported (catscale "
                          "lattices are periodic: use default_choice or periodic_cell)")
    vec, rep, types, names, coords, nbs = None, None, None, None, None, []
    n_sites = None
    while True:
        line, toks = lines.next("end_lattice")
        key = toks[0]
        if key == "end_lattice":
            break
        if key == "cell_vectors":
            rows = [lines.next("cell_vectors") for _ in range(2)]
            vec = tuple(tuple(_float(lines, ln, key, t) for t in tk[:2]) for ln, tk in rows)
        elif key == "repeat_cell":
            rep = (_int(lines, line, key, toks[1]), _int(lines, line, key, toks[2]))
        elif key == "n_cell_sites":
            n_sites = _int(lines, line, key, toks[1])
        elif key == "n_site_types":
            pass
        elif key == "site_type_names":
            names = tuple(toks[1:])
        elif key == "site_types":
            types = tuple(toks[1:])
        elif key == "site_coordinates":
            if n_sites is None:
                raise lines.error(line, key, "n_cell_sites must come first")
            rows = [lines.next(key) for _ in range(n_sites)]
            coords = tuple(tuple(_float(lines, ln, key, t) for t in tk[:2]) for ln, tk in rows)
        elif key == "neighboring_structure":
            while True:
                ln, tk = lines.next("end_neighboring_structure")
                if tk[0] == "end_neighboring_structure":
                    break
                pair = tk[0].split("-")
                if len(pair) != 2 or len(tk) < 2 or tk[1] not in DIRECTIONS:
                    raise lines.error(ln, "neighboring_structure", "expected 'i-j "
                                      f"<{'|'.join(DIRECTIONS)}>', found {' '.join(tk)!r}")
                nbs.append((_int(lines, ln, key, pair[0]) - 1,
                            _int(lines, ln, key, pair[1]) - 1, tk[1]))
        else:
            raise lines.error(line, key, "unknown keyword of a periodic_cell lattice")
    if None in (vec, rep, types, coords) or not nbs:
        raise lines.error(None, "periodic_cell", "needs cell_vectors, repeat_cell, "
                          "n_cell_sites, site_types, site_coordinates and "
                          "neighboring_structure")
    if len(types) != len(coords):
        raise lines.error(None, "site_types", f"{len(types)} types for {len(coords)} sites")
    if names is not None and set(types) - set(names):
        raise lines.error(None, "site_types", f"{sorted(set(types) - set(names))} are not "
                          "in site_type_names")
    for i, j, _ in nbs:
        if not (0 <= i < len(coords) and 0 <= j < len(coords)):
            raise lines.error(None, "neighboring_structure", f"site {i + 1}-{j + 1} out of "
                              f"1..{len(coords)}")
    return ZacrosLattice(vec, rep, types, coords, tuple(nbs))


def _pattern_block(lines: _Lines, head: str, end: str, keys: set[str]) -> dict:
    """Keyword -> (line, args) of one cluster/step block; state lists read after their
    keyword (one line per site)."""
    out: dict = {}
    while True:
        line, toks = lines.next(end)
        key = toks[0]
        if key == end:
            return out
        if key not in keys:
            raise lines.error(line, f"{head}.{key}", "keyword not imported by catscale "
                              f"(known: {', '.join(sorted(keys))})")
        if key in ("lattice_state", "initial", "final"):
            if "sites" not in out:
                raise lines.error(line, f"{head}.{key}", "'sites' must come first")
            n = out["sites"][1]
            rows = [lines.next(key) for _ in range(n)]
            states = []
            for ln, tk in rows:
                if tk[0] == "&":
                    states.append("&")
                    continue
                if len(tk) != 3:
                    raise lines.error(ln, f"{head}.{key}", "expected 'entity species "
                                      f"dentate' or '& & &', found {' '.join(tk)!r}")
                if tk[2] != "1":
                    raise lines.error(ln, f"{head}.{key}", "multidentate species (dentate "
                                      f"{tk[2]}) are not imported")
                states.append(tk[1])
            out[key] = (line, tuple(states))
        elif key == "sites":
            out[key] = (line, _int(lines, line, f"{head}.sites", toks[1]))
        elif key == "neighboring":
            pairs = []
            for t in toks[1:]:
                p = t.split("-")
                if len(p) != 2:
                    raise lines.error(line, f"{head}.neighboring", f"expected i-j, found {t!r}")
                pairs.append((_int(lines, line, head, p[0]) - 1,
                              _int(lines, line, head, p[1]) - 1))
            out[key] = (line, tuple(pairs))
        elif key == "gas_reacs_prods":
            args = toks[1:]
            if len(args) % 2:
                raise lines.error(line, f"{head}.{key}", "expected pairs 'name coefficient'")
            out[key] = (line, tuple((args[k], _int(lines, line, key, args[k + 1]))
                                    for k in range(0, len(args), 2)))
        elif key == "site_types":
            out[key] = (line, tuple(toks[1:]))
        elif key == "angles":
            out[key] = (line, True)
        elif key in ("variant", "end_variant"):
            raise lines.error(line, f"{head}.{key}", "step variants are not imported")
        else:
            out[key] = (line, _float(lines, line, f"{head}.{key}", toks[1]
                                     if len(toks) > 1 else ""))


def read_energetics(path: pathlib.Path) -> tuple[ZacrosCluster, ...]:
    """Clusters of ``energetics_input.dat``."""
    lines = _Lines(path)
    line, toks = lines.next("energetics")
    if toks[0] != "energetics":
        raise lines.error(line, "energetics", "expected the keyword 'energetics'")
    out = []
    keys = {"sites", "neighboring", "lattice_state", "site_types", "graph_multiplicity",
            "cluster_eng", "angles"}
    while True:
        line, toks = lines.next("end_energetics")
        if toks[0] == "end_energetics":
            break
        if toks[0] != "cluster" or len(toks) < 2:
            raise lines.error(line, "energetics", f"expected 'cluster NAME', found "
                              f"{' '.join(toks)!r}")
        name = toks[1]
        d = _pattern_block(lines, f"cluster {name}", "end_cluster", keys)
        for k in ("sites", "lattice_state", "cluster_eng"):
            if k not in d:
                raise lines.error(line, f"cluster {name}.{k}", "required keyword is missing")
        out.append(ZacrosCluster(
            name, d["lattice_state"][1], d.get("neighboring", (0, ()))[1],
            d.get("site_types", (0, None))[1], d["cluster_eng"][1],
            int(d.get("graph_multiplicity", (0, 1))[1]), "angles" in d))
    return tuple(out)


def read_mechanism(path: pathlib.Path) -> tuple[ZacrosStep, ...]:
    """Steps of ``mechanism_input.dat``."""
    lines = _Lines(path)
    line, toks = lines.next("mechanism")
    if toks[0] != "mechanism":
        raise lines.error(line, "mechanism", "expected the keyword 'mechanism'")
    out = []
    keys = {"sites", "neighboring", "initial", "final", "site_types", "gas_reacs_prods",
            "pre_expon", "pe_ratio", "activ_eng", "prox_factor", "angles", "variant",
            "end_variant"}
    while True:
        line, toks = lines.next("end_mechanism")
        if toks[0] == "end_mechanism":
            break
        if toks[0] not in ("step", "reversible_step") or len(toks) < 2:
            raise lines.error(line, "mechanism", "expected 'step NAME' or 'reversible_step "
                              f"NAME', found {' '.join(toks)!r}")
        rev = toks[0] == "reversible_step"
        name = toks[1]
        head = f"{toks[0]} {name}"
        d = _pattern_block(lines, head, "end_reversible_step" if rev else "end_step", keys)
        for k in ("sites", "initial", "final", "pre_expon", "activ_eng") + \
                (("pe_ratio",) if rev else ()):
            if k not in d:
                raise lines.error(line, f"{head}.{k}", "required keyword is missing")
        if d["pre_expon"][1] < 0 or (rev and not d["pe_ratio"][1] > 0):
            raise lines.error(d["pre_expon"][0], f"{head}.pre_expon", "expected pre_expon "
                              ">= 0 and pe_ratio > 0")
        out.append(ZacrosStep(
            name, rev, d.get("gas_reacs_prods", (0, ()))[1], d["initial"][1], d["final"][1],
            d.get("neighboring", (0, ()))[1], d.get("site_types", (0, None))[1],
            d["pre_expon"][1], d["activ_eng"][1], d["pe_ratio"][1] if rev else None,
            d.get("prox_factor", (0, 0.5))[1], "angles" in d))
    return tuple(out)


def read_zacros(directory: str | pathlib.Path) -> ZacrosInput:
    """Read the four Zacros input files of a directory.

    Raises
    ------
    ModelFileError
        Naming the file, keyword and line of the first problem.
    """
    d = pathlib.Path(directory)
    if not d.is_dir():
        raise ModelFileError(str(d), "(directory)", "expected a directory holding "
                             f"{', '.join(FILES)}")
    sim = read_simulation(d / FILES[0])
    lat = read_lattice(d / FILES[1])
    clusters = read_energetics(d / FILES[2])
    steps = read_mechanism(d / FILES[3])
    gas = sim["gas_specs_names"][0]
    warn = []
    if (d / "state_input.dat").exists():
        warn.append("state_input.dat (an initial lattice state) is not imported: catscale "
                    "starts from kmc.initial coverages")
    return ZacrosInput(
        T=sim["temperature"][0], P=sim["pressure"][0], gas_names=gas,
        gas_energies=sim["gas_energies"][0],
        gas_weights=sim.get("gas_molec_weights", ((0.0,) * len(gas), 0))[0],
        gas_fractions=sim["gas_molar_fracs"][0], surf_names=sim["surf_specs_names"][0],
        surf_dentates=sim.get("surf_specs_dent", ((1,) * sim["n_surf_species"][0], 0))[0],
        lattice=lat, clusters=clusters, steps=steps,
        seed=sim.get("random_seed", (1, 0))[0], max_steps=sim.get("max_steps"),
        max_time=(sim["max_time"][0] if sim.get("max_time") else None), source=str(d),
        warnings=tuple(warn))


# -- writing -------------------------------------------------------------------------------
def _num(x: float) -> str:
    return repr(float(x))


def _states(states, indent: str) -> list[str]:
    return [f"{indent}{k + 1} {s} 1" if s not in ("&",) else f"{indent}& & &"
            for k, s in enumerate(states)]


def render(zi: ZacrosInput, header: str = "") -> dict[str, str]:
    """The four files' text, keyed by file name."""
    top = "".join(f"# {h}\n" for h in header.splitlines())
    sim = [top.rstrip("\n")] if top else []
    sim += [f"random_seed {int(zi.seed)}", f"temperature {_num(zi.T)}",
            f"pressure {_num(zi.P)}", "",
            f"n_gas_species {len(zi.gas_names)}",
            "gas_specs_names " + " ".join(zi.gas_names),
            "gas_energies " + " ".join(_num(x) for x in zi.gas_energies) + "  # eV",
            "gas_molec_weights " + " ".join(_num(x) for x in zi.gas_weights),
            "gas_molar_fracs " + " ".join(_num(x) for x in zi.gas_fractions), "",
            f"n_surf_species {len(zi.surf_names)}",
            "surf_specs_names " + " ".join(zi.surf_names),
            "surf_specs_dent " + " ".join(str(d) for d in zi.surf_dentates), ""]
    every = (f"on time {_num(zi.max_time / 100)}" if zi.max_time
             else f"on event {max(1, (zi.max_steps or 100000) // 100)}")
    sim += [f"snapshots {every}", f"process_statistics {every}", f"species_numbers {every}",
            f"max_steps {zi.max_steps if zi.max_steps else 'infinity'}",
            f"max_time {_num(zi.max_time) if zi.max_time else 'infinity'}",
            "wall_time 86400", "", "finish"]
    lat = zi.lattice
    if lat.default is not None:
        latt = ["lattice default_choice",
                f"  {lat.default} {_num(lat.constant)} {lat.repeat[0]} {lat.repeat[1]}",
                "end_lattice"]
    else:
        names = tuple(dict.fromkeys(lat.site_types))
        latt = ["lattice periodic_cell", "  cell_vectors  # lattice constants"]
        latt += [f"    {_num(v[0])} {_num(v[1])}" for v in lat.cell_vectors]
        latt += [f"  repeat_cell {lat.repeat[0]} {lat.repeat[1]}",
                 f"  n_site_types {len(names)}", "  site_type_names " + " ".join(names),
                 f"  n_cell_sites {len(lat.site_types)}",
                 "  site_types " + " ".join(lat.site_types), "  site_coordinates"]
        latt += [f"    {_num(c[0])} {_num(c[1])}" for c in lat.coordinates]
        latt += ["  neighboring_structure"]
        latt += [f"    {i + 1}-{j + 1} {d}" for i, j, d in lat.neighbors]
        latt += ["  end_neighboring_structure", "end_lattice"]
    en = ["energetics", ""]
    for c in zi.clusters:
        en += [f"cluster {c.name}", f"  sites {len(c.states)}"]
        if c.neighbors:
            en.append("  neighboring " + " ".join(f"{i + 1}-{j + 1}" for i, j in c.neighbors))
        en += ["  lattice_state"] + _states(c.states, "    ")
        if c.site_types:
            en.append("  site_types " + " ".join(c.site_types))
        en += [f"  graph_multiplicity {int(c.multiplicity)}", f"  cluster_eng {_num(c.energy)}",
               "end_cluster", ""]
    en.append("end_energetics")
    me = ["mechanism", ""]
    for s in zi.steps:
        kw = "reversible_step" if s.reversible else "step"
        me.append(f"{kw} {s.name}")
        if s.gas:
            me.append("  gas_reacs_prods " + " ".join(f"{g} {c}" for g, c in s.gas))
        me.append(f"  sites {len(s.initial)}")
        if s.neighbors:
            me.append("  neighboring " + " ".join(f"{i + 1}-{j + 1}" for i, j in s.neighbors))
        me += ["  initial"] + _states(s.initial, "    ")
        me += ["  final"] + _states(s.final, "    ")
        if s.site_types:
            me.append("  site_types " + " ".join(s.site_types))
        me.append(f"  pre_expon {_num(s.pre_expon)}")
        if s.reversible:
            me.append(f"  pe_ratio {_num(s.pe_ratio)}")
        me += [f"  activ_eng {_num(s.activ_eng)}", f"  prox_factor {_num(s.prox_factor)}",
               f"end_{kw}", ""]
    me.append("end_mechanism")
    body = {FILES[0]: sim, FILES[1]: latt, FILES[2]: en, FILES[3]: me}
    return {k: (top if k != FILES[0] else "") + "\n".join(v) + "\n" for k, v in body.items()}
