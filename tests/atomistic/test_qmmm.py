"""QM/MM embedding with PySCF (optional extra): limits, far-field electrostatics,
polarisation, and the proton-transfer barrier under the two embeddings."""

import numpy as np
import pytest

pyscf = pytest.importorskip("pyscf", reason="PySCF is an optional extra (catscale[pyscf])")

from catscale.atomistic import (  # noqa: E402
    COULOMB_EV_A,
    MMRegion,
    QMRegion,
    compare_embeddings,
    mm_mm_energy,
    proton_transfer_path,
    qmmm_energy,
)
from catscale.errors import InvalidParameterError  # noqa: E402


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    # the CI machine is shared: PySCF's OpenMP threads only oversubscribe it
    old = pyscf.lib.num_threads()
    pyscf.lib.num_threads(1)
    yield
    pyscf.lib.num_threads(old)


def _water():
    ang = np.deg2rad(104.5 / 2)
    pos = np.array([[0, 0, 0], [0.96 * np.cos(ang), 0.96 * np.sin(ang), 0],
                    [0.96 * np.cos(ang), -0.96 * np.sin(ang), 0]])
    return QMRegion(["O", "H", "H"], pos)


def test_coulomb_constant_and_mm_mm():
    # e^2/(4 pi eps0) = 14.39964548 eV A (CODATA 2018)
    assert COULOMB_EV_A == pytest.approx(14.39964548, rel=1e-8)
    mm = MMRegion([[0, 0, 0], [2, 0, 0], [0, 3, 0]], [1.0, -1.0, 0.5], molecule=[0, 0, 1])
    # pair (0,1) is intramolecular and excluded
    expect = COULOMB_EV_A * (1.0 * 0.5 / 3 + (-1.0) * 0.5 / np.hypot(2, 3))
    assert mm_mm_energy(mm) == pytest.approx(expect, rel=1e-12)
    with pytest.raises(InvalidParameterError, match="mm.charges"):
        MMRegion([[0, 0, 0]], [1.0, 2.0])


def test_zero_charges_reduce_to_vacuum():
    qm = _water()
    mm0 = MMRegion([[5.0, 0, 0]], [0.0])
    vac = qmmm_energy(qm, MMRegion(np.zeros((0, 3)), np.zeros(0)), "mechanical")
    ee = qmmm_energy(qm, mm0, "electrostatic")
    me = qmmm_energy(qm, mm0, "mechanical")
    assert ee.energy == pytest.approx(vac.energy, abs=1e-7)
    assert me.energy == pytest.approx(vac.energy, abs=1e-7)


def test_far_field_is_charge_dipole_and_density_polarises():
    # neutral molecule, distant charge Q at R: E_int -> k Q mu . R / R^3 (mu about the
    # origin, e A). Polarisation (~alpha F^2/2) and quadrupole terms are a few % at 20 A:
    # tolerance 5 %.
    qm = _water()
    R = np.array([20.0, 0, 0])
    Q = 1.0
    vac = qmmm_energy(qm, MMRegion(np.zeros((0, 3)), np.zeros(0)), "mechanical")
    ee = qmmm_energy(qm, MMRegion([R], [Q]), "electrostatic")
    mu = np.asarray(vac.dipole)
    expect = COULOMB_EV_A * Q * mu @ R / np.linalg.norm(R) ** 3
    assert ee.energy - vac.energy == pytest.approx(expect, rel=0.05)
    # close charge: the electrostatically embedded density polarises toward +Q, the dipole
    # (positive toward nuclei) decreases along x; mechanical embedding leaves it unchanged
    near = MMRegion([[3.5, 0, 0]], [Q])
    ee2 = qmmm_energy(qm, near, "electrostatic")
    me2 = qmmm_energy(qm, near, "mechanical")
    assert ee2.dipole[0] - vac.dipole[0] < -0.01
    assert me2.dipole == pytest.approx(vac.dipole, abs=1e-8)
    # O at the origin and the H atoms at +x: the positive end faces +Q, so the interaction is
    # repulsive in both embeddings
    assert me2.qm_mm_elec > 0 and ee2.energy - vac.energy > 0


def test_proton_transfer_barrier_shift():
    # [HO-H-OH]^- proton transfer (O-O 2.9 A, HF/STO-3G rigid scan) between charges
    # -0.15 e (behind the donor) and +0.15 e (behind the acceptor). Vacuum profile symmetric.
    path, q = proton_transfer_path(9, d_OO=2.9, q_min=0.95, q_max=1.95)
    mm = MMRegion([[6.9, 0, 0], [-4.0, 0, 0]], [0.15, -0.15], sigma=[3.0, 3.0],
                  epsilon=[0.005, 0.005])
    r = compare_embeddings(path, mm, q)
    assert r.vacuum[0] == pytest.approx(r.vacuum[-1], abs=1e-6)      # symmetric in vacuum
    # the field opposes the transfer: both embeddings raise the barrier above vacuum
    assert r.barriers["mechanical"] > r.barriers["vacuum"] + 0.05
    assert r.barriers["electrostatic"] > r.barriers["vacuum"] + 0.05
    # polarisation (electrostatic embedding) stabilises the delocalised, more polarisable
    # transition state: the barrier is lower than with mechanical embedding. Measured shift
    # -0.012 eV (mechanical 0.451, electrostatic 0.439, vacuum 0.320 eV).
    assert -0.05 < r.shift < -0.002
    d_vac, d_ee = np.asarray(r.dipoles["vacuum"]), np.asarray(r.dipoles["electrostatic"])
    assert np.linalg.norm(d_ee - d_vac) > 0.01                           # e A
