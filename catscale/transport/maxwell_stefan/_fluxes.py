"""Maxwell-Stefan diffusion of an n-component ideal (or non-ideal) mixture.

The generalised MS equations (Taylor & Krishna, Multicomponent Mass Transfer, 1993, eq. 2.1.14)

    -(1/RT) x_i grad(mu_i) = sum_{j != i} (x_j N_i - x_i N_j) / (c_t D_ij),

with -(x_i/RT) grad(mu_i) = sum_j Gamma_ij grad(x_j) (Gamma = I for an ideal gas), give the
n - 1 independent diffusion fluxes J = N - x N_t as

    J_(n-1) = -c_t B^-1 Gamma grad x_(n-1),
    B_ii = x_i / D_in + sum_{k != i} x_k / D_ik,   B_ij = -x_i (1/D_ij - 1/D_in),

and J_n = -sum J_i. The molar fluxes need one more relation, the *bootstrap*
sum_i nu_i N_i = 0: nu = (1, ..., 1) equimolar counter-diffusion (N_t = 0), nu = e_k
Stefan diffusion (species k stagnant), nu_i = sqrt(M_i) Graham's law of effusion-like
counter-diffusion. Then N_t = -sum nu_i J_i / sum nu_i x_i.

Units: mole fractions, gradients in m^-1, c_t in mol m^-3, D in m^2 s^-1, fluxes in
mol m^-2 s^-1.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...errors import InvalidParameterError


def check_diffusivities(D, n: int | None = None) -> np.ndarray:
    """Validate a symmetric n x n matrix of MS diffusivities (diagonal ignored), m^2 s^-1."""
    D = np.array(D, dtype=float)
    if D.ndim != 2 or D.shape[0] != D.shape[1] or (n is not None and D.shape[0] != n):
        raise InvalidParameterError("D", f"a square {n or 'n'} x {n or 'n'} matrix", D.shape)
    off = ~np.eye(D.shape[0], dtype=bool)
    if np.any(~np.isfinite(D[off])) or np.any(D[off] <= 0):
        raise InvalidParameterError("D", "off-diagonal MS diffusivities > 0 m^2/s", D)
    if not np.allclose(D, D.T, rtol=1e-12):
        raise InvalidParameterError("D", "a symmetric matrix (D_ij = D_ji)", D)
    np.fill_diagonal(D, np.inf)
    return D


def ms_matrix(x, D) -> np.ndarray:
    """The (n-1) x (n-1) matrix B of the MS equations (Taylor & Krishna eq. 2.1.21).

    Parameters
    ----------
    x : array (n,) or (n, m)
        Mole fractions (the last species is the reference).
    D : array (n, n)
        MS diffusivities, m^2 s^-1.

    Returns
    -------
    ndarray (n-1, n-1) or (m, n-1, n-1)
        B in s m^-2.
    """
    x = np.asarray(x, dtype=float)
    one = x.ndim == 1
    X = x[:, None] if one else x
    n, m = X.shape
    Dm = check_diffusivities(D, n)
    inv = 1.0 / Dm
    np.fill_diagonal(inv, 0.0)
    B = np.empty((m, n - 1, n - 1))
    for i in range(n - 1):
        B[:, i, i] = X[i] * inv[i, n - 1] + (inv[i] @ X)
        for j in range(n - 1):
            if j != i:
                B[:, i, j] = -X[i] * (inv[i, j] - inv[i, n - 1])
    return B[0] if one else B


def diffusion_fluxes(x, grad_x, D, c_t, Gamma=None) -> np.ndarray:
    """Diffusion fluxes J_i = N_i - x_i N_t from the MS equations.

    Parameters
    ----------
    x, grad_x : array (n,) or (n, m)
        Mole fractions and their gradients (m^-1).
    D : array (n, n)
        MS diffusivities, m^2 s^-1.
    c_t : float or array (m,)
        Total molar concentration, mol m^-3.
    Gamma : array (n-1, n-1) or (m, n-1, n-1), optional
        Thermodynamic factor matrix (identity for an ideal gas).

    Returns
    -------
    ndarray like ``x``
        J in mol m^-2 s^-1; sum_i J_i = 0.
    """
    x = np.asarray(x, dtype=float)
    g = np.asarray(grad_x, dtype=float)
    one = x.ndim == 1
    X = x[:, None] if one else x
    G = g[:, None] if one else g
    n, m = X.shape
    B = ms_matrix(X, D)
    rhs = G[: n - 1].T                                  # (m, n-1)
    if Gamma is not None:
        Gm = np.broadcast_to(np.asarray(Gamma, float), (m, n - 1, n - 1))
        rhs = np.einsum("mij,mj->mi", Gm, rhs)
    Jr = -np.asarray(c_t, float).reshape(-1, 1) * np.linalg.solve(B, rhs[..., None])[..., 0]
    J = np.empty((n, m))
    J[: n - 1] = Jr.T
    J[n - 1] = -Jr.sum(axis=1)
    return J[:, 0] if one else J


def bootstrap(kind: str, n: int, *, stagnant: int | None = None,
              molar_masses: Sequence[float] | None = None) -> np.ndarray:
    """Bootstrap weights nu with sum_i nu_i N_i = 0.

    Parameters
    ----------
    kind : str
        ``"equimolar"`` (N_t = 0), ``"stefan"`` (N_stagnant = 0) or ``"graham"``
        (sum N_i sqrt(M_i) = 0).
    n : int
        Number of species.
    stagnant : int
        Index of the stagnant species (``"stefan"``).
    molar_masses : sequence of float
        Molar masses, any consistent unit (``"graham"``).

    Returns
    -------
    ndarray (n,)
    """
    if kind == "equimolar":
        return np.ones(n)
    if kind == "stefan":
        if stagnant is None or not 0 <= stagnant < n:
            raise InvalidParameterError("stagnant", f"an index in [0, {n})", stagnant)
        nu = np.zeros(n)
        nu[stagnant] = 1.0
        return nu
    if kind == "graham":
        M = np.asarray(molar_masses, dtype=float) if molar_masses is not None else None
        if M is None or M.shape != (n,) or np.any(~(M > 0)):
            raise InvalidParameterError("molar_masses", f"{n} values > 0", molar_masses)
        return np.sqrt(M)
    raise InvalidParameterError("kind", "'equimolar', 'stefan' or 'graham'", kind)


def molar_fluxes(x, grad_x, D, c_t, nu, Gamma=None) -> np.ndarray:
    """Molar fluxes N_i = J_i + x_i N_t with the bootstrap sum nu_i N_i = 0.

    Parameters
    ----------
    x, grad_x, D, c_t, Gamma
        As in :func:`diffusion_fluxes`.
    nu : array (n,)
        Bootstrap weights (:func:`bootstrap`); sum nu_i x_i must not vanish.

    Returns
    -------
    ndarray like ``x``
        N in mol m^-2 s^-1.
    """
    x = np.asarray(x, dtype=float)
    J = diffusion_fluxes(x, grad_x, D, c_t, Gamma)
    nu = np.asarray(nu, dtype=float)
    den = np.tensordot(nu, x, axes=(0, 0))
    if np.any(np.abs(den) < 1e-300):
        raise InvalidParameterError("nu", "weights with sum nu_i x_i != 0", nu)
    Nt = -np.tensordot(nu, J, axes=(0, 0)) / den
    return J + x * Nt
