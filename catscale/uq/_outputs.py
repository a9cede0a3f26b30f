"""The outputs of a UQ chain: a registry name -> how it is computed from one sample's results.

Each :class:`UQOutput` names the model sections it needs, the columns it adds and how it
computes them from a :class:`SampleResult` (the sample's perturbed model, rate constants,
steady state). The mean-field outputs read the steady state; ``effectiveness`` and
``conversion`` call the pellet and reactor scales through their bridges
(:mod:`catscale.bridges.kinetics_to_pellet`, :mod:`catscale.bridges.pellet_to_reactor`):
this module only reads the model's sections and picks the route.

Pellet route per sample (``pellet_route``): 0, the stoichiometric line (an isothermal
pellet of one overall reaction with one diffusivity: the exact one-species reduction of
:func:`catscale.pellet.solve_line_pellet`, with the mean-field rate along the line tabulated
by :class:`catscale.bridges.kinetics_to_pellet.MeanFieldLine` and verified on the solution,
``pellet_error`` its estimated relative error), or the closed form of an explicit first-order
law; 1, the general solver (:func:`catscale.bridges.kinetics_to_pellet.solve_pellet_verified`
or :func:`catscale.pellet.solve_pellet`); 2, the general solver because the mean-field rate
along the line is multivalued (:class:`~catscale.bridges.kinetics_to_pellet.LineFold`).

Reactor (``conversion``): the packed bed of the ``reactor:`` section
(:func:`catscale.bridges.pellet_to_reactor.packed_bed`) with the observed bed rate of the
sample's pellet; cheaper than ``catscale reactor``: RK45 at ``rtol`` 1e-5, 24 pellet cells.

Units: m, s, K, mol m^-3; rates per pellet volume in mol m^-3 s^-1; TOF s^-1 per site.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import CatscaleError, InvalidParameterError, ModelFileError

__all__ = ["UQOutput", "OUTPUTS", "SampleResult", "PelletOutput", "ReactorOutput"]


@dataclass
class SampleResult:
    """What one sample computed before its outputs."""

    #: the perturbed model at the sample's conditions
    model: Any
    #: its RateTable (k in s^-1 bar^-n; a list for a patch of sites)
    rates: Any
    #: TOF of the main product, s^-1 per site (the patch average)
    tof: float
    #: degree of rate control per step equation (dimensionless)
    drc: dict
    #: coverages (the patch average)
    theta: np.ndarray
    #: per-site coverages of a patch (None for one site)
    thetas: list | None
    #: factor on D_eff
    D_factor: float


@dataclass(frozen=True)
class UQOutput:
    """One registered output.

    Attributes
    ----------
    name : str
        The name in ``uncertainty.outputs``.
    description : str
        What it is, with units.
    sections : tuple of str
        Model sections it needs (beyond the mechanism).
    columns : callable
        ``columns(chain) -> list of str``: the output columns it adds.
    compute : callable
        ``compute(chain, sample) -> dict column -> float``.
    units : mapping
        Units (pint syntax) of each column kind (the column name before ``[``).
    """

    name: str
    description: str
    sections: tuple[str, ...]
    columns: Callable[[Any], list[str]]
    compute: Callable[[Any, SampleResult], dict[str, float]]
    units: Mapping[str, str] = field(default_factory=dict)


def _tof(chain, s: SampleResult) -> dict[str, float]:
    return {"tof": s.tof, "log10_tof": math.log10(s.tof) if s.tof > 0 else float("nan")}


def _drc(chain, s: SampleResult) -> dict[str, float]:
    return {f"drc[{e}]": s.drc.get(e, float("nan")) for e in chain.equations}


def _coverages(chain, s: SampleResult) -> dict[str, float]:
    return {f"theta[{sp}]": float(v) for sp, v in zip(chain.species, s.theta)}


def _effectiveness(chain, s: SampleResult) -> dict[str, float]:
    return chain.pellet(s.model, s.rates, s.D_factor,
                        theta_bulk=s.thetas if s.thetas is not None else s.theta)


def _conversion(chain, s: SampleResult) -> dict[str, float]:
    return chain.reactor(s.model, s.rates, s.D_factor)


#: the outputs a chain can compute (``uncertainty.outputs``), in column order
OUTPUTS: dict[str, UQOutput] = {o.name: o for o in (
    UQOutput("tof", "TOF of the main product, s^-1 per site (and its log10)", (),
             lambda c: ["tof", "log10_tof"], _tof, {"tof": "1/s", "log10_tof": "1"}),
    UQOutput("drc", "degree of rate control of every step (dimensionless)", (),
             lambda c: [f"drc[{e}]" for e in c.equations], _drc, {"drc": "1"}),
    UQOutput("coverages", "coverage of every surface species (dimensionless)", (),
             lambda c: [f"theta[{s}]" for s in c.species], _coverages, {"theta": "1"}),
    UQOutput("effectiveness", "internal effectiveness factor of the key gas, its Aris "
             "modulus, the estimated relative error and the route (dimensionless)",
             ("pellet",), lambda c: ["effectiveness", "thiele", "pellet_error",
                                     "pellet_route"], _effectiveness,
             {"effectiveness": "1", "thiele": "1", "pellet_error": "1", "pellet_route": "1"}),
    UQOutput("conversion", "conversion of the reactor's key gas (dimensionless)",
             ("pellet", "reactor"), lambda c: ["conversion"], _conversion,
             {"conversion": "1"}),
)}


# -- model sections -> pellet and reactor inputs ----------------------------------------------
def _section_error(model, field: str, msg: str) -> ModelFileError:
    return ModelFileError(model.path, field, msg)


def _pellet_inputs(model):
    """(Pellet, RateLaw, c_bulk, T) of a model's pellet: section (the one call of the
    model -> pellet-input assembly)."""
    from ..stages.pellet import inputs as pellet_inputs

    pel, kin, cb, T, _, _ = pellet_inputs(model)
    return pel, kin, cb, T


class PelletOutput:
    """The ``pellet:`` section of a model as a per-sample output (``effectiveness``).

    Parameters
    ----------
    model : Model
        Nominal model with a ``pellet:`` section (``D_eff`` omitted: taken once from the
        ``microstructure:`` section through the homogenization bridge, as ``catscale run``).
    n_cells : int
        Finite volumes of the one-species pellet (default 40; error estimated per sample).
    n_nodes : int
        Chebyshev-Lobatto nodes of the rate table along the stoichiometric line (default 7).
    tol : float
        Largest relative error of the table at the solution before it is rebuilt.

    Calling it with the sample's perturbed model, its RateTable at ``model_i.T`` (or a list:
    a patch of independent sites, whose pellet rate is the site average) and the factor on
    D_eff returns ``effectiveness``, ``thiele``, ``pellet_error`` and ``pellet_route``
    (module docstring).
    """

    def __init__(self, model, n_cells: int = 40, n_nodes: int = 7, tol: float = 1e-3):
        sec = model.sections.pellet
        if sec is None:
            raise _section_error(model, "pellet", "expected a pellet: section")
        D = sec.D_eff
        if D is None:
            if model.sections.microstructure is None:
                raise _section_error(model, "pellet.D_eff", "expected D_eff or a "
                                     "microstructure: section to compute it, found neither")
            from ..stages import homogenization

            D = float(homogenization.run(model).pellet_D_eff)
        upd: dict[str, Any] = {"D_eff": float(D), "surrogate": False}
        if sec.kinetics is not None and sec.kinetics.T_ref is None:
            # k is given at the model's nominal T: a sampled T changes k through Ea
            upd["kinetics"] = sec.kinetics.model_copy(update={"T_ref": model.T})
        self.section = sec.model_copy(update=upd)
        try:
            _, kin, _, _ = _pellet_inputs(self.with_factor(model, 1.0))
        except InvalidParameterError as exc:   # name the field of the file
            raise ModelFileError(model.path, str(exc.name).split(": ")[-1],
                                 f"expected {exc.expected}, found {exc.found!r}") from None
        self.species = tuple(kin.species)
        self.key = self.species[kin.key]
        self.explicit = sec.kinetics is not None
        self.isothermal = sec.conductivity is None
        self.n_cells, self.n_nodes, self.tol = int(n_cells), int(n_nodes), float(tol)
        self.first_order = (self.explicit and self.isothermal and sec.k_ext is None
                            and float(sec.kinetics.order) == 1.0)
        self.overall = None
        if not self.explicit and self.isothermal:
            from ..bridges.kinetics_to_pellet import OverallReaction
            from ._fast import mean_field_network

            self._T0 = float(model.T)
            net = mean_field_network(model, model.rates())
            st = OverallReaction(net, self.species, self.key)
            if st.single:
                self.overall, self._net0 = st, net
        self.stats = {"line": 0, "fold": 0, "general": 0, "arclength": 0, "mf_fallbacks": 0}

    def with_factor(self, m, D_factor: float):
        """The sample's model with this output's pellet section (D_eff x ``D_factor``)."""
        sec = self.section.model_copy(update={"D_eff": self.section.D_eff * float(D_factor)})
        return m.with_section("pellet", sec)

    def bulk(self, m) -> np.ndarray:
        """Bulk concentrations of the carried gases, mol m^-3 (pellet_inputs convention)."""
        from ..units import concentration

        a = m.activities
        return np.array([concentration(a.get(s, 0.0), m.T) for s in self.species])

    def direct_law(self, m, rates):
        """The direct microkinetic RateLaw of the perturbed model (rates: a RateTable for an
        isothermal pellet, or a callable T -> RateTable)."""
        from ..bridges.kinetics_to_pellet import MicrokineticCoupling, microkinetic_rate_law

        return microkinetic_rate_law(MicrokineticCoupling(
            m.mechanism, rates, self.section.specific_area, gas_species=self.species,
            enthalpies=self.section.enthalpies, energetics=m.energetics, key=self.key))

    def mean_field_line(self, m, rates, theta_bulk):
        """The sample's mean-field rate along its stoichiometric line."""
        from ..bridges.kinetics_to_pellet import MeanFieldLine
        from ..units import NA
        from ._fast import mean_field_network

        def network(rt):
            return (self._net0.with_rates(rt) if float(rt.T) == self._T0
                    else mean_field_network(m, rt))
        net = [network(r) for r in rates] if isinstance(rates, (list, tuple)) else network(rates)
        rho = m.mechanism.sites[0].density
        return MeanFieldLine(self.overall, net, self.bulk(m), m.T,
                             rho * self.section.specific_area / NA, theta_bulk)

    def _line(self, m, rates, D: float, theta_bulk) -> dict[str, float]:
        from ..bridges.kinetics_to_pellet import solve_line_verified

        sec = self.section
        sol, err, info = solve_line_verified(self.mean_field_line(m, rates, theta_bulk),
                                             sec.shape, sec.size, D, sec.k_ext, self.n_cells,
                                             n_nodes=self.n_nodes, tol=self.tol)
        self.stats["line"] += 1
        self.stats["arclength"] += info.get("route") == "arclength"
        self.stats["mf_fallbacks"] += info["fallbacks"]
        return {"effectiveness": sol.effectiveness, "thiele": sol.thiele,
                "pellet_error": err, "pellet_route": 0.0}

    def _explicit(self, m, D_factor: float) -> dict[str, float]:
        from ..pellet import effectiveness_first_order, solve_pellet

        pel, kin, cb, T = _pellet_inputs(self.with_factor(m, D_factor))
        k = kin.key
        if self.first_order:
            kv = -float(kin(cb, T)[k]) / cb[k] if cb[k] > 0 else float("nan")
            phi = pel.length * math.sqrt(kv / float(pel.diffusivities(kin.n)[k]))
            return {"effectiveness": float(effectiveness_first_order(phi, pel.shape)),
                    "thiele": phi, "pellet_error": 0.0, "pellet_route": 0.0}
        res = solve_pellet(pel, kin, cb, T, n_cells=self.n_cells, method="newton")
        coarse = solve_pellet(pel, kin, cb, T, n_cells=max(4, self.n_cells // 2),
                              method="newton")
        e = res.states[0].effectiveness
        return {"effectiveness": e, "thiele": res.states[0].thiele,
                "pellet_error": abs(e - coarse.states[0].effectiveness) / 3 / abs(e),
                "pellet_route": 0.0 if res.route == "line" else 1.0}

    def __call__(self, m, rates, D_factor: float = 1.0, theta_bulk=None) -> dict[str, float]:
        from ..bridges.kinetics_to_pellet import (
            LineFold,
            NotSingleReaction,
            line_of,
            solve_line_verified,
            solve_pellet_verified,
        )

        sec = self.section
        D = sec.D_eff * float(D_factor)
        if self.explicit:
            return self._explicit(m, D_factor)
        route = 1.0
        if isinstance(rates, (list, tuple)):
            # a patch of independent sites: only the line route averages their rates
            if self.overall is None:
                raise CatscaleError("a patch of sites (a 'sites' input) needs the "
                                    "stoichiometric-line pellet (isothermal, one overall "
                                    "reaction, microkinetics of the file)")
            return self._line(m, rates, D, theta_bulk)
        if self.overall is not None:
            try:
                return self._line(m, rates, D, theta_bulk)
            except LineFold:
                self.stats["fold"] += 1
                route = 2.0
        elif self.isothermal:
            try:
                sol, err, _ = solve_line_verified(
                    line_of(self.direct_law(m, rates), self.bulk(m), m.T), sec.shape, sec.size,
                    D, sec.k_ext, self.n_cells, n_nodes=self.n_nodes, tol=self.tol)
                return {"effectiveness": sol.effectiveness, "thiele": sol.thiele,
                        "pellet_error": err, "pellet_route": 0.0}
            except NotSingleReaction:
                pass
        self.stats["general"] += 1
        # general route (non-isothermal or several overall reactions): seconds per sample
        pel, kin, cb, T = _pellet_inputs(self.with_factor(m, D_factor))
        res, err, _how = solve_pellet_verified(pel, kin, cb, T, n_cells=self.n_cells)
        st = res.states[0]
        return {"effectiveness": st.effectiveness, "thiele": st.thiele,
                "pellet_error": float(err), "pellet_route": route}


class ReactorOutput:
    """The ``reactor:`` section of a model as a per-sample output (``conversion``).

    Parameters
    ----------
    model : Model
        Nominal model with ``reactor:`` and ``pellet:`` sections.
    pellet : PelletOutput
        The pellet of the same model.
    n_cells : int
        Pellet finite volumes at each bed point (default 24, or ``reactor.pellet_cells`` if
        smaller).
    rtol : float
        Relative tolerance of the PFR integration (default 1e-5).

    Calling it with the sample's perturbed model, rates and D_eff factor returns
    ``{"conversion": X}`` of the key gas (dimensionless).
    """

    def __init__(self, model, pellet: PelletOutput, n_cells: int = 24, rtol: float = 1e-5):
        sec = model.sections.reactor
        if sec is None:
            raise _section_error(model, "reactor", "expected a reactor: section")
        if sec.key is not None and sec.key not in pellet.species:
            raise _section_error(model, "reactor.key",
                                 f"expected a gas of the pellet {list(pellet.species)}, found "
                                 f"{sec.key!r}")
        if sec.adiabatic and sec.heat_capacity is None:
            raise _section_error(model, "reactor.heat_capacity",
                                 "expected a heat capacity for an adiabatic reactor, found none")
        self.section = sec
        self.pellet = pellet
        self.n_cells = int(min(n_cells, sec.pellet_cells))
        self.rtol = float(rtol)

    def _feed(self, m):
        from ..reactor import check_selection
        from ..units import P0

        sec, species = self.section, self.pellet.species
        p = m.activities              # as the reactor stage: P = p0 sum(a_i), Pa
        P = sec.pressure if sec.pressure is not None else sum(p.values()) * P0
        ptot = sum(p.get(s, 0.0) for s in species)
        if not ptot > 0:
            raise InvalidParameterError("conditions.pressures",
                                        f"a positive pressure of {list(species)}", p)
        F_in = np.array([sec.flow * p.get(s, 0.0) / ptot for s in species])
        check_selection(species, sec.key, sec.products, key_field="reactor.key",
                        products_field="reactor.products")
        key = species.index(sec.key or self.pellet.key)
        return P, F_in, key

    def bed_rate(self, m, rates, D_factor: float = 1.0):
        """``rate(c, T) -> (R, q)`` per bed volume (mol m^-3 s^-1, W m^-3) of the sample."""
        from ..bridges.pellet_to_reactor import (
            BedRateSpec,
            bed_rate_from_pellet,
            first_order_bed_rate,
            line_bed_rate,
        )

        ps = self.pellet
        eps = self.section.bed_voidage
        if ps.explicit:
            pel, kin, _, _ = _pellet_inputs(ps.with_factor(m, D_factor))
            if ps.first_order:
                return first_order_bed_rate(pel, kin, eps)
            return bed_rate_from_pellet(BedRateSpec(pel, kin, eps, self.n_cells))
        if not ps.isothermal:
            sur = ps.with_factor(m, D_factor)
            sur = sur.with_section("pellet", sur.sections.pellet.model_copy(
                update={"surrogate": True}))
            pel, kin, _, _ = _pellet_inputs(sur)
            return bed_rate_from_pellet(BedRateSpec(pel, kin, eps, self.n_cells))
        T0 = m.T

        @functools.lru_cache(maxsize=8)
        def rates_at(T):
            return rates if T == T0 else m.rates(T)

        from ..pellet import Pellet

        psec = ps.section
        pel = Pellet(psec.shape, psec.size, psec.D_eff * float(D_factor), k_ext=psec.k_ext)
        return line_bed_rate(ps.direct_law(m, rates_at), pel, eps, self.n_cells,
                             n_nodes=ps.n_nodes, tol=ps.tol, enthalpies=psec.enthalpies)

    def __call__(self, m, rates, D_factor: float = 1.0) -> dict[str, float]:
        from ..bridges.pellet_to_reactor import packed_bed

        sec = self.section
        P, F_in, key = self._feed(m)
        res = packed_bed(sec.type, self.bed_rate(m, rates, D_factor), self.pellet.species,
                         F_in, m.T, P, sec.volume, adiabatic=sec.adiabatic,
                         heat_capacity=sec.heat_capacity, key=key, products=sec.products,
                         n_points=2, rtol=self.rtol)
        return {"conversion": float(res.conversion)}
