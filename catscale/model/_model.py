"""The validated model: mechanism, conditions, thermochemistry, rate constants, sections."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from typing import Any

from ..errors import InvalidParameterError
from ..mechanism import Energetics, Mechanism, RateTable
from .sections.descriptors import DescriptorsSection
from .sections.diffusion import DiffusionSection
from .sections.kmc import KMCSection
from .sections.microstructure import MicrostructureSection
from .sections.pellet import PelletSection
from .sections.reactor import ReactorSection
from .sections.uncertainty import UncertaintySection

#: the optional sections of a model file, in scale order
SECTION_NAMES = ("kmc", "pellet", "reactor", "uncertainty", "diffusion", "microstructure",
                 "descriptors", "atomistic")


@dataclass(frozen=True)
class Sections:
    """The optional sections of a model file, validated (internal units); None when absent.

    Attributes
    ----------
    kmc, pellet, reactor, uncertainty, diffusion, microstructure, descriptors : section or None
        pydantic models of :mod:`catscale.model.sections`.
    atomistic : dict or None
        The ``atomistic:`` section as written (read by ``catscale pes``).
    """

    kmc: KMCSection | None = None
    pellet: PelletSection | None = None
    reactor: ReactorSection | None = None
    uncertainty: UncertaintySection | None = None
    diffusion: DiffusionSection | None = None
    microstructure: MicrostructureSection | None = None
    descriptors: DescriptorsSection | None = None
    atomistic: dict | None = None

    def present(self) -> list[str]:
        """Names of the sections the file has."""
        return [n for n in SECTION_NAMES if getattr(self, n) is not None]


@dataclass(frozen=True, eq=False)
class Model:
    """A model file, validated and converted to internal units.

    Attributes
    ----------
    path, name : str
    mechanism : Mechanism
    conditions : ConditionsSpec or None
        ``conditions.T`` in K, the gas composition in Pa: the one place the model holds
        its pressures (:attr:`partial_pressures`, Pa; :attr:`activities` = :attr:`pressures`,
        p / p0, what the rate laws take).
    lateral : dict
        (A*, B*) -> pair interaction energy, eV per nearest-neighbour pair (as written in
        the file; :meth:`mean_field_lateral` adds the further kmc shells for mean field).
    lateral_coordination : int or None
        Neighbours per site used by mean field for lateral interactions (default: from the
        kmc lattice, else 6 for a close-packed (111) surface).
    sections : Sections
        The validated optional sections (``model.sections.kmc``, ``.pellet``, ...), None
        when absent.
    energetics : Energetics
        Lateral pairs, coordination, alpha per step and coverage effects, built once
        (:attr:`energetics`); every mean-field and kMC call takes it whole.
    provenance : tuple of dict
        Energies and frequencies read from ASE databases: field, db, select, row id,
        value and the reference rows (empty when the file gives only numbers).
    """

    path: str
    name: str
    mechanism: Mechanism | None
    conditions: Any
    units: Any
    sites: dict
    species_specs: dict
    step_specs: tuple
    lateral: dict
    lateral_coordination: int | None
    raw: dict = field(repr=False)
    energy_shifts: dict = field(default_factory=dict)
    sections: Sections = field(default_factory=lambda: Sections())
    #: which ASE database row fed which value: {field, db, select, row, value, ...}
    provenance: tuple = ()

    # -- conditions ------------------------------------------------------------------------
    @property
    def T(self) -> float:
        """Temperature of the model, K."""
        if self.conditions is None:
            raise InvalidParameterError(f"{self.path}: conditions.T", "a temperature", None)
        return float(self.conditions.T)

    @property
    def partial_pressures(self) -> dict[str, float]:
        """Partial pressures of the gases of ``conditions``, **Pa** (a new dict; the model
        holds them once, in ``conditions``)."""
        return {} if self.conditions is None else self.conditions.partial_pressures_pa()

    @property
    def activities(self) -> dict[str, float]:
        """Activities of the gases, a_i = p_i / p0 with p0 = 1 bar (:data:`catscale.units.P0`,
        the standard state of the rate constants): dimensionless, numerically the partial
        pressures in bar. What the mean-field kinetics and kMC take as ``pressures``."""
        from ..units import activities

        return activities(self.partial_pressures)

    @property
    def pressures(self) -> dict[str, float]:
        """The gases' partial pressures **in units of p0 = 1 bar**, i.e. :attr:`activities`
        (the argument of ``steady_state(mechanism, rates, pressures)`` and of every rate
        law). In Pa: :attr:`partial_pressures`."""
        return self.activities

    def with_section(self, name: str, value: Any) -> Model:
        """A copy with one optional section replaced (or removed with None)."""
        if name not in SECTION_NAMES:
            raise InvalidParameterError("section", f"one of {SECTION_NAMES}", name)
        return dataclasses.replace(
            self, sections=dataclasses.replace(self.sections, **{name: value}))

    @functools.cached_property
    def energetics(self) -> Energetics:
        """The model's energetics as one frozen value (built once per model object)."""
        from ..mechanism import split_pair

        ads = [s.name for s in self.mechanism.species if s.phase == "surface"]
        kmc = self.sections.kmc
        kpairs = []
        for k, v in (self.lateral or {}).items():
            a, b = k if isinstance(k, tuple) else (split_pair(str(k), ads) or (k, k))
            kpairs.append((a, b, 1, float(v)))
        clusters: tuple = ()
        if kmc is not None:
            for i in kmc.interactions:
                pair = split_pair(i.pair, ads)
                if pair is None:
                    raise InvalidParameterError(f"{self.path}: kmc.interactions.pair",
                                                f"'A*-B*' with two adsorbates of {ads}", i.pair)
                kpairs.append((*pair, int(i.shell), float(i.energy)))
            clusters = tuple(kmc.clusters)
        return Energetics(pairs=self.mean_field_lateral() or {},
                          coordination=self.coordination(),
                          alpha=tuple(float(a) for a in self.lateral_alpha()),
                          coverage_effects=self.coverage_effects(),
                          kmc_pairs=tuple(kpairs), clusters=clusters,
                          bep=dict(kmc.bep) if kmc is not None else {})

    def coordination(self) -> int:
        """Neighbours per site for mean-field lateral interactions: ``lateral_coordination``
        if given, else the ``z`` of the kmc lattice in :data:`catscale.lattices.LATTICES`
        (square 4, hexagonal 6, honeycomb 3, fcc111 6; a custom unit cell's first shell
        around its first site), else 4."""
        if self.lateral_coordination:
            return int(self.lateral_coordination)
        lattice = self.sections.kmc.lattice if self.sections.kmc is not None else None
        if lattice == "custom":
            return int(self._shell_coordination[0])
        from ..lattices import LATTICES

        return LATTICES[str(lattice)].z if str(lattice) in LATTICES else 4

    @property
    def _shell_coordination(self) -> tuple[int, ...]:
        """Coordination numbers of the kmc lattice's neighbour shells 1, 2, ... (around its
        first basis site)."""
        sec = self.sections.kmc or KMCSection()
        # models derived by with_conditions / with_energy_shifts (one per uq sample) share
        # the lattice geometry: computed once per distinct lattice definition
        return _lattice_shells(sec.model_dump_json(include={"lattice", "size", "shells",
                                                             "unit_cell"}),
                               tuple(s.name for s in self.mechanism.sites))

    def mean_field_lateral(self) -> dict[str, float] | None:
        """Pair interactions for first-order mean field, ``{"A*-B*": eV per nearest-neighbour
        pair}`` at :meth:`coordination`, or None when there are none.

        The top-level ``lateral`` (shell 1) plus the ``kmc.interactions`` of every shell,
        folded into the first shell as ``eps_ij = sum_s (z_s / z_1) eps_ij^s``
        (:meth:`catscale.kmc.LateralInteractions.mean_field_pairs`), so that mean field and
        kMC see the same energetics at first order. ``kmc.clusters`` (many-body terms) have
        no first-order pair equivalent and are left out.
        """
        top = {(f"{k[0]}-{k[1]}" if isinstance(k, tuple) else str(k)): float(v)
               for k, v in (self.lateral or {}).items()}
        # the loader validates the kmc section into a KMCSection
        extra = self.sections.kmc.interactions if self.sections.kmc is not None else []
        if not extra:
            return top or None
        from ..kmc import LateralInteractions
        from ..mechanism import split_pair

        # pair keys split on the mechanism's adsorbate names (the loader checked them), not
        # re-guessed from the text: names may contain '-'
        ads = [s.name for s in self.mechanism.species if s.phase == "surface"]
        pairs = LateralInteractions.from_dict(
            {(split_pair(k, ads) or k): v for k, v in top.items()})
        for i in extra:
            pairs = pairs.merged(LateralInteractions.from_dict(
                {(split_pair(i.pair, ads) or i.pair): i.energy}, i.shell))
        out = pairs.mean_field_pairs(self._shell_coordination)
        return out or None

    def lateral_alpha(self):
        """Transition-state position alpha (dimensionless, one per step) for lateral energy
        shifts, the same for mean field and kMC: :func:`catscale.mechanism.lateral_alpha`
        with the overrides of ``kmc.bep``."""
        from ..mechanism import lateral_alpha

        bep = self.sections.kmc.bep if self.sections.kmc is not None else None
        # the loader has checked the equations and the range (kmc.bep errors name the file)
        return lateral_alpha(self.mechanism, dict(bep or {}))

    # -- thermochemistry and rates ---------------------------------------------------------
    def require_steps(self, what: str) -> None:
        """Raise a ModelFileError (field ``steps``, exit 2) when the model has no steps, saying
        what needed them (``what``) and what the file does compute."""
        if self.mechanism is not None and self.mechanism.steps:
            return
        from ..errors import ModelFileError

        secs = self.sections.present()
        also = (f"; this file computes its sections ({', '.join(secs)}): use 'catscale run' "
                "or the section's command" if secs else "")
        raise ModelFileError(self.path, "steps", f"the model has no steps (no mechanism to "
                             f"compute {what} from){also}")

    def thermo(self) -> dict[str, Any]:
        """Thermo object of every species that has thermochemistry (name -> object; None
        for a species without, or whose incomplete thermo inputs no rate constant needs,
        :func:`._thermo.thermo_needed`: a gas with only an energy in a model of fixed rate
        constants)."""
        from ..errors import InvalidParameterError
        from ._thermo import build_species_thermo, thermo_needed

        needed = thermo_needed(self.mechanism, self.step_specs)
        out = {}
        for sp in self.mechanism.species:
            if sp.phase == "site":
                continue
            spec = self.species_specs.get(sp.name)
            dens = self.mechanism.site(sp.site).density if sp.site else None
            try:
                out[sp.name] = build_species_thermo(
                    sp, spec, self.energy_shifts.get(sp.name, 0.0), site_density=dens)
            except InvalidParameterError:
                if sp.name in needed:
                    raise       # the loader reports it with file and field (check_model)
                out[sp.name] = None
        return out

    def step_kinetics(self) -> list:
        """One :class:`~catscale.bridges.mechanism_rates.StepKinetics` per step."""
        from ._thermo import build_step_kinetics

        return [build_step_kinetics(j, st, spec, self.energy_shifts.get(f"ts:{j}", 0.0))
                for j, (st, spec) in enumerate(zip(self.mechanism.steps, self.step_specs))]

    def masses(self) -> dict[str, float]:
        """Molecular masses of the gases, amu (from 'mass' or the formula)."""
        from ._thermo import species_mass

        out = {}
        for sp in self.mechanism.gas:
            spec = self.species_specs.get(sp.name)
            if (spec is not None and spec.mass is not None) or sp.composition:
                out[sp.name] = species_mass(sp, spec)
        return out

    def electronic_energies(self) -> dict[str, float]:
        """Electronic (or formation) energies given in the file, eV, with any shifts."""
        out = {}
        for n, s in self.species_specs.items():
            if s.energy is not None:
                out[n] = s.energy + self.energy_shifts.get(n, 0.0)
        return out

    def coverage_effects(self, T: float | None = None):
        """(Gf, Gr, Af, Ar) of the steps' ``orders`` and ``coverage_dependence`` keys, or None.

        Gf, Gr (n_steps, n_surface): d ln k / d theta = dlnk_dtheta - E / (kB T) added to the
        forward and reverse rate constants at T (K; default: the model's); Af, Ar
        (n_surface, n_steps): coverage exponents (stoichiometric unless changed). Surface
        species in mechanism order (adsorbates, then vacancies).
        """
        import numpy as np

        from ..units import kB

        if not any(sp.orders or sp.coverage_dependence for sp in self.step_specs):
            return None
        mech = self.mechanism
        surf = [s.name for s in mech.surface]
        idx = [mech.index(n) for n in surf]
        Af = np.array(mech.reactant_matrix[idx, :], dtype=float)
        Ar = np.array(mech.product_matrix[idx, :], dtype=float)
        J, S = len(mech.steps), len(surf)
        Gf, Gr = np.zeros((J, S)), np.zeros((J, S))
        kT = kB * (self.T if T is None else float(T))
        for j, (st, spec) in enumerate(zip(mech.steps, self.step_specs)):
            for n, o in (spec.orders or {}).items():
                Af[surf.index(n), j] = o
            for n, cd in (spec.coverage_dependence or {}).items():
                i = surf.index(n)
                g = cd.dlnk_dtheta - cd.E / kT
                Gf[j, i] += g
                Af[i, j] += cd.m
                if st.reversible:
                    Gr[j, i] += g
                    Ar[i, j] += cd.m
        return Gf, Gr, Af, Ar

    def rates(self, T: float | None = None) -> RateTable:
        """Rate constants of every step at T (default: the model's), thermodynamically
        consistent (k_f / k_r = K from the same thermochemistry)."""
        from ..bridges.mechanism_rates import rate_table

        self.require_steps("rate constants")
        if T is None:
            T = self.T
        else:
            from ..quantities import Temperature, check_value

            T = float(check_value(Temperature, T, "T"))
        return rate_table(self.mechanism, self.thermo(), self.step_kinetics(), T,
                          masses=self.masses(), electronic=self.electronic_energies())

    # -- descriptors -----------------------------------------------------------------------
    def at_descriptors(self, point) -> Model:
        """The model at a descriptor point (eV, in ``descriptors.axes`` order): descriptor
        adsorbates take the point's energies, scaled adsorbates and TS-scaled saddle points
        follow their relations; every other energy is unchanged."""
        import numpy as np

        sec = self.sections.descriptors
        if sec is None:
            raise InvalidParameterError(f"{self.path}: descriptors", "a descriptors: section",
                                        None)
        names = list(sec.axes)
        point = np.asarray(point, dtype=float).reshape(-1)
        if point.shape != (len(names),):
            raise InvalidParameterError("point", f"{len(names)} descriptor energies (eV)",
                                        point)
        E = {n: float(v) for n, v in zip(names, point)}
        for n, sc in sec.scaling.items():
            E[n] = sc.intercept + sum(a * E[d] for d, a in sc.slopes.items())
        base = self.electronic_energies()

        def ads_energy(n: str) -> float:
            return E.get(n, base.get(n, 0.0))

        shifts = {n: E[n] - self.species_specs[n].energy - self.energy_shifts.get(n, 0.0)
                  for n in E}
        mech = self.mechanism
        for ts in sec.ts_scaling:
            st = mech.steps[ts.step]
            side = {}
            for key, terms in (("IS", st.reactants), ("FS", st.products)):
                side[key] = sum(c * ads_energy(n) for n, c in terms
                                if mech.species[mech.index(n)].phase == "surface")
            if ts.reference == "IS":
                e_ts = ts.alpha * side["IS"] + ts.beta
            elif ts.reference == "FS":
                e_ts = ts.alpha * side["FS"] + ts.beta
            else:
                e_ts = side["IS"] + ts.alpha * (side["FS"] - side["IS"]) + ts.beta
            spec = self.step_specs[ts.step].ts
            shifts[f"ts:{ts.step}"] = (e_ts - spec.energy
                                       - self.energy_shifts.get(f"ts:{ts.step}", 0.0))
        return self.with_energy_shifts(shifts)

    def descriptor_axes(self) -> dict:
        """Descriptor grids: name -> ndarray of energies (eV)."""
        import numpy as np

        sec = self.sections.descriptors
        return {n: np.linspace(a, b, int(k)) for n, (a, b, k) in sec.axes.items()}

    # -- variants --------------------------------------------------------------------------
    def with_energy_shifts(self, shifts: dict[str, float]) -> Model:
        """A copy with energies shifted (eV): keys are species names or ``"ts:<step index>"``
        for saddle points. Shifts add to those already present."""
        new = dict(self.energy_shifts)
        for k, v in shifts.items():
            if k.startswith("ts:"):
                j = int(k[3:])
                if not 0 <= j < len(self.step_specs):
                    raise InvalidParameterError("shift", f"ts:0..ts:{len(self.step_specs)-1}", k)
            elif k not in self.species_specs:
                raise InvalidParameterError("shift", "a declared species or ts:<step>", k)
            new[k] = new.get(k, 0.0) + float(v)
        return dataclasses.replace(self, energy_shifts=new)

    def with_conditions(self, T: float | None = None,
                        pressures: dict[str, float | str] | None = None) -> Model:
        """A copy at another temperature (K) and/or partial pressures.

        Parameters
        ----------
        T : float or str, optional
            Temperature: a number in K or a string with a unit (``"600 K"``), within the
            range a model file accepts (:data:`catscale.quantities.TEMPERATURE_RANGE`).
        pressures : dict gas -> float or str, optional
            New partial pressures of some gases (the others keep theirs): bare numbers in
            bar, as :attr:`pressures` reads them, or strings with a unit (``"50 kPa"``).
            Stored in Pa in ``conditions``.

        Raises
        ------
        InvalidParameterError
            A value the model file would refuse (naming ``T`` or ``pressures.<gas>``).
        """
        from ..quantities import Pressure, Temperature, check_value

        cond = self.conditions
        if T is not None:
            cond = cond.model_copy(update={"T": float(check_value(Temperature, T, "T"))})
        if pressures is not None:
            p = self.partial_pressures
            gases = [s.name for s in self.mechanism.gas]
            for g, v in pressures.items():
                if g not in p and g not in gases:
                    raise InvalidParameterError("pressures", "gas species of the model", g)
                p[g] = float(check_value(Pressure, v, f"pressures.{g}"))
            # the composition is now given by partial pressures (any P + mole_fractions go)
            cond = cond.model_copy(update={"pressures": p, "mole_fractions": None, "P": None})
        return dataclasses.replace(self, conditions=cond)

    def summary(self) -> str:
        """One line: name, counts, T."""
        m = self.mechanism
        parts = [f"{self.name}: {len(m.gas)} gas, {len(m.adsorbates)} adsorbates, "
                 f"{len(m.sites)} site kind(s), {len(m.steps)} steps"]
        if self.conditions is not None:
            parts.append(f"T = {self.T:g} K")
        secs = self.sections.present()
        if secs:
            parts.append("sections: " + ", ".join(secs))
        return "; ".join(parts)


@functools.lru_cache(maxsize=64)
def _lattice_shells(section_json: str, kinds: tuple[str, ...]) -> tuple[int, ...]:
    """Coordination numbers of shells 1, 2, ... of the lattice a kmc section defines."""
    from .sections.kmc import KMCSection, build_lattice

    lat = build_lattice(KMCSection.model_validate_json(section_json), list(kinds))
    return tuple(int(lat.coordination(s)[0]) for s in range(1, lat.n_shells + 1))
