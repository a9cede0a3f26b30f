"""Lattice events (processes) and lateral interactions, and their compilation to kernel arrays.

A :class:`Process` is a lattice event template on one site or on an ordered pair (anchor site,
neighbour in shell 1): the states it needs, the states it leaves, and its rate per ordered
occurrence in s^-1. The conversion from mechanism rate constants (per-site mean-field rates) to
these per-occurrence rates is the bridging law :mod:`catscale.bridges.rates_to_kmc`.

Lateral interactions shift the energy of the initial and final state of every event; the rate
of an event with local reaction energy dE (final minus initial lateral energy, eV) is
``rate * exp(-alpha * dE / kT)`` (a Broensted-Evans-Polanyi barrier shift alpha*dE). The
reverse event uses ``1 - alpha`` on ``-dE``, so ``k_f/k_r = K exp(-dE/kT)`` and detailed
balance holds event by event.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import InvalidParameterError
from ..units import kB
from ._lattice import Lattice


@dataclass(frozen=True)
class Process:
    """One lattice event template.

    Parameters
    ----------
    name : str
        Label, e.g. ``"CO* + O* -> CO2 + 2* (fwd)"``.
    initial, final : tuple of str
        Surface species (adsorbate or vacancy names) on the pattern sites before and after:
        one site, or two sites (anchor, neighbour in ``shell``).
    rate : float
        Rate per ordered occurrence of the pattern, s^-1 (gas pressures already included).
    step : int
        Index of the mechanism step it belongs to (-1 for none).
    direction : int
        +1 forward, -1 reverse direction of that step.
    alpha : float
        BEP coefficient on the local lateral reaction energy (0..1).
    gas : tuple of (str, int)
        Net gas molecules produced per occurrence (products minus reactants), for the TOF.
    shell : int
        Neighbour shell of a pair event (1 = nearest neighbours).
    """

    name: str
    initial: tuple[str, ...]
    final: tuple[str, ...]
    rate: float
    step: int = -1
    direction: int = 1
    alpha: float = 0.5
    gas: tuple[tuple[str, int], ...] = ()
    shell: int = 1

    def __post_init__(self):
        object.__setattr__(self, "initial", tuple(self.initial))
        object.__setattr__(self, "final", tuple(self.final))
        if len(self.initial) not in (1, 2) or len(self.final) != len(self.initial):
            raise InvalidParameterError(
                f"process {self.name!r}", "1 or 2 pattern sites, same number before and after",
                (self.initial, self.final))
        if not (np.isfinite(self.rate) and self.rate >= 0):
            raise InvalidParameterError(f"process {self.name!r}.rate", "a finite rate >= 0 s^-1",
                                        self.rate)
        if not (0.0 <= self.alpha <= 1.0):
            raise InvalidParameterError(f"process {self.name!r}.alpha", "a value in [0, 1]",
                                        self.alpha)

    @property
    def n_sites(self) -> int:
        return len(self.initial)


@dataclass(frozen=True)
class Cluster:
    """A many-body cluster (cluster-expansion figure) with its energy.

    Parameters
    ----------
    species : tuple of str
        Surface species required on each site of the figure.
    sites : tuple of (b, di, dj)
        Figure sites: basis index and cell offset from the anchor cell. Each translation of the
        figure is one cluster; symmetry-equivalent figures are listed separately.
    energy : float
        Energy added when every site holds its species, eV.
    """

    species: tuple[str, ...]
    sites: tuple[tuple[int, int, int], ...]
    energy: float

    def __post_init__(self):
        sp = tuple(self.species)
        st = tuple(tuple(int(x) for x in s) for s in self.sites)
        object.__setattr__(self, "species", sp)
        object.__setattr__(self, "sites", st)
        if len(sp) != len(st) or len(sp) < 2 or any(len(s) != 3 for s in st):
            raise InvalidParameterError("cluster.sites", "one (b, di, dj) per species, >= 2",
                                        (sp, st))
        if len(set(st)) != len(st):
            raise InvalidParameterError("cluster.sites", "distinct sites", st)


@dataclass(frozen=True)
class LateralInteractions:
    """Pair interactions by neighbour shell plus many-body clusters.

    Parameters
    ----------
    pairs : tuple of (str, str, int, float)
        ``(species_a, species_b, shell, energy)``: energy in eV of every pair of sites in
        ``shell`` (1..3) holding a and b (symmetric). Positive is repulsive.
    clusters : tuple of Cluster
    """

    pairs: tuple[tuple[str, str, int, float], ...] = ()
    clusters: tuple[Cluster, ...] = ()

    @classmethod
    def from_dict(cls, lateral: dict | None, shell: int = 1,
                  clusters: tuple[Cluster, ...] = ()) -> LateralInteractions:
        """From the model file's ``lateral:`` map ``{"CO*-O*": eV}`` or ``{("CO*", "O*"): eV}``
        (nearest neighbours unless ``shell`` says otherwise)."""
        pairs = []
        for key, e in (lateral or {}).items():
            a, b = (key[0], key[1]) if isinstance(key, tuple) else _split_pair(key)
            pairs.append((a, b, int(shell), float(e)))
        return cls(tuple(pairs), tuple(clusters))

    def __post_init__(self):
        for a, b, sh, e in self.pairs:
            if not (1 <= int(sh) <= 3):
                raise InvalidParameterError(f"lateral[{a}-{b}].shell", "1, 2 or 3", sh)
            if not np.isfinite(e):
                raise InvalidParameterError(f"lateral[{a}-{b}]", "a finite energy in eV", e)

    def __bool__(self) -> bool:
        return any(e != 0 for *_, e in self.pairs) or any(c.energy != 0 for c in self.clusters)

    def merged(self, other: LateralInteractions) -> LateralInteractions:
        return LateralInteractions(self.pairs + other.pairs, self.clusters + other.clusters)

    def mean_field_pairs(self, z) -> dict[str, float]:
        """First-order (Bragg-Williams) mean field of the pair terms of every shell.

        At first order the energy of an adsorbate i shifts by ``sum_s z_s eps_ij^s theta_j``,
        so shell s enters the nearest-neighbour mean field (coordination ``z_1``) as
        ``eps_ij = sum_s (z_s / z_1) eps_ij^s``. Clusters have no first-order pair
        equivalent and are left out.

        Parameters
        ----------
        z : sequence of int
            Coordination number of shells 1, 2, ... (neighbours per site).

        Returns
        -------
        dict
            ``{"A*-B*": eV per nearest-neighbour pair}`` (the kinetics convention, at
            coordination ``z[0]``); pairs given in both orders are summed under one key.
        """
        out: dict[str, float] = {}
        for a, b, shell, e in self.pairs:
            if int(shell) > len(z):
                raise InvalidParameterError(f"lateral[{a}-{b}].shell",
                                            f"a shell of the lattice (1..{len(z)})", shell)
            key = f"{b}-{a}" if f"{b}-{a}" in out and a != b else f"{a}-{b}"
            out[key] = out.get(key, 0.0) + float(z[int(shell) - 1]) / float(z[0]) * float(e)
        return out


def _split_pair(key: str) -> tuple[str, str]:
    parts = [p.strip() for p in str(key).split("-")]
    # names may contain '-' (e.g. "O-CO*"); split at the '-' that follows a site suffix char
    if len(parts) == 2 and all(parts):
        return parts[0], parts[1]
    for i in range(1, len(key)):
        if key[i] == "-" and not key[i - 1].isalnum():
            a, b = key[:i].strip(), key[i + 1:].strip()
            if a and b:
                return a, b
    raise InvalidParameterError("lateral", "keys like 'CO*-O*' (two surface species)", key)


@dataclass(frozen=True)
class KMCModel:
    """Everything the lattice kMC engine needs besides the lattice.

    Parameters
    ----------
    species : tuple of str
        Surface species (adsorbates and vacancies), the lattice states.
    kinds : tuple of str
        Site kind of each species (``"*"`` for ``"CO*"`` and for the vacancy ``"*"``).
    processes : tuple of Process
    T : float
        Temperature, K (for lateral interactions).
    interactions : LateralInteractions
    gases : tuple of str
        Gas species whose production is counted (TOF).
    gas_composition : tuple of (gas, ((element, atoms), ...))
        Elemental composition of the gases whose composition is known (from the mechanism),
        for the element-balance check of the TOFs; see :attr:`composition`.
    """

    species: tuple[str, ...]
    kinds: tuple[str, ...]
    processes: tuple[Process, ...]
    T: float
    interactions: LateralInteractions = field(default_factory=LateralInteractions)
    gases: tuple[str, ...] = ()
    gas_composition: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = ()

    @property
    def composition(self) -> dict[str, dict[str, int]]:
        """Gas -> {element: atoms} of the gases with a known composition."""
        return {g: dict(c) for g, c in self.gas_composition}

    def balances(self) -> tuple[dict[str, dict[str, float]], bool]:
        """Gas -> its coefficient in each balance the TOFs obey at a steady state, and
        whether those balances are conserved moieties rather than elements.

        The elements when every gas that a process exchanges has a known composition;
        otherwise the conserved moieties of the processes
        (:func:`catscale.kmc._convergence.conserved_moieties`), which need no composition.
        Gases that no process exchanges get ``{}``; a gas missing from the result has an
        unknown composition and no moiety (no balance is checked then).
        """
        from ._convergence import conserved_moieties, moiety_composition

        exchanged = {g for p in self.processes for g, c in p.gas if c}
        comp = self.composition
        if all(g in comp for g in exchanged):
            return {g: comp.get(g, {}) for g in self.gases}, False
        changes = []
        for p in self.processes:
            surf: dict[str, int] = {}
            for sp in p.initial:
                surf[sp] = surf.get(sp, 0) - 1
            for sp in p.final:
                surf[sp] = surf.get(sp, 0) + 1
            changes.append((dict(p.gas), surf))
        laws = moiety_composition(conserved_moieties(self.gases, self.species, changes))
        if not laws:
            return {g: {} for g in self.gases if g not in exchanged}, True
        return {g: laws.get(g, {}) for g in self.gases}, True

    def __post_init__(self):
        if len(self.species) != len(self.kinds):
            raise InvalidParameterError("kinds", "one site kind per species", self.kinds)
        if len(self.species) > 120:
            raise InvalidParameterError("species", "at most 120 surface species",
                                        len(self.species))
        if not (np.isfinite(self.T) and self.T > 0):
            raise InvalidParameterError("T", "> 0 K", self.T)
        known = set(self.species)
        for p in self.processes:
            for s in p.initial + p.final:
                if s not in known:
                    raise InvalidParameterError(f"process {p.name!r}",
                                                f"surface species among {sorted(known)}", s)
            for i in range(p.n_sites):
                ki, kf = self.kind_of(p.initial[i]), self.kind_of(p.final[i])
                if ki != kf:
                    raise InvalidParameterError(
                        f"process {p.name!r}", "the same site kind before and after on each "
                        "pattern site", (p.initial[i], p.final[i]))
        for a, b, _, _ in self.interactions.pairs:
            for s in (a, b):
                if s not in known:
                    raise InvalidParameterError("lateral", f"species among {sorted(known)}", s)
        for c in self.interactions.clusters:
            for s in c.species:
                if s not in known:
                    raise InvalidParameterError("cluster", f"species among {sorted(known)}", s)

    def code(self, name: str) -> int:
        try:
            return self.species.index(name)
        except ValueError:
            raise InvalidParameterError("species", f"one of {list(self.species)}", name) from None

    def kind_of(self, name: str) -> str:
        return self.kinds[self.code(name)]

    def vacancy(self, kind: str) -> int:
        """Code of the vacant-site species of ``kind`` (the species named like the kind)."""
        if kind in self.species:
            return self.species.index(kind)
        raise InvalidParameterError("species", f"a vacancy species named {kind!r}",
                                    list(self.species))

    @property
    def beta(self) -> float:
        """1/(kB T), eV^-1."""
        return 1.0 / (kB * self.T)


@dataclass(frozen=True, eq=False)
class Compiled:
    """Kernel arrays of a model on a lattice (contiguous, numba-ready)."""

    nbr: np.ndarray           # int32 (n, Z): shells 1..3 columns concatenated
    col_shell: np.ndarray     # int32 (Z,) shell index (0-based) of each column
    z_int: int                # columns needed for pair interactions
    basis_of: np.ndarray      # int32 (n,)
    slot_p: np.ndarray        # int32 (nb, S) process of each slot (-1 empty)
    slot_c: np.ndarray        # int32 (nb, S) neighbour column of a pair slot (-1 single)
    p_n: np.ndarray           # int32 (P,)
    p_in: np.ndarray          # int32 (P, 2)
    p_out: np.ndarray         # int32 (P, 2)
    p_rate: np.ndarray        # float64 (P,) rate per slot, s^-1 (see compile_model)
    p_alpha: np.ndarray       # float64 (P,)
    p_shell: np.ndarray       # int32 (P,) shell (0-based) joining the two pattern sites
    lateral: bool
    eps: np.ndarray           # float64 (3, ns, ns)
    cl_sites: np.ndarray      # int32 (n_inst, m)
    cl_spec: np.ndarray       # int32 (n_inst, m)
    cl_eps: np.ndarray        # float64 (n_inst,)
    site_cl: np.ndarray       # int32 (n, kmax)
    beta: float               # 1/kT, eV^-1
    qscale: float             # energy quanta per eV (a power of two)
    eps_q: np.ndarray         # int64 (3, ns, ns) pair energies in quanta
    cl_eps_q: np.ndarray      # int64 (n_inst,) cluster energies in quanta
    p_corr_q: np.ndarray      # int64 (P,) pair self-term of the reaction energy, quanta
    de_lo: np.ndarray         # float64 (P,) lower bound of the local reaction energy, eV
    de_hi: np.ndarray         # float64 (P,) upper bound, eV
    pair_cols: np.ndarray     # int32 (nb, PC) neighbour columns used by pair slots
    rev_anchor: np.ndarray    # int32 (n, RA) anchors having the site as a pair partner
    rev_bits: np.ndarray      # uint64 (nb, RA, W) their slots pointing at the site
    hset: np.ndarray          # int32 (n, H) sites whose rate inputs read the site
    n_words: int              # W = ceil(S / 64) mask words per site
    knbr: np.ndarray          # int32 (n, zk) the first zk columns of nbr (all the kernel reads)
    kbasis: np.ndarray        # int8 (n,) basis index of every site
    stab: np.ndarray          # int64 (nb, S, 8) slot table: process (-1: no slot), partner
    #                           column, sites, in0, out0, in1, out1, pair self-term (quanta)


def _add(o1, o2):
    """Compose offsets: o2 is relative to the site reached by o1."""
    return (o2[0], o1[1] + o2[1], o1[2] + o2[2])


def compile_model(model: KMCModel, lattice: Lattice) -> Compiled:
    """Compile processes and interactions on a lattice into kernel arrays.

    Raises
    ------
    InvalidParameterError
        If a species' site kind is not on the lattice, or a pair process cannot occur.
    """
    nb = lattice.nb
    ns = len(model.species)
    for k in set(model.kinds):
        if k not in lattice.kind_names:
            raise InvalidParameterError("lattice kinds",
                                        f"a site kind {k!r} used by the species",
                                        list(lattice.kind_names))
    n_sh = min(3, lattice.n_shells)
    shells = [lattice.shell_offsets(s) for s in range(1, n_sh + 1)]
    nbr = np.concatenate([lattice.neighbors(s) for s in range(1, n_sh + 1)], axis=1)
    # columns of different basis sites may belong to different shells only if coordinations
    # differ; pad so that columns align shell by shell
    zs = [max(len(sh[b]) for b in range(nb)) for sh in shells]
    col_shell = np.concatenate([np.full(z, s, dtype=np.int32) for s, z in enumerate(zs)])
    nbr = np.ascontiguousarray(nbr, dtype=np.int32)
    starts = np.concatenate([[0], np.cumsum(zs)])
    # per basis: column index -> offset
    col_of = []
    for b in range(nb):
        m = {}
        for s, sh in enumerate(shells):
            for c, o in enumerate(sh[b]):
                m[int(starts[s] + c)] = o
        col_of.append(m)

    # -- slots ---------------------------------------------------------------------------
    slots: list[list[tuple[int, int]]] = [[] for _ in range(nb)]
    for p_i, p in enumerate(model.processes):
        k0 = model.kind_of(p.initial[0])
        for b in range(nb):
            if lattice.kinds[b] != k0:
                continue
            if p.n_sites == 1:
                slots[b].append((p_i, -1))
            else:
                k1 = model.kind_of(p.initial[1])
                sh = p.shell - 1
                if sh >= n_sh:
                    raise InvalidParameterError(f"process {p.name!r}.shell",
                                                f"<= {n_sh}", p.shell)
                # a pattern that reads the same from either end (O2 + 2* -> 2O*) is listed on
                # one orientation of each unordered pair, at twice the rate (same dynamics,
                # half the bookkeeping)
                sym = (p.initial[0] == p.initial[1] and p.final[0] == p.final[1])
                for c, o in col_of[b].items():
                    if starts[sh] <= c < starts[sh + 1] and lattice.kinds[o[0]] == k1:
                        if sym and not (b, o[0], o[1], o[2]) < (o[0], b, -o[1], -o[2]):
                            continue
                        slots[b].append((p_i, c))
    S = max(1, max(len(s) for s in slots))
    slot_p = np.full((nb, S), -1, dtype=np.int32)
    slot_c = np.full((nb, S), -1, dtype=np.int32)
    for b in range(nb):
        for q, (p_i, c) in enumerate(slots[b]):
            slot_p[b, q], slot_c[b, q] = p_i, c

    P = len(model.processes)
    p_n = np.array([p.n_sites for p in model.processes], dtype=np.int32).reshape(P)
    p_in = np.full((P, 2), -1, dtype=np.int32)
    p_out = np.full((P, 2), -1, dtype=np.int32)
    for i, p in enumerate(model.processes):
        for j in range(p.n_sites):
            p_in[i, j] = model.code(p.initial[j])
            p_out[i, j] = model.code(p.final[j])
    # rate per slot: per ordered occurrence, doubled for the one-orientation patterns
    p_rate = np.array([p.rate * (2.0 if p.n_sites == 2 and p.initial[0] == p.initial[1]
                                 and p.final[0] == p.final[1] else 1.0)
                       for p in model.processes], dtype=np.float64).reshape(P)
    p_alpha = np.array([p.alpha for p in model.processes], dtype=np.float64).reshape(P)
    p_shell = np.array([p.shell - 1 for p in model.processes], dtype=np.int32).reshape(P)

    # -- interactions --------------------------------------------------------------------
    inter = model.interactions
    lateral = bool(inter)
    eps = np.zeros((3, ns, ns))
    for a, b_, sh, e in inter.pairs:
        ia, ib = model.code(a), model.code(b_)
        eps[sh - 1, ia, ib] += e
        if ia != ib:
            eps[sh - 1, ib, ia] += e
    max_sh = max([sh for *_, sh, e in inter.pairs if e != 0] or [0])
    if max_sh > n_sh:
        raise InvalidParameterError("lateral shell", f"<= {n_sh} (lattice n_shells)", max_sh)
    z_int = int(starts[max_sh]) if max_sh else 0
    clusters = [c for c in inter.clusters if c.energy != 0]
    m = max([len(c.sites) for c in clusters] or [1])
    n_cells = lattice.n_cells
    L1, L2 = lattice.size
    cl_sites = np.full((n_cells * len(clusters), m), -1, dtype=np.int32)
    cl_spec = np.full((n_cells * len(clusters), m), -1, dtype=np.int32)
    cl_eps = np.zeros(n_cells * len(clusters))
    ii, jj = np.meshgrid(np.arange(L1), np.arange(L2), indexing="ij")
    ii, jj = ii.ravel(), jj.ravel()
    member_lists: list[list[np.ndarray]] = [[] for _ in range(nb)]
    for f, c in enumerate(clusters):
        rows = slice(f * n_cells, (f + 1) * n_cells)
        cl_eps[rows] = c.energy
        for k, (b, di, dj) in enumerate(c.sites):
            if not (0 <= b < nb):
                raise InvalidParameterError("cluster.sites", f"basis index in 0..{nb - 1}", b)
            if lattice.kinds[b] != model.kind_of(c.species[k]):
                raise InvalidParameterError("cluster.sites", "a site of the species' kind",
                                            (c.species[k], lattice.kinds[b]))
            cl_sites[rows, k] = (((ii + di) % L1) * L2 + (jj + dj) % L2) * nb + b
            cl_spec[rows, k] = model.code(c.species[k])
            # instance containing site (b, i, j) as member k is anchored at (i-di, j-dj)
            inst = f * n_cells + ((ii - di) % L1) * L2 + (jj - dj) % L2
            member_lists[b].append(inst)
    kmax = max([len(ml) for ml in member_lists] or [0])
    site_cl = np.full((n_cells, nb, max(kmax, 1)), -1, dtype=np.int32)
    for b in range(nb):
        for k, inst in enumerate(member_lists[b]):
            site_cl[:, b, k] = inst
    site_cl = np.ascontiguousarray(site_cl.reshape(n_cells * nb, max(kmax, 1)))

    # -- integer energy quanta: every incremental update of the field is exact ------------
    zb = [[c for c in range(z_int) if c in col_of[b]] for b in range(nb)]
    n_memb = [len(member_lists[b]) for b in range(nb)]
    cl_max = float(np.max(np.abs(cl_eps))) if cl_eps.size else 0.0
    h_max = max(sum(float(np.max(np.abs(eps[col_shell[c]]))) for c in zb[b]) + n_memb[b] * cl_max
                for b in range(nb))
    qscale = 2.0 ** 50
    while 8.0 * h_max * qscale >= 2.0 ** 60:
        qscale /= 2.0
    eps_q = np.rint(eps * qscale).astype(np.int64)
    cl_eps_q = np.ascontiguousarray(np.rint(cl_eps * qscale).astype(np.int64))
    epq = eps_q / qscale  # the quantised energies, eV

    # -- per-process lateral bounds on the local reaction energy (eV) ----------------------
    def dh_range(bb: int, a: int, a2: int) -> tuple[float, float]:
        lo = hi = 0.0
        for c in zb[bb]:
            d = epq[col_shell[c], a2, :] - epq[col_shell[c], a, :]
            lo += float(d.min())
            hi += float(d.max())
        return lo, hi

    p_corr_q = np.zeros(P, dtype=np.int64)
    de_lo = np.zeros(P)
    de_hi = np.zeros(P)
    for i in range(P):
        a, a2, b1, b2 = p_in[i, 0], p_out[i, 0], p_in[i, 1], p_out[i, 1]
        if p_n[i] == 2:
            sh = p_shell[i]
            p_corr_q[i] = (eps_q[sh, a2, b2] - eps_q[sh, a2, b1] - eps_q[sh, b2, a]
                           + eps_q[sh, b1, a])
        lo, hi = np.inf, -np.inf
        for b in range(nb):
            for p_j, c in slots[b]:
                if p_j != i:
                    continue
                l0, h0 = dh_range(b, a, a2)
                cl = n_memb[b]
                if c >= 0:
                    bt = col_of[b][c][0]
                    l1, h1 = dh_range(bt, b1, b2)
                    l0 += l1 + p_corr_q[i] / qscale
                    h0 += h1 + p_corr_q[i] / qscale
                    cl += n_memb[bt]
                lo = min(lo, l0 - 2 * cl * cl_max)
                hi = max(hi, h0 + 2 * cl * cl_max)
        de_lo[i], de_hi[i] = (lo, hi) if lo <= hi else (0.0, 0.0)

    # -- neighbourhood tables of the kernel -------------------------------------------------
    pcols = [sorted({c for _, c in slots[b] if c >= 0}) for b in range(nb)]
    pair_cols = np.full((nb, max(1, max(len(x) for x in pcols))), -1, dtype=np.int32)
    for b in range(nb):
        pair_cols[b, :len(pcols[b])] = pcols[b]
    W = (S + 63) // 64
    # anchors u for which a site x (basis bx) is the partner of slot q of u
    rev: list[dict] = [{} for _ in range(nb)]
    for bu in range(nb):
        for q, (_, c) in enumerate(slots[bu]):
            if c < 0:
                continue
            bx, di, dj = col_of[bu][c]
            rev[bx].setdefault((bu, -di, -dj), []).append(q)
    # the kernel's neighbour table: only the columns it reads (interactions, pair partners)
    zk = max([z_int] + [c + 1 for pc in pcols for c in pc] + [1])
    knbr = np.ascontiguousarray(nbr[:, :zk])
    kcols = [[col_of[b][c] for c in range(zk) if c in col_of[b]] for b in range(nb)]

    def in_knbr_order(offs: list[set]) -> list[list] | None:
        # the same offsets as the kernel table's columns: share that table (less memory)
        if all(set(o) == set(kc) and len(kc) == zk for o, kc in zip(offs, kcols)):
            return kcols
        return None

    rev_off = in_knbr_order([set(r) for r in rev]) or [sorted(r) for r in rev]
    if rev_off is kcols:
        rev_anchor = knbr
    elif any(rev_off):
        rev_anchor = lattice.table(rev_off)
    else:
        rev_anchor = np.full((lattice.n_sites, 1), -1, dtype=np.int32)
    rev_bits = np.zeros((nb, rev_anchor.shape[1], W), dtype=np.uint64)
    for bx in range(nb):
        for k, o in enumerate(rev_off[bx]):
            for q in rev[bx][o]:
                rev_bits[bx, k, q // 64] |= np.uint64(1) << np.uint64(q % 64)

    # sites whose rate inputs (field, clusters) change when a site of basis b changes
    def env(b: int) -> set:
        out = set()
        if lateral:
            for c in range(z_int):
                if c in col_of[b]:
                    out.add(col_of[b][c])
            for c in clusters:
                for (bm, dim, djm) in c.sites:
                    if bm == b:
                        for (bk, dik, djk) in c.sites:
                            out.add((bk, dik - dim, djk - djm))
        out.discard((b, 0, 0))
        return out

    envs = [env(b) for b in range(nb)]
    if in_knbr_order(envs) is not None:
        hset = knbr
    elif any(envs):
        hset = lattice.table([sorted(e) for e in envs])
    else:
        hset = np.full((lattice.n_sites, 1), -1, dtype=np.int32)

    # slot table: everything the kernel reads about a slot's event template in one row
    stab = np.zeros((nb, S, 8), dtype=np.int64)
    stab[:, :, 0] = slot_p
    on = slot_p >= 0
    pp = np.where(on, slot_p, 0)
    for k, col in enumerate((np.maximum(slot_c, 0), p_n[pp], p_in[pp, 0], p_out[pp, 0],
                             np.maximum(p_in[pp, 1], 0), np.maximum(p_out[pp, 1], 0),
                             p_corr_q[pp])):
        stab[:, :, k + 1] = np.where(on, col, 0)
    return Compiled(nbr=nbr, col_shell=col_shell, z_int=z_int,
                    basis_of=np.ascontiguousarray(lattice.basis_index, dtype=np.int32),
                    slot_p=slot_p, slot_c=slot_c, p_n=p_n, p_in=p_in, p_out=p_out,
                    p_rate=p_rate, p_alpha=p_alpha, p_shell=p_shell, lateral=lateral, eps=eps,
                    cl_sites=cl_sites, cl_spec=cl_spec, cl_eps=cl_eps, site_cl=site_cl,
                    beta=model.beta, qscale=qscale, eps_q=eps_q, cl_eps_q=cl_eps_q,
                    p_corr_q=p_corr_q, de_lo=de_lo, de_hi=de_hi, pair_cols=pair_cols,
                    rev_anchor=rev_anchor, rev_bits=rev_bits, hset=hset, n_words=W, knbr=knbr,
                    kbasis=np.ascontiguousarray(lattice.basis_index, dtype=np.int8),
                    stab=stab)
