"""kMC -> diffusion coefficients: published limits of the lattice gas.

References: non-interacting lattice gas D_c = D0 and Phi = 1/(1 - theta) (Kutner, Phys. Lett.
A 81, 239 (1981); Gomer, Rep. Prog. Phys. 53, 917 (1990)); tracer correlation factor of the
square lattice in the vacancy limit f0 = 1/(pi - 1) = 0.46694 (Nakazato & Kitahara, Prog.
Theor. Phys. 64, 2261 (1980); Kehr, Kutner & Binder, Phys. Rev. B 23, 4931 (1981)).
"""

import numpy as np
import pytest

from catscale.bridges.kmc_to_diffusion import (
    curve_from_sampling,
    jump_diffusivity,
    thermodynamic_factor,
    tracer_diffusivity,
)
from catscale.diffusion import thermodynamic_factor as closure_phi
from catscale.errors import InvalidParameterError
from catscale.kmc.lattice_gas import (
    LatticeGasConfig,
    run_canonical,
    run_grand_canonical,
    sample_diffusion,
    tune_chemical_potential,
)
from catscale.units import kB

F0 = 1.0 / (np.pi - 1.0)


@pytest.fixture(scope="module")
def free_curve():
    cfg = LatticeGasConfig(size=(24, 24), T=300.0, eps=0.0, hop_rate=2.0, a=2.5e-10)
    s = sample_diffusion(cfg, [0.2, 0.5, 0.8], events=300_000, replicas=2, n_samples=2001,
                         stride=10, seed=4, grand_size=12, grand_events=300_000)
    return curve_from_sampling(s, n_blocks=10)


@pytest.mark.slow
def test_noninteracting_Dc_equals_D0_and_Phi_langmuir(free_curve):
    c = free_curve
    D0 = 2.0 * (2.5e-10) ** 2
    assert c.D0 == pytest.approx(D0)
    # D_c / D0 = 1 and D_J = D0 (1 - theta) within 3.5 standard errors (block errors of two
    # replicas; 3 coverages x 3 quantities -> 3.5 sigma keeps false alarms < 1e-2)
    assert np.all(np.abs(c.D_c / D0 - 1) < 3.5 * c.D_c_err / D0)
    assert np.all(np.abs(c.D_jump - D0 * (1 - c.theta)) < 3.5 * c.D_jump_err)
    assert np.all(np.abs(c.Phi - 1 / (1 - c.theta)) < 3.5 * c.Phi_err)
    # the error bars are informative (a few per cent), not vacuous
    assert np.all(c.D_c_err / D0 < 0.12) and np.all(c.Phi_err * (1 - c.theta) < 0.06)
    # tracer diffusion slows with coverage: D*/D0 decreasing, below the uncorrelated (1 - theta)
    assert np.all(np.diff(c.D_star) < 0)
    assert np.all(c.D_star < D0 * (1 - c.theta))
    np.testing.assert_allclose(c.M, c.D_jump * c.theta / (kB * 300.0))


@pytest.mark.slow
def test_tracer_correlation_factor_tends_to_f0():
    # vacancy limit: f(theta) = D* / (D0 (1 - theta)) -> 1/(pi - 1) as theta -> 1. At
    # theta = 0.98 (21 vacancies on 32^2) f exceeds f0 by the finite vacancy concentration,
    # ~ (1 - f0) (1 - theta) ~ 0.01 (approximately linear approach, Nakazato & Kitahara);
    # statistical error ~0.003 -> 3 % tolerance. f decreases monotonically from 1.
    cfg = LatticeGasConfig(size=(32, 32), T=300.0, eps=0.0)
    f = {}
    for th, t_end in ((0.5, 150.0), (0.98, 4000.0)):
        runs = [run_canonical(cfg, th, t_end, 1001, seed=s) for s in range(2)]
        d = tracer_diffusivity(runs, n_blocks=5, lag=40)
        f[th] = (d.value / (1 - runs[0].coverage), d.error / (1 - runs[0].coverage))
    assert f[0.98][0] == pytest.approx(F0, rel=0.03)
    assert F0 < f[0.98][0] + 3 * f[0.98][1]
    assert 0.65 < f[0.5][0] < 0.8  # KKB 1981 Monte Carlo: f(1/2) ~ 0.7 on the square lattice
    assert f[0.5][0] > f[0.98][0]


def test_phi_of_interacting_gas_between_closures():
    # attractive gas above the exact critical point (kT = 1.0 |eps|, Onsager 0.567): GC
    # fluctuations give Phi(1/2) between the Bragg-Williams value (too small: random mixing
    # over-weights the attraction) and Langmuir (2); the quasi-chemical closure is closer
    # than Bragg-Williams. 16^2 lattice, exchange-only GC, mu tuned to theta = 1/2
    # (exactly z eps / 2 by particle-hole symmetry, which the tuner must find).
    eps = -0.03
    T = abs(eps) / kB
    cfg = LatticeGasConfig(size=(16, 16), T=T, eps=eps, exchange_rate=1.0)
    mu = tune_chemical_potential(cfg, 0.5, seed=1, t_stage=100.0)
    assert mu == pytest.approx(2 * eps, abs=0.1 * abs(eps))
    runs = [run_grand_canonical(cfg, 2 * eps, 600.0, 3001, seed=s, t_equil=20.0, hops=False)
            for s in range(2)]
    phi, theta = thermodynamic_factor(runs, n_blocks=10)
    assert theta.value == pytest.approx(0.5, abs=4 * theta.error + 1e-3)
    bw = closure_phi(0.5, eps, T, "square", "bragg_williams")
    qc = closure_phi(0.5, eps, T, "square", "quasi_chemical")
    assert bw < qc < phi.value + 3 * phi.error
    assert phi.value < 2.0
    assert abs(qc - phi.value) < abs(bw - phi.value)


def test_estimators_reject_bad_input():
    cfg = LatticeGasConfig(size=(8, 8))
    r = run_canonical(cfg, 0.5, 5.0, 11, seed=1)
    with pytest.raises(InvalidParameterError, match="n_blocks"):
        jump_diffusivity([r], n_blocks=8)
    with pytest.raises(InvalidParameterError, match="runs"):
        tracer_diffusivity([])
    with pytest.raises(InvalidParameterError, match="coverages"):
        sample_diffusion(cfg, [0.0, 0.5])
