"""Observables of lattice kMC: block averages with warm-up detection, pair probabilities,
island (cluster) sizes, correlation length (one-phase, from row-projected covariances),
snapshots."""

from __future__ import annotations

import numpy as np

from ..errors import InvalidParameterError
from ._kernels import pair_counts
from ._lattice import Lattice


def mser_warmup(series: np.ndarray, max_fraction: float = 0.5) -> int:
    """Number of initial blocks to discard, by the MSER rule (White 1997).

    Chooses d minimising var(x[d:]) / (n - d)^2 over d <= max_fraction * n (the marginal
    standard error of the remaining mean). ``series`` may be 2-D (blocks, observables): every
    column is scaled by its standard deviation and the largest d over columns is returned.

    Parameters
    ----------
    series : array (n_blocks,) or (n_blocks, k)
    max_fraction : float
        Largest fraction of the blocks that may be discarded.

    Returns
    -------
    int
    """
    x = np.asarray(series, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    n = x.shape[0]
    if n < 4:
        return 0
    best = 0
    for col in x.T:
        if not np.all(np.isfinite(col)) or np.ptp(col) == 0:
            continue
        dmax = int(max_fraction * n)
        scores = [np.var(col[d:]) / (n - d) ** 2 for d in range(dmax + 1)]
        best = max(best, int(np.argmin(scores)))
    return best


def weighted_mean_error(values: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """Weighted block mean and its standard error (batch means, weights = block durations).

    Returns (mean, standard error); the error is NaN with fewer than 2 blocks.
    """
    x = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    ok = w > 0
    x, w = x[ok], w[ok]
    if len(x) == 0:
        return float("nan"), float("nan")
    m = float(np.sum(w * x) / np.sum(w))
    if len(x) < 2:
        return m, float("nan")
    se2 = np.sum(w ** 2 * (x - m) ** 2) / np.sum(w) ** 2 * len(x) / (len(x) - 1)
    return m, float(np.sqrt(se2))


def pair_probabilities(state: np.ndarray, lattice: Lattice, n_species: int,
                       shell: int = 1) -> np.ndarray:
    """Probability P[a, b] that an ordered neighbour pair in ``shell`` holds (a, b).

    Under random mixing P[a, b] = theta_a theta_b (coverages per site of the lattice).

    Returns
    -------
    ndarray (n_species, n_species), sums to 1.
    """
    nbr = lattice.neighbors(shell)
    cols = np.arange(nbr.shape[1], dtype=np.int64)
    c = pair_counts(np.ascontiguousarray(state, dtype=np.int8), nbr, cols, n_species)
    tot = c.sum()
    return c / tot if tot else c.astype(float)


def cluster_sizes(state: np.ndarray, lattice: Lattice, code: int) -> np.ndarray:
    """Sizes of the islands (connected through shell-1 neighbours) of species ``code``.

    Returns
    -------
    ndarray of int, one entry per island (unsorted); empty when the species is absent.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    occ = np.asarray(state) == code
    idx = np.flatnonzero(occ)
    if len(idx) == 0:
        return np.zeros(0, dtype=int)
    nbr = lattice.neighbors(1)
    rows, cols = [], []
    for c in range(nbr.shape[1]):
        u = nbr[idx, c]
        good = (u >= 0)
        good[good] &= occ[u[good]]
        rows.append(idx[good])
        cols.append(u[good])
    r = np.concatenate(rows)
    cc = np.concatenate(cols)
    n = len(state)
    g = coo_matrix((np.ones(len(r)), (r, cc)), shape=(n, n)).tocsr()
    _, lab = connected_components(g, directed=False)
    return np.bincount(lab[idx])[np.unique(lab[idx])]


def cluster_size_distribution(sizes: np.ndarray) -> dict[int, int]:
    """Histogram {island size: number of islands}."""
    u, c = np.unique(np.asarray(sizes, dtype=int), return_counts=True)
    return {int(a): int(b) for a, b in zip(u, c)}


def correlation_function(state: np.ndarray, lattice: Lattice, code: int,
                         basis: int = 0) -> np.ndarray:
    """Occupation covariance C(r) = <n_0 n_r> - theta^2 (dimensionless) of species ``code``
    on the sites of one basis index, along the two cell axes (averaged), for r = 0 ..
    min(L1, L2)//2 cells (FFT autocorrelation of one snapshot; zero for an empty or full
    layer). Averages of C over snapshots estimate the time-averaged covariance."""
    L1, L2 = lattice.size
    if not (0 <= basis < lattice.nb):
        raise InvalidParameterError("basis", f"0..{lattice.nb - 1}", basis)
    occ = (np.asarray(state).reshape(L1, L2, lattice.nb)[:, :, basis] == code).astype(float)
    occ -= occ.mean()
    rmax = min(L1, L2) // 2
    if not np.any(occ):
        return np.zeros(rmax + 1)
    C = np.fft.irfft2(np.abs(np.fft.rfft2(occ)) ** 2, s=occ.shape) / occ.size
    return 0.5 * (C[: rmax + 1, 0] + C[0, : rmax + 1])


def pair_correlation(state: np.ndarray, lattice: Lattice, code: int,
                     basis: int = 0) -> np.ndarray:
    """Normalised pair correlation g(r) = C(r)/C(0) (:func:`correlation_function`) of one
    snapshot; NaN for an empty or full layer."""
    C = correlation_function(state, lattice, code, basis)
    return C / C[0] if C[0] > 0 else np.full(len(C), np.nan)


def length_from_correlation(g: np.ndarray, threshold: float = 0.05) -> float:
    """Correlation length (cells) from a normalised pair correlation g(r), r = 0, 1, ...
    cells, by the 2-D Ornstein-Zernike form g(r) ~ r^(-1/2) exp(-r/xi).

    ``ln g(r) + ln(r)/2 = a - r/xi`` is fitted (least squares) over the r >= 1 where g stays
    above ``threshold``; with only r = 1 above it, ``xi = -1/ln g(1)`` (a = 0). Returns 0
    when g(1) <= threshold (no correlation beyond noise, the random-mixing limit), NaN when g
    is undefined (empty or full layer), inf when g does not decay.

    The prefactor matters: without it (a pure exponential through g(0) = 1) the 2-D lattice
    gas at T = 1.25 / 1.5 / 2 Tc gives 1.6 / 1.0 / 0.71 cells against Onsager's exact 2.65 /
    1.50 / 0.92 (xi^-1 = -ln tanh K - 2K); with it 2.9 / 1.6 / 0.95 (kMC, 64^2).
    """
    g = np.asarray(g, dtype=float)
    if not np.isfinite(g[0]):
        return float("nan")
    r = []
    for k in range(1, len(g)):
        if g[k] <= threshold:
            break
        r.append(k)
    if not r:
        return 0.0
    r = np.array(r, dtype=float)
    y = np.log(g[r.astype(int)]) + 0.5 * np.log(r)
    slope = np.polyfit(r, y, 1)[0] if len(r) >= 2 else y[0]
    return float(-1.0 / slope) if slope < 0 else float("inf")


def correlation_length(state: np.ndarray, lattice: Lattice, code: int,
                       basis: int = 0, threshold: float = 0.05) -> float:
    """Correlation length (cells) of the occupation of species ``code`` in one snapshot
    (:func:`length_from_correlation` of :func:`pair_correlation`)."""
    return length_from_correlation(pair_correlation(state, lattice, code, basis), threshold)


def projected_correlation(state: np.ndarray, lattice: Lattice, code: int,
                          basis: int = 0) -> np.ndarray:
    """Row-projected occupation covariances of species ``code`` in one snapshot.

    G_a(x) = sum_y C(x, y) along cell axis a (the covariance of the occupations summed over
    the lines perpendicular to a), per site, x = 0 .. min(L1, L2)//2. For the 2-D lattice gas
    above Tc the projection removes the power-law prefactor of C(r): G(x) decays as
    exp(-x/xi) (cosh about L/2 on a periodic lattice) with the exponential correlation
    length of the transfer matrix, Onsager's xi (McCoy & Wu, The Two-Dimensional Ising
    Model, 1973). Rows 2, 3 are the same for the staggered occupation (-1)^(i+j) n (the
    c(2x2) order parameter of repulsive layers; NaN unless a single-basis lattice with even
    sides). Each snapshot's mean is subtracted (its k = 0 mode is lost; see
    :func:`length_from_projection`).

    Returns
    -------
    ndarray (4, min(L1, L2)//2 + 1): G along axis 1, axis 2, staggered axis 1, axis 2.
    """
    L1, L2 = lattice.size
    if not (0 <= basis < lattice.nb):
        raise InvalidParameterError("basis", f"0..{lattice.nb - 1}", basis)
    rmax = min(L1, L2) // 2
    out = np.full((4, rmax + 1), np.nan)
    occ = (np.asarray(state).reshape(L1, L2, lattice.nb)[:, :, basis] == code).astype(float)
    fields = [occ - occ.mean()]
    if lattice.nb == 1 and L1 % 2 == 0 and L2 % 2 == 0:
        sign = np.where((np.add.outer(np.arange(L1), np.arange(L2)) % 2) == 0, 1.0, -1.0)
        st = sign * occ
        fields.append(st - st.mean())
    for k, f in enumerate(fields):
        for a in (0, 1):
            prof = f.sum(axis=1 - a)  # line sums perpendicular to axis a
            ac = np.fft.irfft(np.abs(np.fft.rfft(prof)) ** 2, n=prof.size) / occ.size
            out[2 * k + a] = ac[: rmax + 1]
    return out


def length_from_projection(G: np.ndarray, sizes: tuple[int, int],
                           threshold: float = 0.05,
                           G_err: np.ndarray | None = None) -> tuple[float | None, str]:
    """Correlation length (cells) from snapshot-averaged row-projected covariances, or None.

    Model (per axis a, x = 1 .. min(L)/2): the bulk projected covariance of a one-phase layer,
    G(x) = A (exp(-x/xi) + exp(-(L - x)/xi)) (a cosh about L/2 on the periodic lattice),
    minus the constant that subtracting each snapshot's mean removes, which is the average of
    G over the L separations: g(x) = G(x)/G(0) = A (u(x) - S/(L - 1)) - g(0)/(L - 1) with
    u(x) = exp(-x/xi) + exp(-(L-x)/xi) and S = sum_{x=1}^{L-1} u(x) (one amplitude per axis,
    linear least squares; one xi, bounded search in ln xi). With ``G_err`` (standard errors
    of the averaged G, e.g. from the scatter of the snapshots) the fit is weighted and uses
    the separations from 1 up to the last one where g is above 3 errors (the tail is noise
    and long-wavelength fluctuations of a finite run); without it, the separations where g
    is above ``threshold``.

    Returns (xi, '') in the one-phase region; (0.0, '') when |g(1)| <= ``threshold`` (no
    correlation beyond noise, random mixing); (NaN, reason) when the layer is empty or
    full; (None, reason) when the fitted xi exceeds min(L)/8 or the covariances do not
    decay: correlations span the lattice, as in a phase-separated layer (domains of two
    phases) or at the critical point, where no bulk correlation length can be measured on
    this lattice.

    Parameters
    ----------
    G : ndarray (>= 2, r)
        Projected covariances along the two axes (:func:`projected_correlation`, averaged
        over snapshots); only the first two rows are used.
    sizes : (L1, L2)
        Lattice size in cells.
    threshold : float
        Noise level of g (unweighted fit).
    G_err : ndarray (>= 2, r), optional
        Standard errors of G.

    Returns
    -------
    (float or None, str)
        xi in cells (NaN: undefined) or None (no one-phase correlation length), and the
        reason when it is not a number.
    """
    from scipy.optimize import minimize_scalar

    G = np.asarray(G, dtype=float)[:2]
    if not (np.all(np.isfinite(G[:, 0])) and np.all(G[:, 0] > 0)):
        return float("nan"), "the layer is empty or full (no occupation fluctuations)"
    g = G / G[:, :1]
    if np.all(np.abs(g[:, 1]) <= threshold):
        return 0.0, ""
    L = np.asarray(sizes, dtype=float)[:2]
    n = g.shape[1]
    if G_err is not None:
        sd = np.asarray(G_err, dtype=float)[:2] / G[:, :1]
        sd = np.where(np.isfinite(sd) & (sd > 0), sd, np.nan)
        weighted = bool(np.all(np.isfinite(sd[:, 1:])))
    else:
        weighted = False
    if not weighted:
        sd = np.full_like(g, threshold / 3.0)
    wins = []
    for a in range(2):
        k = 1
        while k < n and g[a, k] > 3.0 * sd[a, k]:
            k += 1
        wins.append(np.arange(1, max(k, 2)))
    xx = np.arange(1.0, max(L))
    x_all = np.arange(1.0, n)

    def model(lnxi: float, a: int, x: np.ndarray) -> np.ndarray:
        """Shape u(x) - S/(L - 1) of the model (amplitude 1) along axis a."""
        xi, La = np.exp(lnxi), L[a]
        u = np.exp(-x / xi) + np.exp(-(La - x) / xi)
        xs = xx[: int(La) - 1]
        return u - np.sum(np.exp(-xs / xi) + np.exp(-(La - xs) / xi)) / (La - 1.0)

    def fit(lnxi: float) -> tuple[float, list[float]]:
        res, amp = 0.0, []
        for a in range(2):
            w = 1.0 / sd[a, wins[a]]
            v = model(lnxi, a, wins[a].astype(float)) * w
            y = (g[a, wins[a]] + g[a, 0] / (L[a] - 1.0)) * w
            A = float(np.dot(v, y) / np.dot(v, v))
            res += float(np.sum((A * v - y) ** 2))
            amp.append(A)
        return res, amp

    if all(len(w) < 2 for w in wins):  # correlated over one spacing at most
        g1 = float(np.mean(g[:, 1]))
        if not np.any(g[:, 1] > 3.0 * sd[:, 1]):
            return 0.0, ""  # no correlation beyond noise
        return (-1.0 / np.log(g1) if 0 < g1 < 1 else 0.0), ""
    opt = minimize_scalar(lambda t: fit(t)[0], bounds=(np.log(0.05), np.log(4.0 * max(L))),
                          method="bounded", options={"xatol": 1e-6})
    xi = float(np.exp(opt.x))
    amp = fit(opt.x)[1]
    if min(amp) <= 0:
        return None, ("the projected correlations do not decay (fitted amplitude <= 0): "
                      "no one-phase correlation length")
    # in one phase the bulk covariances of an attractive (or, staggered, a repulsive
    # bipartite) layer are >= 0 (Griffiths/FKG inequalities): anticorrelation well below
    # the fitted form means domains of two phases
    for a in range(2):
        dev = g[a, 1:] - (amp[a] * model(opt.x, a, x_all) - g[a, 0] / (L[a] - 1.0))
        bad = dev < -(0.15 + 3.0 * sd[a, 1:])
        if np.any(bad):
            k = int(np.argmin(dev)) + 1
            return None, (f"the layer is phase separated: the projected correlation falls to "
                          f"{g[a, k]:.2f} at {k} cells, below the one-phase form (domains of "
                          "two phases; or the layer is not equilibrated): no one-phase "
                          "correlation length")
    if xi > min(L) / 8.0:
        anti = float(np.min(g[:, -1]))
        why = ("the layer is phase separated (domains of two phases span the lattice: "
               f"projected correlation at L/2 = {anti:.2f})" if anti < -0.2 else
               "correlations span the lattice (near-critical or phase-separated layer)")
        return None, (f"{why}; fitted xi = {xi:.3g} cells > L/8 = {min(L) / 8:.3g}: not a "
                      "one-phase correlation length")
    return xi, ""


def snapshot_png(state: np.ndarray, lattice: Lattice, species: tuple[str, ...], path: str,
                 title: str = "") -> str:
    """Write a PNG picture of the lattice (one colour per species); returns the path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    ns = len(species)
    base = plt.get_cmap("tab10")
    colors = [base(i % 10) for i in range(ns)]
    for i, name in enumerate(species):
        if name in lattice.kind_names:  # vacancies white/grey
            colors[i] = (0.95, 0.95, 0.95, 1.0) if i == 0 or len(lattice.kind_names) == 1 \
                else (0.8, 0.8, 0.8, 1.0)
    cmap = ListedColormap(colors)
    fig, ax = plt.subplots(figsize=(6, 6), dpi=100)
    if lattice.nb == 1 and np.allclose(lattice.cell, np.eye(2)):  # square cells: an image
        ax.imshow(np.asarray(state).reshape(lattice.size).T, origin="lower", cmap=cmap,
                  vmin=-0.5, vmax=ns - 0.5, interpolation="nearest")
    else:
        pos = lattice.positions
        size = max(1.0, 30000.0 / lattice.n_sites)
        ax.scatter(pos[:, 0], pos[:, 1], c=np.asarray(state), cmap=cmap, vmin=-0.5,
                   vmax=ns - 0.5, s=size, marker="h", linewidths=0)
        ax.set_aspect("equal")
    handles = [plt.Line2D([], [], marker="s", ls="", color=colors[i], label=species[i])
               for i in range(ns)]
    ax.legend(handles=handles, loc="upper right", fontsize=8, framealpha=0.8)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return str(path)
