"""Born-Oppenheimer validity at an avoided crossing: two-state diabatic model, Landau-Zener
probability, Massey parameter, exact two-level TDSE reference, and the Landau-Zener
transmission coefficient of transition-state theory.

Conventions
-----------
Energies in eV, coordinates in Angstrom, forces (slopes) in eV/Angstrom, velocities in m/s,
masses in amu, times in s, temperatures in K.

Landau-Zener (Landau 1932; Zener, Proc. R. Soc. A 137, 696 (1932)): for linear diabats
crossing with slope difference dF and constant coupling H12, traversed at constant velocity v,
the probability of *diabatic* passage (a non-adiabatic hop between the adiabatic surfaces) is

    P_LZ = exp(-gamma),   gamma = 2 pi H12^2 / (hbar v |dF|).

The Massey parameter is the ratio of the passage time through the coupling region,
tau_p = 2 H12 / (v |dF|), to the electronic time hbar / (2 H12):
xi = 4 H12^2 / (hbar v |dF|) = (2 / pi) gamma. xi >> 1 means the electrons follow the nuclei
(Born-Oppenheimer valid); xi << 1 means diabatic passage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import integrate

from ..errors import InvalidParameterError
from ..units import amu, hbar, kB

_ANG = 1.0e-10  # m per Angstrom


def _positive(name: str, value: float, allow_zero: bool = False) -> float:
    v = float(value)
    ok = np.isfinite(v) and (v >= 0 if allow_zero else v > 0)
    if not ok:
        raise InvalidParameterError(name, ">= 0" if allow_zero else "> 0", value)
    return v


def _gamma(coupling: float, velocity: float, slope_difference: float) -> float:
    H12 = _positive("coupling", abs(float(coupling)), allow_zero=True)
    v = _positive("velocity", abs(float(velocity)))
    dF = _positive("slope_difference", abs(float(slope_difference))) / _ANG  # eV/m
    return 2.0 * np.pi * H12**2 / (hbar * v * dF)


def landau_zener_probability(coupling: float, velocity: float, slope_difference: float) -> float:
    """Landau-Zener probability of diabatic passage (non-adiabatic hop) in one crossing.

    Parameters
    ----------
    coupling : float
        Diabatic coupling H12, eV (half the adiabatic gap at the crossing).
    velocity : float
        Nuclear velocity along the coordinate at the crossing, m/s.
    slope_difference : float
        Difference of the diabatic slopes |dV1/dx - dV2/dx| at the crossing, eV/Angstrom.

    Returns
    -------
    float
        P_LZ = exp(-2 pi H12^2 / (hbar v |dF|)), dimensionless in [0, 1].
    """
    return float(np.exp(-_gamma(coupling, velocity, slope_difference)))


def massey_parameter(coupling: float, velocity: float, slope_difference: float) -> float:
    """Massey (adiabaticity) parameter xi = 4 H12^2 / (hbar v |dF|), dimensionless.

    Units as in :func:`landau_zener_probability`. P_LZ = exp(-pi xi / 2).
    """
    return float(_gamma(coupling, velocity, slope_difference) * 2.0 / np.pi)


@dataclass(frozen=True)
class LandauZenerResult:
    """Outcome of a Born-Oppenheimer validity check at one crossing.

    Attributes
    ----------
    probability : float
        Landau-Zener probability of a non-adiabatic hop per crossing (dimensionless).
    massey : float
        Massey parameter xi (dimensionless).
    transmission : float
        Landau-Zener transmission coefficient kappa = 2 (1 - P) / (2 - P) of an adiabatic
        reaction on the lower surface (double passage, Landau-Zener-Stueckelberg).
    verdict : str
        ``"adiabatic"`` (P < 0.01: Born-Oppenheimer valid, use adiabatic TST),
        ``"nonadiabatic"`` (P > 0.9: diabatic passage dominates, use golden-rule / Marcus
        rates) or ``"intermediate"`` (use TST times the transmission coefficient).
    """

    probability: float
    massey: float
    transmission: float
    verdict: str


def verdict_from_probability(probability: float) -> str:
    """Classify a Landau-Zener hop probability (see :class:`LandauZenerResult`)."""
    if probability < 0.01:
        return "adiabatic"
    if probability > 0.9:
        return "nonadiabatic"
    return "intermediate"


def lz_transmission(probability: float | np.ndarray) -> float | np.ndarray:
    """Landau-Zener transmission coefficient of a reaction on the lower adiabatic surface.

    Parameters
    ----------
    probability : float or ndarray
        Hop probability P_LZ per crossing (dimensionless).

    Returns
    -------
    float or ndarray
        kappa = 2 P_a / (1 + P_a) with P_a = 1 - P_LZ the adiabatic-passage probability
        (sum over multiple recrossings of the crossing region; e.g. Nitzan, *Chemical Dynamics
        in Condensed Phases*, ch. 16). kappa -> 1 in the adiabatic limit and -> 2 P_a in the
        non-adiabatic limit.
    """
    Pa = 1.0 - np.asarray(probability, dtype=float)
    out = 2.0 * Pa / (1.0 + Pa)
    return float(out) if np.ndim(out) == 0 else out


def landau_zener(coupling: float, velocity: float, slope_difference: float) -> LandauZenerResult:
    """Landau-Zener probability, Massey parameter, transmission and verdict at one crossing.

    Units as in :func:`landau_zener_probability`.
    """
    P = landau_zener_probability(coupling, velocity, slope_difference)
    return LandauZenerResult(P, massey_parameter(coupling, velocity, slope_difference),
                             float(lz_transmission(P)), verdict_from_probability(P))


def thermal_lz_transmission(coupling: float, slope_difference: float, mass: float,
                            T: float) -> float:
    """Flux-weighted thermal average of the Landau-Zener transmission coefficient.

    kappa(T) = int_0^inf kappa(v) (m v / kT) exp(-m v^2 / (2 kT)) dv, with the
    one-dimensional flux-weighted Maxwell distribution of the velocity along the coordinate.

    Parameters
    ----------
    coupling : float
        H12, eV.
    slope_difference : float
        |dF| at the crossing, eV/Angstrom.
    mass : float
        Effective mass of the reaction coordinate, amu.
    T : float
        Temperature, K.

    Returns
    -------
    float
        Dimensionless kappa(T) in [0, 1].
    """
    m = _positive("mass", mass) * amu
    T = _positive("T", T)
    H12 = abs(float(coupling))
    dF = _positive("slope_difference", abs(float(slope_difference))) / _ANG
    kT_J = kB * T * 1.602176634e-19
    v_th = np.sqrt(kT_J / m)
    g0 = 2.0 * np.pi * H12**2 / (hbar * dF)  # gamma * v, m/s

    def integrand(u: float) -> float:  # u = v / v_th
        if u == 0.0:
            return 0.0
        P = np.exp(-g0 / (u * v_th))
        return float(lz_transmission(P)) * u * np.exp(-0.5 * u * u)

    val, _ = integrate.quad(integrand, 0.0, np.inf, epsabs=1e-12, epsrel=1e-10, limit=200)
    return float(val)


@dataclass(frozen=True)
class DiabaticModel:
    """Two harmonic diabatic states along one coordinate with a constant coupling.

    V1(x) = k1 (x - x1)^2 / 2,  V2(x) = k2 (x - x2)^2 / 2 + dE,  H12 constant.

    Attributes
    ----------
    k1, k2 : float
        Force constants, eV/Angstrom^2.
    x1, x2 : float
        Diabatic minima, Angstrom.
    dE : float
        Energy of the minimum of state 2 relative to state 1, eV.
    coupling : float
        H12, eV.
    """

    k1: float
    x1: float
    k2: float
    x2: float
    dE: float
    coupling: float

    def __post_init__(self) -> None:
        _positive("k1", self.k1)
        _positive("k2", self.k2)
        if self.x1 == self.x2:
            raise InvalidParameterError("x2", "!= x1 (displaced diabats)", self.x2)

    def diabatic(self, x: np.ndarray | float) -> np.ndarray:
        """Diabatic energies, shape (2, ...) in eV, at x (Angstrom)."""
        x = np.asarray(x, dtype=float)
        return np.stack([0.5 * self.k1 * (x - self.x1) ** 2,
                         0.5 * self.k2 * (x - self.x2) ** 2 + self.dE])

    def adiabatic(self, x: np.ndarray | float) -> np.ndarray:
        """Adiabatic energies (lower, upper), shape (2, ...) in eV, at x (Angstrom)."""
        V1, V2 = self.diabatic(x)
        mean, half = 0.5 * (V1 + V2), 0.5 * (V1 - V2)
        root = np.sqrt(half**2 + self.coupling**2)
        return np.stack([mean - root, mean + root])

    def crossing(self) -> tuple[float, float, float]:
        """The diabatic crossing between the two minima.

        Returns
        -------
        x_c : float
            Crossing coordinate, Angstrom.
        E_c : float
            Diabatic energy at the crossing, eV (relative to the minimum of state 1).
        slope_difference : float
            |dV1/dx - dV2/dx| at x_c, eV/Angstrom.
        """
        a = 0.5 * (self.k1 - self.k2)
        b = -self.k1 * self.x1 + self.k2 * self.x2
        c = 0.5 * self.k1 * self.x1**2 - 0.5 * self.k2 * self.x2**2 - self.dE
        if abs(a) < 1e-14:
            roots = np.array([-c / b])
        else:
            disc = b * b - 4 * a * c
            if disc < 0:
                raise InvalidParameterError("DiabaticModel", "diabats that cross", self)
            roots = np.array([(-b - np.sqrt(disc)) / (2 * a), (-b + np.sqrt(disc)) / (2 * a)])
        lo, hi = sorted((self.x1, self.x2))
        mid = 0.5 * (lo + hi)
        xc = float(roots[np.argmin(np.abs(roots - mid))])
        Ec = float(self.diabatic(xc)[0])
        dF = abs(self.k1 * (xc - self.x1) - self.k2 * (xc - self.x2))
        return xc, Ec, float(dF)

    def adiabatic_barrier(self) -> float:
        """Barrier on the lower adiabatic surface from its minimum on the side of state 1, eV.

        The maximum of the lower surface between the diabatic minima minus the minimum of
        the lower surface between x1 - (x2 - x1) and the crossing (both located with bounded
        scalar minimisation).
        """
        from scipy import optimize

        xc, _, _ = self.crossing()
        lo, hi = sorted((self.x1, self.x2))

        def low(x: float) -> float:
            return float(self.adiabatic(x)[0])

        top = optimize.minimize_scalar(lambda x: -low(x), bounds=(lo, hi), method="bounded",
                                       options={"xatol": 1e-10})
        span = abs(self.x2 - self.x1)
        a, b = sorted((self.x1 - np.sign(self.x2 - self.x1) * span, xc))
        bottom = optimize.minimize_scalar(low, bounds=(a, b), method="bounded",
                                          options={"xatol": 1e-10})
        return float(-top.fun - bottom.fun)

    def landau_zener(self, velocity: float) -> LandauZenerResult:
        """Landau-Zener result at the crossing for a velocity in m/s."""
        _, _, dF = self.crossing()
        return landau_zener(self.coupling, velocity, dF)

    def reduced_reorganization(self) -> float:
        """Reorganization energy lambda = V2(x1) - V2(x2) = k2 (x1 - x2)^2 / 2, eV."""
        return 0.5 * self.k2 * (self.x1 - self.x2) ** 2


def lz_corrected_tst_rate(k_tst: float, coupling: float, slope_difference: float,
                          mass: float, T: float) -> float:
    """Adiabatic TST rate times the thermal Landau-Zener transmission coefficient.

    Parameters
    ----------
    k_tst : float
        Transition-state-theory rate constant, s^-1 (any unit; it is only scaled).
    coupling, slope_difference, mass, T
        As in :func:`thermal_lz_transmission` (eV, eV/Angstrom, amu, K).

    Returns
    -------
    float
        kappa(T) * k_tst, same unit as ``k_tst``.
    """
    return float(k_tst) * thermal_lz_transmission(coupling, slope_difference, mass, T)


def _expm_traceless(M: np.ndarray) -> np.ndarray:
    """exp of a batch of traceless 2x2 matrices M (shape (n, 2, 2)): M^2 = s I."""
    s = -(M[:, 0, 0] * M[:, 1, 1] - M[:, 0, 1] * M[:, 1, 0])  # M^2 = -det(M) I
    r = np.sqrt(s.astype(complex))
    small = np.abs(r) < 1e-12
    rs = np.where(small, 1.0, r)
    sinhc = np.where(small, 1.0 + s / 6.0, np.sinh(rs) / rs)
    out = sinhc[:, None, None] * M
    out[:, 0, 0] += np.cosh(r)
    out[:, 1, 1] += np.cosh(r)
    return out


def _ordered_product(U: np.ndarray) -> np.ndarray:
    """U[n-1] @ ... @ U[1] @ U[0] by pairwise (tree) reduction, vectorized."""
    while U.shape[0] > 1:
        if U.shape[0] % 2:
            U = np.concatenate([U, np.eye(2, dtype=U.dtype)[None]], axis=0)
        U = np.einsum("nij,njk->nik", U[1::2], U[0::2])
    return U[0]


def tdse_two_level(coupling: float, sweep_rate: float, half_window: float | None = None,
                   steps_per_unit: int = 200) -> float:
    """Exact two-level time-dependent Schroedinger integration of a linear sweep.

    H(t) = [[alpha t / 2, H12], [H12, -alpha t / 2]] from t = -T to +T. The state starts in the
    lower adiabatic state at -T; the returned probability is that of ending in the upper
    adiabatic state at +T, i.e. of having stayed on the initial diabat (the Landau-Zener
    quantity). Starting and ending in the adiabatic basis removes the slow 1/T oscillation of
    diabatic populations; the remaining finite-window error decays faster than 1/T.

    The propagator is the fourth-order Magnus integrator (two Gauss points per step; Blanes,
    Casas, Oteo & Ros, Phys. Rep. 470, 151 (2009)), exactly unitary, with all step
    propagators multiplied by a vectorized pairwise reduction.

    Parameters
    ----------
    coupling : float
        H12, eV.
    sweep_rate : float
        alpha = v |dF| = d(V1 - V2)/dt, eV/s.
    half_window : float, optional
        T in units of sqrt(hbar / alpha); default max(40, 8 * H12 / sqrt(hbar alpha)).
    steps_per_unit : int
        Time steps per unit sqrt(hbar / alpha) (default 200).

    Returns
    -------
    float
        Probability of diabatic passage, dimensionless.
    """
    H12 = abs(float(coupling))
    alpha = _positive("sweep_rate", sweep_rate)
    e0 = np.sqrt(hbar * alpha)          # energy unit, eV; time unit hbar/e0 = sqrt(hbar/alpha)
    d = H12 / e0
    T = float(half_window) if half_window is not None else max(40.0, 8.0 * d)
    n = int(np.ceil(2 * T * steps_per_unit))
    dt = 2 * T / n
    t0 = -T + dt * np.arange(n)
    c = np.sqrt(3.0) / 6.0
    ta, tb = t0 + (0.5 - c) * dt, t0 + (0.5 + c) * dt

    def A(t: np.ndarray) -> np.ndarray:  # -i H(t) in dimensionless units
        H = np.zeros((t.size, 2, 2), dtype=complex)
        H[:, 0, 0] = 0.5 * t
        H[:, 1, 1] = -0.5 * t
        H[:, 0, 1] = H[:, 1, 0] = d
        return -1j * H

    A1, A2 = A(ta), A(tb)
    comm = np.einsum("nij,njk->nik", A2, A1) - np.einsum("nij,njk->nik", A1, A2)
    Omega = 0.5 * dt * (A1 + A2) + (np.sqrt(3.0) / 12.0) * dt**2 * comm
    U = _ordered_product(_expm_traceless(Omega))

    def eig(t: float) -> np.ndarray:
        w, v = np.linalg.eigh(np.array([[0.5 * t, d], [d, -0.5 * t]]))
        return v  # columns: lower, upper

    psi0 = eig(-T)[:, 0].astype(complex)
    psi = U @ psi0
    upper = eig(T)[:, 1]
    return float(abs(np.vdot(upper, psi)) ** 2)
