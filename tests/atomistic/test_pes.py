"""PES to rates on ASE/EMT: the ASE NEB tutorial (Au adatom hop on Al(100), 2x2x3 slab),
harmonic TST prefactor, agreement of the Vineyard and free-energy routes, dimer refinement,
and the ASE-database cache."""

import numpy as np
import pytest

from catscale.atomistic import (
    CalculatorSpec,
    PESCache,
    adsorbate_on_slab,
    free_atoms,
    neb,
    read_structure,
    relax,
    saddle_search,
    vibrations,
)
from catscale.bridges.pes_to_thermo import pes_rate, saddle_to_thermo, vineyard_prefactor
from catscale.errors import CatscaleError, InvalidParameterError
from catscale.units import c, h, kB


@pytest.fixture(scope="module")
def hop(tmp_path_factory):
    """Au on Al(100) hollow -> neighbouring hollow, as in the ASE NEB tutorial (EMT, bottom
    two layers fixed, 3 intermediate images, fmax 0.05 eV/A)."""
    db = tmp_path_factory.mktemp("pes") / "cache.db"
    ini = adsorbate_on_slab("Al", "100", (2, 2, 3), "Au", "hollow", height=1.7, vacuum=4.0,
                            free_layers=1)
    fin = ini.copy()
    fin[-1].x += fin.get_cell()[0, 0] / 2
    ini_r, m_i = relax(ini, fmax=0.05, cache=db)
    fin_r, m_f = relax(fin, fmax=0.05, cache=db)
    images, band = neb(ini_r, fin_r, n_images=3, fmax=0.05, cache=db)
    ad = [len(ini) - 1]
    v_min = vibrations(ini_r, ad, cache=db)
    v_sad = vibrations(images[band.saddle_index], ad, cache=db)
    return dict(db=db, ini=ini, fin=fin, ini_r=ini_r, fin_r=fin_r, images=images, band=band,
                v_min=v_min, v_sad=v_sad, m_i=m_i)


def test_builder_constraints():
    slab = adsorbate_on_slab("Pt", "111", (2, 2, 3), "O", "fcc", free_layers=1)
    # 12 metal atoms, top layer (4) + adsorbate free
    assert len(slab) == 13 and len(free_atoms(slab)) == 5
    with pytest.raises(InvalidParameterError, match="facet"):
        adsorbate_on_slab("Pt", "110")


def test_neb_barrier_ase_tutorial(hop):
    # ASE NEB tutorial (Au on Al(100), EMT): barrier 0.374 eV (validation README).
    # Tolerance 2 meV: fmax = 0.05 eV/A end points and band (measured 0.37400 eV).
    band = hop["band"]
    assert band.barrier == pytest.approx(0.374, abs=2e-3)
    assert band.reaction_energy == pytest.approx(0.0, abs=1e-3)     # symmetric hop
    assert band.saddle_index == 2                                    # middle image climbs
    assert hop["v_min"].n_imaginary == 0 and hop["v_sad"].n_imaginary == 1


def test_prefactor_and_routes(hop):
    # Adatom-only Hessian: Vineyard prefactor ~1.3e12 s^-1 (validation README); 5 % tolerance
    # (finite-difference Hessian at delta 0.01 A, fmax 0.05 end points; measured 1.318e12).
    vm, vs = hop["v_min"], hop["v_sad"]
    r = pes_rate(vm, vs, 300.0)
    assert r.prefactor == pytest.approx(1.3e12, rel=0.05)
    assert r.barrier == pytest.approx(hop["band"].barrier, abs=1e-6)
    # Vineyard and harmonic free-energy routes agree within 0.1 % (README; measured 8e-5)
    assert r.k_free_energy == pytest.approx(r.k_vineyard, rel=1e-3)
    # ... and their difference is the quantum correction: ln(x / (2 sinh(x/2))) =
    # -x^2/24 + x^4/2880 - ..., so ln(k_q/k_cl) = sum_min(x^2/24 - x^4/2880) - sum_saddle(...)
    # (next term x^6/181440 ~ 1e-8 here; 1 % tolerance)
    def x(nu):
        return np.asarray(nu) * 100 * c * h / (kB * 300.0)

    real_s = sorted(vs.frequencies)[1:]
    def series(nu):
        return np.sum(x(nu) ** 2 / 24 - x(nu) ** 4 / 2880)

    lead = series(vm.frequencies) - series(real_s)
    assert np.log(r.k_free_energy / r.k_vineyard) == pytest.approx(lead, rel=0.01)
    # k(T) = nu* exp(-Eb / kT) by definition of the Vineyard route
    assert r.k_vineyard == pytest.approx(r.prefactor * np.exp(-r.barrier / (kB * 300.0)),
                                         rel=1e-12)
    assert vineyard_prefactor(vm, vs) == r.prefactor
    assert saddle_to_thermo(vs).imaginary_frequency is not None


def test_dimer_refines_saddle(hop):
    # minimum-mode following from the CI-NEB image converges to the same saddle: energy
    # within 2 meV (CI-NEB converged to 0.05 eV/A only).
    band = hop["band"]
    sad, res = saddle_search(hop["images"][band.saddle_index], fmax=0.01, method="dimer")
    assert res.energy - hop["m_i"].energy == pytest.approx(band.barrier, abs=2e-3)
    assert res.fmax < 0.01


def test_cache_avoids_recomputation(hop):
    db = hop["db"]
    _, m = relax(hop["ini"], fmax=0.05, cache=db)
    assert m.calls == 0 and m.energy == pytest.approx(hop["m_i"].energy, abs=1e-12)
    _, band = neb(hop["ini_r"], hop["fin_r"], n_images=3, fmax=0.05, cache=db)
    assert band.calls == 0 and band.energies == hop["band"].energies
    v = vibrations(hop["ini_r"], [len(hop["ini"]) - 1], cache=db)
    assert v.calls == 0
    np.testing.assert_allclose(v.frequencies, hop["v_min"].frequencies, rtol=1e-10)
    # a different setting is a different key: it computes
    v2 = vibrations(hop["ini_r"], [len(hop["ini"]) - 1], delta=0.02, cache=db)
    assert v2.calls > 0
    assert len(PESCache(db)) > 0


def test_bad_inputs(tmp_path, hop):
    with pytest.raises(InvalidParameterError, match="calculator"):
        CalculatorSpec("vasp")
    with pytest.raises(InvalidParameterError, match="fmax"):
        relax(hop["ini"], fmax=-1)
    with pytest.raises(InvalidParameterError, match="final"):
        neb(hop["ini_r"], hop["ini_r"][:-1])
    with pytest.raises(FileNotFoundError):
        read_structure(tmp_path / "missing.xyz")
    with pytest.raises(InvalidParameterError, match="saddle"):
        pes_rate(hop["v_min"], hop["v_min"], 300.0)


def test_optional_xtb_backend():
    pytest.importorskip("tblite", reason="tblite (GFN-xTB) is an optional extra")
    from ase.build import molecule

    _, m = relax(molecule("H2O"), calc=CalculatorSpec("xtb"), fmax=0.05)
    assert m.converged


def test_missing_xtb_backend_is_clear():
    try:
        import tblite  # noqa: F401
        pytest.skip("tblite installed")
    except ImportError:
        pass
    with pytest.raises(CatscaleError, match="tblite"):
        CalculatorSpec("xtb").make()
