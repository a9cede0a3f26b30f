"""Uphill diffusion and island coarsening: lattice-gas kMC versus Cahn-Hilliard.

An attractive nearest-neighbour lattice gas (square lattice, theta = 1/2) is quenched from a
random layer to kT = 0.45 |eps|, below the exact critical temperature (Onsager 0.567 |eps|)
and below the Bragg-Williams one (|eps|). The canonical kMC (Kawasaki hops, Metropolis
rates) and the Cahn-Hilliard equation with the Bragg-Williams closure and the same D0, eps
and T both form islands; the script compares the characteristic wavelength 2 pi / <k> of the
structure factor versus time (late-stage coarsening ~ t^(1/3)) and writes a figure.

    python examples/surface_diffusion_coarsening.py [--out FIG.png] [--quick]
"""

from __future__ import annotations

import argparse

import numpy as np

from catscale.diffusion import (
    dominant_wavelength,
    fastest_growing_wavelength,
    lattice_gas_model,
    solve_cahn_hilliard,
)
from catscale.kmc.lattice_gas import LatticeGasConfig, run_canonical
from catscale.units import kB


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="surface_diffusion_coarsening.png")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    L = 48 if args.quick else 96
    t_end = 200.0 if args.quick else 1000.0
    eps = -0.05
    T = 0.45 * abs(eps) / kB
    cfg = LatticeGasConfig(size=(L, L), T=T, eps=eps, hop_rate=1.0)

    kmc = run_canonical(cfg, 0.5, t_end, 41, seed=3, stride=4)
    t_k = kmc.tagged_times
    lam_k = np.array([dominant_wavelength(kmc.occupancy(i), 1.0) for i in range(len(t_k))])

    model = lattice_gas_model(eps, T, "square", closure="bragg_williams")
    rng = np.random.default_rng(3)
    th0 = np.clip(0.5 + 0.05 * rng.standard_normal((L, L)), 0.0, 1.0)
    ch = solve_cahn_hilliard(th0, 1.0, t_end, 0.05, model, n_out=11)
    lam_c = np.array([dominant_wavelength(f, 1.0) for f in ch.theta])
    th = np.array([0.5])
    lam_m = fastest_growing_wavelength(model.D_c(th)[0], model.mobility(th)[0], model.kappa)

    print(f"kT/|eps| = 0.45; CH fastest-growing wavelength {lam_m:.2f} a")
    print("t (1/Gamma)   lambda kMC (a)   lambda CH (a)")
    for t, lk in zip(t_k[::2], lam_k[::2]):
        j = int(np.argmin(np.abs(ch.t - t)))
        print(f"{t:10.1f}   {lk:14.2f}   {lam_c[j]:13.2f}")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axs = plt.subplots(1, 3, figsize=(11, 3.6))
    axs[0].imshow(kmc.occupancy(len(t_k) - 1), cmap="gray_r")
    axs[0].set_title(f"kMC, t = {t_k[-1]:.0f}/Gamma", fontsize=9)
    axs[1].imshow(ch.theta[-1], cmap="gray_r", vmin=0, vmax=1)
    axs[1].set_title(f"Cahn-Hilliard (BW), t = {ch.t[-1]:.0f}/Gamma", fontsize=9)
    axs[2].loglog(t_k[1:], lam_k[1:], "o", label="kMC")
    axs[2].loglog(ch.t[1:], lam_c[1:], "s-", label="Cahn-Hilliard")
    tt = np.array([t_end / 10, t_end])
    axs[2].loglog(tt, lam_k[-1] * (tt / t_end) ** (1 / 3), "k--", label="t^(1/3)")
    axs[2].axhline(lam_m, color="gray", lw=0.8, label="CH lambda_m")
    axs[2].set_xlabel("t (1/Gamma)")
    axs[2].set_ylabel("2 pi / <k> (a)")
    axs[2].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print(f"figure: {args.out}")


if __name__ == "__main__":
    main()
