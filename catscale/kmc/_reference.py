"""Slow pure-Python twin of the kMC kernel, used only by tests.

Written independently of :mod:`._kernels`: it enumerates every event of the whole lattice
from the :class:`Process` templates at every step, computes lateral reaction energies as the
difference of the *total* lattice energy (every pair in every shell, every cluster), and picks
events by a linear scan (first-reaction-free Gillespie / VSSM). Only for lattices of a few
dozen sites.
"""

from __future__ import annotations

import math
import random

import numpy as np

from ._events import KMCModel
from ._lattice import Lattice


def total_energy(model: KMCModel, lattice: Lattice, state) -> float:
    """Total lateral energy of a lattice configuration, eV (each pair and cluster once)."""
    e = 0.0
    code = {s: i for i, s in enumerate(model.species)}
    eps: dict[tuple[int, int, int], float] = {}
    for a, b, sh, v in model.interactions.pairs:
        for key in {(code[a], code[b], sh), (code[b], code[a], sh)}:
            eps[key] = eps.get(key, 0.0) + v
    for sh in sorted({k[2] for k in eps}):
        nbr = lattice.neighbors(sh)
        for s in range(lattice.n_sites):
            for u in nbr[s]:
                if u > s:  # each unordered pair once
                    e += eps.get((int(state[s]), int(state[u]), sh), 0.0)
    L1, L2 = lattice.size
    for c in model.interactions.clusters:
        want = [code[x] for x in c.species]
        for i in range(L1):
            for j in range(L2):
                ok = True
                for k, (b, di, dj) in enumerate(c.sites):
                    site = (((i + di) % L1) * L2 + (j + dj) % L2) * lattice.nb + b
                    if state[site] != want[k]:
                        ok = False
                        break
                if ok:
                    e += c.energy
    return e


def enumerate_events(model: KMCModel, lattice: Lattice, state,
                     rates: np.ndarray | None = None) -> list[tuple[float, int, int, int]]:
    """Every possible event: list of (rate s^-1, process index, site, partner site or -1)."""
    code = {s: i for i, s in enumerate(model.species)}
    kind = {k: i for i, k in enumerate(lattice.kind_names)}
    beta = model.beta
    lateral = bool(model.interactions)
    e0 = total_energy(model, lattice, state) if lateral else 0.0
    out = []
    for pi, p in enumerate(model.processes):
        r0 = p.rate if rates is None else float(rates[pi])
        a0 = code[p.initial[0]]
        nbr = lattice.neighbors(p.shell) if p.n_sites == 2 else None
        for s in range(lattice.n_sites):
            if state[s] != a0:
                continue
            partners = [-1]
            if p.n_sites == 2:
                k1 = kind[model.kind_of(p.initial[1])]
                partners = [int(u) for u in nbr[s] if u >= 0 and lattice.site_kind[u] == k1
                            and state[u] == code[p.initial[1]]]
            for t in partners:
                r = r0
                if lateral and p.alpha != 0.0 and r > 0:
                    new = np.array(state, copy=True)
                    new[s] = code[p.final[0]]
                    if t >= 0:
                        new[t] = code[p.final[1]]
                    de = total_energy(model, lattice, new) - e0
                    r *= math.exp(-p.alpha * beta * de)
                if r > 0:
                    out.append((r, pi, s, t))
    return out


def run_reference(model: KMCModel, lattice: Lattice, state, n_events: int, seed: int,
                  rates: np.ndarray | None = None) -> dict:
    """Run ``n_events`` events from ``state``; returns dict with the final ``state``,
    ``time`` (s), ``counts`` (firings per process) and ``cov_int`` (time integral of the
    number of sites per species, site s)."""
    rng = random.Random(seed)
    state = np.array(state, dtype=np.int8, copy=True)
    code = {s: i for i, s in enumerate(model.species)}
    ns = len(model.species)
    counts = np.zeros(len(model.processes), dtype=np.int64)
    cov_int = np.zeros(ns)
    t = 0.0
    for _ in range(n_events):
        evs = enumerate_events(model, lattice, state, rates)
        R = sum(e[0] for e in evs)
        if R <= 0:
            break
        dt = -math.log(1.0 - rng.random()) / R
        cov_int += np.bincount(state, minlength=ns) * dt
        t += dt
        x = rng.random() * R
        k = 0
        while k < len(evs) - 1 and x >= evs[k][0]:
            x -= evs[k][0]
            k += 1
        _, pi, s, u = evs[k]
        p = model.processes[pi]
        state[s] = code[p.final[0]]
        if u >= 0:
            state[u] = code[p.final[1]]
        counts[pi] += 1
    return dict(state=state, time=t, counts=counts, cov_int=cov_int)
