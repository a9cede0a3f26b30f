"""Maxwell-Stefan multicomponent diffusion and the dusty-gas model.

- fluxes from MS diffusivities (ideal gas, optional thermodynamic factor) with the bootstrap
  relations (equimolar, Stefan, Graham);
- the exact steady film (Stefan tube) solution;
- transient 1-D solvers of the two-bulb cell and the Stefan tube;
- the dusty-gas model (Knudsen + molecular + viscous) in pores of porosity/tortuosity eps/tau.

Units: m, s, K, Pa, mol m^-3, mol m^-2 s^-1; diffusivities m^2 s^-1; molar masses kg mol^-1.
"""

from ._dusty_gas import DustyGas, knudsen_diffusivity
from ._film import FilmSolution, film_fluxes
from ._fluxes import bootstrap, diffusion_fluxes, molar_fluxes, ms_matrix
from ._transient import StefanTubeResult, TwoBulbResult, stefan_tube, two_bulb

__all__ = [
    "ms_matrix", "diffusion_fluxes", "molar_fluxes", "bootstrap", "film_fluxes",
    "FilmSolution", "two_bulb", "TwoBulbResult", "stefan_tube", "StefanTubeResult",
    "DustyGas", "knudsen_diffusivity",
]
