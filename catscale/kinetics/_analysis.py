"""Sensitivity analysis of a steady state from exact derivatives (implicit-function theorem).

At a steady state G(x, p) = 0 (species balances nu_i . r = 0 with one row per site kind
replaced by its site balance; x = ln theta), the coverage response to a parameter p is
dx/dp = -G_x^-1 G_p, and the response of a turnover frequency TOF = nu_g . r follows by the
chain rule. Every parameter enters through ln kf and ln kr, so a parameter is described by
the two vectors a_j = d ln kf_j / dp and b_j = d ln kr_j / dp:

* degree of rate control of step j (Campbell): a = b = e_j (kf and kr scaled together, the
  transition state moved at fixed initial and final states);
* degree of thermodynamic rate control of intermediate n, p = -G_n / kT at fixed transition
  states: a_j = -R_nj, b_j = -P_nj (reactant/product coefficients of n in step j);
* reaction order in gas g, p = ln(p_g / bar): a_j = R_gj, b_j = P_gj;
* apparent activation energy, p = T: a = d ln kf/dT, b = d ln kr/dT (supplied, or from a
  callable returning the RateTable at T), Ea = kB T^2 d ln TOF/dT.

No finite differences are taken on the steady state itself.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..errors import InvalidParameterError
from ..mechanism import RateTable
from ..units import kB
from ._steady import SteadyState, scaled_jacobian


def _product(ss: SteadyState, product: str | None) -> int:
    net = ss.network
    if product is None:
        prod = net.nu_gas @ ss.rates
        if not len(prod) or np.max(prod) <= 0:
            raise InvalidParameterError("product", "a gas with a positive net production rate",
                                        dict(ss.production))
        return int(np.argmax(prod))
    if product not in net.gas:
        raise InvalidParameterError("product", f"one of the gases {list(net.gas)}", product)
    return net.gas.index(product)


def _system(ss: SteadyState) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Row-scaled G_x (S x S), the row scales, the rows that hold species balances, dr/dx."""
    return scaled_jacobian(ss.network, ss.theta_network, ss.rate_f, ss.rate_r)


def sensitivity(ss: SteadyState, a: np.ndarray, b: np.ndarray, product: str | None = None
                ) -> np.ndarray:
    """d ln TOF / dp for parameters given by their effect on ln kf (``a``) and ln kr (``b``).

    Parameters
    ----------
    ss : SteadyState
    a, b : ndarray (J,) or (J, n)
        d ln kf_j / dp and d ln kr_j / dp for each of n parameters.
    product : str, optional
        Gas whose TOF is differentiated (default: the gas produced fastest).

    Returns
    -------
    ndarray (n,) (or float for 1-D input)
        d ln TOF / dp; also ``dx/dp`` is available via :func:`coverage_sensitivity`.
    """
    g = _product(ss, product)
    out, _ = _sens(ss, a, b, g)
    return out


def _sens(ss: SteadyState, a, b, g: int) -> tuple[np.ndarray, np.ndarray]:
    net = ss.network
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    one = a.ndim == 1
    if one:
        a, b = a[:, None], b[:, None]
    J = net.n_steps
    if a.shape[0] != J or b.shape != a.shape:
        raise InvalidParameterError("a, b", f"arrays with {J} rows (one per step)",
                                    (a.shape, b.shape))
    Gx, scale, species_row, DR = _system(ss)
    dr_dp = ss.rate_f[:, None] * a - ss.rate_r[:, None] * b            # (J, n)
    Gp = (net.nu @ dr_dp) * scale[:, None]
    Gp[~species_row] = 0.0
    dx = -np.linalg.solve(Gx, Gp)                                         # (S, n)
    nug = net.nu_gas[g]
    tof = float(nug @ ss.rates)
    if tof == 0:
        raise InvalidParameterError("product", "a gas with a non-zero TOF", net.gas[g])
    dT = nug @ (DR @ dx) + nug @ dr_dp
    out = dT / tof
    return (out[0] if one else out), (dx[:, 0] if one else dx)


