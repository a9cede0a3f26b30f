"""``catscale rates MODEL``: rate constants of every step at the model temperature."""

from __future__ import annotations

import typer

from ._common import cli_errors, print_json


def rates_table_text(rt) -> str:
    """A readable table of a RateTable (dG, dG_act in eV; k in s^-1 bar^-n), with what each
    dG_act is (``RateTable.barrier_kind``) and a note on those kinds below the table."""
    def f(x, fmt):
        import math
        return "-" if x is None or (isinstance(x, float) and not math.isfinite(x)) else \
            format(x, fmt)
    w = max(len(e) for e in rt.equations)
    lines = [f"T = {rt.T:g} K",
             f"{'step':<{w}}  {'dG/eV':>8}  {'dG_act/eV':>9}  {'barrier':<13}  {'k_f':>10}  "
             f"{'k_r':>10}  {'K_eq':>10}"]
    for j, eq in enumerate(rt.equations):
        lines.append(f"{eq:<{w}}  {f(float(rt.dG[j]), '8.3f'):>8}  "
                     f"{f(float(rt.dG_act[j]), '9.3f'):>9}  {rt.barrier_kind[j] or '-':<13}  "
                     f"{f(float(rt.k_f[j]), '10.3e'):>10}  "
                     f"{f(float(rt.k_r[j]), '10.3e'):>10}  {f(float(rt.K_eq[j]), '10.3e'):>10}")
    notes = {"saddle": "saddle: dG_act = G(TS) - G(IS), Eyring TST",
             "free_energy": "free_energy: Ea without A is a free-energy barrier, "
                            "k_f = kT/h exp(-Ea/kT)",
             "arrhenius": "arrhenius: Ea with A; dG_act is the effective barrier "
                          "-kT ln(k_f h/kT)",
             "bep": "bep: Ea from the BEP relation (prefactor A, else kT/h)",
             "effective": "effective: fixed k; dG_act = -kT ln(k_f h/kT)",
             "non_activated": "non_activated: sticking (collision theory), no barrier"}
    used = [k for k in notes if k in rt.barrier_kind]
    if used:
        lines.append("barrier: " + "; ".join(notes[k] for k in used))
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    @app.command("rates")
    def rates(model: str = typer.Argument(..., help="Model file (YAML)."),
              T: float = typer.Option(None, "--T", help="Temperature, K (default: model's)."),
              json_out: bool = typer.Option(False, "--json", help="Print one JSON object.")):
        """Rate constants of every step (dG, dG_act and what it is, k_f, k_r, K_eq)."""
        with cli_errors():
            from catscale.model import load_model

            m = load_model(model)
            rt = m.rates(T)
            if json_out:
                print_json({"T": rt.T, "steps": rt.to_records()})
            else:
                typer.echo(rates_table_text(rt))
