"""D(theta) curves: the frozen result shared by the closures and by the kMC bridge."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import InvalidParameterError
from ..units import kB
from ._hopping import jump_diffusivity_mf
from ._lattice import free_diffusivity
from ._thermodynamic_factor import thermodynamic_factor


@dataclass(frozen=True)
class DiffusionCurve:
    """Surface diffusivities as functions of coverage, with one-sigma errors.

    Attributes
    ----------
    theta : ndarray
        Coverages (adsorbates per site).
    D_star, D_jump, D_c : ndarray
        Tracer, jump (Kubo-Green collective) and chemical (Fick) diffusivities, m^2/s.
        D_c = D_jump * Phi. A closure has no tracer diffusivity (NaN).
    Phi : ndarray
        Thermodynamic factor d(mu/kT)/d ln(theta), dimensionless.
    M : ndarray
        Mobility M = D_jump theta / kT in m^2 s^-1 eV^-1 (per site), so that the coverage flux
        is J = -M grad(mu) and D_c = M dmu/dtheta.
    *_err : ndarray
        One standard error of each quantity (0 for closures).
    T : float
        Temperature, K.
    D0 : float
        Zero-coverage diffusivity z Gamma a^2 / 4, m^2/s.
    source : str
        'kmc' or 'closure:<thermodynamic closure>/<hop rule>'.
    """

    theta: NDArray[np.float64]
    D_star: NDArray[np.float64]
    D_jump: NDArray[np.float64]
    Phi: NDArray[np.float64]
    D_c: NDArray[np.float64]
    M: NDArray[np.float64]
    D_star_err: NDArray[np.float64]
    D_jump_err: NDArray[np.float64]
    Phi_err: NDArray[np.float64]
    D_c_err: NDArray[np.float64]
    M_err: NDArray[np.float64]
    T: float
    D0: float
    source: str
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Plain-Python dictionary (lists of floats), e.g. for JSON output."""
        keys = ("theta", "D_star", "D_star_err", "D_jump", "D_jump_err", "Phi", "Phi_err",
                "D_c", "D_c_err", "M", "M_err")
        out = {k: np.asarray(getattr(self, k)).tolist() for k in keys}
        out.update(T=self.T, D0=self.D0, source=self.source)
        out.update({k: (np.asarray(v).tolist() if isinstance(v, np.ndarray) else v)
                    for k, v in self.extra.items()})
        return out


def chemical_diffusivity(theta: ArrayLike, hop_rate: float, a: float, eps: float, T: float,
                         lattice: str = "square", rule: str = "metropolis",
                         closure: str = "quasi_chemical") -> DiffusionCurve:
    """Closure D_c(theta) = D_J(theta) Phi(theta), mean-field jump diffusivity.

    Parameters
    ----------
    theta : array_like
        Coverages, 0 < theta < 1.
    hop_rate : float
        Gamma, hop rate of an isolated particle to one neighbour, s^-1.
    a : float
        Nearest-neighbour distance, m.
    eps : float
        Nearest-neighbour pair energy, eV (< 0 attractive).
    T : float
        Temperature, K.
    lattice : str
        A registered lattice of one site kind (:data:`catscale.lattices.LATTICES`).
        z = 4 on 'square', 6 on 'hexagonal' (= 'triangular'), 3 on 'honeycomb'.
    rule : {'metropolis', 'initial_state', 'bep'}
        Hop-rate rule (see :func:`hop_rate_table`).
    closure : {'langmuir', 'bragg_williams', 'quasi_chemical'}
        Thermodynamic closure of Phi.

    Returns
    -------
    DiffusionCurve
        D in m^2/s, M in m^2 s^-1 eV^-1; D_c < 0 inside the spinodal.
    """
    th = np.atleast_1d(np.asarray(theta, dtype=float))
    if th.ndim != 1:
        raise InvalidParameterError("theta", "a 1-D sequence of coverages", theta)
    phi = thermodynamic_factor(th, eps, T, lattice, closure)
    dj = jump_diffusivity_mf(th, hop_rate, a, eps, T, lattice, rule)
    zero = np.zeros_like(th)
    return DiffusionCurve(
        theta=th, D_star=np.full_like(th, np.nan), D_jump=dj, Phi=phi, D_c=dj * phi,
        M=dj * th / (kB * T), D_star_err=zero, D_jump_err=zero, Phi_err=zero, D_c_err=zero,
        M_err=zero, T=float(T), D0=free_diffusivity(hop_rate, a, lattice),
        source=f"closure:{closure}/{rule}")
