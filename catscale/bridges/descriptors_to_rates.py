"""Descriptor energies -> rate constants: adsorbate scaling + transition-state scaling.

The CatMAP descriptor-based model (Medford et al., Top. Catal. 58, 1270 (2015);
SUNCAT-Center/catmap, scalers/generalized_linear_scaler.py, model.py ``get_rxn_energy``),
written as pure functions of a frozen :class:`DescriptorModel`:

* adsorbate formation energies are linear in the descriptors, E_a = s_a . d + c_a (a
  descriptor adsorbate has s = e_k, c = 0); adsorbates and transition states are "frozen"
  (G = E at every T); vacancies have G = 0;
* gas free energies G_g(T) at 1 bar come from thermo objects (e.g. ``ShomateGas``);
* the transition-state energy of a step follows a TS scaling relation on the *adsorbate*
  formation energies of its initial or final state (gases and sites count 0, as in CatMAP):
  E_TS = alpha E_IS,ads + beta ('IS'), alpha E_FS,ads + beta ('FS') or
  alpha (E_FS - E_IS) + beta + E_IS ('BEP');
* the forward barrier is Ea = max(0, E_TS - G_IS, G_FS - G_IS) (CatMAP; steps without TS use
  E_TS = max(G_IS, G_FS)); k_f = (kB T / h) exp(-Ea / kB T),
  k_r = (kB T / h) exp(-(Ea - dG) / kB T), so k_f / k_r = exp(-dG / kB T) (detailed balance).

Units: energies eV, T in K, k in s^-1 bar^-n.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ..errors import InvalidParameterError
from ..mechanism import Mechanism, RateTable
from ..units import h, kB


@dataclass(frozen=True)
class TSScaling:
    """Transition-state scaling relation of one step.

    Attributes
    ----------
    step : int
        Index of the step in the mechanism.
    reference : {'IS', 'FS', 'BEP'}
    alpha : float
        Slope (dimensionless).
    beta : float
        Intercept, eV.
    """

    step: int
    reference: Literal["IS", "FS", "BEP"]
    alpha: float
    beta: float


@dataclass(frozen=True)
class DescriptorModel:
    """A mechanism whose energetics follow from descriptor energies.

    Attributes
    ----------
    mechanism : Mechanism
    descriptors : tuple of str
        Names of the descriptors (e.g. ``("O*", "CO*")``: formation energies of adsorbates).
    adsorbate_scaling : mapping adsorbate -> (slopes, intercept)
        E = slopes . descriptors + intercept (eV) for every adsorbate of the mechanism.
    gas_thermo : mapping gas -> object with ``G(T)``
        Free energy of each gas at 1 bar, eV (e.g. ``catscale.thermo.ShomateGas``).
    ts_scaling : tuple of TSScaling
        Relations for activated steps; other steps are non-activated (E_TS = max(IS, FS)).
    """

    mechanism: Mechanism
    descriptors: tuple[str, ...]
    adsorbate_scaling: Mapping[str, tuple[tuple[float, ...], float]]
    gas_thermo: Mapping[str, Any] = field(repr=False)
    ts_scaling: tuple[TSScaling, ...] = ()

    def __post_init__(self):
        nd = len(self.descriptors)
        for ads in self.mechanism.adsorbates:
            if ads.name not in self.adsorbate_scaling:
                raise InvalidParameterError("adsorbate_scaling",
                                            "a relation for every adsorbate", ads.name)
            s, _ = self.adsorbate_scaling[ads.name]
            if len(s) != nd:
                raise InvalidParameterError(f"adsorbate_scaling[{ads.name}]",
                                            f"{nd} slopes (one per descriptor)", s)
        for g in self.mechanism.gas:
            if g.name not in self.gas_thermo:
                raise InvalidParameterError("gas_thermo", "a thermo object for every gas",
                                            g.name)
        for t in self.ts_scaling:
            if not 0 <= t.step < len(self.mechanism.steps):
                raise InvalidParameterError("ts_scaling.step", "a step index", t.step)
            if t.reference not in ("IS", "FS", "BEP"):
                raise InvalidParameterError("ts_scaling.reference", "'IS', 'FS' or 'BEP'",
                                            t.reference)


def adsorbate_energies(model: DescriptorModel, point: Sequence[float]) -> dict[str, float]:
    """Formation energy (eV) of every adsorbate at a descriptor point (eV)."""
    d = np.asarray(point, dtype=float).reshape(-1)
    if d.shape != (len(model.descriptors),) or not np.all(np.isfinite(d)):
        raise InvalidParameterError("point", f"{len(model.descriptors)} finite descriptor "
                                    "energies (eV)", point)
    return {a: float(np.dot(s, d) + c) for a, (s, c) in model.adsorbate_scaling.items()}


def gas_free_energies(model: DescriptorModel, T: float) -> dict[str, float]:
    """Free energy of every gas at 1 bar and T (K), eV."""
    if not (np.isfinite(T) and T > 0):
        raise InvalidParameterError("T", "> 0 K", T)
    return {g.name: float(model.gas_thermo[g.name].G(T)) for g in model.mechanism.gas}


def state_energies(model: DescriptorModel, point: Sequence[float], T: float,
                   gas_G: Mapping[str, float] | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Free energies (eV) of the initial, transition and final state of every step.

    ``gas_G`` (eV, from :func:`gas_free_energies` at the same T) may be passed to avoid
    re-evaluating the gas thermochemistry at every descriptor point.
    """
    if gas_G is None:
        gas_G = gas_free_energies(model, T)
    mech = model.mechanism
    E = adsorbate_energies(model, point)
    G = np.zeros(len(mech.species))
    Eads = np.zeros(len(mech.species))
    for i, sp in enumerate(mech.species):
        if sp.phase == "gas":
            G[i] = gas_G[sp.name]
        elif sp.phase == "surface":
            G[i] = Eads[i] = E[sp.name]
    R, P = mech.reactant_matrix, mech.product_matrix
    G_IS, G_FS = R.T @ G, P.T @ G
    E_IS, E_FS = R.T @ Eads, P.T @ Eads
    G_TS = np.maximum(G_IS, G_FS)
    for t in model.ts_scaling:
        j = t.step
        if t.reference == "IS":
            G_TS[j] = t.alpha * E_IS[j] + t.beta
        elif t.reference == "FS":
            G_TS[j] = t.alpha * E_FS[j] + t.beta
        else:
            G_TS[j] = t.alpha * (E_FS[j] - E_IS[j]) + t.beta + E_IS[j]
    return G_IS, G_TS, G_FS


