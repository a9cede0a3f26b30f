"""Steady reaction-diffusion in a catalyst pellet: the solver and its derived quantities."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import integrate

from ..errors import ConvergenceError, InvalidParameterError
from ._continuation import continue_branch
from ._fv import Discretization, FluxFn, grid_stretch, make_grid
from ._geometry import characteristic_length, shape_exponent
from ._kinetics import RateLaw

REGIMES = ("kinetic", "diffusion-limited", "external-transfer-limited", "transport-enhanced",
           "undefined")


@dataclass(frozen=True)
class Pellet:
    """Geometry and transport properties of a catalyst pellet.

    Attributes
    ----------
    shape : str
        ``"slab"``, ``"cylinder"`` (infinite) or ``"sphere"``.
    size : float
        Half-thickness (slab) or radius, m.
    D_eff : float or sequence of float
        Effective (Fickian) diffusivity of each species in the pellet, m^2 s^-1 (one value
        for all species, or one per species). Also used for the moduli and criteria when a
        non-Fickian ``flux`` is given.
    conductivity : float or None
        Effective thermal conductivity, W m^-1 K^-1; None: isothermal pellet.
    k_ext : float, sequence or None
        External (film) mass-transfer coefficient, m s^-1; None: no film resistance.
    h_ext : float or None
        External heat-transfer coefficient, W m^-2 K^-1; None: no film resistance.
    flux : callable or None
        Non-Fickian flux model ``flux(c, dcdr, T) -> N``: c and dc/dr (n, m) in mol m^-3
        and mol m^-4, T (m,) K, N (n, m) outward molar flux in mol m^-2 s^-1 (e.g. the
        dusty-gas model of ``catscale.transport.maxwell_stefan``).
    """

    shape: str
    size: float
    D_eff: float | Sequence[float]
    conductivity: float | None = None
    k_ext: float | Sequence[float] | None = None
    h_ext: float | None = None
    flux: FluxFn | None = None

    def __post_init__(self):
        shape_exponent(self.shape)
        characteristic_length(self.shape, self.size)
        D = np.atleast_1d(np.asarray(self.D_eff, dtype=float))
        if np.any(~np.isfinite(D)) or np.any(D <= 0):
            raise InvalidParameterError("D_eff", "> 0 m^2/s", self.D_eff)
        if self.conductivity is not None and not self.conductivity > 0:
            raise InvalidParameterError("conductivity", "> 0 W/(m K)", self.conductivity)
        if self.k_ext is not None:
            k = np.atleast_1d(np.asarray(self.k_ext, dtype=float))
            if np.any(~(k > 0)):
                raise InvalidParameterError("k_ext", "> 0 m/s", self.k_ext)
        if self.h_ext is not None and not self.h_ext > 0:
            raise InvalidParameterError("h_ext", "> 0 W/(m^2 K)", self.h_ext)

    @property
    def length(self) -> float:
        """Characteristic length V/S, m."""
        return characteristic_length(self.shape, self.size)

    def diffusivities(self, n: int) -> np.ndarray:
        """D_eff per species (n,), m^2 s^-1."""
        D = np.atleast_1d(np.asarray(self.D_eff, dtype=float))
        if D.size == 1:
            return np.full(n, float(D[0]))
        if D.size != n:
            raise InvalidParameterError("D_eff", f"1 or {n} values", self.D_eff)
        return D

    def biot_mass(self, n: int) -> np.ndarray:
        """Mass Biot numbers k_ext R / D_eff per species (inf without film resistance)."""
        if self.k_ext is None:
            return np.full(n, np.inf)
        return np.broadcast_to(np.asarray(self.k_ext, float), (n,)) * self.size / \
            self.diffusivities(n)

    def biot_heat(self) -> float:
        """Heat Biot number h_ext R / conductivity (inf without film or isothermal)."""
        if self.h_ext is None or self.conductivity is None:
            return np.inf
        return self.h_ext * self.size / self.conductivity


@dataclass(frozen=True)
class PelletState:
    """One steady state of a pellet.

    Attributes
    ----------
    r : ndarray (N+1,)
        Radial positions, m: the N cell centres and the external surface.
    c : ndarray (n, N+1)
        Concentrations, mol m^-3 (last column: surface).
    T : ndarray (N+1,)
        Temperatures, K.
    c_surface, T_surface : ndarray (n,), float
        External-surface values (mol m^-3, K).
    observed_rate : ndarray (n,)
        Volume-averaged production rate of each species, mol m^-3 s^-1 per pellet volume
        (= surface flux x S/V).
    effectiveness : float
        Internal effectiveness factor of the key reactant (observed / rate at surface
        conditions).
    effectiveness_overall : float
        Observed / rate at bulk conditions.
    thiele : float
        Aris first-order modulus L sqrt(k_app / D_eff), k_app = -R_key(surface)/c_key.
    thiele_generalized : float
        Bischoff's generalised modulus L (-R_s) / sqrt(2 D_eff int (-R) dc).
    weisz_prater : float
        (-R_obs) L^2 / (D_eff c_s) (= eta phi^2 for first order); << 1: no internal
        limitation.
    mears_mass : float
        Mears (1971) external mass criterion (-R_obs) R n / (k_ext c_b); < 0.15: no film
        limitation (0 without film resistance).
    mears_heat : float
        Mears external heat criterion |q_obs| R E_app / (h R_g T_b^2); < 0.15 (0 if none).
    regime : str
        One of :data:`REGIMES`, consistent with the effectiveness factors
        (:func:`classify_regime`).
    mass_balance_error : float
        |surface flux - volume integral of production| / |volume integral| (round-off).
    observed_heat : float
        Volume-averaged heat release, W m^-3 per pellet volume.
    """

    r: np.ndarray
    c: np.ndarray
    T: np.ndarray
    c_surface: np.ndarray
    T_surface: float
    observed_rate: np.ndarray
    effectiveness: float
    effectiveness_overall: float
    thiele: float
    thiele_generalized: float
    weisz_prater: float
    mears_mass: float
    mears_heat: float
    regime: str
    mass_balance_error: float
    observed_heat: float = 0.0
    state_vector: np.ndarray = field(repr=False, default=None)

    def profiles(self, species: Sequence[str]) -> dict:
        """Profiles as plain lists: r (m), c per species (mol m^-3), T (K)."""
        return {"r": self.r.tolist(), "c": {s: self.c[i].tolist() for i, s in
                                            enumerate(species)}, "T": self.T.tolist()}


@dataclass(frozen=True)
class PelletResult:
    """All steady states found (sorted by increasing overall effectiveness) and the branch.

    The attributes of the first state are forwarded (``result.effectiveness`` etc.).
    ``route``: ``"line"`` (the exact one-species reduction, :mod:`catscale.pellet._line`),
    ``"newton"`` or ``"continuation"``. ``warnings``: what could not be verified (e.g. the
    bound on the effect of a regularised rate law, :attr:`RateLaw.c_floor`).
    """

    states: tuple[PelletState, ...]
    species: tuple[str, ...]
    lam: np.ndarray = field(repr=False, default=None)
    turning_points: tuple[float, ...] = ()
    route: str = "continuation"
    warnings: tuple[str, ...] = ()

    def __getattr__(self, name):
        if name.startswith("_") or name in ("states", "species", "lam", "turning_points",
                                            "route", "warnings"):
            raise AttributeError(name)
        return getattr(self.states[0], name)

    @property
    def multiple(self) -> bool:
        """True when more than one steady state was found."""
        return len(self.states) > 1


def classify_regime(eta: float, eta_overall: float, external_drop: float) -> str:
    """Regime label that agrees with the effectiveness factors (Froment and Bischoff,
    Chemical Reactor Analysis and Design, 1990, ch. 3).

    ``"kinetic"``: 0.9 <= eta <= 1.1 and 0.9 <= eta_overall <= 1.1 (the observed rate is
    the surface or bulk rate to 10 %); ``"transport-enhanced"``: eta or eta_overall > 1.1
    (heat release inside the pellet or a rate that falls with the key concentration:
    gradients raise the rate, so the pellet is not diffusion-limited);
    ``"external-transfer-limited"``: the film takes more than half of the key
    concentration, or only the overall factor is below 0.9; ``"diffusion-limited"``: the
    internal factor is below 0.9 (for an nth-order rate this is where the generalised
    modulus exceeds ~0.5-1: eta -> 1/Phi); ``"undefined"``: the key is not consumed at the
    surface (no effectiveness factor).

    Parameters
    ----------
    eta, eta_overall : float
        Internal and overall effectiveness factors (dimensionless).
    external_drop : float
        (c_bulk - c_surface) / c_bulk of the key species (dimensionless).
    """
    if not (np.isfinite(eta) and np.isfinite(eta_overall)):
        return "undefined"
    if eta > 1.1 or eta_overall > 1.1:
        return "transport-enhanced"
    if eta >= 0.9 and eta_overall >= 0.9:
        return "kinetic"
    if external_drop > 0.5 or eta >= 0.9:
        return "external-transfer-limited"
    return "diffusion-limited"


def regularization_bound(kin: RateLaw, c: np.ndarray, T: np.ndarray,
                         volumes: np.ndarray) -> float:
    """Share of the pellet's rate carried by cells where ``kin`` is regularised.

    Below ``kin.c_floor`` the law is a linear continuation of c^n (finite slope in a dead
    zone); only there does the solution depend on it. The exact law gives those cells a
    rate between 0 (the dead zone itself) and the rate at the floor, the regularised one
    too, so the regularisation (and the position of the dead-zone front inside its cell)
    changes the pellet's rate by at most the rate of those cells. Returns sum over the cells
    below the floor of V r / sum of V r (dimensionless; 0 without a floor).

    Parameters
    ----------
    kin : RateLaw
    c : ndarray (n, N)
        Concentrations at the cell centres, mol m^-3.
    T : ndarray (N,)
        Temperatures, K.
    volumes : ndarray (N,)
        Cell volumes (any common factor), m^3.
    """
    if not kin.c_floor > 0:
        return 0.0
    low = c[kin.key] < kin.c_floor
    if not np.any(low):
        return 0.0
    r = -kin(c, T)[kin.key]
    total = float(r @ volumes)
    return float(r[low] @ volumes[low]) / total if total > 0 else float("inf")


def _apparent(kin: RateLaw, cs, Ts):
    """Key-reactant rate, apparent order and d ln r / dT at (cs, Ts)."""
    k = kin.key
    r0 = -kin(cs, np.array([Ts]))[k]
    h = 1e-6 * max(cs[k], 1e-30)
    cp = cs.copy()
    cp[k] += h
    cm = cs.copy()
    cm[k] = max(cs[k] - h, 0.0)
    rp, rm = -kin(cp, np.array([Ts]))[k], -kin(cm, np.array([Ts]))[k]
    order = ((np.log(max(rp, 1e-300)) - np.log(max(rm, 1e-300))) /
             (np.log(cp[k]) - np.log(max(cm[k], 1e-300)))) if r0 > 0 and cm[k] > 0 else 1.0
    dT = 1e-4 * Ts
    rTp = -kin(cs, np.array([Ts + dT]))[k]
    rTm = -kin(cs, np.array([Ts - dT]))[k]
    dlnr = ((np.log(max(rTp, 1e-300)) - np.log(max(rTm, 1e-300))) / (2 * dT)
            if rTp > 0 and rTm > 0 else 0.0)
    return float(r0), float(order), float(dlnr)


def _rate_integral(f_vec, lo: float, hi: float) -> float:
    """int_lo^hi f dx for a rate that may vanish like a power of (x - lo) at ``lo``.

    Gauss-Legendre in t with x = lo + (hi - lo) t^2 (which turns an endpoint behaviour
    (x - lo)^n into the smoother t^(2n+1)) at 48 and 96 nodes, both in one vectorised call
    of the rate law each; when the two differ by more than 1e-5 (relative: 5e-6 in the
    modulus, a regime diagnostic), e.g. for a rate with a kink inside, adaptive quadrature
    (QUADPACK) of the scalar integrand decides.
    """
    if not hi > lo:
        return 0.0
    vals = []
    for t, w in _GL:
        x = lo + (hi - lo) * t * t
        vals.append(float(np.sum(w * f_vec(x) * 2.0 * (hi - lo) * t)))
    if abs(vals[1] - vals[0]) <= 1e-5 * abs(vals[1]):
        return vals[1]
    with warnings.catch_warnings():   # a diagnostic: QUADPACK's round-off notes are noise
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        val, _ = integrate.quad(lambda x: float(f_vec(np.array([x]))[0]), lo, hi, limit=200,
                                epsabs=0.0, epsrel=1e-9)
    return float(val)


def _gauss_on_unit(n: int) -> tuple[np.ndarray, np.ndarray]:
    t, w = np.polynomial.legendre.leggauss(n)
    return 0.5 * (t + 1.0), 0.5 * w


_GL = (_gauss_on_unit(48), _gauss_on_unit(96))


def generalized_modulus(kin: RateLaw, c_s, T_s: float, D: np.ndarray, L: float,
                        conductivity: float | None = None) -> float:
    """Bischoff's generalised Thiele modulus for any single-reaction rate law.

    Phi = L (-R_k(c_s)) / sqrt(2 D_k int_{c_min}^{c_s,k} (-R_k) dc_k). The other species and
    the temperature follow the key reactant along the stoichiometric (Fickian) and Prater
    lines fixed by the surface rates; c_min is where a species runs out or the rate
    vanishes (equilibrium).

    Parameters
    ----------
    kin : RateLaw
        Kinetics (mol m^-3 s^-1 per pellet volume).
    c_s : array (n,)
        Surface concentrations, mol m^-3.
    T_s : float
        Surface temperature, K.
    D : array (n,)
        Effective diffusivities, m^2 s^-1.
    L : float
        V/S, m.
    conductivity : float or None
        W m^-1 K^-1 (None: isothermal).

    Returns
    -------
    float
        Dimensionless modulus (nan when the surface rate is not positive).
    """
    k = kin.key
    c_s = np.asarray(c_s, float)
    Rs = kin(c_s, np.array([T_s]))
    rk = -Rs[k]
    if not rk > 0:
        return float("nan")
    delta = (D[k] / D) * (Rs / Rs[k])          # d c_j / d c_k along the path
    dTdc = 0.0
    if conductivity is not None and kin.heat is not None:
        q = kin.heat_release(c_s, np.array([T_s]))
        dTdc = -D[k] * (q / rk) / conductivity   # T = T_s + dTdc (c_k - c_s,k)
    lo = 0.0
    for j in range(kin.n):
        if delta[j] > 0:
            lo = max(lo, c_s[k] - c_s[j] / delta[j])
    xs = np.linspace(lo, c_s[k], 401)
    C = c_s[:, None] + delta[:, None] * (xs - c_s[k])[None, :]
    TT = T_s + dTdc * (xs - c_s[k])
    rr = -kin(np.maximum(C, 0.0), TT)[k]
    neg = np.flatnonzero(rr <= 0)
    if neg.size:
        lo = xs[neg[-1]]

    def f_vec(x):
        cc = np.maximum(c_s[:, None] + delta[:, None] * (x - c_s[k])[None, :], 0.0)
        return -kin(cc, T_s + dTdc * (x - c_s[k]))[k]

    val = _rate_integral(f_vec, lo, float(c_s[k]))
    return float(L * rk / np.sqrt(2.0 * D[k] * val)) if val > 0 else float("nan")


def _state(disc: Discretization, u, pellet: Pellet, kin: RateLaw, c_bulk, T_bulk):
    c, T = disc.split(u)
    N, k = disc.N, kin.key
    a1 = disc.a + 1
    R = pellet.size
    V_tot = R**a1 / a1
    Nf, q = disc.face_fluxes(c, T)
    prod = disc.production(c[:, :N], T[:N])
    integral = prod @ disc.volumes                       # mol s^-1 per unit solid angle
    surface = disc.areas[-1] * Nf[:, -1]
    obs = surface / V_tot
    denom = np.maximum(np.abs(integral), 1e-300)
    mb = float(np.max(np.abs(surface - integral) / denom))
    cs, Ts = c[:, N].copy(), float(T[N])
    D = disc.D
    L = pellet.length
    r_s, order, dlnr = _apparent(kin, cs, Ts)
    r_b = -kin(np.asarray(c_bulk, float), np.array([T_bulk]))[k]
    r_obs = -obs[k]
    eta = r_obs / r_s if r_s > 0 else float("nan")
    eta_o = r_obs / r_b if r_b > 0 else float("nan")
    phi = L * np.sqrt(r_s / (cs[k] * D[k])) if r_s > 0 and cs[k] > 0 else float("nan")
    phig = generalized_modulus(kin, cs, Ts, D, L,
                               pellet.conductivity if disc.thermal else None)
    wp = r_obs * L**2 / (D[k] * cs[k]) if cs[k] > 0 else float("inf")
    kx = disc.k_ext[k]
    mm = float(abs(r_obs) * R * order / (kx * c_bulk[k])) if np.isfinite(kx) else 0.0
    if disc.thermal and np.isfinite(disc.h_ext):
        qobs = float(disc.areas[-1] * q[-1] / V_tot)
        mh = abs(qobs) * R * dlnr / disc.h_ext
    else:
        mh = 0.0
    ext_drop = (c_bulk[k] - cs[k]) / c_bulk[k] if c_bulk[k] > 0 else 0.0
    regime = classify_regime(eta, eta_o, ext_drop)
    qobs = float(disc.heat(c[:, :N], T[:N]) @ disc.volumes / V_tot)
    return PelletState(disc.node_r.copy(), c.copy(), T.copy(), cs, Ts, obs, float(eta),
                       float(eta_o), float(phi), phig, float(wp), float(mm), float(mh), regime,
                       mb, qobs, u.copy())


def solve_pellet(pellet: Pellet, kinetics: RateLaw, c_bulk: Sequence[float], T_bulk: float,
                 *, n_cells: int = 200, stretch: float | None = None,
                 method: str = "continuation", initial: PelletState | None = None,
                 lam_max: float = 1e3, fallback: bool = True) -> PelletResult:
    """Steady states of reaction-diffusion in a pellet (all of them, by continuation).

    Solves d/dr(r^a N_i)/r^a = R_i(c, T) and, if the pellet has a conductivity,
    d/dr(r^a q)/r^a = Q(c, T) with N_i = -D_i dc_i/dr (or the given flux model) and
    q = -lambda dT/dr; symmetry at r = 0; at r = R either the bulk values or film
    resistances N_i = k_ext (c_i - c_b,i), q = h_ext (T - T_b). Conservative finite volumes
    with sparse Newton; ``method="continuation"`` follows the branch in the reaction scale
    from 0 to ``lam_max`` (pseudo-arclength) and returns every crossing of the physical
    problem, ``method="newton"`` does one Newton solve from ``initial`` (or the bulk
    state) and falls back to continuation if it fails.

    Parameters
    ----------
    pellet : Pellet
        Geometry and transport (SI units).
    kinetics : RateLaw
        Production rates per pellet volume (mol m^-3 s^-1) and heat release (W m^-3).
    c_bulk : sequence of float
        Bulk-gas concentrations, mol m^-3, one per species of ``kinetics``.
    T_bulk : float
        Bulk-gas temperature, K.
    n_cells : int
        Number of finite volumes (error O(h^2): about 1e-6 in eta at 400 cells, phi ~ 1).
    stretch : float or None
        Grid refinement towards the surface (None: chosen from the bulk Thiele modulus).
    method : str
        ``"continuation"`` or ``"newton"``.
    initial : PelletState or None
        Starting state for ``method="newton"`` (same grid).
    lam_max : float
        End of the continuation in the reaction scale.
    fallback : bool
        With ``method="newton"``: continue the branch when Newton fails (default); False
        raises ConvergenceError instead (for rate laws too costly to continue).

    Returns
    -------
    PelletResult
        Steady states sorted by overall effectiveness; attributes of the first forwarded.

    Raises
    ------
    InvalidParameterError
        Inconsistent sizes or non-physical values.
    ConvergenceError
        No steady state could be found.
    """
    n = kinetics.n
    cb = np.asarray(c_bulk, dtype=float).reshape(-1)
    if cb.shape != (n,) or np.any(~np.isfinite(cb)) or np.any(cb < 0):
        raise InvalidParameterError("c_bulk", f"{n} concentrations >= 0 mol/m^3", c_bulk)
    if not (np.isfinite(T_bulk) and T_bulk > 0):
        raise InvalidParameterError("T_bulk", "> 0 K", T_bulk)
    if int(n_cells) < 4:
        raise InvalidParameterError("n_cells", ">= 4", n_cells)
    if method not in ("continuation", "newton"):
        raise InvalidParameterError("method", "'continuation' or 'newton'", method)
    D = pellet.diffusivities(n)
    thermal = pellet.conductivity is not None
    kext = (np.full(n, np.inf) if pellet.k_ext is None
            else np.broadcast_to(np.asarray(pellet.k_ext, float), (n,)).copy())
    if stretch is None:
        r_b = -kinetics(cb, np.array([T_bulk]))[kinetics.key]
        ck = max(cb[kinetics.key], 1e-300)
        phi_b = pellet.length * np.sqrt(max(r_b, 0.0) / (ck * D[kinetics.key]))
        stretch = grid_stretch(phi_b)
    disc = Discretization(
        a=shape_exponent(pellet.shape), faces=make_grid(pellet.size, int(n_cells), stretch),
        n=n, thermal=thermal, production=kinetics.production,
        heat=lambda c, T: kinetics.heat_release(c, T), D=D, flux=pellet.flux,
        conductivity=float(pellet.conductivity or 0.0), k_ext=kext,
        h_ext=float(pellet.h_ext) if pellet.h_ext is not None else np.inf,
        c_bulk=cb, T_bulk=float(T_bulk))
    tried = []
    lam_hist, turns = None, ()
    us: list[np.ndarray] = []
    route = method
    if _line_applies(pellet, kinetics, cb, D, kext):
        # one reaction, isothermal, one diffusivity: the exact one-species reduction on the
        # same grid (one steady state; a tridiagonal Newton, converges through dead zones)
        us = [_line_state(disc, pellet, kinetics, cb, float(T_bulk), stretch, initial)]
        route = "line"
    if not us and method == "newton":
        u0 = initial.state_vector if (initial is not None and initial.state_vector is not None
                                      and initial.state_vector.size == disc.uniform_state().size
                                      ) else disc.uniform_state()
        try:
            u, _ = disc.newton(u0, 1.0)
            us = [u]
        except ConvergenceError as exc:
            tried.append(f"Newton from {'initial state' if initial else 'bulk state'}: {exc}")
    if not us and method == "newton" and not fallback:
        raise ConvergenceError("Newton's method did not converge (no continuation asked)",
                               tried=tried)
    if not us:
        try:
            branch, us = continue_branch(disc, lam_max=lam_max)
            lam_hist, turns = np.asarray(branch.lam), tuple(branch.turning_points)
        except ConvergenceError as exc:
            tried.append(f"continuation: {exc}")
        if not us:
            raise ConvergenceError("no steady state of the pellet was found", tried=tried)
    states = [_state(disc, u, pellet, kinetics, cb, float(T_bulk)) for u in us]
    states.sort(key=lambda s: (s.effectiveness_overall, float(np.max(s.T))))
    warn = []
    for st in states:
        bound = regularization_bound(kinetics, st.c[:, :-1], st.T[:-1], disc.volumes)
        if bound > _REG_TOL:
            warn.append(f"pellet: the rate law is regularised below c_floor = "
                        f"{kinetics.c_floor:g} mol/m^3 (dead zone): the cells below it carry "
                        f"{bound:.1e} of the pellet's rate, a bound on what the "
                        "regularisation and the front's position inside its cell change in "
                        "the effectiveness (refine n_cells to shrink it)")
            break
    return PelletResult(tuple(states), kinetics.species, lam_hist, turns, route, tuple(warn))


#: effect of a regularised rate law on the pellet's rate below which no warning is given
#: (the verification tolerance of the tabulated rate laws)
_REG_TOL = 1e-3


def _line_applies(pellet: Pellet, kin: RateLaw, cb: np.ndarray, D: np.ndarray,
                  kext: np.ndarray) -> bool:
    """The exact one-species reduction holds: one declared reaction, isothermal, Fickian,
    one diffusivity and film coefficient for every species, the key present in the bulk."""
    return (kin.stoichiometry is not None and pellet.conductivity is None
            and pellet.flux is None and bool(np.all(D == D[0]))
            and bool(np.all(kext == kext[0])) and cb[kin.key] > 0)


def _line_state(disc: Discretization, pellet: Pellet, kin: RateLaw, cb: np.ndarray, T: float,
                stretch: float, initial: PelletState | None) -> np.ndarray:
    """State vector (cells and surface node of ``disc``) of the one-species route."""
    from ._line import solve_line_pellet

    k = kin.key
    nu = np.asarray(kin.stoichiometry, float) / kin.stoichiometry[k]   # dc_j / dc_key
    sb = float(cb[k])
    low = 0.0                                   # the end of the line: a reactant runs out
    for j in range(kin.n):
        if j != k and nu[j] > 0:
            low = max(low, sb - cb[j] / nu[j])
    h = 1e-7 * sb

    def points(s):
        return cb[:, None] + nu[:, None] * (s - sb)[None, :]

    def rate(s):
        s = np.asarray(s, float)
        TT = np.full(s.size, T)
        r0 = -kin(points(s), TT)[k]
        dr = (kin(points(s - h), TT)[k] - kin(points(s + h), TT)[k]) / (2 * h)
        return r0, dr

    s0 = None
    if initial is not None and initial.c.shape == (kin.n, disc.N + 1):
        s0 = initial.c[k, :-1]
    kx = disc.k_ext[k]
    sol = solve_line_pellet(pellet.shape, pellet.size, float(disc.D[k]), sb, rate,
                            k_ext=float(kx) if np.isfinite(kx) else None, n_cells=disc.N,
                            stretch=stretch, s_low=low, initial=s0)
    s = np.append(sol.s, sol.s_surface)
    return points(s).T.ravel()
