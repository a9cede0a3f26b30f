"""The numba kernel against its pure-Python twin (catscale.kmc._reference): identical rates
for random states (including 3-shell pairs and a 3-body cluster), local updates equal to a full
rebuild after many events, and the same stationary statistics."""

import numpy as np
import pytest
from conftest import co_ox

from catscale.kmc import Cluster, KMCModel, LateralInteractions, Lattice, Process, Simulation
from catscale.kmc._reference import enumerate_events, run_reference, total_energy

INTER = LateralInteractions(
    pairs=(("CO*", "CO*", 1, 0.08), ("CO*", "O*", 1, 0.05), ("O*", "O*", 2, -0.03),
           ("CO*", "O*", 3, 0.01)),
    clusters=(Cluster(("O*", "O*", "O*"), ((0, 0, 0), (0, 1, 0), (0, 0, 1)), 0.04),))


def _random_state(sim, rng, n_species):
    sim.state[:] = rng.integers(0, n_species, size=sim.state.size)
    sim.rebuild()


@pytest.mark.parametrize("lat", [Lattice.square(5), Lattice.hexagonal(5)])
def test_rates_equal_reference(lat, rng):
    # exact comparison (1e-12 relative: the two sum the same terms in different order)
    _, _, m = co_ox(lat, lateral=INTER, diffusion={"CO*": 3.0, "O*": 1.5})
    sim = Simulation(m, lat, seed=1)
    for _ in range(5):
        _random_state(sim, rng, 3)
        ref = enumerate_events(m, lat, sim.state)
        per_proc = np.zeros(len(m.processes))
        for r, p, _, _ in ref:
            per_proc[p] += r
        ker = np.zeros(len(m.processes))
        rates = sim.slot_rates()
        for s in range(lat.n_sites):
            for q, p in enumerate(sim.c.slot_p[sim.c.basis_of[s]]):
                if p >= 0:
                    ker[p] += rates[s, q]
        np.testing.assert_allclose(ker, per_proc, rtol=1e-12, atol=1e-300)
        assert sim.total_rate == pytest.approx(sum(per_proc), rel=1e-12)


def _members(sim, p):
    """(slot id, group) of every listed instance of process p, checking the position index."""
    out = []
    for g in range(sim.G[p]):
        ids = sim.lst[sim.off[p, g]:sim.off[p, g] + sim.seg[p, g]]
        assert np.all(sim.pos[ids] == np.arange(len(ids)))  # position index consistent
        if sim.G[p] > 1:
            assert np.all(sim.grp[ids] == g)
        out += [(int(i), g) for i in ids]
    return sorted(out)


