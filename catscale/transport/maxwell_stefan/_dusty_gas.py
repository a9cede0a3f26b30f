"""The dusty-gas model (Mason, Malinauskas & Evans 1967) of transport in a porous pellet.

Isothermal form, per species i (Krishna & Wesselingh, Chem. Eng. Sci. 52, 861 (1997)):

    N_i / D_iK + sum_{j != i} (x_j N_i - x_i N_j) / D_ij = -grad(c_i) - c_i B0 R T
                                                          / (mu D_iK) grad(c_t)

with effective coefficients D_ij = (eps/tau) D_ij(bulk, p), D_iK = (eps/tau) (d/3)
sqrt(8 R T / (pi M_i)) (Knudsen) and permeability B0 = (eps/tau) d^2 / 32 (viscous,
Poiseuille). eps/tau is the porosity over the tortuosity, or the effective-to-free
diffusivity ratio of a homogenization. At uniform pressure the model obeys Graham's law
sum N_i sqrt(M_i) = 0 for every pore size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ...errors import InvalidParameterError
from ...units import R as R_GAS
from ._fluxes import check_diffusivities


def knudsen_diffusivity(M, pore_diameter: float, T):
    """Knudsen diffusivity (d/3) sqrt(8 R T / (pi M)) in a straight pore, m^2 s^-1.

    Parameters
    ----------
    M : float or array
        Molar mass, kg mol^-1.
    pore_diameter : float
        Pore diameter, m.
    T : float or array
        Temperature, K.
    """
    M = np.asarray(M, float)
    return pore_diameter / 3.0 * np.sqrt(8.0 * R_GAS * np.asarray(T, float) / (np.pi * M))


@dataclass(frozen=True)
class DustyGas:
    """Dusty-gas transport parameters of a porous medium.

    Attributes
    ----------
    D : array (n, n)
        Binary MS (molecular) diffusivities of the free gas at pressure ``p_ref``, m^2 s^-1.
    molar_masses : sequence of float
        kg mol^-1.
    pore_diameter : float
        Mean pore diameter, m.
    porosity, tortuosity : float
        eps (0 < eps <= 1) and tau (>= 1); only eps/tau enters.
    viscosity : float
        Gas viscosity, Pa s (viscous flow; ``inf`` disables it).
    p_ref : float or None
        Pressure of ``D`` (Pa); molecular diffusivities scale as p_ref / p. None: D is used
        as given at every pressure.
    """

    D: np.ndarray
    molar_masses: Sequence[float]
    pore_diameter: float
    porosity: float
    tortuosity: float
    viscosity: float = 2.0e-5
    p_ref: float | None = None

    def __post_init__(self):
        M = np.asarray(self.molar_masses, float)
        if M.ndim != 1 or np.any(~(M > 0)):
            raise InvalidParameterError("molar_masses", "values > 0 kg/mol", self.molar_masses)
        object.__setattr__(self, "D", check_diffusivities(self.D, M.size))
        object.__setattr__(self, "molar_masses", M)
        if not self.pore_diameter > 0:
            raise InvalidParameterError("pore_diameter", "> 0 m", self.pore_diameter)
        if not 0 < self.porosity <= 1:
            raise InvalidParameterError("porosity", "in (0, 1]", self.porosity)
        if not self.tortuosity >= 1:
            raise InvalidParameterError("tortuosity", ">= 1", self.tortuosity)
        if not self.viscosity > 0:
            raise InvalidParameterError("viscosity", "> 0 Pa s", self.viscosity)

    @property
    def factor(self) -> float:
        """eps / tau."""
        return self.porosity / self.tortuosity

    @property
    def permeability(self) -> float:
        """B0 = (eps/tau) d^2 / 32, m^2."""
        return self.factor * self.pore_diameter**2 / 32.0

    def fluxes(self, c, grad_c, T) -> np.ndarray:
        """Molar fluxes from concentrations and their gradients.

        Parameters
        ----------
        c, grad_c : array (n,) or (n, m)
            Concentrations (mol m^-3) and gradients (mol m^-4).
        T : float or array (m,)
            Temperature, K (isothermal transport at each point).

        Returns
        -------
        ndarray like ``c``
            N in mol m^-2 s^-1.
        """
        c = np.asarray(c, float)
        one = c.ndim == 1
        C = c[:, None] if one else c
        G = np.asarray(grad_c, float).reshape(C.shape)
        n, m = C.shape
        T = np.broadcast_to(np.asarray(T, float), (m,))
        ct = C.sum(axis=0)
        x = C / ct
        p = ct * R_GAS * T
        f = self.factor
        DK = f * knudsen_diffusivity(self.molar_masses[:, None], self.pore_diameter, T[None, :])
        scale = (self.p_ref / p) if self.p_ref is not None else np.ones(m)
        inv = 1.0 / (f * self.D)                               # (n, n), diag 0
        inv = inv[None, :, :] / scale[:, None, None]           # (m, n, n)
        H = -x.T[:, :, None] * inv                             # H_ij = -x_i / D_ij
        diag = 1.0 / DK.T + np.einsum("mij,jm->mi", inv, x)    # 1/DK_i + sum_j x_j / D_ij
        idx = np.arange(n)
        H[:, idx, idx] = diag
        gct = G.sum(axis=0)
        visc = (self.permeability * R_GAS * T / self.viscosity) if np.isfinite(
            self.viscosity) else np.zeros(m)
        rhs = -G - C * visc[None, :] / DK * gct[None, :]
        N = np.linalg.solve(H, rhs.T[..., None])[..., 0].T
        return N[:, 0] if one else N

    def pellet_flux(self, c, dcdr, T) -> np.ndarray:
        """Flux model in the signature of ``catscale.pellet.Pellet(flux=...)``."""
        return self.fluxes(c, dcdr, T)