def coverage_sensitivity(ss: SteadyState, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """d ln theta / dp (S,) or (S, n) for parameters acting on ln kf (a) and ln kr (b)."""
    g = int(np.argmax(np.abs(ss.network.nu_gas @ ss.rates))) if ss.network.gas else 0
    return _sens(ss, a, b, g)[1]


def degree_of_rate_control(ss: SteadyState, product: str | None = None) -> dict[str, float]:
    """Campbell's degree of rate control of every step, X_j = d ln TOF / d ln k_j.

    kf_j and kr_j are scaled together (equilibrium constant fixed). Dimensionless; sums to 1
    over the steps for a single overall reaction. Keys are the step equations.
    """
    J = ss.network.n_steps
    X = sensitivity(ss, np.eye(J), np.eye(J), product)
    return {st.equation: float(v) for st, v in zip(ss.network.mechanism.steps, X)}


def degree_of_thermodynamic_rate_control(ss: SteadyState, product: str | None = None
                                         ) -> dict[str, float]:
    """Degree of thermodynamic rate control of every adsorbate n, d ln TOF / d(-G_n/kT).

    Transition states and gases are held fixed (Stegelmann, Andreasen & Campbell, JACS 131,
    8077 (2009)). Dimensionless. Keys are adsorbate names.
    """
    net = ss.network
    mech = net.mechanism
    R, P = mech.reactant_matrix, mech.product_matrix
    names = [s.name for s in mech.adsorbates]
    rows = [mech.index(n) for n in names]
    if not rows:
        return {}
    a = -R[rows].T
    b = -P[rows].T
    X = sensitivity(ss, a, b, product)
    return {n: float(v) for n, v in zip(names, np.atleast_1d(X))}


def reaction_orders(ss: SteadyState, product: str | None = None) -> dict[str, float]:
    """Reaction order of the TOF in every gas with p > 0: d ln TOF / d ln p_g (dimensionless)."""
    net = ss.network
    mech = net.mechanism
    R, P = mech.reactant_matrix, mech.product_matrix
    out = {}
    for gname, p in zip(net.gas, net.pressures):
        if p <= 0:
            continue
        i = mech.index(gname)
        out[gname] = float(sensitivity(ss, R[i], P[i], product))
    return out


def rate_constant_T_derivatives(rates_at: Callable[[float], RateTable], T: float,
                                rel_step: float = 1e-3) -> tuple[np.ndarray, np.ndarray]:
    """d ln kf / dT and d ln kr / dT (K^-1) of a rate-constant function of temperature.

    ``rates_at(T)`` returns the RateTable at T (K). ln k(T) is differentiated by a fourth-
    order central difference with step ``rel_step * T`` (truncation error O(h^4) of a smooth
    function; Arrhenius/Eyring/Shomate forms are analytic in T). Steps with k = 0 get 0.
    """
    h = rel_step * T

    def lnk(t: float) -> tuple[np.ndarray, np.ndarray]:
        rt = rates_at(t)
        with np.errstate(divide="ignore"):
            return (np.where(rt.k_f > 0, np.log(np.where(rt.k_f > 0, rt.k_f, 1.0)), 0.0),
                    np.where(rt.k_r > 0, np.log(np.where(rt.k_r > 0, rt.k_r, 1.0)), 0.0))

    f2, r2 = lnk(T + 2 * h)
    f1, r1 = lnk(T + h)
    f_1, r_1 = lnk(T - h)
    f_2, r_2 = lnk(T - 2 * h)
    dkf = (-f2 + 8 * f1 - 8 * f_1 + f_2) / (12 * h)
    dkr = (-r2 + 8 * r1 - 8 * r_1 + r_2) / (12 * h)
    return dkf, dkr


def apparent_activation_energy(ss: SteadyState, dlnkf_dT: np.ndarray | None = None,
                               dlnkr_dT: np.ndarray | None = None, *,
                               rates_at: Callable[[float], RateTable] | None = None,
                               product: str | None = None) -> float:
    """Apparent activation energy Ea = kB T^2 d ln TOF / dT = -kB d ln TOF / d(1/T), eV.

    Pressures are held fixed. Give either ``dlnkf_dT`` and ``dlnkr_dT`` (K^-1, per step) or
    ``rates_at`` (callable T [K] -> RateTable, differentiated by
    :func:`rate_constant_T_derivatives`). The steady-state response is exact (implicit-
    function theorem); coverage-dependent ln k terms (lateral energies / kT) add their own
    exact T-derivative -(G theta)/T.
    """
    net = ss.network
    T = net.T
    if dlnkf_dT is None or dlnkr_dT is None:
        if rates_at is None:
            raise InvalidParameterError("dlnkf_dT, dlnkr_dT or rates_at",
                                        "the T-derivatives of ln k or a callable T -> RateTable",
                                        None)
        dlnkf_dT, dlnkr_dT = rate_constant_T_derivatives(rates_at, T)
    a = np.asarray(dlnkf_dT, dtype=float) - (net.Gf @ ss.theta_network) / T
    b = np.asarray(dlnkr_dT, dtype=float) - (net.Gr @ ss.theta_network) / T
    return float(kB * T * T * sensitivity(ss, a, b, product))


def analyze(ss: SteadyState, product: str | None = None) -> dict:
    """DRC, DTRC, reaction orders and the most abundant surface intermediate (JSON ready);
    without the sensitivities when the product's rate is exactly 0 (a poisoned surface)."""
    out: dict = {"masi": ss.masi()}
    try:
        g = _product(ss, product)
    except InvalidParameterError:
        return out
    pname = ss.network.gas[g]
    out["product"] = pname
    out["tof"] = float(ss.production[pname])
    if out["tof"] == 0.0:          # d ln r / d ln k is undefined where r = 0
        return out
    out["drc"] = degree_of_rate_control(ss, pname)
    out["dtrc"] = degree_of_thermodynamic_rate_control(ss, pname)
    out["orders"] = reaction_orders(ss, pname)
    return out
