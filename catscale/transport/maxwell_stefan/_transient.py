"""Transient one-dimensional MS diffusion: the two-bulb cell and the Stefan tube.

Method of lines: finite volumes along the tube/capillary (compositions at cell centres,
MS fluxes at faces from the local B matrix), stiff integration by scipy's BDF. The total
concentration c_t is uniform (isothermal, isobaric ideal gas), so the total molar flux is
uniform along the tube at every instant; it is zero in the closed two-bulb cell and fixed by
the bootstrap at the liquid surface of the Stefan tube.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp

from ...errors import ConvergenceError, InvalidParameterError
from ._fluxes import check_diffusivities, diffusion_fluxes


def _check_x(name, x, n=None):
    x = np.asarray(x, float)
    if x.ndim != 1 or (n is not None and x.size != n) or abs(x.sum() - 1) > 1e-6 or \
            np.any(x < 0):
        raise InvalidParameterError(name, "mole fractions >= 0 summing to 1", x)
    return x / x.sum()


@dataclass(frozen=True)
class TwoBulbResult:
    """Two-bulb diffusion history.

    Attributes
    ----------
    t : ndarray (k,)
        Times, s.
    x1, x2 : ndarray (n, k)
        Mole fractions in bulb 1 and bulb 2.
    flux : ndarray (n, k)
        Molar fluxes at the capillary mouth of bulb 1, positive from bulb 1 to bulb 2,
        mol m^-2 s^-1.
    """

    t: np.ndarray
    x1: np.ndarray
    x2: np.ndarray
    flux: np.ndarray


def two_bulb(x1, x2, *, V1: float, V2: float, length: float, diameter: float, D,
             c_t: float, t_end: float, n_cells: int = 10, t_eval=None,
             Gamma=None) -> TwoBulbResult:
    """Loschmidt/Duncan-Toor two-bulb cell: two well-mixed bulbs joined by a capillary.

    Parameters
    ----------
    x1, x2 : array (n,)
        Initial mole fractions of bulb 1 and bulb 2.
    V1, V2 : float
        Bulb volumes, m^3.
    length, diameter : float
        Capillary length and diameter, m.
    D : array (n, n)
        MS diffusivities, m^2 s^-1.
    c_t : float
        Total concentration p/(RT), mol m^-3.
    t_end : float
        Final time, s.
    n_cells : int
        Finite volumes along the capillary.
    t_eval : array, optional
        Output times, s (default 200 points).
    Gamma : optional
        Thermodynamic factor (identity for ideal gases).

    Returns
    -------
    TwoBulbResult
    """
    x1 = _check_x("x1", x1)
    n = x1.size
    x2 = _check_x("x2", x2, n)
    Dm = check_diffusivities(D, n)
    for name, v in (("V1", V1), ("V2", V2), ("length", length), ("diameter", diameter),
                    ("c_t", c_t), ("t_end", t_end)):
        if not (np.isfinite(v) and v > 0):
            raise InvalidParameterError(name, "> 0", v)
    m = int(n_cells)
    A = np.pi * diameter**2 / 4
    dz = length / m
    Vc = A * dz
    # nodes: bulb 1, m cells, bulb 2; distances between consecutive nodes
    dist = np.full(m + 1, dz)
    dist[0] = dist[-1] = dz / 2
    vols = np.concatenate([[V1], np.full(m, Vc), [V2]])

    def full(y):
        X = np.empty((n, m + 2))
        X[: n - 1] = y.reshape(n - 1, m + 2)
        X[n - 1] = 1.0 - X[: n - 1].sum(axis=0)
        return X

    def face_flux(X):
        xf = 0.5 * (X[:, 1:] + X[:, :-1])
        g = np.diff(X, axis=1) / dist
        return diffusion_fluxes(xf, g, Dm, c_t, Gamma)      # N_t = 0: N = J

    def rhs(t, y):
        X = full(y)
        N = face_flux(X)                                    # (n, m+1)
        dX = np.zeros((n, m + 2))
        dX[:, :-1] -= A * N
        dX[:, 1:] += A * N
        return (dX[: n - 1] / (c_t * vols)).ravel()

    y0 = np.empty((n - 1, m + 2))
    y0[:, 0] = x1[: n - 1]
    y0[:, -1] = x2[: n - 1]
    y0[:, 1:-1] = 0.5 * (x1 + x2)[: n - 1, None]
    if t_eval is None:
        t_eval = np.linspace(0.0, t_end, 200)
    sol = solve_ivp(rhs, (0.0, t_end), y0.ravel(), method="BDF", t_eval=t_eval,
                    rtol=1e-8, atol=1e-11)
    if not sol.success:
        raise ConvergenceError("two-bulb integration failed", tried=[sol.message])
    Xs = [full(sol.y[:, k]) for k in range(sol.t.size)]
    return TwoBulbResult(sol.t, np.stack([X[:, 0] for X in Xs], 1),
                         np.stack([X[:, -1] for X in Xs], 1),
                         np.stack([face_flux(X)[:, 0] for X in Xs], 1))


@dataclass(frozen=True)
class StefanTubeResult:
    """Transient Stefan tube.

    Attributes
    ----------
    t : ndarray (k,)
        Times, s.
    z : ndarray (m,)
        Cell centres, m (z = 0 at the liquid surface).
    x : ndarray (k, n, m)
        Mole fractions.
    fluxes : ndarray (k, n)
        Molar fluxes leaving the liquid surface (+z), mol m^-2 s^-1.
    """

    t: np.ndarray
    z: np.ndarray
    x: np.ndarray
    fluxes: np.ndarray


def stefan_tube(x_liquid, x_top, *, length: float, D, c_t: float, nu, t_end: float,
                x_initial=None, n_cells: int = 40, t_eval=None, Gamma=None
                ) -> StefanTubeResult:
    """Transient Stefan tube: fixed compositions at the liquid surface and the tube mouth.

    Parameters
    ----------
    x_liquid, x_top : array (n,)
        Mole fractions at z = 0 (vapour in equilibrium with the liquid) and at z = length.
    length : float
        Diffusion path, m.
    D : array (n, n)
        MS diffusivities, m^2 s^-1.
    c_t : float
        Total concentration, mol m^-3.
    nu : array (n,)
        Bootstrap at the liquid surface, e.g. the insoluble gas is stagnant there.
    t_end : float
        Final time, s.
    x_initial : array (n,), optional
        Uniform initial composition of the tube gas (default ``x_top``).
    n_cells : int
        Finite volumes.
    t_eval : array, optional
        Output times, s.
    Gamma : optional
        Thermodynamic factor.

    Returns
    -------
    StefanTubeResult
        Tends to :func:`film_fluxes` as t -> inf.
    """
    x0 = _check_x("x_liquid", x_liquid)
    n = x0.size
    xL = _check_x("x_top", x_top, n)
    xi = xL if x_initial is None else _check_x("x_initial", x_initial, n)
    Dm = check_diffusivities(D, n)
    nu = np.asarray(nu, float)
    if abs(nu @ x0) < 1e-12:
        raise InvalidParameterError("nu", "weights with sum nu_i x_liquid_i != 0", nu)
    m = int(n_cells)
    dz = length / m
    z = (np.arange(m) + 0.5) * dz
    dist = np.full(m + 1, dz)
    dist[0] = dist[-1] = dz / 2

    def full(y):
        X = np.empty((n, m + 2))
        X[:, 0], X[:, -1] = x0, xL
        X[: n - 1, 1:-1] = y.reshape(n - 1, m)
        X[n - 1, 1:-1] = 1.0 - X[: n - 1, 1:-1].sum(axis=0)
        return X

    def fluxes(X):
        xf = 0.5 * (X[:, 1:] + X[:, :-1])
        xf[:, 0] = x0                                       # face 0 is the liquid surface
        xf[:, -1] = xL
        J = diffusion_fluxes(xf, np.diff(X, axis=1) / dist, Dm, c_t, Gamma)
        Nt = -(nu @ J[:, 0]) / (nu @ x0)                    # uniform total flux
        return J + xf * Nt

    def rhs(t, y):
        N = fluxes(full(y))
        return (-(np.diff(N, axis=1)) / (c_t * dz))[: n - 1].ravel()

    y0 = np.repeat(xi[: n - 1, None], m, axis=1).ravel()
    if t_eval is None:
        t_eval = np.linspace(0.0, t_end, 50)
    sol = solve_ivp(rhs, (0.0, t_end), y0, method="BDF", t_eval=t_eval, rtol=1e-8,
                    atol=1e-12)
    if not sol.success:
        raise ConvergenceError("Stefan-tube integration failed", tried=[sol.message])
    Xs = [full(sol.y[:, k]) for k in range(sol.t.size)]
    return StefanTubeResult(sol.t, z, np.stack([X[:, 1:-1] for X in Xs]),
                            np.stack([fluxes(X)[:, 0] for X in Xs]))
