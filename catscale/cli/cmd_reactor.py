"""``catscale reactor MODEL``: packed-bed PFR or CSTR with pellet effectiveness.

JSON keys: conversion, selectivity, outlet (mol/s), T_out, closure, profiles (volume m^3, T,
F per species, effectiveness along the bed), n_steady_states, type.
"""

from __future__ import annotations

import typer

from ._common import cli_errors, print_json


def reactor_summary(model) -> dict:
    """Run the packed-bed reactor the model's ``reactor:`` section describes; JSON-ready."""
    import numpy as np

    from catscale.bridges.pellet_to_reactor import (
        BedRateSpec,
        bed_rate_from_pellet,
        pellet_effectiveness,
    )
    from catscale.errors import InvalidParameterError
    from catscale.reactor import cstr, pfr

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
    spec = BedRateSpec(pel, kin, sec.bed_voidage, sec.pellet_cells)
    rate = bed_rate_from_pellet(spec)
    run = pfr if sec.type == "pfr" else cstr
    kw = dict(adiabatic=sec.adiabatic, heat_capacity=sec.heat_capacity, key=key,
              products=sec.products)
    if sec.type == "pfr":
        kw["n_points"] = sec.n_points
    res = run(rate, species, F_in, T, P, sec.volume, **kw)
    out = res.to_dict()
    C = res.concentrations(P)
    out["profiles"]["effectiveness"] = [
        pellet_effectiveness(spec, C[:, k], float(res.T[k]))
        for k in range(C.shape[1])]
    out["type"] = sec.type
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
