"""numba kernel of the lattice-gas kMC (rejection-free, BKL / n-fold way with a Fenwick tree
over per-site total rates).

Every site carries the sum of the rates of the events it can start: hops of its particle to
empty neighbours (rate ``hop_tab[n_i, n_f]``), desorption (``des_tab[n_i]``) or, when empty,
adsorption (``ads_tab[n]``), where n counts occupied nearest neighbours. An event at site i
changes the rates of the sites within two neighbour steps of the sites it touches, which are
recomputed after every event. Slow pure-Python twin: :mod:`._reference`.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _site_rate(s, occ, nbr, hop_tab, ads_tab, des_tab):
    z = nbr.shape[1]
    ni = 0
    for k in range(z):
        ni += occ[nbr[s, k]]
    if occ[s] == 0:
        return ads_tab[ni]
    r = des_tab[ni]
    for k in range(z):
        j = nbr[s, k]
        if occ[j] == 0:
            nf = -1
            for m in range(z):
                nf += occ[nbr[j, m]]
            r += hop_tab[ni, nf]
    return r


@njit(cache=True)
def _fw_add(tree, i, delta):
    n = tree.shape[0] - 1
    i += 1
    while i <= n:
        tree[i] += delta
        i += i & (-i)


@njit(cache=True)
def _fw_build(tree, vals):
    n = vals.shape[0]
    tree[:] = 0.0
    for i in range(n):
        tree[i + 1] += vals[i]
        j = (i + 1) + ((i + 1) & (-(i + 1)))
        if j <= n:
            tree[j] += tree[i + 1]


@njit(cache=True)
def _fw_find(tree, u):
    n = tree.shape[0] - 1
    pos = 0
    step = 1
    while step * 2 <= n:
        step *= 2
    while step > 0:
        nxt = pos + step
        if nxt <= n and tree[nxt] <= u:
            pos = nxt
            u -= tree[nxt]
        step //= 2
    return pos  # 0-based site index


@njit(cache=True)
def _refresh(c, occ, nbr, hop_tab, ads_tab, des_tab, rates, tree, stamp, tag):
    """Recompute the rates of every site within two steps of site c that do not yet carry
    ``stamp == tag``; return the change of the total rate."""
    z = nbr.shape[1]
    dtot = 0.0
    for a in range(-1, z):
        s1 = c if a < 0 else nbr[c, a]
        for b in range(-1, z):
            if a < 0 and b >= 0:
                s = nbr[c, b]
            elif b < 0:
                s = s1
            else:
                s = nbr[s1, b]
            if stamp[s] == tag:
                continue
            stamp[s] = tag
            r = _site_rate(s, occ, nbr, hop_tab, ads_tab, des_tab)
            d = r - rates[s]
            if d != 0.0:
                rates[s] = r
                _fw_add(tree, s, d)
                dtot += d
    return dtot


@njit(cache=True)
def lattice_gas_kmc(occ0, nbr, dvec, hop_tab, ads_tab, des_tab, sample_times, max_events,
                    track, stride, seed):
    """Run the lattice gas from ``occ0`` and record it at ``sample_times``.

    Parameters
    ----------
    occ0 : int8 (n_sites,)
        Initial occupation (0/1).
    nbr : int32 (n_sites, z)
        Nearest-neighbour table; column k is the lattice direction ``dvec[k]``.
    dvec : int32 (z, 2)
        Cell offsets (di, dj) of each neighbour direction.
    hop_tab : float64 (z, z)
        Hop rate (s^-1) for (n_i, n_f) occupied neighbours of origin and target.
    ads_tab, des_tab : float64 (z + 1,)
        Adsorption / desorption rates (s^-1) for n occupied neighbours; all zero for the
        canonical ensemble.
    sample_times : float64 (n_samples,)
        Increasing times (s) at which the state is recorded.
    max_events : int64
        Upper bound on the number of events.
    track : bool
        Record particle positions and unwrapped displacements (canonical runs only).
    stride : int64
        Record tagged particles at every ``stride``-th sample only (the summed displacement
        is recorded at every sample).
    seed : int64
        Seed of numba's random generator.

    Returns
    -------
    n_part : int64 (n_samples,)
        Number of particles at each sample time.
    pos : int32 (n_tagged, N) and disp : int32 (n_tagged, N, 2)
        Site and unwrapped cell displacement (di, dj) of every particle at samples
        0, stride, 2 stride, ... (empty if not track).
    com : int64 (n_samples, 2)
        Summed cell displacement of all particles (hops only).
    occ : int8 (n_sites,)
        Final occupation.
    info : float64 (4,)
        [time of the last event (s), events, samples recorded, hops].
    """
    np.random.seed(seed)
    n = occ0.shape[0]
    z = nbr.shape[1]
    occ = occ0.copy()
    ns = sample_times.shape[0]
    npart = 0
    for s in range(n):
        npart += occ[s]
    nt = npart if track else 0
    pid = np.full(n, -1, np.int64)
    cur = np.zeros(nt, np.int32)
    dsp = np.zeros((nt, 2), np.int32)
    if track:
        p = 0
        for s in range(n):
            if occ[s] == 1:
                pid[s] = p
                cur[p] = s
                p += 1
    out_n = np.zeros(ns, np.int64)
    ntag = (ns - 1) // stride + 1 if track else 0
    out_pos = np.zeros((ntag, nt), np.int32)
    out_dsp = np.zeros((ntag, nt, 2), np.int32)
    out_com = np.zeros((ns, 2), np.int64)
    com0 = 0
    com1 = 0

    rates = np.zeros(n)
    for s in range(n):
        rates[s] = _site_rate(s, occ, nbr, hop_tab, ads_tab, des_tab)
    tree = np.zeros(n + 1)
    _fw_build(tree, rates)
    stamp = np.full(n, -1, np.int64)
    total = rates.sum()

    t = 0.0
    k = 0
    events = 0
    hops = 0
    while k < ns:
        if total <= 1e-300 * n or events >= max_events:
            if total <= 1e-300 * n:  # frozen state: record the remaining samples
                while k < ns:
                    out_n[k] = npart
                    out_com[k, 0] = com0
                    out_com[k, 1] = com1
                    if track and k % stride == 0:
                        out_pos[k // stride, :] = cur
                        out_dsp[k // stride, :, :] = dsp
                    k += 1
            break
        t_new = t - np.log(1.0 - np.random.random()) / total
        while k < ns and sample_times[k] < t_new:
            out_n[k] = npart
            out_com[k, 0] = com0
            out_com[k, 1] = com1
            if track and k % stride == 0:
                out_pos[k // stride, :] = cur
                out_dsp[k // stride, :, :] = dsp
            k += 1
        if k >= ns:
            break
        # choose the site, then the event at that site
        s = n
        while True:
            u = np.random.random() * total
            s = _fw_find(tree, u)
            if s < n and rates[s] > 0.0:
                break
            total = 0.0
            for q in range(n):
                total += rates[q]
            _fw_build(tree, rates)
        v = np.random.random() * rates[s]
        ni = 0
        for m in range(z):
            ni += occ[nbr[s, m]]
        if occ[s] == 0:
            occ[s] = 1
            npart += 1
            total += _refresh(s, occ, nbr, hop_tab, ads_tab, des_tab, rates, tree, stamp,
                              events)
        else:
            acc = des_tab[ni]
            if v < acc:
                occ[s] = 0
                npart -= 1
                total += _refresh(s, occ, nbr, hop_tab, ads_tab, des_tab, rates, tree, stamp,
                              events)
            else:
                last = -1
                chosen = -1
                for c in range(z):
                    j = nbr[s, c]
                    if occ[j] == 0:
                        nf = -1
                        for m in range(z):
                            nf += occ[nbr[j, m]]
                        acc += hop_tab[ni, nf]
                        last = c
                        if v < acc:
                            chosen = c
                            break
                if chosen < 0:
                    chosen = last  # round-off at the top of the cumulative sum
                if chosen < 0:
                    chosen = 0  # unreachable: v < rates[s] is the same sum
                j = nbr[s, chosen]
                occ[s] = 0
                occ[j] = 1
                com0 += dvec[chosen, 0]
                com1 += dvec[chosen, 1]
                if track:
                    p = pid[s]
                    pid[s] = -1
                    pid[j] = p
                    cur[p] = j
                    dsp[p, 0] += dvec[chosen, 0]
                    dsp[p, 1] += dvec[chosen, 1]
                total += _refresh(s, occ, nbr, hop_tab, ads_tab, des_tab, rates, tree, stamp,
                              events)
                total += _refresh(j, occ, nbr, hop_tab, ads_tab, des_tab, rates, tree, stamp,
                              events)
                hops += 1
        t = t_new
        events += 1
        if events % 65536 == 0:  # bound the drift of the running sums
            total = 0.0
            for q in range(n):
                total += rates[q]
            _fw_build(tree, rates)
    info = np.array([t, float(events), float(k), float(hops)])
    return out_n, out_pos, out_dsp, out_com, occ, info
