"""Hop rates of a particle in a nearest-neighbour lattice gas, and their mean-field average:
the coverage-dependent hop barrier and jump (collective) diffusivity.

A particle hops from site i to an empty neighbour j. ``n_i`` counts the occupied neighbours
of i (j excluded, it is empty), ``n_f`` those of j (i excluded). The interaction energy
changes by dE = eps (n_f - n_i). Three rules, each obeying detailed balance
r(i->j) / r(j->i) = exp(-dE / kT):

* ``metropolis``: r = Gamma min(1, exp(-dE/kT)).
* ``initial_state``: the saddle point does not feel the neighbours, so the barrier is
  Ea0 - eps n_i and r = Gamma exp(eps n_i / kT) (attraction slows hops out of clusters).
* ``bep``: symmetric Broensted-Evans-Polanyi relation, barrier Ea0 + dE/2 and
  r = Gamma exp(-dE / (2 kT)).

Gamma = nu exp(-Ea0 / kT) is the hop rate of an isolated particle to one neighbour.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import binom

from ..errors import InvalidParameterError
from ..units import kB
from ._lattice import common_neighbours, coordination, free_diffusivity

HOP_RULES = ("metropolis", "initial_state", "bep")


def hop_rate_table(eps: float, T: float, lattice: str = "square",
                   rule: str = "metropolis") -> NDArray[np.float64]:
    """Relative hop rate r(n_i, n_f) / Gamma as a (z, z) table.

    Parameters
    ----------
    eps : float
        Nearest-neighbour pair energy, eV (< 0 attractive).
    T : float
        Temperature, K.
    lattice : str
        A registered lattice of one site kind (:data:`catscale.lattices.LATTICES`).
        z = 4 on 'square', 6 on 'hexagonal' (= 'triangular'), 3 on 'honeycomb'.
    rule : {'metropolis', 'initial_state', 'bep'}

    Returns
    -------
    ndarray, shape (z, z)
        Element [n_i, n_f] is the rate of the hop relative to Gamma (dimensionless);
        n_i, n_f = 0 ... z - 1.
    """
    if rule not in HOP_RULES:
        raise InvalidParameterError("rule", f"one of {list(HOP_RULES)}", rule)
    if not (np.isfinite(T) and T > 0):
        raise InvalidParameterError("T", "> 0 K", T)
    if not np.isfinite(eps):
        raise InvalidParameterError("eps", "a finite energy in eV", eps)
    z = coordination(lattice)
    n = np.arange(z, dtype=float)
    ni, nf = np.meshgrid(n, n, indexing="ij")
    bdE = eps * (nf - ni) / (kB * T)
    if rule == "metropolis":
        return np.exp(-np.maximum(bdE, 0.0))
    if rule == "initial_state":
        return np.exp(eps * ni / (kB * T))
    return np.exp(-0.5 * bdE)


def mean_hop_rate(theta: ArrayLike, eps: float, T: float, lattice: str = "square",
                  rule: str = "metropolis") -> NDArray[np.float64]:
    """Random-mixing average of r(n_i, n_f) / Gamma over neighbour configurations.

    Each site other than i and j is occupied independently with probability theta; on the
    hexagonal lattice the two common neighbours of i and j enter both n_i and n_f.

    Parameters
    ----------
    theta : array_like
        Coverage(s) in [0, 1].
    eps, T, lattice, rule
        As in :func:`hop_rate_table` (eV, K).

    Returns
    -------
    ndarray
        <r> / Gamma (dimensionless), 1 for eps = 0.
    """
    th = np.atleast_1d(np.asarray(theta, dtype=float))
    if np.any(~np.isfinite(th)) or np.any((th < 0) | (th > 1)):
        raise InvalidParameterError("theta", "coverages in [0, 1]", theta)
    tab = hop_rate_table(eps, T, lattice, rule)
    z = coordination(lattice)
    c = common_neighbours(lattice)
    m = z - 1 - c
    out = np.zeros_like(th)
    s = np.arange(c + 1)
    u = np.arange(m + 1)
    for k, t in enumerate(th):
        ps, pu = binom.pmf(s, c, t), binom.pmf(u, m, t)
        tot = 0.0
        for si in s:
            for ui in u:
                for vi in u:
                    tot += ps[si] * pu[ui] * pu[vi] * tab[si + ui, si + vi]
        out[k] = tot
    return out.reshape(np.shape(theta)) if np.ndim(theta) else out[0]


def effective_barrier(theta: ArrayLike, Ea0: float, eps: float, T: float,
                      lattice: str = "square", rule: str = "metropolis") -> NDArray[np.float64]:
    """Coverage-dependent effective hop barrier Ea0 - kT ln(<r>/Gamma).

    Parameters
    ----------
    theta : array_like
        Coverage(s) in [0, 1].
    Ea0 : float
        Barrier of an isolated particle, eV.
    eps, T, lattice, rule
        As in :func:`hop_rate_table` (eV, K).

    Returns
    -------
    ndarray
        Effective barrier in eV (Ea0 at eps = 0 or theta = 0).
    """
    return Ea0 - kB * T * np.log(mean_hop_rate(theta, eps, T, lattice, rule))


def jump_diffusivity_mf(theta: ArrayLike, hop_rate: float, a: float, eps: float, T: float,
                        lattice: str = "square", rule: str = "metropolis"
                        ) -> NDArray[np.float64]:
    """Mean-field jump (Kubo-Green collective) diffusivity D_J = D0 (1 - theta) <r>/Gamma.

    Neglects memory (correlations between successive hops of different particles), so it is
    exact only for eps = 0, where D_J = D0 (1 - theta).

    Parameters
    ----------
    theta : array_like
        Coverage(s) in [0, 1].
    hop_rate : float
        Gamma, s^-1.
    a : float
        Nearest-neighbour distance, m.
    eps, T, lattice, rule
        As in :func:`hop_rate_table` (eV, K).

    Returns
    -------
    ndarray
        D_J in m^2/s.
    """
    D0 = free_diffusivity(hop_rate, a, lattice)
    th = np.asarray(theta, dtype=float)
    return D0 * (1.0 - th) * mean_hop_rate(th, eps, T, lattice, rule)
