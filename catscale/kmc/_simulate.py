"""Driver of the lattice kMC engine: blocks, statistics, fast-diffusion scaling, checkpoints.

A run of ``events`` events is cut into ``blocks`` blocks of equal event counts; the kernel is
called once per block, so block boundaries (and with them checkpoints and rate rescalings)
are a deterministic function of the event count. A run resumed from a checkpoint therefore
ends in exactly the state of the uninterrupted run with the same seed.
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from ..errors import InvalidParameterError, OutputError
from ..quantities import MAX_BLOCKS
from . import _kernels as K
from ._convergence import Convergence, assess
from ._events import KMCModel, compile_model
from ._lattice import Lattice
from ._observables import (
    cluster_size_distribution,
    cluster_sizes,
    correlation_function,
    length_from_projection,
    mser_warmup,
    pair_probabilities,
    projected_correlation,
    weighted_mean_error,
)

_PREFETCH_BYTES = 1 << 21  # per-slot event data (bytes) beyond which the kernel prefetches
_HYSTERESIS = 1  # rate groups an instance may stay above its own between rebuilds


@dataclass(frozen=True)
class FastDiffusion:
    """Error-controlled scaling of quasi-equilibrated fast reversible channels.

    Stage-wise scheme after Dybeck, Plaisance & Neurock, J. Chem. Theory Comput. 13, 1525
    (2017). After every block (a stage) each reversible channel (forward and reverse processes
    of one step; a hop process is its own reverse) that fired ``n > min_executions`` times
    with imbalance ``|n_f - n_r| / n < tolerance`` is quasi-equilibrated. Its rate constants
    are multiplied by a factor S chosen so that it still fires ``separation`` times as often as
    the busiest non-equilibrated process of the stage (never below ``min_scale``, never above
    1). A scaled channel that falls out of equilibrium is scaled back up by 4x per stage.
    Forward and reverse are scaled alike, so equilibrium constants and detailed balance are
    unchanged.

    Counting events over the whole lattice is not enough (the TOF bias of issue 4): a slow
    pair process whose whole initial pattern is made of the channel's states (``O2 + 2*``
    for the channel ``CO + * <=> CO*``) acts on the two-site configurations that the slow
    events leave behind (``CO* + O* -> CO2 + 2*`` makes adjacent vacancy pairs). Mean field
    (and the unscaled dynamics) assume those are erased by the fast channel first. A scaled
    channel relaxes one site at ``R = S sum_p k_p n_p`` (s^-1: rate per instance k_p times
    instances per site n_p of its processes), so S is also kept above the per-instance bound
    ``R >= instance_separation * k_slow`` for every such slow pair process (``k_slow`` its
    rate per pair, s^-1). Measured on the CO oxidation example the TOF bias is about
    ``2 k_slow / R`` (+23 % at R / k_slow = 9, +9 % at 27, < 2 % beyond 90), hence the
    default 200 (bias ~1 %). Rates are nominal (no lateral-interaction shifts).

    Parameters
    ----------
    separation : float
        Event-count separation of the fast channels from the busiest slow process.
    tolerance : float
        Largest forward/reverse imbalance of a quasi-equilibrated channel.
    min_executions : int
        Executions per stage before a channel can be judged.
    min_scale : float
        Smallest scaling factor.
    instance_separation : float or None
        Per-instance bound above (None: ``separation``; 0 switches it off, which reproduces
        the biased pre-fix behaviour and is for tests only).
    check : bool
        A posteriori control of the scaling error (doubles the cost): a second, independent
        run (seed + 1) with both separations halved, which scales the fast channels by S/2.
        The residual bias of the scaled run is O(1/S) (above), so with TOF(S) = T0 + b/S the
        difference TOF(S/2) - TOF(S) = b/S estimates the bias of the reported TOF itself.
        The result then carries ``scaling_check`` (see :func:`simulate`).
    """

    separation: float = 200.0
    tolerance: float = 0.1
    min_executions: int = 200
    min_scale: float = 1e-8
    instance_separation: float | None = None
    check: bool = False

    def halved(self) -> FastDiffusion:
        """The same control with both separations halved and no further check."""
        inst = None if self.instance_separation is None else self.instance_separation / 2
        return replace(self, separation=self.separation / 2, instance_separation=inst,
                       check=False)

    def __post_init__(self):
        for name in ("separation", "min_scale"):
            if not (getattr(self, name) > 0):
                raise InvalidParameterError(name, "> 0", getattr(self, name))
        if self.instance_separation is not None and not (self.instance_separation >= 0):
            raise InvalidParameterError("instance_separation", ">= 0 or None",
                                        self.instance_separation)


@dataclass(frozen=True)
class KMCConfig:
    """Run settings.

    Parameters
    ----------
    events : int
        Number of kMC events to execute.
    seed : int
        Seed of the random stream (xoshiro256** seeded through numpy's SeedSequence).
    blocks : int
        Number of blocks for block averaging (also the checkpoint/rescale granularity).
    warmup : float or "auto"
        Fraction of the blocks discarded as warm-up, or "auto" (MSER rule on coverages and
        TOF).
    t_max : float
        Stop when the simulated time exceeds this, s.
    initial : dict or None
        Initial random coverages {species: fraction of the sites of its kind}; empty lattice
        when None.
    checkpoint : str or None
        Checkpoint file (``.npz``); written every ``checkpoint_every`` blocks and when the run
        is interrupted (SIGINT/SIGTERM).
    checkpoint_every : int
        Blocks between checkpoints (0: only on interruption and at the end).
    resume : bool
        Continue from ``checkpoint`` when it exists and matches this model and config.
    fast_diffusion : FastDiffusion or None
        Scaling of quasi-equilibrated fast channels; None to run unscaled.
    relaxation_time : float or None
        Mean-field relaxation time of the mechanism, s (computed by the caller, e.g.
        :func:`catscale.bridges.rates_to_kmc.kmc_relaxation_time`); the simulated time must
        cover ``RELAXATION_TIMES`` of it. None: not checked (the result says so).
    target_error : float or None
        Run until converged: after the ``events`` events, continue the same trajectory in
        blocks of the same size, doubling the run each time, until the relative TOF error
        is at most this (dimensionless) and the element-balance and stationarity checks
        pass, or ``max_events`` is reached (then the status is "not_converged").
    max_events : int or None
        Event cap of run-until-converged (default 10 x ``events``).
    """

    events: int = 1_000_000
    seed: int = 1
    blocks: int = 20
    warmup: float | str = "auto"
    t_max: float = float("inf")
    initial: dict | None = None
    checkpoint: str | None = None
    checkpoint_every: int = 1
    resume: bool = True
    fast_diffusion: FastDiffusion | None = None
    relaxation_time: float | None = None
    target_error: float | None = None
    max_events: int | None = None

    @property
    def event_cap(self) -> int:
        """Largest number of events of the run (``events`` unless run-until-converged)."""
        if self.target_error is None:
            return int(self.events)
        return int(self.max_events) if self.max_events is not None else 10 * int(self.events)

    def __post_init__(self):
        if int(self.events) < 1:
            raise InvalidParameterError("events", "an integer >= 1", self.events)
        if not 1 <= int(self.blocks) <= min(int(self.events), MAX_BLOCKS):
            raise InvalidParameterError(
                "blocks", f"an integer in 1..min(events, {MAX_BLOCKS}) (events = "
                f"{self.events})", self.blocks)
        if self.warmup != "auto" and not (0.0 <= float(self.warmup) < 1.0):
            raise InvalidParameterError("warmup", "'auto' or a fraction in [0, 1)",
                                        self.warmup)
        if not (self.t_max > 0):
            raise InvalidParameterError("t_max", "> 0 s", self.t_max)
        if int(self.seed) < 0:
            raise InvalidParameterError("seed", "an integer >= 0", self.seed)
        if self.relaxation_time is not None and not (self.relaxation_time > 0
                                                     or np.isnan(self.relaxation_time)):
            raise InvalidParameterError("relaxation_time", "> 0 s, NaN or None",
                                        self.relaxation_time)
        if self.target_error is not None and not (0 < self.target_error < 1):
            raise InvalidParameterError("target_error", "a relative error in (0, 1)",
                                        self.target_error)
        if self.max_events is not None and not (int(self.max_events) >= int(self.events)):
            raise InvalidParameterError("max_events", f">= events ({self.events})",
                                        self.max_events)


@dataclass
class KMCResult:
    """Outcome of a kMC run (all rates per site of the lattice, s^-1).

    Attributes
    ----------
    coverages, coverage_error : dict species -> fraction of the sites of its kind
    tof, tof_error : dict gas -> net production per site and second, s^-1
    step_rates, step_rate_errors : ndarray (n_steps,) net rate of every mechanism step per
        site, s^-1 (NaN where the step has no process)
    events : int
    time : float, simulated time, s
    wall : float, wall-clock time of the kernel calls, s
    status : "ok"; "absorbing" (no event possible: poisoned; exact, TOF 0); "t_max" (stopped
        at the time cap, the checks passed); "not_converged" (a convergence check failed or
        could not be made, see ``reasons``: the averages do not estimate the steady state)
    reasons : list of str, why the run is not converged (empty otherwise)
    warnings : list of str, checks that could not be made, time-cap stops
    convergence : dict, the checks' numbers (:class:`catscale.kmc.Convergence`)
    warmup_blocks : int
    pair_probability : ndarray (ns, ns) ordered nearest-neighbour pair probabilities,
        averaged over one snapshot per block after warm-up, each at a time fixed before
        its block runs (about mid-block: time-weighted sampling)
    random_pair_probability : ndarray (ns, ns) theta_a theta_b of the same snapshots
    n_pair_samples : int, ordered NN pairs sampled (snapshots x pairs per snapshot)
    correlation_length : dict species -> cells, from the row-projected occupation covariances
        averaged over the same snapshots as the pair probabilities (exponential correlation
        length of the one-phase layer; :func:`length_from_projection`); None when the layer is
        not one phase (phase separated, or correlations spanning the lattice), NaN when it is
        empty or full
    correlation_length_reason : dict species -> why its correlation length is None or NaN
    cluster_sizes : dict species -> {size: count} of the final state
    state : ndarray final lattice state (species codes)
    scales : ndarray per-process rate scaling of fast diffusion
    """

    species: tuple[str, ...]
    coverages: dict
    coverage_error: dict
    tof: dict
    tof_error: dict
    step_rates: np.ndarray
    step_rate_errors: np.ndarray
    events: int
    time: float
    wall: float
    status: str
    warmup_blocks: int
    pair_probability: np.ndarray
    random_pair_probability: np.ndarray
    correlation_length: dict
    cluster_sizes: dict
    state: np.ndarray
    scales: np.ndarray
    blocks: dict = field(default_factory=dict)
    n_pair_samples: int = 0
    scaling_check: dict | None = None
    reasons: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    convergence: dict = field(default_factory=dict)

    @property
    def converged(self) -> bool:
        """The averages estimate the steady state (status ok, t_max or absorbing)."""
        return self.status != "not_converged"
    correlation_length_reason: dict = field(default_factory=dict)

    @property
    def events_per_second(self) -> float:
        return self.events / self.wall if self.wall > 0 else float("nan")

    def summary(self) -> dict:
        """JSON-ready dict with the CLI keys (coverages, tof, tof_error, events,
        events_per_second, time) and more."""
        names = self.species
        P, R = self.pair_probability, self.random_pair_probability
        pp = {}
        for a in range(len(names)):
            for b in range(a, len(names)):
                p = P[a, b] + (P[b, a] if a != b else 0.0)
                r = R[a, b] + (R[b, a] if a != b else 0.0)
                if p > 0 or r > 0:
                    pp[f"{names[a]}-{names[b]}"] = dict(p=float(p), random=float(r))
        return dict(coverages=self.coverages, coverage_error=self.coverage_error,
                    tof=self.tof, tof_error=self.tof_error, events=int(self.events),
                    events_per_second=float(self.events_per_second), time=float(self.time),
                    status=self.status, reasons=list(self.reasons),
                    warnings=list(self.warnings), convergence=self.convergence,
                    warmup_blocks=int(self.warmup_blocks),
                    pair_probabilities=pp, correlation_length=self.correlation_length,
                    correlation_length_reason=self.correlation_length_reason,
                    step_rates=self.step_rates.tolist(),
                    step_rate_errors=self.step_rate_errors.tolist(),
                    **({} if self.scaling_check is None else
                       dict(scaling_check=self.scaling_check)))


def seed_state(seed: int) -> np.ndarray:
    """xoshiro256** state (uint64, 4) from an integer seed via numpy's SeedSequence."""
    st = np.random.SeedSequence(int(seed)).generate_state(4, np.uint64)
    if not np.any(st):
        st[0] = np.uint64(1)
    return np.ascontiguousarray(st)


class Simulation:
    """A lattice with its state, rates, clock and counters, advanced by the numba kernel.

    Parameters
    ----------
    model : KMCModel
    lattice : Lattice
    seed : int
    initial : dict or None
        Random initial coverages {species: fraction of the sites of its kind}.
    """

    def __init__(self, model: KMCModel, lattice: Lattice, seed: int = 1,
                 initial: dict | None = None):
        self.model = model
        self.lattice = lattice
        self.c = compile_model(model, lattice)
        n = lattice.n_sites
        self.ns = len(model.species)
        self.state = np.empty(n, dtype=np.int8)
        for ki, kind in enumerate(lattice.kind_names):
            self.state[lattice.site_kind == ki] = model.vacancy(kind)
        self.rng = seed_state(seed)
        if initial:
            gen = np.random.default_rng(np.random.SeedSequence(int(seed)).spawn(1)[0])
            for ki, kind in enumerate(lattice.kind_names):
                idx = np.flatnonzero(lattice.site_kind == ki)
                gen.shuffle(idx)
                start = 0
                for name, frac in initial.items():
                    if model.kind_of(name) != kind:
                        continue
                    if not (0.0 <= float(frac) <= 1.0):
                        raise InvalidParameterError(f"initial[{name}]", "a fraction in [0, 1]",
                                                    frac)
                    m = int(round(float(frac) * len(idx)))
                    if start + m > len(idx):
                        raise InvalidParameterError("initial", "coverages summing to <= 1",
                                                    initial)
                    self.state[idx[start:start + m]] = model.code(name)
                    start += m
        self.base_rate = self.c.p_rate.copy()
        self.scales = np.ones(len(model.processes))
        self.p_rate = self.base_rate.copy()
        c = self.c
        S = c.slot_p.shape[1]
        P = len(model.processes)
        self.h = np.zeros((n if c.lateral else 1, self.ns), dtype=np.int64)
        self.mask = np.zeros((n, c.n_words), dtype=np.uint64)
        self.pos = np.full(n * S, -1, dtype=np.int32)
        self.grp = np.zeros(n * S, dtype=np.int8)
        # list capacity of every process: its slots over the whole lattice
        cap = np.zeros(P, dtype=np.int64)
        for bb in range(lattice.nb):
            for p in c.slot_p[bb]:
                if p >= 0:
                    cap[p] += lattice.n_cells
        self.cap = cap
        # rate groups (composition-rejection) of the processes whose rate varies: group g
        # spans a factor 2 of rate; enough groups to cover the bounds of the local reaction
        # energy, capped so that the integer weights sum_g count_g 2^g stay below 2^62
        span = np.abs(c.p_alpha) * c.beta * (c.de_hi - c.de_lo) / np.log(2.0)
        g_max = np.array([max(1, min(40, 61 - int(x).bit_length())) for x in cap])
        self.varies = np.ascontiguousarray(c.lateral & (span > 1e-12) & (c.p_alpha != 0.0))
        self.G = np.where(self.varies, np.minimum(g_max, np.floor(span + 1e-9).astype(int) + 1),
                          1).astype(np.int64)
        # x = c0 + sp * dE_q: base-2 log of top bound / rate (>= 0 for dE >= de_lo)
        self.c0 = np.where(self.varies, -c.p_alpha * c.beta * c.de_lo / np.log(2.0) + 1e-9,
                           0.0)
        self.sp = np.where(self.varies, c.p_alpha * c.beta / c.qscale / np.log(2.0), 0.0)
        # one list per (process, rate group): count seg, start off, capacity gcap in lst; a
        # constant process has one group of full capacity, a group of a varying process is
        # sized at each rebuild and grown (order kept) when fewer than ctl[1] places are
        # free: at most that many instances enter one group in one event
        gm = int(self.G.max())
        self.seg = np.zeros((P, gm), dtype=np.int64)
        self.off = np.zeros((P, gm), dtype=np.int64)
        self.gcap = np.zeros((P, gm), dtype=np.int64)
        self.ctl = np.zeros(4, dtype=np.int64)
        self.ctl[1] = (4 + 2 * c.hset.shape[1]) * (1 + c.rev_anchor.shape[1]) * S
        # software prefetching of the event's neighbourhood pays once the per-slot arrays
        # (position index, groups, list) no longer fit in a core's L2 cache (measured in
        # the steady state: -15 to -40 % time per event at 256^2 and 1024^2 with a hop
        # process or interactions, neutral for ZGB; +5 to +15 % at 64^2, where everything
        # is cached)
        self.ctl[2] = int(n * S * 9 > _PREFETCH_BYTES)
        self.ctl[3] = _HYSTERESIS
        self.lst = np.zeros(1, dtype=np.int32)
        self.Wp = np.zeros(P, dtype=np.int64)
        self.unit = np.zeros(P)
        self.p_count = np.zeros(P, dtype=np.int64)
        self.cov_int = np.zeros(self.ns)
        self.clock = np.zeros(1)
        self.mark = np.zeros(n + 1, dtype=np.int64)
        self.hbuf = np.zeros(2 * c.hset.shape[1] + 2, dtype=np.int64)
        self.mbuf = np.zeros(8 * (c.rev_anchor.shape[1] + 1) * c.n_words, dtype=np.uint64)
        self.events = 0
        self.null_events = 0
        self.rebuild()

    # -- kernel calls ----------------------------------------------------------------------
    def _tables(self) -> None:
        """Pattern tables (depend on which processes have a non-zero rate) and the rate unit
        of every process (depends on the rates)."""
        c, ns = self.c, self.ns
        nb, S = c.slot_p.shape
        W = c.n_words
        active = self.p_rate > 0
        A = np.zeros((nb, ns, W), dtype=np.uint64)
        C = np.zeros((nb, c.pair_cols.shape[1], ns, W), dtype=np.uint64)
        lat = np.zeros((nb, W), dtype=np.uint64)
        for b in range(nb):
            cols = list(c.pair_cols[b])
            for q in range(S):
                p = c.slot_p[b, q]
                bit = np.uint64(1) << np.uint64(q % 64)
                if p >= 0 and active[p]:
                    A[b, c.p_in[p, 0], q // 64] |= bit
                    if self.varies[p]:
                        lat[b, q // 64] |= bit
                for k, col in enumerate(cols):
                    if col < 0:
                        continue
                    for a in range(ns):
                        if p < 0 or c.slot_c[b, q] != col or c.p_in[p, 1] == a:
                            C[b, k, a, q // 64] |= bit
        # PR[b, a]: pair slots of an anchor of basis b whose partner must hold species a
        PR = np.zeros((nb, ns, W), dtype=np.uint64)
        for b in range(nb):
            for q in range(S):
                p = c.slot_p[b, q]
                if p >= 0 and c.p_n[p] == 2:
                    PR[b, c.p_in[p, 1], q // 64] |= np.uint64(1) << np.uint64(q % 64)
        self.A, self.C, self.latbits, self.PR = A, C, lat, PR
        # vrole[a]: bit 0 when species a is the first pattern state of an active varying
        # process, bit 1 when it is the second (the kernel re-groups only around such sites)
        vrole = np.zeros(ns, dtype=np.int8)
        for p in np.flatnonzero(active & self.varies):
            vrole[c.p_in[p, 0]] |= 1
            if c.p_n[p] == 2:
                vrole[c.p_in[p, 1]] |= 2
        self.vrole = vrole
        # rate of a constant process (lateral energy fixed by the pattern) or top bound
        top = self.p_rate * np.exp(-c.p_alpha * c.beta * c.de_lo)
        self.unit = np.ascontiguousarray(np.where(
            self.varies, top * 2.0 ** (1e-9 - (self.G - 1)),
            np.where(c.lateral, top, self.p_rate)))

    def _state_args(self):
        c = self.c
        return (self.state, c.knbr, c.kbasis, c.stab, c.lateral, c.col_shell, c.z_int, self.h,
                c.eps_q, c.cl_sites, c.cl_spec, c.cl_eps_q, c.site_cl, c.pair_cols, self.A,
                self.C, self.mask, self.varies, self.G, self.c0, self.sp, self.lst, self.pos,
                self.grp, self.seg, self.Wp, self.off, self.gcap, self.ctl)

    def rebuild(self) -> None:
        """Recompute the field, every enabled event and the per-process lists from the state
        (after a change of rate constants or of the state from outside)."""
        self.n_count = np.bincount(self.state, minlength=self.ns).astype(np.int64)
        self._tables()
        K.build(*self._state_args(), False)  # group sizes
        self._layout(self.seg.copy())
        K.build(*self._state_args(), True)

    def _groups(self) -> np.ndarray:
        """(P, gm) bool: the rate groups in use by each process."""
        return np.arange(self.seg.shape[1])[None, :] < self.G[:, None]

    def _layout(self, counts: np.ndarray) -> None:
        """Place the group lists in ``lst`` for the given group sizes."""
        used = self._groups()
        grow = used & self.varies[:, None]
        gcap = np.where(grow, counts + counts // 4 + self.ctl[1], 0)
        gcap[:, 0] = np.where(self.varies, gcap[:, 0], self.cap)
        self.gcap[:] = gcap
        flat = self.gcap.ravel()
        self.off[:] = (np.cumsum(flat) - flat).reshape(self.off.shape)
        total = max(int(flat.sum()), 1)
        if self.lst.size < total or self.lst.size > 2 * total:
            self.lst = np.zeros(total, dtype=np.int32)
        self.ctl[0] = 0

    def _grow(self) -> None:
        """Enlarge the nearly full groups, keeping every list and position as it is (the
        trajectory does not depend on capacities)."""
        grow = self._groups() & self.varies[:, None] & (self.gcap - self.seg < 2 * self.ctl[1])
        gcap = np.where(grow, 2 * self.gcap + self.ctl[1], self.gcap)
        flat = gcap.ravel()
        off = (np.cumsum(flat) - flat).reshape(self.off.shape)
        lst = np.zeros(max(int(flat.sum()), 1), dtype=np.int32)
        for p, g in zip(*np.nonzero(self.seg)):
            n = self.seg[p, g]
            lst[off[p, g]:off[p, g] + n] = self.lst[self.off[p, g]:self.off[p, g] + n]
        self.lst, self.gcap[:], self.off[:] = lst, gcap, off
        self.ctl[0] = 0

    def set_scales(self, scales: np.ndarray) -> None:
        """Multiply the base rate of every process by ``scales`` and rebuild the rates."""
        self.scales = np.asarray(scales, dtype=float).copy()
        self.p_rate[:] = self.base_rate * self.scales
        self.rebuild()

    def slot_rates(self) -> np.ndarray:
        """Rate of every event slot (n_sites, S), s^-1: slot q of site s is process
        ``c.slot_p[basis_of[s], q]``; 0 where the slot is not enabled (diagnostics)."""
        c = self.c
        return K.slot_rates(self.state, c.knbr, c.kbasis, c.stab, self.p_rate, c.p_alpha,
                            c.beta / c.qscale, c.lateral, self.h, c.cl_sites, c.cl_spec,
                            c.cl_eps_q, c.site_cl, self.mask)

    @property
    def total_rate(self) -> float:
        """Sum of all event rates, s^-1 (exact; O(n) evaluation)."""
        return float(self.slot_rates().sum())

    @property
    def time(self) -> float:
        return float(self.clock[0])

    def advance(self, n_events: int, t_stop: float = float("inf"),
                canonical: bool = True) -> tuple[int, int]:
        """Execute up to ``n_events`` events (or until time ``t_stop``, s).

        Returns (events done, status) with status 0 ok, 1 t_stop reached, 2 absorbing.
        A call starts from a rebuild, which puts the event lists in their canonical order,
        so the trajectory depends only on the state and the random stream at call
        boundaries (exact resume from checkpoints); ``canonical=False`` continues from the
        structure as the previous call left it (no O(n) rebuild: 0.7 s at 1024^2 with
        interactions), for a stop that is never a checkpoint.
        """
        if canonical:
            self.rebuild()
        c = self.c
        done = nulls = 0
        while True:
            d, status, nn = K.run(*self._state_args(), self.unit, c.rev_anchor, c.rev_bits,
                                  self.latbits, self.PR, c.hset, self.vrole, self.rng,
                                  self.p_count,
                                  self.n_count, self.cov_int, self.clock, self.mark, self.hbuf,
                                  self.mbuf,
                                  int(n_events) - done, float(t_stop))
            done += d
            nulls += nn
            if status != 3:
                break
            self._grow()  # a rate group was nearly full; continue where the kernel stopped
        self.events += int(done)
        self.null_events += int(nulls)
        return int(done), int(status)

    def coverages(self) -> np.ndarray:
        """Instantaneous coverage of every species (fraction of the sites of its kind)."""
        per_kind = self._kind_sizes()
        return self.n_count / per_kind

    def _kind_sizes(self) -> np.ndarray:
        sizes = {k: int(np.sum(self.lattice.site_kind == i))
                 for i, k in enumerate(self.lattice.kind_names)}
        return np.array([sizes[k] for k in self.model.kinds], dtype=float)

    # -- checkpoints -----------------------------------------------------------------------
    def arrays(self) -> dict:
        return dict(state=self.state, rng=self.rng, p_count=self.p_count,
                    cov_int=self.cov_int, clock=self.clock, events=np.array([self.events]),
                    scales=self.scales)

    def restore(self, d: dict) -> None:
        self.state[:] = d["state"]
        self.rng[:] = d["rng"]
        self.p_count[:] = d["p_count"]
        self.cov_int[:] = d["cov_int"]
        self.clock[:] = d["clock"]
        self.mark[:] = 0
        self.events = int(d["events"][0])
        self.set_scales(d["scales"])


_KERNEL_VERSION = "lists-4"  # mid-block snapshot stops (a clock stop redraws the next event)


def _fingerprint(model: KMCModel, lattice: Lattice, config: KMCConfig) -> str:
    # the event-list layout of the kernel is part of the trajectory: a checkpoint written by
    # another kernel version would resume, but not reproduce, the uninterrupted run
    text = repr((_KERNEL_VERSION, model, lattice.cell.tolist(), lattice.basis.tolist(),
                 lattice.kinds, lattice.size, lattice.n_shells, config.events, config.seed,
                 config.blocks, config.initial, config.fast_diffusion))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _identity(model: KMCModel, lattice: Lattice) -> str:
    """What a checkpoint must share with a run to belong to its model: the species and the
    lattice (a change of rates, T, events or seed is the same model, rerun afresh)."""
    return repr((tuple(model.species), tuple(lattice.kinds), tuple(lattice.size)))


def _save(path: str, sim: Simulation, blocks: dict, block_index: int, fp: str,
          identity: str | None = None) -> None:
    tmp = f"{path}.tmp.npz"
    arr = sim.arrays()
    if identity is not None:
        arr["model_identity"] = np.array(identity)
    for k, v in blocks.items():
        arr[f"block_{k}"] = np.asarray(v)
    try:
        np.savez(tmp, fingerprint=np.array(fp), block_index=np.array([block_index]), **arr)
        os.replace(tmp, path)
    except OSError as exc:          # a full disk: no partial checkpoint is left behind
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise OutputError(path, exc.strerror or str(exc)) from None


def _resume(path: str, sim: Simulation, blocks: dict, fp: str,
            nblk: int, identity: str | None = None) -> tuple[int, dict]:
    """Restore ``sim`` from the checkpoint ``path``; the block to start at and the block
    records (as many blocks as were stored: a run-until-converged run may have more).

    A checkpoint is an ``.npz`` of plain numeric arrays, read without pickle and checked
    against this run's layout (names, dtypes, shapes) before any of it is used. One written
    for another model or configuration (its fingerprint differs) is not resumed: the run
    starts afresh and overwrites it; one written for another model (other species or
    lattice, ``identity``) is refused.

    Raises
    ------
    InvalidParameterError
        When ``path`` is not a catscale kMC checkpoint (not an npz, object arrays, missing
        or misshapen arrays) or belongs to another model.
    """
    def foreign(why: str):
        raise InvalidParameterError("checkpoint", f"a catscale kMC checkpoint (.npz written "
                                    f"by this run's model); {why}", path)

    expected = {**{k: np.asarray(v) for k, v in sim.arrays().items()},
                **{f"block_{k}": v for k, v in blocks.items()}}
    try:
        with np.load(path, allow_pickle=False) as d:
            if not hasattr(d, "files"):
                foreign("this is a single array, not an npz archive")
            names = set(d.files)
            missing = {"fingerprint", "block_index", *expected} - names - {"block_proj"}
            if missing:
                foreign(f"it lacks {', '.join(sorted(missing)[:4])}")
            if d["fingerprint"].dtype.kind != "U" or d["fingerprint"].shape != ():
                foreign("its fingerprint is not a string")
            if identity is not None and "model_identity" in names:
                other = d["model_identity"]
                if other.dtype.kind != "U" or other.shape != () or str(other) != identity:
                    foreign(f"it was written for another model (species and lattice "
                            f"{str(other)[:200]}; this run: {identity[:200]}); remove it or "
                            "choose another checkpoint file")
            if str(d["fingerprint"]) != fp:
                return 0, blocks         # another model or configuration: start afresh
            arrays = {k: d[k] for k in (*expected, "block_index") if k in names}
    except InvalidParameterError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        why = ("it is not an npz archive of numeric arrays"
               if isinstance(exc, zipfile.BadZipFile) or "pickle" in str(exc)
               else f"it cannot be read as one ({type(exc).__name__}: {exc})")
        foreign(why)
    n_st = arrays["block_t"].shape[0] if arrays["block_t"].ndim == 1 else -1
    for k, ref in expected.items():
        if k not in arrays:          # 'block_proj' is absent from older checkpoints
            arrays[k] = np.full((n_st, *ref.shape[1:]), np.nan)
        a = arrays[k]
        shape_ok = (a.shape[1:] == ref.shape[1:] and a.shape[:1] == (n_st,)) \
            if k.startswith("block_") else a.shape == ref.shape
        if not shape_ok or a.dtype.kind not in "biuf" or (
                ref.dtype.kind in "biu" and a.dtype.kind == "f"):
            foreign(f"array {k} has shape {a.shape} and dtype {a.dtype}, expected "
                    f"{ref.shape} {ref.dtype}")
    bi = arrays["block_index"]
    if bi.shape != (1,) or bi.dtype.kind not in "iu" or not 0 <= int(bi[0]) <= n_st:
        foreign(f"block_index {bi!r} is not a block of this run (0..{n_st})")
    sim.restore({k: v for k, v in arrays.items()
                 if not k.startswith("block_") and k != "model_identity"})
    stored = {k: np.array(arrays[f"block_{k}"], dtype=v.dtype) for k, v in blocks.items()}
    if n_st < nblk:      # a checkpoint taken mid-run: room for the remaining blocks
        stored = {k: np.concatenate([v, blocks[k][n_st:]]) for k, v in stored.items()}
    return int(bi[0]), stored


class _Interrupt:
    """Turn SIGINT/SIGTERM into a flag checked at block boundaries (main thread only)."""

    def __init__(self, active: bool):
        self.flag = False
        self.active = active and threading.current_thread() is threading.main_thread()
        self.old = {}

    def __enter__(self):
        if self.active:
            for sig in (signal.SIGINT, signal.SIGTERM):
                self.old[sig] = signal.signal(sig, self._handler)
        return self

    def _handler(self, signum, frame):
        self.flag = True

    def __exit__(self, *exc):
        for sig, h in self.old.items():
            signal.signal(sig, h)
        return False


def simulate(model: KMCModel, lattice: Lattice, config: KMCConfig | None = None,
             progress: Callable[[int, int], None] | None = None,
             steps: tuple[str, ...] = ()) -> KMCResult:
    """Run lattice kMC and return time-averaged observables with error bars.

    Parameters
    ----------
    model : KMCModel
        Species, processes (rates in s^-1 per ordered occurrence), interactions, T (K).
    lattice : Lattice
    config : KMCConfig
    progress : callable(events_done, events_total), optional
        Called after every block.
    steps : tuple of str
        Mechanism step labels (sets the length of ``step_rates``); inferred from the
        processes' ``step`` indices when empty.

    Returns
    -------
    KMCResult

    Raises
    ------
    KeyboardInterrupt
        When SIGINT/SIGTERM arrives; the state at the last block boundary is saved to
        ``config.checkpoint`` first (when set), so the run can be resumed.
    """
    config = config or KMCConfig()
    sim = Simulation(model, lattice, seed=config.seed, initial=config.initial)
    nblk = int(config.blocks)
    per = [int(config.events) // nblk] * nblk
    per[-1] += int(config.events) - sum(per)
    # run-until-converged: further blocks of the base size, up to the event cap
    cap = nblk + (config.event_cap - int(config.events)) // per[0]
    P = len(model.processes)
    blocks = _new_blocks(nblk, sim.ns, P, min(lattice.size) // 2 + 1)
    fp = _fingerprint(model, lattice, config)

    def cov_block(b: int) -> bool:
        # the occupation covariance (an FFT per adsorbate: 50 ms at 1024^2) on about 8
        # snapshots of the second half of the run, where the warm-up has usually ended
        half = nblk // 2
        return b == nblk - 1 or (b >= half and (b - half) % max(1, (nblk - half) // 8) == 0)

    start = 0
    if config.checkpoint and config.resume and os.path.exists(config.checkpoint):
        start, blocks = _resume(config.checkpoint, sim, blocks, fp, nblk,
                                _identity(model, lattice))
    fd = config.fast_diffusion
    channels = _channels(model) if fd else []
    bounds = _instance_bounds(sim, channels) if fd else []
    wall = 0.0
    status = 0
    nsteps = len(steps) or (max([p.step for p in model.processes] + [-1]) + 1)
    with _Interrupt(bool(config.checkpoint)) as intr:

        def run_block(b: int, n_events: int) -> int:
            """Run block b of ``n_events`` events; returns its kernel status."""
            nonlocal wall, blocks
            if b >= len(blocks["t"]):  # run-until-converged: room for the next blocks
                more = _new_blocks(max(b, nblk), sim.ns, P, blocks["corr"].shape[2])
                blocks = {k: np.concatenate([v, more[k]]) for k, v in blocks.items()}
            t0, c0, p0 = sim.time, sim.cov_int.copy(), sim.p_count.copy()
            # one snapshot per block (NN pair probabilities, site fractions) at a time fixed
            # before the block runs, about its middle: the state in effect at a given time is
            # time-weighted, whereas the state after a given number of events is weighted by
            # its total rate (the embedded chain: on a small lattice, configurations of high
            # rate are over-sampled several-fold)
            tau = 0.5 * blocks["t"][b - 1] if b > 0 and blocks["t"][b - 1] > 0 else 0.0
            if tau == 0.0:
                R = sim.total_rate
                tau = 0.5 * n_events / R if R > 0 else 0.0
            w0 = time.perf_counter()
            done, st = sim.advance(n_events, min(t0 + tau, config.t_max))
            snapped = st == 1
            if snapped:
                shot = _snapshot(sim, lattice, b >= nblk or cov_block(b))
                if sim.time < config.t_max:
                    d2, st = sim.advance(n_events - done, config.t_max, canonical=False)
                    done += d2
            wall += time.perf_counter() - w0
            if not snapped:  # the block ended (absorbing state, or faster than expected)
                shot = _snapshot(sim, lattice, b >= nblk or cov_block(b))
            blocks["t"][b] = sim.time - t0
            blocks["cov"][b] = sim.cov_int - c0
            blocks["count"][b] = sim.p_count - p0
            blocks["events"][b] = done
            blocks["status"][b] = st
            blocks["pairs"][b], blocks["snap"][b], blocks["corr"][b], blocks["proj"][b] = shot
            if fd and st == 0:
                new = _rescale(sim.scales, blocks["count"][b], channels, fd, bounds)
                if not np.array_equal(new, sim.scales):
                    sim.set_scales(new)
            if config.checkpoint and (intr.flag or (config.checkpoint_every and
                                                    (b + 1) % int(config.checkpoint_every)
                                                    == 0)
                                      or b + 1 == nblk or st != 0):
                _save(config.checkpoint, sim, {k: v[:b + 1] for k, v in blocks.items()},
                      b + 1, fp, _identity(model, lattice))
            if progress is not None:
                progress(int(blocks["events"][:b + 1].sum()),
                         int(config.events if b < nblk else config.event_cap))
            if intr.flag:
                raise KeyboardInterrupt(f"kMC interrupted after block {b + 1}; checkpoint "
                                        f"{config.checkpoint}")
            return st

        b = start
        if start and blocks["status"][start - 1] != 0:
            status = int(blocks["status"][start - 1])
        while status == 0 and b < nblk:
            status = run_block(b, per[b])
            b += 1
        # run until converged: the checks at block counts nblk * 2^k (a function of the
        # block index only, so that a resumed run takes the same decisions)
        while status == 0 and config.target_error is not None and b < cap:
            q, r = divmod(b, nblk)
            if r == 0 and q & (q - 1) == 0:
                done = {k: v[:b] for k, v in blocks.items()}
                if _statistics(model, done, config, status, nsteps, sim._kind_sizes(),
                               lattice.n_sites)["convergence"].converged:
                    break
            goal = nblk
            while goal <= b:
                goal *= 2
            for bb in range(b, min(goal, cap)):
                status = run_block(bb, per[0])
                b = bb + 1
                if status != 0:
                    break
    res = _result(sim, {k: v[:b] for k, v in blocks.items()}, config, status, wall, nsteps)
    if fd is not None and fd.check:
        ck = None if not config.checkpoint else f"{config.checkpoint}.check.npz"
        half = simulate(model, lattice, replace(config, seed=int(config.seed) + 1,
                                                checkpoint=ck, fast_diffusion=fd.halved()),
                        steps=steps)
        res.scaling_check = scaling_check(res, half, fd)
    return res


def _one_phase_length(cf: np.ndarray, pj: np.ndarray, pj_err: np.ndarray,
                      size) -> tuple[float | None, str]:
    """Correlation length of one adsorbate from its snapshot-averaged covariances: the
    row-projected fit (:func:`length_from_projection`, weighted by the scatter of the
    snapshots) of the occupation, or of the
    staggered occupation when nearest neighbours are anticorrelated (c(2x2) ordering of a
    repulsive layer on the square lattice); None (with the reason) outside the one-phase
    region."""
    if not (np.isfinite(cf[0]) and cf[0] > 0):
        return float("nan"), "the layer is empty or full (no occupation fluctuations)"
    if cf[1] / cf[0] < -0.05:
        if not np.all(np.isfinite(pj[2:, 0])):
            return None, ("nearest neighbours are anticorrelated (ordering); the order "
                          "parameter of this lattice is not analysed")
        return length_from_projection(pj[2:], size, G_err=pj_err[2:])
    return length_from_projection(pj[:2], size, G_err=pj_err[:2])


def _basis_of_species(model: KMCModel, lattice: Lattice) -> dict[int, int]:
    """Species code -> first basis index of its site kind, for the adsorbates."""
    return {i: list(lattice.kinds).index(model.kinds[i]) for i, s in enumerate(model.species)
            if s not in lattice.kind_names}


def _snapshot(sim: Simulation, lattice: Lattice, covariance: bool = True):
    """(NN pair probabilities (ns, ns), site fractions (ns,), occupation covariance C(r)
    (ns, r) of the adsorbates, NaN unless ``covariance``, and their row-projected
    covariances (ns, 4, r)) of the current state."""
    r = min(lattice.size) // 2 + 1
    corr = np.full((sim.ns, r), np.nan)
    proj = np.full((sim.ns, 4, r), np.nan)
    for i, b0 in _basis_of_species(sim.model, lattice).items():
        # line sums and 1-D FFTs: cheap enough for every snapshot
        proj[i] = projected_correlation(sim.state, lattice, i, basis=b0)
        if covariance:
            corr[i] = correlation_function(sim.state, lattice, i, basis=b0)
    return (pair_probabilities(sim.state, lattice, sim.ns), sim.n_count / lattice.n_sites,
            corr, proj)


def scaling_check(res: KMCResult, half: KMCResult, fd: FastDiffusion) -> dict:
    """Bias estimate of a scaled run's TOF from a run scaled twice as hard (S/2).

    With the O(1/S) bias of the scaling, TOF(S) = T0 + b/S, the bias of the reported TOF
    is ``TOF(S/2) - TOF(S)`` (s^-1 per site, per gas), with the error of that difference
    from the two independent block errors. ``converged`` when every gas's bias is within 3
    of its standard errors or below 1 % of its TOF, and that error is at most 25 % of the
    TOF (otherwise the verdict is "inconclusive").

    Returns
    -------
    dict with separation, separation_check, tof_check, tof_check_error, bias, bias_error,
    tof_extrapolated = 2 TOF(S) - TOF(S/2) (the S -> inf limit) and its error (dicts gas ->
    s^-1), converged (bool) and verdict (str).
    """
    bias, err, ext, ext_err = {}, {}, {}, {}
    for g, t in res.tof.items():
        b = float(half.tof[g] - t)
        e = float(np.hypot(res.tof_error[g], half.tof_error[g]))
        bias[g], err[g] = b, e
        ext[g] = float(t - b)  # Richardson: T0 = 2 TOF(S) - TOF(S/2)
        ext_err[g] = float(np.hypot(2 * res.tof_error[g], half.tof_error[g]))
    out = dict(separation=fd.separation, separation_check=fd.halved().separation,
               tof_check=dict(half.tof), tof_check_error=dict(half.tof_error), bias=bias,
               bias_error=err, tof_extrapolated=ext, tof_extrapolated_error=ext_err)
    return _verdict(out, res.tof)


def _verdict(check: dict, tof: dict) -> dict:
    """Add ``converged`` and ``verdict`` to a scaling check (see :func:`scaling_check`)."""
    bias, err = check["bias"], check["bias_error"]
    bad = [g for g in bias if not (abs(bias[g]) <= 3 * err[g] or
                                   abs(bias[g]) <= 0.01 * abs(tof[g]))]
    # a bias within its error proves nothing when the error is of the order of the TOF
    vague = [g for g in bias if tof[g] != 0 and err[g] > 0.25 * abs(tof[g])]
    if not bad and not vague:
        verdict = "scaling bias within the statistical error"
    elif not bad:
        g = max(vague, key=lambda g: err[g] / abs(tof[g]))
        verdict = (f"inconclusive: the bias estimate of TOF({g}) has an error of "
                   f"{err[g] / abs(tof[g]):.0%} of the TOF; run more events")
        bad = vague
    else:
        big = max(bad, key=lambda g: abs(bias[g]) / max(err[g], 1e-300))
        verdict = (f"scaling bias detected: TOF({big}) moves by {bias[big]:.3g} s^-1 "
                   f"(+-{err[big]:.2g}) when the fast channels are scaled twice as hard; "
                   "raise fast_diffusion.separation")
    return dict(check, converged=not bad, verdict=verdict)


def combine_scaling_checks(checks: list[dict], tof: dict) -> dict:
    """Scaling checks of independent replicas combined: inverse-variance weighted means of
    the S/2 TOF, the bias and the extrapolation, with their standard errors (a replica
    whose short S/2 run came out with a large error does not swamp the others), judged
    against the replicas' mean TOF ``tof`` (s^-1)."""
    out = dict(separation=checks[0]["separation"],
               separation_check=checks[0]["separation_check"])
    for key in ("tof_check", "bias", "tof_extrapolated"):
        ekey = "bias_error" if key == "bias" else f"{key}_error"
        out[key], out[ekey] = {}, {}
        for g in checks[0][key]:
            v = np.array([c[key][g] for c in checks], dtype=float)
            e = np.array([c[ekey][g] for c in checks], dtype=float)
            if np.all(e > 0) and np.all(np.isfinite(e)):
                w = 1.0 / e ** 2
                out[key][g] = float(np.sum(w * v) / np.sum(w))
                out[ekey][g] = float(1.0 / np.sqrt(np.sum(w)))
            else:  # an exact (zero-error) estimate, e.g. no production at all
                out[key][g] = float(np.mean(v))
                out[ekey][g] = float(np.sqrt(np.mean(e ** 2) / len(e)))
    return _verdict(out, tof)


def _channels(model: KMCModel) -> list[tuple[list[int], list[int]]]:
    """Reversible channels: (forward process indices, reverse process indices) per step;
    a self-reverse process (a hop, ``direction == 0``) is a channel of its own."""
    by_step: dict[int, tuple[list[int], list[int]]] = {}
    out = []
    for i, p in enumerate(model.processes):
        if p.direction == 0:
            out.append(([i], []))
            continue
        if p.step < 0:
            continue
        f, r = by_step.setdefault(p.step, ([], []))
        (f if p.direction > 0 else r).append(i)
    return out + [v for v in by_step.values() if v[0] and v[1]]


def _instance_bounds(sim: Simulation, channels) -> list[tuple[float, list[tuple[int, float]]]]:
    """Per channel: (relaxation rate per site R of the unscaled channel, s^-1; [(process,
    rate per instance k, s^-1)] of the pair processes of other channels whose initial pattern
    holds only states of this channel)."""
    model, lat = sim.model, sim.lattice
    kind_n = {k: int(np.sum(lat.site_kind == i)) for i, k in enumerate(lat.kind_names)}
    k_inst = sim.base_rate  # per slot: per ordered pair, per unordered one when symmetric
    out = []
    for f, r in channels:
        mine = set(f + r)
        states = {x for i in mine for x in model.processes[i].initial + model.processes[i].final}
        R = 0.0
        for i in mine:
            p = model.processes[i]
            R += k_inst[i] * sim.cap[i] / max(kind_n[model.kind_of(p.initial[0])], 1)
        comp = [(i, float(k_inst[i])) for i, p in enumerate(model.processes)
                if i not in mine and p.n_sites == 2 and k_inst[i] > 0
                and set(p.initial) <= states]
        out.append((float(R), comp))
    return out


def _rescale(scales: np.ndarray, counts: np.ndarray, channels, fd: FastDiffusion,
             bounds=None) -> np.ndarray:
    new = scales.copy()
    equilibrated = []
    for f, r in channels:
        nf, nr = counts[f].sum(), counts[r].sum()
        n = nf + nr
        imbalance = (abs(nf - nr) / n if r else 0.0) if n > 0 else 1.0
        equilibrated.append(n > fd.min_executions and imbalance < fd.tolerance)
    fast = {i for (f, r), eq in zip(channels, equilibrated) if eq for i in f + r}
    slow = [counts[i] for i in range(len(counts)) if i not in fast]
    n_slow = max(max(slow, default=0), 1.0)
    sep_i = fd.separation if fd.instance_separation is None else fd.instance_separation
    for c, ((f, r), eq) in enumerate(zip(channels, equilibrated)):
        s = scales[f[0]]
        n = counts[f].sum() + counts[r].sum()
        if eq:
            s = s * fd.separation * n_slow / n
            if bounds and sep_i > 0:
                # per-instance bound: S R >= sep_i * (scaled) rate of each competing slow
                # pair process per pair (see FastDiffusion); another quasi-equilibrated
                # channel (a hop on the same states) is not a competitor
                R, comp = bounds[c]
                k_slow = max([k * scales[i] for i, k in comp if i not in fast], default=0.0)
                if R > 0:
                    s = max(s, sep_i * k_slow / R)
            s = float(np.clip(s, fd.min_scale, 1.0))
        elif s < 1.0:
            s = min(1.0, s * 4.0)
        new[f + r] = s
    return new


def _new_blocks(n: int, ns: int, n_proc: int, n_r: int) -> dict:
    """Zeroed per-block records for ``n`` blocks (see :func:`simulate`)."""
    return dict(t=np.zeros(n), cov=np.zeros((n, ns)), count=np.zeros((n, n_proc)),
                events=np.zeros(n, dtype=np.int64), status=np.zeros(n, dtype=np.int64),
                pairs=np.zeros((n, ns, ns)), snap=np.zeros((n, ns)),
                corr=np.zeros((n, ns, n_r)), proj=np.full((n, ns, 4, n_r), np.nan))


def _rebinned(blocks: dict, nb: int, n_batches: int) -> tuple[dict, int]:
    """The additive block records (t, cov, count) of the first ``nb`` blocks merged into
    at most ``n_batches`` batches of ``f`` consecutive blocks (the last may be shorter);
    returns (batches, f). A run-until-converged run keeps its batches as long as the
    correlation time allows: batch-means errors need batches longer than it."""
    f = max(1, -(-nb // max(int(n_batches), 1)))
    if f == 1:
        return {k: blocks[k][:nb] for k in ("t", "cov", "count")}, 1
    idx = np.arange(0, nb, f)
    return {k: np.add.reduceat(blocks[k][:nb], idx, axis=0) for k in ("t", "cov", "count")}, f


def _statistics(model: KMCModel, blocks: dict, config: KMCConfig, status: int,
                nsteps: int, kind_sizes: np.ndarray, n_sites: int) -> dict:
    """Block averages of coverages, TOFs and step rates with their errors, the warm-up and
    the convergence checks (:func:`catscale.kmc._convergence.assess`) of a run's blocks
    (``kind_sizes``: sites of the kind of each species; ``n_sites``: all sites)."""
    nb_raw = int(np.sum(blocks["events"] > 0))
    bat, f = _rebinned(blocks, nb_raw, config.blocks)
    dt = bat["t"]
    nb = len(dt)
    cov = bat["cov"] / np.where(dt > 0, dt, 1.0)[:, None] / kind_sizes
    gases = model.gases or tuple(sorted({g for p in model.processes for g, _ in p.gas}))
    G = np.zeros((len(model.processes), len(gases)))
    Sx = np.zeros((len(model.processes), nsteps))
    for i, p in enumerate(model.processes):
        for g, c in p.gas:
            if g in gases:
                G[i, gases.index(g)] += c
        if 0 <= p.step < nsteps:
            Sx[i, p.step] += p.direction
    cnt = bat["count"]
    with np.errstate(invalid="ignore", divide="ignore"):
        tof_b = (cnt @ G) / (dt[:, None] * n_sites)
        step_b = (cnt @ Sx) / (dt[:, None] * n_sites)
    absorbing = status == 2
    if config.warmup == "auto":
        series = np.column_stack([cov, tof_b]) if nb else np.zeros((0, 1))
        w = mser_warmup(series[dt > 0]) if nb else 0
    else:
        w = int(float(config.warmup) * nb)
    names = model.species
    out = dict(gases=gases, warmup=w, f=f, nb=nb, nb_raw=nb_raw)
    t_total = float(np.sum(blocks["t"][:nb_raw]))
    if absorbing:
        conv = Convergence(converged=True, time=t_total)
    else:
        sl = slice(w, nb)
        coverages, cov_err = {}, {}
        for i, s in enumerate(names):
            coverages[s], cov_err[s] = weighted_mean_error(cov[sl, i], dt[sl])
        tof, tof_err = {}, {}
        for k, g in enumerate(gases):
            tof[g], tof_err[g] = weighted_mean_error(tof_b[sl, k], dt[sl])
        sr = np.zeros(nsteps)
        sre = np.zeros(nsteps)
        for j in range(nsteps):
            sr[j], sre[j] = weighted_mean_error(step_b[sl, j], dt[sl])
        out.update(coverages=coverages, coverage_error=cov_err, tof=tof, tof_error=tof_err,
                   step_rates=sr, step_rate_errors=sre)
        comp, moieties = model.balances()
        conv = assess(tof_b[sl], cov[sl], dt[sl], gases, names, comp, tof, tof_err, t_total,
                      config.relaxation_time, config.target_error, moieties=moieties)
        if status == 1 and nb_raw < config.blocks:
            where = (f"before the first of {config.blocks} blocks ended" if nb_raw <= 1 else
                     f"in block {nb_raw} of {config.blocks}")
            conv = replace(conv, converged=False, reasons=[
                f"the time cap t_max = {config.t_max:.3g} s (kmc.time) was reached after "
                f"{int(np.sum(blocks['events'][:nb_raw]))} events, {where}"] + conv.reasons)
    out["convergence"] = conv
    return out


def _result(sim: Simulation, blocks: dict, config: KMCConfig, status: int, wall: float,
            nsteps: int) -> KMCResult:
    model, lattice = sim.model, sim.lattice
    names = model.species
    kind_sizes = sim._kind_sizes()
    st = _statistics(model, blocks, config, status, nsteps, kind_sizes, lattice.n_sites)
    gases, w, nb, f, conv = st["gases"], st["warmup"], st["nb_raw"], st["f"], st["convergence"]
    final_cov = sim.n_count / kind_sizes
    if status == 2:  # absorbing: the final state is the (exact) steady state
        coverages = {s: float(final_cov[i]) for i, s in enumerate(names)}
        cov_err = {s: 0.0 for s in names}
        tof = {g: 0.0 for g in gases}
        tof_err = {g: 0.0 for g in gases}
        sr, sre = np.zeros(nsteps), np.zeros(nsteps)
    else:
        coverages, cov_err = st["coverages"], st["coverage_error"]
        tof, tof_err = st["tof"], st["tof_error"]
        sr, sre = st["step_rates"], st["step_rate_errors"]
    # pair probabilities and occupation covariances averaged over the block snapshots
    # (time-sampled) after warm-up; the random-mixing value from the same snapshots
    first = min(w * f, max(nb - 1, 0))
    if nb:
        pp = blocks["pairs"][first:nb].mean(axis=0)
        snaps = blocks["snap"][first:nb]
        rp = np.einsum("ka,kb->ab", snaps, snaps) / len(snaps)
        cov = blocks["corr"][first:nb]
        cov = cov[np.isfinite(cov[:, :, 0]).any(axis=1)]  # the snapshots that have it
        cf = cov.mean(axis=0) if len(cov) else _snapshot(sim, lattice)[2]
        pj = blocks["proj"][first:nb]
        pj = pj[np.isfinite(pj[:, :, 0, 0]).any(axis=1)]
        if len(pj) >= 3:
            pj_err = pj.std(axis=0, ddof=1) / np.sqrt(len(pj))
            pj = pj.mean(axis=0)
        else:
            pj = pj.mean(axis=0) if len(pj) else _snapshot(sim, lattice)[3]
            pj_err = np.full_like(pj, np.nan)
    else:
        pp, th, cf, pj = _snapshot(sim, lattice)
        pj_err = np.full_like(pj, np.nan)
        rp = np.outer(th, th)
    corr, clusters, corr_why = {}, {}, {}
    for i in _basis_of_species(model, lattice):
        s = names[i]
        corr[s], why = _one_phase_length(cf[i], pj[i], pj_err[i], lattice.size)
        if why:
            corr_why[s] = why
        clusters[s] = cluster_size_distribution(cluster_sizes(sim.state, lattice, i))
    label = {0: "ok", 1: "t_max", 2: "absorbing"}[status]
    warns = list(conv.warnings)
    if status == 1:
        warns.append(f"stopped at the time cap t_max = {config.t_max:.3g} s (kmc.time) after "
                     f"{int(sim.events)} events")
    if not conv.converged:
        label = "not_converged"
    return KMCResult(species=names, coverages=coverages, coverage_error=cov_err, tof=tof,
                     tof_error=tof_err, step_rates=sr, step_rate_errors=sre,
                     events=int(sim.events), time=sim.time, wall=wall, status=label,
                     warmup_blocks=int(w), pair_probability=pp, random_pair_probability=rp,
                     correlation_length=corr, correlation_length_reason=corr_why,
                     cluster_sizes=clusters, state=sim.state.copy(),
                     scales=sim.scales.copy(), blocks={k: v[:nb] for k, v in blocks.items()},
                     n_pair_samples=int(max(nb - first, 1) * np.sum(lattice.neighbors(1) >= 0)),
                     reasons=list(conv.reasons), warnings=warns, convergence=conv.to_dict())
