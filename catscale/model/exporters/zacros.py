"""catscale model -> Zacros input files.

``catscale export zacros MODEL --out DIR`` writes ``simulation_input.dat``,
``lattice_input.dat``, ``energetics_input.dat`` and ``mechanism_input.dat`` such that every
Zacros event fires at catscale's kMC rate for it at the model's T (DESIGN.md, kMC rate
convention):

* events come from :func:`catscale.bridges.rates_to_kmc.kmc_model` at 1 bar for every gas
  (Zacros multiplies the pre-exponential of a gas-consuming direction by the partial
  pressure in bar, as catscale's mass-action law does): a one-site step fires at k per site,
  a two-site step at k/z per ordered neighbour pair, which is Zacros' rate per matched
  pattern (a symmetric pattern such as ``O2 + 2*`` is matched on both orientations);
* ``activ_eng`` is the step's electronic barrier where the model defines one (``ts`` or
  ``Ea``), raised to max(0, dE0) for reversible steps (Zacros' bound), and
  ``pre_expon = k_event exp(activ_eng / kT)``, ``pe_ratio = pre_expon / (k_event,rev
  exp((activ_eng - dE0) / kT))``; dE0 is the zero-coverage reaction energy of the written
  cluster and gas energies (catscale's electronic energies, 0 where none is given);
* ``prox_factor`` is catscale's transition-state position alpha
  (:func:`catscale.mechanism.lateral_alpha`, ``kmc.bep``), the rule both codes apply to a
  lateral shift of the reaction energy;
* clusters: one point cluster per adsorbate and one nearest-neighbour pair cluster per
  pair interaction of shell 1 (``lateral`` and ``kmc.interactions``), with
  ``graph_multiplicity`` 2 for a pair of equal species so that a pair counts its energy
  once; ``kmc.diffusion`` hops become irreversible hop steps at Gamma/z per event;
* the lattice: ``rectangular_periodic`` for a square lattice, else ``periodic_cell`` with
  catscale's cell (lengths in lattice constants) and its first neighbour shell.

Refused (:class:`~catscale.errors.InvalidParameterError`, exit 2): interactions beyond the
first shell, many-body ``kmc.clusters``, steps that catscale's kMC cannot place, a total
pressure of 0. One difference remains and is reported: Zacros bounds an event's barrier
below by 0 (and by its reaction energy for reversible steps), catscale's kMC does not, so
events whose local lateral shift exceeds that margin run at different rates.
"""

from __future__ import annotations

import math
import pathlib
import re
from dataclasses import dataclass

from ...errors import InvalidParameterError
from ...units import kB
from .._zacros_format import (
    DIRECTIONS,
    ZacrosCluster,
    ZacrosInput,
    ZacrosLattice,
    ZacrosStep,
    render,
)

__all__ = ["ZacrosExport", "zacros_input", "write_zacros"]


@dataclass(frozen=True)
class ZacrosExport:
    """Result of :func:`write_zacros`: the files written and the warnings."""

    files: tuple[str, ...]
    warnings: tuple[str, ...]
    zacros: ZacrosInput


def _token(name: str, what: str) -> str:
    if not name or re.search(r"\s|#", name):
        raise InvalidParameterError(what, "a name without blanks or '#' (Zacros tokens)", name)
    return name


def _lattice(lat, kind_name) -> ZacrosLattice:
    """Zacros form of a catscale lattice: its cell and first-shell neighbour graph."""
    if lat.name == "square" and len(lat.kind_names) == 1:
        return ZacrosLattice(((1.0, 0.0), (0.0, 1.0)), tuple(lat.size), ("StTp1",),
                             ((0.0, 0.0),), ((0, 0, "north"), (0, 0, "east")),
                             "rectangular_periodic", 1.0)
    names = {v: k for k, v in DIRECTIONS.items()}
    pairs = {(b, b2, di, dj) for b, offs in enumerate(lat.shell_offsets(1))
             for (b2, di, dj) in offs}
    out = []
    for b, b2, di, dj in sorted(pairs):
        if (b2, b, -di, -dj) not in pairs:
            raise InvalidParameterError(
                "kmc lattice", "a symmetric nearest-neighbour relation (Zacros neighbours "
                f"are mutual); site {b2} is a neighbour of site {b} but not conversely",
                lat.name)
        if (di, dj) in names and ((di, dj) != (0, 0) or b < b2):
            out.append((b, b2, names[(di, dj)]))
        elif (-di, -dj) not in names:
            raise InvalidParameterError("kmc lattice", "nearest neighbours within one cell "
                                        "step (self, north, east, northeast, southeast)",
                                        (b, b2, di, dj))
    return ZacrosLattice(tuple(tuple(float(x) for x in v) for v in lat.cell), tuple(lat.size),
                         tuple(kind_name[k] for k in lat.kinds),
                         tuple(tuple(float(x) for x in c) for c in lat.basis), tuple(out))


