"""Registry of thermo models: name -> constructor, the species block it reads, its checks.

A model file chooses a species' thermochemistry by name (``thermo: hindered``); the model
layer gathers what the species entry gives into one :class:`ThermoInputs` and calls the
registered entry's ``check`` (what is missing, as (key, message) pairs) and ``build``
(the thermo object). A model that reads a block of its own under the species (``hindered:``,
``shomate:``) owns that block's pydantic spec (``spec``, under the key ``spec_key``). A new
thermo model is one :func:`register_thermo_model` call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import InvalidParameterError
from ..registry import Registry
from ._base import ThermoBase
from ._empirical import FixedEnergy, ShomateGas
from ._harmonic import HarmonicThermo
from ._hindered import HinderedThermo
from ._ideal_gas import IdealGasThermo
from ._nasa import Nasa7
from ._specs import HinderedSpec, Nasa7Spec, ShomateSpec

Problem = tuple[tuple[str, ...], str]     # (key path under the species, message)


@dataclass(frozen=True)
class ThermoInputs:
    """What a species (or saddle point) entry gives a thermo model.

    Attributes
    ----------
    energy : float or None
        Electronic energy (shifts included), eV.
    frequencies : tuple of float
        Real vibrational wavenumbers, cm^-1.
    phase : {'gas', 'surface'}
    n_atoms : int
        Atoms in the species' composition (0 when the name is not a formula).
    mass : float, callable or None
        Mass in amu, or a function returning it (computed only when a model needs it);
        None: unknown.
    geometry : {'monatomic', 'linear', 'nonlinear'} or None
        As given in the file (None: not given).
    symmetry : int or None
    rotational_temperatures, inertia : tuple of float or None
        K; amu angstrom^2.
    spin : float
    low_frequency : mapping
        Keyword options of the soft-mode treatment (``low_frequency``,
        ``low_frequency_cutoff``).
    site_density : float or None
        Site density of the species' site kind, m^-2.
    n_sites : int
        Sites one adsorbate occupies (Cantera's ``sites``).
    block : object or None
        The validated block under the entry's ``spec_key`` (e.g. a :class:`HinderedSpec`).
    """

    energy: float | None = None
    frequencies: tuple[float, ...] = ()
    phase: str = "surface"
    n_atoms: int = 0
    mass: float | Callable[[], float] | None = None
    geometry: str | None = None
    symmetry: int | None = None
    rotational_temperatures: tuple[float, ...] | None = None
    inertia: tuple[float, ...] | None = None
    spin: float = 0.0
    low_frequency: Mapping[str, Any] = field(default_factory=dict)
    site_density: float | None = None
    block: Any = None
    n_sites: int = 1

    def need_mass(self, model: str) -> float:
        """The mass in amu, or InvalidParameterError naming the model that needs it."""
        if self.mass is None:
            raise InvalidParameterError("mass", f"a mass in amu ({model} thermo; the name "
                                        "is not a chemical formula)", None)
        return float(self.mass() if callable(self.mass) else self.mass)


@dataclass(frozen=True)
class ThermoEntry:
    """One thermo model of the registry.

    Parameters
    ----------
    name : str
        Registry name (the species' ``thermo:``).
    build : callable
        ``build(inputs: ThermoInputs) -> ThermoBase``.
    check : callable
        ``check(inputs) -> list of ((key, ...), message)``: what the species entry lacks.
    spec, spec_key : pydantic class and key, optional
        The block this model reads under the species entry, and its key.
    needs_energy : bool
        Without an energy the species has no thermo object (False: the model supplies it).
    transition_state : bool
        Usable for a step's saddle point (``ts: {thermo: ...}``).
    description : str
    """

    name: str
    build: Callable[[ThermoInputs], ThermoBase]
    check: Callable[[ThermoInputs], list[Problem]] = lambda inputs: []
    spec: type | None = None
    spec_key: str | None = None
    needs_energy: bool = True
    transition_state: bool = False
    description: str = ""


#: every thermo model, by name
THERMO_MODELS: Registry[ThermoEntry] = Registry("thermo")


def register_thermo_model(entry: ThermoEntry, *, replace: bool = False) -> ThermoEntry:
    """Add ``entry`` to :data:`THERMO_MODELS`; returns it."""
    return THERMO_MODELS.register(entry, replace=replace)


def thermo_model(name: str) -> ThermoEntry:
    """The registered thermo model ``name``; an unknown name lists the available ones."""
    return THERMO_MODELS.lookup(name)


def thermo_model_names(*, transition_state: bool | None = None) -> tuple[str, ...]:
    """Registered names, optionally only those usable for a saddle point."""
    return THERMO_MODELS.names(None if transition_state is None else
                               lambda e: e.transition_state == transition_state)


# ---- the built-in models ------------------------------------------------------------------
def _ideal_gas_geometry(inp: ThermoInputs) -> str | None:
    return inp.geometry or ("monatomic" if inp.n_atoms == 1 else None)


def _build_ideal_gas(inp: ThermoInputs) -> ThermoBase:
    return IdealGasThermo(
        energy=inp.energy, frequencies=list(inp.frequencies),
        geometry=_ideal_gas_geometry(inp) or "nonlinear", mass=inp.need_mass("ideal-gas"),
        symmetry=inp.symmetry or 1, rotational_temperatures=inp.rotational_temperatures,
        inertia=inp.inertia, spin=inp.spin, **inp.low_frequency)


def _check_ideal_gas(inp: ThermoInputs) -> list[Problem]:
    out: list[Problem] = []
    if inp.phase != "gas":
        return [(("thermo",), "'ideal_gas' is for gases")]
    natoms = inp.n_atoms
    geom = _ideal_gas_geometry(inp)
    if geom is None:
        out.append((("geometry",), "ideal-gas thermo needs 'geometry' (monatomic, linear or "
                    "nonlinear)"))
    if inp.mass is None:
        out.append((("mass",), "ideal-gas thermo needs 'mass' (amu)"))
    if geom in ("linear", "nonlinear"):
        if inp.symmetry is None:
            out.append((("symmetry",), "ideal-gas thermo needs the rotational 'symmetry' "
                        "number (e.g. 2 for O2, 1 for CO)"))
        if inp.rotational_temperatures is None and inp.inertia is None:
            out.append(((), "ideal-gas thermo needs 'rotational_temperatures' (K) or "
                        "'inertia' (amu angstrom^2)"))
        nrot = 1 if geom == "linear" else 3
        for key in ("rotational_temperatures", "inertia"):
            v = getattr(inp, key)
            if v is not None and len(v) not in (nrot, 3 if geom == "linear" else nrot):
                out.append(((key,), f"a {geom} molecule has {nrot} value(s), found {len(v)}"))
        nvib = 3 * natoms - (5 if geom == "linear" else 6) if natoms else None
        nf = len(inp.frequencies)
        if nvib is not None and nf != nvib:
            out.append((("frequencies",), f"a {geom} molecule of {natoms} atoms has {nvib} "
                        f"vibrational modes (3N-{5 if geom == 'linear' else 6}), found {nf}"))
    if geom == "linear" and natoms and natoms < 2:
        out.append((("geometry",), "a single atom is 'monatomic'"))
    return out


def _build_harmonic(inp: ThermoInputs) -> ThermoBase:
    return HarmonicThermo(energy=inp.energy, frequencies=list(inp.frequencies),
                          **inp.low_frequency)


def _check_harmonic(inp: ThermoInputs) -> list[Problem]:
    if not inp.frequencies:
        return [(("frequencies",), "harmonic thermo needs 'frequencies' (cm^-1); use thermo: "
                 "frozen to ignore vibrations")]
    return []


def _build_hindered(inp: ThermoInputs) -> ThermoBase:
    hd = inp.block
    if hd is None:
        raise InvalidParameterError("hindered", "a 'hindered' block (trans_barrier, "
                                    "rot_barrier, inertia, ...)", None)
    return HinderedThermo(
        energy=inp.energy, frequencies=list(inp.frequencies),
        trans_barrier_energy=hd.trans_barrier or 0.0, rot_barrier_energy=hd.rot_barrier or 0.0,
        site_density=hd.site_density or inp.site_density or 1.5e19,
        rotational_minima=hd.rotational_minima, symmetry=hd.symmetry,
        mass=inp.need_mass("hindered"), inertia=hd.inertia, translation=hd.translation,
        rotation=hd.rotation, standard_state=hd.standard_state, **inp.low_frequency)


def _check_hindered(inp: ThermoInputs) -> list[Problem]:
    out: list[Problem] = []
    if inp.block is None:
        out.append((("hindered",), "hindered thermo needs a 'hindered' block (trans_barrier, "
                    "rot_barrier, rotational_minima, ...)"))
    if len(inp.frequencies) < 3:
        out.append((("frequencies",), "hindered thermo needs all 3N frequencies (the three "
                    "lowest are replaced by the hindered modes)"))
    if inp.mass is None:
        out.append((("mass",), "hindered thermo needs 'mass' (amu)"))
    return out


def _build_shomate(inp: ThermoInputs) -> ThermoBase:
    sh = inp.block
    if sh is None:
        raise InvalidParameterError("shomate", "a 'shomate' block (coefficients, T_ranges)",
                                    None)
    return ShomateGas(energy=inp.energy or 0.0, coefficients=sh.coefficients,
                      T_ranges=sh.T_ranges, frequencies=list(inp.frequencies))


def _check_shomate(inp: ThermoInputs) -> list[Problem]:
    out: list[Problem] = []
    if inp.block is None:
        out.append((("shomate",), "shomate thermo needs a 'shomate' block (coefficients, "
                    "T_ranges)"))
    if inp.energy is None:
        out.append((("energy",), "shomate thermo needs the reference 'energy'"))
    return out


register_thermo_model(ThermoEntry(
    "ideal_gas", _build_ideal_gas, _check_ideal_gas,
    description="translation + rigid rotor + harmonic vibrations + spin degeneracy"))
register_thermo_model(ThermoEntry(
    "harmonic", _build_harmonic, _check_harmonic, transition_state=True,
    description="adsorbate (or saddle point) with every mode vibrational"))
register_thermo_model(ThermoEntry(
    "hindered", _build_hindered, _check_hindered, spec=HinderedSpec, spec_key="hindered",
    description="hindered (or free 2-D) translator + hindered (or free) rotor "
                "(Sprowl, Campbell & Arnadottir 2016)"))
register_thermo_model(ThermoEntry(
    "shomate", _build_shomate, _check_shomate, spec=ShomateSpec, spec_key="shomate",
    needs_energy=False, description="NIST Shomate polynomials (CatMAP shomate_gas)"))
register_thermo_model(ThermoEntry(
    "frozen", lambda inp: FixedEnergy(inp.energy), transition_state=True,
    description="G = E at every temperature (CatMAP frozen_adsorbate / frozen_gas)"))


def _build_nasa7(inp: ThermoInputs) -> ThermoBase:
    n7 = inp.block
    if n7 is None:
        raise InvalidParameterError("nasa7", "a 'nasa7' block (coefficients, T_ranges)", None)
    return Nasa7(coefficients=n7.coefficients, T_ranges=n7.T_ranges, is_gas=inp.phase == "gas",
                 reference_pressure=n7.reference_pressure or 101325.0, n_sites=inp.n_sites,
                 energy=inp.energy or 0.0)


def _check_nasa7(inp: ThermoInputs) -> list[Problem]:
    if inp.block is None:
        return [(("nasa7",), "nasa7 thermo needs a 'nasa7' block (coefficients, T_ranges)")]
    return []


register_thermo_model(ThermoEntry(
    "nasa7", _build_nasa7, _check_nasa7, spec=Nasa7Spec, spec_key="nasa7",
    needs_energy=False, description="NASA 7-coefficient polynomials (CHEMKIN / Cantera)"))
