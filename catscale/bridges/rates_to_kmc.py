"""Bridging law: mean-field rate constants (RateTable) -> lattice kMC event rates.

The same rate constants drive mean field and kMC. The lattice rates are chosen so that, in the
random-mixing limit, the lattice rate of a step per site equals its mean-field rate
``k prod(p/bar) prod(theta)`` (DESIGN.md):

* a single-site step (``CO + * <=> CO*``) fires on every matching site at ``k prod(p/bar)``;
* a pair step fires on every *ordered* neighbour pair (anchor s, neighbour t in shell 1)
  whose states match the pattern at ``k prod(p/bar) / z``, where z is the number of shell-1
  neighbours of the second site's kind around a site of the first site's kind. Hence an
  unordered pair in different states (``CO* + O*``) fires at k/z (one orientation matches)
  and an unordered pair in equal states (``O2 + 2*``) at 2k/z (both orientations match).
  In the random-mixing limit the number of matching ordered pairs per site is
  ``z theta_a theta_b``, so the rate per site is ``k theta_a theta_b``, the mean-field rate.

Pattern sites are the surface species of each side in the order written (coefficients
expanded): ``O2 + 2* <=> 2O*`` maps (*, *) -> (O*, O*); ``CO* + * <=> * + CO*`` is a hop of
CO* to a vacant neighbour (zero net stoichiometry, no mean-field rate). With k_f = k_r = k such
a reversible hop step moves an adsorbate to each vacant neighbour at 2k/z (both directions of
the step match the same move); ``diffusion={"CO*": Gamma}`` instead adds a hop to each vacant
neighbour at Gamma/z (total hop rate Gamma of an isolated adsorbate, s^-1).

Lateral interactions shift rates by exp(-alpha dE/kT) (see :mod:`catscale.kmc`), with the
transition-state position alpha of :func:`catscale.mechanism.lateral_alpha`, the same rule the
mean-field solver uses: 0 for the forward direction of a pure adsorption step (gas + vacancies
-> adsorbates; hence 1 for its desorption), 1 for a pure desorption written forward, and 0.5
otherwise (surface reactions); hops 0.5; ``bep`` overrides it per step equation.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..errors import InvalidParameterError
from ..kmc import Cluster, KMCModel, LateralInteractions, Lattice, Process
from ..mechanism import Energetics, Mechanism, RateTable, lateral_alpha

__all__ = ["kmc_model", "kmc_interactions", "kmc_omits", "pair_coordination",
           "relaxation_time", "kmc_relaxation_time"]


def kmc_interactions(energetics: Energetics) -> LateralInteractions:
    """The lattice interactions of an energetics value: the pairs of every neighbour shell
    (``kmc_pairs``, eV) and the many-body clusters (``clusters``, eV).

    A cluster may be a :class:`catscale.kmc.Cluster` or any object with ``species``,
    ``sites`` ((b, di, dj) per species) and ``energy`` (the ``kmc.clusters`` entries of a
    model file).
    """
    clusters = tuple(c if isinstance(c, Cluster) else
                     Cluster(tuple(c.species), tuple(tuple(x) for x in c.sites),
                             float(c.energy))
                     for c in energetics.clusters)
    return LateralInteractions(tuple(tuple(p) for p in energetics.kmc_pairs), clusters)


def kmc_omits(energetics: Energetics) -> list[str]:
    """Parts of an energetics value that lattice kMC does not represent (names of the
    :class:`~catscale.mechanism.Energetics` fields): ``coverage_effects``, the mean-field
    coverage dependence of rate constants (``orders``, ``coverage_dependence``), which has
    no event-level counterpart. The caller reports them as warnings."""
    return ["coverage_effects"] if energetics.coverage_effects is not None else []


def _step_alpha(mechanism: Mechanism, energetics: Energetics | None,
                bep: Mapping[str, float] | None) -> np.ndarray:
    """Transition-state position per step: the energetics' (the rule mean field uses),
    else :func:`lateral_alpha` with the ``bep`` overrides."""
    if energetics is None:
        return np.asarray(lateral_alpha(mechanism, bep), dtype=float)
    if not energetics.alpha:
        return np.asarray(lateral_alpha(mechanism, dict(energetics.bep)), dtype=float)
    a = np.asarray(energetics.alpha, dtype=float)
    if a.shape != (len(mechanism.steps),) or not np.all((a >= 0) & (a <= 1)):
        raise InvalidParameterError("energetics.alpha", f"{len(mechanism.steps)} values in "
                                    "[0, 1] (one per step)", energetics.alpha)
    return a


def pair_coordination(lattice: Lattice, kind_a: str, kind_b: str, shell: int = 1) -> int:
    """Number z of shell neighbours of kind ``kind_b`` around a site of kind ``kind_a``.

    Raises
    ------
    InvalidParameterError
        If the sites of kind_a do not all have the same number (the per-site rate would be
        ambiguous) or have none.
    """
    zs = set()
    for b, k in enumerate(lattice.kinds):
        if k != kind_a:
            continue
        offs = lattice.shell_offsets(shell)[b]
        zs.add(sum(1 for (b2, _, _) in offs if lattice.kinds[b2] == kind_b))
    if len(zs) != 1 or 0 in zs:
        raise InvalidParameterError(
            f"lattice pair {kind_a}-{kind_b}",
            "the same non-zero number of neighbours of the second kind around every site of "
            "the first kind", sorted(zs))
    return zs.pop()


def _expand(side, mech: Mechanism):
    surf, gas = [], {}
    for name, c in side:
        sp = mech.species[mech.index(name)]
        if sp.is_gas:
            gas[name] = gas.get(name, 0) + int(c)
        else:
            surf += [name] * int(c)
    return surf, gas


def kmc_model(mechanism: Mechanism, rates: RateTable, pressures: Mapping[str, float],
              lattice: Lattice, lateral: LateralInteractions | Mapping | None = None,
              diffusion: Mapping[str, float] | None = None,
              bep: Mapping[str, float] | None = None, *,
              energetics: Energetics | None = None) -> KMCModel:
    """Lattice processes of a mechanism with the rate constants of ``rates``.

    Parameters
    ----------
    mechanism : Mechanism
    rates : RateTable
        k_f, k_r in s^-1 bar^-n (mass action, per site).
    pressures : dict gas -> float
        Activities p / p0 (p0 = 1 bar: partial pressures in bar,
        :attr:`catscale.model.Model.activities`); gases not given are at 0.
    lattice : Lattice
        Provides the site kinds and the coordination numbers z.
    lateral : LateralInteractions or dict {"A*-B*": eV} or None
        Lateral interactions (a dict means nearest-neighbour pairs).
    diffusion : dict adsorbate -> s^-1, optional
        Total hop rate Gamma of an isolated adsorbate to vacant shell-1 neighbours of the same
        kind (each neighbour at Gamma/z).
    bep : dict equation -> alpha, optional
        BEP coefficient of the forward direction of a step (reverse: 1 - alpha).
    energetics : Energetics, optional
        The model's energetics taken whole (``Model.energetics``), instead of ``lateral``
        and ``bep``: pair interactions of every shell and clusters
        (:func:`kmc_interactions`) and the transition-state position of every step
        (``alpha``, the one mean field uses). Its coverage effects have no lattice
        counterpart (:func:`kmc_omits`).

    Returns
    -------
    KMCModel
        Process rates in s^-1 per ordered occurrence, T in K.
    """
    if len(rates) != len(mechanism.steps):
        raise InvalidParameterError("rates", f"{len(mechanism.steps)} steps (the mechanism)",
                                    len(rates))
    p = {g.name: 0.0 for g in mechanism.gas}
    for g, v in (pressures or {}).items():
        if g not in p:
            raise InvalidParameterError("pressures", f"gases among {sorted(p)}", g)
        if not (np.isfinite(v) and v >= 0):
            raise InvalidParameterError(f"pressures[{g}]", ">= 0 bar", v)
        p[g] = float(v)
    multi = [s.name for s in mechanism.surface if s.n_sites != 1]
    if multi:
        # a multi-site adsorbate needs a lattice pattern (which neighbours it covers, its
        # orientations): not implemented, and a one-site stand-in would be a wrong answer
        raise InvalidParameterError("species.sites", "adsorbates on one site each (kMC does "
                                    "not represent multi-site adsorbates; use mean field)",
                                    {n: mechanism.species[mechanism.index(n)].n_sites
                                     for n in multi})
    if energetics is not None and (lateral is not None or bep is not None):
        raise InvalidParameterError("energetics", "either energetics or lateral/bep, not both",
                                    energetics)
    alpha = _step_alpha(mechanism, energetics, bep)  # the rule mean field uses too
    surface = [s for s in mechanism.surface]
    species = tuple(s.name for s in surface)
    kinds = tuple(s.site for s in surface)
    procs: list[Process] = []
    for j, st in enumerate(mechanism.steps):
        rs, rg = _expand(st.reactants, mechanism)
        ps, pg = _expand(st.products, mechanism)
        label = st.equation
        if len(rs) != len(ps) or len(rs) not in (1, 2):
            raise InvalidParameterError(
                f"steps[{j}] {label!r}", "one or two surface sites on each side (same number) "
                "for lattice kMC", (len(rs), len(ps)))
        kind = [mechanism.species[mechanism.index(x)].site for x in rs]
        kind_p = [mechanism.species[mechanism.index(x)].site for x in ps]
        if kind != kind_p:
            if len(ps) == 2 and kind == kind_p[::-1]:
                ps = ps[::-1]
            else:
                raise InvalidParameterError(f"steps[{j}] {label!r}",
                                            "the same site kinds on both sides", (kind, kind_p))
        z = pair_coordination(lattice, kind[0], kind[1]) if len(rs) == 2 else 1
        net_gas = {g: pg.get(g, 0) - rg.get(g, 0) for g in set(pg) | set(rg)}
        gas_f = tuple((g, c) for g, c in sorted(net_gas.items()) if c != 0)
        gas_r = tuple((g, -c) for g, c in gas_f)
        a_f = alpha[j]
        kf = rates.k_f[j] * np.prod([(p[g] if p[g] else 0.0) ** c for g, c in rg.items()])
        kr = rates.k_r[j] * np.prod([(p[g] if p[g] else 0.0) ** c for g, c in pg.items()])
        procs.append(Process(f"{label} (fwd)", tuple(rs), tuple(ps), float(kf) / z, step=j,
                             direction=1, alpha=float(a_f), gas=gas_f))
        if st.reversible and rates.k_r[j] > 0:
            procs.append(Process(f"{label} (rev)", tuple(ps), tuple(rs), float(kr) / z,
                                 step=j, direction=-1, alpha=1.0 - float(a_f), gas=gas_r))
    for name, gamma in (diffusion or {}).items():
        if name not in species or name in kinds:
            raise InvalidParameterError("diffusion", f"an adsorbate among {species}", name)
        if not (np.isfinite(gamma) and gamma >= 0):
            raise InvalidParameterError(f"diffusion[{name}]", "a hop rate >= 0 s^-1", gamma)
        k = mechanism.species[mechanism.index(name)].site
        z = pair_coordination(lattice, k, k)
        procs.append(Process(f"{name} hop", (name, k), (k, name), float(gamma) / z, step=-1,
                             direction=0, alpha=0.5))
    if energetics is not None:
        inter = kmc_interactions(energetics)
    elif isinstance(lateral, LateralInteractions):
        inter = lateral
    else:
        inter = LateralInteractions.from_dict(dict(lateral or {}))
    comp = tuple((g.name, tuple(sorted(g.composition))) for g in mechanism.gas
                 if g.composition is not None)
    return KMCModel(species=species, kinds=kinds, processes=tuple(procs), T=float(rates.T),
                    interactions=inter, gases=tuple(g.name for g in mechanism.gas),
                    gas_composition=comp)


def relaxation_time(steady) -> float:
    """Slowest mean-field relaxation time at a steady state, s.

    tau = 1 / |Re lambda_min|, lambda_min the eigenvalue of the mean-field Jacobian (on the
    site-conserving subspace) with the smallest nonzero real part; over every stable steady
    state found (the slowest of them). A perturbation of the coverages decays as
    exp(-t / tau) in the linear regime: the kMC run must cover several tau before its
    averages estimate the steady state (:mod:`catscale.kmc._convergence`).

    Parameters
    ----------
    steady : catscale.kinetics.SteadyState

    Returns
    -------
    float
        tau in s; NaN when no stable state has a nonzero eigenvalue.
    """
    rates = []
    for st in steady.stable_states or [steady]:
        re = np.abs(np.asarray(st.eigenvalues).real)
        if re.size and re.max() > 0:
            re = re[re > 1e-12 * re.max()]
            rates.append(float(re.min()))
    return 1.0 / min(rates) if rates else float("nan")


def kmc_relaxation_time(mechanism: Mechanism, rates: RateTable,
                        pressures: Mapping[str, float], model: KMCModel, lattice: Lattice,
                        alpha=None) -> float:
    """Mean-field relaxation time (s) of the kMC model's mechanism: :func:`relaxation_time`
    of the steady state with the kMC's pair interactions folded in at first order on this
    lattice (shell s weighted by its coordination, as ``compare`` does); gases missing from
    ``pressures`` are at 0 bar. NaN when mean field finds no verified steady state (the kMC
    run then carries a warning instead). ``alpha`` (one per step) defaults to the
    transition-state positions of the kMC model's forward processes."""
    from ..errors import CatscaleError
    from ..kinetics import steady_state

    if alpha is None:
        fwd = {p.step: p.alpha for p in model.processes if p.direction == 1}
        if sorted(fwd) == list(range(len(mechanism.steps))):
            alpha = np.array([fwd[j] for j in range(len(mechanism.steps))])
    zs = [int(lattice.coordination(s)[0]) for s in range(1, lattice.n_shells + 1)]
    lateral = model.interactions.mean_field_pairs(zs)
    p = {g.name: 0.0 for g in mechanism.gas} | dict(pressures or {})  # as kmc_model: 0 bar
    try:
        ss = steady_state(mechanism, rates, p, lateral=lateral or None,
                          coordination=zs[0], alpha=alpha)
    except CatscaleError:  # no verified mean-field state: the kMC result says so
        return float("nan")
    return relaxation_time(ss)
