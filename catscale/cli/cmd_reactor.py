"""``catscale reactor MODEL``: packed-bed PFR or CSTR with pellet effectiveness.

JSON keys: conversion, selectivity, outlet (mol/s), T_out, closure, profiles (volume m^3, T,
F per species, effectiveness along the bed), n_steady_states, type.
"""

from __future__ import annotations

import typer

from ._common import cli_errors, print_json


def reactor_summary(model, *, tol: float = 1e-3, max_rounds: int = 3) -> dict:
    """Run the packed-bed reactor the model's ``reactor:`` section describes; JSON-ready.

    With microkinetics inside the pellets tabulated (``pellet.surrogate``, the default), the
    table is verified on the pellets the bed actually visits
    (:func:`catscale.bridges.pellet_to_reactor.bed_rate_error`: key-species rate against the
    direct mean-field rate, relative to the largest rate there); while the error exceeds
    ``tol`` the table is rebuilt over the visited concentrations and the bed solved again,
    at most ``max_rounds`` times, with 4 more nodes per axis each round, graded towards zero
    on the axes of species that nearly run out. ``surrogate_error`` reports the final error and
    ``warnings`` says when it is still above ``tol``.
    """
    import dataclasses

    import numpy as np

    from catscale.bridges.pellet_to_reactor import (
        BedRateSpec,
        bed_rate_error,
        bed_rate_from_pellet,
        pellet_states_along_bed,
    )
    from catscale.errors import InvalidParameterError
    from catscale.reactor import reactor_type

    from .cmd_pellet import pellet_inputs

    sec = model.reactor
    if sec is None:
        raise InvalidParameterError(f"{model.path}: reactor", "a reactor: section",
                                    None)
    pel, kin, cb, T, psec, _ = pellet_inputs(model)
    species = list(kin.species)
    p = dict(model.pressures)
    P = sec.pressure if sec.pressure is not None else sum(p.values()) * 1e5
    ptot = sum(p.get(s, 0.0) for s in species)
    if not ptot > 0:
        raise InvalidParameterError(f"{model.path}: conditions.pressures",
                                    f"a positive pressure of {species}", p)
    F_in = np.array([sec.flow * p.get(s, 0.0) / ptot for s in species])
    key = species.index(sec.key) if sec.key else kin.key
    kind = reactor_type(sec.type)
    run = kind.solve
    kw = dict(adiabatic=sec.adiabatic, heat_capacity=sec.heat_capacity, key=key,
              products=sec.products, **kind.options(sec))

    inlet: dict = {"state": None}   # the inlet pellet warm-starts every later pellet solve

    def solve(law):
        spec = BedRateSpec(pel, law, sec.bed_voidage, sec.pellet_cells)
        rate = bed_rate_from_pellet(spec, initial=inlet["state"])
        res = run(rate, species, F_in, T, P, sec.volume, **kw)
        inlet["state"] = rate.states["first"]
        return spec, res

    spec, res = solve(kin)
    how = ("explicit" if psec.kinetics is not None
           else "surrogate" if psec.surrogate else "direct")
    err = None
    warnings: list[str] = []
    if how == "surrogate":
        from catscale.bridges.kinetics_to_pellet import surrogate_rate_law

        direct_model = dataclasses.replace(model, sections={
            **model.sections, "pellet": psec.model_copy(update={"surrogate": False})})
        direct = pellet_inputs(direct_model)[1]
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
    out = res.to_dict()
    C = res.concentrations(P)
    out["profiles"]["effectiveness"] = [
        float(st.effectiveness_overall)
        for st in pellet_states_along_bed(spec, C, res.T, initial=inlet["state"])]
    out["type"] = sec.type
    out["rate_law"] = how
    out["surrogate_error"] = err
    out["warnings"] = warnings
    return out


def register(app: typer.Typer) -> None:
    @app.command("reactor")
    def reactor_cmd(
        model_path: str = typer.Argument(..., metavar="MODEL", help="Model file (YAML)."),
        json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
    ) -> None:
        """Packed-bed reactor: conversion, selectivity and profiles."""
        with cli_errors():
            from catscale.model import load_model

            model = load_model(model_path)
            out = reactor_summary(model)
            sec = model.reactor
            if json_out:
                print_json(out)
            else:
                typer.echo(f"{sec.type}: conversion {out['conversion']:.4g}, "
                           f"selectivity {out['selectivity']}, T_out {out['T_out']:.1f} K")
