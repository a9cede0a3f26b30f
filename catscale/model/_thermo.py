"""From validated species/step specs to thermo objects and step kinetics (model -> thermo)."""

from __future__ import annotations

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


def _geometry(sp: Species, spec: Any) -> str:
    if spec.geometry:
        return spec.geometry
    return "monatomic" if sum(n for _, n in (sp.composition or ())) == 1 else "nonlinear"


def build_species_thermo(sp: Species, spec: Any, shift: float = 0.0,
                         site_density: float | None = None):
    """Thermo object of one species from its spec (None when it has no energy).

    ``shift`` (eV) is added to the energy; ``site_density`` (m^-2) of the species' site kind
    is the default of the hindered translator."""
    from .. import thermo as th

    if spec is None:
        return None
    kind = spec.thermo or ("ideal_gas" if sp.phase == "gas" else
                           "harmonic" if spec.frequencies else "frozen")
    if spec.energy is None and kind not in ("shomate", "nasa7"):
        return None
    E = (spec.energy or 0.0) + shift
    if kind == "frozen":
        return th.FixedEnergy(E)
    if kind == "ideal_gas":
        geom = _geometry(sp, spec)
        return th.IdealGasThermo(
            energy=E, frequencies=list(spec.frequencies or []), geometry=geom,
            mass=species_mass(sp, spec), symmetry=spec.symmetry or 1,
            rotational_temperatures=spec.rotational_temperatures, inertia=spec.inertia,
            spin=spec.spin, **_low_frequency_kwargs(spec))
    if kind == "harmonic":
        return th.HarmonicThermo(energy=E, frequencies=list(spec.frequencies),
                                 **_low_frequency_kwargs(spec))
    if kind == "hindered":
        hd = spec.hindered
        return th.HinderedThermo(
            energy=E, frequencies=list(spec.frequencies),
            trans_barrier_energy=hd.trans_barrier or 0.0,
            rot_barrier_energy=hd.rot_barrier or 0.0,
            site_density=hd.site_density or site_density or 1.5e19,
            rotational_minima=hd.rotational_minima, symmetry=hd.symmetry,
            mass=species_mass(sp, spec), inertia=hd.inertia, translation=hd.translation,
            rotation=hd.rotation, standard_state=hd.standard_state,
            **_low_frequency_kwargs(spec))
    if kind == "shomate":
        sh = spec.shomate
        return th.ShomateGas(energy=(spec.energy or 0.0) + shift,
                             coefficients=sh.coefficients, T_ranges=sh.T_ranges,
                             frequencies=list(spec.frequencies or []))
    if kind == "nasa7":
        n7 = spec.nasa7
        return th.Nasa7(coefficients=n7.coefficients, T_ranges=n7.T_ranges,
                        is_gas=sp.phase == "gas",
                        reference_pressure=n7.reference_pressure or 101325.0,
                        n_sites=sp.n_sites, energy=(spec.energy or 0.0) + shift)
    raise ValueError(f"unknown thermo kind {kind!r}")


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
        if kind == "frozen":
            obj = th.FixedEnergy(E)
        else:
            obj = th.HarmonicThermo(energy=E, frequencies=real, **_low_frequency_kwargs(ts))
        # the imaginary mode is kept here only for tunneling corrections
        return StepKinetics(route="ts", ts=obj, tunneling=spec.tunneling,
                            imaginary_frequency=imag[0] if imag else None)
    if spec.Ea is not None:
        return StepKinetics(route="arrhenius", Ea=spec.Ea, A=spec.A)
    if spec.bep is not None:
        return StepKinetics(route="bep", alpha=spec.bep.alpha, beta=spec.bep.beta, A=spec.A)
    raise ValueError(f"step {j} has no rate route")
