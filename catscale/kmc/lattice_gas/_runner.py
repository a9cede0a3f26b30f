"""Configuration, runs and results of the lattice-gas kMC (diffusion observables)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ...errors import ConvergenceError, InvalidParameterError
from ...lattices import lattice_kind
from ...units import kB
from .._lattice import Lattice

HOP_RULES = ("metropolis", "initial_state", "bep")


@dataclass(frozen=True)
class LatticeGasConfig:
    """A nearest-neighbour lattice gas with hop (and optionally exchange) kinetics.

    Parameters
    ----------
    lattice : str
        A registered Bravais lattice (:data:`catscale.lattices.LATTICES`, one site per
        cell): 'square' (z = 4), 'hexagonal' = 'triangular' (z = 6), ...
    size : (int, int)
        Periodic lattice of size[0] x size[1] cells.
    T : float
        Temperature, K.
    eps : float
        Nearest-neighbour pair energy, eV (< 0 attractive).
    hop_rate : float
        Gamma, hop rate of an isolated particle to one neighbour, s^-1.
    rule : {'metropolis', 'initial_state', 'bep'}
        How interactions change hop rates (all obey detailed balance; see
        :func:`hop_rate_table`).
    a : float
        Nearest-neighbour distance, m (1 gives lengths in lattice units).
    exchange_rate : float
        k_x, scale of adsorption/desorption rates in the grand-canonical mode, s^-1.
    """

    lattice: str = "square"
    size: tuple[int, int] = (64, 64)
    T: float = 300.0
    eps: float = 0.0
    hop_rate: float = 1.0
    rule: str = "metropolis"
    a: float = 1.0
    exchange_rate: float = 1.0

    def __post_init__(self) -> None:
        lattice_kind(self.lattice, bravais=True)
        if self.rule not in HOP_RULES:
            raise InvalidParameterError("rule", f"one of {list(HOP_RULES)}", self.rule)
        sz = tuple(self.size)
        if len(sz) != 2 or any((not isinstance(x, (int, np.integer))) or x < 3 for x in sz):
            raise InvalidParameterError("size", "two integers >= 3", self.size)
        object.__setattr__(self, "size", (int(sz[0]), int(sz[1])))
        for name in ("T", "hop_rate", "a", "exchange_rate"):
            v = getattr(self, name)
            if not (np.isfinite(v) and v > 0):
                raise InvalidParameterError(name, "> 0", v)
        if not np.isfinite(self.eps):
            raise InvalidParameterError("eps", "a finite energy in eV", self.eps)

    @property
    def n_sites(self) -> int:
        """Number of lattice sites."""
        return self.size[0] * self.size[1]

    @property
    def z(self) -> int:
        """Coordination number (from the lattice registry)."""
        return lattice_kind(self.lattice).z

    @property
    def D0(self) -> float:
        """Zero-coverage diffusivity z Gamma a^2 / 4, m^2/s."""
        return self.z * self.hop_rate * self.a ** 2 / 4.0


def hop_rate_table(config: LatticeGasConfig) -> NDArray[np.float64]:
    """Hop rates r(n_i, n_f) in s^-1, shape (z, z).

    n_i (n_f): occupied neighbours of the origin (target) other than the target (origin);
    dE = eps (n_f - n_i). 'metropolis': Gamma min(1, exp(-dE/kT)); 'initial_state':
    Gamma exp(eps n_i / kT) (saddle unaffected by neighbours); 'bep': Gamma exp(-dE / 2kT).
    """
    z = config.z
    n = np.arange(z, dtype=float)
    ni, nf = np.meshgrid(n, n, indexing="ij")
    b = 1.0 / (kB * config.T)
    dE = config.eps * (nf - ni)
    if config.rule == "metropolis":
        rel = np.exp(-np.maximum(b * dE, 0.0))
    elif config.rule == "initial_state":
        rel = np.exp(b * config.eps * ni)
    else:
        rel = np.exp(-0.5 * b * dE)
    return np.ascontiguousarray(config.hop_rate * rel)


def exchange_tables(config: LatticeGasConfig, mu: float
                    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Adsorption and desorption rates (s^-1) for n = 0..z occupied neighbours.

    k_ads = k_x exp((mu - eps n) / 2kT), k_des = k_x exp(-(mu - eps n) / 2kT), so that
    k_ads / k_des = exp(-(E_n - mu)/kT) with E_n = eps n (detailed balance at chemical
    potential mu, eV, measured from the energy of an isolated adsorbate).
    """
    n = np.arange(config.z + 1, dtype=float)
    x = (mu - config.eps * n) / (2.0 * kB * config.T)
    return (np.ascontiguousarray(config.exchange_rate * np.exp(x)),
            np.ascontiguousarray(config.exchange_rate * np.exp(-x)))


