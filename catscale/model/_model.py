"""The validated model: mechanism, conditions, thermochemistry, rate constants, sections."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from typing import Any

from ..errors import InvalidParameterError
from ..mechanism import Mechanism, RateTable


@dataclass(frozen=True, eq=False)
class Model:
    """A model file, validated and converted to internal units.

    Attributes
    ----------
    path, name : str
    mechanism : Mechanism
    conditions : ConditionsSpec or None
        ``conditions.T`` in K, pressures in Pa.
    pressures : dict
        Partial pressures of the gases, **bar** (the rate-law convention).
    lateral : dict
        (A*, B*) -> pair interaction energy, eV per nearest-neighbour pair (as written in
        the file; :meth:`mean_field_lateral` adds the further kmc shells for mean field).
    lateral_coordination : int or None
        Neighbours per site used by mean field for lateral interactions (default: from the
        kmc lattice, else 6 for a close-packed (111) surface).
    sections : dict
        Validated optional sections (kmc, pellet, reactor, uncertainty, diffusion,
        microstructure, descriptors, atomistic).
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
    pressures: dict[str, float]
    lateral: dict
    lateral_coordination: int | None
    sections: dict
    raw: dict = field(repr=False)
    energy_shifts: dict = field(default_factory=dict)
    #: which ASE database row fed which value: {field, db, select, row, value, ...}
    provenance: tuple = ()

    # -- conditions ------------------------------------------------------------------------
    @property
    def T(self) -> float:
        """Temperature of the model, K."""
        if self.conditions is None:
            raise InvalidParameterError(f"{self.path}: conditions.T", "a temperature", None)
        return float(self.conditions.T)

    def __getattr__(self, name: str):
        # optional sections as attributes: model.kmc, model.pellet, ... (None when absent)
        from ._schema import KNOWN_SECTIONS

        if name in KNOWN_SECTIONS:
            return self.__dict__["sections"].get(name)
        raise AttributeError(name)

    def coordination(self) -> int:
        """Neighbours per site for mean-field lateral interactions: ``lateral_coordination``
        if given, else that of the kmc lattice (square 4, hexagonal 6, honeycomb 3, a custom
        unit cell's first shell around its first site), else 4."""
        if self.lateral_coordination:
            return int(self.lateral_coordination)
        kmc = self.sections.get("kmc")
        lattice = getattr(kmc, "lattice", None) if kmc is not None else None
        if isinstance(kmc, dict):
            lattice = kmc.get("lattice")
        if lattice == "custom":
            return int(self._shell_coordination[0])
        z = {"square": 4, "hexagonal": 6, "triangular": 6, "fcc111": 6, "honeycomb": 3}
        return z.get(str(lattice), 4) if lattice else 4

    @property
    def _shell_coordination(self) -> tuple[int, ...]:
        """Coordination numbers of the kmc lattice's neighbour shells 1, 2, ... (around its
        first basis site)."""
        from .sections.kmc import KMCSection

        sec = self.sections.get("kmc") or KMCSection()
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
        extra = getattr(self.sections.get("kmc"), "interactions", None) or []
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

        kmc = self.sections.get("kmc")
        bep = kmc.get("bep") if isinstance(kmc, dict) else getattr(kmc, "bep", None)
        # the loader has checked the equations and the range (kmc.bep errors name the file)
        return lateral_alpha(self.mechanism, dict(bep or {}))

    # -- thermochemistry and rates ---------------------------------------------------------
    def thermo(self) -> dict[str, Any]:
        """Thermo object of every species that has thermochemistry (name -> object)."""
        from ._thermo import build_species_thermo

        out = {}
        for sp in self.mechanism.species:
            if sp.phase == "site":
                continue
            spec = self.species_specs.get(sp.name)
            dens = self.mechanism.site(sp.site).density if sp.site else None
            out[sp.name] = build_species_thermo(sp, spec, self.energy_shifts.get(sp.name, 0.0),
                                                site_density=dens)
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

    def coverage_effects(self):
        """(Gf, Gr, Af, Ar) of the steps' ``orders`` and ``coverage_dependence`` keys, or None.

        Gf, Gr (n_steps, n_surface): d ln k / d theta added to the forward and reverse rate
        constants; Af, Ar (n_surface, n_steps): coverage exponents (stoichiometric unless
        changed). Surface species in mechanism order (adsorbates, then vacancies).
        """
        import numpy as np

        if not any(sp.orders or sp.coverage_dependence for sp in self.step_specs):
            return None
        mech = self.mechanism
        surf = [s.name for s in mech.surface]
        idx = [mech.index(n) for n in surf]
        Af = np.array(mech.reactant_matrix[idx, :], dtype=float)
        Ar = np.array(mech.product_matrix[idx, :], dtype=float)
        J, S = len(mech.steps), len(surf)
        Gf, Gr = np.zeros((J, S)), np.zeros((J, S))
        for j, (st, spec) in enumerate(zip(mech.steps, self.step_specs)):
            for n, o in (spec.orders or {}).items():
                Af[surf.index(n), j] = o
            for n, cd in (spec.coverage_dependence or {}).items():
                i = surf.index(n)
                Gf[j, i] += cd.dlnk_dtheta
                Af[i, j] += cd.m
                if st.reversible:
                    Gr[j, i] += cd.dlnk_dtheta
                    Ar[i, j] += cd.m
        return Gf, Gr, Af, Ar

    def rates(self, T: float | None = None) -> RateTable:
        """Rate constants of every step at T (default: the model's), thermodynamically
        consistent (k_f / k_r = K from the same thermochemistry)."""
        from ..bridges.mechanism_rates import rate_table

        T = self.T if T is None else float(T)
        return rate_table(self.mechanism, self.thermo(), self.step_kinetics(), T,
                          masses=self.masses(), electronic=self.electronic_energies())

    # -- descriptors -----------------------------------------------------------------------
    def at_descriptors(self, point) -> Model:
        """The model at a descriptor point (eV, in ``descriptors.axes`` order): descriptor
        adsorbates take the point's energies, scaled adsorbates and TS-scaled saddle points
        follow their relations; every other energy is unchanged."""
        import numpy as np

        sec = self.sections.get("descriptors")
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

        sec = self.sections.get("descriptors")
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
                        pressures: dict[str, float] | None = None) -> Model:
        """A copy at another temperature (K) and/or partial pressures (bar)."""
        cond = self.conditions
        if T is not None:
            if not T > 0:
                raise InvalidParameterError("T", "> 0 K", T)
            cond = cond.model_copy(update={"T": float(T)})
        p = dict(self.pressures)
        if pressures is not None:
            for g, v in pressures.items():
                if g not in p and g not in [s.name for s in self.mechanism.gas]:
                    raise InvalidParameterError("pressures", "gas species of the model", g)
                if not v >= 0:
                    raise InvalidParameterError(f"pressures.{g}", ">= 0 bar", v)
                p[g] = float(v)
        return dataclasses.replace(self, conditions=cond, pressures=p)

    def summary(self) -> str:
        """One line: name, counts, T."""
        m = self.mechanism
        parts = [f"{self.name}: {len(m.gas)} gas, {len(m.adsorbates)} adsorbates, "
                 f"{len(m.sites)} site kind(s), {len(m.steps)} steps"]
        if self.conditions is not None:
            parts.append(f"T = {self.T:g} K")
        secs = [k for k, v in self.sections.items() if v is not None]
        if secs:
            parts.append("sections: " + ", ".join(secs))
        return "; ".join(parts)


@functools.lru_cache(maxsize=64)
def _lattice_shells(section_json: str, kinds: tuple[str, ...]) -> tuple[int, ...]:
    """Coordination numbers of shells 1, 2, ... of the lattice a kmc section defines."""
    from .sections.kmc import KMCSection, build_lattice

    lat = build_lattice(KMCSection.model_validate_json(section_json), list(kinds))
    return tuple(int(lat.coordination(s)[0]) for s in range(1, lat.n_shells + 1))
