"""Potential energy surfaces through ASE: slab builders, relaxation of minima, climbing-image
NEB (IDPP interpolation, improved tangent, one calculator per image), minimum-mode saddle
search (ASE dimer, or Sella when installed), finite-difference vibrations over a stated set of
free atoms; every result cached in an ASE database.

Units: energies eV, positions Angstrom, forces eV/Angstrom, frequencies cm^-1 (imaginary
modes returned as negative numbers).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from ase import Atoms

from ..errors import CatscaleError, ConvergenceError, InvalidParameterError
from ._cache import PESCache, cache_key
from ._calculators import CalculatorSpec

# ---- results (frozen; consumed by catscale.bridges.pes_to_thermo) ------------------------

@dataclass(frozen=True)
class Minimum:
    """A relaxed stationary point.

    Attributes
    ----------
    energy : float
        Potential energy, eV.
    positions : tuple of tuple of float
        Relaxed Cartesian positions, Angstrom.
    fmax : float
        Largest residual force on a free atom, eV/Angstrom.
    converged : bool
    calls : int
        Energy/force evaluations performed by this call (0 when served from the cache).
    """

    energy: float
    positions: tuple
    fmax: float
    converged: bool
    calls: int


@dataclass(frozen=True)
class NEBResult:
    """A converged (CI-)NEB band.

    Attributes
    ----------
    energies : tuple of float
        Image energies including the end points, eV.
    barrier : float
        Forward barrier E_max - E_initial, eV.
    reverse_barrier : float
        E_max - E_final, eV.
    reaction_energy : float
        E_final - E_initial, eV.
    saddle_index : int
        Index of the highest image (the climbing image when ``climb``).
    saddle_positions : tuple
        Positions of that image, Angstrom.
    fmax : float
        Largest NEB force at the end, eV/Angstrom.
    converged : bool
    calls : int
        Force evaluations performed (0 when cached).
    """

    energies: tuple
    barrier: float
    reverse_barrier: float
    reaction_energy: float
    saddle_index: int
    saddle_positions: tuple
    fmax: float
    converged: bool
    calls: int


@dataclass(frozen=True)
class VibrationalResult:
    """Harmonic vibrations of the free atoms at a stationary point.

    Attributes
    ----------
    energy : float
        Potential energy of the reference structure, eV.
    frequencies : tuple of float
        3 n_free wavenumbers, cm^-1, ascending; imaginary modes as negative numbers.
    indices : tuple of int
        The free atoms whose displacements span the Hessian.
    n_imaginary : int
        Number of imaginary modes above ``imaginary_threshold`` (cm^-1).
    calls : int
        Force evaluations performed (0 when cached).
    """

    energy: float
    frequencies: tuple
    indices: tuple
    n_imaginary: int
    calls: int


# ---- structures --------------------------------------------------------------------------

def read_structure(path: str | Path, index: int | str = -1) -> Atoms:
    """Read an ASE-readable structure file (xyz, extxyz, traj, POSCAR, cif, ...).

    Parameters
    ----------
    path : str or Path
        File name.
    index : int or str
        Frame for multi-frame files (default the last).
    """
    from ase.io import read

    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(2, "No such file", str(p))
    try:
        atoms = read(str(p), index=index)
    except Exception as exc:  # ase.io raises many types
        raise InvalidParameterError("structure", "an ASE-readable structure file",
                                    f"{p}: {exc}") from exc
    if isinstance(atoms, list):
        atoms = atoms[-1]
    return atoms


def adsorbate_on_slab(metal: str, facet: str = "100", size: tuple[int, int, int] = (2, 2, 3),
                      adsorbate: str | Atoms = "Au", site: str = "hollow",
                      height: float = 1.7, vacuum: float = 4.0, free_layers: int = 1,
                      a: float | None = None) -> Atoms:
    """An adsorbate on an fcc(111) or fcc(100) slab with the lower layers fixed.

    Parameters
    ----------
    metal : str
        Element of the slab (lattice constant from ASE's reference data unless ``a``).
    facet : {"111", "100"}
    size : (int, int, int)
        Surface repetitions and number of layers.
    adsorbate : str or Atoms
        Adsorbate atom or molecule.
    site : str
        ASE site name ("ontop", "hollow", "fcc", "hcp", "bridge").
    height : float
        Adsorbate height above the top layer, Angstrom.
    vacuum : float
        Vacuum on each side along z, Angstrom.
    free_layers : int
        Number of top layers left free (the others are fixed with FixAtoms).
    a : float, optional
        Lattice constant, Angstrom.

    Returns
    -------
    Atoms
        Slab + adsorbate (adsorbate last, tag 0; slab layers tagged 1 = top).
    """
    from ase.build import add_adsorbate, fcc100, fcc111
    from ase.constraints import FixAtoms

    if facet not in ("111", "100"):
        raise InvalidParameterError("facet", "'111' or '100'", facet)
    nlay = int(size[2])
    if not 0 <= free_layers <= nlay:
        raise InvalidParameterError("free_layers", f"between 0 and {nlay}", free_layers)
    build = fcc100 if facet == "100" else fcc111
    kw = {} if a is None else {"a": a}
    slab = build(metal, size=tuple(int(s) for s in size), **kw)
    add_adsorbate(slab, adsorbate, height, site)
    slab.center(axis=2, vacuum=vacuum)
    slab.set_constraint(FixAtoms(mask=[t > free_layers for t in slab.get_tags()]))
    return slab


def free_atoms(atoms: Atoms) -> list[int]:
    """Indices of atoms not fixed by FixAtoms constraints."""
    from ase.constraints import FixAtoms

    fixed: set[int] = set()
    for c in atoms.constraints:
        if isinstance(c, FixAtoms):
            fixed.update(int(i) for i in c.index)
    return [i for i in range(len(atoms)) if i not in fixed]


# ---- helpers -----------------------------------------------------------------------------

class _Counter:
    """Counts calculate() calls of the calculators it wraps."""

    def __init__(self) -> None:
        self.n = 0

    def wrap(self, calc):
        inner = calc.calculate
        counter = self

        def calculate(*args, **kwargs):
            counter.n += 1
            return inner(*args, **kwargs)

        calc.calculate = calculate
        return calc


def _as_spec(calc: CalculatorSpec | str | None) -> CalculatorSpec:
    if calc is None:
        return CalculatorSpec()
    if isinstance(calc, str):
        return CalculatorSpec(calc)
    if isinstance(calc, CalculatorSpec):
        return calc
    raise InvalidParameterError("calc", "a CalculatorSpec or a calculator name", calc)


def _as_cache(cache: PESCache | str | Path | None) -> PESCache | None:
    if cache is None or isinstance(cache, PESCache):
        return cache
    return PESCache(cache)


def _positions(a: Atoms) -> tuple:
    return tuple(tuple(float(x) for x in p) for p in a.positions)


def _optimizer(name: str):
    from ase import optimize

    opts = {"BFGS": optimize.BFGS, "FIRE": optimize.FIRE, "LBFGS": optimize.LBFGS,
            "QuasiNewton": optimize.QuasiNewton, "MDMin": optimize.MDMin}
    if name not in opts:
        raise InvalidParameterError("optimizer", f"one of {sorted(opts)}", name)
    return opts[name]


def _check_fmax(fmax: float) -> None:
    if not (np.isfinite(fmax) and fmax > 0):
        raise InvalidParameterError("fmax", "> 0 eV/Angstrom", fmax)


# ---- relaxation --------------------------------------------------------------------------

def relax(atoms: Atoms, calc: CalculatorSpec | str | None = None, fmax: float = 0.05,
          steps: int = 500, optimizer: str = "BFGS",
          cache: PESCache | str | Path | None = None) -> tuple[Atoms, Minimum]:
    """Relax a structure to a local minimum (constraints respected).

    Parameters
    ----------
    atoms : Atoms
        Start structure (not modified).
    calc : CalculatorSpec or str
        Energy method (default EMT).
    fmax : float
        Force convergence threshold, eV/Angstrom.
    steps : int
        Maximum optimizer steps.
    optimizer : str
        ASE optimizer name (BFGS, LBFGS, FIRE, QuasiNewton, MDMin).
    cache : PESCache or path, optional
        ASE database; a finished identical relaxation is returned without computing.

    Returns
    -------
    (Atoms, Minimum)
        The relaxed structure (with its constraints, no calculator) and the result.

    Raises
    ------
    ConvergenceError
        If ``fmax`` is not reached within ``steps``.
    """
    _check_fmax(fmax)
    spec, db = _as_spec(calc), _as_cache(cache)
    params = {"fmax": fmax, "steps": steps, "optimizer": optimizer}
    key = cache_key("relax", spec, [atoms], params)
    out = atoms.copy()
    if db is not None and (rows := db.get(key)):
        r = rows[0]
        out.positions = r.positions
        d = r.data
        return out, Minimum(float(d["energy"]), _positions(out), float(d["fmax"]), True, 0)
    counter = _Counter()
    out.calc = counter.wrap(spec.make())
    opt = _optimizer(optimizer)(out, logfile=None)
    converged = bool(opt.run(fmax=fmax, steps=steps))
    f = out.get_forces()
    fm = float(np.sqrt((f**2).sum(axis=1)).max()) if len(out) else 0.0
    energy = float(out.get_potential_energy())
    if not converged:
        raise ConvergenceError(f"relaxation did not reach fmax={fmax} eV/A in {steps} steps",
                               tried=[f"{optimizer}: final fmax {fm:.3g} eV/A"])
    out.calc = None
    if db is not None:
        db.put(key, "relax", [out], {"energy": energy, "fmax": fm}, [energy])
    return out, Minimum(energy, _positions(out), fm, converged, counter.n)


# ---- nudged elastic band -----------------------------------------------------------------

def neb(initial: Atoms, final: Atoms, n_images: int = 3,
        calc: CalculatorSpec | str | None = None, fmax: float = 0.05, steps: int = 500,
        climb: bool = True, interpolation: str = "idpp", method: str = "improvedtangent",
        spring: float = 0.1, optimizer: str = "BFGS",
        cache: PESCache | str | Path | None = None) -> tuple[list[Atoms], NEBResult]:
    """Climbing-image nudged elastic band between two relaxed minima.

    Henkelman, Uberuaga & Jonsson, J. Chem. Phys. 113, 9901 (2000) (climbing image);
    Henkelman & Jonsson, J. Chem. Phys. 113, 9978 (2000) (improved tangent); Smidstrup et al.,
    J. Chem. Phys. 140, 214106 (2014) (IDPP interpolation). Implemented by ``ase.mep.NEB``;
    every image gets its own calculator instance.

    Parameters
    ----------
    initial, final : Atoms
        End points (relaxed, same atoms in the same order).
    n_images : int
        Number of intermediate images (>= 1).
    calc : CalculatorSpec or str
        Energy method (default EMT).
    fmax : float
        NEB force threshold, eV/Angstrom.
    steps : int
        Maximum optimizer steps.
    climb : bool
        Climbing image (the highest image converges to the saddle point).
    interpolation : {"idpp", "linear"}
    method : {"improvedtangent", "aseneb", "eb", "spline", "string"}
        ASE NEB tangent/force method.
    spring : float
        Spring constant, eV/Angstrom^2.
    optimizer : str
        ASE optimizer.
    cache : PESCache or path, optional

    Returns
    -------
    (list of Atoms, NEBResult)
    """
    from ase.mep import NEB

    _check_fmax(fmax)
    if int(n_images) < 1:
        raise InvalidParameterError("n_images", ">= 1", n_images)
    if len(initial) != len(final) or (initial.numbers != final.numbers).any():
        raise InvalidParameterError("final", "the same atoms as initial, in the same order",
                                    final.get_chemical_formula())
    if interpolation not in ("idpp", "linear"):
        raise InvalidParameterError("interpolation", "'idpp' or 'linear'", interpolation)
    spec, db = _as_spec(calc), _as_cache(cache)
    params = {"n_images": int(n_images), "fmax": fmax, "steps": steps, "climb": climb,
              "interpolation": interpolation, "method": method, "spring": spring,
              "optimizer": optimizer}
    key = cache_key("neb", spec, [initial, final], params)
    if db is not None and (rows := db.get(key)):
        images = []
        for r in rows:
            a = initial.copy()
            a.positions = r.positions
            images.append(a)
        d = rows[0].data
        return images, _neb_result(np.asarray(d["energies"]), images, float(d["fmax"]), True, 0)
    counter = _Counter()
    images = [initial.copy()] + [initial.copy() for _ in range(int(n_images))] + [final.copy()]
    for im in images:
        im.calc = counter.wrap(spec.make())
    band = NEB(images, k=spring, climb=climb, method=method)
    band.interpolate(method=interpolation, apply_constraint=True)
    opt = _optimizer(optimizer)(band, logfile=None)
    converged = bool(opt.run(fmax=fmax, steps=steps))
    energies = np.array([im.get_potential_energy() for im in images])
    f = band.get_forces()
    fm = float(np.sqrt((f**2).sum(axis=1)).max())
    if not converged:
        raise ConvergenceError(f"NEB did not reach fmax={fmax} eV/A in {steps} steps",
                               tried=[f"{optimizer}, {n_images} images, climb={climb}: "
                                      f"final fmax {fm:.3g} eV/A"])
    for im in images:
        im.calc = None
    if db is not None:
        db.put(key, "neb", images, {"energies": energies.tolist(), "fmax": fm},
               energies.tolist())
    return images, _neb_result(energies, images, fm, converged, counter.n)


def _neb_result(E: np.ndarray, images: list[Atoms], fm: float, conv: bool,
                calls: int) -> NEBResult:
    i = int(np.argmax(E))
    return NEBResult(tuple(float(x) for x in E), float(E[i] - E[0]), float(E[i] - E[-1]),
                     float(E[-1] - E[0]), i, _positions(images[i]), fm, conv, calls)


# ---- saddle search -----------------------------------------------------------------------

def saddle_search(atoms: Atoms, calc: CalculatorSpec | str | None = None, fmax: float = 0.01,
                  steps: int = 500, method: str = "dimer",
                  cache: PESCache | str | Path | None = None) -> tuple[Atoms, Minimum]:
    """Refine a first-order saddle point from a nearby guess (e.g. the CI-NEB top image).

    ``method="dimer"``: ASE's minimum-mode following dimer method (Henkelman & Jonsson,
    J. Chem. Phys. 111, 7010 (1999)); ``method="sella"``: Sella (optional package; Hermes
    et al., J. Chem. Theory Comput. 18, 6974 (2022)). Free atoms: those not fixed by FixAtoms.

    Returns the saddle structure and a :class:`Minimum`-shaped record (energy eV, fmax).
    """
    _check_fmax(fmax)
    spec, db = _as_spec(calc), _as_cache(cache)
    params = {"fmax": fmax, "steps": steps, "method": method}
    key = cache_key("saddle", spec, [atoms], params)
    out = atoms.copy()
    if db is not None and (rows := db.get(key)):
        out.positions = rows[0].positions
        d = rows[0].data
        return out, Minimum(float(d["energy"]), _positions(out), float(d["fmax"]), True, 0)
    counter = _Counter()
    out.calc = counter.wrap(spec.make())
    if method == "dimer":
        from ase.mep.dimer import DimerControl, MinModeAtoms, MinModeTranslate

        mask = [i in set(free_atoms(out)) for i in range(len(out))]
        control = DimerControl(initial_eigenmode_method="displacement",
                               displacement_method="vector", logfile=None, mask=mask)
        d_atoms = MinModeAtoms(out, control)
        rng = np.random.default_rng(0)
        disp = np.zeros((len(out), 3))
        disp[mask] = 1e-3 * rng.standard_normal((int(np.sum(mask)), 3))
        d_atoms.displace(displacement_vector=disp)
        opt = MinModeTranslate(d_atoms, trajectory=None, logfile=None)
        converged = bool(opt.run(fmax=fmax, steps=steps))
    elif method == "sella":
        try:
            from sella import Sella
        except ImportError as exc:
            raise CatscaleError("saddle_search(method='sella') needs the optional package "
                                "sella (pip install sella)") from exc
        opt = Sella(out, order=1, logfile=None, trajectory=None)
        converged = bool(opt.run(fmax=fmax, steps=steps))
    else:
        raise InvalidParameterError("method", "'dimer' or 'sella'", method)
    f = out.get_forces()
    fm = float(np.sqrt((f**2).sum(axis=1)).max())
    energy = float(out.get_potential_energy())
    if not converged:
        raise ConvergenceError(f"saddle search did not reach fmax={fmax} eV/A",
                               tried=[f"{method}: final fmax {fm:.3g} eV/A"])
    out.calc = None
    if db is not None:
        db.put(key, "saddle", [out], {"energy": energy, "fmax": fm}, [energy])
    return out, Minimum(energy, _positions(out), fm, True, counter.n)


# ---- vibrations --------------------------------------------------------------------------

def vibrations(atoms: Atoms, indices: list[int] | None = None,
               calc: CalculatorSpec | str | None = None, delta: float = 0.01, nfree: int = 2,
               imaginary_threshold: float = 10.0,
               cache: PESCache | str | Path | None = None) -> VibrationalResult:
    """Harmonic frequencies from a finite-difference Hessian of the stated free atoms.

    Uses ``ase.vibrations.Vibrations`` (central differences, ``nfree`` = 2 or 4 displacements
    of ``delta`` Angstrom per coordinate). The Hessian is stored in the cache.

    Parameters
    ----------
    atoms : Atoms
        Stationary structure.
    indices : list of int, optional
        Free atoms (default: those not fixed by FixAtoms constraints).
    calc : CalculatorSpec or str
    delta : float
        Displacement, Angstrom.
    nfree : {2, 4}
    imaginary_threshold : float
        Imaginary modes with |nu| above this (cm^-1) are counted in ``n_imaginary``.
    cache : PESCache or path, optional

    Returns
    -------
    VibrationalResult
        3 len(indices) frequencies in cm^-1 (imaginary ones negative).
    """
    from ase.vibrations import Vibrations, VibrationsData

    if indices is None:
        indices = free_atoms(atoms)
    indices = [int(i) for i in indices]
    if not indices or any(i < 0 or i >= len(atoms) for i in indices):
        raise InvalidParameterError("indices", f"atom indices in [0, {len(atoms) - 1}]",
                                    indices)
    if nfree not in (2, 4):
        raise InvalidParameterError("nfree", "2 or 4", nfree)
    spec, db = _as_spec(calc), _as_cache(cache)
    params = {"indices": indices, "delta": delta, "nfree": nfree}
    key = cache_key("vibrations", spec, [atoms], params)
    calls = 0
    if db is not None and (rows := db.get(key)):
        d = rows[0].data
        hess = np.asarray(d["hessian"])
        energy = float(d["energy"])
    else:
        counter = _Counter()
        work = atoms.copy()
        work.calc = counter.wrap(spec.make())
        energy = float(work.get_potential_energy())
        with tempfile.TemporaryDirectory() as tmp:
            vib = Vibrations(work, indices=indices, delta=delta, nfree=nfree,
                             name=str(Path(tmp) / "vib"))
            vib.run()
            hess = vib.get_vibrations().get_hessian_2d()
        calls = counter.n
        if db is not None:
            db.put(key, "vibrations", [atoms], {"hessian": hess, "energy": energy}, [energy])
    data = VibrationsData.from_2d(atoms, hess, indices=indices)
    freqs = data.get_frequencies()   # complex, cm^-1
    nu = np.where(np.abs(freqs.imag) > np.abs(freqs.real), -np.abs(freqs.imag), freqs.real)
    nu = np.sort(nu)
    n_imag = int(np.sum(nu < -abs(imaginary_threshold)))
    return VibrationalResult(energy, tuple(float(x) for x in nu), tuple(indices), n_imag, calls)