def _geometry(config: LatticeGasConfig) -> tuple[Lattice, NDArray, NDArray]:
    lat = Lattice.from_name(config.lattice, config.size, n_shells=1)
    nbr = np.ascontiguousarray(lat.neighbors(1), dtype=np.int32)
    dvec = np.ascontiguousarray([[di, dj] for (_, di, dj) in lat.shell_offsets(1)[0]],
                                dtype=np.int32)
    return lat, nbr, dvec


def neighbour_table(config: LatticeGasConfig) -> tuple[NDArray[np.int32], NDArray[np.int32]]:
    """Nearest-neighbour table (n_sites, z) and the cell offset (di, dj) of each column.

    Taken from :class:`catscale.kmc.Lattice` (site index i * size[1] + j).
    """
    _, nbr, dvec = _geometry(config)
    return nbr, dvec


@dataclass(frozen=True)
class CanonicalRun:
    """Canonical (hops only) trajectory of tagged particles.

    Attributes
    ----------
    config : LatticeGasConfig
    coverage : float
        N / n_sites.
    times : ndarray (n_samples,)
        Sample times, s (measured from the end of equilibration).
    com_displacement : ndarray (n_samples, 2)
        Sum over particles of the unwrapped Cartesian displacements, m.
    stride : int
        Tagged particles are recorded at ``times[::stride]``.
    positions : ndarray of int32 (n_tagged, N)
        Site of every particle at ``times[::stride]``.
    displacements : ndarray of float32 (n_tagged, N, 2)
        Unwrapped Cartesian displacement of every particle from its position at time 0, m.
    events : int
        Events executed in the production run.
    seed : int
    """

    config: LatticeGasConfig
    coverage: float
    times: NDArray[np.float64]
    com_displacement: NDArray[np.float64]
    stride: int
    positions: NDArray[np.int32]
    displacements: NDArray[np.float32]
    events: int
    seed: int

    @property
    def tagged_times(self) -> NDArray[np.float64]:
        """Times (s) of the tagged-particle samples."""
        return self.times[:: self.stride]

    def occupancy(self, k: int) -> NDArray[np.int8]:
        """Occupation of the lattice at tagged sample ``k`` as a (size[0], size[1]) array."""
        occ = np.zeros(self.config.n_sites, np.int8)
        occ[self.positions[k]] = 1
        return occ.reshape(self.config.size)


@dataclass(frozen=True)
class GrandCanonicalRun:
    """Grand-canonical trajectory of the particle number.

    Attributes
    ----------
    config : LatticeGasConfig
    mu : float
        Chemical potential, eV.
    times : ndarray (n_samples,)
        Sample times, s.
    n_particles : ndarray of int64 (n_samples,)
        N(t).
    n_sites : int
    events : int
    seed : int
    """

    config: LatticeGasConfig
    mu: float
    times: NDArray[np.float64]
    n_particles: NDArray[np.int64]
    n_sites: int
    events: int
    seed: int


def _initial(config: LatticeGasConfig, coverage: float, rng: np.random.Generator
             ) -> NDArray[np.int8]:
    if not (np.isfinite(coverage) and 0.0 <= coverage <= 1.0):
        raise InvalidParameterError("coverage", "in [0, 1]", coverage)
    n = config.n_sites
    N = int(round(coverage * n))
    occ = np.zeros(n, np.int8)
    occ[rng.choice(n, size=N, replace=False)] = 1
    return occ


def _run(occ, nbr, dvec, hop, ads, des, times, max_events, track, seed, what, stride=1):
    from ._kernels import lattice_gas_kmc

    out = lattice_gas_kmc(occ, nbr, dvec, hop, ads, des, np.ascontiguousarray(times, float),
                          np.int64(max_events), track, np.int64(stride), np.int64(seed))
    info = out[5]
    if int(info[2]) < len(times):
        raise ConvergenceError(
            f"lattice-gas kMC ({what}) stopped after max_events = {max_events} events at "
            f"t = {info[0]:.4g} s before reaching t = {times[-1]:.4g} s",
            tried=[f"max_events = {max_events}"])
    return out


