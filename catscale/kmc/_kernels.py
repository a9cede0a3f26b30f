"""Numba kernels of the lattice kMC engine: rejection-free VSSM (n-fold way).

Data layout (all contiguous):

* ``state`` int8 (n,): species code on every site.
* ``slot_rate`` float64 (n, S): rate of every event slot anchored at a site; slot ``q`` of a
  site with basis index ``b`` is process ``slot_p[b, q]`` on the neighbour in column
  ``slot_c[b, q]`` of ``nbr`` (or a single-site process when -1).
* ``tree`` float64 (2 P2,): binary sum tree over the per-site totals (leaf of site s at
  ``P2 + s``); a parent is always recomputed as the sum of its two children, so the tree is an
  exact function of the leaves (restarting from a checkpoint reproduces it bit for bit).
* ``rng`` uint64 (4,): xoshiro256** state (Blackman & Vigna 2018), saved in checkpoints.

Selection costs O(log n) (tree descent) plus O(S) within the site; after an event only the
anchors listed in ``dep`` of the changed sites are recomputed (local updates).
"""

from __future__ import annotations

import numpy as np
from numba import njit

_U5 = np.uint64(5)
_U9 = np.uint64(9)
_S7 = np.uint64(7)
_S11 = np.uint64(11)
_S17 = np.uint64(17)
_S45 = np.uint64(45)
_S57 = np.uint64(57)
_S19 = np.uint64(19)
_S64 = np.uint64(64)
_INV53 = 1.0 / 9007199254740992.0


@njit(cache=True, inline="always")
def _rotl(x, k):
    return (x << k) | (x >> (_S64 - k))


@njit(cache=True)
def next_u64(s):
    """xoshiro256** step on the state array ``s`` (uint64, 4); returns a uint64."""
    result = _rotl(s[1] * _U5, _S7) * _U9
    t = s[1] << _S17
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = _rotl(s[3], _S45)
    return result


@njit(cache=True)
def next_double(s):
    """Uniform double in [0, 1) with 53 random bits."""
    return float(next_u64(s) >> _S11) * _INV53


@njit(cache=True)
def _cluster_energy(s, t, state, cl_sites, cl_spec, cl_eps, site_cl):
    """Energy (eV) of the many-body clusters containing site s or t (t may be -1)."""
    e = 0.0
    for k in range(2):
        c = s if k == 0 else t
        if c < 0:
            continue
        for kk in range(site_cl.shape[1]):
            inst = site_cl[c, kk]
            if inst < 0:
                break
            if k == 1:  # skip clusters already counted through s
                dup = False
                for m in range(cl_sites.shape[1]):
                    if cl_sites[inst, m] == s:
                        dup = True
                if dup:
                    continue
            ok = True
            for m in range(cl_sites.shape[1]):
                x = cl_sites[inst, m]
                if x < 0:
                    break
                if state[x] != cl_spec[inst, m]:
                    ok = False
                    break
            if ok:
                e += cl_eps[inst]
    return e


@njit(cache=True)
def delta_energy(s, t, a_new, b_new, sh_st, state, h, eps, cl_sites, cl_spec, cl_eps,
                 site_cl):
    """Local lateral reaction energy (final - initial, eV) of setting s->a_new, t->b_new.

    Pair terms come from the field ``h[x, species]`` (sum of the pair energies a species
    would have on site x with the current neighbours); ``sh_st`` is the shell (0-based)
    joining s and t. Clusters are evaluated directly (apply, evaluate, revert).
    """
    a = state[s]
    de = h[s, a_new] - h[s, a]
    if t >= 0:
        b = state[t]
        de += h[t, b_new] - h[t, b]
        # h[s, .] counted t in its old state b, h[t, .] counted s in its old state a
        de += (eps[sh_st, a, b] - eps[sh_st, a_new, b] - eps[sh_st, b_new, a]
               + eps[sh_st, a_new, b_new])
    if cl_sites.shape[0] > 0:
        e0 = _cluster_energy(s, t, state, cl_sites, cl_spec, cl_eps, site_cl)
        state[s] = a_new
        if t >= 0:
            b_old = state[t]
            state[t] = b_new
        e1 = _cluster_energy(s, t, state, cl_sites, cl_spec, cl_eps, site_cl)
        state[s] = a
        if t >= 0:
            state[t] = b_old
        de += e1 - e0
    return de


