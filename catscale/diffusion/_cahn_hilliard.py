"""Uphill diffusion: Cahn-Hilliard dynamics of the coverage theta(x, t) on a periodic 1-D or
2-D domain.

    d theta / dt = div( M(theta) grad mu ),    mu = f'(theta) - kappa lap(theta),

written without the (singular) logarithms of f' as

    d theta / dt = div( D_c(theta) grad theta ) - kappa div( M(theta) grad lap(theta) ),

with D_c = M f'' the chemical diffusivity (negative inside the spinodal) and M the mobility.
Time stepping: Fourier pseudo-spectral, first-order semi-implicit with linear stabilisation
(Eyre-type splitting; Zhu, Chen, Shen & Tikare, Phys. Rev. E 60, 3564 (1999)):

    (theta^{n+1} - theta^n) / dt = R(theta^n) - (A k^2 + B k^4)(theta^{n+1} - theta^n),

A = max |D_c|, B = kappa max M over the current field. The k = 0 Fourier mode is never
changed, so the mean coverage (mass) is conserved to round-off.

Linear stability of a uniform layer theta0 (Cahn, Acta Metall. 9, 795 (1961)): a mode
exp(i k x + omega t) grows at omega(k) = -k^2 (D_c(theta0) + kappa M(theta0) k^2); the layer is
unstable iff D_c(theta0) < 0, fastest growth at k_m^2 = -D_c / (2 kappa M).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ConvergenceError, InvalidParameterError
from ..units import kB
from ._hopping import mean_hop_rate
from ._lattice import DIM, coordination, free_diffusivity
from ._thermodynamic_factor import thermodynamic_factor

Field = NDArray[np.float64]


@dataclass(frozen=True)
class CahnHilliardModel:
    """Constitutive functions of a Cahn-Hilliard coverage model.

    Attributes
    ----------
    D_c : callable
        theta -> chemical diffusivity, m^2/s (vectorised).
    mobility : callable
        theta -> M, m^2 s^-1 eV^-1 (vectorised, >= 0).
    kappa : float
        Gradient-energy coefficient, eV m^2 (per site).
    free_energy_density : callable or None
        theta -> f(theta), eV per site, for monitoring the Lyapunov functional.
    """

    D_c: Callable[[Field], Field]
    mobility: Callable[[Field], Field]
    kappa: float
    free_energy_density: Callable[[Field], Field] | None = None


@dataclass(frozen=True)
class CahnHilliardResult:
    """Snapshots of a Cahn-Hilliard run.

    Attributes
    ----------
    t : ndarray, shape (n_out,)
        Output times, s.
    theta : ndarray, shape (n_out, *grid)
        Coverage fields.
    mass : ndarray, shape (n_out,)
        Mean coverage of each snapshot.
    free_energy : ndarray or None, shape (n_out,)
        Mean free energy per site, eV (when the model provides f).
    dx : float
        Grid spacing, m.
    steps : int
        Time steps taken.
    """

    t: NDArray[np.float64]
    theta: NDArray[np.float64]
    mass: NDArray[np.float64]
    free_energy: NDArray[np.float64] | None
    dx: float
    steps: int


def lattice_gas_model(eps: float, T: float, lattice: str = "square", hop_rate: float = 1.0,
                      a: float = 1.0, rule: str = "metropolis",
                      closure: str = "bragg_williams") -> CahnHilliardModel:
    """Cahn-Hilliard model of a nearest-neighbour lattice gas.

    D_c = D_J Phi and M = D_J theta / kT with the mean-field jump diffusivity D_J and the
    thermodynamic factor Phi of ``closure``; the gradient coefficient follows from expanding
    the pair energy to second order in the lattice spacing: kappa = -eps z a^2 / (2 d)
    (-eps a^2 on the square lattice), floored at 0 for repulsion.

    Parameters
    ----------
    eps : float
        Nearest-neighbour pair energy, eV (< 0 attractive).
    T : float
        Temperature, K.
    lattice : str
        A registered lattice of one site kind (:data:`catscale.lattices.LATTICES`).
        z = 4 on 'square', 6 on 'hexagonal' (= 'triangular'), 3 on 'honeycomb'.
    hop_rate : float
        Gamma, s^-1 (1 gives time in units of 1/Gamma).
    a : float
        Nearest-neighbour distance, m (1 gives lengths in lattice units).
    rule : {'metropolis', 'initial_state', 'bep'}
    closure : {'langmuir', 'bragg_williams', 'quasi_chemical'}

    Returns
    -------
    CahnHilliardModel
    """
    z = coordination(lattice)
    kT = kB * T
    D0 = free_diffusivity(hop_rate, a, lattice)
    grid = np.linspace(0.0, 1.0, 1001)
    rtab = mean_hop_rate(grid, eps, T, lattice, rule)
    tiny = 1e-12

    def _phi1m(th: Field) -> Field:
        t = np.clip(th, tiny, 1.0 - tiny)
        return (1.0 - t) * thermodynamic_factor(t, eps, T, lattice, closure)

    def D_c(th: Field) -> Field:
        return D0 * np.interp(th, grid, rtab) * _phi1m(th)

    def mobility(th: Field) -> Field:
        t = np.clip(th, 0.0, 1.0)
        return D0 * np.interp(t, grid, rtab) * t * (1.0 - t) / kT

    f = None
    if closure == "bragg_williams":
        def f(th: Field) -> Field:
            t = np.clip(th, tiny, 1.0 - tiny)
            return kT * (t * np.log(t) + (1 - t) * np.log1p(-t)) + 0.5 * z * eps * t * t

    kappa = max(-eps * z * a * a / (2.0 * DIM), 0.0)
    return CahnHilliardModel(D_c=D_c, mobility=mobility, kappa=kappa, free_energy_density=f)


def linear_growth_rate(k: ArrayLike, D_c: float, M: float, kappa: float) -> NDArray[np.float64]:
    """Linear Cahn-Hilliard growth rate omega(k) = -k^2 (D_c + kappa M k^2).

    Parameters
    ----------
    k : array_like
        Wavenumbers, m^-1.
    D_c : float
        Chemical diffusivity of the uniform layer, m^2/s.
    M : float
        Mobility, m^2 s^-1 eV^-1.
    kappa : float
        Gradient-energy coefficient, eV m^2.

    Returns
    -------
    ndarray
        omega in s^-1 (> 0: the mode grows).
    """
    k2 = np.asarray(k, dtype=float) ** 2
    return -k2 * (D_c + kappa * M * k2)


def fastest_growing_wavelength(D_c: float, M: float, kappa: float) -> float:
    """Wavelength of the fastest-growing mode, 2 pi / k_m with k_m^2 = -D_c / (2 kappa M).

    Parameters
    ----------
    D_c : float
        Chemical diffusivity, m^2/s.
    M : float
        Mobility, m^2 s^-1 eV^-1.
    kappa : float
        Gradient-energy coefficient, eV m^2.

    Returns
    -------
    float
        Wavelength in m; ``inf`` when D_c >= 0 (the uniform layer is stable).
    """
    if D_c >= 0:
        return float("inf")
    if not (kappa > 0 and M > 0):
        raise InvalidParameterError("kappa*M", "> 0 inside the spinodal", kappa * M)
    return float(2.0 * np.pi / np.sqrt(-D_c / (2.0 * kappa * M)))


def _wavenumbers(shape: tuple[int, ...], dx: float) -> list[NDArray[np.float64]]:
    ks = []
    for ax, n in enumerate(shape):
        if ax == len(shape) - 1:
            k = 2 * np.pi * np.fft.rfftfreq(n, dx)
        else:
            k = 2 * np.pi * np.fft.fftfreq(n, dx)
        sh = [1] * len(shape)
        sh[ax] = k.size
        ks.append(k.reshape(sh))
    return ks


def _odd(ks: list[NDArray[np.float64]], shape: tuple[int, ...]) -> list[NDArray[np.complex128]]:
    """i k_d with the Nyquist component removed (first derivatives of real fields)."""
    out = []
    for ax, (k, n) in enumerate(zip(ks, shape)):
        kk = k.copy()
        if n % 2 == 0:
            kk.flat[n // 2 if ax < len(shape) - 1 else kk.size - 1] = 0.0
        out.append(1j * kk)
    return out


def solve_cahn_hilliard(theta0: ArrayLike, dx: float, t_end: float, dt: float,
                        model: CahnHilliardModel, n_out: int = 11) -> CahnHilliardResult:
    """Integrate the Cahn-Hilliard equation on a periodic grid.

    Parameters
    ----------
    theta0 : array_like, 1-D or 2-D
        Initial coverage field (0 <= theta <= 1) on a uniform periodic grid.
    dx : float
        Grid spacing, m.
    t_end : float
        Final time, s.
    dt : float
        Time step, s. The scheme is stable for large steps; accuracy of the linear growth
        rate needs dt (A k^2 + B k^4) << 1 at the wavenumbers of interest.
    model : CahnHilliardModel
        D_c(theta), M(theta), kappa (see :func:`lattice_gas_model`).
    n_out : int
        Number of equally spaced snapshots, including t = 0 and t_end.

    Returns
    -------
    CahnHilliardResult

    Raises
    ------
    InvalidParameterError
        Bad grid, step or field.
    ConvergenceError
        If the field becomes non-finite.
    """
    th = np.array(theta0, dtype=float)
    if th.ndim not in (1, 2) or min(th.shape) < 4:
        raise InvalidParameterError("theta0", "a 1-D or 2-D array with >= 4 points per axis",
                                    th.shape)
    if not np.all(np.isfinite(th)) or th.min() < 0 or th.max() > 1:
        raise InvalidParameterError("theta0", "finite coverages in [0, 1]",
                                    (float(np.nanmin(th)), float(np.nanmax(th))))
    for name, v in (("dx", dx), ("t_end", t_end), ("dt", dt)):
        if not (np.isfinite(v) and v > 0):
            raise InvalidParameterError(name, "> 0", v)
    if not (isinstance(n_out, (int, np.integer)) and n_out >= 2):
        raise InvalidParameterError("n_out", "an integer >= 2", n_out)
    if not (np.isfinite(model.kappa) and model.kappa >= 0):
        raise InvalidParameterError("kappa", ">= 0 eV m^2", model.kappa)

    shape = th.shape
    axes = tuple(range(th.ndim))
    ks = _wavenumbers(shape, dx)
    k2 = sum(k * k for k in ks)
    ik = _odd(ks, shape)
    seg = t_end / (n_out - 1)
    nsub = max(1, int(np.ceil(seg / dt - 1e-9)))
    h = seg / nsub

    def fe(field: Field) -> float:
        f = model.free_energy_density
        if f is None:
            return float("nan")
        hat = np.fft.rfftn(field)
        g2 = sum(np.fft.irfftn(d * hat, s=shape, axes=axes) ** 2 for d in ik)
        return float(np.mean(f(field) + 0.5 * model.kappa * g2))

    ts, snaps, fes = [0.0], [th.copy()], [fe(th)]
    hat = np.fft.rfftn(th)
    steps = 0
    for s in range(1, n_out):
        for _ in range(nsub):
            th = np.fft.irfftn(hat, s=shape, axes=axes)
            dc = model.D_c(th)
            mob = model.mobility(th)
            lap_hat = -k2 * hat
            R = np.zeros_like(hat)
            for d in ik:
                g = np.fft.irfftn(d * hat, s=shape, axes=axes)
                gl = np.fft.irfftn(d * lap_hat, s=shape, axes=axes)
                R += d * np.fft.rfftn(dc * g - model.kappa * mob * gl)
            A = float(np.max(np.abs(dc)))
            B = model.kappa * float(np.max(mob))
            hat = hat + h * R / (1.0 + h * (A * k2 + B * k2 * k2))
            steps += 1
        th = np.fft.irfftn(hat, s=shape, axes=axes)
        if not np.all(np.isfinite(th)):
            raise ConvergenceError(
                f"Cahn-Hilliard field became non-finite at t = {s * seg:.3g} s",
                tried=[f"dt = {h:.3g} s, {steps} steps"])
        ts.append(s * seg)
        snaps.append(th.copy())
        fes.append(fe(th))
    arr = np.array(snaps)
    return CahnHilliardResult(
        t=np.array(ts), theta=arr, mass=arr.reshape(n_out, -1).mean(axis=1),
        free_energy=None if model.free_energy_density is None else np.array(fes),
        dx=float(dx), steps=steps)


def dominant_wavelength(field: ArrayLike, dx: float) -> float:
    """Characteristic wavelength 2 pi / <k> from the first moment of the structure factor.

    Parameters
    ----------
    field : array_like, 1-D or 2-D
        Coverage (or occupation) field on a periodic grid.
    dx : float
        Grid spacing, m.

    Returns
    -------
    float
        2 pi sum(S) / sum(|k| S) over k != 0, in m (S = |FFT(field - mean)|^2).
    """
    a = np.asarray(field, dtype=float)
    a = a - a.mean()
    S = np.abs(np.fft.fftn(a)) ** 2
    ks = np.meshgrid(*[2 * np.pi * np.fft.fftfreq(n, dx) for n in a.shape], indexing="ij")
    kk = np.sqrt(sum(k * k for k in ks))
    mask = kk > 0
    num = float(np.sum(S[mask]))
    den = float(np.sum(kk[mask] * S[mask]))
    if den == 0:
        return float("inf")
    return 2 * np.pi * num / den
