"""One transition-state position rule (catscale.mechanism.lateral_alpha) for the lateral
energy shifts of mean field and lattice kMC."""

import numpy as np
import pytest

from catscale.bridges.rates_to_kmc import kmc_model
from catscale.errors import InvalidParameterError
from catscale.kinetics import lateral_matrices
from catscale.kmc import Lattice
from catscale.mechanism import Mechanism, RateTable, lateral_alpha
from catscale.units import kB

EQS = ["CO + * <=> CO*", "O2 + 2* <=> 2O*", "CO* + O* -> CO2 + 2*", "CO* -> CO + *",
       "A* <=> B*", "CO* + O* <=> O-CO* + *"]


def _mech():
    return Mechanism.from_equations(EQS)


def test_default_rule():
    # pure adsorption 0, pure desorption 1, LH step releasing a gas and surface steps 1/2
    np.testing.assert_array_equal(lateral_alpha(_mech()), [0.0, 0.0, 0.5, 1.0, 0.5, 0.5])


def test_overrides_and_their_errors():
    a = lateral_alpha(_mech(), {"CO + * <=> CO*": 0.3})
    assert a[0] == 0.3 and a[1] == 0.0
    with pytest.raises(InvalidParameterError, match="step equations"):
        lateral_alpha(_mech(), {"CO + * -> CO*": 0.3})
    with pytest.raises(InvalidParameterError, match=r"\[0, 1\]"):
        lateral_alpha(_mech(), {"CO + * <=> CO*": 1.5})


def test_kmc_processes_use_the_mean_field_alphas():
    eqs = EQS[:3]
    mech = Mechanism.from_equations(eqs)
    rt = RateTable(500, eqs, [1.0, 1.0, 1.0], [0.5, 0.5, 0.0])
    lat = Lattice.square(6)
    for over in ({}, {"CO* + O* -> CO2 + 2*": 0.8, "O2 + 2* <=> 2O*": 0.25}):
        km = kmc_model(mech, rt, {"CO": 1.0, "O2": 1.0}, lat, lateral={"CO*-O*": 0.05},
                       bep=over)
        a = lateral_alpha(mech, over)
        for pr in km.processes:
            expect = a[pr.step] if pr.direction == 1 else 1.0 - a[pr.step]
            assert pr.alpha == pytest.approx(expect), pr.name


def test_per_step_alpha_in_the_mean_field_matrices():
    # adsorption (alpha 0): kf unshifted, the whole reaction-energy shift in kr; for every
    # alpha Gf - Gr = -d(dE_rxn)/d(theta) / kT (detailed balance), here -z eps / kT for CO*
    mech = Mechanism.from_equations(EQS[:3])
    T, z, eps = 500.0, 4, 0.05
    Gf, Gr = lateral_matrices(mech, {"CO*-CO*": eps}, T, z)
    ico = [i for i, s in enumerate(mech.species) if s.phase != "gas"].index(
        mech.index("CO*"))
    assert np.all(Gf[0] == 0.0)
    assert Gr[0, ico] == pytest.approx(z * eps / (kB * T))
    G5f, G5r = lateral_matrices(mech, {"CO*-CO*": eps}, T, z, alpha=0.5)
    np.testing.assert_allclose(Gf - Gr, G5f - G5r, rtol=1e-14)
    assert G5f[0, ico] == pytest.approx(-0.5 * z * eps / (kB * T))
    with pytest.raises(InvalidParameterError):
        lateral_matrices(mech, {"CO*-CO*": eps}, T, z, alpha=[0.0, 2.0, 0.5])
    with pytest.raises(InvalidParameterError, match="one per step"):
        lateral_matrices(mech, {"CO*-CO*": eps}, T, z, alpha=[0.0, 0.5])  # 2 for 3 steps
    with pytest.raises(InvalidParameterError):
        lateral_matrices(mech, {"CO*-CO*": eps}, T, z, alpha=float("nan"))
