"""Bridge lattice kMC -> surface diffusion coefficients.

Pure functions of frozen lattice-gas trajectories (:mod:`catscale.kmc.lattice_gas`) that
return diffusion coefficients with one-sigma errors, and the D(theta) curve
(:class:`catscale.diffusion.DiffusionCurve`) used by the continuum scale.

Estimators (d = 2; Gomer, Rep. Prog. Phys. 53, 917 (1990); Ala-Nissila, Ferrando & Ying,
Adv. Phys. 51, 949 (2002)):

* tracer   D* = lim <|r_i(t) - r_i(0)|^2> / (2 d t), unwrapped displacements of tagged
  particles; estimated from the slope of the MSD between lags L/2 and L (all time origins),
  which removes the constant offset of correlated back-hops.
* jump     D_J = lim <|sum_i (r_i(t) - r_i(0))|^2> / (2 d N t) (Kubo-Green, centre of mass).
* Phi      = d(mu/kT)/d ln(theta) = <N> / <dN^2> in the grand-canonical ensemble.
* chemical D_c = D_J Phi; mobility M = D_J theta / kT (J = -M grad mu).

Errors: block averages over non-overlapping time blocks of all replicas (tracer, jump) and a
jackknife over blocks (Phi); D_c and M by propagation of independent relative errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..diffusion import DiffusionCurve
from ..errors import InvalidParameterError
from ..kmc.lattice_gas import (
    CanonicalRun,
    CoverageControl,
    DiffusionSampling,
    GrandCanonicalRun,
)
from ..units import kB

__all__ = ["Estimate", "tracer_diffusivity", "jump_diffusivity", "thermodynamic_factor",
           "diffusion_curve", "curve_from_sampling"]

_DIM = 2


@dataclass(frozen=True)
class Estimate:
    """A statistical estimate: value and one standard error (same unit).

    ``lag`` (s) and ``bias`` (same unit as value) are set by estimators that choose a time
    lag: the lag used and the estimated systematic error at that lag, included in ``error``.
    """

    value: float
    error: float
    n_blocks: int
    lag: float = float("nan")
    bias: float = 0.0


def _blocks(times: np.ndarray, n_blocks: int) -> tuple[int, float]:
    ns = len(times)
    m = (ns - 1) // n_blocks
    if m < 2:
        raise InvalidParameterError(
            "n_blocks", f"<= (n_samples - 1) / 2 = {(ns - 1) // 2} for this run", n_blocks)
    return m, float(times[1] - times[0])


def _mean_err(vals: list[float]) -> Estimate:
    v = np.asarray(vals, float)
    err = float(v.std(ddof=1) / np.sqrt(v.size)) if v.size > 1 else float("nan")
    return Estimate(float(v.mean()), err, int(v.size))


def _msd_lag(x: np.ndarray, lag: int) -> float:
    """Mean over origins (and particles) of |x(t+lag) - x(t)|^2; x: (n_t, ..., 2)."""
    d = x[lag:] - x[:-lag]
    return float(np.mean(np.sum(d * d, axis=-1)))


def _check_runs(runs: Sequence, kind: type) -> None:
    if len(runs) == 0 or not all(isinstance(r, kind) for r in runs):
        raise InvalidParameterError("runs", f"a non-empty sequence of {kind.__name__}",
                                    type(runs).__name__)


def _lag(m: int, lag: int | None) -> int:
    L = max(2, m // 10) if lag is None else int(lag)
    if not 2 <= L <= m:
        raise InvalidParameterError("lag", f"an integer in [2, {m}] (samples per block)", lag)
    return L


def _tracer_blocks(runs: Sequence[CanonicalRun], n_blocks: int, L: int) -> list[float]:
    """Per-block slope estimates (MSD(L) - MSD(L/2)) / (2 d (L - L/2) dt), all origins."""
    vals = []
    half = L // 2
    for r in runs:
        m, dt = _blocks(r.tagged_times, n_blocks)
        for b in range(n_blocks):
            x = r.displacements[b * m: (b + 1) * m + 1].astype(float)
            vals.append((_msd_lag(x, L) - _msd_lag(x, half)) / (2 * _DIM * (L - half) * dt))
    return vals


def tracer_diffusivity(runs: Sequence[CanonicalRun], n_blocks: int = 10,
                       lag: int | None = None) -> Estimate:
    """Tracer diffusivity D* from tagged-particle mean-square displacements.

    Each block gives the MSD slope (MSD(L) - MSD(L/2)) / (2 d (L - L/2) dt), MSD averaged
    over particles and all time origins inside the block; L dt must lie in the long-time
    regime. In 2-D the approach is slow: the velocity autocorrelation of a tagged particle
    decays as t^-2, so the slope at lag L exceeds D* by b/L (van Beijeren, Kehr & Kutner,
    Phys. Rev. B 28, 5711 (1983)), which made a fixed short lag biased high by up to 14
    error bars at theta >= 0.5.

    Default lag: a ladder L = 2, 4, 8, ... up to the block length; under the 1/L law the
    remaining bias at L is the change of the slope from L/2 to L, bias(L) = |D(L/2) - D(L)|.
    The lag minimising sqrt(err(L)^2 + bias(L)^2) is used (the slope is stable within its
    error from there on), and the returned error is that total, so it covers the remaining
    bias (``bias`` and ``lag`` are reported).

    Parameters
    ----------
    runs : sequence of CanonicalRun
        Independent replicas at the same conditions.
    n_blocks : int
        Blocks per run (independent estimates for the error bar).
    lag : int, optional
        A fixed lag L in tagged-sample intervals (no bias estimate); default: chosen as
        above.

    Returns
    -------
    Estimate
        D* in m^2/s, error from the scatter of the blocks (and the bias); lag in s.
    """
    _check_runs(runs, CanonicalRun)
    m, dt = _blocks(runs[0].tagged_times, n_blocks)
    if lag is not None:
        L = _lag(m, lag)
        e = _mean_err(_tracer_blocks(runs, n_blocks, L))
        return Estimate(e.value, e.error, e.n_blocks, lag=L * dt)
    ladder = [2]
    while 2 * ladder[-1] <= m:
        ladder.append(2 * ladder[-1])
    est = [_mean_err(_tracer_blocks(runs, n_blocks, L)) for L in ladder]
    best = None
    for k, e in enumerate(est):
        bias = abs(est[k - 1].value - e.value) if k > 0 else (np.inf if len(est) > 1 else 0.0)
        tot = float(np.hypot(e.error, bias))
        if best is None or tot < best[0]:
            best = (tot, k, bias)
    tot, k, bias = best
    return Estimate(est[k].value, tot, est[k].n_blocks, lag=ladder[k] * dt, bias=float(bias))


def jump_diffusivity(runs: Sequence[CanonicalRun], n_blocks: int = 10,
                     lag: int | None = None) -> Estimate:
    """Jump (collective) diffusivity D_J from the centre-of-mass displacement (Kubo-Green).

    Parameters
    ----------
    runs : sequence of CanonicalRun
    n_blocks : int
        Blocks per run.
    lag : int, optional
        Lag L in sample intervals (default: a tenth of a block). Each block gives the mean
        over lags l = L/2 .. L of <|sum_i dr_i(l dt)|^2> / (2 d N l dt), averaged over all time
        origins inside the block.

    Returns
    -------
    Estimate
        D_J in m^2/s.
    """
    _check_runs(runs, CanonicalRun)
    vals = []
    for r in runs:
        m, dt = _blocks(r.times, n_blocks)
        L = _lag(m, lag)
        N = r.displacements.shape[1]
        if N == 0:
            raise InvalidParameterError("runs", "runs with at least one particle", 0)
        R = r.com_displacement  # (n_t, 2)
        for b in range(n_blocks):
            x = R[b * m: (b + 1) * m + 1]
            est = np.mean([_msd_lag(x, q) / q for q in range(L // 2, L + 1)])
            vals.append(est / (2 * _DIM * N * dt))
    return _mean_err(vals)


def thermodynamic_factor(runs: Sequence[GrandCanonicalRun], n_blocks: int = 20,
                         discard: float = 0.0) -> tuple[Estimate, Estimate]:
    """Thermodynamic factor Phi = <N> / <dN^2> from grand-canonical fluctuations.

    Parameters
    ----------
    runs : sequence of GrandCanonicalRun
        Replicas at the same chemical potential.
    n_blocks : int
        Blocks per run for the jackknife error.
    discard : float
        Fraction of each run discarded at its start (equilibration), 0 <= discard < 1.

    Returns
    -------
    (Phi, theta) : Estimate, Estimate
        Phi (dimensionless) and the mean coverage <N>/n_sites.
    """
    _check_runs(runs, GrandCanonicalRun)
    if not 0.0 <= discard < 1.0:
        raise InvalidParameterError("discard", "in [0, 1)", discard)
    blocks = []
    for r in runs:
        N = r.n_particles[int(discard * len(r.n_particles)):].astype(float)
        if N.size < 2 * n_blocks:
            raise InvalidParameterError("n_blocks", f"<= {N.size // 2} for these runs",
                                        n_blocks)
        blocks.extend(np.array_split(N, n_blocks))
    n_sites = runs[0].n_sites
    s1 = np.array([b.sum() for b in blocks])
    s2 = np.array([(b * b).sum() for b in blocks])
    cnt = np.array([b.size for b in blocks], float)

    def phi_theta(mask: np.ndarray) -> tuple[float, float]:
        n = cnt[mask].sum()
        m = s1[mask].sum() / n
        v = s2[mask].sum() / n - m * m
        return (m / v if v > 0 else float("inf")), m / n_sites

    allm = np.ones(len(blocks), bool)
    phi, theta = phi_theta(allm)
    B = len(blocks)
    jk = np.array([phi_theta(np.arange(B) != b) for b in range(B)])
    with np.errstate(invalid="ignore"):  # a block-deleted sample without fluctuations: the
        # error is undefined (NaN), not a warning on stderr
        err = np.sqrt((B - 1) / B * np.sum((jk - jk.mean(axis=0)) ** 2, axis=0))
    return Estimate(phi, float(err[0]), B), Estimate(theta, float(err[1]), B)


def _coverage_status(i: int, theta: float, control, thg: Estimate,
                     warnings: list[str]) -> tuple[str, object]:
    """Status of the grand-canonical side at coverage i and the coexistence pair (or None)."""
    if control is None:
        return "ok", None
    c = control[i]
    warnings.extend(f"theta = {theta:.4g}: {w}" for w in c.warnings)
    if c.status == "coexistence":
        return "coexistence", list(c.coexistence)
    off = abs(thg.value - c.target)
    if np.isfinite(off) and off > c.tolerance + 3.0 * (thg.error if np.isfinite(thg.error)
                                                      else 0.0):
        warnings.append(
            f"theta = {theta:.4g}: the grand-canonical runs at mu = {c.mu:.6g} eV have "
            f"theta = {thg.value:.4g} +- {thg.error:.2g}, off the target by more than the "
            f"tolerance {c.tolerance:.3g} + 3 sigma; Phi and D_c refer to that coverage")
        return "off_target", None
    return c.status, None


def diffusion_curve(canonical: Sequence[Sequence[CanonicalRun]],
                    grand: Sequence[Sequence[GrandCanonicalRun]] | None = None,
                    n_blocks: int = 10, lag: int | None = None,
                    control: Sequence[CoverageControl] | None = None) -> DiffusionCurve:
    """D*, D_J, Phi, D_c and M with errors at each coverage.

    Parameters
    ----------
    canonical : sequence (one item per coverage) of sequences of CanonicalRun
        Replicas per coverage; all with the same :class:`LatticeGasConfig`.
    grand : sequence of sequences of GrandCanonicalRun, optional
        Grand-canonical replicas per coverage (same order). Without them Phi is NaN.
    n_blocks : int
        Blocks per canonical run.
    lag : int, optional
        Lag of both MSD estimators in their own sample intervals (default: a tenth of a block).
    control : sequence of CoverageControl, optional
        How the grand-canonical coverage was set (same order). A coverage in a two-phase
        region (status 'coexistence') has no grand-canonical runs: Phi and D_c are NaN.

    Returns
    -------
    DiffusionCurve
        Diffusivities in m^2/s, M in m^2 s^-1 eV^-1; ``extra`` holds the tracer correlation
        factor f = D* / (D0 (1 - theta)) with its error, the grand-canonical coverage and
        the chemical potential (eV) of each point, and with ``control`` a ``status`` per
        coverage ('ok', 'coexistence', 'not_converged', 'off_target'), the coexisting
        coverages (or None) and the ``warnings``.
    """
    if len(canonical) == 0:
        raise InvalidParameterError("canonical", "runs for at least one coverage", 0)
    if grand is not None and len(grand) != len(canonical):
        raise InvalidParameterError("grand", f"{len(canonical)} coverages", len(grand))
    if control is not None and len(control) != len(canonical):
        raise InvalidParameterError("control", f"{len(canonical)} coverages", len(control))
    cfg = canonical[0][0].config
    kT = kB * cfg.T
    nan = Estimate(float("nan"), float("nan"), 0)
    rows, status, coex, warnings = [], [], [], []
    for i, runs in enumerate(canonical):
        if any(r.config != cfg for r in runs):
            raise InvalidParameterError("canonical", "runs of one LatticeGasConfig",
                                        "mixed configurations")
        th = float(np.mean([r.coverage for r in runs]))
        ds = tracer_diffusivity(runs, n_blocks, lag)
        dj = jump_diffusivity(runs, n_blocks, lag)
        if grand is not None and len(grand[i]) > 0:
            phi, thg = thermodynamic_factor(grand[i])
            mu = grand[i][0].mu
        else:
            phi = thg = nan
            mu = float("nan")
        st, pair = _coverage_status(i, th, control, thg, warnings)
        status.append(st)
        coex.append(pair)
        dc = dj.value * phi.value
        dc_err = abs(dc) * np.hypot(dj.error / dj.value if dj.value else np.inf,
                                    phi.error / phi.value if phi.value else np.inf)
        f_den = cfg.D0 * (1.0 - th)
        rows.append((th, ds.value, ds.error, dj.value, dj.error, phi.value, phi.error, dc,
                     dc_err, dj.value * th / kT, dj.error * th / kT,
                     ds.value / f_den if f_den > 0 else np.nan,
                     ds.error / f_den if f_den > 0 else np.nan, thg.value, thg.error, mu))
    a = np.array(rows, float).T
    extra = {"f": a[11], "f_err": a[12], "theta_gc": a[13], "theta_gc_err": a[14],
             "mu": a[15]}
    if control is not None:
        extra.update(status=status, coexistence=coex, warnings=warnings)
    return DiffusionCurve(
        theta=a[0], D_star=a[1], D_star_err=a[2], D_jump=a[3], D_jump_err=a[4], Phi=a[5],
        Phi_err=a[6], D_c=a[7], D_c_err=a[8], M=a[9], M_err=a[10], T=float(cfg.T),
        D0=float(cfg.D0), source="kmc", extra=extra)


def curve_from_sampling(sampling: DiffusionSampling, n_blocks: int = 10,
                        lag: int | None = None) -> DiffusionCurve:
    """:func:`diffusion_curve` of a :class:`DiffusionSampling` (all coverages)."""
    grand = sampling.grand if any(len(g) for g in sampling.grand) else None
    return diffusion_curve(sampling.canonical, grand, n_blocks, lag,
                           sampling.control or None)
