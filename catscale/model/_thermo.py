"""From validated species/step specs to thermo objects and step kinetics (model -> thermo)."""

from __future__ import annotations

import dataclasses
from typing import Any

from ..bridges.mechanism_rates import StepKinetics
from ..mechanism import Species


def species_mass(sp: Species, spec: Any) -> float:
    """Mass in amu: the file's 'mass', else the sum of standard atomic masses (ASE)."""
    if spec is not None and spec.mass is not None:
        return float(spec.mass)
    if not sp.composition:
        from ..errors import InvalidParameterError

        raise InvalidParameterError(f"species.{sp.name}.mass",
                                    "a mass in amu (the name is not a chemical formula)", None)
    from ase.data import atomic_masses, atomic_numbers

    return float(sum(n * atomic_masses[atomic_numbers[el]] for el, n in sp.composition))


def _low_frequency_kwargs(spec: Any) -> dict:
    lf = getattr(spec, "low_frequency", None)
    if lf is None or lf.method == "none":
        return {}
    return {"low_frequency": lf.method, "low_frequency_cutoff": lf.cutoff}


def default_thermo(sp: Species, spec: Any) -> str:
    """The thermo model of a species whose entry names none: ideal gas for gases, harmonic
    for adsorbates with frequencies, else frozen."""
    return spec.thermo or ("ideal_gas" if sp.phase == "gas" else
                           "harmonic" if spec.frequencies else "frozen")


def thermo_inputs(sp: Species, spec: Any, entry=None, shift: float = 0.0,
                  site_density: float | None = None):
    """:class:`catscale.thermo.ThermoInputs` of one species entry (energy + ``shift``, eV;
    ``site_density`` of its site kind, m^-2; the block the thermo model ``entry`` reads)."""
    from ..thermo import ThermoInputs

    if spec.mass is not None:
        mass: Any = float(spec.mass)
    elif sp.composition:
        def mass() -> float:
            return species_mass(sp, spec)
    else:
        mass = None
    block = getattr(spec, entry.spec_key, None) if entry is not None and entry.spec_key \
        else None
    return ThermoInputs(
        energy=None if spec.energy is None else spec.energy + shift,
        frequencies=tuple(spec.frequencies or ()), phase=sp.phase or "surface",
        n_atoms=sum(n for _, n in (sp.composition or ())), mass=mass,
        geometry=spec.geometry, symmetry=spec.symmetry,
        rotational_temperatures=spec.rotational_temperatures, inertia=spec.inertia,
        spin=spec.spin, low_frequency=_low_frequency_kwargs(spec), site_density=site_density,
        block=block, n_sites=int(getattr(sp, "n_sites", 1) or 1))


def build_species_thermo(sp: Species, spec: Any, shift: float = 0.0,
                         site_density: float | None = None):
    """Thermo object of one species from its spec (None when it has no energy), built by the
    thermo model its entry names (:data:`catscale.thermo.THERMO_MODELS`).

    ``shift`` (eV) is added to the energy; ``site_density`` (m^-2) of the species' site kind
    is the default of the hindered translator."""
    from ..thermo import thermo_model

    if spec is None:
        return None
    entry = thermo_model(default_thermo(sp, spec))
    if spec.energy is None and entry.needs_energy:
        return None
    inp = thermo_inputs(sp, spec, entry, shift, site_density)
    if inp.energy is None:      # a model that supplies its own energy reference
        inp = dataclasses.replace(inp, energy=shift)
    return entry.build(inp)


def thermo_needed(mechanism, step_specs) -> frozenset[str]:
    """Species whose thermochemistry a rate constant needs: those (not vacant sites) of the
    steps with a saddle point (``ts``), a BEP relation, or a reverse rate by detailed
    balance (reversible without both ``k_f`` and ``k_r``). The loader checks their inputs;
    every other species' thermo is optional."""
    out: set[str] = set()
    for st, spec in zip(mechanism.steps, step_specs):
        if spec is None:
            continue
        needs_dG = st.reversible and (spec.k_f is None or spec.k_r is None)
        if spec.ts is not None or spec.bep is not None or needs_dG:
            out.update(n for n in st.species
                       if mechanism.species[mechanism.index(n)].phase != "site")
    return frozenset(out)


def build_step_kinetics(j: int, step, spec, ts_shift: float = 0.0) -> StepKinetics:
    """StepKinetics of one step from its spec."""
    from .. import thermo as th

    if spec.k_f is not None:
        return StepKinetics(route="fixed", k_f=spec.k_f, k_r=spec.k_r)
    if spec.sticking is not None:
        st = spec.sticking
        if isinstance(st, float):
            return StepKinetics(route="sticking", sticking=st)
        return StepKinetics(route="sticking", sticking=st.s0, b=st.b, Ea=st.Ea,
                            motz_wise=st.motz_wise)
    if spec.arrhenius is not None:
        ar = spec.arrhenius
        return StepKinetics(route="arrhenius", A=ar.A, b=ar.b, Ea=ar.Ea)
    if spec.ts is not None:
        ts = spec.ts
        freqs = list(ts.frequencies or [])
        imag = [abs(f) for f in freqs if f < 0]
        real = [f for f in freqs if f > 0]
        E = ts.energy + ts_shift
        kind = ts.thermo or ("harmonic" if real else "frozen")
        obj = th.thermo_model(kind).build(th.ThermoInputs(
            energy=E, frequencies=tuple(real), low_frequency=_low_frequency_kwargs(ts)))
        # the imaginary mode is kept here only for tunneling corrections
        return StepKinetics(route="ts", ts=obj, tunneling=spec.tunneling,
                            imaginary_frequency=imag[0] if imag else None)
    if spec.Ea is not None:
        return StepKinetics(route="arrhenius", Ea=spec.Ea, A=spec.A)
    if spec.bep is not None:
        return StepKinetics(route="bep", alpha=spec.bep.alpha, beta=spec.bep.beta, A=spec.A)
    raise ValueError(f"step {j} has no rate route")
