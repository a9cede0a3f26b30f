"""Shared mechanisms and reference numbers for the kinetics tests."""

from __future__ import annotations

import numpy as np

from catscale.mechanism import Mechanism, RateTable

CO_OX = ["CO + * <=> CO*", "O2 + 2* <=> 2O*", "CO* + O* <=> CO2 + 2*"]


def table(mech: Mechanism, kf, kr, T: float = 500.0) -> RateTable:
    return RateTable(T, [s.equation for s in mech.steps], np.asarray(kf, float),
                     np.asarray(kr, float))




# CatMAP tutorial map point A (O = 1.0, CO = 1.75 eV), rate constants and CatMAP's
# 100-digit steady state from tests/data/validation/models/co_oxidation_fixed_k_A.yaml
POINT_A = dict(kf=[10418309069408.277, 1186660176898.7603, 3820.504366650964],
               kr=[187420248402.60406, 3.906629544532714e-14, 2.7999138683230903e-07],
               theta={"CO*": 1.4922460296805842e-05, "O*": 0.9999848090919874},
               tof=0.05701045867133279)
