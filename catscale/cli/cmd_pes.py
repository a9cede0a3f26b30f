"""``catscale pes neb|rate``: structure files -> barrier, prefactor and k(T) (JSON).

``pes neb INITIAL FINAL``: relax both end points, CI-NEB (IDPP, improved tangent), harmonic
vibrations of the free atoms at the minimum and the climbing image, rate by harmonic TST.
``pes rate MINIMUM SADDLE``: vibrations at two given stationary structures, rate.

JSON keys: barrier (eV), reverse_barrier, reaction_energy (neb), energies (neb, eV),
prefactor (s^-1, Vineyard), T (K, list), k (s^-1, Vineyard), k_free_energy (s^-1, quantum
harmonic free energies), dG_act (eV), frequencies_minimum / frequencies_saddle (cm^-1,
imaginary negative), free_atoms, calls (force evaluations; 0 when served from --cache);
with ``--label L``: rows {L_initial, L_saddle, L_final: row id} stored in the --cache database
(energy, data.frequencies) for a model file's ``{ase_db, select: "name=L_saddle"}`` entries.
"""

from __future__ import annotations

import typer

from ._common import cli_errors, print_json

pes_app = typer.Typer(help="Potential energy surfaces (ASE): NEB and harmonic TST rates.",
                      no_args_is_help=True)


def _free(text: str | None, atoms) -> list[int] | None:
    from catscale.errors import InvalidParameterError

    if not text:
        return None
    try:
        idx = [int(t) for t in text.replace(",", " ").split()]
    except ValueError:
        raise InvalidParameterError("--free", "atom indices such as '12' or '10,11,12'",
                                    text) from None
    n = len(atoms)
    idx = [i + n if i < 0 else i for i in idx]
    if any(i < 0 or i >= n for i in idx):
        raise InvalidParameterError("--free", f"indices in [0, {n - 1}]", text)
    return idx


def _check_T(T: list[float]) -> list[float]:
    from catscale.errors import InvalidParameterError

    for t in T:
        if not t > 0:
            raise InvalidParameterError("--T", "> 0 K", t)
    return T


def _rate_block(vm, vs, T, Em=None, Es=None) -> dict:
    import numpy as np

    from catscale.bridges.pes_to_thermo import pes_rate

    r = pes_rate(vm, vs, np.asarray(T, dtype=float), energy_minimum=Em, energy_saddle=Es)
    return {"barrier": r.barrier, "prefactor": r.prefactor, "T": list(T),
            "k": np.atleast_1d(r.k_vineyard), "k_free_energy": np.atleast_1d(r.k_free_energy),
            "dG_act": np.atleast_1d(r.dG_act), "frequencies_minimum": list(vm.frequencies),
            "frequencies_saddle": list(vs.frequencies), "free_atoms": list(vm.indices)}


def _echo(out: dict) -> None:
    typer.echo(f"barrier {out['barrier']:.4f} eV, prefactor {out['prefactor']:.4g} s^-1")
    for T, k in zip(out["T"], out["k"]):
        typer.echo(f"  k({T:g} K) = {k:.4g} s^-1")


def _store_labelled(cache: str, label: str, a, s, b, band, vm, vs) -> dict:
    """Named rows of a NEB result in the cache database (``--label``)."""
    from catscale.atomistic import PESCache

    db = PESCache(cache)
    return {f"{label}_initial": db.put_named(f"{label}_initial", a, band.energies[0],
                                             vm.frequencies),
            f"{label}_saddle": db.put_named(f"{label}_saddle", s,
                                            band.energies[band.saddle_index], vs.frequencies),
            f"{label}_final": db.put_named(f"{label}_final", b, band.energies[-1])}


