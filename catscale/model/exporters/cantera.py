"""catscale model -> Cantera YAML mechanism (gas + ideal-surface phase).

Thermochemistry: every species gets one NASA-7 polynomial fitted (linear least squares on
G / kB T, :func:`catscale.thermo.nasa7_g_basis`) to catscale's own free energy over a stated
temperature range; gases at catscale's standard pressure (``reference-pressure: 1 bar``),
adsorbates with Cantera's surface standard state (concentration Gamma / n, so G_Cantera =
G_catscale - kB T ln n for an adsorbate of n sites), the vacant site G = 0. Cantera's
equilibrium constants are then catscale's (the inverse of the import's conversion,
:mod:`catscale.model.importers.cantera`), and its reverse rates follow from the same free
energies.

Rate constants: catscale's k_f(T) (s^-1 bar^-n per site, mass action in adsorbates per site)
is converted exactly to Cantera's concentration units,

    k_c = k / ((p0 / (R T))^n_g Gamma^(n_s - 1)),     p0 = 1 bar (:data:`catscale.units.P0`),

(n_g, n_s the gas and surface orders, Gamma the site density in kmol m^-2) and fitted by
a modified Arrhenius law A T^b exp(-Ea / RT) over the same range (exact for catscale's
Arrhenius, sticking and Eyring-with-frozen-saddle routes; a fit for harmonic saddle points).
A reversible step whose reverse rate does not follow from thermochemistry (fixed k_f and
k_r, a species without thermochemistry) is written as two irreversible reactions.
Coverage dependences become Cantera's ``coverage-dependencies`` (a, m, E in Cantera's
coverage convention theta = n x).

Not exported (refused): lateral interactions (Cantera's ideal surface has none), several
site kinds, species without an elemental composition.
"""

from __future__ import annotations

import math
import pathlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...errors import InvalidParameterError
from ...units import NA, P0, kB

R_KMOL = 8314.462618153241          # J kmol^-1 K^-1 (= NA kB, exact in SI 2019)


@dataclass(frozen=True)
class CanteraExport:
    """A catscale model as a Cantera mechanism.

    Attributes
    ----------
    document : dict
        The Cantera YAML mapping (units: m, s, kmol, J/kmol).
    names : dict
        catscale species name -> Cantera species name.
    T_range : (float, float)
        Fit range, K.
    thermo_fit_error : dict
        Species -> max |G_fit - G| over the range, eV.
    rate_fit_error : dict
        Reaction label -> max |ln k_fit - ln k| over the range.
    irreversible_pairs : tuple of str
        catscale steps written as two irreversible reactions.
    gas_phase, surface_phase : str
    """

    document: dict
    names: dict[str, str]
    T_range: tuple[float, float]
    thermo_fit_error: dict[str, float]
    rate_fit_error: dict[str, float]
    irreversible_pairs: tuple[str, ...] = ()
    gas_phase: str = "gas"
    surface_phase: str = "surface"
    warnings: tuple[str, ...] = field(default=())


def species_names(model, code: str = "cantera") -> dict[str, str]:
    """Each species' name in another code: ``{catscale name: name}``.

    ``code='cantera'``: the ``cantera_name`` kept by the import (species and site kinds),
    else ``X(s)`` for an adsorbate ``X*``, ``site(s)`` for the vacant site, gases as named.
    """
    if code != "cantera":
        raise InvalidParameterError("--names", "catscale or cantera", code)
    return _cantera_names(model)


def _cantera_names(model) -> dict[str, str]:
    mech = model.mechanism
    out: dict[str, str] = {}
    for sp in mech.species:
        spec = model.species_specs.get(sp.name)
        given = getattr(spec, "cantera_name", None) if spec is not None else None
        if sp.phase == "site":
            given = model.sites[sp.name].cantera_name
            name = given or "site(s)"
        elif sp.phase == "gas":
            name = given or sp.name
        else:
            core = sp.name[:-len(sp.site)] if sp.name.endswith(sp.site) else sp.name
            name = given or f"{core}(s)"
        if name in out.values() or " " in name:
            raise InvalidParameterError(f"species.{sp.name}.cantera_name",
                                        "a unique Cantera name without spaces", name)
        out[sp.name] = name
    return out


