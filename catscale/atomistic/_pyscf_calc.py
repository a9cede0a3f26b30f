"""A minimal ASE calculator on PySCF (molecular HF or DFT: energy, forces, dipole), with
optional MM point charges in the QM Hamiltonian (electrostatic embedding). PySCF is an
optional extra, imported when the calculator is first used."""

from __future__ import annotations

import numpy as np
from ase.calculators.calculator import Calculator, all_changes

from ..errors import CatscaleError
from ..units import angstrom

_HARTREE_EV = 27.211386245988   # CODATA 2018 Hartree energy in eV
_BOHR_A = 0.529177210903        # CODATA 2018 Bohr radius in Angstrom


def _pyscf():
    try:
        import pyscf  # noqa: F401
        from pyscf import dft, gto, qmmm, scf
    except ImportError as exc:
        raise CatscaleError("PySCF is an optional extra: pip install 'catscale[pyscf]'") from exc
    return gto, scf, dft, qmmm


class PySCFCalculator(Calculator):
    """ASE calculator: PySCF HF (``xc=None``) or Kohn-Sham DFT for a molecule.

    Parameters
    ----------
    basis : str
        Gaussian basis set name (default ``"sto-3g"``).
    xc : str or None
        Exchange-correlation functional; None for restricted Hartree-Fock.
    charge, spin : int
        Total charge (e) and 2S.
    mm_positions : array (n, 3), optional
        MM point-charge positions, Angstrom (electrostatic embedding).
    mm_charges : array (n,), optional
        MM charges, e.

    Results: ``energy`` (eV; includes the interaction of QM electrons and nuclei with the
    MM charges when embedded), ``forces`` (eV/Angstrom, on QM atoms), ``dipole``
    (e Angstrom, of the QM density and nuclei about the origin).
    """

    implemented_properties = ["energy", "forces", "dipole"]

    def __init__(self, basis: str = "sto-3g", xc: str | None = None, charge: int = 0,
                 spin: int = 0, mm_positions=None, mm_charges=None, conv_tol: float = 1e-10,
                 **kwargs):
        super().__init__(**kwargs)
        self.basis, self.xc, self.charge, self.spin = basis, xc, int(charge), int(spin)
        self.mm_positions = None if mm_positions is None else np.asarray(mm_positions, float)
        self.mm_charges = None if mm_charges is None else np.asarray(mm_charges, float)
        self.conv_tol = conv_tol
        self.mf = None

    def _mf(self, atoms):
        gto, scf, dft, qmmm = _pyscf()
        mol = gto.M(atom=[(s, tuple(p)) for s, p in zip(atoms.get_chemical_symbols(),
                                                          atoms.positions)],
                    basis=self.basis, charge=self.charge, spin=self.spin, unit="Angstrom",
                    verbose=0)
        if self.xc is None:
            mf = scf.RHF(mol) if self.spin == 0 else scf.UHF(mol)
        else:
            mf = dft.RKS(mol) if self.spin == 0 else dft.UKS(mol)
            mf.xc = self.xc
        mf.conv_tol = self.conv_tol
        if self.mm_charges is not None and len(self.mm_charges):
            mf = qmmm.mm_charge(mf, self.mm_positions, self.mm_charges, unit="Angstrom")
        return mol, mf

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        mol, mf = self._mf(self.atoms)
        e = mf.kernel()
        if not mf.converged:
            from ..errors import ConvergenceError

            raise ConvergenceError("PySCF SCF did not converge",
                                   tried=[f"conv_tol={self.conv_tol}"])
        self.mf = mf
        self.results["energy"] = float(e) * _HARTREE_EV
        if "forces" in properties:
            g = mf.nuc_grad_method().kernel()
            self.results["forces"] = -np.asarray(g) * _HARTREE_EV / _BOHR_A
        dm = mf.make_rdm1()
        dip_au = mf.dip_moment(mol, dm, unit="AU", verbose=0)
        self.results["dipole"] = np.asarray(dip_au) * _BOHR_A   # e Bohr -> e Angstrom


__all__ = ["PySCFCalculator", "_HARTREE_EV", "_BOHR_A", "angstrom"]