def _check_run_args(t_end: float, n_samples: int, t_equil: float) -> None:
    if not (np.isfinite(t_end) and t_end > 0):
        raise InvalidParameterError("t_end", "> 0 s", t_end)
    if not (np.isfinite(t_equil) and t_equil >= 0):
        raise InvalidParameterError("t_equil", ">= 0 s", t_equil)
    if not (isinstance(n_samples, (int, np.integer)) and n_samples >= 2):
        raise InvalidParameterError("n_samples", "an integer >= 2", n_samples)


def run_canonical(config: LatticeGasConfig, coverage: float, t_end: float,
                  n_samples: int = 101, seed: int = 0, t_equil: float = 0.0,
                  max_events: int = 10**9,
                  initial: NDArray[np.int8] | None = None, stride: int = 1) -> CanonicalRun:
    """Canonical hop kMC with tagged particles.

    Parameters
    ----------
    config : LatticeGasConfig
    coverage : float
        Target coverage; N = round(coverage * n_sites) particles placed at random (ignored
        when ``initial`` is given).
    t_end : float
        Length of the production run, s.
    n_samples : int
        Equally spaced samples on [0, t_end].
    seed : int
        Seed (initial configuration and kMC stream).
    t_equil : float
        Equilibration time before production, s (displacements are not recorded).
    max_events : int
        Bound on the number of events of each stage.
    initial : ndarray of int8, optional
        Initial occupation (n_sites,) or (size[0], size[1]).
    stride : int
        Record tagged particles every ``stride`` samples (memory: N x 8 bytes per record);
        the centre of mass is recorded at every sample.

    Returns
    -------
    CanonicalRun
    """
    _check_run_args(t_end, n_samples, t_equil)
    if not (isinstance(stride, (int, np.integer)) and 1 <= stride <= n_samples - 1):
        raise InvalidParameterError("stride", f"an integer in [1, {n_samples - 1}]", stride)
    rng = np.random.default_rng(seed)
    if initial is not None:
        occ = np.ascontiguousarray(np.asarray(initial, dtype=np.int8).ravel())
        if occ.size != config.n_sites or np.any((occ != 0) & (occ != 1)):
            raise InvalidParameterError("initial", f"{config.n_sites} occupations 0/1",
                                        np.shape(initial))
    else:
        occ = _initial(config, coverage, rng)
    _, nbr, dvec = _geometry(config)
    hop = hop_rate_table(config)
    zero = np.zeros(config.z + 1)
    seeds = rng.integers(0, 2**62, size=2)
    if t_equil > 0:
        occ = _run(occ, nbr, dvec, hop, zero, zero, np.array([t_equil]), max_events, False,
                   seeds[0], "equilibration")[4]
    times = np.linspace(0.0, t_end, n_samples)
    _, pos, dsp, com, _, info = _run(occ, nbr, dvec, hop, zero, zero, times, max_events, True,
                                     seeds[1], "production", stride)
    cell = np.asarray(Lattice.from_name(config.lattice, config.size, n_shells=1).cell, float)
    cart = ((dsp.astype(float) @ cell) * config.a).astype(np.float32)
    return CanonicalRun(config=config, coverage=float(occ.sum()) / config.n_sites,
                        times=times, com_displacement=(com.astype(float) @ cell) * config.a,
                        stride=int(stride), positions=pos, displacements=cart,
                        events=int(info[1]), seed=int(seed))


