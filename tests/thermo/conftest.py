"""Fixtures of the thermo tests.

``ase_units_like_catscale`` switches ASE (for one test) to the CODATA set catscale uses
(scipy.constants), so that a comparison tests the formulas, not the constants: ASE defaults
to CODATA 2014, catscale to scipy's (2022 at the time of writing); kB differs by 3.5e-7
relative between those sets, i.e. ~2e-7 eV in T S at room temperature.
"""

import pytest
import scipy.constants as sc


@pytest.fixture
def ase_units_like_catscale(monkeypatch):
    ase_units = pytest.importorskip("ase.units")
    matches = [v for v, k in ase_units.CODATA.items()
               if (k["_k"] == sc.k and k["_hplanck"] == sc.h and k["_e"] == sc.e
                   and k["_amu"] == sc.atomic_mass and k["_Nav"] == sc.N_A)]
    if not matches:
        pytest.skip("no ASE CODATA set equals scipy.constants")
    version = matches[0]
    for key, value in ase_units.create_units(version).items():
        monkeypatch.setattr(ase_units, key, value)
    return version
