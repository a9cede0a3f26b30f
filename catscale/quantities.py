"""Pydantic field types for quantities with units; bare numbers take the file's ``units:``.

Each type converts once, at validation, to catscale's internal unit (eV, Pa, K, m, m^-2,
m^2/s, cm^-1 for vibrational wavenumbers, amu for masses, SI for the rest). A field given
as ``"<number> <unit>"`` is converted from that unit; a bare number is read in the unit the
model file's ``units:`` block gives for its dimension (energy, pressure, temperature, length,
site_density, diffusivity, time, mass), else in :data:`DEFAULT_UNITS`; dimensions that
``units:`` does not name (frequency, volume, molar flow, velocity, ...) are SI when bare.
Rate constants (:data:`RateConstant`) are per site and second with the gases as activities
p / p0 (p0 = 1 bar), so s^-1 whatever ``units: pressure`` says.

These types are shared by every layer that declares model-file fields (the model sections
and the thermo models' specs); they sit in the core next to :mod:`catscale.units`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, ValidationInfo

from .errors import InvalidParameterError
from .units import parse_quantity, parse_si

# defaults of bare numbers when the file's `units:` does not say otherwise
DEFAULT_UNITS = {"energy": "eV", "pressure": "bar", "temperature": "K", "length": "m",
                 "site_density": "m^-2", "diffusivity": "m^2/s", "time": "s",
                 "wavenumber": "cm^-1", "mass": "amu", "frequency": "1/s"}


def default_unit(info: ValidationInfo | None, dimension: str) -> str:
    ctx = (info.context or {}) if info is not None else {}
    return (ctx.get("units") or {}).get(dimension, DEFAULT_UNITS.get(dimension, ""))


#: plausibility bounds of a process temperature (conditions.T, diffusion.T, pellet.T_ref), K.
#: Below 1 mK no surface reaction is studied (dilution-refrigerator STM works at ~10 mK) and
#: every gas has condensed; above 1e5 K (kB T = 8.6 eV) no molecule survives (gases are
#: fully ionised by ~2e4 K, Saha equation), so neither ideal-gas and harmonic
#: thermochemistry nor transition-state theory applies. Outside this range the inputs are
#: typing errors (1e300 K, 1e-320 K), which would otherwise overflow exp() or divide by 0.
TEMPERATURE_RANGE = (1.0e-3, 1.0e5)
#: largest |energy| of a species, saddle point or energy parameter, eV. Energies may be
#: absolute DFT totals (``reference: none``): the all-electron total energy of a Pt atom is
#: about -5.4e5 eV (0.7687 Z^(7/3) hartree, Thomas-Fermi-Scott), so 1e9 eV exceeds the
#: total energy of a supercell of ~2000 heavy atoms, and float64 still resolves differences
#: of such energies to 1e-7 eV, far below kB T. Anything larger (1e300 eV, 9e18 eV) is not
#: an energy of an atomistic model.
MAX_ABS_ENERGY_EV = 1.0e9
#: bounds of the sizes and counts of a simulation, the same in model files and on the command
#: line. They refuse what would exhaust memory or never finish, not what is merely large: a
#: 1024 x 1024 kMC lattice has 1e6 sites (neighbour tables ~150 MB), 1e12 events take days
#: at the kernels' ~1e6-1e7 events/s.
MAX_LATTICE_SIZE = 1024
MAX_EVENTS = 10**12
MAX_REPLICAS = 1024
#: coverages of one D(theta) scan (each is a kMC run or a closure point)
MAX_COVERAGES = 1000
#: random seeds: numpy's generators take integers of any size, but a seed is stored and
#: passed as a 64-bit integer (kMC kernels, netCDF attributes)
MAX_SEED = 2**63 - 1
#: blocks of a kMC run's batch-means statistics: 20-100 serve every error estimate, and a
#: run keeps a few numbers per species and step for each; 1e12 blocks ran out of memory.
MAX_BLOCKS = 10**4
#: Monte Carlo samples of an uncertainty study (and base samples of its Sobol indices): 1e6
#: samples of the flagship chain take ~1.5 h on 2 cores at ~200 samples/s and keep ~0.2 GB of
#: inputs and outputs; 1e12 asked for 24 TiB at once.
MAX_SAMPLES = 10**6


def quantity(dimension: str, positive: bool = False, nonnegative: bool = False,
             bounds: tuple[float, float] | None = None, why: str = ""):
    """Pydantic validator converting a quantity to its internal unit.

    Parameters
    ----------
    dimension : str
        Dimension name (``"energy"``, ``"temperature"``, ...), see :data:`DEFAULT_UNITS`.
    positive, nonnegative : bool
        Sign constraints.
    bounds : (lo, hi), optional
        Accepted range of the magnitude, internal unit (``lo`` 0: no lower bound).
    why : str
        What the bounds mean, for the message.
    """
    def convert(v: Any, info: ValidationInfo) -> float:
        if v is None:
            raise ValueError(f"expected a {dimension}, got nothing")
        try:
            x = parse_quantity(v, dimension, default_unit(info, dimension))
        except InvalidParameterError as exc:
            raise ValueError(f"expected {exc.expected}, got {exc.found!r}") from None
        if not math.isfinite(x):    # 1e308 bar is inf Pa: refused here, not in a solver
            raise ValueError(f"expected a finite {dimension} (in SI units), got {v!r}")
        if positive and not x > 0:
            raise ValueError(f"expected a {dimension} > 0, got {v!r}")
        if nonnegative and not x >= 0:
            raise ValueError(f"expected a {dimension} >= 0, got {v!r}")
        if bounds is not None and x != 0 and not bounds[0] <= abs(x) <= bounds[1]:
            unit = DEFAULT_UNITS.get(dimension, "")
            rng = (f"|{dimension}| <= {bounds[1]:g} {unit}" if not bounds[0] else
                   f"a {dimension} in [{bounds[0]:g}, {bounds[1]:g}] {unit}")
            raise ValueError(f"expected {rng}{why}, got {v!r}")
        return x
    return BeforeValidator(convert)


_ADAPTERS: dict[Any, Any] = {}


def check_value(kind: Any, value: Any, name: str) -> Any:
    """Validate one value against a quantity type of this module outside a model file (an
    API argument such as ``Model.with_conditions(T=...)``): the same units, conversion and
    bounds as the file's field, with bare numbers in the default unit of the dimension.

    Raises
    ------
    InvalidParameterError
        Naming ``name``, with what was expected.
    """
    from pydantic import TypeAdapter, ValidationError

    ta = _ADAPTERS.get(kind)
    if ta is None:
        ta = _ADAPTERS[kind] = TypeAdapter(kind)
    try:
        return ta.validate_python(value)
    except ValidationError as exc:
        raise InvalidParameterError(name, expected_of(exc), value) from None


def expected_of(exc: Any) -> str:
    """What a pydantic ``ValidationError`` (its first error) says was expected, in the words
    of :class:`~catscale.errors.InvalidParameterError` ("a value greater than or equal to
    1", "two integers in [3, 1024]")."""
    msg = str(exc.errors()[0]["msg"])
    if msg.startswith("Value error, "):       # this module's validators: "expected X, got Y"
        return msg.removeprefix("Value error, ").removeprefix("expected ").rsplit(", got ",
                                                                                  1)[0]
    text = msg.removeprefix("Input should be ")   # pydantic's own constraints
    return f"a value {text}" if text.startswith(("greater", "less")) else text


def _finite_number(v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        if isinstance(v, str):
            try:
                v = float(v)
            except ValueError:
                raise ValueError(f"expected a number, got {v!r}") from None
        else:
            raise ValueError(f"expected a number, got {v!r}")
    if not math.isfinite(float(v)):
        raise ValueError(f"expected a finite number, got {v!r}")
    return float(v)


def _wavenumber(v: Any, info: ValidationInfo) -> float:
    """A vibrational wavenumber in cm^-1; imaginary modes ("1218i", -1218) -> negative."""
    if isinstance(v, str):
        s = v.strip().replace(" ", "")
        if s.endswith("i") or s.endswith("j"):
            return -abs(_finite_number(s[:-1]))
        try:
            return parse_quantity(v, "wavenumber", "cm^-1")
        except InvalidParameterError as exc:
            raise ValueError(f"expected a wavenumber (cm^-1), got {exc.found!r}") from None
    return _finite_number(v)


def _molar_energy(v: Any, info: ValidationInfo) -> float:
    """An energy per mole in J/mol: strings in their unit, bare numbers in the file's
    ``units: energy`` (default eV per particle), as every other energy of the file."""
    from .units import NA, eV

    if v is None:
        raise ValueError("expected an energy, got nothing")
    try:
        return parse_quantity(v, "energy", default_unit(info, "energy")) * eV * NA
    except InvalidParameterError as exc:
        raise ValueError(f"expected {exc.expected}, got {exc.found!r}") from None


def _rate_constant(v: Any, info: ValidationInfo) -> float:
    """A rate constant of the mass-action law (sign checked by the step): s^-1 per site, the
    gases entering as activities p / p0, so the s^-1 bar^-n of the convention is s^-1."""
    try:
        return parse_quantity(v, "frequency", default_unit(info, "frequency"))
    except InvalidParameterError as exc:
        raise ValueError(f"expected {exc.expected} (a rate constant per site in s^-1; gases "
                         f"enter as activities p/p0, p0 = 1 bar), got {exc.found!r}") from None


def rate_coefficient(v: Any, order: float) -> float:
    """A volumetric rate coefficient of order n, r = k c^n: a bare number in SI, mol^(1-n)
    m^(3n-3) s^-1, or ``"<number> <unit>"`` of that dimension (``"0.5 L/(mol s)"``).

    Raises ValueError (for pydantic) with what was expected and what was found."""
    n = float(order)
    powers = [f"{u}**{e:g}" for u, e in (("mol", 1.0 - n), ("m", 3.0 * n - 3.0)) if e != 0.0]
    si = " * ".join(powers + ["s**-1"])
    try:
        return parse_si(v, si)
    except InvalidParameterError as exc:
        raise ValueError(f"expected {exc.expected} (order {n:g}), got {exc.found!r}") from None


Energy = Annotated[float, quantity("energy", bounds=(0.0, MAX_ABS_ENERGY_EV),
                                   why=" (larger is no energy of an atomistic model)")]
#: energy per mole, stored in J/mol (the pellet's unit); read like every energy of the file
MolarEnergy = Annotated[float, BeforeValidator(_molar_energy)]
Pressure = Annotated[float, quantity("pressure", nonnegative=True)]
PositivePressure = Annotated[float, quantity("pressure", positive=True)]
#: a process temperature (reaction conditions), within :data:`TEMPERATURE_RANGE`
Temperature = Annotated[float, quantity("temperature", positive=True,
                                        bounds=TEMPERATURE_RANGE,
                                        why=" (the range where surface chemistry exists)")]
#: a characteristic temperature (rotational temperature h^2 / (8 pi^2 I kB)): > 0 only
CharacteristicTemperature = Annotated[float, quantity("temperature", positive=True)]
Length = Annotated[float, quantity("length", positive=True)]
SiteDensity = Annotated[float, quantity("site_density", positive=True)]
Diffusivity = Annotated[float, quantity("diffusivity", positive=True)]
Time = Annotated[float, quantity("time", positive=True)]
Mass = Annotated[float, quantity("mass", positive=True)]
Rate = Annotated[float, quantity("frequency", nonnegative=True)]
PositiveRate = Annotated[float, quantity("frequency", positive=True)]
Volume = Annotated[float, quantity("volume", positive=True)]
MolarFlow = Annotated[float, quantity("molar_flow", positive=True)]
MolarHeatCapacity = Annotated[float, quantity("molar_heat_capacity", positive=True)]
ThermalConductivity = Annotated[float, quantity("thermal_conductivity", positive=True)]
Velocity = Annotated[float, quantity("velocity", positive=True)]
HeatTransferCoefficient = Annotated[float, quantity("heat_transfer_coefficient",
                                                     positive=True)]
SpecificArea = Annotated[float, quantity("specific_area", positive=True)]
#: moment of inertia, amu angstrom^2
Inertia = Annotated[float, quantity("inertia", positive=True)]
Finite = Annotated[float, BeforeValidator(_finite_number)]
#: a rate constant or Arrhenius prefactor per site, s^-1 (gases as activities p / p0)
RateConstant = Annotated[float, BeforeValidator(_rate_constant)]
Wavenumber = Annotated[float, BeforeValidator(_wavenumber)]


def registry_choice(names: Callable[[], Iterable[str]], what: str) -> AfterValidator:
    """Validator of a name chosen from a registry, read when a file is validated (so that an
    entry registered later is accepted); an unknown name's error lists what is available.

    Parameters
    ----------
    names : callable returning the accepted names (e.g. ``lambda: (*lattice_names(),
        "custom")``)
    what : str
        What the name is, for the message ("lattice", "thermo model").
    """
    def check(v: str) -> str:
        allowed = list(names())
        if v not in allowed:
            raise ValueError(f"unknown {what} {v!r}; expected one of {allowed}")
        return v
    return AfterValidator(check)
