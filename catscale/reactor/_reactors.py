"""Ideal reactors fed by an observed rate per bed volume: packed-bed PFR and CSTR.

The reactor does not know how the rate was obtained: it receives a callable
``rate(c, T) -> (R, q)`` giving the production rate of every gas species per volume of
bed, R in mol m^-3 s^-1, and the heat released per volume of bed, q in W m^-3, at the
local bulk-gas concentrations c (mol m^-3) and temperature T (K). The pellet-to-reactor
bridge builds it from pellet solves (effectiveness along the bed); any explicit law works.

Ideal gas at constant pressure (no pressure drop): c_i = (F_i / F_t) P / (R T).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize
from scipy.integrate import solve_ivp

from ..errors import ConvergenceError, InvalidParameterError
from ..units import R as R_GAS

BedRate = Callable[[np.ndarray, float], tuple[np.ndarray, float]]


@dataclass(frozen=True)
class ReactorResult:
    """Outcome of a reactor calculation.

    Attributes
    ----------
    species : tuple of str
    volume : ndarray (k,)
        Bed volume coordinate, m^3 (PFR profile; CSTR: [0, V]).
    F : ndarray (n, k)
        Molar flows, mol s^-1.
    T : ndarray (k,)
        Temperature, K.
    conversion : float
        1 - F_key,out / F_key,in.
    selectivity : dict
        Fraction of the converted key reactant that went to each product (dimensionless,
        summing to 1 over the products): S_i = s_i dF_i / sum_j s_j dF_j, with s_i the
        moles of key reactant per mole of product i (stoichiometry).
    yields : dict
        Moles of key reactant that went to each product per mole of key reactant fed:
        Y_i = s_i dF_i / F_key,in (sums to the conversion when every converted key
        molecule is accounted for).
    key_balance : float
        sum_j s_j dF_j / (F_key,in - F_key,out) - 1: the converted key reactant not
        accounted for by the products (0 when the stoichiometry closes).
    key : int
    closure : float
        Largest relative violation of the atom/linear invariants supplied (or of
        F_out - F_in - integral R dV for the CSTR) at the outlet.
    states : tuple
        CSTR only: every steady state found, as (F_out, T_out) pairs.
    """

    species: tuple[str, ...]
    volume: np.ndarray
    F: np.ndarray
    T: np.ndarray
    conversion: float
    selectivity: dict
    key: int
    closure: float
    states: tuple = ()
    yields: dict = field(default_factory=dict)
    key_balance: float = 0.0

    def concentrations(self, P: float) -> np.ndarray:
        """Concentrations (n, k), mol m^-3, at total pressure P (Pa)."""
        return self.F / self.F.sum(axis=0) * P / (R_GAS * self.T)

    def to_dict(self) -> dict:
        """Plain summary for JSON."""
        return {"conversion": self.conversion, "selectivity": self.selectivity,
                "yields": self.yields, "key_balance": self.key_balance,
                "outlet": {s: float(self.F[i, -1]) for i, s in enumerate(self.species)},
                "T_out": float(self.T[-1]), "closure": self.closure,
                "profiles": {"volume": self.volume.tolist(), "T": self.T.tolist(),
                             "F": {s: self.F[i].tolist() for i, s in enumerate(self.species)}},
                "n_steady_states": max(len(self.states), 1)}


def _check(species, F_in, T_in, P, volume, cp, adiabatic):
    F = np.asarray(F_in, dtype=float)
    if F.shape != (len(species),) or np.any(~np.isfinite(F)) or np.any(F < 0) or F.sum() <= 0:
        raise InvalidParameterError("F_in", f"{len(species)} molar flows >= 0 mol/s", F_in)
    for name, v in (("T_in", T_in), ("P", P), ("volume", volume)):
        if not (np.isfinite(v) and v > 0):
            raise InvalidParameterError(name, "> 0", v)
    if adiabatic and not (cp is not None and cp > 0):
        raise InvalidParameterError("heat_capacity", "> 0 J/(mol K) for an adiabatic reactor",
                                    cp)
    return F


def _key_element_rank(name: str, count: float) -> tuple:
    """Order of preference among the key's elements that the feed carries equally
    exclusively in the key: the skeleton of the molecule, as reaction engineering counts
    selectivities (carbon basis, nitrogen basis for NH3, ...): C, then the other elements
    except H and O (fewest atoms in the key first), then O, then H."""
    group = 0 if name == "C" else 2 if name == "O" else 3 if name == "H" else 1
    return (group, count, name)


def key_per_product(species: Sequence[str], key: int, F_in, invariants=None,
                    stoichiometry: Mapping[str, float] | None = None,
                    elements: Sequence[str] | None = None) -> dict[str, float]:
    """Moles of key reactant per mole of each species formed (s_i).

    Given ``stoichiometry`` (species -> s_i) it is used as is. With ``invariants`` (an atom
    matrix, elements x species, rows named by ``elements``) the key's atoms are followed: the
    element of the key that the feed carries most exclusively in the key (C for CO in
    CO + O2), s_i = a_ei / a_e,key; a species without that element is a co-product
    (s_i = 0). Elements the feed carries equally exclusively in the key are chosen by
    :func:`_key_element_rank` (N, not H, for NH3 -> N2 + 3 H2: s(N2) = 2, H2 a co-product).
    Else s_i = 1.
    """
    n = len(species)
    if stoichiometry is not None:
        return {s: float(stoichiometry.get(s, 0.0)) for s in species}
    if invariants is None:
        return dict.fromkeys(species, 1.0)
    A = np.atleast_2d(np.asarray(invariants, float))
    F = np.asarray(F_in, float)
    rows = [e for e in range(A.shape[0]) if A[e, key] > 0]
    if A.shape[1] != n or not rows:
        return dict.fromkeys(species, 1.0)
    share = {e: A[e, key] * F[key] / max(float(A[e] @ F), 1e-300) for e in rows}
    best = max(share.values())
    tied = [e for e in rows if share[e] >= best * (1.0 - 1e-9)]
    names = list(elements) if elements is not None else [str(e) for e in range(A.shape[0])]
    e = min(tied, key=lambda r: _key_element_rank(names[r], A[r, key]))
    return {s: float(A[e, i] / A[e, key]) for i, s in enumerate(species)}


def overall_key_stoichiometry(species: Sequence[str], key: int,
                              overall) -> dict[str, float] | None:
    """Moles of key reactant per mole of each product of a single overall reaction.

    ``overall`` (n_species x n_reactions) spans the net gas-phase reactions (e.g. the
    stoichiometry of a one-reaction rate law, or the gas rows of a mechanism's steps
    combined so that every surface species is conserved). When it has rank one and consumes
    the key, s_i = -nu_key / nu_i for every species formed (nu_i > 0), 0 for the others;
    else None (several independent reactions: no stoichiometric answer without the species'
    compositions).
    """
    N = np.atleast_2d(np.asarray(overall, float))
    if N.shape[0] != len(species) or N.size == 0:
        return None
    u, sv, _ = np.linalg.svd(N, full_matrices=False)
    if not sv.size or sv[0] == 0 or np.sum(sv > 1e-10 * sv[0]) != 1:
        return None
    nu = u[:, 0]
    if abs(nu[key]) < 1e-12 * np.max(np.abs(nu)):
        return None
    nu = nu / -nu[key]                     # the key's coefficient is -1
    return {s: (float(1.0 / nu[i]) if nu[i] > 1e-12 else 0.0) for i, s in enumerate(species)}


def invariants_of(overall) -> np.ndarray:
    """Linear invariants (rows) of the reactions spanned by ``overall`` (n_species x
    n_reactions): a basis of the vectors w with w . nu = 0 for every reaction nu."""
    N = np.atleast_2d(np.asarray(overall, float))
    u, sv, _ = np.linalg.svd(N, full_matrices=True)
    rank = int(np.sum(sv > 1e-10 * sv[0])) if sv.size and sv[0] > 0 else 0
    return u[:, rank:].T


def check_selection(species: Sequence[str], key: str | None,
                    products: Sequence[str] | None, *, key_field: str = "key",
                    products_field: str = "products") -> None:
    """Refuse a key reactant or products that are not gases of the reactor.

    Raises
    ------
    InvalidParameterError
        Naming ``key_field`` / ``products_field`` and the gases the reactor carries.
    """
    names = list(species)
    if key is not None and key not in names:
        raise InvalidParameterError(key_field, f"a gas of the reactor {names}", key)
    for p in products or ():
        if p not in names:
            raise InvalidParameterError(products_field, f"gases of the reactor {names}", p)
    if key is not None and products and key in products:
        raise InvalidParameterError(products_field, f"products other than the key reactant "
                                    f"{key}", list(products))


def _summary(species, F_in, F_out, key, products, s_key=None):
    """Conversion, selectivity, yields and key balance (see :class:`ReactorResult`)."""
    check_selection(species, species[key], products)
    conv = float(1.0 - F_out[key] / F_in[key]) if F_in[key] > 0 else float("nan")
    converted = F_in[key] - F_out[key]
    s_key = s_key or dict.fromkeys(species, 1.0)
    prods = products if products is not None else [
        s for i, s in enumerate(species) if i != key and F_out[i] > F_in[i]
        and s_key.get(s, 1.0) > 0]
    went = {s: s_key.get(s, 1.0) * (F_out[species.index(s)] - F_in[species.index(s)])
            for s in prods}
    total = sum(went.values())
    sel = {s: float(w / total) if total != 0 else float("nan") for s, w in went.items()}
    yields = {s: float(w / F_in[key]) if F_in[key] > 0 else float("nan")
              for s, w in went.items()}
    balance = float(total / converted - 1.0) if converted != 0 else float("nan")
    return conv, sel, yields, balance


#: A flow this many absolute tolerances below zero is integration error (set to 0); beyond
#: it, the integration failed.
_OVERSHOOT = 1e3


def _invariant_closure(invariants, F0, F):
    if invariants is None:
        return 0.0
    A = np.atleast_2d(np.asarray(invariants, float))
    a0 = A @ F0
    return float(np.max(np.abs(A @ F - a0) / np.maximum(np.abs(A) @ F0, 1e-300)))


def pfr(rate: BedRate, species: Sequence[str], F_in, T_in: float, P: float, volume: float,
        *, adiabatic: bool = False, heat_capacity: float | None = None, key: int = 0,
        products: Sequence[str] | None = None, invariants=None, n_points: int = 101,
        rtol: float = 1e-8, stoichiometry: Mapping[str, float] | None = None,
        elements: Sequence[str] | None = None) -> ReactorResult:
    """Packed-bed plug-flow reactor, isothermal or adiabatic.

    dF_i/dV = R_i(c, T);  adiabatic: F_t c_p dT/dV = q(c, T).

    Parameters
    ----------
    rate : callable
        ``rate(c, T) -> (R, q)``: production per bed volume (mol m^-3 s^-1, shape (n,)) and
        heat release per bed volume (W m^-3) at concentrations c (mol m^-3) and T (K).
    species : sequence of str
        Gas species, order of ``F_in``.
    F_in : array (n,)
        Inlet molar flows, mol s^-1.
    T_in : float
        Inlet temperature, K.
    P : float
        Total pressure, Pa (constant).
    volume : float
        Bed volume, m^3.
    adiabatic : bool
        Energy balance with no heat exchange (else isothermal at T_in).
    heat_capacity : float
        Mean molar heat capacity of the gas, J mol^-1 K^-1 (adiabatic only).
    key : int
        Key reactant for conversion and selectivity.
    products : sequence of str, optional
        Products for the selectivities (default: every species whose flow grows, except
        co-products that carry none of the key's atoms).
    stoichiometry : mapping str -> float, optional
        Moles of key reactant per mole of each product (default: from ``invariants`` by
        :func:`key_per_product`, else 1).
    invariants : array (m, n), optional
        Linear invariants of the stoichiometry (e.g. atom matrix); their outlet closure is
        reported (Runge-Kutta preserves linear invariants to round-off).
    elements : sequence of str, optional
        Names of the rows of an atom matrix ``invariants`` (element symbols): the key
        element of the selectivities is chosen by them (:func:`key_per_product`).
    n_points : int
        Points of the output profile.
    rtol : float
        Relative tolerance of the integrator.

    Returns
    -------
    ReactorResult
    """
    species = tuple(species)
    F0 = _check(species, F_in, T_in, P, volume, heat_capacity, adiabatic)
    n = len(species)

    def rhs(V, y):
        F, T = y[:n], (y[n] if adiabatic else T_in)
        Ft = F.sum()
        c = np.maximum(F, 0.0) / Ft * P / (R_GAS * T)
        Rv, q = rate(c, T)
        d = np.empty(y.size)
        d[:n] = Rv
        if adiabatic:
            d[n] = q / (Ft * heat_capacity)
        return d

    y0 = np.concatenate([F0, [T_in] if adiabatic else []])
    Vs = np.linspace(0.0, volume, int(n_points))
    atol = 1e-14 * F0.sum()
    sol = solve_ivp(rhs, (0.0, volume), y0, method="RK45", t_eval=Vs, rtol=rtol, atol=atol)
    if not sol.success:
        sol = solve_ivp(rhs, (0.0, volume), y0, method="LSODA", t_eval=Vs, rtol=rtol,
                        atol=atol)
    if not sol.success:
        raise ConvergenceError("PFR integration failed", tried=["RK45", "LSODA: " + sol.message])
    F = sol.y[:n]
    # a reactant that runs out overshoots zero by the integrator's absolute error (the rate
    # sees max(F, 0) and stops there): a flow within that of zero is zero, not negative
    F = np.where((F < 0.0) & (F >= -_OVERSHOOT * atol), 0.0, F)
    if np.any(F < 0.0):
        i, k = np.unravel_index(int(np.argmin(F)), F.shape)
        raise ConvergenceError(
            f"PFR integration left the physical range: flow of {species[i]} "
            f"{F[i, k]:.3g} mol/s at V = {Vs[k]:.3g} m^3 (beyond the integration error "
            f"{_OVERSHOOT * atol:.2g} mol/s)", tried=["RK45", "LSODA"])
    T = sol.y[n] if adiabatic else np.full(Vs.size, float(T_in))
    conv, sel, yields, bal = _summary(species, F0, F[:, -1], key, products,
                                      key_per_product(species, key, F0, invariants,
                                                      stoichiometry, elements))
    return ReactorResult(species, sol.t, F, T, conv, sel, key,
                         _invariant_closure(invariants, F0, F[:, -1]), yields=yields,
                         key_balance=bal)


def cstr(rate: BedRate, species: Sequence[str], F_in, T_in: float, P: float, volume: float,
         *, adiabatic: bool = False, heat_capacity: float | None = None, key: int = 0,
         products: Sequence[str] | None = None, T_max: float | None = None,
         stoichiometry: Mapping[str, float] | None = None, invariants=None,
         elements: Sequence[str] | None = None) -> ReactorResult:
    """Continuous stirred-tank reactor (well-mixed bed), every steady state found.

    F_out - F_in = V R(c_out, T_out);  adiabatic: F_in,t c_p (T_out - T_in) = V q.
    Steady states are searched from the inlet state and, if adiabatic, from temperatures
    up to ``T_max``; distinct converged solutions are all returned (``states``), the one
    with the lowest outlet temperature / conversion first.

    Parameters
    ----------
    rate, species, F_in, T_in, P, volume, adiabatic, heat_capacity, key, products,
    stoichiometry, invariants, elements
        As in :func:`pfr` (``invariants`` serve the selectivities only: the closure is the
        residual of the balances).
    T_max : float, optional
        Highest starting temperature for the search (adiabatic; default T_in + 1500 K).

    Returns
    -------
    ReactorResult
        ``closure`` = max |F_out - F_in - V R| / F_in,total (round-off at a solution).
    """
    species = tuple(species)
    F0 = _check(species, F_in, T_in, P, volume, heat_capacity, adiabatic)
    n = len(species)
    Fs = F0.sum()

    def resid(y):
        F = y[:n] * Fs
        T = y[n] * T_in if adiabatic else T_in
        c = np.maximum(F, 0.0) / max(F.sum(), 1e-300) * P / (R_GAS * T)
        Rv, q = rate(c, T)
        r = list((F - F0 - volume * np.asarray(Rv)) / Fs)
        if adiabatic:
            r.append((Fs * heat_capacity * (T - T_in) - volume * q) / (Fs * heat_capacity
                                                                       * T_in))
        return np.array(r)

    starts = []
    temps = ([T_in] if not adiabatic else
             np.linspace(T_in, T_max or T_in + 1500.0, 12))
    for Tg in temps:
        for frac in (1.0, 0.5, 0.01):
            Fg = F0.copy()
            Fg[key] *= frac
            starts.append(np.concatenate([Fg / Fs, [Tg / T_in] if adiabatic else []]))
    sols = []
    for y0 in starts:
        s = optimize.root(resid, y0, method="hybr", options={"xtol": 1e-13})
        if s.success and np.max(np.abs(resid(s.x))) < 1e-10 and np.all(s.x[:n] > -1e-9):
            if not any(np.max(np.abs(s.x - o)) < 1e-6 for o in sols):
                sols.append(s.x)
    if not sols:
        raise ConvergenceError("no CSTR steady state found",
                               tried=[f"{len(starts)} hybr starts"])
    sols.sort(key=lambda y: (y[n] if adiabatic else 0.0, -y[key]))
    # a flow accepted within the solver's tolerance below zero is zero (the rate sees
    # max(F, 0)); the closure below is that of the reported state
    sols = [np.concatenate([np.maximum(y[:n], 0.0), y[n:]]) for y in sols]
    states = []
    for y in sols:
        states.append((y[:n] * Fs, float(y[n] * T_in) if adiabatic else float(T_in)))
    Fout, Tout = states[0]
    conv, sel, yields, bal = _summary(species, F0, Fout, key, products,
                                      key_per_product(species, key, F0, invariants,
                                                      stoichiometry, elements))
    closure = float(np.max(np.abs(resid(sols[0])[:n])))
    return ReactorResult(species, np.array([0.0, volume]), np.stack([F0, Fout], 1),
                         np.array([float(T_in), Tout]), conv, sel, key, closure,
                         tuple(states), yields=yields, key_balance=bal)