def run_grand_canonical(config: LatticeGasConfig, mu: float, t_end: float,
                        n_samples: int = 1001, seed: int = 0, t_equil: float = 0.0,
                        coverage0: float = 0.5, max_events: int = 10**9,
                        hops: bool = True) -> GrandCanonicalRun:
    """Grand-canonical kMC (adsorption/desorption at chemical potential mu, plus hops).

    Parameters
    ----------
    config : LatticeGasConfig
    mu : float
        Chemical potential, eV (0: half coverage without interactions).
    t_end : float
        Production time, s.
    n_samples : int
        Equally spaced samples of N(t) on [0, t_end].
    seed : int
    t_equil : float
        Equilibration time, s.
    coverage0 : float
        Coverage of the random initial state.
    max_events : int
    hops : bool
        Include hops. Static averages (N fluctuations) need only the exchange events, which
        alone sample the same grand-canonical distribution.

    Returns
    -------
    GrandCanonicalRun
    """
    _check_run_args(t_end, n_samples, t_equil)
    if not np.isfinite(mu):
        raise InvalidParameterError("mu", "a finite energy in eV", mu)
    rng = np.random.default_rng(seed)
    occ = _initial(config, coverage0, rng)
    _, nbr, dvec = _geometry(config)
    hop = hop_rate_table(config) if hops else np.zeros((config.z, config.z))
    ads, des = exchange_tables(config, mu)
    seeds = rng.integers(0, 2**62, size=2)
    if t_equil > 0:
        occ = _run(occ, nbr, dvec, hop, ads, des, np.array([t_equil]), max_events, False,
                   seeds[0], "equilibration")[4]
    times = np.linspace(0.0, t_end, n_samples)
    nn, _, _, _, _, info = _run(occ, nbr, dvec, hop, ads, des, times, max_events, False,
                             seeds[1], "production")
    return GrandCanonicalRun(config=config, mu=float(mu), times=times, n_particles=nn,
                             n_sites=config.n_sites, events=int(info[1]), seed=int(seed))


@dataclass(frozen=True)
class CoverageControl:
    """Outcome of setting the grand-canonical coverage through the chemical potential.

    Attributes
    ----------
    target : float
        Requested coverage.
    status : {'ok', 'coexistence', 'not_converged'}
        'ok': ``mu`` gives the target within ``tolerance`` (measured, or exact by
        particle-hole symmetry at theta = 1/2). 'coexistence': the target lies in a two-phase
        region, where the coverage is not a function of mu (no ``mu``). 'not_converged': the
        search ended without a verified mu (``mu`` is the best estimate; see ``warnings``).
    mu : float or None
        Chemical potential, eV (None for 'coexistence').
    theta, theta_err : float
        Coverage measured at ``mu`` and its standard error (NaN when not measured).
    tolerance : float
        Accepted |theta - target| (coverage units).
    method : str
        'particle-hole symmetry', 'bisection' or 'exact phase diagram' / 'jump in theta(mu)'.
    coexistence : (float, float) or None
        Coverages of the coexisting phases (exact for the nearest-neighbour lattice gas
        below Tc, or the two sides of a measured jump of theta(mu)).
    mu_coexistence : float or None
        Chemical potential at which the two phases coexist, eV.
    warnings : tuple of str
    """

    target: float
    status: str
    mu: float | None
    theta: float = float("nan")
    theta_err: float = float("nan")
    tolerance: float = 0.0
    method: str = ""
    coexistence: tuple[float, float] | None = None
    mu_coexistence: float | None = None
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """JSON-ready dictionary (floats, None for undefined)."""
        def f(x):
            return None if x is None or not np.isfinite(x) else float(x)
        return {"target": self.target, "status": self.status, "mu": f(self.mu),
                "theta": f(self.theta), "theta_err": f(self.theta_err),
                "tolerance": self.tolerance, "method": self.method,
                "coexistence": list(self.coexistence) if self.coexistence else None,
                "mu_coexistence": f(self.mu_coexistence), "warnings": list(self.warnings)}


def _measure_coverage(config: LatticeGasConfig, mu: float, t: float, seed: int,
                      coverage0: float, n_samples: int = 401) -> tuple[float, float]:
    """Mean coverage and its standard error (10 time blocks) of an exchange-only run."""
    r = run_grand_canonical(config, mu, t, n_samples, seed, t_equil=0.25 * t,
                            coverage0=coverage0, hops=False)
    b = np.array([x.mean() for x in np.array_split(r.n_particles[1:].astype(float), 10)])
    return float(b.mean() / r.n_sites), float(b.std(ddof=1) / np.sqrt(b.size) / r.n_sites)


