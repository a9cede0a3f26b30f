"""Statistical thermodynamics of gases, adsorbates and transition states.

Energies in eV, temperatures in K, pressures in Pa, frequencies in cm^-1, masses in amu,
moments of inertia in amu angstrom^2, site densities in m^-2. Every model exposes the same
contract (:class:`ThermoModel`): ``zpe()``, ``U(T)``, ``H(T)``, ``S(T, p=P0)``,
``G(T, p=P0)`` and ``Cp(T)``; the standard pressure is p0 = :data:`catscale.units.P0` = 1 bar.

Models
------
IdealGasThermo   translation + rigid rotor + harmonic vibrations + spin degeneracy
HarmonicThermo   adsorbate with every mode vibrational
HinderedThermo   hindered (or free 2-D) translator + hindered (or free) rotor (Sprowl et al.)
ShomateGas       NIST Shomate polynomials, CatMAP ``shomate_gas`` definition
FixedEnergy      G = E at every temperature (CatMAP ``frozen_adsorbate`` / ``frozen_gas``)

Model files choose them by name from :data:`THERMO_MODELS` (ideal_gas, harmonic, hindered,
shomate, frozen); each entry owns its constructor, its checks and the spec of the species
block it reads (``register_thermo_model`` adds one).
Nasa7            NASA 7-coefficient polynomials (CHEMKIN / Cantera)
"""

from ._base import P0, ThermoBase, ThermoModel
from ._empirical import FixedEnergy, ShomateGas
from ._harmonic import HarmonicThermo
from ._hindered import HinderedThermo
from ._ideal_gas import IdealGasThermo
from ._modes import GRIMME_INERTIA_AMU_A2, parse_frequencies
from ._nasa import Nasa7, nasa7_g_basis
from ._registry import (
    THERMO_MODELS,
    ThermoEntry,
    ThermoInputs,
    register_thermo_model,
    thermo_model,
    thermo_model_names,
)
from ._specs import HinderedSpec, Nasa7Spec, ShomateSpec

__all__ = [
    "ThermoModel",
    "ThermoBase",
    "P0",
    "IdealGasThermo",
    "HarmonicThermo",
    "HinderedThermo",
    "ShomateGas",
    "FixedEnergy",
    "Nasa7", "Nasa7Spec",
    "nasa7_g_basis",
    "parse_frequencies",
    "GRIMME_INERTIA_AMU_A2",
    "THERMO_MODELS", "ThermoEntry", "ThermoInputs", "register_thermo_model", "thermo_model",
    "thermo_model_names", "HinderedSpec", "ShomateSpec",
]
