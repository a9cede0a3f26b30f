"""Pellet stage: reaction-diffusion in one catalyst pellet (Thiele modulus, effectiveness,
regime, profiles), with an explicit rate law or the model's microkinetics inside the pellet
(a surrogate verified on the solution itself, else the direct law)."""

from __future__ import annotations

import dataclasses

import numpy as np

from ..results import Column, StageResult, hidden, info, quantity, table

__all__ = ["PelletRunResult", "PelletProfiles", "inputs", "solve", "run"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class PelletProfiles(StageResult):
    """Radial profiles of the first steady state."""

    stage = "pellet_profiles"
    r: list = quantity("m", "distance from the pellet centre (or mid-plane)", dims=("r",))
    c: dict = quantity("mol/m^3", "gas concentration in the pores", dims=("gas", "r"))
    T: list = quantity("K", "temperature", dims=("r",))


_STATE_COLUMNS = {
    "effectiveness": Column("1", "internal effectiveness factor"),
    "effectiveness_overall": Column("1", "overall effectiveness (with external transport)"),
    "T_max": Column("K", "highest temperature in the pellet"),
}


@dataclasses.dataclass(frozen=True, kw_only=True)
class PelletRunResult(StageResult):
    """One pellet (``catscale pellet --json``)."""

    stage = "pellet"
    species: list = info("gases transported in the pellet")
    key: str = info("key reactant")
    shape: str = info("slab | cylinder | sphere")
    size: float = quantity("m", "half-thickness or radius")
    D_eff: float | list = quantity("m^2/s", "effective diffusivity used (one, or per gas)",
                                   dims=("gas",))
    thiele: float = quantity("1", "Thiele modulus")
    thiele_generalized: float = quantity("1", "generalised (Aris/Bischoff) Thiele modulus")
    effectiveness: float = quantity("1", "internal effectiveness factor")
    effectiveness_overall: float = quantity("1", "overall effectiveness factor")
    regime: str = info("kinetic | intermediate | diffusion-limited ...")
    weisz_prater: float = quantity("1", "Weisz-Prater criterion")
    mears_mass: float = quantity("1", "Mears criterion, external mass transfer")
    mears_heat: float = quantity("1", "Mears criterion, external heat transfer")
    biot_mass: list = quantity("1", "mass Biot number per gas", dims=("gas",))
    biot_heat: float | None = quantity("1", "heat Biot number")
    observed_rate: float = quantity("mol/m^3/s", "observed rate of the key reactant per "
                                                 "pellet volume")
    mass_balance_error: float = quantity("1", "relative mass balance error of the solution")
    profiles: PelletProfiles = info("profiles of the first steady state")
    steady_states: list = table("every steady state found", _STATE_COLUMNS,
                                dim="steady_state", label=None)
    turning_points: list = quantity("1", "reaction scale of each fold of the branch",
                                    dims=("turning_point",))
    surrogate_error: float | None = quantity("1", "relative error of the tabulated "
                                                  "microkinetic rate on the solution")
    rate_law: str = info("explicit | surrogate | direct")
    warnings: list = info("warnings", default=[])
    solution: object = hidden()       # pellet.PelletResult
    pellet_obj: object = hidden()
    rate_law_obj: object = hidden()

    def text(self) -> str:
        """Modulus, effectiveness, regime, criteria and the rate law, readable."""
        lines = [f"{self.shape}, size {self.size:g} m, key species {self.key}",
                 f"Thiele modulus {self.thiele:.4g} (generalised "
                 f"{self.thiele_generalized:.4g}), effectiveness {self.effectiveness:.4g}, "
                 f"regime: {self.regime}, {len(self.steady_states)} steady state(s)",
                 f"Weisz-Prater {self.weisz_prater:.3g}; mass balance error "
                 f"{self.mass_balance_error:.1e}"]
        if self.rate_law == "surrogate":
            err = self.surrogate_error or 0.0
            word = "checked" if err > 1e-3 else "verified"
            lines.append(f"microkinetic rates from a surrogate {word} on the solution "
                         f"(max relative error {err:.1e})")
        elif self.rate_law == "direct":
            lines.append("microkinetic rates coupled directly (a surrogate could not be "
                         "verified)")
        return "\n".join(lines)


def _D_eff(model, homogenization=None) -> float:
    sec = model.sections.pellet
    if sec.D_eff is not None:
        return float(sec.D_eff)
    if homogenization is None:   # from the microstructure: section, through the bridge
        from . import homogenization as homog

        homogenization = homog.run(model)
    return float(homogenization.pellet_D_eff)


def inputs(model, homogenization=None, surrogate: bool | None = None):
    """The pellet problem of a model: ``(Pellet, RateLaw, c_bulk [mol/m^3], T [K], section,
    surrogate_error)``.

    Parameters
    ----------
    model : Model
    homogenization : HomogenizationResult, optional
        The homogenization stage's result, for a pellet whose ``D_eff`` comes from the
        ``microstructure:`` section (solved here when not given).
    surrogate : bool, optional
        Override ``pellet.surrogate`` (False: the direct microkinetic law).
    """
    from ..errors import InvalidParameterError
    from ..pellet import Pellet, power_law
    from ..units import concentration

    sec = model.sections.pellet
    if sec is None:
        raise InvalidParameterError(f"{model.path}: pellet", "a pellet: section", None)
    T = model.T
    pressures = model.activities               # p / p0 (concentration() takes these)
    gases = list(pressures)
    err = None
    if sec.kinetics is not None:
        kin_s = sec.kinetics
        reactant = kin_s.reactant or (gases[0] if gases else "A")
        species = list(gases) if reactant in gases else [reactant]
        for name, val in (("reactant", reactant), ("product", kin_s.product)):
            if val is not None and val not in species:
                raise InvalidParameterError(f"{model.path}: pellet.kinetics.{name}",
                                            f"a gas of conditions.pressures {gases}", val)
        nu = [-1.0 if s == reactant else (1.0 if s == kin_s.product else 0.0)
              for s in species]
        c_b = [concentration(pressures.get(s, 1.0 if s == reactant else 0.0), T)
               for s in species]
        kin = power_law(kin_s.k, kin_s.order, species=species, stoichiometry=nu,
                        key=species.index(reactant), Ea=kin_s.Ea, T_ref=kin_s.T_ref or T,
                        dH=kin_s.dH)
    else:
        from ..bridges.kinetics_to_pellet import (
            MicrokineticCoupling,
            microkinetic_rate_law,
            surrogate_rate_law,
        )

        if sec.specific_area is None:
            raise InvalidParameterError(
                f"{model.path}: pellet.specific_area",
                "m^2 of catalytic surface per m^3 of pellet when pellet.kinetics is omitted",
                None)
        species = list(sec.species or [g for g in gases])
        for s in species:
            if s not in pressures:
                raise InvalidParameterError(f"{model.path}: pellet.species",
                                            f"gases of conditions.pressures {gases}", s)
        key = sec.key or species[0]
        if key not in species:
            raise InvalidParameterError(f"{model.path}: pellet.key", f"one of {species}", key)
        # isothermal pellet: one RateTable (building it per point costs ~1 ms); with an energy
        # balance the rate constants follow the local T
        rates = model.rates if sec.conductivity is not None else model.rates()
        cp = MicrokineticCoupling(model.mechanism, rates, sec.specific_area,
                                  gas_species=tuple(species), enthalpies=sec.enthalpies,
                                  energetics=model.energetics, key=key)
        kin = microkinetic_rate_law(cp)
        c_b = [concentration(pressures[s], T) for s in species]
        use_surrogate = sec.surrogate if surrogate is None else surrogate
        if use_surrogate:
            cmax = [max(c, 1e-6) * 1.05 for c in c_b]
            Tr = (T, T) if sec.conductivity is None else (T, T + 200.0)
            kin, err = surrogate_rate_law(kin, cmax, Tr)
    pel = Pellet(sec.shape, sec.size, _D_eff(model, homogenization),
                 conductivity=sec.conductivity, k_ext=sec.k_ext, h_ext=sec.h_ext)
    return pel, kin, np.array(c_b), T, sec, err


def solve(model, homogenization=None, n_cells: int = 0, newton: bool = False):
    """Solve the pellet of a model's ``pellet:`` section.

    Microkinetics inside the pellet (no ``pellet.kinetics``) with ``surrogate: true``: a
    tabulated rate law verified on the solution itself (``solve_pellet_verified``: the table
    is rebuilt over the concentrations the pellet visits until it agrees with the direct
    mean-field law to 1e-3 there, else the direct law is used); ``surrogate: false``: the
    direct law by Newton's method; an explicit ``pellet.kinetics``: continuation (or Newton
    with ``newton``).

    Returns
    -------
    (PelletResult, Pellet, RateLaw, section, float | None, str)
        The solution, the pellet, the rate law (direct law for a verified surrogate), the
        section, the surrogate's relative error on the solution (None without a surrogate)
        and the route: "surrogate", "direct" or "explicit".
    """
    from ..pellet import solve_pellet

    sec = model.sections.pellet
    if sec is not None and sec.kinetics is None and sec.surrogate:
        from ..bridges.kinetics_to_pellet import solve_pellet_verified

        pel, kin, cb, T, sec, _ = inputs(model, homogenization, surrogate=False)
        res, err, how = solve_pellet_verified(pel, kin, cb, T, n_cells=n_cells or sec.n_cells)
        return res, pel, kin, sec, err, how
    pel, kin, cb, T, sec, err = inputs(model, homogenization)
    direct = sec.kinetics is None
    res = solve_pellet(pel, kin, cb, T, n_cells=n_cells or sec.n_cells,
                       method="newton" if (newton or direct) else "continuation")
    return res, pel, kin, sec, err, "direct" if direct else "explicit"


def unverified_warning(how: str, err: float | None, tol: float = 1e-3) -> list[str]:
    """A warning when a microkinetic table could not be verified on the solution to ``tol``
    (relative error of the key species' rate) and the direct law did not converge."""
    if how == "surrogate" and err is not None and err > tol:
        return [f"pellet: the tabulated microkinetic rate differs from the direct law by "
                f"{err:.1e} (relative) on the solution, above {tol:g}; the direct law did "
                "not converge"]
    return []


def run(model, homogenization=None, n_cells: int = 0, newton: bool = False) -> PelletRunResult:
    """Solve a model's pellet and summarise it (see :func:`solve`)."""
    res, pel, kin, sec, err, how = solve(model, homogenization, n_cells, newton)
    s = res.states[0]
    warnings = [*getattr(res, "warnings", ()), *unverified_warning(how, err)]
    if len(res.states) > 1:
        warnings.append(f"pellet: {len(res.states)} steady states (multiplicity); all are "
                        "listed in the results")
    return PelletRunResult(
        species=list(kin.species), key=kin.species[kin.key], shape=sec.shape,
        size=float(sec.size),
        D_eff=(float(pel.D_eff) if np.ndim(pel.D_eff) == 0 else np.asarray(pel.D_eff).tolist()),
        thiele=s.thiele,
        thiele_generalized=s.thiele_generalized, effectiveness=s.effectiveness,
        effectiveness_overall=s.effectiveness_overall, regime=s.regime,
        weisz_prater=s.weisz_prater, mears_mass=s.mears_mass, mears_heat=s.mears_heat,
        biot_mass=pel.biot_mass(kin.n).tolist(), biot_heat=pel.biot_heat(),
        observed_rate=s.observed_rate, mass_balance_error=s.mass_balance_error,
        profiles=PelletProfiles(**s.profiles(kin.species)),
        steady_states=[{"effectiveness": x.effectiveness,
                        "effectiveness_overall": x.effectiveness_overall,
                        "regime": x.regime, "T_max": float(x.T.max()),
                        "c_surface": x.c_surface} for x in res.states],
        turning_points=list(res.turning_points), surrogate_error=err, rate_law=how,
        warnings=warnings, solution=res, pellet_obj=pel, rate_law_obj=kin)