@njit(cache=True)
def field_site(x, state, nbr, col_shell, z_int, eps, h):
    """Recompute h[x, :] = sum over interaction neighbours u of eps[shell, :, state[u]]."""
    ns = h.shape[1]
    for k in range(ns):
        h[x, k] = 0.0
    for col in range(z_int):
        u = nbr[x, col]
        if u < 0:
            continue
        sh = col_shell[col]
        b = state[u]
        for k in range(ns):
            h[x, k] += eps[sh, k, b]


@njit(cache=True)
def _field_change(c, old, new, nbr, col_shell, z_int, eps, h):
    """Site c changed from species old to new: update h of its interaction neighbours."""
    ns = h.shape[1]
    for col in range(z_int):
        u = nbr[c, col]
        if u < 0:
            continue
        sh = col_shell[col]
        for k in range(ns):
            h[u, k] += eps[sh, k, new] - eps[sh, k, old]


@njit(cache=True)
def site_rates(s, state, nbr, basis_of, slot_p, slot_c, p_n, p_in, p_out, p_rate, p_alpha,
               p_shell, lateral, h, eps, cl_sites, cl_spec, cl_eps, site_cl, beta,
               slot_rate):
    """Recompute the slot rates (s^-1) of anchor site s; returns their sum."""
    b = basis_of[s]
    a = state[s]
    tot = 0.0
    for q in range(slot_p.shape[1]):
        p = slot_p[b, q]
        r = 0.0
        if p >= 0 and a == p_in[p, 0]:
            t = -1
            ok = True
            if p_n[p] == 2:
                t = nbr[s, slot_c[b, q]]
                ok = t >= 0 and state[t] == p_in[p, 1]
            if ok:
                r = p_rate[p]
                if lateral and p_alpha[p] != 0.0 and r > 0.0:
                    de = delta_energy(s, t, p_out[p, 0], p_out[p, 1], p_shell[p], state, h,
                                      eps, cl_sites, cl_spec, cl_eps, site_cl)
                    r *= np.exp(-p_alpha[p] * beta * de)
        slot_rate[s, q] = r
        tot += r
    return tot


@njit(cache=True)
def _tree_set(tree, P2, s, value):
    node = P2 + s
    tree[node] = value
    node >>= 1
    while node >= 1:
        tree[node] = tree[2 * node] + tree[2 * node + 1]
        node >>= 1


@njit(cache=True)
def build(state, nbr, basis_of, slot_p, slot_c, p_n, p_in, p_out, p_rate, p_alpha, p_shell,
          lateral, col_shell, z_int, h, eps, cl_sites, cl_spec, cl_eps, site_cl, beta,
          slot_rate, tree):
    """Compute the interaction field, every slot rate and the whole sum tree (O(n))."""
    n = state.shape[0]
    P2 = tree.shape[0] // 2
    tree[:] = 0.0
    if lateral:
        for s in range(n):
            field_site(s, state, nbr, col_shell, z_int, eps, h)
    for s in range(n):
        tree[P2 + s] = site_rates(s, state, nbr, basis_of, slot_p, slot_c, p_n, p_in, p_out,
                                  p_rate, p_alpha, p_shell, lateral, h, eps, cl_sites,
                                  cl_spec, cl_eps, site_cl, beta, slot_rate)
    for node in range(P2 - 1, 0, -1):
        tree[node] = tree[2 * node] + tree[2 * node + 1]


