"""Figures of the stages, one function per figure, for the HTML report of ``catscale run``.

Each stage declares its figures on its :class:`~catscale.stages.Stage` object
(``Stage.figures``: :class:`StageFigure` entries whose ``build`` takes the stage's typed
result and the model). The drawing functions ``fig_*`` read the result's JSON form (its
``to_dict()``, package units) and, where they need it, the model; each returns a
:class:`matplotlib.figure.Figure` (built without pyplot, so no global state; matplotlib is
imported only when a figure is drawn) or raises :class:`FigureSkipped` with the reason when
the stage lacks what the figure needs. Nothing here changes a result: the free-energy
diagram and the coverage transient are computed from the model with the kinetics package.

Units: energies eV, times s, rates s^-1 per site, lengths m, concentrations mol m^-3,
diffusivities m^2 s^-1 (shown relative to D0 when the stage gives it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ..units import kB

__all__ = ["FigureSkipped", "horiuti_numbers", "free_energy_profile", "coverage_transient",
           "fig_free_energy", "fig_coverages_vs_time", "fig_rate_control", "fig_volcano",
           "fig_kmc_vs_mean_field", "fig_pair_correlations", "fig_kmc_snapshot",
           "fig_diffusion", "fig_pellet_profiles", "fig_effectiveness", "fig_reactor_profiles",
           "fig_uq_distributions", "fig_sobol", "fig_scale_separation", "StageFigure",
           "on_result", "RATES", "STEADY", "MAP", "KMC", "DIFFUSION", "PELLET", "REACTOR", "UQ"]


class FigureSkipped(Exception):
    """The stage lacks what a figure needs; the message says what (shown in the report)."""


def _need(d: Mapping | None, *keys: str) -> None:
    if not isinstance(d, Mapping):
        raise FigureSkipped("no stage data")
    missing = [k for k in keys if d.get(k) is None]
    if missing:
        raise FigureSkipped("stage has no " + ", ".join(f"'{k}'" for k in missing))


def _figure(nrows: int = 1, ncols: int = 1, w: float = 6.4, h: float = 3.8):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(w, h), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, axes


def _panels(n: int, w: float, h: float, pad_w: float = 0.4, pad_h: float = 0.4):
    """A figure of n panels, three per row (w x h inches each): (figure, n axes); the
    unused cells of the last row are hidden."""
    ncols = min(3, n)
    nrows = (n + ncols - 1) // ncols
    fig, axes = _figure(nrows, ncols, w=w * ncols + pad_w, h=h * nrows + pad_h)
    flat = list(axes.ravel())
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def _short(s: str, n: int = 28) -> str:
    return s if len(s) <= n else s[: n - 1] + "\u2026"


# ---- free-energy diagram ------------------------------------------------------------------
def horiuti_numbers(mechanism: Any) -> np.ndarray | None:
    """Stoichiometric numbers of the steps in the overall reaction (one catalytic cycle).

    The vector sigma (smallest non-negative integers) with ``nu_surface @ sigma = 0``: every
    surface intermediate and vacancy is regenerated over the cycle (Horiuti, J. Res. Inst.
    Catal. Hokkaido Univ. 5, 1 (1957)).

    Parameters
    ----------
    mechanism : Mechanism

    Returns
    -------
    ndarray of int (n_steps,), or None
        None when the surface stoichiometry has not exactly one independent route with
        non-negative numbers (several routes, or none).
    """
    from scipy.linalg import null_space

    species = list(mechanism.species)
    surf = [i for i, s in enumerate(species) if s.phase != "gas"]
    nu = np.asarray(mechanism.stoichiometry, dtype=float)[surf, :]
    ns = null_space(nu)
    if ns.shape[1] != 1:
        return None
    v = ns[:, 0]
    if np.all(v <= 1e-12):
        v = -v
    if np.any(v < -1e-12):
        return None
    v = np.where(np.abs(v) < 1e-12, 0.0, v)
    v = v / v[v > 0].min()
    fr = [Fraction(float(x)).limit_denominator(24) for x in v]
    lcm = 1
    for f in fr:
        lcm = lcm * f.denominator // np.gcd(lcm, f.denominator)
    out = np.array([int(round(float(f) * lcm)) for f in fr])
    g = np.gcd.reduce(out[out > 0]) if np.any(out > 0) else 1
    return out // max(int(g), 1)


@dataclass(frozen=True)
class FreeEnergyProfile:
    """Levels of a free-energy diagram along one catalytic cycle.

    Attributes
    ----------
    labels : list of str
        Step equation of each elementary event, in order (steps repeated sigma_j times).
    states : ndarray (n+1,)
        Free energy of the initial state and after each event, eV (0 = start).
    ts : ndarray (n,)
        Transition-state level of each event, eV (NaN when non-activated).
    sigma : ndarray of int or None
        Horiuti numbers used (None: each step once, in file order).
    """

    labels: list[str]
    states: np.ndarray
    ts: np.ndarray
    sigma: np.ndarray | None


def free_energy_profile(steps: Sequence[Mapping], mechanism: Any = None,
                        T: float | None = None) -> FreeEnergyProfile:
    """Cumulative free energy along the overall reaction, with transition-state levels.

    Parameters
    ----------
    steps : list of dict
        Rate records with ``equation``, ``dG`` (eV, reaction free energy at standard
        pressure) and ``dG_act`` (eV, forward activation free energy; None or <= max(0, dG)
        means non-activated).
    mechanism : Mechanism, optional
        For the Horiuti numbers; without it (or with several routes) each step is taken once.
    T : float, optional
        Temperature, K: a step without ``dG`` (fixed rate constants) takes
        dG = -kB T ln K_eq when its ``K_eq`` is finite.

    Returns
    -------
    FreeEnergyProfile
        ``states[-1]`` = sum_j sigma_j dG_j, the free energy of the overall reaction at
        standard pressure (Hess's law).
    """
    sigma = horiuti_numbers(mechanism) if mechanism is not None else None
    if sigma is not None and len(sigma) != len(steps):
        sigma = None
    reps = sigma if sigma is not None else np.ones(len(steps), dtype=int)
    labels: list[str] = []
    states = [0.0]
    ts: list[float] = []
    for st, n in zip(steps, reps):
        dG = st.get("dG")
        if (dG is None or not np.isfinite(dG)) and T is not None:
            # fixed rate constants: dG = -kT ln K_eq (K_eq = k_f/k_r, standard state 1 bar)
            K = st.get("K_eq")
            if K is not None and np.isfinite(K) and K > 0:
                dG = -kB * float(T) * np.log(float(K))
        if dG is None or not np.isfinite(dG):
            raise FigureSkipped(f"no reaction free energy for step '{st.get('equation')}' "
                                "(irreversible with fixed rate constants)")
        ga = st.get("dG_act")
        for _ in range(int(n)):
            g0 = states[-1]
            activated = ga is not None and np.isfinite(ga) and ga > max(0.0, dG) + 1e-9
            ts.append(g0 + ga if activated else np.nan)
            states.append(g0 + float(dG))
            labels.append(str(st.get("equation", "")))
    return FreeEnergyProfile(labels, np.array(states), np.array(ts), sigma)


def fig_free_energy(stage: Mapping, model: Any = None):
    """Free-energy diagram of the mechanism (rates stage): cumulative dG and TS levels, eV."""
    _need(stage, "steps")
    mech = getattr(model, "mechanism", None)
    prof = free_energy_profile(stage["steps"], mech, stage.get("T"))
    n = len(prof.labels)
    fig, ax = _figure(w=max(6.4, 0.9 * n + 2.5), h=4.2)
    ax = ax[0, 0]
    w = 0.35
    for i, g in enumerate(prof.states):
        ax.hlines(g, 2 * i - w, 2 * i + w, color="k", lw=2.5)
        ax.annotate(f"{g:.2f}", (2 * i, g), textcoords="offset points", xytext=(0, -12),
                    ha="center", fontsize=7)
    for i in range(n):
        x0, x1 = 2 * i + w, 2 * i + 2 - w
        g0, g1, gt = prof.states[i], prof.states[i + 1], prof.ts[i]
        if np.isfinite(gt):
            xs = np.linspace(x0, x1, 41)
            # a smooth barrier through the TS: two half-cosines
            xm = 0.5 * (x0 + x1)
            left = xs <= xm
            y = np.where(left, g0 + (gt - g0) * 0.5 * (1 - np.cos(np.pi * (xs - x0) / (xm - x0))),
                         g1 + (gt - g1) * 0.5 * (1 + np.cos(np.pi * (xs - xm) / (x1 - xm))))
            ax.plot(xs, y, color="C3", lw=1.2)
            ax.annotate(f"{gt - g0:.2f}", (xm, gt), textcoords="offset points",
                        xytext=(0, 3), ha="center", fontsize=7, color="C3")
        else:
            ax.plot([x0, x1], [g0, g1], color="C0", lw=1.0, ls="--")
    ax.set_xticks([2 * i + 1 for i in range(n)])
    ax.set_xticklabels([_short(lab, 22) for lab in prof.labels], rotation=30, ha="right",
                       fontsize=7)
    ax.set_ylabel("free energy / eV")
    T = stage.get("T")
    cyc = ("one catalytic cycle (Horiuti numbers " + ", ".join(map(str, prof.sigma)) + ")"
           if prof.sigma is not None else "each step once, in file order")
    ax.set_title(f"Free-energy diagram at {T:g} K, 1 bar; {cyc}" if T else
                 f"Free-energy diagram; {cyc}", fontsize=9)
    ax.axhline(0.0, color="0.8", lw=0.5, zorder=0)
    return fig


# ---- mean field ---------------------------------------------------------------------------
@dataclass(frozen=True)
class CoverageTransient:
    """Coverages from the clean surface: ``t`` (s), ``theta`` (n, S), ``species``,
    ``steady`` (the steady-state coverages the stage reported, or None)."""

    t: np.ndarray
    theta: np.ndarray
    species: tuple[str, ...]
    steady: dict | None
    site_balance_error: float


def coverage_transient(model: Any, steady: Mapping | None = None, n_points: int = 200,
                       t_max: float = 1e7) -> CoverageTransient:
    """Integrate the mean-field coverages from the clean surface to the steady state.

    The time span is set from the relaxation rates: the eigenvalues lambda of the Jacobian
    at the steady state (or at the end of a first pass) give t from 1e-3/max|lambda| to
    30/min|lambda| (s), capped at ``t_max``; 30 relaxation times bring the slowest mode to
    e^-30 of its initial distance.

    Parameters
    ----------
    model : Model
        ``mechanism``, ``rates()``, ``pressures`` (bar) and ``energetics`` (lateral pairs,
        coordination, alpha, coverage effects: the same rate law as the steady stage).
    steady : dict, optional
        The steady stage (``coverages``: name -> coverage); used for the time span and as
        the reference lines.
    n_points : int
        Output times (log-spaced).
    t_max : float
        Longest time integrated, s.

    Returns
    -------
    CoverageTransient
    """
    from ..kinetics import clean_surface, energetics_network, integrate_network

    # the rate law of the steady stage: the model's energetics taken whole
    net = energetics_network(model.mechanism, model.rates(), model.activities,
                             model.energetics)
    cov = dict((steady or {}).get("coverages") or {})
    th_ref = None
    if cov and all(n in cov for n in net.surface):
        th_ref = np.array([float(cov[n]) for n in net.surface])
    th0 = clean_surface(net)
    lam_at = th_ref if th_ref is not None else th0
    lam = np.abs(np.linalg.eigvals(net.jacobian(lam_at)).real)
    lam = lam[lam > 1e-10 * max(lam.max(initial=0.0), 1e-300)]
    if lam.size == 0:
        raise FigureSkipped("the coverage equations have no relaxing mode")
    t0 = 1e-3 / lam.max()
    t1 = min(30.0 / lam.min(), t_max)
    if not t1 > t0:
        t1 = 1e3 * t0
    t_eval = np.concatenate([[0.0], np.geomspace(t0, t1, n_points)])
    tr = integrate_network(net, th0, t1, t_eval=t_eval)
    return CoverageTransient(tr.t, tr.theta, tuple(tr.species),
                             dict(zip(net.surface, th_ref)) if th_ref is not None else None,
                             tr.site_balance_error)


def fig_coverages_vs_time(stage: Mapping, model: Any = None):
    """Coverages against time from the clean surface (log time, s), with the steady state."""
    if model is None or getattr(model, "mechanism", None) is None:
        raise FigureSkipped("no model to integrate")
    tr = coverage_transient(model, stage)
    fig, ax = _figure(w=6.4, h=3.8)
    ax = ax[0, 0]
    t = tr.t[1:]
    for i, n in enumerate(tr.species):
        line, = ax.plot(t, np.maximum(tr.theta[1:, i], 1e-12), label=n)
        if tr.steady is not None:
            ax.axhline(max(tr.steady[n], 1e-12), color=line.get_color(), ls=":", lw=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(bottom=max(1e-12, ax.get_ylim()[0]), top=1.5)
    ax.set_xlabel("time / s")
    ax.set_ylabel("coverage / ML")
    ax.set_title("Mean-field transient from the clean surface (dotted: steady state)",
                 fontsize=9)
    ax.legend(fontsize=7, ncol=2)
    return fig


def fig_rate_control(stage: Mapping, model: Any = None):
    """Degree of rate control of every step (bars, dimensionless; sum = 1 for one TOF)."""
    _need(stage, "drc")
    drc = stage["drc"]
    if not isinstance(drc, Mapping) or not drc:
        raise FigureSkipped("'drc' is empty")
    names = list(drc)
    vals = np.array([np.nan if drc[n] is None else float(drc[n]) for n in names])
    fig, ax = _figure(w=6.4, h=0.45 * len(names) + 1.6)
    ax = ax[0, 0]
    y = np.arange(len(names))
    ax.barh(y, vals, color=["C3" if v > 0 else "C0" for v in np.nan_to_num(vals)])
    ax.set_yticks(y)
    ax.set_yticklabels([_short(n, 34) for n in names], fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="k", lw=0.6)
    for yi, v in zip(y, vals):
        if np.isfinite(v):
            ax.annotate(f"{v:+.3g}", (v, yi), textcoords="offset points",
                        xytext=(4 if v >= 0 else -4, 0), va="center",
                        ha="left" if v >= 0 else "right", fontsize=7)
    ax.set_xlabel("degree of rate control X_RC")
    prod = stage.get("product")
    ax.set_title(f"Degree of rate control of TOF({prod})" if prod else
                 "Degree of rate control", fontsize=9)
    lo, hi = min(0.0, np.nanmin(vals)), max(0.0, np.nanmax(vals))
    pad = 0.25 * (hi - lo or 1.0)
    ax.set_xlim(lo - pad, hi + pad)
    return fig


def fig_volcano(stage: Mapping | None, model: Any = None, dataset: Any = None):
    """Volcano / descriptor map: log10 TOF (s^-1 per site) over one or two descriptors (eV).

    Takes the map Dataset of :func:`catscale.kinetics.descriptor_map` (``dataset``), or a
    stage dict with ``axes`` {name: list of eV}, ``tof`` (list, or nested list indexed like
    the axes) and optional ``surfaces`` {name: point}.
    """
    surfaces: dict = {}
    if dataset is not None and "tof" in getattr(dataset, "data_vars", {}):
        tof = dataset["tof"]
        names = list(tof.dims)
        grids = [np.asarray(dataset[n].values, float) for n in names]
        z = np.asarray(tof.values, float)
        if "surface" in dataset.dims and all(f"surface_{n}" in dataset for n in names):
            for sname in dataset["surface"].values:
                surfaces[str(sname)] = [float(dataset[f"surface_{n}"].sel(surface=sname))
                                        for n in names]
    else:
        _need(stage, "axes", "tof")
        axes = stage["axes"]
        names = list(axes)
        grids = [np.asarray(axes[n], float) for n in names]
        z = np.asarray(stage["tof"], float)
        surfaces = dict(stage.get("surfaces") or {})
    if len(names) not in (1, 2) or z.shape != tuple(len(g) for g in grids):
        raise FigureSkipped(f"map shape {z.shape} does not match axes "
                            f"{[len(g) for g in grids]}")
    lz = np.log10(np.maximum(np.abs(z), 1e-30))
    fig, ax = _figure(w=5.8, h=4.4)
    ax = ax[0, 0]
    if len(names) == 1:
        ax.plot(grids[0], lz, color="C0")
        for s, pt in surfaces.items():
            x = float(np.atleast_1d(pt)[0])
            ax.axvline(x, color="0.5", ls=":")
            ax.annotate(s, (x, np.nanmax(lz)), fontsize=8)
        ax.set_xlabel(f"{names[0]} / eV")
        ax.set_ylabel("log10(TOF / s^-1)")
    else:
        cs = ax.contourf(grids[0], grids[1], lz.T, levels=30, cmap="viridis")
        fig.colorbar(cs, ax=ax, label="log10(TOF / s^-1)")
        for s, pt in surfaces.items():
            p = np.atleast_1d(pt)
            ax.plot(p[0], p[1], "wo", mec="k")
            ax.annotate(s, (p[0], p[1]), textcoords="offset points", xytext=(4, 4),
                        color="w", fontsize=8)
        ax.set_xlabel(f"{names[0]} / eV")
        ax.set_ylabel(f"{names[1]} / eV")
    ax.set_title("Volcano: steady-state TOF over the descriptors", fontsize=9)
    return fig


# ---- kMC ----------------------------------------------------------------------------------
def _kmc_columns(stage: Mapping, key: str) -> tuple[list[str], np.ndarray, np.ndarray,
                                                    np.ndarray | None]:
    """(names, kMC values, errors, mean-field values or None) of 'coverages' or 'tof'.

    Accepts the compare layout {name: {kmc, kmc_error, mean_field}} and the plain kMC layout
    {name: value} with ``<key>_error`` beside it (``coverage_error`` for coverages).
    """
    d = stage.get(key)
    if not isinstance(d, Mapping) or not d:
        sub = stage.get("kmc")
        if isinstance(sub, Mapping) and isinstance(sub.get(key), Mapping):
            return _kmc_columns(sub, key)
        raise FigureSkipped(f"stage has no '{key}'")
    names = list(d)
    first = d[names[0]]
    if isinstance(first, Mapping):
        k = np.array([np.nan if d[n].get("kmc") is None else d[n]["kmc"] for n in names], float)
        e = np.array([d[n].get("kmc_error") or 0.0 for n in names], float)
        mf = np.array([np.nan if d[n].get("mean_field") is None else d[n]["mean_field"]
                       for n in names], float)
        return names, k, e, mf
    err = stage.get(f"{key}_error") or stage.get("coverage_error" if key == "coverages"
                                                 else "tof_error") or {}
    k = np.array([np.nan if d[n] is None else d[n] for n in names], float)
    e = np.array([err.get(n) or 0.0 for n in names], float)
    mfd = (stage.get("mean_field") or {}).get(key) if isinstance(stage.get("mean_field"),
                                                                  Mapping) else None
    mf = (np.array([mfd.get(n, np.nan) for n in names], float)
          if isinstance(mfd, Mapping) else None)
    return names, k, e, mf


def fig_kmc_vs_mean_field(stage: Mapping, model: Any = None):
    """kMC coverages and TOF (with 1-sigma errors) beside mean field (ML; s^-1 per site)."""
    names, k, e, mf = _kmc_columns(stage, "coverages")
    try:
        gnames, gk, ge, gmf = _kmc_columns(stage, "tof")
    except FigureSkipped:
        gnames = []
    ncols = 2 if gnames else 1
    fig, axes = _figure(1, ncols, w=4.2 * ncols + 0.6, h=3.6)
    for ax, (nm, kv, ev, mv, unit, title) in zip(
            axes[0], [(names, k, e, mf, "coverage / ML", "Coverages"),
                      (gnames, gk, ge, gmf, "|TOF| / s^-1 per site", "Turnover frequencies")]
            if gnames else [(names, k, e, mf, "coverage / ML", "Coverages")]):
        x = np.arange(len(nm))
        kv = np.abs(kv)
        ax.bar(x - 0.2, np.maximum(kv, 1e-30), 0.4, yerr=ev, label="kMC", color="C1",
               capsize=2)
        if mv is not None:
            ax.bar(x + 0.2, np.maximum(np.abs(mv), 1e-30), 0.4, label="mean field", color="C0")
        ax.set_xticks(x)
        ax.set_xticklabels([_short(n, 10) for n in nm], fontsize=8)
        pos = np.concatenate([kv[kv > 0], np.abs(mv[np.abs(np.nan_to_num(mv)) > 0])
                              if mv is not None else []])
        if pos.size and pos.max() / max(pos.min(), 1e-300) > 100:
            ax.set_yscale("log")
            ax.set_ylim(bottom=pos.min() / 5)
        ax.set_ylabel(unit)
        ax.set_title(title, fontsize=9)
        ax.legend(fontsize=7)
    verdict = stage.get("verdict")
    if verdict:
        fig.suptitle(f"kMC vs mean field: verdict '{verdict}'", fontsize=9)
    return fig


def _pair_table(stage: Mapping) -> tuple[list[str], np.ndarray, np.ndarray, list[str]]:
    """(pairs, probability p, random-mixing probability, pairs never seen) from the kmc stage.

    Merges ``pair_probabilities`` and ``pair_correlations`` (top level or under ``kmc``);
    values are {pair: {p, random}} or {pair: p}. Pairs with p = random = 0 are returned
    separately (neither kMC nor random mixing has them: no information).
    """
    sub = stage.get("kmc") if isinstance(stage.get("kmc"), Mapping) else {}
    table: dict[str, tuple[float, float]] = {}
    for d in (sub.get("pair_probabilities"), stage.get("pair_probabilities"),
              sub.get("pair_correlations"), stage.get("pair_correlations")):
        if not isinstance(d, Mapping):
            continue
        for n, v in d.items():
            pv, rv = (v.get("p"), v.get("random")) if isinstance(v, Mapping) else (v, None)
            if pv is None or str(n) in table:
                continue
            table[str(n)] = (float(pv), np.nan if rv is None else float(rv))
    if not table:
        raise FigureSkipped("stage has no 'pair_probabilities' or 'pair_correlations'")
    empty = [n for n, (p, r) in table.items() if p == 0 and (r == 0 or not np.isfinite(r))]
    pairs = [n for n in table if n not in empty]
    if not pairs:
        raise FigureSkipped("every pair probability is zero")
    return (pairs, np.array([table[n][0] for n in pairs]),
            np.array([table[n][1] for n in pairs]), empty)


def fig_pair_correlations(stage: Mapping, model: Any = None):
    """Nearest-neighbour pair probabilities from kMC against random mixing (dimensionless).

    The ratio p/p_random is 1 for a random (mean-field) arrangement; > 1 means the pair
    is enriched (islands), < 1 depleted (segregation or ordering).
    """
    pairs, p, r, empty = _pair_table(stage)
    fig, axes = _figure(1, 2, w=8.6, h=3.6)
    x = np.arange(len(pairs))
    ax = axes[0, 0]
    ax.bar(x - 0.2, np.maximum(p, 1e-30), 0.4, label="kMC", color="C1")
    ax.bar(x + 0.2, np.maximum(np.nan_to_num(r), 1e-30), 0.4, label="random mixing",
           color="C0")
    ax.set_xticks(x)
    ax.set_xticklabels([_short(n, 12) for n in pairs], fontsize=7, rotation=20)
    pos = np.concatenate([p[p > 0], r[np.nan_to_num(r) > 0]])
    if pos.size and pos.max() / max(pos.min(), 1e-300) > 100:
        ax.set_yscale("log")
    ax.set_ylabel("nearest-neighbour pair probability")
    ax.legend(fontsize=7)
    ax = axes[0, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(r > 0, p / r, np.nan)
    ax.bar(x, np.nan_to_num(ratio, nan=0.0), color="C2")
    ax.axhline(1.0, color="k", lw=0.8, ls="--")
    for xi, v in zip(x, ratio):
        ax.annotate("n/a" if not np.isfinite(v) else f"{v:.3g}", (xi, np.nan_to_num(v)),
                    textcoords="offset points", xytext=(0, 2), ha="center", fontsize=7)
    ax.set_xticks(x)
    ax.set_xticklabels([_short(n, 12) for n in pairs], fontsize=7, rotation=20)
    ax.set_ylabel("p / p_random")
    title = "Pair correlations (1 = random mixing, the mean-field assumption)"
    if empty:
        title += "\nnever seen (p = p_random = 0): " + ", ".join(empty)
    fig.suptitle(title, fontsize=9)
    return fig


def fig_kmc_snapshot(stage: Mapping, model: Any = None):
    """Final kMC lattice: a 2-D array of site states (0 = first surface species)."""
    snap = stage.get("snapshot")
    if snap is None and isinstance(stage.get("kmc"), Mapping):
        snap = stage["kmc"].get("snapshot")
    if snap is None:
        raise FigureSkipped("stage has no 'snapshot' (2-D array of site states)")
    a = np.asarray(snap)
    if a.ndim != 2 or a.dtype.kind not in "iub":
        raise FigureSkipped(f"'snapshot' is not a 2-D integer array (shape {a.shape})")
    sub = stage.get("kmc") if isinstance(stage.get("kmc"), Mapping) else {}
    names = (stage.get("snapshot_states") or stage.get("states")
             or sub.get("snapshot_states") or sub.get("states"))
    if not names and model is not None and getattr(model, "mechanism", None) is not None:
        names = [s.name for s in model.mechanism.surface]
    n = int(a.max()) + 1
    names = list(names or [])[:n] + [f"state {i}" for i in range(len(names or []), n)]
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    colors = [f"C{i % 10}" for i in range(n)]
    fig, ax = _figure(w=5.4, h=4.4)
    ax = ax[0, 0]
    ax.imshow(a, cmap=ListedColormap(colors), vmin=-0.5, vmax=n - 0.5,
              interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    fracs = [np.mean(a == i) for i in range(n)]
    ax.legend(handles=[Patch(color=c, label=f"{nm} ({f:.3g})")
                       for c, nm, f in zip(colors, names, fracs)],
              fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_title(f"kMC snapshot, {a.shape[0]} x {a.shape[1]} sites", fontsize=9)
    return fig


# ---- surface diffusion --------------------------------------------------------------------
def _columns(stage: Mapping, keys: Sequence[str]) -> dict[str, np.ndarray]:
    """Columns of a diffusion-like stage: parallel lists, or a list of row dicts under
    'coverages' (with 'theta'), or under 'rows'."""
    rows = stage.get("coverages")
    if isinstance(rows, list) and rows and isinstance(rows[0], Mapping):
        src = {k: [r.get(k) for r in rows] for k in rows[0]}
        src["coverages"] = src.get("theta")
    else:
        src = dict(stage)
    out = {}
    for k in keys:
        v = src.get(k)
        if isinstance(v, (list, tuple)) and v and all(x is None or np.isscalar(x) for x in v):
            out[k] = np.array([np.nan if x is None else x for x in v], float)
    return out


def fig_diffusion(stage: Mapping, model: Any = None):
    """Surface diffusion against coverage: D*, D_J, D_c (relative to D0) and Phi, M."""
    keys = ["coverages", "D_star", "D_star_err", "D_jump", "D_jump_err", "D_c", "D_c_err",
            "Phi", "Phi_err", "M", "M_err", "closure_D_c", "closure_Phi"]
    c = _columns(stage, keys)
    if "coverages" not in c or not any(k in c for k in ("D_c", "D_star", "Phi")):
        raise FigureSkipped("stage has no 'coverages' with 'D_c', 'D_star' or 'Phi'")
    th = c["coverages"]
    D0 = stage.get("D0")
    scale = float(D0) if D0 else 1.0
    unit = "D / D0" if D0 else "D / m^2 s^-1"
    fig, axes = _figure(1, 2, w=9.0, h=3.8)
    ax = axes[0, 0]
    for k, lab, col in (("D_star", "tracer D*", "C0"), ("D_jump", "jump D_J", "C2"),
                        ("D_c", "chemical D_c", "C3")):
        if k in c:
            ax.errorbar(th, c[k] / scale, yerr=c.get(k + "_err", np.zeros_like(th)) / scale,
                        fmt="o", ms=3, capsize=2, color=col, label=lab)
    if "closure_D_c" in c:
        ax.plot(th, c["closure_D_c"] / scale, "-", color="C3", lw=0.8, label="D_c closure")
    vals = np.concatenate([c[k] / scale for k in ("D_star", "D_c", "D_jump") if k in c])
    vals = vals[np.isfinite(vals) & (vals > 0)]
    if vals.size and vals.max() / vals.min() > 30:
        ax.set_yscale("log")
    ax.set_xlabel("coverage theta / ML")
    ax.set_ylabel(unit)
    ax.legend(fontsize=7)
    ax.set_title("Diffusion coefficients", fontsize=9)
    ax = axes[0, 1]
    if "Phi" in c:
        ax.errorbar(th, c["Phi"], yerr=c.get("Phi_err", np.zeros_like(th)), fmt="s", ms=3,
                    capsize=2, color="C4", label="thermodynamic factor Phi")
    if "closure_Phi" in c:
        ax.plot(th, c["closure_Phi"], "-", color="C4", lw=0.8, label="Phi closure")
    ax.axhline(0.0, color="k", lw=0.5)
    ax.set_xlabel("coverage theta / ML")
    ax.set_ylabel("Phi = d ln p / d ln theta")
    if "M" in c:
        ax2 = ax.twinx()
        ax2.errorbar(th, c["M"], yerr=c.get("M_err", np.zeros_like(th)), fmt="^", ms=3,
                     capsize=2, color="C5", label="mobility M")
        ax2.set_ylabel("M / m^2 s^-1 eV^-1", color="C5")
    ax.legend(fontsize=7, loc="upper left")
    ax.set_title("Thermodynamic factor and mobility (Phi < 0: uphill diffusion)", fontsize=9)
    return fig


# ---- pellet -------------------------------------------------------------------------------
def fig_pellet_profiles(stage: Mapping, model: Any = None):
    """Concentration (mol m^-3) and temperature (K) profiles across the pellet (r in m)."""
    _need(stage, "profiles")
    pr = stage["profiles"]
    r = pr.get("r") if isinstance(pr, Mapping) else None
    if r is None:
        raise FigureSkipped("'profiles' has no 'r'")
    r = np.asarray(r, float)
    conc = pr.get("c")
    if isinstance(conc, (list, tuple)):
        conc = {"c": conc}
    T = pr.get("T")
    ncols = 2 if T is not None else 1
    fig, axes = _figure(1, ncols, w=4.4 * ncols + 0.4, h=3.6)
    ax = axes[0, 0]
    if isinstance(conc, Mapping):
        for s, v in conc.items():
            ax.plot(r * 1e3, np.asarray(v, float), label=s)
        ax.legend(fontsize=7)
    ax.set_xlabel("r / mm (0 = centre)")
    ax.set_ylabel("c / mol m^-3")
    ax.set_title("Concentrations in the pellet", fontsize=9)
    if T is not None:
        ax = axes[0, 1]
        ax.plot(r * 1e3, np.asarray(T, float), color="C3")
        ax.set_xlabel("r / mm (0 = centre)")
        ax.set_ylabel("T / K")
        ax.ticklabel_format(axis="y", useOffset=False)
        ax.set_title("Temperature in the pellet", fontsize=9)
    return fig


def _shape(stage: Mapping, model: Any) -> str | None:
    s = stage.get("shape")
    if s is None and model is not None and getattr(model.sections, "pellet", None) is not None:
        s = getattr(model.sections.pellet, "shape", None)
    return s


def fig_effectiveness(stage: Mapping, model: Any = None):
    """Effectiveness factor against the Thiele modulus (log-log, dimensionless).

    The line is the analytic isothermal first-order law of the pellet's shape
    (:func:`catscale.pellet.effectiveness_first_order`, Aris modulus with L = V/S); the
    point is the stage's (thiele, effectiveness).
    """
    _need(stage, "thiele", "effectiveness")
    phi, eta = float(stage["thiele"]), float(stage["effectiveness"])
    shape = _shape(stage, model)
    fig, ax = _figure(w=5.6, h=4.0)
    ax = ax[0, 0]
    lo = min(1e-2, phi / 10 if phi > 0 else 1e-2)
    hi = max(1e2, phi * 10)
    grid = np.geomspace(lo, hi, 300)
    if shape:
        from ..pellet import effectiveness_first_order

        ax.plot(grid, effectiveness_first_order(grid, shape), color="C0",
                label=f"first order, {shape} (analytic)")
    ax.plot(grid, 1.0 / grid, color="0.6", ls=":", lw=1, label="1/phi (strong diffusion limit)")
    ax.plot([phi], [eta], "o", color="C3", ms=7,
            label=f"this pellet: phi = {phi:.3g}, eta = {eta:.3g}")
    phg = stage.get("thiele_generalized")
    if phg is not None and np.isfinite(phg) and phg > 0:
        ax.plot([phg], [eta], "s", color="C1", ms=5, mfc="none",
                label=f"generalised modulus {phg:.3g}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(min(0.5 / hi, eta / 3), 2.0)
    ax.set_xlabel("Thiele modulus phi")
    ax.set_ylabel("effectiveness factor eta")
    reg = stage.get("regime")
    ax.set_title(f"Effectiveness against Thiele modulus (regime: {reg})" if reg else
                 "Effectiveness against Thiele modulus", fontsize=9)
    ax.legend(fontsize=7, loc="lower left")
    return fig


# ---- reactor ------------------------------------------------------------------------------
_X_KEYS = (("z", "z / m"), ("length", "length / m"), ("volume", "catalyst volume / m^3"),
           ("V", "catalyst volume / m^3"), ("x", "x / m"), ("t", "time / s"))
_Y_LABELS = {"conversion": "conversion", "T": "T / K", "effectiveness": "effectiveness eta",
             "F": "molar flow / mol s^-1", "c": "c / mol m^-3", "p": "p / Pa",
             "selectivity": "selectivity", "rate": "rate / mol m^-3 s^-1"}


def fig_reactor_profiles(stage: Mapping, model: Any = None):
    """Axial profiles of the reactor: every list (or dict of lists) in ``profiles``."""
    _need(stage, "profiles")
    pr = stage["profiles"]
    if not isinstance(pr, Mapping):
        raise FigureSkipped("'profiles' is not a dict")
    xk = next(((k, lab) for k, lab in _X_KEYS if isinstance(pr.get(k), (list, tuple))), None)
    if xk is None:
        raise FigureSkipped("'profiles' has no axial coordinate (z, volume, ...)")
    x = np.asarray(pr[xk[0]], float)
    panels = []
    for k, v in pr.items():
        if k == xk[0]:
            continue
        if isinstance(v, (list, tuple)) and len(v) == len(x):
            panels.append((k, {k: np.asarray([np.nan if a is None else a for a in v], float)}))
        elif isinstance(v, Mapping):
            lines = {s: np.asarray(a, float) for s, a in v.items()
                     if isinstance(a, (list, tuple)) and len(a) == len(x)}
            if lines:
                panels.append((k, lines))
    if not panels:
        raise FigureSkipped("'profiles' has no profile of the same length as the coordinate")
    panels = panels[:6]
    fig, axes = _panels(len(panels), 3.6, 3.0)
    for ax, (k, lines) in zip(axes, panels):
        for s, y in lines.items():
            ax.plot(x, y, label=s if len(lines) > 1 else None)
        if len(lines) > 1:
            ax.legend(fontsize=7)
        ally = np.concatenate([y[np.isfinite(y)] for y in lines.values()])
        if ally.size and np.ptp(ally) <= 1e-9 * max(np.abs(ally).max(), 1e-300):
            m = float(ally.mean())          # constant along the bed: do not magnify noise
            pad = 0.05 * abs(m) if m != 0 else 1.0
            ax.set_ylim(m - pad, m + pad)
        ax.set_xlabel(xk[1], fontsize=8)
        ax.set_ylabel(_Y_LABELS.get(k, k), fontsize=8)
        ax.ticklabel_format(axis="both", style="sci", scilimits=(-3, 4), useOffset=False)
        ax.tick_params(labelsize=7)
    kind = stage.get("type")
    fig.suptitle(f"Reactor profiles ({kind})" if kind else "Reactor profiles", fontsize=9)
    return fig


# ---- uncertainty --------------------------------------------------------------------------
def _sample_dict(stage: Mapping) -> dict[str, np.ndarray] | None:
    for key in ("samples", "sample_values", "values"):
        d = stage.get(key)
        if isinstance(d, Mapping) and d:
            out = {}
            for k, v in d.items():
                a = np.asarray([np.nan if x is None else x for x in v], float) \
                    if isinstance(v, (list, tuple)) else None
                if a is not None and np.isfinite(a).any():
                    out[str(k)] = a[np.isfinite(a)]
            if out:
                return out
    return None


def fig_uq_distributions(stage: Mapping, model: Any = None):
    """Distributions of the outputs: histograms of the samples when the stage keeps them,
    else the median and 95 % interval of each output (from ``outputs``)."""
    samples = _sample_dict(stage)
    if samples:
        names = list(samples)[:9]
        fig, axes = _panels(len(names), 3.5, 2.7)
        for ax, n in zip(axes, names):
            a = samples[n]
            logx = n.startswith("tof") and np.all(a > 0) and a.max() / a.min() > 100
            ax.hist(np.log10(a) if logx else a, bins=min(40, max(8, a.size // 8)),
                    color="C0", alpha=0.8)
            ax.set_xlabel(f"log10 {n}" if logx else _short(n, 30), fontsize=8)
            ax.set_ylabel("samples", fontsize=8)
        fig.suptitle(f"Output distributions ({stage.get('method', 'sampling')}, "
                     f"{max(a.size for a in samples.values())} samples)", fontsize=9)
        return fig
    outs = stage.get("outputs")
    if not isinstance(outs, Mapping) or not outs:
        raise FigureSkipped("stage has neither 'samples' {output: list} nor 'outputs'")
    names = [n for n, o in outs.items() if isinstance(o, Mapping)
             and o.get("ci_low") is not None and o.get("ci_high") is not None]
    if not names:
        raise FigureSkipped("'outputs' has no intervals (ci_low, ci_high)")
    fig, axes = _figure(len(names), 1, w=6.6, h=0.62 * len(names) + 1.2)
    for i, n in enumerate(names):
        o = outs[n]
        ax = axes[i, 0]
        lo, hi = float(o["ci_low"]), float(o["ci_high"])
        med = o.get("median", o.get("mean"))
        logx = lo > 0 and hi / lo > 100
        ax.hlines(0, lo, hi, color="C0", lw=6, alpha=0.5)
        if med is not None:
            ax.plot([med], [0], "k|", ms=14, mew=2)
        if o.get("mean") is not None:
            ax.plot([o["mean"]], [0], "o", color="C3", ms=4)
        if logx:
            ax.set_xscale("log")
        ax.set_yticks([0])
        ax.set_yticklabels([_short(n, 28)], fontsize=7)
        ax.tick_params(axis="x", labelsize=7)
        span = hi - lo
        if not logx:
            ax.set_xlim(lo - 0.15 * (span or abs(lo) or 1), hi + 0.15 * (span or abs(hi) or 1))
    lvl = next((outs[n].get("level") for n in names if outs[n].get("level")), 0.95)
    fig.suptitle(f"{100 * lvl:g} % intervals (bar), median (|) and mean (o) of each output",
                 fontsize=9)
    return fig


def _sobol_table(stage: Mapping) -> dict[str, dict[str, dict[str, float]]]:
    """{output: {input: {S1, ST, S1_conf, ST_conf}}} from 'sobol' or 'sensitivity.ranked'."""
    sob = stage.get("sobol")
    out: dict[str, dict[str, dict[str, float]]] = {}
    if isinstance(sob, Mapping) and sob:
        for o, d in sob.items():
            if isinstance(d, Mapping):
                out[str(o)] = {str(i): dict(v) for i, v in d.items() if isinstance(v, Mapping)}
    sens = stage.get("sensitivity")
    if not out and isinstance(sens, Mapping) and isinstance(sens.get("ranked"), Mapping):
        for o, rows in sens["ranked"].items():
            if isinstance(rows, (list, tuple)):
                out[str(o)] = {str(r.get("input", r.get("name"))): dict(r) for r in rows
                               if isinstance(r, Mapping)}
    out = {o: d for o, d in out.items() if d}
    if not out:
        raise FigureSkipped("stage has no Sobol indices ('sobol' or 'sensitivity.ranked')")
    return out


def fig_sobol(stage: Mapping, model: Any = None):
    """First-order (S1) and total (ST) Sobol indices of each output (bars, with the
    bootstrap confidence half-widths when present)."""
    tab = _sobol_table(stage)
    outs = list(tab)[:6]
    fig, axes = _panels(len(outs), 3.6, 2.9, pad_h=0.5)
    for i, (ax, o) in enumerate(zip(axes, outs)):
        inputs = list(tab[o])
        x = np.arange(len(inputs))

        def col(k: str, o: str = o, inputs: list = inputs) -> np.ndarray:
            return np.array([np.nan if tab[o][n].get(k) is None else tab[o][n][k]
                             for n in inputs], float)

        s1, st = col("S1"), col("ST")
        e1, et = np.nan_to_num(col("S1_conf")), np.nan_to_num(col("ST_conf"))
        ax.bar(x - 0.2, s1, 0.4, yerr=e1, capsize=2, label="S1", color="C0")
        ax.bar(x + 0.2, st, 0.4, yerr=et, capsize=2, label="ST", color="C1")
        ax.set_xticks(x)
        ax.set_xticklabels([_short(n, 14) for n in inputs], fontsize=7, rotation=20)
        ax.set_ylim(min(0.0, np.nanmin(np.concatenate([s1 - e1, [0]]))) - 0.05,
                    max(1.05, np.nanmax(np.concatenate([st + et, [1]])) + 0.05))
        ax.set_title(_short(o, 36), fontsize=8)
        ax.axhline(0, color="k", lw=0.5)
        if i == 0:
            ax.legend(fontsize=7)
    fig.suptitle("Sobol sensitivity indices (S1 first order, ST total)", fontsize=9)
    return fig


# ---- scale separation ---------------------------------------------------------------------
def fig_scale_separation(checks: Sequence[Mapping], model: Any = None):
    """log10 of every scale ratio of every check against its margin ("much smaller")."""
    rows = []
    for c in checks:
        for k, v in (c.get("ratios") or {}).items():
            if v is not None:
                rows.append((f"{c.get('bridge', '?')}: {k}", float(v),
                             float(c.get("margin") or 10.0)))
    if not rows:
        raise FigureSkipped("no scale ratios")
    fig, ax = _figure(w=6.4, h=0.5 * len(rows) + 1.5)
    ax = ax[0, 0]
    y = np.arange(len(rows))
    lv = np.array([np.log10(v) if v > 0 else -3.0 for _, v, _ in rows])
    lv = np.clip(lv, -3.0, 6.0)
    ok = np.array([v >= m for _, v, m in rows])
    ax.barh(y, lv, color=np.where(ok, "C2", "C3"))
    for yi, (_, v, m) in zip(y, rows):
        ax.plot([np.log10(m)] * 2, [yi - 0.4, yi + 0.4], "k--", lw=1)
        ax.annotate(f"{v:.3g}", (min(max(np.log10(v) if v > 0 else -3, -3), 6), yi),
                    textcoords="offset points", xytext=(3, 0), va="center", fontsize=7)
    ax.set_yticks(y)
    ax.set_yticklabels([_short(n, 40) for n, _, _ in rows], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("log10(coarse / fine scale)  (dashed: required margin; clipped at 6)")
    ax.set_title("Scale separation: green justified, red not", fontsize=9)
    return fig


# ---- the figures of each stage, on typed results ------------------------------------------
@dataclass(frozen=True)
class StageFigure:
    """One figure of a stage's report section.

    Attributes
    ----------
    id : str
        Figure id (the HTML element ``fig-<id>``).
    caption : str
        Caption under the figure.
    build : callable (StageResult, Model or None) -> matplotlib.figure.Figure
        Draws the figure from the stage's typed result (and the model, where the figure
        recomputes something from it); raises :class:`FigureSkipped` when the result lacks
        what the figure needs.
    """

    id: str
    caption: str
    build: Any


def _json(result: Any) -> dict:
    """The JSON form of a typed result (the layout the ``fig_*`` functions read)."""
    return result.to_dict()


def on_result(fn: Any) -> Any:
    """The figure builder ``build(result, model)`` of a ``fig_*`` function: it draws from
    the typed result's JSON form."""
    def build(result: Any, model: Any = None):
        return fn(_json(result), model)

    build.__name__ = build.__qualname__ = fn.__name__.removeprefix("fig_")
    build.__doc__ = fn.__doc__
    return build


