"""First-order (mean-field) lateral interactions as coverage-dependent rate constants.

The energy of adsorbate i on a surface at coverages theta is shifted by

    dE_i(theta) = z * sum_j eps_ij theta_j,

with eps_ij the interaction energy per nearest-neighbour pair (eV; the model file's
``lateral: {"A*-B*": eps}``, symmetric) and z the coordination number of the lattice. This is
the derivative of the mean-field lattice energy (z/2) sum_ij eps_ij theta_i theta_j per site,
i.e. the differential (chemical-potential) energy of i, so detailed balance is kept with the
interacting free energies.

The transition state of step j is shifted by a BEP-like interpolation between its initial and
final states, dE_TS = (1 - alpha_j) dE_IS + alpha_j dE_FS (alpha_j in [0, 1]; by default the
rule of :func:`catscale.mechanism.lateral_alpha` that lattice kMC uses too: 0 for a pure
adsorption, 1 for a pure desorption, 1/2 otherwise), so

    ln kf_j = ln kf_j^0 - alpha (dE_FS - dE_IS) / kT,
    ln kr_j = ln kr_j^0 + (1 - alpha) (dE_FS - dE_IS) / kT,

and kf/kr = K^0 exp(-(dE_FS - dE_IS)/kT): the equilibrium constant carries the full reaction
energy shift (thermodynamic consistency), whatever alpha. Both ln k are linear in the
coverages, which is the form :class:`Network` accepts (``Gf``, ``Gr``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..errors import InvalidParameterError
from ..mechanism import Mechanism, lateral_alpha, split_pair
from ..units import kB


def interaction_matrix(mechanism: Mechanism, lateral: Mapping[str, float]) -> np.ndarray:
    """Symmetric pair-interaction matrix eps (S x S, eV per pair) over the surface species.

    Parameters
    ----------
    mechanism : Mechanism
    lateral : mapping ``"A*-B*"`` -> float
        Interaction energy per nearest-neighbour pair, eV (positive = repulsive).
    """
    surface = [s.name for s in mechanism.species if s.phase != "gas"]
    S = len(surface)
    eps = np.zeros((S, S))
    for key, val in dict(lateral or {}).items():
        parts = split_pair(key, surface)
        if parts is None:
            raise InvalidParameterError(
                f"lateral[{key!r}]", f"a pair 'A-B' of surface species of {surface}", key)
        v = float(val)
        if not np.isfinite(v):
            raise InvalidParameterError(f"lateral[{key!r}]", "a finite energy in eV", val)
        a, b = (surface.index(p) for p in parts)
        eps[a, b] = v
        eps[b, a] = v
    return eps


def lateral_matrices(mechanism: Mechanism, lateral: Mapping[str, float], T: float,
                     coordination: int = 4, alpha: float | np.ndarray | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Coverage derivatives of ln kf and ln kr from first-order lateral interactions.

    Parameters
    ----------
    mechanism : Mechanism
    lateral : mapping ``"A*-B*"`` -> float
        Pair interaction energies, eV per nearest-neighbour pair.
    T : float
        Temperature, K.
    coordination : int
        Nearest neighbours per site z (4 square lattice, the kMC default; 6 for fcc(111)).
    alpha : float or ndarray (J,), optional
        Position of the transition state between IS (0) and FS (1) for its energy shift,
        one for all steps or one per step; default :func:`catscale.mechanism.lateral_alpha`
        (0 for pure adsorption, 1 for pure desorption, 1/2 otherwise: the rule lattice kMC
        uses, so that both solve the same energetics).

    Returns
    -------
    Gf, Gr : ndarray (J, S)
        d ln kf / d theta and d ln kr / d theta (dimensionless), for :class:`Network`.
    """
    if not (np.isfinite(T) and T > 0):
        raise InvalidParameterError("T", "> 0 K", T)
    if int(coordination) != coordination or coordination < 1:
        raise InvalidParameterError("coordination", "an integer >= 1", coordination)
    J = len(mechanism.steps)
    a = lateral_alpha(mechanism) if alpha is None else np.asarray(alpha, dtype=float)
    if a.shape not in ((), (J,)) or not np.all((a >= 0.0) & (a <= 1.0)):
        raise InvalidParameterError("alpha", f"numbers in [0, 1] (one, or {J}: one per step)",
                                    alpha)
    a = np.broadcast_to(a, (J,))
    eps = interaction_matrix(mechanism, lateral)
    surf_idx = [i for i, s in enumerate(mechanism.species) if s.phase != "gas"]
    nu = mechanism.stoichiometry[surf_idx]          # (S, J); vacancies have eps = 0
    dE = coordination * eps                         # d(dE_i)/d theta_k (S x S)
    d_rxn = nu.T @ dE                               # d(dE_FS - dE_IS)/d theta  (J x S)
    kT = kB * T
    return -a[:, None] * d_rxn / kT, (1.0 - a[:, None]) * d_rxn / kT
