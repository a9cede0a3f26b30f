"""Slow pure-Python twin of :func:`._kernels.lattice_gas_kmc`, used only by tests.

Same inputs and outputs; at every step it lists every possible event with its rate from
scratch (no incremental rate bookkeeping, no tree) and draws one (BKL / first-reaction on the
full list), with Python's own random generator.
"""

from __future__ import annotations

import math
import random

import numpy as np


def lattice_gas_kmc_reference(occ0, nbr, dvec, hop_tab, ads_tab, des_tab, sample_times,
                              max_events, track, stride, seed):
    """Reference implementation; see :func:`catscale.kmc.lattice_gas._kernels.lattice_gas_kmc`."""
    rng = random.Random(int(seed))
    occ = [int(x) for x in occ0]
    n, z = nbr.shape
    nb = nbr.tolist()
    dv = dvec.tolist()
    parts = [s for s in range(n) if occ[s]]  # particle p sits at parts[p]
    disp = [[0, 0] for _ in parts]
    ns = len(sample_times)
    out_n = np.zeros(ns, np.int64)
    ntag = (ns - 1) // stride + 1 if track else 0
    out_pos = np.zeros((ntag, len(parts) if track else 0), np.int32)
    out_dsp = np.zeros((ntag, len(parts) if track else 0, 2), np.int32)
    out_com = np.zeros((ns, 2), np.int64)
    com = [0, 0]
    t, k, events, hops = 0.0, 0, 0, 0

    def record(k):
        out_n[k] = sum(occ)
        out_com[k] = com
        if track and k % stride == 0:
            out_pos[k // stride] = parts
            out_dsp[k // stride] = disp

    while k < ns and events < max_events:
        evs = []  # (rate, kind, site, direction)
        for s in range(n):
            ni = sum(occ[x] for x in nb[s])
            if occ[s]:
                if des_tab[ni] > 0:
                    evs.append((des_tab[ni], "des", s, -1))
                for c in range(z):
                    j = nb[s][c]
                    if not occ[j]:
                        nf = sum(occ[x] for x in nb[j]) - 1
                        evs.append((hop_tab[ni][nf], "hop", s, c))
            elif ads_tab[ni] > 0:
                evs.append((ads_tab[ni], "ads", s, -1))
        total = sum(e[0] for e in evs)
        if total <= 0:
            while k < ns:
                record(k)
                k += 1
            break
        t_new = t - math.log(1.0 - rng.random()) / total
        while k < ns and sample_times[k] < t_new:
            record(k)
            k += 1
        if k >= ns:
            break
        u = rng.random() * total
        acc = 0.0
        pick = evs[-1]
        for ev in evs:
            acc += ev[0]
            if u < acc:
                pick = ev
                break
        _, kind, s, c = pick
        if kind == "ads":
            occ[s] = 1
        elif kind == "des":
            occ[s] = 0
        else:
            j = nb[s][c]
            occ[s], occ[j] = 0, 1
            com[0] += dv[c][0]
            com[1] += dv[c][1]
            if track:
                p = parts.index(s)
                parts[p] = j
                disp[p][0] += dv[c][0]
                disp[p][1] += dv[c][1]
            hops += 1
        t = t_new
        events += 1
    info = np.array([t, float(events), float(k), float(hops)])
    return out_n, out_pos, out_dsp, out_com, np.array(occ, np.int8), info