def volcano(result: Any, model: Any = None):
    """Volcano of a :class:`~catscale.stages.MapResult`: its map Dataset when at hand."""
    ds = getattr(result, "dataset", None)
    if ds is not None:
        return fig_volcano(None, model, dataset=ds)
    return fig_volcano(_json(result), model)


def uq_distributions(result: Any, model: Any = None):
    """Output distributions of a ``UQResult``: histograms of its samples when it keeps
    them (``sample_values``), else the intervals."""
    d = _json(result)
    if getattr(result, "sample_values", None):
        d["sample_values"] = result.sample_values
    return fig_uq_distributions(d, model)


#: the figures of each stage (``Stage.figures``)
RATES = (StageFigure("free_energy", "Free-energy diagram along the overall reaction (eV); "
                     "red curves pass through the transition states (activation free energy "
                     "labelled).", on_result(fig_free_energy)),)
STEADY = (StageFigure("coverages_vs_time", "Coverages against time from the clean surface "
                      "(mean field, integrated with the kinetics package); dotted lines are "
                      "the reported steady state.", on_result(fig_coverages_vs_time)),
          StageFigure("rate_control", "Degree of rate control of each step.",
                      on_result(fig_rate_control)))
MAP = (StageFigure("volcano", "Steady-state TOF over the descriptor grid (volcano).",
                   volcano),)