def control_coverage(config: LatticeGasConfig, coverage: float, seed: int = 0,
                     t_stage: float | None = None, tolerance: float = 0.01,
                     max_stages: int = 40, max_doublings: int = 7) -> CoverageControl:
    """Chemical potential that gives a target grand-canonical coverage, or coexistence.

    1. theta = 1/2: mu = z eps / 2 exactly (particle-hole symmetry of the lattice gas).
    2. eps < 0 below the exact Tc (Onsager; triangular: 1/ln 3) with the target between the
       coexisting coverages (1 -+ m0)/2 (Yang; Potts): the coverage is not controlled by mu;
       status 'coexistence', no mu.
    3. Otherwise bisection on a monotone bracket (<theta> increases with mu). The rigorous
       bounds kT logit(theta) + min(0, z eps) <= mu <= kT logit(theta) + max(0, z eps)
       (the occupation probability of a site given its neighbours lies between those of its
       emptiest and fullest environment) are narrowed by the half-coverage mu. Each stage
       measures theta at the midpoint with a block error; the bracket moves only when the
       measurement differs from the target by more than 4 errors, and the run is doubled
       (up to 2^max_doublings x t_stage) while the difference is not resolved. Accepted
       when |theta - target| + 2 err <= tolerance. A bracket that shrinks to 1e-6 kT
       without reaching the target is a jump of theta(mu): 'coexistence' when the two ends
       are on either side of the target, else 'not_converged'.

    Parameters
    ----------
    config : LatticeGasConfig
    coverage : float
        Target coverage, 0 < coverage < 1.
    seed : int
    t_stage : float, optional
        Length of a stage's run, s (default 50 / k_x).
    tolerance : float
        Accepted |theta - coverage|, capped at 0.1 min(coverage, 1 - coverage).
    max_stages, max_doublings : int
        Limits of the search.

    Returns
    -------
    CoverageControl
    """
    from .._ising import (
        coexistence_coverages,
        critical_temperature_exact,
        half_coverage_chemical_potential,
    )

    if not (np.isfinite(coverage) and 0.0 < coverage < 1.0):
        raise InvalidParameterError("coverage", "strictly between 0 and 1", coverage)
    if not (np.isfinite(tolerance) and 0.0 < tolerance < 0.5):
        raise InvalidParameterError("tolerance", "in (0, 0.5) (coverage units)", tolerance)
    # absolute tolerance, at most a tenth of the distance to an empty or full layer
    tolerance = min(float(tolerance), 0.1 * min(coverage, 1.0 - coverage))
    kT = kB * config.T
    z = config.z
    mu_half = half_coverage_chemical_potential(config.eps, config.lattice)
    gap = coexistence_coverages(config.eps, config.T, config.lattice)
    if gap is not None and gap[0] < coverage < gap[1]:
        Tc = critical_temperature_exact(config.eps, config.lattice)
        return CoverageControl(
            target=coverage, status="coexistence", mu=None, tolerance=tolerance,
            method="exact phase diagram", coexistence=gap, mu_coexistence=mu_half,
            warnings=(f"theta = {coverage:.4g} lies in the two-phase region at T = "
                      f"{config.T:.4g} K < Tc = {Tc:.4g} K (exact {config.lattice} lattice "
                      f"gas): a dilute phase theta = {gap[0]:.4g} and a dense phase theta = "
                      f"{gap[1]:.4g} coexist at mu = {mu_half:.6g} eV; the coverage is not "
                      "controlled by mu, so no grand-canonical Phi exists there",))
    if abs(coverage - 0.5) < 1e-12:
        return CoverageControl(target=coverage, status="ok", mu=mu_half, tolerance=tolerance,
                               method="particle-hole symmetry")
    t0 = 50.0 / config.exchange_rate if t_stage is None else float(t_stage)
    if not (np.isfinite(t0) and t0 > 0):
        raise InvalidParameterError("t_stage", "> 0 s", t_stage)
    base = kT * np.log(coverage / (1.0 - coverage))
    lo, hi = base + min(0.0, z * config.eps), base + max(0.0, z * config.eps)
    if coverage < 0.5:
        hi = min(hi, mu_half)
    else:
        lo = max(lo, mu_half)
    if hi - lo < 1e-9 * kT:  # eps = 0: the Langmuir value is exact
        return CoverageControl(target=coverage, status="ok", mu=0.5 * (lo + hi),
                               tolerance=tolerance, method="Langmuir (exact bounds)")
    ends: dict[str, tuple[float, float]] = {}
    t, doublings = t0, 0
    mid, th, err = 0.5 * (lo + hi), float("nan"), float("nan")
    for stage in range(max_stages):
        mid = 0.5 * (lo + hi)
        th, err = _measure_coverage(config, mid, t, seed + 7919 * stage, coverage,
                                    400 * 2 ** doublings + 1)  # samples grow with t
        d = th - coverage
        if abs(d) + 2.0 * err <= tolerance:
            return CoverageControl(target=coverage, status="ok", mu=float(mid), theta=th,
                                   theta_err=err, tolerance=tolerance, method="bisection")
        if abs(d) <= 4.0 * err:  # not resolved: longer runs at the same mu
            if doublings >= max_doublings:
                break
            t, doublings = 2.0 * t, doublings + 1
            continue
        if d < 0:
            lo, ends["lo"] = mid, (th, err)
        else:
            hi, ends["hi"] = mid, (th, err)
        if hi - lo < 1e-6 * kT:
            if "lo" in ends and "hi" in ends:
                pair = (ends["lo"][0], ends["hi"][0])
                return CoverageControl(
                    target=coverage, status="coexistence", mu=None, tolerance=tolerance,
                    method="jump in theta(mu)", coexistence=pair,
                    mu_coexistence=float(mid),
                    warnings=(f"theta(mu) jumps from {pair[0]:.4g} to {pair[1]:.4g} at mu = "
                              f"{mid:.6g} eV: theta = {coverage:.4g} lies in a two-phase "
                              "region and is not controlled by mu",))
            break
    return CoverageControl(
        target=coverage, status="not_converged", mu=float(mid), theta=th, theta_err=err,
        tolerance=tolerance, method="bisection",
        warnings=(f"grand-canonical coverage not brought to {coverage:.4g} +- {tolerance:.3g}: "
                  f"theta = {th:.4g} +- {err:.2g} at mu = {mid:.6g} eV after the search "
                  "(near Tc the coverage is very sensitive to mu; longer t_stage or a larger "
                  "tolerance)",))


