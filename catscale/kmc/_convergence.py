"""Is a kMC run converged? Element balance, stationarity and precision of its block averages.

A kMC result is a time average over the production blocks (after warm-up). It estimates the
steady state only when the run is stationary there, and then it must also conserve every
element: at a steady state the surface inventory does not change, so the gas TOFs weighted
by their compositions sum to zero for each element (for NH3 decomposition, 2 NH3 -> N2 +
3 H2: TOF(N2) = -TOF(NH3)/2 and TOF(H2) = -3/2 TOF(NH3)). The checks here work on the
per-block series that :func:`catscale.kmc.simulate` records; each failing check gives one
sentence in ``reasons``.

* **element balance**: per block, ``r_b = sum_g n_(g,e) TOF_b(g)`` (atoms of element e per
  site and second); its time-weighted block mean must lie within ``BALANCE_SIGMA`` of its
  batch-means standard error. The block series carries the correlation of the TOFs (they
  share events), which an error from the TOFs' own error bars would miss. At a stationary
  state the mean is ``-(inventory change) / (time sites)`` and the block scatter of the
  telescoping differences overestimates that, so a stationary run does not fail it.
  A gas whose composition is unknown (a label such as ``A`` in ``A -> B``) leaves the
  elements undefined; the balances are then the mechanism's conserved moieties instead, the
  gas parts of the left null space of its stoichiometric matrix (:func:`conserved_moieties`:
  for ``A + * <=> A*, A* <=> B*, B* <=> B + *`` the law ``A + B``, TOF(A) + TOF(B) = 0), which
  hold for any composition and include every element balance of a balanced mechanism.
* **coverage drift**: the change of each species' coverage over the production blocks, from
  a straight-line fit of the block coverages against time, must lie within a Student-t
  threshold of its standard error (from the residual scatter, blocks - 2 degrees of
  freedom), chosen so that a stationary run fails it for any species with probability
  ``DRIFT_FALSE_ALARM`` (Bonferroni over the species), and at least ``DRIFT_SIGMA``. A
  trend is the most sensitive test of a relaxation still under way (a difference of the
  halves' means misses a noiseless ramp over ten blocks: 4.5 standard errors).
* **relaxation time**: the simulated time must cover ``RELAXATION_TIMES`` relaxation times
  tau = 1/|lambda_min| of the mean-field Jacobian at the steady state (passed in by the
  caller, who can compute it; see :func:`catscale.bridges.rates_to_kmc.relaxation_time`).
  After 5 tau the initial transient has decayed to e^-5 < 1 % of its amplitude (linear
  regime). Mean field is only an estimate of the lattice's relaxation (correlations can
  slow it), so this is a necessary condition; the drift check covers the rest.
* **precision** (run-until-converged only): relative TOF error at most ``target``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ._observables import weighted_mean_error

BALANCE_SIGMA = 3.0     # element balance: standard errors of the block-mean residual
DRIFT_SIGMA = 4.0       # coverage trend over the production run: standard errors, at least
DRIFT_FALSE_ALARM = 1e-3  # probability that a stationary run fails the drift test
RELAXATION_TIMES = 5.0  # simulated time / mean-field relaxation time, at least (e^-5 < 1 %)
SIGNIFICANT = 3.0       # |TOF| / error above which a TOF counts as measured (not zero)


@dataclass(frozen=True)
class Convergence:
    """Outcome of the convergence checks of one run.

    Attributes
    ----------
    converged : bool
        Every check that could be made passed (and the target precision, when one is set).
    reasons : list of str
        One sentence per failed check.
    warnings : list of str
        Checks that could not be made (missing data), and why.
    balance : dict element -> {residual, error, relative} (residual, error in atoms per
        site and second, s^-1; relative = |residual| / the larger of the element's
        production and consumption fluxes)
    drift : dict species -> {start, end, change, error, dof} (linear trend of the coverage
        over the production blocks, see :func:`coverage_drift`)
    time, relaxation_time : float
        Simulated time and mean-field relaxation time (s; NaN when not given).
    relative_error : float
        Largest relative TOF error of the measured TOFs (NaN when none is measured).
    """

    converged: bool
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    balance: dict = field(default_factory=dict)
    drift: dict = field(default_factory=dict)
    time: float = float("nan")
    relaxation_time: float = float("nan")
    relative_error: float = float("nan")

    def to_dict(self) -> dict:
        return dict(converged=self.converged, balance=self.balance, drift=self.drift,
                    time=self.time, relaxation_time=self.relaxation_time,
                    relative_error=self.relative_error)


def element_balance(tof_blocks: np.ndarray, weights: np.ndarray, gases: tuple[str, ...],
                    composition: Mapping[str, Mapping[str, int]]) -> dict:
    """Element balance of the gas TOFs, per element.

    Parameters
    ----------
    tof_blocks : ndarray (n_blocks, n_gases)
        Net production of every gas per site and second in each block, s^-1.
    weights : ndarray (n_blocks,)
        Block durations, s.
    gases : tuple of str
        Column names of ``tof_blocks``.
    composition : dict gas -> {element: atoms}
        Elemental composition of the gases (gases missing here are left out; an element
        carried by a single gas is still checked: its TOF must then be zero).

    Returns
    -------
    dict element -> {residual, error, relative}: block-mean atoms produced per site and
    second (s^-1; zero at a steady state), its batch-means standard error, and
    ``|residual| / max(produced, consumed)`` (0 when nothing flows).
    """
    x = np.asarray(tof_blocks, dtype=float)
    elements = sorted({e for g in gases for e in (composition.get(g) or {})})
    out = {}
    for e in elements:
        n = np.array([float((composition.get(g) or {}).get(e, 0)) for g in gases])
        if not np.any(n):
            continue
        res, err = weighted_mean_error(x @ n, weights)
        flows = [weighted_mean_error(x[:, k], weights)[0] * n[k] for k in range(len(gases))]
        prod = sum(f for f in flows if f > 0)
        cons = -sum(f for f in flows if f < 0)
        scale = max(prod, cons)
        out[e] = dict(residual=res, error=err,
                      relative=float(abs(res) / scale) if scale > 0 else 0.0)
    return out


def conserved_moieties(gases: Sequence[str], species: Sequence[str],
                       changes: Iterable[tuple[Mapping[str, float], Mapping[str, float]]]
                       ) -> dict[str, dict[str, float]]:
    """The gas balances that every steady state obeys, from the stoichiometry alone.

    A vector ``y`` over gases and surface species with ``y . delta_p = 0`` for the change
    ``delta_p`` of every process is conserved; at a steady state the surface part does not
    change, so ``sum_g y_g TOF(g) = 0``. The gas parts of these vectors (the left null space
    of the stoichiometric matrix, projected on the gases) are returned in reduced row
    echelon form, each scaled to the smallest integers where it can be (else smallest
    coefficient 1).

    Parameters
    ----------
    gases, species : sequence of str
        Gas and surface species (vacancies included) names.
    changes : iterable of (gas change, surface change)
        Net change of each gas and surface species in one event of each process (a
        mapping name -> count; absent names do not change).

    Returns
    -------
    dict law -> {gas: coefficient}
        Named by the law (``"A + B"``, ``"CO + CO2"``), in the form that
        :func:`element_balance` takes per gas (``{gas: {law: coefficient}}`` after
        transposing, see :func:`moiety_composition`). Gases that no process exchanges
        are left out.
    """
    from scipy.linalg import null_space

    cols = [(dict(g), dict(sf)) for g, sf in changes]
    used = [g for g in gases if any(c[0].get(g, 0) for c in cols)]
    if not used or not cols:
        return {}
    rows = used + list(species)
    M = np.array([[float((c[0] if i < len(used) else c[1]).get(name, 0)) for c in cols]
                  for i, name in enumerate(rows)])
    Y = null_space(M.T)[: len(used)]              # gas parts of the conserved vectors
    if Y.size == 0:
        return {}
    u, sv, _ = np.linalg.svd(Y, full_matrices=False)
    rank = int(np.sum(sv > 1e-9))                  # the null-space vectors have unit norm
    laws = _rref(u[:, :rank].T)
    out: dict[str, dict[str, float]] = {}
    for row in laws:
        nz = np.abs(row) > 1e-9
        row = row / np.min(np.abs(row[nz]))
        for k in range(1, 13):                # smallest integer multiple, when there is one
            if np.all(np.abs(k * row - np.round(k * row)) < 1e-6):
                row = np.round(k * row)
                break
        coef = {g: float(c) for g, c in zip(used, row) if abs(c) > 1e-9}
        out[_law_name(coef)] = coef
    return out


def moiety_composition(laws: Mapping[str, Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """``{law: {gas: coefficient}}`` as ``{gas: {law: coefficient}}``, the per-gas form of
    a composition that :func:`element_balance` and :func:`assess` take."""
    out: dict[str, dict[str, float]] = {}
    for law, coef in laws.items():
        for g, c in coef.items():
            out.setdefault(g, {})[law] = c
    return out


def _rref(A: np.ndarray) -> np.ndarray:
    """Reduced row echelon form (partial pivoting) of a full-row-rank matrix."""
    A = np.array(A, dtype=float)
    r = 0
    for c in range(A.shape[1]):
        if r == A.shape[0]:
            break
        piv = r + int(np.argmax(np.abs(A[r:, c])))
        if abs(A[piv, c]) < 1e-9:
            continue
        A[[r, piv]] = A[[piv, r]]
        A[r] /= A[r, c]
        for i in range(A.shape[0]):
            if i != r:
                A[i] -= A[i, c] * A[r]
        r += 1
    return A[:r]


def _law_name(coef: Mapping[str, float]) -> str:
    parts = []
    for g, c in coef.items():
        mag = abs(c)
        term = g if mag == 1 else f"{mag:g} {g}"
        parts.append(("- " if c < 0 else "+ " if parts else "") + term)
    return " ".join(parts)


def coverage_drift(cov_blocks: np.ndarray, weights: np.ndarray,
                   species: tuple[str, ...]) -> dict:
    """Linear trend of every species' coverage over the blocks (least squares against the
    blocks' mid-times).

    A stationary series has no trend beyond its block scatter; a relaxing or drifting one
    has (a noiseless ramp has a residual scatter of zero: any change is a drift).

    Returns
    -------
    dict species -> {start, end, change, error, dof}: fitted coverage at the first and the
    last block's mid-time, their difference and its standard error (from the residual
    scatter, ``dof`` = blocks - 2); empty with fewer than 4 blocks.
    """
    c = np.asarray(cov_blocks, dtype=float)
    w = np.asarray(weights, dtype=float)
    n = len(c)
    if n < 4:
        return {}
    x = np.cumsum(w) - 0.5 * w
    xc = x - x.mean()
    sxx = float(np.sum(xc ** 2))
    span = float(x[-1] - x[0])
    out = {}
    for i, s in enumerate(species):
        y = c[:, i]
        slope = float(np.sum(xc * (y - y.mean())) / sxx) if sxx > 0 else 0.0
        res = y - y.mean() - slope * xc
        se = float(np.sqrt(np.sum(res ** 2) / (n - 2) / sxx)) if sxx > 0 else 0.0
        mid = float(y.mean())
        out[s] = dict(start=mid + slope * (x[0] - x.mean()), end=mid + slope * (x[-1] - x.mean()),
                      change=slope * span, error=se * span, dof=n - 2)
    return out


def drift_threshold(dof: int, n_tests: int) -> float:
    """Student-t threshold (in standard errors) of the drift test: a stationary run fails
    one of ``n_tests`` such tests with probability DRIFT_FALSE_ALARM (Bonferroni), with
    ``dof`` degrees of freedom of the pooled block scatter; never below DRIFT_SIGMA."""
    from scipy.stats import t

    p = DRIFT_FALSE_ALARM / max(int(n_tests), 1)
    return max(DRIFT_SIGMA, float(t.ppf(1.0 - p / 2.0, max(int(dof), 1))))


def assess(tof_blocks: np.ndarray, cov_blocks: np.ndarray, weights: np.ndarray,
           gases: tuple[str, ...], species: tuple[str, ...],
           composition: Mapping[str, Mapping[str, int]], tof: Mapping[str, float],
           tof_error: Mapping[str, float], time: float,
           relaxation_time: float | None = None, target: float | None = None,
           moieties: bool = False) -> Convergence:
    """Run every convergence check on the production blocks of a run.

    Parameters
    ----------
    tof_blocks, cov_blocks : ndarray (n_blocks, n_gases), (n_blocks, n_species)
        Per-block TOFs (s^-1 per site) and time-averaged coverages of the production blocks.
    weights : ndarray (n_blocks,)
        Block durations, s.
    gases, species : tuple of str
    composition : dict gas -> {element: atoms}
        A gas missing here: no element balance (with a warning).
    tof, tof_error : dict gas -> s^-1
        Block-mean TOFs and their standard errors.
    time : float
        Simulated time of the whole run, s.
    relaxation_time : float or None
        Mean-field relaxation time, s (None: not checked, with a warning).
    target : float or None
        Relative TOF error to reach (run-until-converged).
    moieties : bool
        The keys of ``composition`` are conserved moieties (:func:`conserved_moieties`),
        not elements: said so in the reasons.
    """
    reasons: list[str] = []
    warns: list[str] = []
    nb = len(weights)
    if nb < 2:
        reasons.append(f"{nb} production block(s) after warm-up: no error bars (at least 2 "
                       "needed; run more events)")
    unknown = [g for g in gases if g not in composition]
    balance = {}
    if unknown:
        warns.append(f"element balance not checked: composition of {', '.join(unknown)} "
                     "unknown")
    elif nb >= 2:
        balance = element_balance(tof_blocks, weights, gases, composition)
    for e, b in balance.items():
        tol = BALANCE_SIGMA * b["error"]
        if not (abs(b["residual"]) <= tol) and b["relative"] > 1e-9:
            what, unit = ((f"balance of the conserved moiety {e}", "molecules") if moieties
                          else (f"element balance of {e}", f"{e} atoms"))
            reasons.append(
                f"{what} violated by {b['relative']:.0%}: the gas TOFs produce "
                f"{b['residual']:.3g} +- {b['error']:.2g} {unit} per site and second (0 at a "
                "steady state): the surface is still filling or emptying")
    drift = coverage_drift(cov_blocks, weights, species)
    if nb >= 2 and not drift:
        warns.append(f"coverage drift not checked: {nb} production blocks (at least 4 "
                     "needed)")
    for s, d in drift.items():
        diff = abs(d["change"])
        k = drift_threshold(d["dof"], len(drift))
        if diff > k * d["error"] and diff > 1e-12:
            sig = f"{diff / d['error']:.3g}" if d["error"] > 0 else "infinitely many"
            reasons.append(f"coverage of {s} drifts from {d['start']:.4g} to {d['end']:.4g} "
                           f"over the production run (linear trend, {sig} > {k:.2g} "
                           "standard errors)")
    tau = float("nan")
    if relaxation_time is None or not np.isfinite(relaxation_time):
        warns.append("simulated time not compared with a mean-field relaxation time (none "
                     "given, or mean field has no verified steady state)")
    else:
        tau = float(relaxation_time)
        if time < RELAXATION_TIMES * tau:
            reasons.append(f"simulated time {time:.3g} s is {time / tau:.3g} mean-field "
                           f"relaxation times (tau = {tau:.3g} s); at least "
                           f"{RELAXATION_TIMES:g} needed")
    rel = _relative_error(tof, tof_error)
    if target is not None and nb >= 2 and not (rel <= target):
        reasons.append(f"relative TOF error {rel:.3g} above the target {target:g}")
    return Convergence(converged=not reasons, reasons=reasons, warnings=warns,
                       balance=balance, drift=drift, time=float(time), relaxation_time=tau,
                       relative_error=rel)


def _relative_error(tof: Mapping[str, float], err: Mapping[str, float]) -> float:
    """Largest relative TOF error: a measured TOF (|TOF| > SIGNIFICANT errors) against
    itself, a TOF consistent with zero against the largest measured |TOF| (NaN when no TOF
    is measured; gases never exchanged, 0 +- 0, are left out)."""
    vals = {g: (abs(float(tof[g])), float(err.get(g, np.nan))) for g in tof}
    vals = {g: v for g, v in vals.items() if not (v[0] == 0 and v[1] == 0)}
    if not vals or not all(np.isfinite(v).all() for v in vals.values()):
        return float("nan")
    top = max(v for v, e in vals.values() if v > SIGNIFICANT * e) if any(
        v > SIGNIFICANT * e for v, e in vals.values()) else 0.0
    if top == 0.0:
        return float("nan")
    return float(max(e / v if v > SIGNIFICANT * e else e / top for v, e in vals.values()))
