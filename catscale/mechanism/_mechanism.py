"""Species, sites, steps and mechanisms: frozen data plus balance checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ..errors import InvalidParameterError
from ._equation import parse_equation, parse_formula

PHASES = ("gas", "surface", "site")


@dataclass(frozen=True)
class Site:
    """A kind of adsorption site.

    Attributes
    ----------
    name : str
        Name, also the name of the vacant-site species (``"*"``).
    density : float
        Site density in m^-2.
    """

    name: str
    density: float = 1.5e19

    def __post_init__(self):
        if not self.name:
            raise InvalidParameterError("site.name", "a non-empty string", self.name)
        if not (np.isfinite(self.density) and self.density > 0):
            raise InvalidParameterError(f"sites.{self.name}.density", "> 0 m^-2", self.density)


@dataclass(frozen=True)
class Species:
    """A chemical species of a mechanism.

    Attributes
    ----------
    name : str
        ``"CO"`` (gas), ``"CO*"`` (adsorbate on site kind ``*``), ``"*"`` (vacant site).
    phase : str
        ``"gas"``, ``"surface"`` (adsorbate) or ``"site"`` (vacant site).
    site : str or None
        Site kind of an adsorbate or vacancy; None for gases.
    composition : tuple of (element, count) or None
        Elemental composition (empty for a vacancy, None when unknown: a label like "A").
    n_sites : int
        Number of sites an adsorbate occupies (1 for ordinary adsorbates).
    """

    name: str
    phase: str
    site: str | None = None
    composition: tuple[tuple[str, int], ...] | None = ()
    n_sites: int = 1

    def __post_init__(self):
        if self.phase not in PHASES:
            raise InvalidParameterError(f"species.{self.name}.phase", f"one of {PHASES}",
                                        self.phase)
        if self.phase != "gas" and self.site is None:
            raise InvalidParameterError(f"species.{self.name}.site",
                                        "a site kind for an adsorbate", None)

    @property
    def elements(self) -> dict[str, int] | None:
        """Composition as a dict (None when unknown)."""
        return None if self.composition is None else dict(self.composition)

    @property
    def is_gas(self) -> bool:
        return self.phase == "gas"

    @property
    def is_surface(self) -> bool:
        """True for adsorbates and vacant sites (everything with a coverage)."""
        return self.phase in ("surface", "site")


def site_of(name: str, site_names: Iterable[str]) -> str | None:
    """Site kind a species name refers to: the longest site name that is a suffix of it."""
    best = None
    for s in site_names:
        if name.endswith(s) and (best is None or len(s) > len(best)):
            best = s
    return best


def species_from_name(name: str, sites: Iterable[str],
                      composition: Mapping[str, int] | None = None,
                      phase: str | None = None, site: str | None = None) -> Species:
    """Build a :class:`Species` from its name, inferring phase, site and composition.

    ``"CO*"`` on a model with site ``*`` is an adsorbate of ``*`` made of C and O;
    ``"*"`` is the vacant site; a name with no site suffix is a gas.
    """
    sites = list(sites)
    s = site if site is not None else site_of(name, sites)
    if phase is None:
        if s is None:
            phase = "gas"
        elif name == s:
            phase = "site"
        else:
            phase = "surface"
    core = name[: len(name) - len(s)] if (s is not None and phase != "gas") else name
    comp = dict(composition) if composition is not None else parse_formula(core)
    return Species(name=name, phase=phase, site=s if phase != "gas" else None,
                   composition=None if comp is None else tuple(sorted(comp.items())))


@dataclass(frozen=True)
class Step:
    """An elementary step.

    Attributes
    ----------
    equation : str
        The equation as written (``"CO* + O* <=> CO2 + 2*"``).
    reactants, products : tuple of (species name, coefficient)
    reversible : bool
    name : str
        Short label (defaults to the equation).
    """

    equation: str
    reactants: tuple[tuple[str, int], ...]
    products: tuple[tuple[str, int], ...]
    reversible: bool = True
    name: str = ""

    @classmethod
    def from_equation(cls, equation: str, name: str = "") -> Step:
        r, p, rev = parse_equation(equation)
        return cls(equation=equation.strip(), reactants=tuple(r.items()),
                   products=tuple(p.items()), reversible=rev, name=name or equation.strip())

    @property
    def species(self) -> set[str]:
        return {n for n, _ in self.reactants} | {n for n, _ in self.products}


@dataclass(frozen=True)
class Mechanism:
    """A set of sites, species and elementary steps.

    Species are ordered gases first, then adsorbates, then vacant sites; ``index`` maps names
    to rows of the stoichiometry matrices. Coverages of adsorbates and vacancies of one site
    kind sum to one (site balance).
    """

    sites: tuple[Site, ...]
    species: tuple[Species, ...]
    steps: tuple[Step, ...]
    name: str = ""
    _index: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        order = {"gas": 0, "surface": 1, "site": 2}
        sp = tuple(sorted(self.species, key=lambda s: order[s.phase]))  # stable sort
        object.__setattr__(self, "species", sp)
        idx = {}
        for i, s in enumerate(sp):
            if s.name in idx:
                raise InvalidParameterError("species", "unique names", s.name)
            idx[s.name] = i
        object.__setattr__(self, "_index", idx)
        site_names = {s.name for s in self.sites}
        for s in sp:
            if s.phase != "gas" and s.site not in site_names:
                raise InvalidParameterError(f"species.{s.name}.site",
                                            f"one of the sites {sorted(site_names)}", s.site)
        for st in self.steps:
            for n in st.species:
                if n not in idx:
                    raise InvalidParameterError(f"steps[{st.equation}]", "known species", n)

    # -- construction ----------------------------------------------------------------------
    @classmethod
    def from_equations(cls, equations: Iterable[str], sites: Iterable[Site] | None = None,
                       name: str = "") -> Mechanism:
        """Build a mechanism from equations alone, inferring species (default site ``*``)."""
        sites = tuple(sites) if sites is not None else (Site("*"),)
        steps = tuple(Step.from_equation(eq) for eq in equations)
        names: list[str] = []
        for st in steps:
            for n, _ in st.reactants + st.products:
                if n not in names:
                    names.append(n)
        site_names = [s.name for s in sites]
        for s in site_names:
            if s not in names:
                names.append(s)
        species = tuple(species_from_name(n, site_names) for n in names)
        return cls(sites=sites, species=species, steps=steps, name=name)

    # -- lookup ----------------------------------------------------------------------------
    def index(self, name: str) -> int:
        try:
            return self._index[name]
        except KeyError:
            raise InvalidParameterError("species", f"one of {list(self._index)}", name) from None

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.species]

    @property
    def gas(self) -> list[Species]:
        return [s for s in self.species if s.phase == "gas"]

    @property
    def adsorbates(self) -> list[Species]:
        return [s for s in self.species if s.phase == "surface"]

    @property
    def vacancies(self) -> list[Species]:
        return [s for s in self.species if s.phase == "site"]

    @property
    def surface(self) -> list[Species]:
        """Adsorbates and vacancies: every species with a coverage."""
        return [s for s in self.species if s.is_surface]

    def site(self, name: str) -> Site:
        for s in self.sites:
            if s.name == name:
                return s
        raise InvalidParameterError("site", f"one of {[s.name for s in self.sites]}", name)

    # -- matrices --------------------------------------------------------------------------
    def _side_matrix(self, side: str) -> np.ndarray:
        m = np.zeros((len(self.species), len(self.steps)))
        for j, st in enumerate(self.steps):
            for n, c in getattr(st, side):
                m[self._index[n], j] += c
        m.setflags(write=False)
        return m

    @cached_property
    def reactant_matrix(self) -> np.ndarray:
        """Reactant coefficients, shape (n_species, n_steps)."""
        return self._side_matrix("reactants")

    @cached_property
    def product_matrix(self) -> np.ndarray:
        """Product coefficients, shape (n_species, n_steps)."""
        return self._side_matrix("products")

    @cached_property
    def stoichiometry(self) -> np.ndarray:
        """Net stoichiometric matrix nu = products - reactants, shape (n_species, n_steps)."""
        m = self.product_matrix - self.reactant_matrix
        m.setflags(write=False)
        return m

    def site_occupancy(self) -> np.ndarray:
        """Matrix (n_site_kinds, n_species): sites of each kind a species occupies."""
        m = np.zeros((len(self.sites), len(self.species)))
        names = [s.name for s in self.sites]
        for i, sp in enumerate(self.species):
            if sp.phase != "gas":
                m[names.index(sp.site), i] = sp.n_sites
        return m

    # -- checks ----------------------------------------------------------------------------
    def element_balance_errors(self) -> list[tuple[int, str]]:
        """Steps whose elements do not balance: list of (step index, message).

        Steps with a species of unknown composition (a label such as "A*") are not checked."""
        out = []
        for j, st in enumerate(self.steps):
            if any(self.species[self._index[n]].composition is None for n in st.species):
                continue
            bal: dict[str, int] = {}
            for sign, side in ((-1, st.reactants), (1, st.products)):
                for n, c in side:
                    for el, k in self.species[self._index[n]].composition:
                        bal[el] = bal.get(el, 0) + sign * c * k
            bad = {el: v for el, v in bal.items() if v != 0}
            if bad:
                txt = ", ".join(f"{el} {v:+d}" for el, v in sorted(bad.items()))
                out.append((j, f"elements do not balance (products - reactants: {txt})"))
        return out

    def site_balance_errors(self) -> list[tuple[int, str]]:
        """Steps that create or destroy sites of some kind: list of (step index, message)."""
        occ = self.site_occupancy()
        out = []
        for j in range(len(self.steps)):
            d = occ @ self.stoichiometry[:, j]
            bad = [(self.sites[k].name, d[k]) for k in range(len(self.sites)) if d[k] != 0]
            if bad:
                txt = ", ".join(f"'{n}' {v:+g}" for n, v in bad)
                out.append((j, f"sites do not balance (products - reactants: {txt})"))
        return out

    def check(self) -> None:
        """Raise :class:`InvalidParameterError` on the first element or site imbalance."""
        for j, msg in self.element_balance_errors() + self.site_balance_errors():
            raise InvalidParameterError(f"steps[{j}] {self.steps[j].equation!r}", "balance", msg)
