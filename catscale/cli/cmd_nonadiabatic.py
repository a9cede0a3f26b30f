"""``catscale nonadiabatic lz|marcus|mhc``: Born-Oppenheimer validity and non-adiabatic rates.

JSON keys
---------
lz: probability, massey, transmission, verdict, and thermal_transmission (with --mass, --T).
marcus: k (s^-1), dG, reorganization, coupling, T, activation_energy (eV), k_max (s^-1).
mhc: eta (V), k_red, k_ox, k_net (= k_ox - k_red), closed_form {k_red, k_ox, rel_error_red,
rel_error_ox}, butler_volmer {k_red, k_ox} (alpha = 1/2, matched at eta = 0); rates in the
unit of --prefactor times eV.
"""

from __future__ import annotations

import typer

from ._common import cli_errors, print_json

na_app = typer.Typer(help="Landau-Zener, Marcus and Marcus-Hush-Chidsey kinetics.",
                     no_args_is_help=True)


def _out(obj: dict, json_out: bool) -> None:
    if json_out:
        print_json(obj)
    else:
        for k, v in obj.items():
            typer.echo(f"{k}: {v}")


@na_app.command("lz")
def lz_cmd(
    coupling: float = typer.Option(..., "--coupling", help="Diabatic coupling H12, eV."),
    velocity: float = typer.Option(None, "--velocity", help="Velocity at the crossing, m/s."),
    slope_difference: float = typer.Option(..., "--slope-difference",
                                           help="|dV1/dx - dV2/dx|, eV/A."),
    mass: float = typer.Option(None, "--mass", help="Effective mass, amu (thermal average)."),
    T: float = typer.Option(None, "--T", help="Temperature, K (thermal average)."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Landau-Zener hop probability, Massey parameter and Born-Oppenheimer verdict."""
    with cli_errors():
        from catscale.atomistic import landau_zener, thermal_lz_transmission
        from catscale.errors import InvalidParameterError
        from catscale.units import amu, e, kB

        if velocity is None:
            if mass is None or T is None:
                raise InvalidParameterError("--velocity", "a velocity, or --mass and --T",
                                            None)
            if not (mass > 0 and T > 0):
                raise InvalidParameterError("--mass/--T", "> 0", (mass, T))
            velocity = (kB * T * e / (mass * amu)) ** 0.5   # thermal speed sqrt(kT/m)
        r = landau_zener(coupling, velocity, slope_difference)
        out = {"probability": r.probability, "massey": r.massey,
               "transmission": r.transmission, "verdict": r.verdict, "velocity": velocity}
        if mass is not None and T is not None:
            out["thermal_transmission"] = thermal_lz_transmission(coupling, slope_difference,
                                                                  mass, T)
        _out(out, json_out)


@na_app.command("marcus")
def marcus_cmd(
    dG: float = typer.Option(..., "--dG", help="Reaction free energy, eV."),
    reorganization: float = typer.Option(..., "--lambda", help="Reorganization energy, eV."),
    coupling: float = typer.Option(..., "--coupling", help="Electronic coupling H_AB, eV."),
    T: float = typer.Option(298.15, "--T", help="Temperature, K."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Non-adiabatic Marcus electron-transfer rate."""
    with cli_errors():
        from catscale.atomistic import marcus_rate

        k = marcus_rate(dG, reorganization, coupling, T)
        _out({"k": k, "dG": dG, "reorganization": reorganization, "coupling": coupling,
              "T": T, "activation_energy": (dG + reorganization) ** 2 / (4 * reorganization),
              "k_max": marcus_rate(-reorganization, reorganization, coupling, T)}, json_out)


@na_app.command("mhc")
def mhc_cmd(
    reorganization: float = typer.Option(..., "--lambda", help="Reorganization energy, eV."),
    eta: list[float] = typer.Option(..., "--eta", help="Overpotential(s), V (repeatable)."),
    T: float = typer.Option(298.15, "--T", help="Temperature, K."),
    prefactor: float = typer.Option(1.0, "--prefactor", help="A, rate per eV."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Marcus-Hush-Chidsey electrode rates (integral, Zeng closed form, Butler-Volmer)."""
    with cli_errors():
        import numpy as np

        from catscale.atomistic import butler_volmer_rate, mhc_rate, mhc_rate_closed_form

        et = np.asarray(eta, dtype=float)
        red = np.atleast_1d(mhc_rate(et, reorganization, T, "red", prefactor))
        ox = np.atleast_1d(mhc_rate(et, reorganization, T, "ox", prefactor))
        cr = np.atleast_1d(mhc_rate_closed_form(et, reorganization, T, "red", prefactor))
        co = np.atleast_1d(mhc_rate_closed_form(et, reorganization, T, "ox", prefactor))
        k0 = mhc_rate(0.0, reorganization, T, "red", prefactor)
        _out({"eta": et, "reorganization": reorganization, "T": T, "k_red": red, "k_ox": ox,
              "k_net": ox - red,
              "closed_form": {"k_red": cr, "k_ox": co, "rel_error_red": cr / red - 1,
                              "rel_error_ox": co / ox - 1},
              "butler_volmer": {"k_red": np.atleast_1d(butler_volmer_rate(et, k0, T, "red")),
                                "k_ox": np.atleast_1d(butler_volmer_rate(et, k0, T, "ox"))}},
             json_out)


def register(app: typer.Typer) -> None:
    app.add_typer(na_app, name="nonadiabatic")
