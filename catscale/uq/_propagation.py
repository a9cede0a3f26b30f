"""Forward propagation: Monte Carlo on quasi-random points, polynomial chaos, variance split
by source (aleatoric vs epistemic) and the site-averaging demonstration.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import InvalidParameterError
from ._distributions import SiteClass, SiteEnergies, UncertaintySpace
from ._ensemble import EnsembleResult, run_ensemble

__all__ = [
    "OutputSummary", "summarize", "MonteCarloResult", "monte_carlo", "PCEResult",
    "polynomial_chaos", "VarianceSplit", "variance_by_kind", "site_averaging",
]


@dataclass(frozen=True)
class OutputSummary:
    """Distribution of one output over the ensemble (same unit as the output).

    ``ci_low``/``ci_high``: central interval holding ``level`` of the samples (e.g. the 95 %
    prediction interval); ``mean_ci``: confidence interval of the mean (normal approximation
    with the standard error ``sem``). ``log10_mean``/``log10_std`` are the moments of
    log10(output) for positive outputs spanning decades (TOF), else None.
    """

    name: str
    n: int
    n_failed: int
    mean: float
    std: float
    median: float
    ci_low: float
    ci_high: float
    level: float
    sem: float
    mean_ci: tuple[float, float]
    log10_mean: float | None = None
    log10_std: float | None = None

    def to_dict(self) -> dict:
        d = dict(self.__dict__)
        d["mean_ci"] = list(self.mean_ci)
        return d


def summarize(y: np.ndarray, name: str = "y", level: float = 0.95) -> OutputSummary:
    """Summary statistics of one output's samples (NaN = failed samples, left out).

    For quasi-random (Sobol) points the normal-approximation standard error is an upper
    bound of the true integration error.
    """
    if not 0 < level < 1:
        raise InvalidParameterError("level", "in (0, 1)", level)
    y = np.asarray(y, dtype=float).reshape(-1)
    ok = y[np.isfinite(y)]
    nf = int(y.size - ok.size)
    if ok.size == 0:
        nan = float("nan")
        return OutputSummary(name, 0, nf, nan, nan, nan, nan, nan, level, nan, (nan, nan))
    from scipy.stats import norm

    a = (1 - level) / 2
    mean = float(ok.mean())
    std = float(ok.std(ddof=1)) if ok.size > 1 else 0.0
    sem = std / np.sqrt(ok.size)
    zq = float(norm.ppf(1 - a))
    lo, med, hi = np.quantile(ok, [a, 0.5, 1 - a])
    lm = ls = None
    if np.all(ok > 0):
        lg = np.log10(ok)
        lm, ls = float(lg.mean()), float(lg.std(ddof=1)) if ok.size > 1 else 0.0
    return OutputSummary(name, int(ok.size), nf, mean, std, float(med), float(lo), float(hi),
                         level, float(sem), (float(mean - zq * sem), float(mean + zq * sem)),
                         lm, ls)


@dataclass(frozen=True)
class MonteCarloResult:
    """Monte Carlo propagation: the ensemble and a summary of every output."""

    ensemble: EnsembleResult
    summary: dict[str, OutputSummary]
    method: str

    @property
    def output_names(self) -> list[str]:
        return self.ensemble.output_names

    def to_dict(self) -> dict:
        return {"method": self.method, "samples": int(self.ensemble.Y.shape[0]),
                "failed": int(self.ensemble.failed.sum()),
                "outputs": {k: v.to_dict() for k, v in self.summary.items()}}


def monte_carlo(func: Callable, space: UncertaintySpace, n: int, *, method: str = "sobol",
                seed: int = 0, level: float = 0.95, **ensemble_kw: Any) -> MonteCarloResult:
    """Propagate by (quasi-)Monte Carlo: ``n`` samples of ``space`` through ``func``.

    Parameters
    ----------
    func : callable
        ``func(x[, rng]) -> outputs`` (see :func:`run_ensemble`).
    n : int
        Number of samples (a power of 2 keeps the Sobol sequence balanced).
    method : {"sobol", "random", "lhs"}
    level : float
        Probability content of the reported intervals.
    **ensemble_kw
        ``scheduler``, ``n_workers``, ``chunk_size``, ``store``, ``progress``.
    """
    ens = run_ensemble(func, space, n, method=method, seed=seed, **ensemble_kw)
    summ = {k: summarize(ens.Y[:, j], k, level) for j, k in enumerate(ens.output_names)}
    return MonteCarloResult(ens, summ, method)


# -- polynomial chaos ---------------------------------------------------------------------
@dataclass(frozen=True)
class PCEResult:
    """A polynomial-chaos surrogate of every output in the germ variables of the space.

    Attributes
    ----------
    output_names : list of str
    mean, std : dict name -> float
        Moments from the coefficients (orthonormal basis: mean = c_0, var = sum c_i^2).
    S1, ST : dict name -> dict input name -> float
        First-order and total Sobol indices of each named input (a multi-dimensional input
        counts as one group), computed exactly from the coefficients.
    fit_error : dict name -> float
        Relative RMS error of the surrogate on held-out points (10 % of ``n`` extra
        evaluations); above ~0.05 the output is not smooth enough for this order.
    """

    output_names: list[str]
    order: int
    n_evaluations: int
    mean: dict[str, float]
    std: dict[str, float]
    S1: dict[str, dict[str, float]]
    ST: dict[str, dict[str, float]]
    fit_error: dict[str, float]
    coefficients: np.ndarray = field(repr=False)
    multi_index: np.ndarray = field(repr=False)
    _expansion: Any = field(repr=False, default=None)
    _space: Any = field(repr=False, default=None)

    def evaluate(self, u: np.ndarray) -> np.ndarray:
        """Surrogate outputs (n, n_outputs) at hypercube points ``u`` (n, dim)."""
        z = self._space.unit_to_germ(u)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            phi = np.asarray(self._expansion(*z.T))           # (n_terms, n)
        return phi.T @ self.coefficients

    def summary(self, n: int = 2 ** 14, seed: int = 0, level: float = 0.95
                ) -> dict[str, OutputSummary]:
        """Output distributions from ``n`` Sobol samples of the (cheap) surrogate."""
        Y = self.evaluate(self._space.unit_sample(n, "sobol", seed))
        return {k: summarize(Y[:, j], k, level) for j, k in enumerate(self.output_names)}

    def to_dict(self) -> dict:
        return {"method": "pce", "order": self.order, "evaluations": self.n_evaluations,
                "outputs": {k: {"mean": self.mean[k], "std": self.std[k],
                                "fit_error": self.fit_error[k], "S1": self.S1[k],
                                "ST": self.ST[k]} for k in self.output_names}}


def _germ_joint(space: UncertaintySpace):
    import chaospy

    return chaospy.J(*[chaospy.Normal(0, 1) if g == "normal" else chaospy.Uniform(0, 1)
                       for g in space.germs])


#: Largest polynomial-chaos basis: the regression matrix has 2 x terms rows (2000 terms:
#: 64 MB, 4000 model runs); beyond it Monte Carlo converges for less.
MAX_PCE_TERMS = 2000


def polynomial_chaos(func: Callable, space: UncertaintySpace, order: int = 3, *,
                     n: int | None = None, seed: int = 0, **ensemble_kw: Any) -> PCEResult:
    """Fit a polynomial-chaos expansion of ``func`` by regression on Sobol points (chaospy).

    Use it where the outputs are smooth functions of the inputs (energies -> log10 TOF,
    coverages); ensembles (discrete sets) are refused. The basis is orthonormal in the germs
    (Hermite for normal germs, Legendre for uniform ones), total degree <= ``order``.

    Parameters
    ----------
    order : int
        Total polynomial degree.
    n : int, optional
        Regression points (default: twice the number of basis terms).
    **ensemble_kw
        Passed to :func:`run_ensemble` (``scheduler``, ``store``, ...).
    """
    import chaospy

    bad = [i.name for i in space.inputs if not i.distribution.smooth]
    if bad:
        raise InvalidParameterError("inputs", "smooth inputs for polynomial chaos (use Monte "
                                    "Carlo for ensembles)", bad)
    if space.dim > 20:
        raise InvalidParameterError("inputs", "at most 20 hypercube dimensions for polynomial "
                                    "chaos (use Monte Carlo)", space.dim)
    if int(order) < 1:
        raise InvalidParameterError("order", ">= 1", order)
    # total degree <= p in d dimensions: C(d + p, p) basis terms, each a column of the
    # regression matrix (2 x terms rows): refused before chaospy builds them
    terms = math.comb(space.dim + int(order), int(order))
    if terms > MAX_PCE_TERMS:
        raise InvalidParameterError(
            "order", f"a total degree whose basis has at most {MAX_PCE_TERMS} terms in "
            f"{space.dim} dimensions (this one has {terms}: lower the order or use Monte "
            "Carlo)", order)
    joint = _germ_joint(space)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")                   # numpoly's 'where' without 'out'
        expansion = chaospy.generate_expansion(int(order), joint, normed=True)
    n_terms = len(expansion)
    n = int(n) if n is not None else 2 * n_terms
    if n < n_terms:
        raise InvalidParameterError("n", f">= {n_terms} (number of basis terms)", n)
    n_test = max(8, n // 10)
    U = space.unit_sample(n + n_test, "sobol", seed)
    ens = run_ensemble(func, space, points=U, seed=seed, **ensemble_kw)
    Y = ens.Y
    ok = np.all(np.isfinite(Y), axis=1)
    fit, test = ok.copy(), ok.copy()
    fit[n:] = False
    test[:n] = False
    if fit.sum() < n_terms:
        raise InvalidParameterError("samples", "enough successful evaluations for the fit",
                                    int(fit.sum()))
    Z = space.unit_to_germ(U)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")                   # numpoly's 'where' without 'out'
        phi = np.asarray(expansion(*Z.T)).T                   # (n_points, n_terms)
    coef, *_ = np.linalg.lstsq(phi[fit], Y[fit], rcond=None)
    # multi-index of each basis polynomial: its highest exponent in every germ
    exps = np.asarray(expansion.exponents)                         # (n_monomials, dim)
    C = np.array([np.asarray(c) for c in expansion.coefficients])  # (n_monomials, n_terms)
    alpha = np.array([exps[C[:, i] != 0].max(axis=0) for i in range(n_terms)])
    pred = phi[test] @ coef
    names = ens.output_names
    groups = space.dim_input
    var_terms = coef[1:] ** 2                             # (n_terms - 1, n_out)
    total = var_terms.sum(axis=0)
    S1, ST, err, mean, std = {}, {}, {}, {}, {}
    active = alpha[1:] > 0                                # (n_terms - 1, dim)
    for j, k in enumerate(names):
        mean[k] = float(coef[0, j])
        std[k] = float(np.sqrt(total[j]))
        s1, st = {}, {}
        for inp in space.names:
            dims = np.array([g == inp for g in groups])
            inside = active[:, dims].any(axis=1)
            only = inside & ~active[:, ~dims].any(axis=1)
            s1[inp] = float(var_terms[only, j].sum() / total[j]) if total[j] > 0 else 0.0
            st[inp] = float(var_terms[inside, j].sum() / total[j]) if total[j] > 0 else 0.0
        S1[k], ST[k] = s1, st
        yt = Y[test, j]
        scale = np.std(Y[fit, j]) or 1.0
        err[k] = float(np.sqrt(np.mean((pred[:, j] - yt) ** 2)) / scale) if yt.size else \
            float("nan")
    return PCEResult(names, int(order), int(Y.shape[0]), mean, std, S1, ST, err, coef, alpha,
                     expansion, space)


# -- variance split by source -------------------------------------------------------------
@dataclass(frozen=True)
class VarianceSplit:
    """Law of total variance by kind: Var Y = Var_E(E_A[Y|E]) + E_E(Var_A[Y|E]).

    ``epistemic`` is the variance of the conditional mean over the epistemic inputs (what
    better DFT would remove), ``aleatoric`` the mean variance that the inherent variability
    leaves at fixed epistemic inputs; both in the output's unit squared.
    """

    output_names: list[str]
    total: dict[str, float]
    epistemic: dict[str, float]
    aleatoric: dict[str, float]
    n_outer: int
    n_inner: int

    def fractions(self) -> dict[str, dict[str, float]]:
        out = {}
        for k in self.output_names:
            s = self.epistemic[k] + self.aleatoric[k]
            out[k] = {"epistemic": self.epistemic[k] / s if s > 0 else float("nan"),
                      "aleatoric": self.aleatoric[k] / s if s > 0 else float("nan")}
        return out

    def to_dict(self) -> dict:
        return {"n_outer": self.n_outer, "n_inner": self.n_inner, "total": self.total,
                "epistemic": self.epistemic, "aleatoric": self.aleatoric,
                "fractions": self.fractions()}


def variance_by_kind(func: Callable, space: UncertaintySpace, n_outer: int = 64,
                     n_inner: int = 32, *, seed: int = 0, **ensemble_kw: Any) -> VarianceSplit:
    """Split output variance into epistemic and aleatoric parts by nested sampling.

    ``n_outer`` Sobol points of the epistemic inputs, each combined with the same ``n_inner``
    Sobol points of the aleatoric inputs (``n_outer * n_inner`` evaluations). The epistemic
    part is the variance of the inner means corrected for their finite-sample noise
    (Var(mean_i) - E[s_i^2] / n_inner, clipped at 0).
    """
    epi, ale = space.subspace("epistemic"), space.subspace("aleatoric")
    if not epi or not ale:
        raise InvalidParameterError("inputs", "at least one epistemic and one aleatoric input",
                                    space.kinds())
    from scipy.stats import qmc

    rng = np.random.default_rng(seed)
    def sobol(d: int, m: int) -> np.ndarray:
        return qmc.Sobol(d, scramble=True, rng=rng).random_base2(int(np.ceil(np.log2(m))))[:m]

    Uo, Ui = sobol(len(epi), int(n_outer)), sobol(len(ale), int(n_inner))
    U = np.empty((int(n_outer) * int(n_inner), space.dim))
    U[:, epi] = np.repeat(Uo, int(n_inner), axis=0)
    U[:, ale] = np.tile(Ui, (int(n_outer), 1))
    ens = run_ensemble(func, space, points=U, seed=seed, **ensemble_kw)
    Y = ens.Y.reshape(int(n_outer), int(n_inner), -1)
    cm = np.nanmean(Y, axis=1)
    cv = np.nanvar(Y, axis=1, ddof=1)
    tot, ep, al = {}, {}, {}
    for j, k in enumerate(ens.output_names):
        al[k] = float(np.nanmean(cv[:, j]))
        ep[k] = float(max(np.nanvar(cm[:, j], ddof=1) - al[k] / n_inner, 0.0))
        tot[k] = float(np.nanvar(Y[:, :, j], ddof=1))
    return VarianceSplit(ens.output_names, tot, ep, al, int(n_outer), int(n_inner))


# -- site averaging -----------------------------------------------------------------------
def site_averaging(rate: Callable[[np.ndarray], np.ndarray], classes: Sequence[SiteClass],
                   n_sites: Sequence[int] = (1, 10, 100, 1000), *,
                   epistemic_sigma: float = 0.1, n_surfaces: int = 512, seed: int = 0,
                   ) -> dict:
    """Show that averaging over many sites narrows the aleatoric spread of the mean rate but
    leaves the epistemic uncertainty (a bias common to all sites) in place.

    For each patch size N, ``n_surfaces`` patches are drawn (Sobol points of
    :class:`SiteEnergies`); the patch rate is ``mean_i rate(E_i + delta)``. With ``delta = 0``
    (aleatoric only) the spread of log10 of the patch rate falls like N^-1/2; with an unknown
    systematic error ``delta ~ N(0, epistemic_sigma^2)`` common to every site of a patch (the
    epistemic input) the spread tends to a floor set by ``delta`` alone.

    Parameters
    ----------
    rate : callable
        Vectorised rate of a site with energy shift E (eV), any unit (e.g. s^-1).
    classes : sequence of SiteClass
    n_sites : sequence of int
    epistemic_sigma : float
        Standard deviation of the common systematic error, eV.

    Returns
    -------
    dict
        ``rows``: one dict per N with ``n_sites``, ``mean_rate_aleatoric``,
        ``log10_std_aleatoric``, ``log10_std_total``; and ``log10_std_epistemic_limit``
        (the spread of log10 rate(E + delta) averaged over infinitely many sites).
    """
    from scipy.special import ndtri
    from scipy.stats import qmc

    if not (np.isfinite(epistemic_sigma) and epistemic_sigma > 0):
        raise InvalidParameterError("epistemic_sigma", "> 0 eV", epistemic_sigma)
    rows = []
    rng = np.random.default_rng(seed)
    for N in n_sites:
        dist = SiteEnergies(tuple(classes), int(N))
        m = int(np.ceil(np.log2(int(n_surfaces))))
        U = qmc.Sobol(dist.dim + 1, scramble=True, rng=rng).random_base2(m)[:int(n_surfaces)]
        E = dist.from_unit(U[:, :-1])                         # (n_surfaces, N)
        delta = epistemic_sigma * ndtri(np.clip(U[:, -1], 1e-12, 1 - 1e-12))
        r_al = rate(E).mean(axis=1)
        r_tot = rate(E + delta[:, None]).mean(axis=1)
        rows.append({"n_sites": int(N), "mean_rate_aleatoric": float(r_al.mean()),
                     "log10_std_aleatoric": float(np.log10(r_al).std(ddof=1)),
                     "log10_std_total": float(np.log10(r_tot).std(ddof=1))})
    # infinitely many sites: the patch mean is the class-weighted expectation (quadrature),
    # so only delta varies; spread of log10 of it over delta
    zq, wq = np.polynomial.hermite_e.hermegauss(60)
    wq = wq / wq.sum()
    d = epistemic_sigma * ndtri((np.arange(2048) + 0.5) / 2048)
    inf_rate = np.zeros_like(d)
    for c in classes:
        e = c.mean + c.sigma * zq
        inf_rate += c.fraction * (rate(e[None, :] + d[:, None]) * wq[None, :]).sum(axis=1)
    return {"rows": rows, "log10_std_epistemic_limit": float(np.log10(inf_rate).std()),
            "epistemic_sigma": float(epistemic_sigma)}
