"""Reactor stage: packed-bed PFR or CSTR with the pellet effectiveness along the bed (the
pellet-to-reactor bridge), microkinetic tables verified on the pellets the bed visits."""

from __future__ import annotations

import dataclasses

import numpy as np

from ..results import StageResult, info, quantity

__all__ = ["ReactorRunResult", "ReactorProfiles", "run", "selectivity_basis"]


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


def selectivity_basis(model, kin, species: list[str], key: int) -> tuple[dict, list[str]]:
    """How much key reactant each gas of the reactor carries: the reactor's keyword options
    for the selectivities and the balance closure, and warnings.

    - an explicit one-reaction rate law (``pellet.kinetics``): its stoichiometry,
      s_i = -nu_key / nu_i for each product; invariants: the vectors orthogonal to nu;
    - microkinetics with every gas's formula known: the atom matrix (selectivity on the basis
      of the key's skeleton element, :func:`catscale.reactor.key_per_product`; the elements'
      closure is reported);
    - else (species named by labels such as ``A``): the overall reactions of the mechanism
      (gas rows of the step stoichiometry over the steps' combinations that conserve every
      surface species); with one overall reaction its stoichiometry, with several one key
      molecule per product molecule, said in a warning.

    Returns
    -------
    (dict, list of str)
        ``{"stoichiometry": ..., "invariants": ..., "elements": ...}`` (those that apply) and
        warnings.
    """
    from ..reactor import invariants_of, overall_key_stoichiometry

    mech = model.mechanism
    if kin.stoichiometry is not None:             # one reaction, declared by the rate law
        nu = np.asarray(kin.stoichiometry, float)[:, None]
        return {"stoichiometry": overall_key_stoichiometry(species, key, nu),
                "invariants": invariants_of(nu)}, []
    gases = {g.name: g for g in mech.gas}
    comps = [gases[s].elements if s in gases else None for s in species]
    if all(c is not None for c in comps):
        elements = sorted({e for c in comps for e in c})
        if elements:
            A = np.array([[c.get(e, 0) for c in comps] for e in elements], float)
            return {"invariants": A, "elements": elements}, []
    N = np.asarray(mech.stoichiometry, float)
    surf = [mech.index(x.name) for x in mech.surface]
    if surf:
        _, sv, vt = np.linalg.svd(N[surf], full_matrices=True)
        rank = int(np.sum(sv > 1e-10 * sv[0])) if sv.size and sv[0] > 0 else 0
        X = vt[rank:].T
    else:
        X = np.eye(N.shape[1])
    rows = [mech.index(s) if s in gases else None for s in species]
    overall = np.array([N[r] @ X if r is not None else np.zeros(X.shape[1]) for r in rows])
    stoich = overall_key_stoichiometry(species, key, overall) if overall.size else None
    opts: dict = {"invariants": invariants_of(overall)} if overall.size else {}
    if stoich is not None:
        return {**opts, "stoichiometry": stoich}, []
    return opts, [f"reactor: selectivities count one {species[key]} per molecule of each "
                  "product (the mechanism has several overall reactions and the gases' "
                  "formulas are not known)"]


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
    from ..reactor import check_selection, reactor_type
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
    check_selection(species, sec.key, sec.products, key_field=f"{model.path}: reactor.key",
                    products_field=f"{model.path}: reactor.products")
    key = species.index(sec.key) if sec.key else kin.key
    kind = reactor_type(sec.type)
    solver = kind.solve
    basis, warnings = selectivity_basis(model, kin, species, key)
    kw = dict(adiabatic=sec.adiabatic, heat_capacity=sec.heat_capacity, key=key,
              products=sec.products, **basis, **kind.options(sec))

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
    bal = d.get("key_balance")
    if (bal is not None and np.isfinite(bal) and abs(bal) > 1e-3
            and d["conversion"] > 1e-6):
        warnings.append(f"reactor: the products {sorted(d['selectivity'])} account for "
                        f"{100 * (1 + bal):.4g} % of the converted {species[key]}; the "
                        "selectivities are shares of what they account for (name the "
                        "products with reactor.products, or give the species' formulas)")
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