KMC = (StageFigure("kmc_vs_mean_field", "kMC coverages and TOF (1-sigma error bars) beside "
                   "the mean-field values.", on_result(fig_kmc_vs_mean_field)),
       StageFigure("pair_correlations", "Nearest-neighbour pair probabilities against random "
                   "mixing.", on_result(fig_pair_correlations)),
       StageFigure("kmc_snapshot", "Final kMC lattice configuration.",
                   on_result(fig_kmc_snapshot)))
DIFFUSION = (StageFigure("diffusion", "Tracer, jump and chemical diffusivities and the "
                         "thermodynamic factor against coverage.", on_result(fig_diffusion)),)
PELLET = (StageFigure("pellet_profiles", "Profiles across the pellet.",
                      on_result(fig_pellet_profiles)),
          StageFigure("effectiveness", "Effectiveness factor against Thiele modulus.",
                      on_result(fig_effectiveness)))
REACTOR = (StageFigure("reactor_profiles", "Axial profiles of the reactor.",
                       on_result(fig_reactor_profiles)),)
UQ = (StageFigure("uq_distributions", "Distributions of the outputs under the input "
                  "uncertainty.", uq_distributions),
      StageFigure("sobol", "Sobol indices: share of each input in the output variance.",
                  on_result(fig_sobol)))
