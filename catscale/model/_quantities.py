"""The model layer's names of the shared quantity types (defined in :mod:`catscale.quantities`,
in the core, because the thermo models' specs use them too)."""

from ..quantities import (  # noqa: F401  (re-exported for the model sections)
    DEFAULT_UNITS,
    CharacteristicTemperature,
    Diffusivity,
    Energy,
    Finite,
    HeatTransferCoefficient,
    Inertia,
    Length,
    Mass,
    MolarEnergy,
    MolarFlow,
    MolarHeatCapacity,
    PositivePressure,
    PositiveRate,
    Pressure,
    Rate,
    RateConstant,
    SiteDensity,
    SpecificArea,
    Temperature,
    ThermalConductivity,
    Time,
    Velocity,
    Volume,
    Wavenumber,
    rate_coefficient,
    registry_choice,
)
from ..quantities import default_unit as _default_unit  # noqa: F401
from ..quantities import quantity as _quantity  # noqa: F401