def tune_chemical_potential(config: LatticeGasConfig, coverage: float, seed: int = 0,
                            t_stage: float | None = None, tolerance: float = 0.01) -> float:
    """Chemical potential (eV) giving a target mean coverage (:func:`control_coverage`).

    Raises
    ------
    InvalidParameterError
        The target lies in a two-phase region (no mu gives it).
    ConvergenceError
        The coverage could not be brought within ``tolerance``.
    """
    c = control_coverage(config, coverage, seed, t_stage, tolerance)
    if c.status == "coexistence":
        raise InvalidParameterError("coverage", "outside the two-phase region "
                                    f"{c.coexistence} (" + c.warnings[0] + ")", coverage)
    if c.status != "ok":
        raise ConvergenceError(c.warnings[0], tried=[c.method])
    return float(c.mu)


@dataclass(frozen=True)
class DiffusionSampling:
    """Canonical and grand-canonical replicas at each coverage (input of the bridge
    :func:`catscale.bridges.kmc_to_diffusion.diffusion_curve`).

    Attributes
    ----------
    config : LatticeGasConfig
    coverages : tuple of float
        Requested coverages.
    canonical : tuple (per coverage) of tuples of CanonicalRun
    grand : tuple (per coverage) of tuples of GrandCanonicalRun
    events : int
        Events executed in all production runs.
    control : tuple of CoverageControl
        How the grand-canonical coverage was set, per coverage (empty without grand runs);
        no grand-canonical runs at a coverage whose status is 'coexistence'.
    """

    config: LatticeGasConfig
    coverages: tuple[float, ...]
    canonical: tuple[tuple[CanonicalRun, ...], ...]
    grand: tuple[tuple[GrandCanonicalRun, ...], ...]
    events: int
    control: tuple[CoverageControl, ...] = ()


def _task(args: tuple) -> tuple:
    kind, i, cfg, theta, t_prod, t_eq, n_samples, stride, seed = args
    if kind == "c":
        return kind, i, run_canonical(cfg, theta, t_prod, n_samples, seed, t_eq,
                                      stride=stride)
    if kind == "t":  # chemical potential of the target coverage (theta passes the target)
        return kind, i, control_coverage(cfg, theta, seed,
                                         t_stage=min(t_prod, 50.0 / cfg.exchange_rate))
    return kind, i, run_grand_canonical(cfg, stride, t_prod, n_samples, seed, t_eq,
                                        coverage0=theta, hops=False)