def _fit_linear(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least squares with the columns scaled to unit norm (conditioning)."""
    s = np.linalg.norm(X, axis=0)
    s[s == 0] = 1.0
    c, *_ = np.linalg.lstsq(X / s, y, rcond=None)
    return c / s


def _nasa_fit(g_over_kT, T: np.ndarray, Tc: np.ndarray) -> tuple[list[float], float]:
    """NASA-7 coefficients of G/kT samples (at T) and the max error in eV on Tc."""
    from ...thermo import nasa7_g_basis

    a = _fit_linear(nasa7_g_basis(T), g_over_kT(T))
    err = np.max(np.abs(nasa7_g_basis(Tc) @ a - g_over_kT(Tc)) * kB * Tc)
    return [float(x) for x in a], float(err)


def _arrhenius_fit(T: np.ndarray, k: np.ndarray, label: str) -> tuple[dict, float]:
    """Modified Arrhenius (A [SI kmol units], b, Ea [J/kmol]) of k(T) and max |d ln k|."""
    if np.all(k == 0):
        return {"A": 0.0, "b": 0.0, "Ea": 0.0}, 0.0
    if np.any(k <= 0) or not np.all(np.isfinite(k)):
        raise InvalidParameterError(f"steps '{label}'", "a rate constant > 0 over the whole "
                                    "fit range (or 0 throughout)", k.tolist())
    X = np.stack([np.ones_like(T), np.log(T), -1.0 / (R_KMOL * T)], axis=1)
    y = np.log(k)
    c = _fit_linear(X, y)
    err = float(np.max(np.abs(X @ c - y)))
    return {"A": float(math.exp(c[0])), "b": float(c[1]), "Ea": float(c[2])}, err


def export_cantera(model, T_range: tuple[float, float] | None = None,
                   n_points: int = 41) -> CanteraExport:
    """Convert a catscale model into a Cantera mechanism (module docstring).

    Parameters
    ----------
    model : catscale.model.Model
    T_range : (float, float), optional
        Fit range, K (default: the model's T +- 50 K, at least 50 K). The Arrhenius fit of a
        harmonic saddle point's rate constant errs by ~(range / T)^2 x 1e-3 in ln k (2e-5
        over 450-550 K, 2e-4 over 400-600 K for examples/co_oxidation_pt111.yaml).
    n_points : int
        Temperatures of the fits (Chebyshev nodes in 1/T); errors are reported on an evenly
        spaced grid of 4 n_points temperatures.

    Returns
    -------
    CanteraExport

    Raises
    ------
    InvalidParameterError
        For what Cantera's ideal surface cannot hold (lateral interactions, several site
        kinds, a species without composition) or a bad range.
    """
    mech = model.mechanism
    if mech is None or not mech.steps:
        raise InvalidParameterError("steps", "a mechanism with steps to export", None)
    if len(mech.sites) != 1:
        raise InvalidParameterError("sites", "one site kind (Cantera's ideal surface has "
                                    "one site density)", [s.name for s in mech.sites])
    if model.mean_field_lateral():
        raise InvalidParameterError("lateral", "no lateral interactions (Cantera's ideal "
                                    "surface has none; coverage dependences are exported)",
                                    model.mean_field_lateral())
    if T_range is None:
        T_range = (max(50.0, model.T - 50.0), model.T + 50.0)
    lo, hi = (float(x) for x in T_range)
    if not (np.isfinite(lo) and np.isfinite(hi) and 0 < lo < hi):
        raise InvalidParameterError("T_range", "0 < T_low < T_high (K)", T_range)
    if n_points < 8:
        raise InvalidParameterError("n_points", ">= 8", n_points)
    # Chebyshev nodes in 1/T (the Arrhenius variable): smaller maximum error of the fits
    # than even spacing
    u = np.cos(np.pi * (np.arange(n_points) + 0.5) / n_points)
    T = 1.0 / (0.5 * (1 / lo + 1 / hi) + 0.5 * (1 / lo - 1 / hi) * u)
    Tc = np.linspace(lo, hi, 4 * n_points)
    names = _cantera_names(model)
    for sp in mech.species:
        if sp.phase != "site" and sp.composition is None:
            raise InvalidParameterError(f"species.{sp.name}.composition", "an elemental "
                                        "composition (Cantera balances elements)", None)

    # -- thermochemistry ---------------------------------------------------------------
    thermo = model.thermo()
    site = mech.sites[0]
    Gamma = site.density / (NA * 1.0e3)          # kmol m^-2
    species_out: list[dict[str, Any]] = []
    thermo_err: dict[str, float] = {}
    warnings: list[str] = []
    no_thermo: set[str] = set()
    for sp in mech.species:
        obj = thermo.get(sp.name) if sp.phase != "site" else None
        if sp.phase == "site" or obj is None:
            a = [0.0] * 7
            if sp.phase != "site":
                no_thermo.add(sp.name)
        elif sp.phase == "gas":
            a, thermo_err[sp.name] = _nasa_fit(
                lambda t, o=obj: np.array([o.G(x, P0) for x in t]) / (kB * t), T, Tc)
        else:
            n = sp.n_sites
            a, thermo_err[sp.name] = _nasa_fit(
                lambda t, o=obj, n=n: np.array([o.G(x) for x in t]) / (kB * t) - np.log(n),
                T, Tc)
        d: dict[str, Any] = {"name": names[sp.name],
                             "composition": {e: int(c) for e, c in (sp.composition or ())}}
        if sp.phase == "surface" and sp.n_sites != 1:
            d["sites"] = int(sp.n_sites)
        d["thermo"] = {"model": "NASA7", "temperature-ranges": [lo, hi], "data": [a]}
        if sp.phase == "gas":
            d["thermo"]["reference-pressure"] = P0
        species_out.append(d)
    if no_thermo:
        warnings.append(f"no thermochemistry for {sorted(no_thermo)}: written with G = 0; "
                        "their reversible steps are irreversible pairs")

    # -- reactions ---------------------------------------------------------------------
    tables = [model.rates(t) for t in T]
    kf = np.array([rt.k_f for rt in tables])           # (n_T, J)
    kr = np.array([rt.k_r for rt in tables])
    gas = {s.name for s in mech.gas}
    reactions: list[dict[str, Any]] = []
    rate_err: dict[str, float] = {}
    pairs: list[str] = []

    def side(terms):
        return " + ".join((f"{c} {names[n]}" if c != 1 else names[n]) for n, c in terms)

    def to_cantera(k, terms, orders):
        o = {n: float(c) for n, c in terms}
        o.update(orders)
        n_g = sum(v for n, v in o.items() if n in gas)
        n_s = sum(v for n, v in o.items() if n not in gas)
        return k / ((P0 / (R_KMOL * T)) ** n_g * Gamma ** (n_s - 1.0))

    for j, (st, spec) in enumerate(zip(mech.steps, model.step_specs)):
        involved = [n for n in st.species if mech.species[mech.index(n)].phase != "site"]
        consistent = st.reversible and spec.k_r is None and not (no_thermo & set(involved))
        cov: dict[str, dict[str, float]] = {}
        m_const = 1.0
        for n, cd in (spec.coverage_dependence or {}).items():
            ns = mech.species[mech.index(n)].n_sites
            m_const *= float(ns) ** cd.m
            cov[names[n]] = {"a": cd.dlnk_dtheta / (ns * math.log(10.0)), "m": cd.m,
                             "E": cd.E * R_KMOL / (kB * ns)}
        orders = dict(spec.orders or {})
        directions = [("f", st.reactants, st.products, kf[:, j], orders)]
        if st.reversible and not consistent:
            directions.append(("r", st.products, st.reactants, kr[:, j], {}))
            pairs.append(st.equation)
        for tag, left, right, k, ords in directions:
            kc = to_cantera(k, left, ords) / m_const
            label = st.equation if len(directions) == 1 else f"{st.equation} ({tag})"
            arr, rate_err[label] = _arrhenius_fit(T, kc, label)
            arrow = "<=>" if consistent else "=>"
            r: dict[str, Any] = {"equation": f"{side(left)} {arrow} {side(right)}",
                                 "rate-constant": arr}
            if ords:
                r["orders"] = {names[n]: float(v) for n, v in ords.items()}
            if cov:
                r["coverage-dependencies"] = cov
            if spec.duplicate:
                r["duplicate"] = True
            reactions.append(r)

    # -- phases ------------------------------------------------------------------------
    gas_names = [names[s.name] for s in mech.gas]
    surf_names = [names[s.name] for s in mech.surface]
    elements = sorted({e for s in mech.species for e, _ in (s.composition or ())})
    p_model = model.partial_pressures
    p_pa = {g: p_model.get(g, 0.0) for g in gas}
    P = sum(p_pa.values()) or P0
    X = {names[g]: v / P for g, v in p_pa.items() if v > 0} or {gas_names[0]: 1.0}
    vac = [names[s.name] for s in mech.vacancies]
    doc = {
        "description": f"Exported from catscale model '{model.name}': NASA-7 fitted to "
                       f"catscale's free energies and modified-Arrhenius fits of its rate "
                       f"constants over {lo:g}-{hi:g} K.",
        "units": {"length": "m", "time": "s", "quantity": "kmol",
                  "activation-energy": "J/kmol"},
        "phases": [
            {"name": "gas", "thermo": "ideal-gas", "elements": elements,
             "species": gas_names, "state": {"T": model.T, "P": P, "X": X}},
            {"name": "surface", "thermo": "ideal-surface", "adjacent-phases": ["gas"],
             "elements": list(elements), "species": surf_names, "site-density": Gamma,
             "kinetics": "surface", "reactions": "all",
             "state": {"T": model.T, "P": P, "coverages": {vac[0]: 1.0}}},
        ],
        "species": species_out,
        "reactions": reactions,
    }
    return CanteraExport(document=doc, names=names, T_range=(lo, hi),
                         thermo_fit_error=thermo_err, rate_fit_error=rate_err,
                         irreversible_pairs=tuple(pairs), warnings=tuple(warnings))


def write_cantera_mechanism(exp: CanteraExport, out: str | pathlib.Path) -> pathlib.Path:
    """Write an export as a Cantera YAML file; returns the path."""
    import yaml

    out = pathlib.Path(out)
    head = ("# Cantera mechanism written by catscale export cantera; fit range "
            f"{exp.T_range[0]:g}-{exp.T_range[1]:g} K.\n")
    out.write_text(head + yaml.safe_dump(exp.document, sort_keys=False,
                                         default_flow_style=None, width=100))
    return out


def cantera_steady_state(path: str | pathlib.Path, exp: CanteraExport, T: float,
                         pressures: dict[str, float]) -> tuple[dict, dict, dict]:
    """Cantera's steady state of an exported file at T (K) and gas activities p / p0
    (``pressures``, p0 = 1 bar: the partial pressures in bar, as :attr:`Model.pressures`):
    coverages {catscale name: adsorbates per site}, net production of the gases and their
    gross rates max(creation, destruction) {catscale name: s^-1 per site}. Needs
    cantera."""
    import cantera as ct

    surf = ct.Interface(str(path), exp.surface_phase)
    gas = surf.adjacent[exp.gas_phase]
    inv = {v: k for k, v in exp.names.items()}
    P = sum(pressures.values()) * P0 or P0
    X = {exp.names[g]: v * P0 / P for g, v in pressures.items() if v > 0}
    gas.TPX = T, P, X
    surf.TP = T, P
    surf.advance_coverages_to_steady_state()
    cov = {inv[s]: float(th / surf.species(s).size)
           for s, th in zip(surf.species_names, surf.coverages)}
    G = surf.site_density
    wdot = surf.get_net_production_rates(gas) / G
    gross = np.maximum(surf.get_creation_rates(gas), surf.get_destruction_rates(gas)) / G
    return (cov, {inv[g]: float(w) for g, w in zip(gas.species_names, wdot)},
            {inv[g]: float(w) for g, w in zip(gas.species_names, gross)})