@njit(cache=True)
def run(state, nbr, basis_of, slot_p, slot_c, p_n, p_in, p_out, p_rate, p_alpha, p_shell,
        lateral, col_shell, z_int, h, eps, cl_sites, cl_spec, cl_eps, site_cl, beta, slot_rate,
        tree, dep, rng, p_count, n_count, cov_int, clock, mark, n_events, t_stop):
    """Run up to ``n_events`` VSSM events or until the clock reaches ``t_stop`` (s).

    Updates in place: state, slot_rate, tree, rng, p_count (firings per process), n_count
    (sites per species), cov_int (time integral of n_count, site s), clock[0] (time, s),
    mark (scratch, int64 (n + 1,), last entry is the stamp counter).

    Returns
    -------
    (events done, status): status 0 = n_events done, 1 = t_stop reached, 2 = no event
    possible (absorbing state).
    """
    P2 = tree.shape[0] // 2
    S = slot_p.shape[1]
    ns = n_count.shape[0]
    D = dep.shape[1]
    done = 0
    t = clock[0]
    stamp = mark[mark.shape[0] - 1]
    status = 0
    while done < n_events:
        R = tree[1]
        if not R > 0.0:
            status = 2
            break
        dt = -np.log(1.0 - next_double(rng)) / R
        if t + dt >= t_stop:
            for k in range(ns):
                cov_int[k] += n_count[k] * (t_stop - t)
            t = t_stop
            status = 1
            break
        for k in range(ns):
            cov_int[k] += n_count[k] * dt
        t += dt
        # -- select the site (tree descent) and the slot ---------------------------------
        x = next_double(rng) * R
        node = 1
        while node < P2:
            left = 2 * node
            if x < tree[left] or not tree[left + 1] > 0.0:
                node = left
            else:
                x -= tree[left]
                node = left + 1
        s = node - P2
        b = basis_of[s]
        q_sel = -1
        for q in range(S):
            r = slot_rate[s, q]
            if r > 0.0:
                q_sel = q
                if x < r:
                    break
                x -= r
        p = slot_p[b, q_sel]
        # -- execute ---------------------------------------------------------------------
        a = state[s]
        n_count[a] -= 1
        state[s] = p_out[p, 0]
        n_count[p_out[p, 0]] += 1
        if lateral:
            _field_change(s, a, p_out[p, 0], nbr, col_shell, z_int, eps, h)
        t2 = -1
        if p_n[p] == 2:
            t2 = nbr[s, slot_c[b, q_sel]]
            a2 = state[t2]
            n_count[a2] -= 1
            state[t2] = p_out[p, 1]
            n_count[p_out[p, 1]] += 1
            if lateral:
                _field_change(t2, a2, p_out[p, 1], nbr, col_shell, z_int, eps, h)
        p_count[p] += 1
        done += 1
        # -- local update ----------------------------------------------------------------
        stamp += 1
        for k in range(2):
            c = s if k == 0 else t2
            if c < 0:
                continue
            for j in range(D):
                u = dep[c, j]
                if u < 0:
                    continue
                if mark[u] == stamp:
                    continue
                mark[u] = stamp
                tot = site_rates(u, state, nbr, basis_of, slot_p, slot_c, p_n, p_in, p_out,
                                 p_rate, p_alpha, p_shell, lateral, h, eps, cl_sites,
                                 cl_spec, cl_eps, site_cl, beta, slot_rate)
                _tree_set(tree, P2, u, tot)
    clock[0] = t
    mark[mark.shape[0] - 1] = stamp
    return done, status


@njit(cache=True)
def pair_counts(state, nbr, cols, ns):
    """Counts (ns, ns) of ordered neighbour pairs (s, nbr[s, c]) for c in ``cols``."""
    out = np.zeros((ns, ns), dtype=np.int64)
    for s in range(state.shape[0]):
        for c in cols:
            u = nbr[s, c]
            if u >= 0:
                out[state[s], state[u]] += 1
    return out
