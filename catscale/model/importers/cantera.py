"""Cantera ideal-surface mechanisms -> catscale rate constants at a fixed gas composition.

Cantera's surface rate of progress is (kmol m^-2 s^-1)

    q = k_c prod_gas C_g^o_g prod_surf C_s^o_s,   C_g = p_g / (R T),  C_s = theta_s Gamma / sigma_s,

with Gamma the site density (kmol m^-2), sigma_s the sites a species covers and o the reaction
orders (stoichiometric unless the file sets ``orders``). Per site (s^-1) the catscale rate law
r = q / Gamma = k prod (p_g/bar)^o_g prod theta_s^o_s needs

    k = k_c prod_gas (bar / (R T))^o_g prod_surf (Gamma / sigma_s)^o_s / Gamma.

The k_c are Cantera's own (``forward_rate_constants`` / ``reverse_rate_constants``, so
Arrhenius, sticking coefficients with or without the Motz-Wise correction and the reverse
constants from Cantera's thermochemistry are exactly Cantera's). Coverage dependencies
k ~ 10^(a theta_k) theta_k^m exp(-E theta_k / RT) become ``Gf = a ln 10 - E / RT`` (the
linear-in-theta ln k form of :class:`catscale.kinetics.Network`) and extra orders ``m``; they
are divided out of Cantera's k_c, which Cantera evaluates at the current coverages.

Species names: ``PT(S)`` (the vacant site) -> ``*``; ``X(S)`` -> ``X*``.
"""

from __future__ import annotations

import math
import pathlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...errors import InvalidParameterError, ModelFileError
from ...mechanism import Mechanism, RateTable, Site, Species, Step

_R = 8314.462618  # J kmol^-1 K^-1 (Cantera units)


@dataclass(frozen=True)
class CanteraSurface:
    """A Cantera surface mechanism converted at fixed T and gas composition.

    Attributes
    ----------
    mechanism : Mechanism
    rates : RateTable
        k in s^-1 bar^-n (per site, coverages as fractions).
    pressures : dict gas -> bar
    Gf, Gr : ndarray (J, S)
        d ln k / d theta from Cantera coverage dependencies.
    Af, Ar : ndarray (S, J)
        Coverage orders (Cantera ``orders`` and ``m`` included).
    names : dict catscale name -> Cantera name
    """

    mechanism: Mechanism
    rates: RateTable
    pressures: dict[str, float]
    Gf: np.ndarray = field(repr=False)
    Gr: np.ndarray = field(repr=False)
    Af: np.ndarray = field(repr=False)
    Ar: np.ndarray = field(repr=False)
    names: dict[str, str] = field(repr=False)
    coverage_dependence: tuple = field(repr=False, default=())
    orders: tuple = field(repr=False, default=())

    def network(self):
        """The compiled :class:`catscale.kinetics.Network`."""
        from ...kinetics import build_network

        return build_network(self.mechanism, self.rates, self.pressures, Gf=self.Gf,
                             Gr=self.Gr, Af=self.Af, Ar=self.Ar)


def _surf_name(name: str, vacancy: str) -> str:
    if name == vacancy:
        return "*"
    return re.sub(r"\(S\).*$", "", name) + "*"


def _first_surface_phase(yaml_file) -> str:
    import cantera as ct
    import yaml

    path = pathlib.Path(yaml_file)
    if not path.exists():
        found = [pathlib.Path(d) / str(yaml_file) for d in ct.get_data_directories()]
        found = [f for f in found if f.exists()]
        if not found:
            raise FileNotFoundError(str(yaml_file))
        path = found[0]
    doc = yaml.safe_load(path.read_text())
    for ph in doc.get("phases", []):
        if ph.get("thermo") in ("ideal-surface", "coverage-dependent-surface"):
            return ph["name"]
    raise ModelFileError(str(yaml_file), "phases", "no ideal-surface phase")


