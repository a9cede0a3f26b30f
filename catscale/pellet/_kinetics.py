"""Rate laws of the pellet scale: production rates per unit pellet volume.

A :class:`RateLaw` is any kinetics, written as vectorised callables of the local
concentrations and temperature. The pellet solver knows nothing else about the chemistry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import InvalidParameterError
from ..units import R as R_GAS

ProductionFn = Callable[[np.ndarray, np.ndarray], np.ndarray]
HeatFn = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class RateLaw:
    """Kinetics seen by the pellet: species production and heat release per pellet volume.

    Attributes
    ----------
    species : tuple of str
        Names of the gas species carried in the pellet, in the order of the rows of ``c``.
    production : callable
        ``production(c, T) -> R`` with ``c`` of shape (n_species, m) in mol m^-3 and ``T``
        of shape (m,) in K; returns the net production rates, shape (n_species, m), in
        mol m^-3 s^-1 per volume of pellet (negative for consumed species).
    heat : callable or None
        ``heat(c, T) -> q`` heat released per pellet volume, W m^-3, shape (m,);
        None for a thermoneutral reaction.
    key : int
        Index of the key reactant (used for the effectiveness factor and the moduli).
    stoichiometry : tuple of float or None
        Declares one irreversible reaction whose rate depends on the key concentration
        (and T) alone and does not decrease with it: production = stoichiometry x r, with
        ``stoichiometry[key] < 0``. An isothermal pellet then has one steady state, which
        :func:`catscale.pellet.solve_pellet` finds by the exact one-species reduction
        (:func:`power_law` declares it). None: any kinetics.
    c_floor : float
        Key concentration (mol m^-3) below which the law is regularised (continued
        linearly to finite slope, see :func:`power_law`); the solver bounds the effect of
        the regularisation on the solution and warns when it matters. 0: exact law.
    """

    species: tuple[str, ...]
    production: ProductionFn
    heat: HeatFn | None = None
    key: int = 0
    stoichiometry: tuple[float, ...] | None = None
    c_floor: float = 0.0

    def __post_init__(self):
        object.__setattr__(self, "species", tuple(self.species))
        if not self.species:
            raise InvalidParameterError("species", "at least one species", self.species)
        if not 0 <= self.key < len(self.species):
            raise InvalidParameterError("key", f"an index in [0, {len(self.species)})", self.key)
        if self.stoichiometry is not None:
            st = tuple(float(v) for v in self.stoichiometry)
            if len(st) != len(self.species) or not st[self.key] < 0:
                raise InvalidParameterError("stoichiometry", f"{len(self.species)} "
                                            "coefficients with a negative key coefficient",
                                            self.stoichiometry)
            object.__setattr__(self, "stoichiometry", st)

    @property
    def n(self) -> int:
        """Number of species."""
        return len(self.species)

    def __call__(self, c, T) -> np.ndarray:
        """Production rates (n_species, m) in mol m^-3 s^-1 at c (n, m) mol m^-3, T (m,) K."""
        c = np.asarray(c, dtype=float)
        one = c.ndim == 1
        c2 = c.reshape(self.n, -1)
        T2 = np.broadcast_to(np.asarray(T, dtype=float), (c2.shape[1],))
        out = np.asarray(self.production(c2, T2), dtype=float).reshape(self.n, -1)
        return out[:, 0] if one else out

    def heat_release(self, c, T) -> np.ndarray:
        """Heat released, W m^-3, at c (n, m) mol m^-3 and T (m,) K (zeros when no heat)."""
        c = np.asarray(c, dtype=float)
        one = c.ndim == 1
        c2 = c.reshape(self.n, -1)
        T2 = np.broadcast_to(np.asarray(T, dtype=float), (c2.shape[1],))
        if self.heat is None:
            out = np.zeros(c2.shape[1])
        else:
            out = np.asarray(self.heat(c2, T2), dtype=float).reshape(-1)
        return out[0] if one else out


def power_law(k: float, order: float = 1.0, *, species: Sequence[str] = ("A",),
              stoichiometry: Sequence[float] | None = None, Ea: float = 0.0,
              T_ref: float = 298.15, dH: float = 0.0, key: int = 0,
              c_floor: float = 1e-6) -> RateLaw:
    """Single irreversible reaction r = k(T) c_key^n (per pellet volume).

    Parameters
    ----------
    k : float
        Rate constant at ``T_ref`` in mol^(1-n) m^(3n-3) s^-1 (s^-1 for first order), per
        volume of pellet.
    order : float
        Reaction order n >= 0 in the key reactant (see ``c_floor`` for negative or tiny
        concentrations met by Newton iterates).
    species : sequence of str
        Species names; ``species[key]`` is the reactant.
    stoichiometry : sequence of float, optional
        Stoichiometric coefficients (reactant -1); default -1 for the key, 0 otherwise.
    Ea : float
        Activation energy, J mol^-1: k(T) = k exp(-Ea/R (1/T - 1/T_ref)).
    T_ref : float
        Reference temperature of ``k``, K.
    dH : float
        Reaction enthalpy per mole of key reactant converted, J mol^-1 (negative:
        exothermic); heat release is -dH r in W m^-3.
    key : int
        Index of the reactant.
    c_floor : float
        For orders below 1, concentration (mol m^-3) under which c^n is continued linearly,
        so that Newton sees a finite derivative in dead zones (c = 0 inside the pellet). The
        pellet solver bounds what this changes (``PelletResult.warnings``): the rate of the
        cells below the floor, relative to the pellet's rate, is at most
        ~(c_floor / c_s)^((1 + n) / 2) (the width of the layer below the floor at the
        dead-zone front), 3e-4 for n = 0 at c_s = 10 mol m^-3.

    Returns
    -------
    RateLaw
    """
    if not (np.isfinite(k) and k >= 0):
        raise InvalidParameterError("k", "a finite rate constant >= 0", k)
    if not (np.isfinite(order) and order >= 0):
        raise InvalidParameterError("order", ">= 0", order)
    if not T_ref > 0:
        raise InvalidParameterError("T_ref", "> 0 K", T_ref)
    n = len(species)
    if stoichiometry is None:
        nu = np.zeros(n)
        nu[key] = -1.0
    else:
        nu = np.asarray(stoichiometry, dtype=float)
        if nu.shape != (n,) or nu[key] >= 0:
            raise InvalidParameterError("stoichiometry",
                                        f"{n} coefficients with a negative key coefficient",
                                        stoichiometry)
    scale = -nu[key]
    k0, n_ord, E, Tr, h = float(k), float(order), float(Ea), float(T_ref), float(dH)

    floor = float(c_floor)

    def conc_term(ck):
        # smooth, increasing continuation for the negative iterates of Newton: linear for
        # n <= 1 (below c_floor for n < 1, finite slope in dead zones), max(c, 0)^n (C1) for
        # n > 1
        if n_ord == 1.0:
            return ck
        if n_ord > 1.0:
            return np.maximum(ck, 0.0) ** n_ord
        if n_ord == 0.0:
            return np.where(ck >= floor, 1.0, ck / floor) if floor > 0 else np.ones_like(ck)
        return np.where(ck >= floor, np.maximum(ck, floor) ** n_ord,
                        floor ** (n_ord - 1.0) * ck)

    def rate(c, T):
        ck = c[key]
        kT = k0 * np.exp(-E / R_GAS * (1.0 / T - 1.0 / Tr)) if E else k0
        return kT * conc_term(ck)

    def production(c, T):
        return np.outer(nu / scale, rate(c, T))

    def heat(c, T):
        return -h * rate(c, T)

    return RateLaw(tuple(species), production, heat if dH else None, key,
                   stoichiometry=tuple(nu / scale),
                   c_floor=floor if (n_ord < 1.0 and floor > 0) else 0.0)