def _map(tasks: list, workers: int) -> list:
    if workers == 1 or len(tasks) <= 1:
        return [_task(a) for a in tasks]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=min(workers, len(tasks))) as ex:
        return list(ex.map(_task, tasks))


def sample_diffusion(config: LatticeGasConfig, coverages, events: int = 2_000_000,
                     replicas: int = 2, n_samples: int = 4001, stride: int = 20,
                     grand: bool = True, seed: int = 0, workers: int = 1,
                     equilibration: float = 0.1, grand_size: int = 20,
                     grand_events: int | None = None) -> DiffusionSampling:
    """Run canonical (and grand-canonical) replicas at each coverage.

    Parameters
    ----------
    config : LatticeGasConfig
    coverages : sequence of float
        Coverages, 0 < theta < 1.
    events : int
        Approximate number of events of each production run; the production time is
        events / (z Gamma n_sites theta (1 - theta)) (exact event count for eps = 0).
    replicas : int
        Independent replicas per coverage and ensemble.
    n_samples, stride : int
        Samples of each run and tagged-particle stride (see :func:`run_canonical`).
    grand : bool
        Also run grand-canonical replicas (thermodynamic factor) on a grand_size^2 lattice
        with exchange events only; mu is set by :func:`control_coverage` (exact at
        theta = 1/2 and for eps = 0; none in a two-phase region). Phi is intensive: a small
        lattice gives many independent fluctuations of N per event (finite-size effects
        grow near the critical point).
    grand_size : int
        Side of the grand-canonical lattice (capped at the canonical size).
    grand_events : int, optional
        Events of each grand-canonical run (default ``events``).
    seed : int
    workers : int
        Processes (runs are independent; 1 runs serially in this process).
    equilibration : float
        Equilibration time as a fraction of the production time.

    Returns
    -------
    DiffusionSampling
    """
    th = [float(t) for t in np.atleast_1d(coverages)]
    if not th or any(not (0.0 < t < 1.0) for t in th):
        raise InvalidParameterError("coverages", "values strictly between 0 and 1", coverages)
    for name, v in (("events", events), ("replicas", replicas), ("workers", workers)):
        if not (isinstance(v, (int, np.integer)) and v >= 1):
            raise InvalidParameterError(name, "an integer >= 1", v)
    if not 0.0 <= equilibration:
        raise InvalidParameterError("equilibration", ">= 0", equilibration)
    gcfg = LatticeGasConfig(config.lattice, (min(config.size[0], grand_size),
                                             min(config.size[1], grand_size)),
                            config.T, config.eps, config.hop_rate, config.rule, config.a,
                            config.exchange_rate)
    g_events = events if grand_events is None else grand_events
    ss = np.random.SeedSequence(seed)
    seeds = ss.generate_state(2 * len(th) * replicas, dtype=np.uint32)
    t_gc = g_events / (2.0 * config.exchange_rate * gcfg.n_sites)
    # exchange-only events: k_x n_sites (exp(x) theta' + exp(-x) (1 - theta')) ~ 2 k_x n
    controls: list = []
    if grand:
        controls = [r for _, _, r in _map(
            [("t", i, gcfg, t, t_gc, 0.0, 0, 0, int(ts))
             for (i, t), ts in zip(enumerate(th), np.random.SeedSequence([seed, 1])
                                   .generate_state(len(th), dtype=np.uint32))], workers)]
    tasks = []
    k = 0
    for i, t in enumerate(th):
        t_prod = events / (config.z * config.hop_rate * config.n_sites * t * (1.0 - t))
        for _ in range(replicas):
            tasks.append(("c", i, config, t, t_prod, equilibration * t_prod, n_samples,
                          stride, int(seeds[k])))
            k += 1
            if grand:
                if controls[i].mu is not None:  # none in a two-phase region
                    tasks.append(("g", i, gcfg, t, t_gc, equilibration * t_gc, n_samples,
                                  controls[i].mu, int(seeds[k])))
                k += 1
    results = _map(tasks, workers)
    can: list[list] = [[] for _ in th]
    gc: list[list] = [[] for _ in th]
    for kind, i, r in results:
        (can if kind == "c" else gc)[i].append(r)
    return DiffusionSampling(config=config, coverages=tuple(th),
                             canonical=tuple(tuple(c) for c in can),
                             grand=tuple(tuple(g) for g in gc),
                             events=int(sum(r.events for _, _, r in results)),
                             control=tuple(controls))
