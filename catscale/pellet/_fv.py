"""Conservative finite-volume discretisation of steady reaction-diffusion in a pellet.

Unknowns live at N cell centres plus one node on the external surface (r = R); per node the
concentrations of the n species and, for a non-isothermal pellet, the temperature. Fluxes are
evaluated at cell faces, so the sum of the cell balances telescopes: the flux through the
surface equals the volume integral of the production rates to round-off (mass balance).

The residual is F(u, lam) = transport(u) - lam * source(u), where ``lam`` scales the reaction
(lam = 1 is the physical problem); the continuation in ``lam`` lives in ``_continuation.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from ..errors import ConvergenceError

FluxFn = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def make_grid(R: float, n_cells: int, stretch: float) -> np.ndarray:
    """Face radii 0 = r_0 < ... < r_N = R, refined towards the surface when stretch > 0.

    r(s) = R (1 - (exp(k (1 - s)) - 1) / (exp(k) - 1)), s uniform in [0, 1], k = stretch:
    the surface cell is exp(k) times thinner than the central one.
    """
    s = np.linspace(0.0, 1.0, n_cells + 1)
    if stretch <= 0:
        return R * s
    g = np.expm1(stretch * (1.0 - s)) / np.expm1(stretch)
    r = R * (1.0 - g)
    r[0], r[-1] = 0.0, R
    return r


def grid_stretch(phi_bulk: float) -> float:
    """Grid refinement towards the surface for a bulk Thiele modulus ``phi_bulk``.

    clip(ln phi + 1, 0, 6): uniform cells for phi <= 1/e, and a surface cell up to e^6 ~ 400
    times thinner than the central one in the boundary layer of a large modulus (the layer
    is ~L/phi thick). The one rule of every pellet route (dimensionless).
    """
    return float(np.clip(np.log(max(float(phi_bulk), 1e-300)) + 1.0, 0.0, 6.0))


@dataclass
class Discretization:
    """Residual and sparse Jacobian of the discretised pellet problem (see module doc)."""

    a: int                       # geometric exponent
    faces: np.ndarray            # (N+1,) m
    n: int                       # species
    thermal: bool
    production: Callable         # (c (n,m), T (m,)) -> (n,m) mol m^-3 s^-1
    heat: Callable               # (c, T) -> (m,) W m^-3
    D: np.ndarray                # (n,) m^2/s, Fickian (ignored if flux given)
    flux: FluxFn | None          # optional non-Fickian flux model
    conductivity: float          # W m^-1 K^-1
    k_ext: np.ndarray            # (n,) m/s, inf = Dirichlet
    h_ext: float                 # W m^-2 K^-1, inf = Dirichlet
    c_bulk: np.ndarray           # (n,) mol m^-3
    T_bulk: float                # K

    def __post_init__(self):
        f = self.faces
        self.N = len(f) - 1
        self.nv = self.n + (1 if self.thermal else 0)
        a1 = self.a + 1
        self.centres = 0.5 * (f[:-1] + f[1:])
        self.volumes = (f[1:] ** a1 - f[:-1] ** a1) / a1     # per unit solid angle
        self.areas = f ** self.a
        nodes = np.append(self.centres, f[-1])
        self.node_r = nodes
        self.dr = np.diff(nodes)                               # distances across faces 1..N
        self.scale = np.concatenate([np.full(self.n, max(float(np.max(self.c_bulk)), 1e-30)),
                                     [self.T_bulk] if self.thermal else []])

    # ---- state helpers --------------------------------------------------------------
    def split(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Concentrations (n, N+1) mol m^-3 and temperatures (N+1,) K of a state vector."""
        u2 = u.reshape(self.N + 1, self.nv)
        c = u2[:, : self.n].T
        T = u2[:, self.n] if self.thermal else np.full(self.N + 1, self.T_bulk)
        return c, T

    def uniform_state(self) -> np.ndarray:
        """The state with bulk values everywhere (exact solution at lam = 0)."""
        row = np.concatenate([self.c_bulk, [self.T_bulk] if self.thermal else []])
        return np.tile(row, self.N + 1).astype(float)

    # ---- fluxes ---------------------------------------------------------------------
    def face_fluxes(self, c: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Outward molar fluxes (n, N+1) mol m^-2 s^-1 and heat flux (N+1,) W m^-2 at faces."""
        Nf = np.zeros((self.n, self.N + 1))
        q = np.zeros(self.N + 1)
        dcdr = np.diff(c, axis=1) / self.dr
        if self.flux is None:
            Nf[:, 1:] = -self.D[:, None] * dcdr
        else:
            cf = 0.5 * (c[:, 1:] + c[:, :-1])
            Tf = 0.5 * (T[1:] + T[:-1])
            Nf[:, 1:] = self.flux(cf, dcdr, Tf)
        if self.thermal:
            q[1:] = -self.conductivity * np.diff(T) / self.dr
        return Nf, q

    def parts(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(transport, source) residual parts, each (N+1, nv) flattened."""
        c, T = self.split(u)
        Nf, q = self.face_fluxes(c, T)
        A, V = self.areas, self.volumes
        tr = np.zeros((self.N + 1, self.nv))
        src = np.zeros((self.N + 1, self.nv))
        div = (A[1:] * Nf[:, 1:] - A[:-1] * Nf[:, :-1]) / V
        tr[: self.N, : self.n] = div.T
        src[: self.N, : self.n] = self.production(c[:, : self.N], T[: self.N]).T
        cs = c[:, self.N]
        fin = np.isfinite(self.k_ext)
        kx = np.where(fin, self.k_ext, 0.0)
        tr[self.N, : self.n] = np.where(fin, Nf[:, self.N] - kx * (cs - self.c_bulk),
                                        cs - self.c_bulk)
        if self.thermal:
            divq = (A[1:] * q[1:] - A[:-1] * q[:-1]) / V
            tr[: self.N, self.n] = divq
            src[: self.N, self.n] = self.heat(c[:, : self.N], T[: self.N])
            Ts = T[self.N]
            tr[self.N, self.n] = (q[self.N] - self.h_ext * (Ts - self.T_bulk)
                                  if np.isfinite(self.h_ext) else Ts - self.T_bulk)
        return tr.ravel(), src.ravel()

    def residual(self, u: np.ndarray, lam: float) -> np.ndarray:
        """F(u, lam) = transport - lam * source (cells per volume, surface node as is)."""
        tr, src = self.parts(u)
        return tr - lam * src

    def jacobian(self, u: np.ndarray, lam: float,
                 F0: np.ndarray | None = None) -> sp.csc_matrix:
        """Sparse dF/du by finite differences with a 3-colouring of the node chain."""
        if F0 is None:
            F0 = self.residual(u, lam)
        nn, nv = self.N + 1, self.nv
        rows, cols, vals = [], [], []
        u2 = u.reshape(nn, nv)
        eps = np.sqrt(np.finfo(float).eps)
        for colour in range(3):
            nodes = np.arange(colour, nn, 3)
            for v in range(nv):
                h = eps * np.maximum(np.abs(u2[nodes, v]), self.scale[v])
                up = u2.copy()
                up[nodes, v] += h
                dF = ((self.residual(up.ravel(), lam) - F0).reshape(nn, nv))
                for off in (-1, 0, 1):
                    tgt = nodes + off
                    ok = (tgt >= 0) & (tgt < nn)
                    src_nodes, tgt = nodes[ok], tgt[ok]
                    block = dF[tgt] / h[ok, None]             # (k, nv)
                    r = (tgt[:, None] * nv + np.arange(nv)[None, :]).ravel()
                    cidx = np.repeat(src_nodes * nv + v, nv)
                    rows.append(r)
                    cols.append(cidx)
                    vals.append(block.ravel())
        J = sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                          shape=(nn * nv, nn * nv))
        J.eliminate_zeros()
        return J

    # ---- Newton ---------------------------------------------------------------------
    def newton(self, u0: np.ndarray, lam: float, tol: float = 1e-11,
               max_iter: int = 60, noise: float = 1e-7) -> tuple[np.ndarray, int]:
        """Damped Newton at fixed lam; returns (u, iterations) or raises ConvergenceError.

        Besides the step and residual criteria, a residual that has stalled (less than a
        factor 2 in the last 4 iterations) below ``noise`` times the source scale is
        accepted: a rate law computed by an inner solver (one mean-field steady state per
        cell) carries that solver's tolerance, and Newton cannot go below it. So is a
        residual below that floor after ``max_iter`` iterations (the inner solver's noise
        also makes the Jacobian noisy, and convergence linear).
        """
        u = u0.copy()
        sc = np.tile(self.scale, self.N + 1)
        # residual scale: the source at bulk conditions (a row-wise absolute criterion makes
        # Newton stop on non-smooth rates, e.g. c^0.5 with a dead zone, where the update
        # criterion alone can chatter)
        _, src0 = self.parts(self.uniform_state())
        fscale = max(lam * float(np.max(np.abs(src0))), 1e-300)
        F = self.residual(u, lam)
        norm = np.linalg.norm(F)
        if np.max(np.abs(F)) < 1e-13 * fscale:
            return u, 0
        hist = [norm]
        for it in range(1, max_iter + 1):
            J = self.jacobian(u, lam, F)
            try:
                du = splu(J).solve(-F)
            except RuntimeError as exc:
                raise ConvergenceError(f"singular pellet Jacobian at lam={lam:g}") from exc
            step = 1.0
            for _ in range(30):
                un = u + step * du
                Fn = self.residual(un, lam)
                nn = np.linalg.norm(Fn)
                if np.all(np.isfinite(Fn)) and (nn <= (1 - 1e-4 * step) * norm or
                                                np.max(np.abs(step * du) / sc) < 1e-8):
                    break
                step *= 0.5
            else:
                raise ConvergenceError(f"pellet Newton line search failed at lam={lam:g}",
                                       tried=[f"{it} Newton iterations, residual {norm:.3e}"])
            u, F, norm = un, Fn, nn
            hist.append(norm)
            fmax = np.max(np.abs(F))
            if (np.max(np.abs(step * du) / sc) < tol or
                    (it > 3 and fmax < 1e-11 * fscale)):
                return u, it
            if it > 4 and fmax < noise * fscale and hist[-5] < 2.0 * norm:
                return u, it
        if np.max(np.abs(F)) < noise * fscale:
            # still creeping down at the last iteration, but already below the noise floor
            # (a noisy inner rate law gives a noisy Jacobian: linear convergence)
            return u, max_iter
        raise ConvergenceError(f"pellet Newton did not converge at lam={lam:g}",
                               tried=[f"{max_iter} iterations, residual {norm:.3e}"])
