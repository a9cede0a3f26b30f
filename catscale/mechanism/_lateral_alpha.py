"""Where a step's transition state sits between its initial and final states when lateral
interactions shift their energies: one rule for mean field and lattice kMC.

With lateral interactions the local (kMC) or mean-field reaction energy dE of step j changes;
the barrier of its forward direction changes by alpha_j dE and that of its reverse by
-(1 - alpha_j) dE, so kf/kr keeps the full factor exp(-dE/kT) (detailed balance) whatever
alpha_j. The default positions:

* alpha = 0 for a pure adsorption written forward (gas + vacancies -> adsorbates): adsorption
  is not activated, and the lateral energy of the adsorbate goes entirely into the desorption
  barrier (its reverse, 1 - alpha = 1);
* alpha = 1 for a pure desorption written forward (one adsorbate species -> gas + vacancies);
* alpha = 1/2 otherwise (surface reactions, Langmuir-Hinshelwood steps releasing a gas, hops).

A model may set alpha per step (``kmc.bep`` in the model file, equation -> alpha).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..errors import InvalidParameterError
from ._mechanism import Mechanism


def lateral_alpha(mechanism: Mechanism, overrides: Mapping[str, float] | None = None
                  ) -> np.ndarray:
    """Transition-state position alpha_j (dimensionless, in [0, 1]) of every step.

    Parameters
    ----------
    mechanism : Mechanism
    overrides : mapping step equation -> alpha, optional
        Positions given by the model (forward direction; the reverse gets 1 - alpha).

    Returns
    -------
    ndarray (J,)
        alpha of the forward direction of each step, in the order of ``mechanism.steps``.

    Raises
    ------
    InvalidParameterError
        An override names no step of the mechanism, or is not a number in [0, 1].
    """
    eqs = [s.equation for s in mechanism.steps]
    over = dict(overrides or {})
    for eq, a in over.items():
        if eq not in eqs:
            raise InvalidParameterError("bep", f"step equations of the mechanism {eqs}", eq)
        if not (isinstance(a, (int, float)) and np.isfinite(a) and 0.0 <= a <= 1.0):
            raise InvalidParameterError(f"bep[{eq!r}]", "a number in [0, 1]", a)
    vac = {v.name for v in mechanism.vacancies}
    out = np.empty(len(eqs))
    for j, st in enumerate(mechanism.steps):
        if st.equation in over:
            out[j] = float(over[st.equation])
            continue
        gas_r = [n for n, _ in st.reactants if mechanism.species[mechanism.index(n)].is_gas]
        gas_p = [n for n, _ in st.products if mechanism.species[mechanism.index(n)].is_gas]
        surf_r = [n for n, _ in st.reactants if n not in gas_r]
        surf_p = [n for n, _ in st.products if n not in gas_p]
        pure_ads = bool(gas_r) and not gas_p and all(n in vac for n in surf_r)
        # from a single adsorbate species, so that LH steps releasing a gas stay reactions
        pure_des = (bool(gas_p) and not gas_r and all(n in vac for n in surf_p)
                    and len(set(surf_r)) == 1)
        out[j] = 0.0 if pure_ads else (1.0 if pure_des else 0.5)
    return out
