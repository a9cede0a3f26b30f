"""Plots of a UQ study: output histograms and Sobol-index bars (matplotlib, Agg backend)."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

__all__ = ["plot_histograms", "plot_sobol"]


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_histograms(names: Sequence[str], Y: np.ndarray, path: str | os.PathLike,
                    level: float = 0.95, log_positive: bool = True) -> str:
    """Histogram of each output column with its central ``level`` interval.

    Positive outputs spanning more than two decades (TOF) are shown as log10.
    Returns the path written (PNG).
    """
    plt = _plt()
    keep = [j for j, n in enumerate(names) if f"log10_{n}" not in names]  # no duplicate panel
    names = [names[j] for j in keep]
    Y = np.asarray(Y)[:, keep]
    k = len(names)
    cols = min(3, k)
    rows = -(-k // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.2 * rows), squeeze=False)
    a = (1 - level) / 2
    for ax, j in zip(axes.flat, range(k)):
        y = Y[:, j][np.isfinite(Y[:, j])]
        label = names[j]
        if log_positive and y.size and np.all(y > 0) and y.max() / y.min() > 100:
            y, label = np.log10(y), f"log10 {label}"
        if y.size:
            ax.hist(y, bins=40, color="#4477aa", alpha=0.85)
            lo, hi = np.quantile(y, [a, 1 - a])
            ax.axvline(lo, color="k", ls="--", lw=1)
            ax.axvline(hi, color="k", ls="--", lw=1)
        ax.set_xlabel(label, fontsize=8)
        ax.set_ylabel("samples", fontsize=8)
    for ax in list(axes.flat)[k:]:
        ax.set_visible(False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return os.fspath(path)


def plot_sobol(result, path: str | os.PathLike, outputs: Sequence[str] | None = None) -> str:
    """Bars of first-order (S1) and total (ST) Sobol indices per input, one panel per output.

    ``result`` is a :class:`SobolResult`. Returns the path written (PNG).
    """
    plt = _plt()
    outputs = list(outputs or result.output_names)
    k = len(outputs)
    fig, axes = plt.subplots(k, 1, figsize=(6.5, 2.4 * k + 0.6), squeeze=False)
    for ax, o in zip(axes[:, 0], outputs):
        rows = result.ranked(o)
        x = np.arange(len(rows))
        ax.bar(x - 0.2, [r["S1"] for r in rows], 0.4, yerr=[r["S1_conf"] for r in rows],
               label="S1", color="#4477aa")
        ax.bar(x + 0.2, [r["ST"] for r in rows], 0.4, yerr=[r["ST_conf"] for r in rows],
               label="ST", color="#ee6677")
        ax.set_xticks(x, [r["input"] for r in rows], fontsize=8)
        ax.set_ylim(0, 1.05)
        ax.set_title(o, fontsize=9)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return os.fspath(path)