def _barrier_hint(model, j: int, energies: dict[str, float]) -> float:
    """Electronic forward barrier of step j where the model gives one (ts or Ea), else 0."""
    spec = model.step_specs[j]
    if spec.Ea is not None:
        return float(spec.Ea)
    if spec.ts is not None:
        st = model.mechanism.steps[j]
        e_is = sum(c * energies.get(n, 0.0) for n, c in st.reactants)
        return float(spec.ts.energy + model.energy_shifts.get(f"ts:{j}", 0.0) - e_is)
    return 0.0


def zacros_input(model, T: float | None = None) -> tuple[ZacrosInput, list[str]]:
    """The Zacros input set of a model at T (K, default the model's); see the module
    docstring. Returns ``(ZacrosInput, warnings)``."""
    from ...bridges.rates_to_kmc import kmc_model
    from ..sections.kmc import KMCSection, build_lattice

    warn: list[str] = []
    mech = model.mechanism
    sec = model.sections.kmc
    if sec is None:
        sec = KMCSection()
        warn.append("the model has no kmc: section; the default lattice (square 64 x 64) "
                    "is written")
    for it in sec.interactions:
        if it.shell != 1:
            raise InvalidParameterError(f"kmc.interactions ({it.pair}, shell {it.shell})",
                                        "nearest-neighbour pairs only (shell 1) for Zacros "
                                        "export", it.shell)
    if sec.clusters:
        raise InvalidParameterError("kmc.clusters", "no many-body clusters for Zacros export "
                                    "(only point and nearest-neighbour pair clusters are "
                                    "written)", len(sec.clusters))
    kinds = [s.name for s in mech.sites]
    kind_name = {k: ("StTp1" if k == "*" else _token(k, "site kind")) for k in kinds}
    lat = build_lattice(sec, kinds)
    zlat = _lattice(lat, kind_name)
    typed = zlat.default is None
    rates = model.rates(T)
    Tk = float(rates.T)
    kT = kB * Tk
    gases = [g.name for g in mech.gas]
    km = kmc_model(mech, rates, {g: 1.0 for g in gases}, lat, diffusion=dict(sec.diffusion),
                   bep=dict(sec.bep))
    E = model.electronic_energies()
    missing = [s.name for s in mech.species if s.phase in ("gas", "surface")
               and s.name not in E]
    if missing:
        warn.append(f"no energy for {missing}: written as 0 eV (reaction energies of the "
                    "energetics model then only bound Zacros' barriers)")
    site_of = {s.name: s.site for s in mech.species if s.phase in ("surface", "site")}
    vacancy = set(kinds)

    def state(n: str) -> str:
        return "*" if n in vacancy else _token(n, "species")

    def energy(states) -> float:
        return sum(E.get(n, 0.0) for n in states if n not in vacancy)

    ads = [s.name for s in mech.species if s.phase == "surface"]
    clusters = [ZacrosCluster(f"{_token(a, 'species')}_point", (a,), (),
                              (kind_name[site_of[a]],) if typed else None, E.get(a, 0.0))
                for a in ads]
    pairs: dict[tuple[str, str], float] = {}
    from ...mechanism import split_pair

    for key, v in (model.lateral or {}).items():
        k = tuple(sorted(key if isinstance(key, tuple) else split_pair(key, ads)))
        pairs[k] = pairs.get(k, 0.0) + float(v)
    for it in sec.interactions:
        k = tuple(sorted(split_pair(it.pair, ads)))
        pairs[k] = pairs.get(k, 0.0) + float(it.energy)
    for (a, b), eps in pairs.items():
        clusters.append(ZacrosCluster(
            f"{a}-{b}_1NN", (a, b), ((0, 1),),
            (kind_name[site_of[a]], kind_name[site_of[b]]) if typed else None, eps,
            2 if (a == b) else 1))
    steps: list[ZacrosStep] = []
    by_step: dict[int, dict[int, object]] = {}
    for p in km.processes:
        by_step.setdefault(p.step, {})[p.direction] = p
    # largest local lateral shift of a reaction energy: every neighbour of every pattern site
    # changes partner (a bound, used only to report where Zacros' barrier floor can bite)
    eps_max = max((abs(v) for v in pairs.values()), default=0.0)
    z1 = max(int(x) for x in lat.coordination(1))
    tight = []
    used = set()
    for j, st in enumerate(mech.steps):
        pf, pr = by_step[j].get(1), by_step[j].get(-1)
        init, fin = pf.initial, pf.final
        dE0 = energy(fin) - energy(init) + sum(c * E.get(g, 0.0) for g, c in pf.gas)
        Ea = max(0.0, _barrier_hint(model, j, E))
        if pr is not None:
            Ea = max(Ea, dE0)
        shift = eps_max * z1 * len(init)
        a = float(pf.alpha)
        if shift and (Ea < a * shift or (pr is not None and Ea - dE0 < (1 - a) * shift)):
            tight.append(st.equation)
        pre = pf.rate * math.exp(Ea / kT)
        pe = None
        if pr is not None:
            if not (pre > 0 and pr.rate > 0):
                raise InvalidParameterError(f"steps[{j}] '{st.equation}'", "k_f > 0 for a "
                                            "reversible step (Zacros' pe_ratio)", pf.rate)
            pe = pre / (pr.rate * math.exp((Ea - dE0) / kT))
        name = re.sub(r"\s+", "", st.name or st.equation)
        name = name if name not in used else f"{name}#{j}"
        used.add(name)
        steps.append(ZacrosStep(
            _token(name, f"steps[{j}].name"), pr is not None, tuple(pf.gas),
            tuple(state(n) for n in init), tuple(state(n) for n in fin),
            ((0, 1),) if len(init) == 2 else (),
            tuple(kind_name[site_of[n]] for n in init) if typed else None,
            pre, Ea, pe, float(pf.alpha)))
    for p in km.processes:
        if p.step == -1:                      # kmc.diffusion hop at Gamma/z per event
            x = p.initial[0]
            steps.append(ZacrosStep(
                f"{x}_hop", False, (), (state(x), "*"), ("*", state(x)), ((0, 1),),
                (kind_name[site_of[x]],) * 2 if typed else None, p.rate, 0.0, None,
                float(p.alpha)))
    if tight:
        warn.append("Zacros bounds an event's barrier below by 0 (reversible steps: by its "
                    "reaction energy), catscale's kMC does not; lateral interactions of up to "
                    f"{eps_max * z1:g} eV per site can reach that bound in {tight}, where the "
                    "two codes then run the event at different rates")
    # Zacros takes bar: the activities p / p0 (p0 = 1 bar) are the partial pressures in bar
    P = sum(model.activities.get(g, 0.0) for g in gases)
    if not P > 0:
        raise InvalidParameterError("conditions.pressures", "a total gas pressure > 0 bar "
                                    "(Zacros gives mole fractions of a total pressure)", P)
    masses = model.masses()
    zi = ZacrosInput(
        T=Tk, P=P, gas_names=tuple(_token(g, "gas") for g in gases),
        gas_energies=tuple(E.get(g, 0.0) for g in gases),
        gas_weights=tuple(masses.get(g, 0.0) for g in gases),
        gas_fractions=tuple(model.activities.get(g, 0.0) / P for g in gases),
        surf_names=tuple(ads), surf_dentates=(1,) * len(ads), lattice=zlat,
        clusters=tuple(clusters), steps=tuple(steps), seed=int(sec.seed),
        max_steps=int(sec.events), max_time=float(sec.time) if sec.time else None,
        source=str(model.path))
    return zi, warn


def write_zacros(model, out: str | pathlib.Path, T: float | None = None) -> ZacrosExport:
    """Write the four Zacros input files of a model into directory ``out`` (created).

    Parameters
    ----------
    model : catscale.model.Model
    out : path of a directory
    T : float, optional
        Temperature, K (default: the model's).
    """
    zi, warn = zacros_input(model, T)
    d = pathlib.Path(out)
    d.mkdir(parents=True, exist_ok=True)
    head = (f"Written by catscale export zacros from {model.path} at T = {zi.T:g} K.\n"
            "Every event fires at catscale's kMC rate (k per site, k/z per ordered "
            "neighbour pair).")
    files = []
    for name, text in render(zi, head).items():
        (d / name).write_text(text)
        files.append(str(d / name))
    return ZacrosExport(tuple(files), tuple(warn), zi)