def rate_table(model: DescriptorModel, point: Sequence[float], T: float,
               gas_G: Mapping[str, float] | None = None) -> RateTable:
    """Rate constants at a descriptor point (eV) and temperature T (K).

    Returns
    -------
    RateTable
        k_f, k_r in s^-1 bar^-n; dG and dG_act (eV) filled.
    """
    G_IS, G_TS, G_FS = state_energies(model, point, T, gas_G)
    dG = G_FS - G_IS
    Ea = np.maximum.reduce([np.zeros_like(dG), G_TS - G_IS, dG])
    kT = kB * T
    pre = kT / h
    mech = model.mechanism
    gas_rows = [i for i, s in enumerate(mech.species) if s.phase == "gas"]
    return RateTable(T=T, equations=tuple(s.equation for s in mech.steps),
                     k_f=pre * np.exp(-Ea / kT), k_r=pre * np.exp(-(Ea - dG) / kT),
                     dG=dG, dG_act=Ea,
                     n_gas_f=mech.reactant_matrix[gas_rows].sum(axis=0).astype(int),
                     n_gas_r=mech.product_matrix[gas_rows].sum(axis=0).astype(int))


def fit_ts_scaling(state_energy: Sequence[float], ts_energy: Sequence[float]
                   ) -> tuple[float, float]:
    """Least-squares line E_TS = alpha E_state + beta through (eV, eV) data (CatMAP's fit).

    Returns
    -------
    alpha : float (dimensionless), beta : float (eV)
    """
    x = np.asarray(state_energy, dtype=float)
    y = np.asarray(ts_energy, dtype=float)
    if x.shape != y.shape or x.size < 2 or not np.all(np.isfinite(x) & np.isfinite(y)):
        raise InvalidParameterError("state_energy, ts_energy",
                                    "two finite arrays of equal length >= 2", (x, y))
    alpha, beta = np.polyfit(x, y, 1)
    return float(alpha), float(beta)


def rates_function(model: DescriptorModel, T: float) -> Callable[[Sequence[float]], RateTable]:
    """``point -> RateTable`` at fixed T (K), gas free energies evaluated once (for maps)."""
    gas_G = gas_free_energies(model, T)

    def rates_at(point: Sequence[float]) -> RateTable:
        return rate_table(model, point, T, gas_G)

    return rates_at
