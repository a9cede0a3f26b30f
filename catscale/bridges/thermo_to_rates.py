"""Bridging laws thermo -> rates: transition-state theory, tunnelling, collision theory,
detailed balance and energy-scaling relations.

Units: energies eV, T in K, frequencies in cm^-1 (wavenumbers), masses in amu, site densities
in m^-2. Rate constants are in s^-1 for surface steps and s^-1 bar^-n for steps with n gas
reactants, the mass-action convention of :class:`catscale.mechanism.RateTable` (gases enter
as activities p / p0 with p0 = :data:`catscale.units.P0` = 1 bar, i.e. partial pressures in
bar; coverages dimensionless, no symmetry factors). Free energies of reaction dG are
standard free energies with gases at p0, so K = exp(-dG / kB T) is in
bar^(n_gas products - n_gas reactants), consistent with that convention.

Every function is pure and vectorised over its array arguments where natural (numpy
broadcasting); scalars in give floats out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import integrate

from ..errors import InvalidParameterError
from ..thermo import HarmonicThermo, parse_frequencies
from ..units import P0, amu, c, h, invcm, kB, kB_J

__all__ = [
    "P0_BAR",
    "eyring",
    "harmonic_tst",
    "wigner",
    "eckart",
    "collision_adsorption",
    "reverse_rate",
    "equilibrium_constant",
    "bep",
    "transition_state_scaling",
    "linear_scaling",
    "abild_pedersen_slope",
]

#: Standard pressure of the rate-law convention, Pa (1 bar): :data:`catscale.units.P0`.
P0_BAR: float = P0


def _T(T: ArrayLike) -> np.ndarray:
    arr = np.asarray(T, dtype=float)
    if arr.size == 0 or not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise InvalidParameterError("T", "finite temperatures > 0 K", T)
    return arr


def _finite(x: ArrayLike, name: str, unit: str) -> np.ndarray:
    arr = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise InvalidParameterError(name, f"finite values in {unit}", x)
    return arr


def _ret(x: np.ndarray) -> float | np.ndarray:
    x = np.asarray(x)
    return float(x) if x.ndim == 0 else x


# ---- transition-state theory -------------------------------------------------------------

def eyring(dG_act: ArrayLike, T: ArrayLike, kappa: ArrayLike = 1.0) -> float | np.ndarray:
    """Eyring transition-state-theory rate constant.

    k = kappa kB T / h exp(-dG_act / kB T).

    Parameters
    ----------
    dG_act : float or array
        Free energy of activation, eV (standard state: gases at 1 bar, coverages 1).
    T : float or array
        Temperature, K.
    kappa : float or array
        Transmission coefficient (tunnelling, recrossing), dimensionless, >= 0.

    Returns
    -------
    float or ndarray
        k in s^-1 (times bar^-n for a step with n gas reactants when dG_act refers to
        gases at 1 bar). At dG_act = 0 and kappa = 1: kB T / h (6.25e12 s^-1 at 300 K).
    """
    t = _T(T)
    g = _finite(dG_act, "dG_act", "eV")
    kap = _finite(kappa, "kappa", "(dimensionless)")
    if np.any(kap < 0):
        raise InvalidParameterError("kappa", ">= 0", kappa)
    return _ret(kap * kB * t / h * np.exp(-g / (kB * t)))


def _nu_hz(cm: Sequence[float]) -> np.ndarray:
    return c * 100.0 * np.asarray(cm, dtype=float)


def harmonic_tst(
    frequencies_minimum: Sequence[float | complex | str],
    frequencies_saddle: Sequence[float | complex | str],
    dE: float,
    T: ArrayLike,
    method: Literal["vineyard", "quantum"] = "vineyard",
) -> float | np.ndarray:
    """Harmonic transition-state theory rate constant of a unimolecular surface step.

    ``method='vineyard'`` (classical harmonic TST; G. H. Vineyard, J. Phys. Chem. Solids 3,
    121 (1957)):

        k = prod_i nu_i(min) / prod_j nu_j(saddle, real) * exp(-dE / kB T),

    ``method='quantum'`` (harmonic free-energy route, quantum oscillators with zero-point
    energy):

        k = kB T / h * exp(-(F_saddle - F_min) / kB T),
        F = E + sum_i [h nu_i / 2 + kB T ln(1 - exp(-h nu_i / kB T))].

    Relation: each quantum oscillator partition function 1 / (2 sinh(x/2)) -> 1/x
    (x = h nu / kB T) as x -> 0, so the quantum route tends to Vineyard's formula in the
    classical limit h nu << kB T; the leading relative difference k_quantum / k_vineyard - 1 is
    (sum_min x^2 - sum_saddle x^2) / 24.

    Parameters
    ----------
    frequencies_minimum : sequence
        The n real normal-mode wavenumbers at the minimum, cm^-1.
    frequencies_saddle : sequence
        Wavenumbers at the saddle, cm^-1: the n-1 real ones, optionally plus the one
        imaginary mode (negative, complex or ``"123i"``), which is dropped.
    dE : float
        Potential-energy barrier E_saddle - E_min, eV (no zero-point energy).
    T : float or array
        Temperature, K.
    method : {'vineyard', 'quantum'}

    Returns
    -------
    float or ndarray
        k in s^-1.
    """
    t = _T(T)
    dE = float(_finite(dE, "dE", "eV"))
    nu_min, _ = parse_frequencies(frequencies_minimum, name="frequencies_minimum")
    has_imag = any(
        (isinstance(f, str) and f.strip().endswith(("i", "j")))
        or (isinstance(f, complex) and f.imag != 0)
        or (not isinstance(f, (str, complex)) and float(f) < 0)
        for f in frequencies_saddle)
    nu_sad, _ = parse_frequencies(frequencies_saddle, transition_state=has_imag,
                                  name="frequencies_saddle")
    if len(nu_sad) != len(nu_min) - 1:
        raise InvalidParameterError(
            "frequencies_saddle",
            f"{len(nu_min) - 1} real modes (one fewer than the {len(nu_min)} at the minimum)",
            f"{len(nu_sad)} real modes")
    if method == "vineyard":
        log_pref = np.sum(np.log(_nu_hz(nu_min))) - np.sum(np.log(_nu_hz(nu_sad)))
        return _ret(np.exp(log_pref - dE / (kB * t)))
    if method == "quantum":
        g_min = HarmonicThermo(0.0, nu_min).G(t)
        g_sad = HarmonicThermo(dE, nu_sad).G(t)
        return _ret(kB * t / h * np.exp(-(np.asarray(g_sad) - np.asarray(g_min)) / (kB * t)))
    raise InvalidParameterError("method", "'vineyard' or 'quantum'", method)


# ---- tunnelling --------------------------------------------------------------------------

def wigner(nu_imag_cm: ArrayLike, T: ArrayLike) -> float | np.ndarray:
    """Wigner tunnelling correction kappa = 1 + (h nu / kB T)^2 / 24.

    E. Wigner, Z. Phys. Chem. B 19, 203 (1932). Leading quantum correction for a parabolic
    barrier top; valid only for h nu / kB T well below 2 pi (use :func:`eckart` otherwise).

    Parameters
    ----------
    nu_imag_cm : float or array
        Magnitude of the imaginary frequency at the saddle, cm^-1 (a sign or ``"1218i"`` is
        accepted).
    T : float or array
        Temperature, K.

    Returns
    -------
    float or ndarray
        kappa, dimensionless (>= 1).
    """
    nu = _imag_magnitude(nu_imag_cm)
    t = _T(T)
    u = nu * invcm / (kB * t)
    return _ret(1.0 + u * u / 24.0)


def _imag_magnitude(nu: ArrayLike | str) -> np.ndarray:
    """|nu| in cm^-1 from a number, a complex number or a string like ``"1218i"``."""
    if isinstance(nu, str):
        text = nu.strip().rstrip("ijIJ").strip()
        try:
            arr = np.asarray(abs(float(text)))
        except ValueError:
            raise InvalidParameterError("nu_imag_cm", "a frequency in cm^-1 ('1218i' is "
                                        "accepted)", nu) from None
    else:
        arr = np.abs(np.asarray(nu))
        if not np.issubdtype(arr.dtype, np.number):
            raise InvalidParameterError("nu_imag_cm", "a frequency in cm^-1", nu)
        arr = arr.astype(float)
    if not np.all(np.isfinite(arr)) or np.any(arr == 0):
        raise InvalidParameterError("nu_imag_cm", "a finite non-zero frequency in cm^-1", nu)
    return arr


def _eckart_log_p(eps: np.ndarray, a1: float, a2: float, u: float) -> np.ndarray:
    """ln P(E) of the unsymmetric Eckart barrier, E = eps kB T measured from the barrier top.

    P = [cosh(A + B) - cosh(A - B)] / [cosh(A + B) + cosh(D)] with
    A = 2 sqrt(a1 (1 + xi)) / (a1^-1/2 + a2^-1/2), B = 2 sqrt(a1 (1 + xi) - a1 + a2) / (...),
    D = 2 sqrt(a1 a2 - pi^2 / 4), xi = E / V1 (Johnston & Heicklen 1962), evaluated in logs:
    cosh(A+B) - cosh(A-B) = 2 sinh A sinh B.
    """
    v1 = a1 * u / (2.0 * math.pi)   # V1 / kB T
    xi = eps / v1
    den = 1.0 / math.sqrt(a1) + 1.0 / math.sqrt(a2)
    A = 2.0 * np.sqrt(np.maximum(a1 * (1.0 + xi), 0.0)) / den
    B = 2.0 * np.sqrt(np.maximum(a1 * (1.0 + xi) - a1 + a2, 0.0)) / den
    with np.errstate(divide="ignore"):
        log_sinh_a = A + np.log(-np.expm1(-2.0 * A)) - math.log(2.0)
        log_sinh_b = B + np.log(-np.expm1(-2.0 * B)) - math.log(2.0)
    s = A + B
    log_cosh_s = s + np.log1p(np.exp(-2.0 * s)) - math.log(2.0)
    d2 = a1 * a2 - math.pi**2 / 4.0
    if d2 >= 0:
        D = 2.0 * math.sqrt(d2)
        log_cosh_d = D + math.log1p(math.exp(-2.0 * D)) - math.log(2.0)
        log_den = np.logaddexp(log_cosh_s, log_cosh_d)
    else:
        # cosh(s) + cos(d) = 2 sinh^2(s/2) + 2 cos^2(d/2): no cancellation near s = 0,
        # d = pi. cos(d/2) = sin(pi/2 - d/2), pi/2 - d/2 = a1 a2 / (pi/2 + d/2).
        half_d = math.sqrt(-d2)
        cos_half = math.sin(a1 * a2 / (math.pi / 2.0 + half_d))
        with np.errstate(divide="ignore"):
            log_sinh_half = (s / 2.0 + np.log(-np.expm1(-s)) - math.log(2.0))
            log_den = np.logaddexp(math.log(2.0) + 2.0 * log_sinh_half,
                                   math.log(2.0) + 2.0 * math.log(cos_half))
    return math.log(2.0) + log_sinh_a + log_sinh_b - log_den


def _eckart_one(u: float, a1: float, a2: float) -> float:
    v1 = a1 * u / (2.0 * math.pi)
    v2 = a2 * u / (2.0 * math.pi)
    lo = -min(v1, v2)
    hi = max(0.0, lo) + 80.0   # exp(-80) of the Boltzmann tail is negligible

    def g(e):
        return _eckart_log_p(np.asarray(e, dtype=float), a1, a2, u) - e

    # Locate the integrand: a coarse grid over the whole range plus a fine one around the
    # barrier top, where the classical part of the integrand lives.
    grid = np.union1d(np.linspace(lo, hi, 4001)[1:],
                      np.linspace(max(lo, -40.0), min(hi, 40.0), 4001)[1:])
    gg = g(grid)
    i = int(np.argmax(gg))
    gmax = float(gg[i])
    if gmax > 720.0:
        return math.inf   # kappa beyond the double range (and any physical meaning)
    keep = np.nonzero(gg > gmax - 60.0)[0]   # exp(-60) relative: negligible
    a = float(grid[keep[0] - 1]) if keep[0] > 0 else lo
    b = float(grid[keep[-1] + 1]) if keep[-1] + 1 < grid.size else hi
    peak = float(grid[i])

    def f(e):
        return float(np.exp(g(e) - gmax))

    total = 0.0
    if a == lo:
        # Substitute E = lo + s^2 on [lo, peak]: P ~ sqrt(E - lo) at the threshold, a
        # square-root endpoint singularity of the derivative.
        def fs(s):
            return f(lo + s * s) * 2.0 * s

        val, _ = integrate.quad(fs, 0.0, math.sqrt(peak - lo), limit=200, epsabs=1e-13,
                                epsrel=1e-10)
        total += val
        a = peak
    pts = sorted({a, peak, b} | ({0.0} if a < 0.0 < b else set()))
    for x0, x1 in zip(pts[:-1], pts[1:]):
        if x1 > x0:
            val, _ = integrate.quad(f, x0, x1, limit=200, epsabs=1e-13, epsrel=1e-10)
            total += val
    log_kappa = gmax + math.log(total)
    return math.exp(log_kappa) if log_kappa < 709.78 else math.inf


def eckart(nu_imag_cm: float | str, V_forward: float, V_reverse: float,
           T: ArrayLike) -> float | np.ndarray:
    """Tunnelling transmission coefficient of an unsymmetric Eckart barrier.

    C. Eckart, Phys. Rev. 35, 1303 (1930); H. S. Johnston and J. Heicklen, J. Phys. Chem.
    66, 532 (1962). With u = h nu* / kB T, alpha_1 = 2 pi V_forward / (h nu*),
    alpha_2 = 2 pi V_reverse / (h nu*) and E measured from the barrier top,

        kappa = integral_{-min(V1, V2)}^{inf} P(E) exp(-E / kB T) dE / kB T,

    the ratio of the quantum Boltzmann-averaged transmission to the classical one
    (P = step at E = 0). P is the exact Eckart transmission probability, evaluated in
    logarithms so that large u and large alphas (deep tunnelling, kappa >> 1) neither
    overflow nor lose precision; the integral is taken by adaptive quadrature around the
    peak of the integrand.

    Parameters
    ----------
    nu_imag_cm : float or str
        Magnitude of the imaginary frequency, cm^-1 (``-1218`` or ``"1218i"`` accepted).
    V_forward : float
        Barrier height from the reactant side (zero-point corrected, as in J&H), eV, > 0.
    V_reverse : float
        Barrier height from the product side, eV, > 0.
    T : float or array
        Temperature, K.

    Returns
    -------
    float or ndarray
        kappa, dimensionless (``inf`` beyond the double-precision range, ~1e308).
    """
    nu = float(_imag_magnitude(nu_imag_cm))
    for name, v in (("V_forward", V_forward), ("V_reverse", V_reverse)):
        if not (isinstance(v, (int, float, np.floating)) and math.isfinite(v) and v > 0):
            raise InvalidParameterError(name, "a barrier > 0 eV", v)
    t = _T(T)
    hnu = nu * invcm
    a1 = 2.0 * math.pi * V_forward / hnu
    a2 = 2.0 * math.pi * V_reverse / hnu
    flat = [_eckart_one(hnu / (kB * ti), a1, a2) for ti in t.ravel()]
    return _ret(np.asarray(flat).reshape(t.shape))


# ---- collision theory --------------------------------------------------------------------

def collision_adsorption(T: ArrayLike, mass_amu: ArrayLike, site_density: ArrayLike,
                         sticking: ArrayLike = 1.0) -> float | np.ndarray:
    """Adsorption rate constant from kinetic gas theory (Hertz-Knudsen flux).

    k_ads = s * p0 / sqrt(2 pi m kB T) / n_site with p0 = 1 bar: the flux of molecules
    hitting a unit area at 1 bar, times the sticking probability, per site.

    Parameters
    ----------
    T : float or array
        Gas temperature, K.
    mass_amu : float or array
        Molecular mass, amu.
    site_density : float or array
        Sites per unit area, m^-2.
    sticking : float or array
        Sticking coefficient s in [0, 1] (probability that a collision with a free site
        adsorbs).

    Returns
    -------
    float or ndarray
        k_ads in s^-1 bar^-1 per site.
    """
    t = _T(T)
    m = _finite(mass_amu, "mass_amu", "amu")
    n = _finite(site_density, "site_density", "m^-2")
    s = _finite(sticking, "sticking", "(dimensionless)")
    if np.any(m <= 0):
        raise InvalidParameterError("mass_amu", "> 0 amu", mass_amu)
    if np.any(n <= 0):
        raise InvalidParameterError("site_density", "> 0 m^-2", site_density)
    if np.any(s < 0) or np.any(s > 1):
        raise InvalidParameterError("sticking", "a probability in [0, 1]", sticking)
    flux = P0 / np.sqrt(2.0 * math.pi * m * amu * kB_J * t)
    return _ret(s * flux / n)


# ---- detailed balance --------------------------------------------------------------------

def equilibrium_constant(dG: ArrayLike, T: ArrayLike) -> float | np.ndarray:
    """K = exp(-dG / kB T).

    Parameters
    ----------
    dG : float or array
        Standard reaction free energy, eV (gases at 1 bar, coverages 1).
    T : float or array
        Temperature, K.

    Returns
    -------
    float or ndarray
        K in bar^(n_gas products - n_gas reactants).
    """
    t = _T(T)
    g = _finite(dG, "dG", "eV")
    return _ret(np.exp(-g / (kB * t)))


def reverse_rate(k_f: ArrayLike, dG: ArrayLike, T: ArrayLike) -> float | np.ndarray:
    """Reverse rate constant from detailed balance, k_r = k_f / K = k_f exp(dG / kB T).

    Parameters
    ----------
    k_f : float or array
        Forward rate constant, s^-1 bar^-n_f.
    dG : float or array
        Standard reaction free energy (products - reactants), eV, gases at 1 bar.
    T : float or array
        Temperature, K.

    Returns
    -------
    float or ndarray
        k_r in s^-1 bar^-n_r, so that k_f / k_r = K (bar convention).
    """
    t = _T(T)
    kf = _finite(k_f, "k_f", "s^-1 bar^-n")
    if np.any(kf < 0):
        raise InvalidParameterError("k_f", ">= 0", k_f)
    g = _finite(dG, "dG", "eV")
    return _ret(kf * np.exp(g / (kB * t)))


# ---- energy scaling ----------------------------------------------------------------------

def bep(dE: ArrayLike, alpha: float, beta: float) -> float | np.ndarray:
    """Bronsted-Evans-Polanyi activation energy, Ea = alpha dE + beta, clipped.

    The result is clipped to [max(0, dE), inf): a barrier can be neither negative nor below
    the reaction energy, because the transition state cannot lie below either the initial
    or the final state (the reverse barrier Ea - dE must also be >= 0). Far outside the
    range where a BEP line was fitted the line would otherwise violate this.

    Parameters
    ----------
    dE : float or array
        Reaction energy E_FS - E_IS, eV.
    alpha : float
        BEP slope (dimensionless, usually in [0, 1]).
    beta : float
        BEP intercept, eV.

    Returns
    -------
    float or ndarray
        Forward activation energy, eV.
    """
    d = _finite(dE, "dE", "eV")
    a = float(_finite(alpha, "alpha", "(dimensionless)"))
    b = float(_finite(beta, "beta", "eV"))
    return _ret(np.maximum(a * d + b, np.maximum(0.0, d)))


def transition_state_scaling(E_IS: ArrayLike, E_FS: ArrayLike, alpha: float, beta: float,
                             reference: Literal["IS", "FS", "BEP"] = "IS",
                             clip: bool = False) -> float | np.ndarray:
    """Transition-state energy from a linear scaling relation (CatMAP's TS scaling modes).

    * ``reference='IS'`` (CatMAP 'initial_state'): E_TS = alpha E_IS + beta;
    * ``reference='FS'`` (CatMAP 'final_state'):   E_TS = alpha E_FS + beta;
    * ``reference='BEP'`` (CatMAP 'BEP'):          E_TS = alpha (E_FS - E_IS) + beta.

    All energies are formation energies (eV) of the whole state (sum over its adsorbates),
    as in CatMAP's generalized linear scaler.

    Parameters
    ----------
    E_IS, E_FS : float or array
        Initial- and final-state energies, eV.
    alpha : float
        Slope, dimensionless.
    beta : float
        Intercept, eV.
    reference : {'IS', 'FS', 'BEP'}
    clip : bool
        If True, E_TS is raised to max(E_IS, E_FS) where the line falls below either state
        (no negative barrier in either direction).

    Returns
    -------
    float or ndarray
        E_TS, eV.
    """
    i = _finite(E_IS, "E_IS", "eV")
    f = _finite(E_FS, "E_FS", "eV")
    a = float(_finite(alpha, "alpha", "(dimensionless)"))
    b = float(_finite(beta, "beta", "eV"))
    if reference == "IS":
        e = a * i + b + 0.0 * f
    elif reference == "FS":
        e = a * f + b + 0.0 * i
    elif reference == "BEP":
        e = a * (f - i) + b
    else:
        raise InvalidParameterError("reference", "'IS', 'FS' or 'BEP'", reference)
    if clip:
        e = np.maximum(e, np.maximum(i, f))
    return _ret(e)


def linear_scaling(descriptor_energies: ArrayLike, slopes: ArrayLike,
                   intercept: ArrayLike) -> float | np.ndarray:
    """Adsorbate energies from descriptor energies by linear scaling relations.

    E = sum_k slopes_k * descriptor_k + intercept (Abild-Pedersen et al., Phys. Rev. Lett.
    99, 016105 (2007): E(AH_x) = gamma(x) E(A) + xi, gamma = (x_max - x) / x_max).

    Parameters
    ----------
    descriptor_energies : array (..., n_descriptors)
        Descriptor (e.g. C, O binding) energies, eV.
    slopes : array (n_descriptors,) or (n_adsorbates, n_descriptors)
        Scaling slopes, dimensionless.
    intercept : float or array (n_adsorbates,)
        Intercepts, eV.

    Returns
    -------
    float or ndarray
        Energies, eV: shape (...) for 1-D slopes, (..., n_adsorbates) for 2-D slopes.
    """
    d = _finite(descriptor_energies, "descriptor_energies", "eV")
    s = _finite(slopes, "slopes", "(dimensionless)")
    b = _finite(intercept, "intercept", "eV")
    if d.ndim == 0:
        d = d[None]
    n = d.shape[-1]
    if s.ndim == 0:
        s = s[None]
    if s.shape[-1] != n or s.ndim > 2:
        raise InvalidParameterError(
            "slopes", f"shape ({n},) or (n_adsorbates, {n}) to match descriptor_energies",
            s.shape)
    if s.ndim == 1:
        return _ret(d @ s + b)
    if b.ndim > 1 or (b.ndim == 1 and b.shape[0] != s.shape[0]):
        raise InvalidParameterError("intercept", f"a scalar or shape ({s.shape[0]},)",
                                    b.shape)
    return _ret(d @ s.T + b)


def abild_pedersen_slope(x: ArrayLike, x_max: ArrayLike) -> float | np.ndarray:
    """Scaling slope gamma(x) = (x_max - x) / x_max of AH_x against A.

    Abild-Pedersen et al., Phys. Rev. Lett. 99, 016105 (2007): x H atoms bound to A, whose
    maximum valence is x_max (4 for C, 2 for O, 3 for N, 2 for S).

    Returns
    -------
    float or ndarray
        gamma, dimensionless.
    """
    xx = _finite(x, "x", "(number of H)")
    xm = _finite(x_max, "x_max", "(valence)")
    if np.any(xm <= 0) or np.any(xx < 0) or np.any(xx > xm):
        raise InvalidParameterError("x", "0 <= x <= x_max, x_max > 0", (x, x_max))
    return _ret((xm - xx) / xm)
