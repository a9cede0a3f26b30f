"""Global sensitivity: Sobol indices (SALib, Saltelli/Jansen estimators) of every output to
every named input, and the ranked table of what to compute better.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import CatscaleError, InvalidParameterError
from ._distributions import UncertaintySpace
from ._ensemble import run_ensemble

__all__ = ["SobolResult", "sobol_indices"]


@dataclass(frozen=True)
class SobolResult:
    """Sobol indices of each output to each group of inputs.

    Attributes
    ----------
    groups : list of str
        Input names (``by="input"``) or kinds (``by="kind"``).
    kinds : dict group -> kind (or the kind itself)
    S1, S1_conf, ST, ST_conf : dict output -> dict group -> float
        First-order and total indices with their bootstrap confidence half-widths.
    n_base, n_evaluations : int
    """

    output_names: list[str]
    groups: list[str]
    kinds: dict[str, str]
    S1: dict[str, dict[str, float]]
    S1_conf: dict[str, dict[str, float]]
    ST: dict[str, dict[str, float]]
    ST_conf: dict[str, dict[str, float]]
    n_base: int
    n_evaluations: int

    def ranked(self, output: str) -> list[dict]:
        """Inputs ranked by total index for one output (most influential first)."""
        if output not in self.S1:
            raise InvalidParameterError("output", f"one of {list(self.S1)}", output)
        rows = [{"input": g, "kind": self.kinds[g], "S1": self.S1[output][g],
                 "S1_conf": self.S1_conf[output][g], "ST": self.ST[output][g],
                 "ST_conf": self.ST_conf[output][g]} for g in self.groups]
        rows.sort(key=lambda r: -(r["ST"] if np.isfinite(r["ST"]) else -np.inf))
        for i, r in enumerate(rows, 1):
            r["rank"] = i
        return rows

    def table(self, output: str) -> str:
        """The ranked table as fixed-width text."""
        lines = [f"Sobol indices of {output} (ranked by total index ST)",
                 f"{'rank':>4}  {'input':<24} {'kind':<10} {'S1':>14} {'ST':>14}"]
        for r in self.ranked(output):
            lines.append(f"{r['rank']:>4}  {r['input']:<24} {r['kind']:<10} "
                         f"{r['S1']:>7.3f}+-{r['S1_conf']:<5.3f} {r['ST']:>7.3f}+-"
                         f"{r['ST_conf']:<5.3f}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"n_base": self.n_base, "evaluations": self.n_evaluations,
                "ranked": {k: self.ranked(k) for k in self.output_names}}


def sobol_indices(func: Callable, space: UncertaintySpace, n: int = 1024, *,
                  by: str = "input", outputs: list[str] | None = None, seed: int = 0,
                  conf_level: float = 0.95, **ensemble_kw: Any) -> SobolResult:
    """First-order and total Sobol indices by Saltelli sampling (SALib).

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
    **ensemble_kw
        ``scheduler``, ``n_workers``, ``chunk_size``, ``store``, ``progress``.
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
    groups = list(dict.fromkeys(groups_of_dim))
    if len(groups) < 2:
        raise InvalidParameterError("inputs", "at least two groups for Sobol indices", groups)
    problem = {"num_vars": space.dim, "names": space.dim_names,
               "bounds": [[0.0, 1.0]] * space.dim, "groups": list(groups_of_dim)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")           # SALib warns when n is not a power of 2
        X = ss.sample(problem, int(n), calc_second_order=False, scramble=True, seed=seed)
    ens = run_ensemble(func, space, points=X, seed=seed, **ensemble_kw)
    names = outputs or ens.output_names
    S1, S1c, ST, STc = {}, {}, {}, {}
    for k in names:
        y = ens.column(k)
        if not np.all(np.isfinite(y)):
            raise CatscaleError(f"output {k!r}: {int((~np.isfinite(y)).sum())} of {y.size} "
                                "samples failed; Sobol indices need every sample")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = sa.analyze(problem, y, calc_second_order=False, conf_level=conf_level,
                           seed=seed)
        gn = list(r["names"]) if "names" in r else groups
        S1[k] = {g: float(v) for g, v in zip(gn, r["S1"], strict=True)}
        S1c[k] = {g: float(v) for g, v in zip(gn, r["S1_conf"], strict=True)}
        ST[k] = {g: float(v) for g, v in zip(gn, r["ST"], strict=True)}
        STc[k] = {g: float(v) for g, v in zip(gn, r["ST_conf"], strict=True)}
    return SobolResult(list(names), groups, kinds, S1, S1c, ST, STc, int(n), int(X.shape[0]))
