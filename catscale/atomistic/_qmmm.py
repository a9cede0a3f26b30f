"""QM/MM embedding: a QM region (PySCF) in a field of MM point charges with Lennard-Jones
sites.

Additive QM/MM energy (e.g. Senn & Thiel, Angew. Chem. Int. Ed. 48, 1198 (2009)):

    E = E_QM + E_QM-MM(elec) + E_QM-MM(LJ) + E_MM-MM(elec + LJ)

* mechanical embedding: E_QM is the vacuum QM energy; the QM-MM electrostatics is classical,
  between point charges on the QM atoms (Mulliken charges of the vacuum density by default,
  or fixed force-field charges) and the MM charges. The QM density is not polarised.
* electrostatic embedding: the MM charges enter the one-electron QM Hamiltonian
  (``pyscf.qmmm.mm_charge``); E_QM then includes the interaction of the QM electrons and
  nuclei with the MM charges, and the QM density polarises.

Both add the same Lennard-Jones QM-MM and MM-MM terms (Lorentz-Berthelot mixing). MM-MM pairs
in the same molecule (same ``molecule`` id) are excluded.

Units: positions Angstrom, charges e, LJ sigma Angstrom and epsilon eV, energies eV,
dipoles e Angstrom.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import constants as _c

from ..errors import InvalidParameterError

#: Coulomb constant e^2 / (4 pi eps0) in eV Angstrom.
COULOMB_EV_A: float = _c.e / (4 * np.pi * _c.epsilon_0 * 1e-10)


def _arr(x, shape_n: int, name: str, width: int | None = None) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    want = (shape_n,) if width is None else (shape_n, width)
    if a.shape != want or not np.all(np.isfinite(a)):
        raise InvalidParameterError(name, f"finite array of shape {want}", a.shape)
    return a


@dataclass(frozen=True)
class MMRegion:
    """Classical region: point charges with Lennard-Jones parameters.

    Attributes
    ----------
    positions : array (n, 3)
        Angstrom.
    charges : array (n,)
        e.
    sigma, epsilon : array (n,)
        LJ parameters, Angstrom and eV (0 switches LJ off for a site).
    molecule : array (n,) of int, optional
        Molecule ids; MM-MM pairs within a molecule are excluded.
    """

    positions: np.ndarray
    charges: np.ndarray
    sigma: np.ndarray | None = None
    epsilon: np.ndarray | None = None
    molecule: np.ndarray | None = None

    def __post_init__(self) -> None:
        pos = np.asarray(self.positions, dtype=float).reshape(-1, 3)
        n = len(pos)
        set_ = object.__setattr__
        set_(self, "positions", pos)
        set_(self, "charges", _arr(self.charges, n, "mm.charges"))
        set_(self, "sigma", np.zeros(n) if self.sigma is None else _arr(self.sigma, n,
                                                                         "mm.sigma"))
        set_(self, "epsilon", np.zeros(n) if self.epsilon is None else _arr(
            self.epsilon, n, "mm.epsilon"))
        mol = np.arange(n) if self.molecule is None else np.asarray(self.molecule, int)
        if mol.shape != (n,):
            raise InvalidParameterError("mm.molecule", f"{n} molecule ids", mol.shape)
        set_(self, "molecule", mol)


@dataclass(frozen=True)
class QMRegion:
    """Quantum region and its electronic-structure settings (PySCF).

    Attributes
    ----------
    symbols : sequence of str
        Element symbols.
    positions : array (n, 3)
        Angstrom.
    charge, spin : int
        Total charge (e) and 2S of the QM region.
    basis : str
        Gaussian basis (default STO-3G).
    xc : str or None
        DFT functional, None for Hartree-Fock.
    sigma, epsilon : array (n,), optional
        LJ parameters of the QM atoms (Angstrom, eV).
    fixed_charges : array (n,), optional
        Point charges of the QM atoms for mechanical embedding, e; default the Mulliken
        charges of the vacuum density at each geometry.
    """

    symbols: Sequence[str]
    positions: np.ndarray
    charge: int = 0
    spin: int = 0
    basis: str = "sto-3g"
    xc: str | None = None
    sigma: np.ndarray | None = None
    epsilon: np.ndarray | None = None
    fixed_charges: np.ndarray | None = field(default=None)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        sym = tuple(self.symbols)
        n = len(sym)
        set_(self, "symbols", sym)
        set_(self, "positions", _arr(self.positions, n, "qm.positions", 3))
        set_(self, "sigma", np.zeros(n) if self.sigma is None else _arr(self.sigma, n,
                                                                         "qm.sigma"))
        set_(self, "epsilon", np.zeros(n) if self.epsilon is None else _arr(
            self.epsilon, n, "qm.epsilon"))
        if self.fixed_charges is not None:
            set_(self, "fixed_charges", _arr(self.fixed_charges, n, "qm.fixed_charges"))

    def with_positions(self, positions: np.ndarray) -> QMRegion:
        """Copy with new QM positions (Angstrom)."""
        from dataclasses import replace

        return replace(self, positions=np.asarray(positions, dtype=float))


@dataclass(frozen=True)
class QMMMResult:
    """Energy decomposition of one QM/MM evaluation (eV; dipole e Angstrom).

    Attributes
    ----------
    energy : float
        Total QM/MM energy.
    qm : float
        QM energy (vacuum for mechanical embedding; with the MM field for electrostatic).
    qm_mm_elec : float
        Classical QM-MM electrostatics (mechanical embedding only; 0 for electrostatic, where
        it is inside ``qm``).
    qm_mm_lj, mm_mm : float
        Lennard-Jones QM-MM; MM-MM Coulomb + LJ.
    dipole : tuple of float
        Dipole of the QM region (electrons and nuclei) about the origin, e Angstrom.
    qm_charges : tuple of float
        Mulliken charges of the QM atoms for the density used, e.
    embedding : str
    """

    energy: float
    qm: float
    qm_mm_elec: float
    qm_mm_lj: float
    mm_mm: float
    dipole: tuple
    qm_charges: tuple
    embedding: str


def _lj(r: np.ndarray, s_ij: np.ndarray, e_ij: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        sr6 = np.where(e_ij > 0, (s_ij / r) ** 6, 0.0)
    return float(np.sum(4 * e_ij * (sr6**2 - sr6)))


def _pair(a_pos, b_pos):
    return np.linalg.norm(a_pos[:, None, :] - b_pos[None, :, :], axis=-1)


def mm_mm_energy(mm: MMRegion) -> float:
    """MM-MM Coulomb + LJ energy over intermolecular pairs, eV."""
    n = len(mm.charges)
    if n < 2:
        return 0.0
    r = _pair(mm.positions, mm.positions)
    iu = np.triu_indices(n, 1)
    keep = mm.molecule[iu[0]] != mm.molecule[iu[1]]
    i, j = iu[0][keep], iu[1][keep]
    rij = r[i, j]
    coul = COULOMB_EV_A * np.sum(mm.charges[i] * mm.charges[j] / rij)
    s = 0.5 * (mm.sigma[i] + mm.sigma[j])
    e = np.sqrt(mm.epsilon[i] * mm.epsilon[j])
    return float(coul + _lj(rij, s, e))


def qm_mm_lj_energy(qm: QMRegion, mm: MMRegion) -> float:
    """QM-MM Lennard-Jones energy (Lorentz-Berthelot mixing), eV."""
    r = _pair(qm.positions, mm.positions)
    s = 0.5 * (qm.sigma[:, None] + mm.sigma[None, :])
    e = np.sqrt(qm.epsilon[:, None] * mm.epsilon[None, :])
    return _lj(r, s, e)


def qm_mm_coulomb(qm_positions: np.ndarray, qm_charges: np.ndarray, mm: MMRegion) -> float:
    """Classical Coulomb energy between QM point charges and MM charges, eV."""
    r = _pair(np.asarray(qm_positions, float), mm.positions)
    return float(COULOMB_EV_A * np.sum(np.asarray(qm_charges)[:, None] * mm.charges[None, :]
                                       / r))


def qmmm_energy(qm: QMRegion, mm: MMRegion, embedding: str = "electrostatic") -> QMMMResult:
    """Total QM/MM energy with mechanical or electrostatic embedding.

    Parameters
    ----------
    qm : QMRegion
    mm : MMRegion
    embedding : {"mechanical", "electrostatic"}

    Returns
    -------
    QMMMResult
        Energies in eV, dipole in e Angstrom.
    """
    from ase import Atoms

    from ._pyscf_calc import PySCFCalculator

    if embedding not in ("mechanical", "electrostatic"):
        raise InvalidParameterError("embedding", "'mechanical' or 'electrostatic'", embedding)
    atoms = Atoms(symbols=list(qm.symbols), positions=qm.positions)
    if embedding == "electrostatic":
        calc = PySCFCalculator(basis=qm.basis, xc=qm.xc, charge=qm.charge, spin=qm.spin,
                               mm_positions=mm.positions, mm_charges=mm.charges)
    else:
        calc = PySCFCalculator(basis=qm.basis, xc=qm.xc, charge=qm.charge, spin=qm.spin)
    calc.calculate(atoms, ["energy"])
    e_qm = calc.results["energy"]
    dip = tuple(float(x) for x in calc.results["dipole"])
    mf = calc.mf
    pop, chg = mf.mulliken_pop(mf.mol, mf.make_rdm1(), verbose=0)
    chg = np.asarray(chg, dtype=float)
    elec = 0.0
    if embedding == "mechanical" and len(mm.charges):
        q = chg if qm.fixed_charges is None else qm.fixed_charges
        elec = qm_mm_coulomb(qm.positions, q, mm)
    lj = qm_mm_lj_energy(qm, mm) if len(mm.charges) else 0.0
    mmmm = mm_mm_energy(mm)
    return QMMMResult(float(e_qm + elec + lj + mmmm), float(e_qm), float(elec), float(lj),
                      float(mmmm), dip, tuple(float(x) for x in chg), embedding)


@dataclass(frozen=True)
class EmbeddingComparison:
    """Energy profiles along a path under no embedding, mechanical and electrostatic embedding.

    Attributes
    ----------
    coordinate : tuple of float
        Path coordinate (Angstrom for the proton-transfer example).
    vacuum, mechanical, electrostatic : tuple of float
        Energies relative to the first point of each profile, eV.
    barriers : dict
        Barrier of each profile: its highest interior local maximum minus the lowest point
        before it, eV.
    shift : float
        barrier(electrostatic) - barrier(mechanical), eV (the effect of polarisation).
    dipoles : dict
        QM dipole vectors at the transition state of the electrostatic profile for the vacuum
        and electrostatic densities, e Angstrom.
    """

    coordinate: tuple
    vacuum: tuple
    mechanical: tuple
    electrostatic: tuple
    barriers: dict
    shift: float
    dipoles: dict


def _barrier(E: np.ndarray, name: str = "profile") -> tuple[float, int]:
    """Highest interior local maximum (the transition state on the path) minus the lowest
    point before it, eV; and the index of that maximum."""
    idx = [i for i in range(1, len(E) - 1) if E[i] >= E[i - 1] and E[i] >= E[i + 1]]
    if not idx:
        from ..errors import ConvergenceError

        raise ConvergenceError(f"{name}: no interior maximum along the path (no barrier)",
                               tried=[f"{len(E)} path points"])
    i = max(idx, key=lambda j: E[j])
    return float(E[i] - np.min(E[: i + 1])), i


def compare_embeddings(path: Sequence[QMRegion], mm: MMRegion,
                       coordinate: Sequence[float] | None = None) -> EmbeddingComparison:
    """Energy profile of a QM path (e.g. a proton-transfer scan) without embedding and with
    mechanical and electrostatic embedding in the same MM charges.

    Parameters
    ----------
    path : sequence of QMRegion
        QM geometries along the path (same atoms).
    mm : MMRegion
    coordinate : sequence of float, optional
        Path coordinate for reporting (default the image index).

    Returns
    -------
    EmbeddingComparison
    """
    if len(path) < 3:
        raise InvalidParameterError("path", ">= 3 geometries", len(path))
    empty = MMRegion(np.zeros((0, 3)), np.zeros(0))
    vac, me, ee, dips = [], [], [], []
    for q in path:
        rv = qmmm_energy(q, empty, "mechanical")
        vac.append(rv.energy)
        me.append(qmmm_energy(q, mm, "mechanical").energy)
        re = qmmm_energy(q, mm, "electrostatic")
        ee.append(re.energy)
        dips.append((rv.dipole, re.dipole))
    vac, me, ee = (np.asarray(x) - x[0] for x in (vac, me, ee))
    b, tops = {}, {}
    for name, prof in (("vacuum", vac), ("mechanical", me), ("electrostatic", ee)):
        b[name], tops[name] = _barrier(prof, name)
    top = tops["electrostatic"]
    coord = tuple(float(x) for x in (coordinate if coordinate is not None
                                     else range(len(path))))
    return EmbeddingComparison(coord, tuple(vac.tolist()), tuple(me.tolist()),
                               tuple(ee.tolist()), b, b["electrostatic"] - b["mechanical"],
                               {"vacuum": dips[top][0], "electrostatic": dips[top][1]})


def proton_transfer_path(n_points: int = 11, d_OO: float = 2.7, q_min: float = 0.9,
                         q_max: float = 1.8) -> tuple[list[QMRegion], np.ndarray]:
    """Rigid proton-transfer scan in the hydroxide-water complex [HO-H-OH]^-.

    O1 at the origin, O2 at (d_OO, 0, 0); the terminal hydrogens at 0.96 Angstrom, 105 deg;
    the transferring proton at (q, 0, 0). A charged, polar transition state (the proton
    midway carries the charge delocalised over both oxygens) for the embedding example.

    Parameters
    ----------
    n_points : int
        Scan points.
    d_OO : float
        O-O distance, Angstrom.
    q_min, q_max : float
        Proton position range (distance from O1), Angstrom.

    Returns
    -------
    (list of QMRegion, ndarray)
        Geometries and the proton coordinate q (Angstrom).
    """
    qs = np.linspace(q_min, q_max, int(n_points))
    ang = np.deg2rad(180 - 105)
    h1 = np.array([-0.96 * np.cos(ang), 0.96 * np.sin(ang), 0.0])
    h2 = np.array([d_OO + 0.96 * np.cos(ang), 0.96 * np.sin(ang), 0.0])
    sig = np.array([3.15, 0.0, 3.15, 0.0, 0.0])
    eps = np.array([0.0066, 0.0, 0.0066, 0.0, 0.0])
    path = []
    for q in qs:
        pos = np.array([[0, 0, 0], h1, [d_OO, 0, 0], h2, [q, 0, 0]], dtype=float)
        path.append(QMRegion(["O", "H", "O", "H", "H"], pos, charge=-1, sigma=sig,
                             epsilon=eps))
    return path, qs