def cantera_surface(yaml_file: str | pathlib.Path, T: float, P: float,
                    X: Mapping[str, float] | str, surface_phase: str | None = None,
                    gas_phase: str | None = None) -> CanteraSurface:
    """Convert an ideal-surface mechanism at T (K), total pressure P (Pa) and gas mole
    fractions X (mapping or Cantera string) into catscale rate constants.

    Parameters
    ----------
    yaml_file : path
        Cantera YAML (a file name Cantera finds in its data path, e.g. ``ptcombust.yaml``).
    T, P : float
        K and Pa.
    X : mapping or str
        Gas mole fractions.
    surface_phase, gas_phase : str, optional
        Phase names (default: the first interface phase and its adjacent gas).
    """
    import cantera as ct

    if not (np.isfinite(T) and T > 0):
        raise InvalidParameterError("T", "> 0 K", T)
    if not (np.isfinite(P) and P > 0):
        raise InvalidParameterError("P", "> 0 Pa", P)
    if surface_phase is None:
        surface_phase = _first_surface_phase(yaml_file)
    try:
        surf = ct.Interface(str(yaml_file), surface_phase)
    except ct.CanteraError as exc:
        raise ModelFileError(str(yaml_file), surface_phase or "phases",
                             f"not a Cantera interface mechanism: {exc}") from None
    gas = surf.adjacent[gas_phase] if gas_phase else next(iter(surf.adjacent.values()))
    gas.TPX = T, P, X
    surf.TP = T, P
    Gamma = surf.site_density                        # kmol m^-2
    vac = surf.species_names[0]
    # the vacancy: the species whose composition is the bare site (first by convention)
    for sp in surf.species():
        if len([e for e, n in sp.composition.items() if n]) == 1 and sp.size == 1 \
                and all(e.lower() in sp.name.lower() for e in sp.composition):
            vac = sp.name
            break
    site_elems = set(surf.species(vac).composition)
    names: dict[str, str] = {}
    species: list[Species] = []
    for g in gas.species():
        names[g.name] = g.name
    for sp in surf.species():
        cn = _surf_name(sp.name, vac)
        names[cn] = sp.name
        comp = {e: int(round(n)) for e, n in sp.composition.items()
                if e not in site_elems and n}
        if cn == "*":
            species.append(Species("*", "site", "*", ()))
        else:
            species.append(Species(cn, "surface", "*", tuple(sorted(comp.items())),
                                   n_sites=int(round(sp.size))))
    inv = {v: k for k, v in names.items()}
    # uniform coverages: every k_c is finite and non-zero; coverage factors divided out
    n_s = surf.n_species
    theta_u = np.full(n_s, 1.0 / n_s)
    surf.coverages = theta_u
    kf_c = surf.forward_rate_constants
    kr_c = surf.reverse_rate_constants
    steps, used_gas = [], set()
    rx = surf.reactions()
    J = len(rx)
    surf_c = [s.name for s in species]
    S = len(surf_c)
    Af = np.zeros((S, J))
    Ar = np.zeros((S, J))
    Gf = np.zeros((J, S))
    Gr = np.zeros((J, S))
    kf = np.zeros(J)
    kr = np.zeros(J)
    cov_rec, ord_rec = [], []
    for j, r in enumerate(rx):
        rtype = r.rate.type
        if rtype not in ("interface-Arrhenius", "sticking-Arrhenius"):
            raise ModelFileError(str(yaml_file), f"reactions[{j}] {r.equation}",
                                 f"rate type {rtype!r} is not imported (Arrhenius and "
                                 "sticking only)")
        lhs = " + ".join(f"{int(n)} {inv[s]}" if n != 1 else inv[s]
                         for s, n in r.reactants.items())
        rhs = " + ".join(f"{int(n)} {inv[s]}" if n != 1 else inv[s]
                         for s, n in r.products.items())
        eq = f"{lhs} {'<=>' if r.reversible else '->'} {rhs}"
        steps.append(Step.from_equation(eq))
        fac_f = 1.0 / Gamma
        fac_r = 1.0 / Gamma
        orders = dict(r.reactants)
        orders.update(r.orders or {})
        for s, o in orders.items():
            if s in surf.species_names:
                i = surf_c.index(inv[s])
                Af[i, j] = o
                fac_f *= (Gamma / surf.species(s).size) ** o
            else:
                fac_f *= (1e5 / (_R * T)) ** o
                used_gas.add(s)
        for s, o in r.products.items():
            if s in surf.species_names:
                i = surf_c.index(inv[s])
                Ar[i, j] = o
                fac_r *= (Gamma / surf.species(s).size) ** o
            else:
                fac_r *= (1e5 / (_R * T)) ** o
                used_gas.add(s)
        cov = getattr(r.rate, "coverage_dependencies", {}) or {}
        lnfac = 0.0
        rec = {}
        for s, d in cov.items():
            a, m, E = float(d["a"]), float(d["m"]), float(d["E"])
            i = surf_c.index(inv[s])
            th = theta_u[surf.species_index(s)]
            g = a * math.log(10.0) - E / (_R * T)
            Gf[j, i] += g
            Af[i, j] += m
            lnfac += g * th + m * math.log(th)
            if r.reversible:
                Gr[j, i] += g
                Ar[i, j] += m
            rec[inv[s]] = {"a": a, "m": m, "E_J_per_kmol": E}
        cov_rec.append(rec)
        ord_rec.append({inv[s]: float(o) for s, o in (r.orders or {}).items()})
        kf[j] = kf_c[j] * math.exp(-lnfac) * fac_f
        kr[j] = (kr_c[j] * math.exp(-lnfac) * fac_r) if r.reversible else 0.0
    gas_species = [Species(g, "gas", None, tuple(sorted(
        (e, int(round(n))) for e, n in gas.species(g).composition.items() if n)))
        for g in sorted(used_gas)]
    mech = Mechanism(sites=(Site("*", Gamma * 1e3 * 6.02214076e23),),
                     species=tuple(gas_species + species), steps=tuple(steps),
                     name=f"{yaml_file}:{surf.name}")
    x = gas.mole_fraction_dict()
    pressures = {g: x.get(g, 0.0) * P / 1e5 for g in sorted(used_gas)}
    rt = RateTable(T, tuple(s.equation for s in steps), kf, kr)
    # Af/Ar/G in the order of the mechanism's surface species
    order = [surf_c.index(s.name) for s in mech.species if s.phase != "gas"]
    return CanteraSurface(mech, rt, pressures, Gf[:, order], Gr[:, order], Af[order],
                          Ar[order], names, tuple(cov_rec), tuple(ord_rec))


