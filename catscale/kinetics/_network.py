"""A mechanism compiled into the arrays of a mean-field rate law.

Mass action (DESIGN.md): the rate of step j is

    r_j = kf_j(theta) prod_g (p_g/bar)^R_gj prod_s theta_s^Af_sj
        - kr_j(theta) prod_g (p_g/bar)^P_gj prod_s theta_s^Ar_sj,

in s^-1 per site, with ``Af``/``Ar`` the reactant/product coefficients of the surface species
(adsorbates and vacancies). Coverage-dependent rate constants are allowed when ``ln k`` is
*linear* in the coverages, ``ln kf_j(theta) = ln kf_j + sum_s Gf_js theta_s`` (first-order
lateral interactions, Cantera coverage dependencies); ``Gf = Gr = 0`` otherwise.

Surface species are indexed ``s = 0 .. S-1`` in mechanism order (adsorbates then vacancies);
``occ`` (K x S) holds the sites of each of the K site kinds a species occupies, and the
stoichiometry conserves ``occ @ theta`` (the site balances, ``occ @ theta = 1``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from ..errors import InvalidParameterError
from ..mechanism import Mechanism, RateTable

#: entries of :attr:`Network.derived` that depend on the stoichiometry only
_RATE_FREE = ("basis", "moved", "abs_nu_gas", "fixed_args", "formable", "vertices",
              "nu_gas_ro")


def _ro(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a, dtype=float)
    a.setflags(write=False)
    return a


@dataclass(frozen=True)
class Network:
    """Arrays of the mass-action rate law of one mechanism at one set of conditions.

    Attributes
    ----------
    mechanism : Mechanism
    surface : tuple of str
        Names of the S surface species (adsorbates, then vacancies).
    gas : tuple of str
        Names of the gas species.
    kf, kr : ndarray (J,)
        Effective rate constants, s^-1: the RateTable constants times the gas-pressure
        factor prod (p/bar)^n, so that ``r = kf prod theta^Af - kr prod theta^Ar``.
    k_f, k_r : ndarray (J,)
        The RateTable constants themselves (s^-1 bar^-n).
    Af, Ar : ndarray (S, J)
        Exponents of the coverages in the forward/reverse rate (reaction orders).
    nu : ndarray (S, J)
        Net stoichiometry of the surface species.
    nu_gas : ndarray (G, J)
        Net stoichiometry of the gases (production rate of gas g = nu_gas @ r).
    Gf, Gr : ndarray (J, S)
        d ln kf / d theta and d ln kr / d theta (dimensionless); zero without coverage effects.
    occ : ndarray (K, S)
        Sites of each kind occupied by each surface species.
    kind : ndarray of int (S,)
        Site kind of each surface species.
    T : float
        Temperature, K.
    pressures : ndarray (G,)
        Gas activities p / p0 (p0 = 1 bar: partial pressures in bar).
    gas_factor_f, gas_factor_r : ndarray (J,)
        prod_g (p_g/bar)^n of the gas reactants/products of each step (kf = k_f * factor).
    irreversible : ndarray of bool (J,)
        Steps written "->" (k_r forced to 0).
    """

    mechanism: Mechanism
    surface: tuple[str, ...]
    gas: tuple[str, ...]
    kf: np.ndarray
    kr: np.ndarray
    k_f: np.ndarray
    k_r: np.ndarray
    Af: np.ndarray
    Ar: np.ndarray
    nu: np.ndarray
    nu_gas: np.ndarray
    Gf: np.ndarray
    Gr: np.ndarray
    occ: np.ndarray
    kind: np.ndarray
    T: float
    pressures: np.ndarray
    gas_factor_f: np.ndarray | None = field(default=None, repr=False)
    gas_factor_r: np.ndarray | None = field(default=None, repr=False)
    irreversible: np.ndarray | None = field(default=None, repr=False)

    @functools.cached_property
    def derived(self) -> dict:
        """Arrays the solvers derive from this network (kernel arguments, bases, masks),
        computed once per network object; a network from ``dataclasses.replace`` or
        :meth:`with_rates` starts with an empty cache (:meth:`with_gas_factors` keeps the
        entries that do not depend on the rate constants)."""
        return {}

    @property
    def n_surface(self) -> int:
        return len(self.surface)

    @property
    def n_steps(self) -> int:
        return len(self.kf)

    @property
    def n_kinds(self) -> int:
        return self.occ.shape[0]

    @property
    def has_coverage_effects(self) -> bool:
        return bool(np.any(self.Gf) or np.any(self.Gr))

    def index(self, name: str) -> int:
        """Index of a surface species among ``surface``."""
        try:
            return self.surface.index(name)
        except ValueError:
            raise InvalidParameterError("species", f"a surface species of {list(self.surface)}",
                                        name) from None

    def with_rates(self, rates: RateTable, pressures: Mapping[str, float] | None = None,
                   Gf: np.ndarray | None = None, Gr: np.ndarray | None = None) -> Network:
        """The same network with new rate constants (and optionally pressures, bar).

        With the same pressures and coverage effects only the rate constants are swapped
        (no recompilation of the mechanism): k in s^-1 bar^-n, one per step.
        """
        if pressures is None and Gf is None and Gr is None and isinstance(rates, RateTable):
            J = self.n_steps
            if len(rates) != J:
                raise InvalidParameterError("rates", f"{J} steps (one per mechanism step)",
                                            len(rates))
            if self.gas_factor_f is None or self.gas_factor_r is None or \
                    self.irreversible is None:
                gf, gr = _gas_factors(self)
                irr = np.array([not st.reversible for st in self.mechanism.steps])
            else:
                gf, gr, irr = self.gas_factor_f, self.gas_factor_r, self.irreversible
            k_f = np.asarray(rates.k_f, dtype=float)
            k_r = np.where(irr, 0.0, np.asarray(rates.k_r, dtype=float))
            return replace(self, kf=_ro(k_f * gf), kr=_ro(k_r * gr), k_f=_ro(k_f),
                           k_r=_ro(k_r), T=float(rates.T))
        return build_network(self.mechanism, rates,
                             pressures if pressures is not None
                             else dict(zip(self.gas, self.pressures)),
                             Gf=self.Gf if Gf is None else Gf,
                             Gr=self.Gr if Gr is None else Gr,
                             Af=self.Af, Ar=self.Ar)

    def with_gas_factors(self, pressures: np.ndarray, gas_factor_f: np.ndarray,
                         gas_factor_r: np.ndarray) -> Network:
        """The same network at other gas activities, given with their step factors
        prod_g a_g^n (``kf = k_f * gas_factor_f``; a line of compositions through a pellet
        computes them for many points at once).

        The copy keeps the derived arrays that depend only on the stoichiometry (the
        site-conserving basis, ``|nu|``, the formable-species masks by the pattern of steps
        switched on): a continuation solves one network per point.
        """
        kf = self.k_f * gas_factor_f
        kr = self.k_r * gas_factor_r
        kf.setflags(write=False)
        kr.setflags(write=False)
        keep = {k: v for k, v in self.derived.items() if k in _RATE_FREE}
        new = object.__new__(Network)           # a frozen dataclass: fields set directly
        new.__dict__.update({f: v for f, v in self.__dict__.items() if f != "derived"})
        new.__dict__.update(kf=kf, kr=kr, pressures=np.asarray(pressures, dtype=float),
                            gas_factor_f=gas_factor_f, gas_factor_r=gas_factor_r,
                            derived=keep)
        return new

    # -- evaluation (numpy; the solvers use the numba kernels) ------------------------------
    def step_rates(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Forward and reverse rates of every step (s^-1 per site) at coverages ``theta``."""
        theta = np.asarray(theta, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            lt = np.log(theta)
            ef = np.where(self.Af > 0, self.Af * lt[:, None], 0.0).sum(axis=0)
            er = np.where(self.Ar > 0, self.Ar * lt[:, None], 0.0).sum(axis=0)
        rf = self.kf * np.exp(ef + self.Gf @ theta)
        rr = self.kr * np.exp(er + self.Gr @ theta)
        return rf, rr

    def dtheta_dt(self, theta: np.ndarray) -> np.ndarray:
        """Time derivative of the coverages, s^-1."""
        rf, rr = self.step_rates(theta)
        return self.nu @ (rf - rr)

    def jacobian(self, theta: np.ndarray) -> np.ndarray:
        """Analytic Jacobian d(dtheta/dt)/d theta, shape (S, S), s^-1."""
        theta = np.asarray(theta, dtype=float)
        rf, rr = self.step_rates(theta)
        return self.nu @ _drate_dtheta(self, theta, rf, rr)


def _gas_factors(net: Network) -> tuple[np.ndarray, np.ndarray]:
    mech = net.mechanism
    gas_idx = [i for i, s in enumerate(mech.species) if s.phase == "gas"]
    Rg, Pg = mech.reactant_matrix[gas_idx], mech.product_matrix[gas_idx]
    with np.errstate(divide="ignore", invalid="ignore"):
        lp = np.log(net.pressures)
        gf = np.where(Rg > 0, Rg * lp[:, None], 0.0).sum(axis=0)
        gr = np.where(Pg > 0, Pg * lp[:, None], 0.0).sum(axis=0)
    return np.exp(gf), np.exp(gr)


def _drate_dtheta(net: Network, theta: np.ndarray, rf: np.ndarray, rr: np.ndarray
                  ) -> np.ndarray:
    """d r_j / d theta_s (J x S) of the net step rates."""
    S, J = net.Af.shape
    if np.all(theta > 0):
        return ((rf[:, None] * net.Af.T - rr[:, None] * net.Ar.T) / theta[None, :]
                + rf[:, None] * net.Gf - rr[:, None] * net.Gr)
    D = np.zeros((J, S))
    for s in range(S):
        for A, r, sign in ((net.Af, rf, 1.0), (net.Ar, rr, -1.0)):
            a = A[s]
            nz = a != 0
            if not np.any(nz):
                continue
            if theta[s] > 0:
                D[nz, s] += sign * a[nz] * r[nz] / theta[s]
            else:  # derivative of theta^a at 0: only a == 1 contributes
                for j in np.flatnonzero(nz):
                    if a[j] == 1.0:
                        others = r_without(net, theta, j, s, forward=sign > 0)
                        D[j, s] += sign * others
    D += rf[:, None] * net.Gf - rr[:, None] * net.Gr
    return D


def r_without(net: Network, theta: np.ndarray, j: int, s: int, forward: bool) -> float:
    """Rate of step j (one direction) with the factor theta_s removed (for theta_s = 0)."""
    A = net.Af if forward else net.Ar
    k = net.kf[j] if forward else net.kr[j]
    G = net.Gf if forward else net.Gr
    val = k * np.exp(G[j] @ theta)
    for t in range(len(theta)):
        e = A[t, j] - (1.0 if t == s else 0.0)
        if e != 0:
            val *= theta[t] ** e
    return float(val)


def build_network(mechanism: Mechanism, rates: RateTable, pressures: Mapping[str, float],
                  Gf: np.ndarray | None = None, Gr: np.ndarray | None = None,
                  Af: np.ndarray | None = None, Ar: np.ndarray | None = None) -> Network:
    """Compile a mechanism, its rate constants and the gas pressures into a :class:`Network`.

    Parameters
    ----------
    mechanism : Mechanism
    rates : RateTable
        k_f, k_r in s^-1 bar^-n (n gas molecules among reactants/products), one per step in
        mechanism order.
    pressures : mapping str -> float
        Activity p / p0 of every gas of the mechanism (p0 = 1 bar: the partial pressure in
        bar; :attr:`catscale.model.Model.activities`); a missing gas is an error.
    Gf, Gr : ndarray (J, S), optional
        d ln k / d theta of coverage-dependent rate constants (dimensionless).
    Af, Ar : ndarray (S, J), optional
        Non-default coverage exponents (e.g. Cantera ``m`` orders); default: stoichiometric.

    Returns
    -------
    Network
    """
    if not isinstance(mechanism, Mechanism):
        raise InvalidParameterError("mechanism", "a catscale.mechanism.Mechanism",
                                    type(mechanism).__name__)
    if not isinstance(rates, RateTable):
        raise InvalidParameterError("rates", "a catscale.mechanism.RateTable",
                                    type(rates).__name__)
    J = len(mechanism.steps)
    if len(rates) != J:
        raise InvalidParameterError("rates", f"{J} steps (one per mechanism step)", len(rates))
    sp = mechanism.species
    gas_idx = [i for i, s in enumerate(sp) if s.phase == "gas"]
    surf_idx = [i for i, s in enumerate(sp) if s.phase != "gas"]
    gas = tuple(sp[i].name for i in gas_idx)
    surface = tuple(sp[i].name for i in surf_idx)
    p = np.zeros(len(gas))
    for g, name in enumerate(gas):
        if name not in pressures:
            raise InvalidParameterError("pressures", f"a partial pressure (bar) for gas {name!r}",
                                        dict(pressures))
        v = float(pressures[name])
        if not (np.isfinite(v) and v >= 0):
            raise InvalidParameterError(f"pressures[{name}]", "a finite value >= 0 bar", v)
        p[g] = v
    R = mechanism.reactant_matrix
    P = mechanism.product_matrix
    Rg, Pg = R[gas_idx], P[gas_idx]
    with np.errstate(divide="ignore", invalid="ignore"):
        lp = np.log(p)
        gf = np.where(Rg > 0, Rg * lp[:, None], 0.0).sum(axis=0)
        gr = np.where(Pg > 0, Pg * lp[:, None], 0.0).sum(axis=0)
    k_f = np.asarray(rates.k_f, dtype=float)
    k_r = np.asarray(rates.k_r, dtype=float)
    for j, st in enumerate(mechanism.steps):
        if not st.reversible and k_r[j] != 0:
            k_r = k_r.copy()
            k_r[j] = 0.0
    kf = k_f * np.exp(gf)
    kr = k_r * np.exp(gr)
    S = len(surface)
    Af_ = R[surf_idx] if Af is None else np.asarray(Af, dtype=float)
    Ar_ = P[surf_idx] if Ar is None else np.asarray(Ar, dtype=float)
    for name, M in (("Af", Af_), ("Ar", Ar_)):
        if M.shape != (S, J):
            raise InvalidParameterError(name, f"shape {(S, J)}", M.shape)
    Gf_ = np.zeros((J, S)) if Gf is None else np.asarray(Gf, dtype=float)
    Gr_ = np.zeros((J, S)) if Gr is None else np.asarray(Gr, dtype=float)
    for name, M in (("Gf", Gf_), ("Gr", Gr_)):
        if M.shape != (J, S) or not np.all(np.isfinite(M)):
            raise InvalidParameterError(name, f"a finite array of shape {(J, S)}", M.shape)
    occ_full = mechanism.site_occupancy()
    occ = occ_full[:, surf_idx]
    kind = np.argmax(occ, axis=0).astype(np.int64)
    bad = mechanism.site_balance_errors()
    if bad:
        j, msg = bad[0]
        raise InvalidParameterError(f"steps[{j}] {mechanism.steps[j].equation!r}",
                                    "a step that conserves sites", msg)
    for k in range(occ.shape[0]):
        if not np.any(occ[k]):
            raise InvalidParameterError(f"sites.{mechanism.sites[k].name}",
                                        "a site kind with its vacancy in the mechanism", "none")
    kind.setflags(write=False)
    irr = np.array([not st.reversible for st in mechanism.steps])
    return Network(mechanism=mechanism, surface=surface, gas=gas, kf=_ro(kf), kr=_ro(kr),
                   k_f=_ro(k_f), k_r=_ro(k_r), Af=_ro(Af_), Ar=_ro(Ar_),
                   nu=_ro(mechanism.stoichiometry[surf_idx]),
                   nu_gas=_ro(mechanism.stoichiometry[gas_idx]), Gf=_ro(Gf_), Gr=_ro(Gr_),
                   occ=_ro(occ), kind=kind, T=float(rates.T), pressures=_ro(p),
                   gas_factor_f=_ro(np.exp(gf)), gas_factor_r=_ro(np.exp(gr)),
                   irreversible=irr)
