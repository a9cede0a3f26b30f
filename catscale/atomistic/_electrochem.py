"""Potential-dependent free energies and rate constants: the computational hydrogen electrode.

Computational hydrogen electrode (CHE; Norskov, Rossmeisl, Logadottir, Lindqvist, Kitchin,
Bligaard & Jonsson, J. Phys. Chem. B 108, 17886 (2004)): at U = 0 V vs RHE the pair
(H+ + e-) is in equilibrium with 1/2 H2(g), so mu(H+ + e-) = 1/2 mu(H2) - e U_RHE. A step that
consumes n proton-electron pairs has

    dG(U) = dG(0 V_RHE) + n e U_RHE
          = dG(0 V_SHE, pH 0) + n e U_SHE + n kT ln(10) pH.

Energies in eV, potentials in V, temperatures in K, rate constants in s^-1 (times bar^-n for
gas reactants, as in :class:`catscale.mechanism.RateTable`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import InvalidParameterError
from ..mechanism import RateTable
from ..units import h, kB


def che_free_energy(dG0: float | np.ndarray, n_electrons: float | np.ndarray, U: float,
                    T: float = 298.15, pH: float = 0.0,
                    scale: str = "RHE") -> float | np.ndarray:
    """Reaction free energy at electrode potential U by the computational hydrogen electrode.

    Parameters
    ----------
    dG0 : float or ndarray
        Reaction free energy at U = 0 V on the chosen scale (and pH 0 for SHE), eV.
    n_electrons : float or ndarray
        Proton-electron pairs consumed by the step (n > 0 reduction, n < 0 oxidation).
    U : float
        Electrode potential, V (vs RHE or SHE according to ``scale``).
    T : float
        Temperature, K (only used for the pH term on the SHE scale).
    pH : float
        pH (SHE scale only).
    scale : {"RHE", "SHE"}

    Returns
    -------
    float or ndarray
        dG(U), eV.
    """
    if scale not in ("RHE", "SHE"):
        raise InvalidParameterError("scale", "'RHE' or 'SHE'", scale)
    if not (np.isfinite(T) and T > 0):
        raise InvalidParameterError("T", "> 0 K", T)
    n = np.asarray(n_electrons, dtype=float)
    shift = n * float(U)
    if scale == "SHE":
        shift = shift + n * kB * T * np.log(10.0) * float(pH)
    out = np.asarray(dG0, dtype=float) + shift
    return float(out) if out.ndim == 0 else out


def limiting_potential(dG0: Sequence[float], n_electrons: Sequence[float]) -> float:
    """Limiting potential of a sequence of proton-electron transfer steps (CHE).

    The most positive (for reductions; most negative magnitude-wise for oxidations) potential at
    which every step is downhill: U_L = min_i(-dG0_i / n_i) over reduction steps, or
    max_i(-dG0_i / n_i) over oxidation steps.

    Parameters
    ----------
    dG0 : sequence of float
        Step free energies at 0 V_RHE, eV.
    n_electrons : sequence of float
        Proton-electron pairs consumed per step, all of one sign (+ reduction, - oxidation).

    Returns
    -------
    float
        U_L, V vs RHE.
    """
    g = np.asarray(dG0, dtype=float)
    n = np.asarray(n_electrons, dtype=float)
    if g.shape != n.shape or g.size == 0:
        raise InvalidParameterError("n_electrons", f"{g.size} values matching dG0", n.shape)
    if np.any(n == 0) or not (np.all(n > 0) or np.all(n < 0)):
        raise InvalidParameterError("n_electrons", "non-zero, all of one sign", n.tolist())
    u = -g / n
    return float(u.min() if n[0] > 0 else u.max())


def electrochemical_rate_table(equations: Sequence[str], dG0: Sequence[float],
                               dG_act0: Sequence[float], n_electrons: Sequence[float],
                               U: float, T: float = 298.15, pH: float = 0.0,
                               scale: str = "RHE", symmetry_factor: float = 0.5,
                               prefactor: float | None = None,
                               n_gas_f: Sequence[int] | None = None,
                               n_gas_r: Sequence[int] | None = None) -> RateTable:
    """Potential-dependent rate constants for a microkinetic model (CHE + linear barrier shift).

    dG_j(U) from :func:`che_free_energy`; the forward barrier shifts by the symmetry factor
    beta times the change of dG: dG_act_j(U) = dG_act0_j + beta n_j e U (on the chosen
    scale, plus the pH term for SHE), and is clipped to >= max(0, dG_j(U)) so that it never
    falls below the thermodynamic minimum. k_f = A exp(-dG_act/kT) and
    k_r = k_f exp(dG/kT) (detailed balance).

    Parameters
    ----------
    equations : sequence of str
        Step equations (labels in the rate table).
    dG0, dG_act0 : sequence of float
        Reaction free energies and forward barriers at U = 0, eV.
    n_electrons : sequence of float
        Proton-electron pairs consumed per step (0 for chemical steps).
    U : float
        Electrode potential, V.
    T : float
        Temperature, K.
    pH, scale : see :func:`che_free_energy`.
    symmetry_factor : float
        beta in [0, 1].
    prefactor : float, optional
        A in s^-1; default kB T / h.
    n_gas_f, n_gas_r : sequence of int, optional
        Gas molecules among reactants/products of each step (units bookkeeping).

    Returns
    -------
    RateTable
        With dG = dG(U) and dG_act = dG_act(U), eV.
    """
    if not 0.0 <= symmetry_factor <= 1.0:
        raise InvalidParameterError("symmetry_factor", "in [0, 1]", symmetry_factor)
    n = np.asarray(n_electrons, dtype=float)
    dG0 = np.asarray(dG0, dtype=float)
    act0 = np.asarray(dG_act0, dtype=float)
    m = len(equations)
    for name, arr in (("dG0", dG0), ("dG_act0", act0), ("n_electrons", n)):
        if arr.shape != (m,):
            raise InvalidParameterError(name, f"{m} values (one per step)", arr.shape)
    dG = che_free_energy(dG0, n, U, T, pH, scale)
    dG = np.atleast_1d(dG)
    act = act0 + symmetry_factor * (dG - dG0)
    act = np.maximum(act, np.maximum(dG, 0.0))
    kT = kB * T
    A = kT / h if prefactor is None else float(prefactor)
    k_f = A * np.exp(-act / kT)
    k_r = k_f * np.exp(dG / kT)
    return RateTable(T=T, equations=tuple(equations), k_f=k_f, k_r=k_r, dG=dG, dG_act=act,
                     n_gas_f=n_gas_f, n_gas_r=n_gas_r)
