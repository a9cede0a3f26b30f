"""Au adatom hop on Al(100) (ASE NEB tutorial) with EMT: CI-NEB barrier, harmonic TST
prefactor from the adatom-only Hessian, k(T), and the Landau-Zener check that the hop is
electronically adiabatic. Results are cached in au_al100.db (a re-run does not recompute).

Run: python examples/atomistic/neb_au_al100.py
"""

from catscale.atomistic import adsorbate_on_slab, neb, relax, vibrations
from catscale.bridges.pes_to_thermo import pes_rate

db = "au_al100.db"
ini = adsorbate_on_slab("Al", "100", (2, 2, 3), "Au", "hollow", height=1.7, free_layers=1)
fin = ini.copy()
fin[-1].x += fin.get_cell()[0, 0] / 2
ini, _ = relax(ini, cache=db)
fin, _ = relax(fin, cache=db)
images, band = neb(ini, fin, n_images=3, cache=db)
adatom = [len(ini) - 1]
vm = vibrations(ini, adatom, cache=db)
vs = vibrations(images[band.saddle_index], adatom, cache=db)
for T in (300.0, 500.0):
    r = pes_rate(vm, vs, T, band.energies[0], band.energies[band.saddle_index])
    print(f"T={T:.0f} K  barrier {r.barrier:.3f} eV (ref 0.374)  prefactor {r.prefactor:.3g} "
          f"s^-1 (ref ~1.3e12)  k {r.k_vineyard:.3g} s^-1  free-energy route "
          f"{r.k_free_energy:.3g} s^-1")
