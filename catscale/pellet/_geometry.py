"""Pellet shapes and the analytic first-order effectiveness factors.

Shapes are the three one-dimensional symmetric geometries: a slab of half-thickness R
(exponent a = 0), an infinite cylinder of radius R (a = 1) and a sphere of radius R (a = 2).
The characteristic length is the volume-to-external-surface ratio L = V/S = R / (a + 1)
(Aris 1957), which makes every shape's effectiveness factor tend to 1/phi at large phi.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ..errors import InvalidParameterError

SHAPES: dict[str, int] = {"slab": 0, "cylinder": 1, "sphere": 2}


def shape_exponent(shape: str) -> int:
    """Geometric exponent a of ``shape`` (slab 0, cylinder 1, sphere 2)."""
    try:
        return SHAPES[shape]
    except (KeyError, TypeError):
        raise InvalidParameterError("shape", f"one of {sorted(SHAPES)}", shape) from None


def characteristic_length(shape: str, size: float) -> float:
    """Volume over external surface, L = R / (a + 1), m.

    Parameters
    ----------
    shape : str
        ``"slab"``, ``"cylinder"`` or ``"sphere"``.
    size : float
        Half-thickness (slab) or radius (cylinder, sphere), m.

    Returns
    -------
    float
        L in m.
    """
    a = shape_exponent(shape)
    if not (np.isfinite(size) and size > 0):
        raise InvalidParameterError("size", "> 0 m", size)
    return float(size) / (a + 1)


def effectiveness_first_order(phi, shape: str):
    """Analytic effectiveness factor of an isothermal first-order reaction.

    Parameters
    ----------
    phi : float or array
        Aris Thiele modulus phi = L sqrt(k / D_eff), L = V/S (dimensionless, >= 0).
    shape : str
        ``"slab"``: tanh(phi)/phi; ``"cylinder"``: I1(2 phi) / (phi I0(2 phi));
        ``"sphere"``: (1/phi) (coth(3 phi) - 1/(3 phi)).

    Returns
    -------
    float or ndarray
        Effectiveness factor (dimensionless), 1 at phi = 0, -> 1/phi as phi -> inf.
    """
    a = shape_exponent(shape)
    p = np.asarray(phi, dtype=float)
    if np.any(~np.isfinite(p)) or np.any(p < 0):
        raise InvalidParameterError("phi", "finite values >= 0", phi)
    small = p < 1e-4
    ps = np.where(small, 1.0, p)
    if a == 0:
        eta = np.tanh(ps) / ps
        series = 1.0 - p**2 / 3.0
    elif a == 1:
        # scaled Bessel functions: ratio stays finite for large arguments
        eta = special.i1e(2 * ps) / (ps * special.i0e(2 * ps))
        series = 1.0 - p**2 / 2.0
    else:
        x = 3.0 * ps
        # coth(x) - 1/x, written to avoid overflow for large x
        coth = np.where(x > 20, 1.0 + 2.0 * np.exp(-2.0 * np.minimum(x, 700)),
                        1.0 / np.tanh(np.minimum(x, 20)))
        eta = (coth - 1.0 / x) / ps
        series = 1.0 - 3.0 * p**2 / 5.0
    out = np.where(small, series, eta)
    return float(out) if np.ndim(out) == 0 else out


def generalized_thiele_nth_order(k: float, order: float, c_s: float, D_eff: float,
                                 L: float) -> float:
    """Generalised (Bischoff 1965) modulus of an nth-order rate r = k c^n.

    Phi = L sqrt((n + 1) k c_s^(n - 1) / (2 D_eff)), the value for which eta -> 1/Phi as
    Phi -> inf for every order n > -1.

    Parameters
    ----------
    k : float
        Rate constant, mol^(1-n) m^(3n-3) s^-1 (per pellet volume).
    order : float
        Reaction order n (> -1).
    c_s : float
        Surface concentration, mol m^-3.
    D_eff : float
        Effective diffusivity, m^2 s^-1.
    L : float
        Characteristic length V/S, m.

    Returns
    -------
    float
        Dimensionless modulus.
    """
    if not order > -1:
        raise InvalidParameterError("order", "> -1", order)
    return float(L * np.sqrt((order + 1.0) * k * c_s ** (order - 1.0) / (2.0 * D_eff)))