def write_cantera_model(cs: CanteraSurface, out: str | pathlib.Path) -> pathlib.Path:
    """Write the converted mechanism as a catscale model file (fixed k_f/k_r per step).

    Non-stoichiometric orders and coverage dependencies are written as the step keys
    ``orders`` (forward coverage exponents replacing the stoichiometric ones) and
    ``coverage_dependence: {species: {dlnk_dtheta, m}}`` (k multiplied by
    theta^m exp(dlnk_dtheta theta), forward and, for reversible steps, reverse: Cantera's
    reverse rate is k_f / K).
    """
    import yaml

    mech = cs.mechanism
    surf = [s.name for s in mech.species if s.phase != "gas"]
    steps: list[dict[str, Any]] = []
    keys = [(tuple(sorted(st.reactants)), tuple(sorted(st.products))) for st in mech.steps]
    for j, st in enumerate(mech.steps):
        d: dict[str, Any] = {"equation": st.equation, "k_f": float(cs.rates.k_f[j])}
        if st.reversible:
            d["k_r"] = float(cs.rates.k_r[j])
        if keys.count(keys[j]) > 1:
            d["duplicate"] = True          # parallel channels (Cantera `duplicate: true`)
        if cs.orders[j]:
            d["orders"] = dict(cs.orders[j])
        cov = {}
        for s_name, rec in cs.coverage_dependence[j].items():
            i = surf.index(s_name)
            cov[s_name] = {"dlnk_dtheta": float(cs.Gf[j, i]), "m": float(rec["m"])}
        if cov:
            d["coverage_dependence"] = cov
        steps.append(d)
    species: dict[str, Any] = {s.name: ({"phase": "gas"} if s.phase == "gas" else {})
                               for s in mech.species if s.phase != "site"}
    doc = {"catscale": 1, "name": f"Imported from Cantera {mech.name}",
           "units": {"pressure": "bar"},
           "conditions": {"T": cs.rates.T, "pressures": dict(cs.pressures)},
           "sites": {"*": {"density": f"{mech.sites[0].density:.6g} m^-2"}},
           "species": species, "steps": steps}
    out = pathlib.Path(out)
    out.write_text("# Imported from Cantera by catscale import cantera; rate constants per "
                   "site at the\n# conditions below (s^-1 bar^-n).\n"
                   + yaml.safe_dump(doc, sort_keys=False, default_flow_style=None))
    return out
