"""Proton transfer in [HO-H-OH]^- between two point charges: barrier without embedding, with
mechanical embedding (vacuum density + Mulliken charges) and with electrostatic embedding
(point charges in the HF Hamiltonian, PySCF). Needs the optional extra PySCF.

Run: python examples/atomistic/qmmm_proton_transfer.py
"""

from catscale.atomistic import MMRegion, compare_embeddings, proton_transfer_path

path, q = proton_transfer_path(9, d_OO=2.9, q_min=0.95, q_max=1.95)
mm = MMRegion([[6.9, 0, 0], [-4.0, 0, 0]], [0.15, -0.15], sigma=[3.0, 3.0],
              epsilon=[0.005, 0.005])
r = compare_embeddings(path, mm, q)
print("q/A   vacuum  mechanical  electrostatic  (eV, relative to q = 0.95 A)")
for row in zip(r.coordinate, r.vacuum, r.mechanical, r.electrostatic):
    print("{:.3f} {:8.3f} {:10.3f} {:13.3f}".format(*row))
print("barriers (eV):", {k: round(v, 4) for k, v in r.barriers.items()})
print(f"electrostatic - mechanical barrier: {r.shift:+.4f} eV")
print("QM dipole at the TS (e A):", r.dipoles)
