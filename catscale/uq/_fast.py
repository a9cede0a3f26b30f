"""Per-sample fast paths of the UQ chain: rate constants of shifted energies, warm-started
verified mean field.

**Rate constants.** An energy shift delta_i of species i (or of a saddle point) changes its
standard free energy by exactly delta_i at fixed T (the shift adds to the electronic energy; the
thermal parts do not depend on it), so the sample's RateTable is the nominal one rebuilt from
the nominal free energies G_i(T) + delta_i, without rebuilding the partition functions.
:class:`RateShifter` feeds constant-G stand-ins to the same bridge
(:func:`catscale.bridges.mechanism_rates.rate_table`), so every route (collision theory,
Eyring with the barrier lifted to max(0, dG), BEP clipping, detailed balance) is the same code.
It checks itself when built: for every shiftable target, shifts of +-0.3 eV must give the
rebuilt table (``Model.with_energy_shifts(...).rates()``) to ``1e-12`` (relative); otherwise
(e.g. Eckart tunnelling, whose barrier heights use E + ZPE) the fast path is off and every
sample rebuilds.

**Mean field.** The sample's network is the nominal network with the sample's rate constants
(:meth:`catscale.kinetics.Network.with_rates`: no recompilation), solved by the full verified
solver (multistart, stability, choice of the branch reached from the bare surface) with the
nominal steady state as an extra start: the same answer as ``steady_state`` (the same states
are found; the warm start only adds a start).

Units: eV, K, bar; rate constants s^-1 bar^-n.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping

import numpy as np

__all__ = ["RateShifter", "MeanFieldFast"]


class _ConstG:
    """A thermo stand-in whose free energy is a given constant (eV) at the one T used."""

    __slots__ = ("g",)

    def __init__(self, g: float):
        self.g = float(g)

    def G(self, T, *args, **kwargs) -> float:     # noqa: N802 (thermo protocol)
        return self.g


def _rel_diff(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, float), np.asarray(b, float)
    both = np.isfinite(a) & np.isfinite(b)
    if not np.array_equal(np.isfinite(a), np.isfinite(b)):
        return math.inf
    if not both.any():
        return 0.0
    d = np.abs(a[both] - b[both]) / np.maximum(np.maximum(np.abs(a[both]), np.abs(b[both])),
                                               1e-300)
    return float(d.max())


class RateShifter:
    """Rate constants of the model with energy shifts, from the nominal free energies.

    Parameters
    ----------
    model : Model
        The nominal model (its own ``energy_shifts`` are the base).
    targets : iterable of str
        Shift keys the samples use (species names, ``"ts:<j>"``); checked when built.
    tol : float
        Largest relative difference from the rebuilt table accepted by the self-check.

    Attributes
    ----------
    ok : bool
        The fast path reproduced the rebuilt tables; when False, ``__call__`` rebuilds.
    check : float
        Largest relative difference of k_f, k_r, K_eq found by the self-check.
    """

    def __init__(self, model, targets=(), tol: float = 1e-12):
        from ..bridges.mechanism_rates import standard_free_energies

        self.model = model
        self.T = float(model.T)
        mech = model.mechanism
        thermo = model.thermo()
        self._kin = model.step_kinetics()
        self._names = [s.name for s in mech.species]
        self._index = {n: i for i, n in enumerate(self._names)}
        self._has = [sp.phase == "site" or thermo.get(sp.name) is not None
                     for sp in mech.species]
        self._G = standard_free_energies(mech, thermo, self.T)
        self._Gts = {j: float(k.ts.G(self.T)) for j, k in enumerate(self._kin)
                     if k.route == "ts" and k.ts is not None}
        self._masses = model.masses()
        self._electronic = model.electronic_energies()
        self.ok = all(not (k.route == "ts" and k.tunneling == "eckart") for k in self._kin)
        self.check = 0.0
        if self.ok:
            worst = 0.0
            for t in sorted(set(targets)):
                for d in (0.3, -0.3):
                    ref = model.with_energy_shifts({t: d}).rates()
                    got = self._fast({t: d})
                    worst = max(worst, _rel_diff(ref.k_f, got.k_f), _rel_diff(ref.k_r, got.k_r),
                                _rel_diff(ref.K_eq, got.K_eq))
            self.check = worst
            self.ok = worst <= tol

    def _fast(self, shifts: Mapping[str, float]):
        from ..bridges.mechanism_rates import rate_table

        G = self._G.copy()
        elec = dict(self._electronic)
        ts = dict(self._Gts)
        for k, v in shifts.items():
            if k.startswith("ts:"):
                j = int(k[3:])
                if j in ts:
                    ts[j] += float(v)
            else:
                G[self._index[k]] += float(v)
                if k in elec:
                    elec[k] += float(v)
        thermo = {n: (_ConstG(G[i]) if self._has[i] else None)
                  for i, n in enumerate(self._names)}
        kin = [dataclasses.replace(k, ts=_ConstG(ts[j])) if j in ts else k
               for j, k in enumerate(self._kin)]
        return rate_table(self.model.mechanism, thermo, kin, self.T, masses=self._masses,
                          electronic=elec)

    def __call__(self, shifts: Mapping[str, float]):
        """RateTable (k in s^-1 bar^-n) of the model with ``shifts`` (eV) added, at its T."""
        if not shifts:
            return self._fast({}) if self.ok else self.model.rates()
        if self.ok:
            return self._fast(shifts)
        return self.model.with_energy_shifts(dict(shifts)).rates()


def mean_field_network(model, rates):
    """The mean-field Network of ``model`` with the rate constants ``rates`` (RateTable, T in
    K): the model's activities and its energetics taken whole, as the steady stage solves the
    same model (:func:`catscale.kinetics.energetics_network`)."""
    from ..kinetics import energetics_network

    return energetics_network(model.mechanism, rates, model.activities, model.energetics)


class MeanFieldFast:
    """Verified steady state of a sample at the nominal conditions from a compiled network.

    Parameters
    ----------
    model : Model
        Nominal model (lateral interactions and coverage effects as ``steady_state``).
    nominal : SteadyState
        Its verified steady state (an extra start of every solve).

    Calling ``mf(rates)`` with the sample's RateTable (same T) returns the SteadyState that
    :func:`catscale.kinetics.steady_state` returns for it.
    """

    def __init__(self, model, nominal):
        rt = model.rates()
        self.network = mean_field_network(model, rt)
        self.T = float(rt.T)
        self.theta0 = np.asarray(nominal.theta, float).copy()

    def __call__(self, rates):
        from ..kinetics import solve_network

        net = self.network.with_rates(rates)
        return solve_network(net, None, guesses=[self.theta0])
