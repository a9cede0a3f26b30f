"""Bridge thermo -> rates for a whole mechanism: one RateTable from species thermochemistry.

Every step gets its forward rate constant from the route its model file names (fixed value,
collision theory, transition-state theory from a saddle point, Arrhenius with a given barrier,
or a BEP relation) and its reverse rate constant from detailed balance with the *same*
thermochemistry, k_r = k_f / K with K = exp(-dG0 / kB T), so k_f / k_r = K holds by
construction for every step (thermodynamic consistency). The laws themselves are in
:mod:`catscale.bridges.thermo_to_rates`; this module only applies them step by step.

Conventions (DESIGN.md): gases at the standard pressure p0 = 1 bar, rates by mass action in
bar and coverages, TOF per site. dG is the standard reaction free energy (eV); dG_act the
forward free-energy barrier (eV): G_TS - sum G_reactants for a saddle point; ``Ea`` itself for
an ``Ea`` without ``A`` (k_f = kB T / h exp(-Ea / kB T): Ea acts as a free-energy barrier);
for ``Ea`` with ``A`` and fixed rate constants the *effective* barrier -kB T ln(k_f h / kB T)
(at 1 bar for steps with gas reactants); none (NaN) for non-activated sticking.
``RateTable.barrier_kind`` says which, per step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..errors import InvalidParameterError
from ..mechanism import Mechanism, RateTable
from ..units import P0, h, kB
from . import thermo_to_rates as ttr


class ThermoLike(Protocol):
    """What this bridge needs from a thermo object (see :mod:`catscale.thermo`)."""

    def G(self, T: float, *args, **kwargs) -> float: ...   # eV


@dataclass(frozen=True)
class StepKinetics:
    """How the rate constants of one step are obtained.

    Attributes
    ----------
    route : str
        ``"fixed"`` (k_f, k_r given), ``"sticking"`` (collision theory), ``"ts"`` (saddle
        point, Eyring), ``"arrhenius"`` (Ea and prefactor A), ``"bep"`` (Ea = alpha dE + beta).
    k_f, k_r : float, optional
        Fixed rate constants, s^-1 bar^-n (n gas reactants / products).
    sticking : float, optional
        Initial sticking coefficient s0 (route "sticking"); the coefficient is
        s0 T^b exp(-Ea / kB T), with the Motz-Wise correction s / (1 - s/2) when
        ``motz_wise``.
    Ea : float, optional
        Forward activation energy, eV (routes "arrhenius" and "sticking").
    A : float, optional
        Prefactor, s^-1 bar^-n (times K^-b); default kB T / h.
    b : float
        Temperature exponent of a modified Arrhenius law A T^b exp(-Ea / kB T), or of the
        sticking coefficient (dimensionless).
    motz_wise : bool
        Motz-Wise correction of the sticking coefficient.
    alpha, beta : float, optional
        BEP slope (-) and intercept (eV).
    ts : ThermoLike, optional
        Thermochemistry of the saddle point (route "ts").
    tunneling : str
        ``"none"``, ``"wigner"`` or ``"eckart"`` (route "ts").
    imaginary_frequency : float, optional
        Magnitude of the saddle point's imaginary mode, cm^-1 (for tunneling).
    """

    route: str
    k_f: float | None = None
    k_r: float | None = None
    sticking: float | None = None
    Ea: float | None = None
    A: float | None = None
    b: float = 0.0
    motz_wise: bool = False
    alpha: float | None = None
    beta: float | None = None
    ts: ThermoLike | None = None
    tunneling: str = "none"
    imaginary_frequency: float | None = None


def _G(th: ThermoLike, T: float, gas: bool) -> float:
    return float(th.G(T, P0)) if gas else float(th.G(T))


def standard_free_energies(mechanism: Mechanism, thermo: Mapping[str, ThermoLike | None],
                           T: float) -> np.ndarray:
    """Free energies of every species at T, gases at 1 bar (eV); 0 for vacant sites, NaN where
    a species has no thermochemistry."""
    out = np.full(len(mechanism.species), np.nan)
    for i, sp in enumerate(mechanism.species):
        if sp.phase == "site":
            out[i] = 0.0
        elif thermo.get(sp.name) is not None:
            out[i] = _G(thermo[sp.name], T, sp.phase == "gas")
    return out


def _zpe_energy(th) -> float:
    """E + ZPE of a thermo object (eV): the 0 K enthalpy used for Eckart barrier heights."""
    e = float(getattr(th, "energy", 0.0))
    z = th.zpe() if hasattr(th, "zpe") else 0.0
    return e + float(z)


def rate_table(mechanism: Mechanism, thermo: Mapping[str, ThermoLike | None],
               kinetics: Sequence[StepKinetics], T: float,
               masses: Mapping[str, float] | None = None,
               electronic: Mapping[str, float] | None = None) -> RateTable:
    """Rate constants of every step of ``mechanism`` at temperature ``T``.

    Parameters
    ----------
    mechanism : Mechanism
    thermo : mapping species name -> thermo object (or None)
        Gas thermo objects are evaluated at p0 = 1 bar.
    kinetics : sequence of StepKinetics
        One per step, in mechanism order.
    T : float
        Temperature, K.
    masses : mapping gas name -> mass (amu), for collision theory.
    electronic : mapping species name -> electronic energy (eV), for BEP relations.

    Returns
    -------
    RateTable
        k_f, k_r (s^-1 bar^-n), dG, dG_act (eV), K_eq (bar^-dn).
    """
    if not (np.isfinite(T) and T > 0):
        raise InvalidParameterError("T", "> 0 K", T)
    if len(kinetics) != len(mechanism.steps):
        raise InvalidParameterError("kinetics", f"{len(mechanism.steps)} entries", len(kinetics))
    masses = dict(masses or {})
    electronic = dict(electronic or {})
    G = standard_free_energies(mechanism, thermo, T)
    nu = mechanism.stoichiometry
    kT = kB * T
    n = len(mechanism.steps)
    kf = np.zeros(n)
    kr = np.zeros(n)
    dG = np.full(n, np.nan)
    dGa = np.full(n, np.nan)
    gas = np.array([s.phase == "gas" for s in mechanism.species])
    n_gas_f = (mechanism.reactant_matrix[gas, :]).sum(axis=0).astype(int)
    n_gas_r = (mechanism.product_matrix[gas, :]).sum(axis=0).astype(int)
    kinds = ["effective"] * n

    for j, (st, kin) in enumerate(zip(mechanism.steps, kinetics)):
        col = nu[:, j]
        involved = np.flatnonzero(col != 0)
        react = np.flatnonzero(mechanism.reactant_matrix[:, j])
        have_dG = np.all(np.isfinite(G[involved])) and np.all(np.isfinite(G[react]))
        dG_j = float(col @ np.where(np.isfinite(G), G, 0.0)) if have_dG else np.nan
        G_IS = float(mechanism.reactant_matrix[:, j] @ np.where(np.isfinite(G), G, 0.0))
        where = f"steps[{j}] '{st.equation}'"

        if kin.route == "fixed":
            if kin.k_f is None:
                raise InvalidParameterError(f"{where}.k_f", "a value", None)
            kf[j] = kin.k_f
            if not st.reversible:
                kr[j] = 0.0
            elif kin.k_r is not None:
                kr[j] = kin.k_r
                if kin.k_f > 0 and kin.k_r > 0:
                    dG_j = -kT * np.log(kin.k_f / kin.k_r)   # effective, from the given k
            else:
                if not np.isfinite(dG_j):
                    raise InvalidParameterError(f"{where}.k_r",
                                                "k_r or thermochemistry of every species", None)
                kr[j] = ttr.reverse_rate(kf[j], dG_j, T)
        elif kin.route == "sticking":
            g = [mechanism.species[i].name for i in react if gas[i]]
            if len(g) != 1:
                raise InvalidParameterError(f"{where}.sticking", "exactly one gas reactant", g)
            if g[0] not in masses:
                raise InvalidParameterError(f"species.{g[0]}.mass", "a mass (amu)", None)
            vac = [mechanism.species[i] for i in react if not gas[i]]
            site = vac[0].site if vac else mechanism.sites[0].name
            density = mechanism.site(site).density
            s = kin.sticking * T ** kin.b * np.exp(-(kin.Ea or 0.0) / kT)
            if kin.motz_wise:
                s = s / (1.0 - 0.5 * s)
            kf[j] = ttr.collision_adsorption(T, masses[g[0]], density, s)
            kinds[j] = "non_activated" if not kin.Ea else "arrhenius"
        elif kin.route == "ts":
            if kin.ts is None or not np.all(np.isfinite(G[react])):
                raise InvalidParameterError(f"{where}.ts", "saddle point and reactant thermo",
                                            None)
            G_TS = _G(kin.ts, T, False)
            barrier = G_TS - G_IS
            # a saddle point below either end (possible after thermal corrections) is lifted
            # to the higher end: the barrier is never negative in either direction.
            lo = max(0.0, dG_j) if np.isfinite(dG_j) else 0.0
            barrier = max(barrier, lo)
            kappa = 1.0
            if kin.tunneling != "none":
                nu_i = kin.imaginary_frequency
                if nu_i is None:
                    raise InvalidParameterError(f"{where}.tunneling",
                                                "an imaginary frequency of the saddle point",
                                                None)
                if kin.tunneling == "wigner":
                    kappa = ttr.wigner(nu_i, T)
                else:
                    prod = np.flatnonzero(mechanism.product_matrix[:, j])
                    H_ts = _zpe_energy(kin.ts)
                    H_is = sum(mechanism.reactant_matrix[i, j] * _zpe_energy(thermo[
                        mechanism.species[i].name]) for i in react
                        if mechanism.species[i].phase != "site")
                    H_fs = sum(mechanism.product_matrix[i, j] * _zpe_energy(thermo[
                        mechanism.species[i].name]) for i in prod
                        if mechanism.species[i].phase != "site")
                    kappa = ttr.eckart(nu_i, max(H_ts - H_is, 1e-6), max(H_ts - H_fs, 1e-6), T)
            kf[j] = ttr.eyring(barrier, T, kappa=kappa)
            dGa[j] = barrier
            kinds[j] = "saddle"
        elif kin.route in ("arrhenius", "bep"):
            if kin.route == "bep":
                names = [s.name for s in mechanism.species]
                try:
                    dE = sum(col[i] * (electronic[names[i]] if mechanism.species[i].phase
                                       != "site" else 0.0) for i in np.flatnonzero(col))
                except KeyError as exc:
                    raise InvalidParameterError(f"{where}.bep", "energies of every species",
                                                str(exc)) from None
                Ea = ttr.bep(dE, kin.alpha, kin.beta)
            else:
                Ea = kin.Ea
            A = kin.A if kin.A is not None else kT / h
            kf[j] = A * T ** kin.b * np.exp(-Ea / kT)
            # Ea itself without A; with A the effective barrier, computed without the
            # exponential so that it stays finite where k_f underflows
            dGa[j] = (Ea if kin.A is None and not kin.b
                      else Ea - kT * np.log(A * T ** kin.b * h / kT))
            kinds[j] = ("bep" if kin.route == "bep" else
                        "free_energy" if kin.A is None else "arrhenius")
        else:
            raise InvalidParameterError(f"{where}.route", "fixed|sticking|ts|arrhenius|bep",
                                        kin.route)

        if kin.route != "fixed":
            if st.reversible:
                if not np.isfinite(dG_j):
                    raise InvalidParameterError(where, "thermochemistry of every species for "
                                                "the reverse rate (detailed balance)", None)
                kr[j] = ttr.reverse_rate(kf[j], dG_j, T)
        dG[j] = dG_j
        if not np.isfinite(dGa[j]) and kf[j] > 0 and kinds[j] != "non_activated":
            # log k + log(h / kT): k h / kT underflows for k below ~1e-295 s^-1
            dGa[j] = -kT * (np.log(kf[j]) + np.log(h / kT))

    with np.errstate(over="ignore", divide="ignore"):
        K = np.where(np.isfinite(dG), np.exp(-dG / kT), np.inf)
    K = np.where([not s.reversible for s in mechanism.steps], np.inf, K)
    return RateTable(T=T, equations=tuple(s.equation for s in mechanism.steps), k_f=kf, k_r=kr,
                     dG=dG, dG_act=dGa, K_eq=K, n_gas_f=n_gas_f, n_gas_r=n_gas_r,
                     barrier_kind=tuple(kinds))
