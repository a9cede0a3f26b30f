"""Reactor stage: packed-bed PFR or CSTR with the pellet effectiveness along the bed (the
pellet-to-reactor bridge), microkinetic tables verified on the pellets the bed visits."""

from __future__ import annotations

import dataclasses

import numpy as np

from ..results import StageResult, info, quantity

__all__ = ["ReactorRunResult", "ReactorProfiles", "run"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReactorProfiles(StageResult):
    """Profiles along the bed."""

    stage = "reactor_profiles"
    volume: list = quantity("m^3", "bed volume from the inlet", dims=("volume",))
    T: list = quantity("K", "temperature", dims=("volume",))
    F: dict = quantity("mol/s", "molar flow of each gas", dims=("gas", "volume"))
    effectiveness: list = quantity("1", "overall pellet effectiveness", dims=("volume",),
                                   default=[])


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReactorRunResult(StageResult):
    """A packed-bed reactor (``catscale reactor --json``)."""

    stage = "reactor"
    type: str = info("pfr | cstr")
    conversion: float = quantity("1", "conversion of the key reactant")
    selectivity: dict = quantity("1", "fraction of the converted key reactant that goes to "
                                      "each product (sums to 1)", dims=("gas",))
    yields: dict = quantity("1", "yield of each product per key reactant fed", dims=("gas",),
                            default={})
    key_balance: float | None = quantity("1", "key reactant not accounted for by the "
                                              "products, relative", default=None)
    outlet: dict = quantity("mol/s", "outlet molar flow", dims=("gas",))
    T_out: float = quantity("K", "outlet temperature")
    closure: float | None = quantity("1", "relative element/mass balance closure")
    profiles: ReactorProfiles = info("profiles along the bed")
    n_steady_states: int = info("steady states of the reactor found")
    rate_law: str = info("explicit | surrogate | direct")
    surrogate_error: float | None = quantity("1", "relative error of the tabulated "
                                                  "microkinetic rate on the bed's pellets")
    warnings: list = info("warnings", default=[])

    def text(self) -> str:
        """Conversion, selectivity, outlet T and balance closure, readable."""
        return (f"{self.type}: conversion {self.conversion:.4g}, selectivity "
                f"{self.selectivity}, T_out {self.T_out:.1f} K, balance closure "
                f"{self.closure}")


def run(model, homogenization=None, *, tol: float = 1e-3,
        max_rounds: int = 3) -> ReactorRunResult:
    """Run the packed-bed reactor the model's ``reactor:`` section describes.

    With microkinetics inside the pellets tabulated (``pellet.surrogate``, the default), the
    table is verified on the pellets the bed actually visits
    (:func:`catscale.bridges.pellet_to_reactor.bed_rate_error`: key-species rate against the
    direct mean-field rate, relative to the largest rate there); while the error exceeds
    ``tol`` the table is rebuilt over the visited concentrations and the bed solved again,
    at most ``max_rounds`` times, with 4 more nodes per axis each round, graded towards zero
    on the axes of species that nearly run out. ``surrogate_error`` reports the final error and
    ``warnings`` says when it is still above ``tol``.

    Parameters
    ----------
    model : Model
    homogenization : HomogenizationResult, optional
        The homogenization stage's result (pellet D_eff from the microstructure).
    """
    from ..bridges.pellet_to_reactor import (
        BedRateSpec,
        bed_rate_error,
        bed_rate_from_pellet,
        pellet_states_along_bed,
    )
    from ..errors import InvalidParameterError
    from ..reactor import reactor_type
    from ..units import P0
    from .pellet import inputs

    sec = model.sections.reactor
    if sec is None:
        raise InvalidParameterError(f"{model.path}: reactor", "a reactor: section", None)
    pel, kin, cb, T, psec, _ = inputs(model, homogenization)
    species = list(kin.species)
    # feed composition from the activities (mole fractions a_i / sum a); total pressure
    # P = p0 sum(a_i), Pa
    p = model.activities
    P = sec.pressure if sec.pressure is not None else sum(p.values()) * P0
    ptot = sum(p.get(s, 0.0) for s in species)
    if not ptot > 0:
        raise InvalidParameterError(f"{model.path}: conditions.pressures",
                                    f"a positive pressure of {species}", p)
    F_in = np.array([sec.flow * p.get(s, 0.0) / ptot for s in species])
    key = species.index(sec.key) if sec.key else kin.key
    kind = reactor_type(sec.type)
    solver = kind.solve
    kw = dict(adiabatic=sec.adiabatic, heat_capacity=sec.heat_capacity, key=key,
              products=sec.products, **kind.options(sec))

    inlet: dict = {"state": None}   # the inlet pellet warm-starts every later pellet solve

    def solve(law):
        spec = BedRateSpec(pel, law, sec.bed_voidage, sec.pellet_cells)
        rate = bed_rate_from_pellet(spec, initial=inlet["state"])
        res = solver(rate, species, F_in, T, P, sec.volume, **kw)
        inlet["state"] = rate.states["first"]
        return spec, res

    spec, res = solve(kin)
    how = ("explicit" if psec.kinetics is not None
           else "surrogate" if psec.surrogate else "direct")
    err = None
    warnings: list[str] = []
    if how == "surrogate":
        from ..bridges.kinetics_to_pellet import surrogate_rate_law

        direct = inputs(model, homogenization, surrogate=False)[1]
        Tr = (T, T) if psec.conductivity is None else (T, T + 200.0)
        for rnd in range(max_rounds + 1):
            err, lo, hi = bed_rate_error(spec, direct, res.concentrations(P), res.T,
                                         initial=inlet["state"])
            if err <= tol or rnd == max_rounds:
                break
            floor = 1e-9 * max(float(np.max(cb)), 1e-30)
            span = np.maximum(hi - lo, 0.05 * np.maximum(hi, floor))
            lo = np.maximum(lo - 0.1 * span, 0.0)
            hi = np.maximum(hi + 0.1 * span, lo + floor)
            # refinements: the visited range, more nodes each round, graded towards zero on
            # the axes of species that (nearly) run out inside the pellets, where the rate
            # changes fastest
            kin, _ = surrogate_rate_law(direct, hi, Tr, c_min=lo, graded=lo <= 1e-2 * hi,
                                        n_c=9 + 4 * rnd)
            spec, res = solve(kin)
        if err > tol:
            warnings.append(f"reactor: the tabulated microkinetic rate differs from the "
                            f"direct mean-field rate by {err:.2g} (relative) on the bed's "
                            f"pellets after {max_rounds} refinements (tolerance {tol:g})")
    d = res.to_dict()
    C = res.concentrations(P)
    eff = [float(st.effectiveness_overall)
           for st in pellet_states_along_bed(spec, C, res.T, initial=inlet["state"])]
    return ReactorRunResult(
        type=sec.type, conversion=d["conversion"], selectivity=d["selectivity"],
        yields=d.get("yields", {}), key_balance=d.get("key_balance"),
        outlet=d["outlet"], T_out=d["T_out"], closure=d["closure"],
        profiles=ReactorProfiles(**d["profiles"], effectiveness=eff),
        n_steady_states=d["n_steady_states"], rate_law=how, surrogate_error=err,
        warnings=warnings)
