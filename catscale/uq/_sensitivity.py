"""Global sensitivity: Sobol indices (SALib, Saltelli/Jansen estimators) of every output to
every named input, and the ranked table of what to compute better.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import CatscaleError, InvalidParameterError
from ._distributions import UncertaintySpace
from ._ensemble import run_ensemble

__all__ = ["SobolResult", "sobol_indices", "noise_floor", "index_warnings",
           "INTERVAL_TARGET", "RELATIVE_NOISE"]


#: Widest accepted confidence interval (full width, at ``conf_level``) of a Sobol index.
INTERVAL_TARGET = 0.1
#: Relative noise floor of an output: a catscale output comes from a steady state verified to
#: a scaled residual of 1e-8 (``catscale.kinetics.DEFAULT_TOL``), so a spread of the samples
#: below 1e-8 of the output's magnitude is not resolved and its variance cannot be split.
RELATIVE_NOISE = 1e-8


@dataclass(frozen=True)
class SobolResult:
    """Sobol indices of each output to each group of inputs.

    Attributes
    ----------
    groups : list of str
        Input names (``by="input"``) or kinds (``by="kind"``).
    kinds : dict group -> kind (or the kind itself)
    S1, S1_conf, ST, ST_conf : dict output -> dict group -> float or None
        First-order and total indices with their bootstrap confidence half-widths (SALib,
        at ``conf_level``); None for an output in ``undefined``.
    n_base, n_evaluations : int
    undefined : dict output -> str
        Outputs whose indices are not defined, with the reason (a spread of the samples
        below the output's noise floor: nothing to apportion).
    warnings : list of str
        Indices that their own confidence intervals do not support: S1 > ST or S1 < 0
        beyond the intervals (impossible for independent inputs: estimator noise), or an
        interval wider than ``target``.
    target : float
        The widest accepted interval (full width, dimensionless).
    conf_level : float
    """

    output_names: list[str]
    groups: list[str]
    kinds: dict[str, str]
    S1: dict[str, dict[str, float | None]]
    S1_conf: dict[str, dict[str, float | None]]
    ST: dict[str, dict[str, float | None]]
    ST_conf: dict[str, dict[str, float | None]]
    n_base: int
    n_evaluations: int
    undefined: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    target: float = INTERVAL_TARGET
    conf_level: float = 0.95

    def ranked(self, output: str) -> list[dict]:
        """Inputs ranked by total index for one output (most influential first)."""
        if output not in self.S1:
            raise InvalidParameterError("output", f"one of {list(self.S1)}", output)
        rows = [{"input": g, "kind": self.kinds[g], "S1": self.S1[output][g],
                 "S1_conf": self.S1_conf[output][g], "ST": self.ST[output][g],
                 "ST_conf": self.ST_conf[output][g]} for g in self.groups]
        rows.sort(key=lambda r: -(r["ST"] if r["ST"] is not None and np.isfinite(r["ST"])
                                  else -np.inf))
        for i, r in enumerate(rows, 1):
            r["rank"] = i
            if output in self.undefined:
                r["undefined"] = self.undefined[output]
        return rows

    def table(self, output: str) -> str:
        """The ranked table as fixed-width text."""
        lines = [f"Sobol indices of {output} (ranked by total index ST, "
                 f"{self.conf_level:.0%} intervals)"]
        if output in self.undefined:
            return "\n".join(lines + [f"  undefined: {self.undefined[output]}"])
        lines.append(f"{'rank':>4}  {'input':<24} {'kind':<10} {'S1':>14} {'ST':>14}")
        for r in self.ranked(output):
            lines.append(f"{r['rank']:>4}  {r['input']:<24} {r['kind']:<10} "
                         f"{r['S1']:>7.3f}+-{r['S1_conf']:<5.3f} {r['ST']:>7.3f}+-"
                         f"{r['ST_conf']:<5.3f}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"n_base": self.n_base, "evaluations": self.n_evaluations,
                "conf_level": self.conf_level, "interval_target": self.target,
                "ranked": {k: self.ranked(k) for k in self.output_names},
                "undefined": dict(self.undefined), "warnings": list(self.warnings)}


def noise_floor(y: np.ndarray, absolute: float = 0.0) -> float:
    """Spread below which an output counts as constant: ``max(absolute, RELATIVE_NOISE *
    max|y|)`` (same units as ``y``)."""
    return max(float(absolute), RELATIVE_NOISE * float(np.max(np.abs(y))) if y.size else 0.0)


def index_warnings(output: str, S1: dict[str, float], S1_conf: dict[str, float],
                   ST: dict[str, float], ST_conf: dict[str, float], target: float,
                   conf_level: float) -> list[str]:
    """What the confidence intervals of one output's indices do not support (see
    :class:`SobolResult`); an empty list when every index is resolved."""
    problems = []
    for g in S1:
        if S1[g] - ST[g] > S1_conf[g] + ST_conf[g]:
            problems.append(f"S1 of {g} = {S1[g]:.3g} > ST = {ST[g]:.3g} beyond their "
                            "intervals")
        if S1[g] + S1_conf[g] < 0:
            problems.append(f"S1 of {g} = {S1[g]:.3g} < 0 beyond its interval "
                            f"(+-{S1_conf[g]:.2g})")
    widest = max(max(S1_conf.values()), max(ST_conf.values()))
    if 2 * widest > target:
        problems.append(f"{conf_level:.0%} intervals up to +-{widest:.2g} (width "
                        f"{2 * widest:.2g} > {target:g})")
    if not problems:
        return []
    return [f"Sobol indices of {output} are not resolved: " + "; ".join(problems)]


def _analyze(sa: Any, problem: dict, y: np.ndarray, conf_level: float, seed: int) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sa.analyze(problem, y, calc_second_order=False, conf_level=conf_level,
                          seed=seed)


def sobol_indices(func: Callable, space: UncertaintySpace, n: int = 1024, *,
                  by: str = "input", outputs: list[str] | None = None, seed: int = 0,
                  conf_level: float = 0.95, target: float = INTERVAL_TARGET,
                  max_n: int | None = None, **ensemble_kw: Any) -> SobolResult:
    """First-order and total Sobol indices by Saltelli sampling (SALib), with bootstrap
    confidence intervals checked against ``target``.

    The SALib problem lives on the unit hypercube of ``space``; dimensions are grouped by named
    input (``by="input"``; a correlated block of energies is one group, since indices of
    individually correlated inputs are not defined) or by kind (``by="kind"``: the share of
    the variance due to epistemic vs aleatoric inputs). Costs ``n * (G + 2)`` evaluations for
    G groups.

    Parameters
    ----------
    n : int
        Base sample size (a power of 2).
    outputs : list of str, optional
        Outputs to analyse (default all). Samples that failed (NaN) make the estimator
        undefined: an error names the output.
    conf_level : float
        Level of SALib's bootstrap confidence intervals (``S1_conf``, ``ST_conf`` are their
        half-widths).
    target : float
        Widest accepted interval (full width). Wider intervals, and S1 > ST or S1 < 0 beyond
        the intervals, are reported in ``warnings``.
    max_n : int, optional
        Double the base sample size (the Saltelli design of 2n points begins with that of n,
        so only the new points are evaluated) while some interval of a defined index is
        wider than ``target``, up to ``max_n``, and only when n^-1/2 scaling of the widest
        interval predicts that ``max_n`` meets the target. Default: ``n`` (no growth). Not
        with a ``store``.
    **ensemble_kw
        ``scheduler``, ``n_workers``, ``chunk_size``, ``store``, ``progress``; ``func`` may
        carry ``output_noise`` (dict output -> absolute noise, in the output's units), added
        to the relative floor ``RELATIVE_NOISE`` (:func:`noise_floor`).

    Returns
    -------
    SobolResult
        Outputs whose spread is below their noise floor have indices None and are listed in
        ``undefined`` with the reason.
    """
    from SALib.analyze import sobol as sa
    from SALib.sample import sobol as ss

    if by == "input":
        groups_of_dim = space.dim_input
        kinds = space.kinds()
    elif by == "kind":
        groups_of_dim = space.dim_kind
        kinds = {k: k for k in set(groups_of_dim)}
    else:
        raise InvalidParameterError("by", "'input' or 'kind'", by)
    if not (0 < conf_level < 1):
        raise InvalidParameterError("conf_level", "a level in (0, 1)", conf_level)
    if not (target > 0):
        raise InvalidParameterError("target", "an interval width > 0", target)
    groups = list(dict.fromkeys(groups_of_dim))
    if len(groups) < 2:
        raise InvalidParameterError("inputs", "at least two groups for Sobol indices", groups)
    problem = {"num_vars": space.dim, "names": space.dim_names,
               "bounds": [[0.0, 1.0]] * space.dim, "groups": list(groups_of_dim)}
    n = int(n)
    max_n = n if max_n is None or ensemble_kw.get("store") else max(n, int(max_n))
    noise_abs = dict(getattr(func, "output_noise", None) or {})

    def design(m: int) -> np.ndarray:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")       # SALib warns when n is not a power of 2
            return ss.sample(problem, m, calc_second_order=False, scramble=True, seed=seed)

    X = design(n)
    ens = run_ensemble(func, space, points=X, seed=seed, **ensemble_kw)
    names = outputs or ens.output_names
    Y = {k: ens.column(k) for k in names}
    rnd = 0
    while True:
        res: dict[str, dict | None] = {}
        undefined: dict[str, str] = {}
        for k in names:
            y = Y[k]
            if not np.all(np.isfinite(y)):
                raise CatscaleError(f"output {k!r}: {int((~np.isfinite(y)).sum())} of "
                                    f"{y.size} samples failed; Sobol indices need every sample")
            floor = noise_floor(y, noise_abs.get(k, 0.0))
            if float(np.std(y)) <= floor:
                undefined[k] = (f"the output is constant to within its noise (std "
                                f"{float(np.std(y)):.3g} <= {floor:.3g}): no variance to "
                                "apportion")
                res[k] = None
                continue
            res[k] = _analyze(sa, problem, y, conf_level, seed)
        widest = max((float(np.max(np.concatenate([r["S1_conf"], r["ST_conf"]])))
                      for r in res.values() if r is not None), default=0.0)
        # half-widths fall as n^-1/2: grow only when the cap can reach the target
        if 2 * widest <= target or 2 * n > max_n or n * (2 * widest / target) ** 2 > max_n:
            break
        rnd += 1
        X2 = design(2 * n)
        nested = np.array_equal(X2[:X.shape[0]], X)     # SALib's designs are: reuse them
        more = run_ensemble(func, space, points=X2[X.shape[0]:] if nested else X2,
                            seed=seed + rnd, **ensemble_kw)
        Y = {k: (np.concatenate([Y[k], more.column(k)]) if nested else more.column(k))
             for k in names}
        X, n = X2, 2 * n
    S1, S1c, ST, STc = {}, {}, {}, {}
    warn: list[str] = []
    for k in names:
        r = res[k]
        if r is None:
            S1[k] = S1c[k] = ST[k] = STc[k] = dict.fromkeys(groups)
            continue
        gn = list(r["names"]) if "names" in r else groups
        S1[k] = {g: float(v) for g, v in zip(gn, r["S1"], strict=True)}
        S1c[k] = {g: float(v) for g, v in zip(gn, r["S1_conf"], strict=True)}
        ST[k] = {g: float(v) for g, v in zip(gn, r["ST"], strict=True)}
        STc[k] = {g: float(v) for g, v in zip(gn, r["ST_conf"], strict=True)}
        warn += index_warnings(k, S1[k], S1c[k], ST[k], STc[k], target, conf_level)
    if 2 * widest > target:
        need = int(n * (widest * 2 / target) ** 2)
        warn.append(f"Sobol indices: {n} base samples ({X.shape[0]} evaluations) leave "
                    f"{conf_level:.0%} intervals up to +-{widest:.2g}; intervals narrower "
                    f"than {target:g} need about {need} base samples (half-widths fall as "
                    "n^-1/2)")
    return SobolResult(list(names), groups, kinds, S1, S1c, ST, STc, n, int(X.shape[0]),
                       undefined, warn, float(target), float(conf_level))
