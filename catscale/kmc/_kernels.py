"""Numba kernels of the lattice kMC engine: VSSM (n-fold way) with per-process event lists.

Events are *slots*: slot ``q`` of an anchor site ``u`` (basis index ``b``) is process
``slot_p[b, q]`` on ``u`` alone or on the pair (``u``, ``nbr[u, slot_c[b, q]]``). The slot id
is ``u * S + q``.

Data layout (all contiguous, all kept in arrays so that the kernel never allocates):

* ``state`` int8 (n,): species code on every site.
* ``stab`` int64 (nb, S, 8): slot table, per basis site and slot the process, the partner's
  neighbour column, the number of sites, the initial and final states of anchor and partner
  and the pair self-term of the reaction energy (quanta); ``run`` reads the event templates
  only from it (one cache line per slot instead of six tables).
* ``mask`` uint64 (n, W): bit ``q`` set when slot ``q`` of the site is enabled (its occupancy
  pattern matches and its process has a non-zero rate). A mask is recomputed from the states
  of the anchor and its pair partners by table look-up: ``A[b, state[u]] & AND_k C[b, k,
  state[partner k]]``.
* Per process ``p`` and rate group ``g`` a list ``lst[off[p, g]:off[p, g] + seg[p, g]]`` of
  enabled slot ids with a position index ``pos[id]`` (O(1) insertion and removal by swapping
  with the last). A process of constant rate has one group. The instances of a process whose
  rate depends on the local configuration (lateral interactions) are sorted into rate groups
  (composition-rejection, Slepoy, Thompson & Plimpton, J. Chem. Phys. 128, 205101 (2008)):
  group ``g`` holds the instances with rate in ``(bound_g / 2, bound_g]``, ``bound_g = top_p
  2^(g - G + 1)``; the lowest group also holds anything slower. Between rebuilds an instance
  whose rate fell may stay up to ``ctl[3]`` groups above its own (hysteresis: far fewer
  moves between groups for a few more null draws); it never stays below its own group, so
  ``rate <= bound`` holds for every listed instance at every step. ``Wp[p] = sum_g seg[p, g] 2^g``
  is an exact integer, and the bound on the total rate of the process is ``unit[p] * Wp[p]``.
  A group that can grow raises ``ctl[0]`` when fewer than ``ctl[1]`` places are free; the
  kernel then stops before the next event (status 3) and the caller enlarges it.
* ``h`` int64 (n, ns): lateral field, ``h[x, k]`` = pair energy that species k would have on
  site x with the current neighbours, in integer quanta (``eps`` is quantised to 2^-50 eV by
  the caller, so that every incremental update is exact and the field is always a function of
  the state alone).
* ``rng`` uint64 (4,): xoshiro256** state (Blackman & Vigna 2018), saved in checkpoints.

A step draws the process from the totals ``unit[p] * Wp[p]`` (linear scan over the few
processes), a rate group by its integer weight, an instance uniformly inside the group, and
accepts it with probability ``rate / bound_g`` (>= 1/2; always 1 for a process of constant
rate). A rejected draw is a null event: the clock still advances by an exponential time of the
bound total (thinning), which leaves the dynamics exact. After an event only the slots whose
pattern contains a changed site are re-masked: the changed site in full, and each anchor that
has it as a partner (``rev_anchor``) only on the slots pointing at it (``rev_bits``), by
``(old & ~R) | (R & A[b, state[u]] & PR[b, state[c]])``. With lateral interactions the enabled
instances touching a site whose field changed (``hset``) are re-grouped; instances created by
the event already have their group. No exponential is evaluated for that: the group of an
instance follows from its integer reaction energy by one multiply and a floor.

Performance notes (numba): the hot loop is one function; helpers are inlined at the numba IR
level (``inline="always"``) and ``run`` is compiled without reference counting
(``_nrt=False``: it allocates nothing), because calls passing many arrays and the atomic
reference-count updates around them cost more than the work they do. Array indices on the
hot paths are passed through ``_u`` (unsigned): numba then emits no negative-index
wraparound, which in a function with ~50 array arguments also removes a live array shape per
indexed array and most register spills (measured: -25 % time per event at 64^2, -40 % at
256^2). The pattern update runs in two passes (new masks, then list operations in the same
order); on lattices whose per-slot data exceed a core's L2 cache (``ctl[2]``) the kernel
prefetches the event's neighbourhood, the list entries about to be removed and the position
index of the entries that will fill their places (a pure hint: same trajectory, tested).
It also runs one event ahead: the next event's selection draws are already in the random
stream (``peek_draws``), so its list entry is picked with the present totals and loaded at
the start of the event, and its site's rows after the mask pass; the next selection then
finds them in cache unless the lists changed under the pick (measured at 256^2, interleaved
in one process: +5-20 % events/s for ZGB, +25-50 % for CO oxidation with hops).
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.cpython.unsafe.numbers import trailing_zeros
from numba.extending import intrinsic

_U5 = np.uint64(5)
_U9 = np.uint64(9)
_S7 = np.uint64(7)
_S11 = np.uint64(11)
_S17 = np.uint64(17)
_S45 = np.uint64(45)
_S64 = np.uint64(64)
_ONE = np.uint64(1)
_ZERO = np.uint64(0)
_INV53 = 1.0 / 9007199254740992.0
_LN2 = 0.6931471805599453


@njit(cache=True, inline="always")
def _rotl(x, k):
    return (x << k) | (x >> (_S64 - k))


@njit(cache=True, inline="always")
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


@njit(cache=True, inline="always")
def next_double(s):
    """Uniform double in [0, 1) with 53 random bits."""
    return float(next_u64(s) >> _S11) * _INV53


@njit(cache=True, inline="always")
def peek_draws(s, k1, k2):
    """Outputs number ``k1`` and ``k2`` (1-based, k1 < k2) of the xoshiro256** stream ``s``
    from its current state, without advancing it (draws of events to come: prefetch hints)."""
    s0, s1, s2, s3 = s[0], s[1], s[2], s[3]
    out1 = _ZERO
    r = _ZERO
    for k in range(1, k2 + 1):
        r = _rotl(s1 * _U5, _S7) * _U9
        if k == k1:
            out1 = r
        t = s1 << _S17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = _rotl(s3, _S45)
    return out1, r


@njit(cache=True, inline="always")
def _pick(r2, r3, R, unit, Wp, G, seg, off):
    """(process, index into ``lst``) selected by the raw draws r2 (process) and r3 (rate
    group and instance) with the totals as they are: the process by its bound total
    ``unit[p] * Wp[p]`` (``R`` their sum, s^-1), the group by its integer weight, the instance
    uniformly. ``run`` selects every event with it, and with the peeked draws of the next
    event picks the entry it prefetches."""
    x = float(r2 >> _S11) * _INV53 * R
    p = -1
    for pp in range(unit.shape[0]):
        if Wp[_u(pp)] > 0:
            p = pp
            r = unit[_u(pp)] * Wp[_u(pp)]
            if x < r:
                break
            x -= r
    up = _u(p)
    if G[up] == 1:
        cnt = seg[up, 0]
        i = np.int64(float(r3 >> _S11) * _INV53 * cnt)
        if i >= cnt:
            i = cnt - 1
        return p, off[up, 0] + i
    y = np.int64(r3 >> _ONE) % Wp[up]
    g = G[up] - 1
    while g > 0:
        c = seg[up, _u(g)] << g
        if y < c:
            break
        y -= c
        g -= 1
    return p, off[up, _u(g)] + (y >> g)


@intrinsic
def prefetch(typingctx, arr, i):
    """Hint the CPU to load the cache line of ``arr[i, 0, ...]`` (no effect on results)."""
    sig = types.void(arr, i)

    def codegen(context, builder, signature, args):
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        zero = context.get_constant(types.intp, 0)
        idx = [context.cast(builder, args[1], signature.args[1], types.intp)]
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary,
                                       idx + [zero] * (aryty.ndim - 1), wraparound=False)
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32]),
            "llvm.prefetch.p0i8")
        # read access, high temporal locality, data cache
        builder.call(fn, [builder.bitcast(ptr, i8p), ir.Constant(i32, 0), ir.Constant(i32, 3),
                          ir.Constant(i32, 1)])
        return context.get_dummy_value()

    return sig, codegen


@njit(cache=True, inline="always")
def _u(i):
    """An index known to be >= 0 as unsigned: numba then emits no negative-index
    wraparound (three instructions and a live array shape per access)."""
    return np.uint64(i)


# -- lateral energies (integer quanta) -------------------------------------------------------

@njit(cache=True)
def _cluster_energy(s, t, state, cl_sites, cl_spec, cl_eps, site_cl):
    """Energy (quanta) of the many-body clusters containing site s or t (t may be -1)."""
    e = 0
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
def _cluster_delta(s, t, a_new, b_new, state, cl_sites, cl_spec, cl_eps, site_cl):
    """Change of the cluster energy (quanta) when s -> a_new and t -> b_new."""
    e0 = _cluster_energy(s, t, state, cl_sites, cl_spec, cl_eps, site_cl)
    a = state[s]
    state[s] = a_new
    b_old = a
    if t >= 0:
        b_old = state[t]
        state[t] = b_new
    e1 = _cluster_energy(s, t, state, cl_sites, cl_spec, cl_eps, site_cl)
    state[s] = a
    if t >= 0:
        state[t] = b_old
    return e1 - e0


@njit(cache=True)
def field_site(x, state, nbr, col_shell, z_int, eps, h):
    """Recompute h[x, :] = sum over interaction neighbours u of eps[shell, :, state[u]]."""
    ns = h.shape[1]
    for k in range(ns):
        h[x, k] = 0
    for col in range(z_int):
        u = nbr[x, col]
        if u < 0:
            continue
        sh = col_shell[col]
        b = state[u]
        for k in range(ns):
            h[x, k] += eps[sh, k, b]


@njit(cache=True, inline="always")
def _field_change(c, old, new, nbr, col_shell, z_int, eps, h):
    """Site c changed from species old to new: update h of its interaction neighbours."""
    ns = h.shape[1]
    for col in range(z_int):
        u = nbr[_u(c), _u(col)]
        if u < 0:
            continue
        sh = _u(col_shell[_u(col)])
        for k in range(ns):
            h[_u(u), _u(k)] += eps[sh, _u(k), _u(new)] - eps[sh, _u(k), _u(old)]


@njit(cache=True, inline="always")
def slot_de(u, b, q, stab, state, nbr, h, cl_sites, cl_spec, cl_eps, site_cl):
    """Local lateral reaction energy (final - initial, quanta) of the enabled slot q of
    site u (basis b), from its row of the slot table ``stab[b, q]`` = (process, partner
    column, sites, in0, out0, in1, out1, pair self-term).

    Pair terms from the field h; the self-term removes the double counting of the pair
    (u, t) itself (it depends on the process only). Clusters are evaluated directly.
    """
    uu = _u(u)
    ub, uq = _u(b), _u(q)
    de = h[uu, _u(stab[ub, uq, 4])] - h[uu, _u(stab[ub, uq, 3])]
    t = -1
    if stab[ub, uq, 2] == 2:
        t = nbr[uu, _u(stab[ub, uq, 1])]
        ut = _u(t)
        de += h[ut, _u(stab[ub, uq, 6])] - h[ut, _u(stab[ub, uq, 5])] + stab[ub, uq, 7]
    if cl_sites.shape[0] > 0:
        de += _cluster_delta(u, t, stab[ub, uq, 4], stab[ub, uq, 6], state, cl_sites,
                             cl_spec, cl_eps, site_cl)
    return de


@njit(cache=True, inline="always")
def _group(x, G):
    """Rate group of an instance with scaled log-distance x >= 0 below the top bound."""
    if x < 0.0:
        return G - 1
    if x >= G:
        return 0
    return G - 1 - int(x)


# -- masks -----------------------------------------------------------------------------------

@njit(cache=True, inline="always")
def compute_mask(u, w, state, nbr, basis_of, pair_cols, A, C):
    """Word w of the enabled-slot mask of anchor u, from the states of u and its partners."""
    b = _u(basis_of[_u(u)])
    uw = _u(w)
    m = A[b, _u(state[_u(u)]), uw]
    for k in range(pair_cols.shape[1]):
        col = pair_cols[b, _u(k)]
        if col < 0:
            break
        m &= C[b, _u(k), _u(state[_u(nbr[_u(u), _u(col)])]), uw]
    return m


# -- grouped per-process lists ----------------------------------------------------------------

@njit(cache=True, inline="always")
def _insert(idv, p, g, lst, pos, grp, seg, Wp, off, gcap, ctl, G):
    """Append slot id ``idv`` to group g of process p (O(1)); raise the grow flag ``ctl[0]``
    when fewer than ``ctl[1]`` free places are left in a group that can grow."""
    up, ug, ui = _u(p), _u(g), _u(idv)
    i = seg[up, ug]
    lst[_u(off[up, ug] + i)] = idv
    pos[ui] = i
    seg[up, ug] = i + 1
    if G > 1:
        grp[ui] = g
        if i + 1 + ctl[1] > gcap[up, ug]:
            ctl[0] = 1
    Wp[up] += np.int64(1) << g


@njit(cache=True, inline="always")
def _remove(idv, p, lst, pos, grp, seg, Wp, off, gcap, ctl, G):
    """Remove slot id ``idv`` from its group of process p (swap with the last, O(1))."""
    ui, up = _u(idv), _u(p)
    g = np.int64(grp[ui]) if G > 1 else 0
    ug = _u(g)
    i = pos[ui]
    base = off[up, ug]
    last = seg[up, ug] - 1
    j = lst[_u(base + last)]
    lst[_u(base + i)] = j
    pos[_u(j)] = i
    seg[up, ug] = last
    pos[ui] = -1
    Wp[up] -= np.int64(1) << g


# -- build and run ---------------------------------------------------------------------------

@njit(cache=True)
def build(state, nbr, basis_of, stab, lateral, col_shell, z_int, h, eps, cl_sites, cl_spec,
          cl_eps, site_cl, pair_cols, A, C, mask, varies, G, c0, sp, lst, pos, grp, seg, Wp,
          off, gcap, ctl, fill):
    """Compute the field, every mask and every per-process list from the state (O(n S)).

    The lists come out in a canonical order (sites ascending, slots ascending), so the
    structure is a function of the state alone.
    """
    n = state.shape[0]
    S = stab.shape[1]
    if lateral:
        for s in range(n):
            field_site(s, state, nbr, col_shell, z_int, eps, h)
    seg[:, :] = 0
    Wp[:] = 0
    if fill:
        pos[:] = -1
        grp[:] = 0
    for u in range(n):
        b = basis_of[u]
        for w in range(mask.shape[1]):
            m = compute_mask(u, w, state, nbr, basis_of, pair_cols, A, C)
            mask[u, w] = m
            d = m
            while d != _ZERO:
                q = w * 64 + int(trailing_zeros(d))
                d &= d - _ONE
                p = stab[b, q, 0]
                g = 0
                if varies[p]:
                    de = slot_de(u, b, q, stab, state, nbr, h, cl_sites, cl_spec, cl_eps,
                                 site_cl)
                    g = _group(c0[p] + sp[p] * de, G[p])
                if fill:
                    _insert(u * S + q, p, g, lst, pos, grp, seg, Wp, off, gcap, ctl, G[p])
                else:  # counting pass: group sizes only
                    seg[p, g] += 1


@njit(cache=True, _nrt=False, error_model="numpy")
def run(state, nbr, basis_of, stab, lateral, col_shell, z_int, h, eps, cl_sites, cl_spec,
        cl_eps, site_cl, pair_cols, A, C, mask, varies, G, c0, sp, lst, pos, grp, seg, Wp, off,
        gcap, ctl, unit, rev_anchor, rev_bits, latbits, PR, hset, vrole, rng, p_count, n_count,
        cov_int, clock, mark, hbuf, mbuf, n_events, t_stop):
    """Run up to ``n_events`` VSSM events or until the clock reaches ``t_stop`` (s).

    Updates in place: state, masks, lists, field, rng, p_count (firings per process),
    n_count (sites per species), cov_int (time integral of n_count, site s), clock[0]
    (time, s), mark (scratch, int64 (n + 1,), last entry is the stamp counter), hbuf
    (scratch, int64 (2 H + 2,)), mbuf (scratch, uint64 (8 (RA + 1) W,)).

    Returns
    -------
    (events done, status, null events): status 0 = n_events done, 1 = t_stop reached,
    2 = no event possible (absorbing state), 3 = a rate group must grow (call again).
    """
    P = unit.shape[0]
    S = stab.shape[1]
    ns = n_count.shape[0]
    W = mask.shape[1]
    RA = rev_anchor.shape[1]
    HS = hset.shape[1]
    done = 0
    nulls = 0
    t = clock[0]
    stamp = mark[mark.shape[0] - 1]
    status = 0
    pf = ctl[2] != 0  # software prefetching (lattices whose event data exceed the L2 cache)
    hyst = ctl[3]  # rate-group hysteresis (groups an instance may stay above its own)
    while done < n_events:
        if ctl[0] != 0:  # a rate group is nearly full: the caller grows it and calls again
            status = 3
            break
        R = 0.0
        for p in range(P):
            R += unit[_u(p)] * Wp[_u(p)]
        if not R > 0.0:
            status = 2
            break
        dt = -np.log(1.0 - next_double(rng)) / R
        if t + dt >= t_stop:
            for k in range(ns):
                cov_int[_u(k)] += n_count[_u(k)] * (t_stop - t)
            t = t_stop
            status = 1
            break
        for k in range(ns):
            cov_int[_u(k)] += n_count[_u(k)] * dt
        t += dt
        # -- select the process, the rate group and the instance -------------------------
        r2 = next_u64(rng)
        r3 = next_u64(rng)
        p, sel = _pick(r2, r3, R, unit, Wp, G, seg, off)
        up = _u(p)
        Gp = G[up]
        idv = lst[_u(sel)]
        s = np.int64(_u(idv) // _u(S))
        q = idv - s * S
        us = _u(s)
        b = basis_of[us]
        # the event's neighbourhood is read below (masks, list positions, states, field) in a
        # chain of dependent loads: start loading the cache lines of every anchor now
        for j in range(RA if pf else 0):
            u = rev_anchor[us, _u(j)]
            if u >= 0:
                prefetch(mask, u)
                prefetch(pos, u * S)
                prefetch(state, u)
                if lateral:
                    prefetch(h, u)
        if varies[up]:
            de = slot_de(s, b, q, stab, state, nbr, h, cl_sites, cl_spec, cl_eps, site_cl)
            xx = c0[up] + sp[up] * de
            gg = np.int64(grp[_u(idv)])
            # accept with rate / bound = 2^((G - 1 - g) - x), in (1/2, 1] unless clamped
            if next_double(rng) >= np.exp(((Gp - 1 - gg) - xx) * _LN2):
                nulls += 1
                continue
        if pf:
            # software pipeline over the next two events, whose selection draws are already
            # in the stream: picked with the present totals (the lists change a little in
            # between, so these are hints), the entry of event +2 starts loading now, and
            # the site of event +1 (its entry loaded during the previous event) now
            r2, r3 = peek_draws(rng, 2, 3)
            p1, spec1 = _pick(r2, r3, R, unit, Wp, G, seg, off)
            prefetch(lst, spec1)
        # -- execute ---------------------------------------------------------------------
        a = state[us]
        ub, uq = _u(b), _u(q)
        a_new = stab[ub, uq, 4]
        n_count[_u(a)] -= 1
        state[us] = a_new
        n_count[_u(a_new)] += 1
        if lateral:
            _field_change(s, a, a_new, nbr, col_shell, z_int, eps, h)
        t2 = -1
        a2 = 0
        b_new = 0
        if stab[ub, uq, 2] == 2:
            t2 = nbr[us, _u(stab[ub, uq, 1])]
            ut = _u(t2)
            a2 = state[ut]
            b_new = stab[ub, uq, 6]
            n_count[_u(a2)] -= 1
            state[ut] = b_new
            n_count[_u(b_new)] += 1
            if lateral:
                _field_change(t2, a2, b_new, nbr, col_shell, z_int, eps, h)
        p_count[up] += 1
        done += 1
        # -- pattern update: anchors whose slots contain a changed site ------------------
        # (written out in the loop: a call passing all these arrays would cost more than
        # the work it does). Two passes: the new masks first (recording the changed words
        # in mbuf and prefetching the list entries that will be removed), then the list
        # operations in the same order, so that the cache misses of the random list
        # accesses overlap instead of forming a chain.
        nm = 0
        for k in range(2):
            c = s if k == 0 else t2
            if c < 0:
                continue
            uc = _u(c)
            sx = _u(state[uc])
            bc = _u(basis_of[uc])
            for j in range(-1, RA):
                u = c if j < 0 else rev_anchor[uc, _u(j)]
                if u < 0:
                    break
                uu = _u(u)
                bu = _u(basis_of[uu])
                for w in range(W):
                    uw = _u(w)
                    old = mask[uu, uw]
                    if j < 0:
                        new = compute_mask(u, w, state, nbr, basis_of, pair_cols, A, C)
                    else:
                        # only the slots of u whose partner is c can change: their anchor
                        # and partner tests by look-up (no walk over u's other partners)
                        R = rev_bits[bc, _u(j), uw]
                        new = (old & ~R) | (R & A[bu, _u(state[uu]), uw] & PR[bu, sx, uw])
                    if new == old:
                        continue
                    mask[uu, uw] = new
                    mbuf[_u(4 * nm)] = uu
                    mbuf[_u(4 * nm + 1)] = uw
                    mbuf[_u(4 * nm + 2)] = old
                    mbuf[_u(4 * nm + 3)] = new
                    nm += 1
                    d = old & ~new
                    while pf and d != _ZERO:
                        qq = w * 64 + int(trailing_zeros(d))
                        d &= d - _ONE
                        pq = _u(stab[bu, _u(qq), 0])
                        idq = _u(u * S + qq)
                        gq = np.int64(grp[idq]) if G[pq] > 1 else 0
                        prefetch(lst, off[pq, _u(gq)] + pos[idq])
                        # the removal moves the group's last entry into the hole and
                        # rewrites that entry's position index: a random site's line
                        prefetch(pos, lst[_u(off[pq, _u(gq)] + seg[pq, _u(gq)] - 1)])
        if pf:
            v1 = np.int64(_u(lst[_u(spec1)]) // _u(S))
            prefetch(mask, v1)
            prefetch(pos, v1 * S)
            prefetch(state, v1)
            prefetch(rev_anchor, v1)
            prefetch(nbr, v1)
            if lateral:
                prefetch(h, v1)
        for im in range(nm):
            u = np.int64(mbuf[_u(4 * im)])
            w = np.int64(mbuf[_u(4 * im + 1)])
            old = mbuf[_u(4 * im + 2)]
            new = mbuf[_u(4 * im + 3)]
            bu = _u(basis_of[_u(u)])
            d = old & ~new
            while d != _ZERO:
                qq = w * 64 + int(trailing_zeros(d))
                d &= d - _ONE
                pq = stab[bu, _u(qq), 0]
                _remove(u * S + qq, pq, lst, pos, grp, seg, Wp, off, gcap, ctl, G[_u(pq)])
            d = new & ~old
            while d != _ZERO:
                qq = w * 64 + int(trailing_zeros(d))
                d &= d - _ONE
                pq = stab[bu, _u(qq), 0]
                g = 0
                if varies[_u(pq)]:
                    de = slot_de(u, bu, qq, stab, state, nbr, h, cl_sites, cl_spec, cl_eps,
                                 site_cl)
                    g = _group(c0[_u(pq)] + sp[_u(pq)] * de, G[_u(pq)])
                _insert(u * S + qq, pq, g, lst, pos, grp, seg, Wp, off, gcap, ctl, G[_u(pq)])
        # -- rate groups of instances touching a site whose field changed ----------------
        # H = changed sites and the sites reading them (hset). Every varying instance with
        # its anchor or its partner in H is re-grouped once: the instances anchored in H,
        # plus those anchored outside H whose partner is in H.
        if lateral:
            stamp += 1
            nh = 0
            # a site whose state changed has only new instances (inserted above with their
            # group): it is marked (so that its partners skip them) but not visited
            for k in range(2):
                c = s if k == 0 else t2
                if c < 0 or mark[_u(c)] == stamp:
                    continue
                mark[_u(c)] = stamp
                if (a == a_new) if k == 0 else (a2 == b_new):
                    hbuf[_u(nh)] = c
                    nh += 1
            for k in range(2):
                c = s if k == 0 else t2
                if c < 0:
                    continue
                for j in range(HS):
                    y = hset[_u(c), _u(j)]
                    if y < 0:
                        break
                    if mark[_u(y)] != stamp:
                        mark[_u(y)] = stamp
                        hbuf[_u(nh)] = y
                        nh += 1
            if pf:
                # the instances below read the masks, fields and groups of the sites around
                # H (distance 2 from the event): start loading them all at once
                for ih in range(nh):
                    y = hbuf[_u(ih)]
                    for jj in range(RA):
                        u = rev_anchor[_u(y), _u(jj)]
                        if u >= 0:
                            prefetch(mask, u)
                            prefetch(h, u)
                            prefetch(grp, u * S)
                            prefetch(pos, u * S)
            for ih in range(nh):
                y = hbuf[_u(ih)]
                by = _u(basis_of[_u(y)])
                # roles the state of y can play in an instance of a varying process: bit 0
                # anchor (first pattern site), bit 1 partner (second); none: nothing to do
                role = vrole[_u(state[_u(y)])]
                for jj in range(-1 if role & 1 else 0, RA if role & 2 else 0):
                    u = y if jj < 0 else rev_anchor[_u(y), _u(jj)]
                    if u < 0:
                        break
                    uu = _u(u)
                    # a partner slot of u is a varying instance only if u's state can
                    # anchor one (one byte read before the masks)
                    if jj >= 0 and (mark[uu] == stamp or (vrole[_u(state[uu])] & 1) == 0):
                        continue
                    bu = _u(basis_of[uu])
                    for w in range(W):
                        uw = _u(w)
                        bits = mask[uu, uw] & latbits[bu, uw]
                        if jj >= 0:
                            bits &= rev_bits[by, _u(jj), uw]
                        while bits != _ZERO:
                            qq = w * 64 + int(trailing_zeros(bits))
                            bits &= bits - _ONE
                            pq = stab[bu, _u(qq), 0]
                            de = slot_de(u, bu, qq, stab, state, nbr, h, cl_sites, cl_spec,
                                         cl_eps, site_cl)
                            Gp = G[_u(pq)]
                            g = _group(c0[_u(pq)] + sp[_u(pq)] * de, Gp)
                            idv2 = u * S + qq
                            g0 = np.int64(grp[_u(idv2)])
                            # an instance must leave its group when its rate exceeds the
                            # bound; it may stay up to ``hyst`` groups above its own (its
                            # acceptance >= 2^-(hyst+1)): fewer moves, a few more nulls
                            if g > g0 or g + hyst < g0:
                                _remove(idv2, pq, lst, pos, grp, seg, Wp, off, gcap, ctl, Gp)
                                _insert(idv2, pq, g, lst, pos, grp, seg, Wp, off, gcap, ctl,
                                        Gp)
    clock[0] = t
    mark[mark.shape[0] - 1] = stamp
    return done, status, nulls


@njit(cache=True)
def slot_rates(state, nbr, basis_of, stab, p_rate, p_alpha, beta_q, lateral, h, cl_sites,
               cl_spec, cl_eps, site_cl, mask):
    """Rate (s^-1) of every slot, (n, S): ``p_rate * exp(-alpha beta dE)`` where enabled,
    0 elsewhere (diagnostics and tests; ``beta_q`` is 1/kT per energy quantum)."""
    n = state.shape[0]
    S = stab.shape[1]
    out = np.zeros((n, S))
    for u in range(n):
        b = basis_of[u]
        for q in range(S):
            if stab[b, q, 0] >= 0 and (mask[u, q // 64] >> np.uint64(q % 64)) & _ONE:
                p = stab[b, q, 0]
                r = p_rate[p]
                if lateral and p_alpha[p] != 0.0:
                    de = slot_de(u, b, q, stab, state, nbr, h, cl_sites, cl_spec, cl_eps,
                                 site_cl)
                    r *= np.exp(-p_alpha[p] * beta_q * de)
                out[u, q] = r
    return out


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
