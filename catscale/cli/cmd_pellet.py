"""``catscale pellet MODEL``: reaction-diffusion in a catalyst pellet.

JSON keys: thiele, effectiveness, regime, profiles (DESIGN.md), plus thiele_generalized,
effectiveness_overall, weisz_prater, mears_mass, mears_heat, biot_mass, biot_heat,
observed_rate, mass_balance_error, steady_states (every state found: effectiveness,
regime, T_max), turning_points (reaction scale of each fold), species, surrogate_error
(relative error of the verified microkinetic table on the solution), rate_law ("surrogate",
"direct" or "explicit"), warnings.
"""

from __future__ import annotations

import typer

from ._common import cli_errors, print_json


def pellet_inputs(model, n_cells: int | None = None):
    """(Pellet, RateLaw, c_bulk [mol/m^3], T [K], section, surrogate_error) from a model."""
    import numpy as np

    from catscale.errors import InvalidParameterError
    from catscale.pellet import Pellet, power_law
    from catscale.units import R

    sec = model.pellet
    if sec is None:
        raise InvalidParameterError(f"{model.path}: pellet", "a pellet: section", None)
    T = model.T
    pressures = dict(model.pressures)          # bar
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
        c_b = [pressures.get(s, 1.0 if s == reactant else 0.0) * 1e5 / (R * T)
               for s in species]
        kin = power_law(kin_s.k, kin_s.order, species=species, stoichiometry=nu,
                        key=species.index(reactant), Ea=kin_s.Ea, T_ref=kin_s.T_ref or T,
                        dH=kin_s.dH)
    else:
        from catscale.bridges.kinetics_to_pellet import (
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
                                  lateral=model.mean_field_lateral(),
                                  coordination=model.coordination(),
                                  alpha=model.lateral_alpha(), key=key,
                                  coverage_effects=model.coverage_effects())
        kin = microkinetic_rate_law(cp)
        c_b = [pressures[s] * 1e5 / (R * T) for s in species]
        if sec.surrogate:
            cmax = [max(c, 1e-6) * 1.05 for c in c_b]
            Tr = (T, T) if sec.conductivity is None else (T, T + 200.0)
            kin, err = surrogate_rate_law(kin, cmax, Tr)
    D_eff = sec.D_eff
    if D_eff is None:   # from the microstructure: section, through the homogenization bridge
        from .cmd_homogenize import homogenize_section

        D_eff = homogenize_section(model)[1].D_eff
    pel = Pellet(sec.shape, sec.size, D_eff, conductivity=sec.conductivity,
                 k_ext=sec.k_ext, h_ext=sec.h_ext)
    return pel, kin, np.array(c_b), T, sec, err


def solve_model_pellet(model, n_cells: int = 0, newton: bool = False):
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
    import dataclasses

    from catscale.pellet import solve_pellet

    sec = model.pellet
    if sec is not None and sec.kinetics is None and sec.surrogate:
        from catscale.bridges.kinetics_to_pellet import solve_pellet_verified

        direct_model = dataclasses.replace(model, sections={
            **model.sections, "pellet": sec.model_copy(update={"surrogate": False})})
        pel, kin, cb, T, sec, _ = pellet_inputs(direct_model)
        res, err, how = solve_pellet_verified(pel, kin, cb, T, n_cells=n_cells or sec.n_cells)
        return res, pel, kin, sec, err, how
    pel, kin, cb, T, sec, err = pellet_inputs(model)
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


def pellet_summary(res, pel, kin, err=None) -> dict:
    """JSON-ready summary of a PelletResult."""
    s = res.states[0]
    return {
        "species": list(kin.species), "key": kin.species[kin.key],
        "thiele": s.thiele, "thiele_generalized": s.thiele_generalized,
        "effectiveness": s.effectiveness, "effectiveness_overall": s.effectiveness_overall,
        "regime": s.regime, "weisz_prater": s.weisz_prater, "mears_mass": s.mears_mass,
        "mears_heat": s.mears_heat, "biot_mass": pel.biot_mass(kin.n).tolist(),
        "biot_heat": pel.biot_heat(), "observed_rate": s.observed_rate,
        "mass_balance_error": s.mass_balance_error,
        "profiles": s.profiles(kin.species),
        "steady_states": [{"effectiveness": x.effectiveness,
                           "effectiveness_overall": x.effectiveness_overall,
                           "regime": x.regime, "T_max": float(x.T.max()),
                           "c_surface": x.c_surface} for x in res.states],
        "turning_points": list(res.turning_points), "surrogate_error": err,
    }


def register(app: typer.Typer) -> None:
    @app.command("pellet")
    def pellet_cmd(
        model_path: str = typer.Argument(..., metavar="MODEL", help="Model file (YAML)."),
        json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
        n_cells: int = typer.Option(0, "--cells", help="Finite volumes (0: section value)."),
        newton: bool = typer.Option(False, "--newton",
                                    help="One Newton solve instead of continuation."),
    ) -> None:
        """Pellet reaction-diffusion: Thiele modulus, effectiveness, regime, profiles."""
        with cli_errors():
            from catscale.model import load_model

            model = load_model(model_path)
            res, pel, kin, sec, err, how = solve_model_pellet(model, n_cells, newton)
            out = pellet_summary(res, pel, kin, err)
            out["rate_law"] = how
            out["warnings"] = unverified_warning(how, err) + list(res.warnings)
            if json_out:
                print_json(out)
            else:
                typer.echo(f"Thiele modulus {out['thiele']:.4g} (generalised "
                           f"{out['thiele_generalized']:.4g}), effectiveness "
                           f"{out['effectiveness']:.4g}, regime {out['regime']}, "
                           f"{len(out['steady_states'])} steady state(s)")