@pes_app.command("neb")
def neb_cmd(
    initial: str = typer.Argument(..., metavar="INITIAL", help="Initial structure (ASE file)."),
    final: str = typer.Argument(..., metavar="FINAL", help="Final structure (ASE file)."),
    images: int = typer.Option(3, "--images", help="Intermediate NEB images.", min=1,
                                max=100),
    calc: str = typer.Option("emt", "--calc", help="emt | xtb | pyscf"),
    fmax: float = typer.Option(0.05, "--fmax", help="Force threshold, eV/A."),
    free: str = typer.Option(None, "--free",
                             help="Atoms in the Hessian, e.g. '12' (default: unconstrained)."),
    T: list[float] = typer.Option([300.0], "--T", help="Temperature(s), K (repeatable)."),
    relax_ends: bool = typer.Option(True, "--relax/--no-relax", help="Relax end points."),
    cache: str = typer.Option(None, "--cache", help="ASE database (.db) used as a cache."),
    label: str = typer.Option(None, "--label", help="Also store rows name=LABEL_initial, "
                              "LABEL_saddle, LABEL_final (energy, data.frequencies) in the "
                              "--cache database, for a model file's ase_db entries."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """CI-NEB between two structures, then barrier, prefactor and k(T)."""
    with cli_errors():
        from catscale.atomistic import CalculatorSpec, neb, read_structure, relax, vibrations

        _check_T(T)
        if label and not cache:
            from catscale.errors import InvalidParameterError

            raise InvalidParameterError("--label", "a --cache database to store the rows in",
                                        label)
        spec = CalculatorSpec(calc)
        a, b = read_structure(initial), read_structure(final)
        calls = 0
        if relax_ends:
            a, ma = relax(a, spec, fmax=fmax, cache=cache)
            b, mb = relax(b, spec, fmax=fmax, cache=cache)
            calls += ma.calls + mb.calls
        imgs, band = neb(a, b, n_images=images, calc=spec, fmax=fmax, cache=cache)
        idx = _free(free, a)
        vm = vibrations(a, idx, spec, cache=cache)
        vs = vibrations(imgs[band.saddle_index], idx, spec, cache=cache)
        out = _rate_block(vm, vs, T, band.energies[0], band.energies[band.saddle_index])
        out.update(reverse_barrier=band.reverse_barrier, reaction_energy=band.reaction_energy,
                   energies=list(band.energies), saddle_index=band.saddle_index,
                   calls=calls + band.calls + vm.calls + vs.calls)
        if vs.n_imaginary != 1:
            out["warning"] = f"climbing image has {vs.n_imaginary} imaginary modes"
        if label:
            out["rows"] = _store_labelled(cache, label, a, imgs[band.saddle_index], b, band,
                                          vm, vs)
        print_json(out) if json_out else _echo(out)


@pes_app.command("rate")
def rate_cmd(
    minimum: str = typer.Argument(..., metavar="MINIMUM", help="Minimum structure."),
    saddle: str = typer.Argument(..., metavar="SADDLE", help="Saddle-point structure."),
    calc: str = typer.Option("emt", "--calc", help="emt | xtb | pyscf"),
    free: str = typer.Option(None, "--free", help="Atoms in the Hessian, e.g. '12'."),
    T: list[float] = typer.Option([300.0], "--T", help="Temperature(s), K (repeatable)."),
    cache: str = typer.Option(None, "--cache", help="ASE database (.db) used as a cache."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Harmonic TST rate from the vibrations at a given minimum and saddle point."""
    with cli_errors():
        from catscale.atomistic import CalculatorSpec, read_structure, vibrations

        _check_T(T)
        spec = CalculatorSpec(calc)
        a, s = read_structure(minimum), read_structure(saddle)
        idx = _free(free, a)
        vm = vibrations(a, idx, spec, cache=cache)
        vs = vibrations(s, idx, spec, cache=cache)
        out = _rate_block(vm, vs, T)
        out["calls"] = vm.calls + vs.calls
        print_json(out) if json_out else _echo(out)


def register(app: typer.Typer) -> None:
    app.add_typer(pes_app, name="pes")