def _structure(sim):
    """The incrementally maintained event structure, in an order-independent form."""
    S = sim.c.slot_p.shape[1]
    members = []
    for p in range(len(sim.Wp)):
        members.append(_members(sim, p))
        # every id is an enabled slot of this process
        assert all(sim.c.slot_p[sim.c.basis_of[i // S], i % S] == p for i, _ in members[-1])
        assert sim.Wp[p] == sum(2 ** g for _, g in members[-1])
    return dict(mask=sim.mask.copy(), h=sim.h.copy(), Wp=sim.Wp.copy(), seg=sim.seg.copy(),
                members=members, rates=sim.slot_rates())


def assert_structure_equals_rebuild(sim):
    """The incrementally maintained structure against a rebuild from the same state: masks,
    field, slot rates and the listed instances exactly; the rate group of every instance
    exactly when the rate-group hysteresis ``sim.ctl[3]`` is 0, otherwise at most that many
    groups above its own (never below: the group bound stays >= the rate, which is what
    makes the thinning exact)."""
    hyst = int(sim.ctl[3])
    a = _structure(sim)
    sim.rebuild()
    b = _structure(sim)
    for k in a:
        if k == "members":
            for pa, pb in zip(a[k], b[k]):
                assert [i for i, _ in pa] == [i for i, _ in pb]
                up = [ga - gb for (_, ga), (_, gb) in zip(pa, pb)]
                assert all(0 <= d <= hyst for d in up), (min(up), max(up))
        elif k == "Wp" and hyst:
            assert np.all(a[k] >= b[k])
        elif k == "seg" and hyst:
            assert np.array_equal(a[k].sum(axis=1), b[k].sum(axis=1))
        else:
            np.testing.assert_array_equal(a[k], b[k], err_msg=k)


@pytest.mark.parametrize("hyst", [0, 1])
@pytest.mark.parametrize("lat", [Lattice.square(8), Lattice.honeycomb(6)])
def test_local_updates_equal_rebuild(lat, hyst):
    # after 20000 events with interactions and clusters, the incrementally updated masks,
    # per-process lists, rate groups, integer interaction field and slot rates must equal a
    # rebuild from scratch exactly (a missed neighbour would differ at O(1); the field is
    # kept in integer energy quanta, so there is no round-off to allow for). The run starts
    # from an empty lattice, so the rate groups of the desorptions grow during it. The
    # honeycomb lattice has two basis sites (per-basis neighbour and reverse tables).
    # hyst = 1: an instance may stay one rate group above its own (see
    # assert_structure_equals_rebuild); with hyst = 0 the groups are checked exactly.
    for inter in (INTER, None):
        _, _, m = co_ox(lat, lateral=inter, diffusion={"CO*": 3.0, "O*": 1.5})
        sim = Simulation(m, lat, seed=7)
        sim.ctl[3] = hyst
        sim.advance(20000)
        if inter is not None:
            assert sim.null_events > 0 and np.any(sim.G > 1)  # rate groups were exercised
            assert np.any(sim.gcap > sim.ctl[1] + 0)  # and grown beyond their first size
            if hyst:  # the hysteresis was exercised: some instance sits above its group
                a = _structure(sim)
                b = _structure(_rebuilt_copy(sim))
                assert a["members"] != b["members"]
        assert_structure_equals_rebuild(sim)
        assert sim.total_rate > 0


def _rebuilt_copy(sim):
    other = Simulation(sim.model, sim.lattice, seed=1)
    other.state[:] = sim.state
    other.set_scales(sim.scales)
    return other


def test_rate_groups_bound_rates(rng):
    # composition-rejection invariant: every enabled instance of a varying process lies in
    # its group, rate in (bound/2, bound] (the lowest group: rate <= bound), and the total of
    # the bounds is >= the exact total rate and < twice it
    lat = Lattice.square(6)
    _, _, m = co_ox(lat, lateral=INTER, diffusion={"CO*": 3.0, "O*": 1.5})
    sim = Simulation(m, lat, seed=3)
    S = sim.c.slot_p.shape[1]
    for _ in range(3):
        _random_state(sim, rng, 3)
        rates = sim.slot_rates()
        bound_total = float(np.sum(sim.unit * sim.Wp))
        assert sim.total_rate <= bound_total * (1 + 1e-12)
        assert bound_total < 2 * sim.total_rate
        for p in np.flatnonzero(sim.varies):
            for i, g in _members(sim, p):
                bound = sim.unit[p] * 2.0 ** g
                r = rates[i // S, i % S]
                assert r <= bound * (1 + 1e-12)
                if g > 0:
                    assert r > bound / 2 * (1 - 1e-12)


def test_detailed_balance_event_by_event(rng):
    # k(event) / k(reverse event) = K exp(-dE/kT) with dE the total lattice energy change
    lat = Lattice.square(5)
    _, rt, m = co_ox(lat, lateral=INTER, diffusion={"CO*": 3.0})
    state = rng.integers(0, 3, size=lat.n_sites).astype(np.int8)
    code = {s: i for i, s in enumerate(m.species)}
    n_checked = 0
    for r, pi, s, t in enumerate_events(m, lat, state):
        p = m.processes[pi]
        if p.direction != 1 or p.step == 2:
            continue
        new = state.copy()
        new[s] = code[p.final[0]]
        if t >= 0:
            new[t] = code[p.final[1]]
        de = total_energy(m, lat, new) - total_energy(m, lat, state)
        rev = [x for x in enumerate_events(m, lat, new)
               if m.processes[x[1]].step == p.step and m.processes[x[1]].direction == -1
               and (x[2], x[3]) == (s, t)]
        assert len(rev) == 1
        K = rt.k_f[p.step] / rt.k_r[p.step] * (1.0 if p.step == 0 else 0.5)  # p_CO=1, p_O2
        assert r / rev[0][0] == pytest.approx(K * np.exp(-de * m.beta), rel=1e-10)
        n_checked += 1
    assert n_checked > 10


@pytest.mark.slow
def test_same_statistics_as_reference():
    # Stationary time-averaged coverages of kernel and reference agree within 4 standard
    # errors (a false alarm in ~1e-4 runs). The reference errors come from 6 independent
    # runs; the kernel run is much longer (negligible error). Rates chosen far from the
    # bistable region of this LH model so that short runs sample the one steady state.
    lat = Lattice.square(4, n_shells=1)
    m = KMCModel(("A*", "B*", "*"), ("*",) * 3, (
        Process("A ads", ("*",), ("A*",), 1.0, 0, 1, 0.0),
        Process("A des", ("A*",), ("*",), 1.0, 0, -1, 1.0),
        Process("B ads", ("*", "*"), ("B*", "B*"), 0.5, 1, 1, 0.0),
        Process("B des", ("B*", "B*"), ("*", "*"), 0.5, 1, -1, 1.0),
        Process("AB", ("A*", "B*"), ("*", "*"), 0.05, 2, 1, 0.5),
        Process("A hop", ("A*", "*"), ("*", "A*"), 0.5, -1, 0, 0.5)),
        T=400.0, interactions=LateralInteractions((("A*", "B*", 1, 0.04),
                                                   ("A*", "A*", 1, 0.03))))
    ref = []
    for seed in range(6):
        st = np.full(16, 2, dtype=np.int8)
        out = run_reference(m, lat, st, 200, seed)
        burn = run_reference(m, lat, out["state"], 600, 100 + seed)
        ref.append(burn["cov_int"] / burn["time"] / 16)
    ref = np.array(ref)
    sim = Simulation(m, lat, seed=3)
    sim.advance(20000)
    c0, t0 = sim.cov_int.copy(), sim.time
    sim.advance(400000)
    ker = (sim.cov_int - c0) / (sim.time - t0) / 16
    err = ref.std(axis=0, ddof=1) / np.sqrt(len(ref))
    assert np.all(err < 0.03)  # the comparison has teeth
    assert np.all(np.abs(ref.mean(axis=0) - ker) < 4 * err + 1e-3), (ref.mean(0), ker, err)


def test_more_than_64_slots_per_site(rng):
    # 12 pair processes on the hexagonal lattice (z = 6) plus single-site ones: 75 event slots
    # per site, two 64-bit mask words. Rates against the reference on random states, and the
    # incremental structure against a rebuild after many events (exact, as above).
    lat = Lattice.hexagonal(5)
    sp = ("A*", "B*", "C*", "*")
    procs = [Process(f"{a} ads", ("*",), (a,), 1.0 + i, -1, 1, 0.0) for i, a in
             enumerate(sp[:3])]
    procs += [Process(f"{a} des", (a,), ("*",), 0.5, -1, -1, 1.0) for a in sp[:3]]
    for i, a in enumerate(sp[:3]):
        procs.append(Process(f"{a} hop", (a, "*"), ("*", a), 2.0 + i, -1, 0, 0.5))
        for b in sp[:3]:
            if b != a:
                procs.append(Process(f"{a}+{b} swap", (a, b), (b, a), 0.3, -1, 0, 0.5))
    procs.append(Process("A+B rx", ("A*", "B*"), ("*", "*"), 0.7, -1, 1, 0.5))
    procs.append(Process("C2 rx", ("C*", "C*"), ("*", "*"), 0.2, -1, 1, 0.5))
    inter = LateralInteractions((("A*", "B*", 1, 0.04), ("C*", "C*", 1, -0.03),
                                 ("A*", "A*", 2, 0.02)))
    m = KMCModel(sp, ("*",) * 4, tuple(procs), T=450.0, interactions=inter)
    sim = Simulation(m, lat, seed=5)
    assert sim.c.slot_p.shape[1] > 64 and sim.c.n_words == 2
    for _ in range(2):
        _random_state(sim, rng, 4)
        ref = np.zeros(len(procs))
        for r, p, _, _ in enumerate_events(m, lat, sim.state):
            ref[p] += r
        rates = sim.slot_rates()
        ker = np.zeros(len(procs))
        for s in range(lat.n_sites):
            for q, p in enumerate(sim.c.slot_p[0]):
                if p >= 0:
                    ker[p] += rates[s, q]
        np.testing.assert_allclose(ker, ref, rtol=1e-12, atol=1e-300)
    sim.advance(5000)
    assert_structure_equals_rebuild(sim)


def test_three_site_kinds_fcc111(rng):
    # fcc(111) with top, fcc and hcp sites (three basis sites of different kinds): pair events
    # between kinds (CO on top + O in a fcc hollow; O hopping fcc <-> hcp), interactions in
    # shells 1 and 2. Rates against the reference on random states (each site drawn among
    # the species of its kind), and the incremental structure against a rebuild.
    lat = Lattice.fcc111(5)
    sp = ("CO_t", "top", "O_f", "fcc", "O_h", "hcp")
    kinds = ("top", "top", "fcc", "fcc", "hcp", "hcp")
    procs = (Process("CO ads", ("top",), ("CO_t",), 1.0, 0, 1, 0.0),
             Process("CO des", ("CO_t",), ("top",), 0.4, 0, -1, 1.0),
             Process("O ads", ("fcc",), ("O_f",), 0.6, 1, 1, 0.0),
             Process("O des", ("O_f",), ("fcc",), 0.2, 1, -1, 1.0),
             Process("CO+O", ("CO_t", "O_f"), ("top", "fcc"), 0.9, 2, 1, 0.5),
             Process("O f->h", ("O_f", "hcp"), ("fcc", "O_h"), 3.0, -1, 0, 0.5),
             Process("O h->f", ("O_h", "fcc"), ("hcp", "O_f"), 5.0, -1, 0, 0.5))
    inter = LateralInteractions((("CO_t", "O_f", 1, 0.06), ("O_f", "O_h", 1, 0.03),
                                 ("CO_t", "CO_t", 1, 0.02), ("O_f", "O_f", 2, -0.02)))
    m = KMCModel(sp, kinds, procs, T=500.0, interactions=inter)
    sim = Simulation(m, lat, seed=2)
    by_kind = {k: [i for i, kk in enumerate(kinds) if kk == k] for k in lat.kind_names}
    for _ in range(2):
        for ki, k in enumerate(lat.kind_names):
            idx = np.flatnonzero(lat.site_kind == ki)
            sim.state[idx] = rng.choice(by_kind[k], size=idx.size)
        sim.rebuild()
        ref = np.zeros(len(procs))
        for r, p, _, _ in enumerate_events(m, lat, sim.state):
            ref[p] += r
        rates = sim.slot_rates()
        ker = np.zeros(len(procs))
        for s in range(lat.n_sites):
            for q, p in enumerate(sim.c.slot_p[sim.c.basis_of[s]]):
                if p >= 0:
                    ker[p] += rates[s, q]
        np.testing.assert_allclose(ker, ref, rtol=1e-12, atol=1e-300)
    sim.advance(5000)
    assert sim.p_count[4] > 0 and sim.p_count[5] > 0  # cross-kind pair events happened
    assert_structure_equals_rebuild(sim)
