"""Maxwell-Stefan fluxes, bootstrap relations, the Stefan tube (Carty & Schrodt) and the
Duncan & Toor two-bulb experiment, and the dusty-gas model."""

import numpy as np
import pytest

from catscale.errors import InvalidParameterError
from catscale.transport.maxwell_stefan import (
    DustyGas,
    bootstrap,
    diffusion_fluxes,
    film_fluxes,
    knudsen_diffusivity,
    molar_fluxes,
    ms_matrix,
    stefan_tube,
    two_bulb,
)
from catscale.units import R

MM2 = 1e-6  # mm^2/s -> m^2/s
HOUR = 3600.0

# Carty & Schrodt, Ind. Eng. Chem. Fundam. 14, 276 (1975): acetone(1)/methanol(2)/air(3),
# 328.5 K, 99.4 kPa, L = 0.238 m (validation README)
CS_D = np.array([[0, 8.48, 13.72], [8.48, 0, 19.91], [13.72, 19.91, 0]]) * MM2
CS_CT = 99.4e3 / (R * 328.5)
CS_X0, CS_XL, CS_L = [0.319, 0.528, 0.153], [0.0, 0.0, 1.0], 0.238

# Duncan & Toor, AIChE J. 8, 38 (1962): H2/N2/CO2, 35.2 C, 1 atm (validation README)
DT_D = np.array([[0, 83.3, 68.0], [83.3, 0, 16.8], [68.0, 16.8, 0]]) * MM2
DT_CT = 101325.0 / (R * 308.35)
DT_X1, DT_X2 = [0.0, 0.50086, 0.49914], [0.50121, 0.49879, 0.0]
DT_GEOM = dict(V1=77.99e-6, V2=78.63e-6, length=85.9e-3, diameter=2.08e-3)


def test_binary_reduces_to_fick():
    # binary MS: J1 = -c D12 grad x1 exactly
    D = np.array([[0, 2e-5], [2e-5, 0]])
    J = diffusion_fluxes([0.3, 0.7], [5.0, -5.0], D, 40.0)
    assert J[0] == pytest.approx(-40.0 * 2e-5 * 5.0, rel=1e-14)
    assert J.sum() == pytest.approx(0.0, abs=1e-18)


def test_equal_diffusivities_give_diagonal_B():
    # all D_ij = D: B = I / D for any composition
    D = np.full((4, 4), 3e-5)
    B = ms_matrix([0.1, 0.2, 0.3, 0.4], D)
    assert np.allclose(B, np.eye(3) / 3e-5, rtol=1e-13)


def test_bootstrap_relations():
    x, g = np.array([0.2, 0.3, 0.5]), np.array([1.0, -3.0, 2.0])
    N = molar_fluxes(x, g, CS_D, 40.0, bootstrap("equimolar", 3))
    assert abs(N.sum()) < 1e-15
    N = molar_fluxes(x, g, CS_D, 40.0, bootstrap("stefan", 3, stagnant=2))
    assert abs(N[2]) < 1e-15
    M = np.array([0.002, 0.028, 0.044])
    N = molar_fluxes(x, g, CS_D, 40.0, bootstrap("graham", 3, molar_masses=M))
    assert abs(N @ np.sqrt(M)) < 1e-15
    # binary Stefan diffusion: N_A = -c D grad x_A / (1 - x_A) (exact)
    D = np.array([[0, 1e-5], [1e-5, 0]])
    N = molar_fluxes([0.4, 0.6], [-2.0, 2.0], D, 30.0, bootstrap("stefan", 2, stagnant=1))
    assert N[0] == pytest.approx(30.0 * 1e-5 * 2.0 / 0.6, rel=1e-13)


def test_binary_film_is_the_stefan_log_law():
    # N_A = (c D / L) ln((1 - x_AL) / (1 - x_A0))
    D = np.array([[0, 1e-5], [1e-5, 0]])
    s = film_fluxes([0.6, 0.4], [0.1, 0.9], 0.1, D, 40.0, bootstrap("stefan", 2, stagnant=1))
    assert s.fluxes[0] == pytest.approx(40 * 1e-5 / 0.1 * np.log(0.9 / 0.4), rel=1e-10)


def test_carty_schrodt_stefan_tube_fluxes_and_profiles():
    # Taylor & Krishna, Multicomponent Mass Transfer (1993), Example 2.2.1 (Carty & Schrodt
    # data): N1 = 1.783e-3, N2 = 3.127e-3 mol m^-2 s^-1 (check: values as recalled, 4 digits;
    # tolerance 1e-3 relative covers the last digit)
    s = film_fluxes(CS_X0, CS_XL, CS_L, CS_D, CS_CT, bootstrap("stefan", 3, stagnant=2))
    assert s.fluxes[0] == pytest.approx(1.783e-3, rel=1e-3)
    assert s.fluxes[1] == pytest.approx(3.127e-3, rel=1e-3)
    assert s.fluxes[2] == 0.0
    prof = s.profile(np.linspace(0, CS_L, 30))
    assert np.allclose(prof[:, 0], CS_X0, atol=1e-14)
    assert np.allclose(prof[:, -1], CS_XL, atol=1e-9)
    assert np.allclose(prof.sum(axis=0), 1.0, atol=1e-12)
    # methanol and acetone fall monotonically, air rises (measured profiles are monotone)
    assert np.all(np.diff(prof[2]) > 0) and np.all(np.diff(prof[1]) < 0)


def test_transient_stefan_tube_reaches_the_film_solution():
    # long after start-up (t >> L^2 / D ~ 1 h) the tube is the steady film; FV with 30 cells
    # is second order (1/30^2 ~ 1e-3), tolerance 3e-3
    nu = bootstrap("stefan", 3, stagnant=2)
    s = film_fluxes(CS_X0, CS_XL, CS_L, CS_D, CS_CT, nu)
    tr = stefan_tube(CS_X0, CS_XL, length=CS_L, D=CS_D, c_t=CS_CT, nu=nu, t_end=4e4,
                     n_cells=30, t_eval=[0.0, 1e2, 4e4])
    assert np.allclose(tr.fluxes[-1], s.fluxes, rtol=3e-3, atol=1e-9)
    assert np.allclose(tr.x[-1], s.profile(tr.z), atol=3e-3)
    # early on the fluxes out of the liquid are larger (steeper gradients)
    assert tr.fluxes[1, 0] > s.fluxes[0]


@pytest.fixture(scope="module")
def duncan_toor():
    t = np.linspace(0, 30 * HOUR, 121)
    return two_bulb(DT_X1, DT_X2, **DT_GEOM, D=DT_D, c_t=DT_CT, t_end=t[-1], n_cells=10,
                    t_eval=t)


def test_duncan_toor_osmotic_diffusion_at_t0():
    # at t = 0 the N2 gradient is ~0 (0.50086 vs 0.49879) but its flux is not: the quasi-
    # steady capillary flux is > 20x what Fick's law with the largest N2 diffusivity gives
    s = film_fluxes(DT_X1, DT_X2, DT_GEOM["length"], DT_D, DT_CT, bootstrap("equimolar", 3))
    fick = DT_CT * 83.3e-6 * abs(DT_X1[1] - DT_X2[1]) / DT_GEOM["length"]
    assert abs(s.fluxes[1]) > 20 * fick
    assert s.fluxes[1] > 0          # N2 is dragged from bulb 1 to bulb 2 (with CO2)


def test_duncan_toor_reverse_diffusion_barrier_and_reversal(duncan_toor):
    r = duncan_toor
    dx = r.x1[1] - r.x2[1]          # N2 "driving force" from bulb 1 to bulb 2
    N2 = r.flux[1]
    early = (r.t > 0.5 * HOUR) & (r.t < 5 * HOUR)
    # reverse (uphill) diffusion: N2 flows 1 -> 2 although x_N2 is higher in bulb 2
    assert np.all(N2[early] > 0) and np.all(dx[early] < 0)
    # flux reversal = diffusion barrier: N2 flux changes sign while dx is far from 0
    k = np.flatnonzero((N2[:-1] > 0) & (N2[1:] <= 0))[0]
    t_rev = r.t[k] - N2[k] * (r.t[k + 1] - r.t[k]) / (N2[k + 1] - N2[k])
    assert 5 * HOUR < t_rev < 9 * HOUR          # computed ~7 h (Duncan & Toor: ~ 8 h, check)
    assert abs(dx[k]) > 0.1
    # the N2 separation is largest at the reversal (d(dx)/dt ~ N2 flux)
    assert abs(r.t[np.argmin(dx)] - t_rev) < 1.0 * HOUR
    # afterwards: ordinary diffusion down the gradient
    late = r.t > 12 * HOUR
    assert np.all(N2[late] * dx[late] > 0)
    # H2 and CO2 always diffuse normally (down their gradients)
    for i in (0, 2):
        d = r.x1[i] - r.x2[i]
        assert np.all(r.flux[i][1:] * d[1:] > 0)


def test_two_bulb_relaxes_to_the_mixed_state():
    # after many bulb time constants both bulbs hold the volume-averaged composition
    # (capillary volume 0.29 cm^3 of 157 cm^3 -> tolerance 1e-2)
    r = two_bulb(DT_X1, DT_X2, **DT_GEOM, D=DT_D, c_t=DT_CT, t_end=400 * HOUR, n_cells=6,
                 t_eval=[400 * HOUR])
    V1, V2 = DT_GEOM["V1"], DT_GEOM["V2"]
    mix = (V1 * np.array(DT_X1) + V2 * np.array(DT_X2)) / (V1 + V2)
    assert np.allclose(r.x1[:, -1], mix, atol=1e-2)
    assert np.allclose(r.x1[:, -1], r.x2[:, -1], atol=1e-6)


def _dgm(d, visc=2e-5):
    M = np.array([0.002, 0.028, 0.044])
    return DustyGas(DT_D, M, pore_diameter=d, porosity=0.4, tortuosity=3.0, viscosity=visc)


def test_dusty_gas_graham_law_at_uniform_pressure():
    # isobaric DGM: sum N_i sqrt(M_i) = 0 for any pore size (Mason & Malinauskas)
    c = np.array([10.0, 20.0, 10.0])
    g = np.array([100.0, -50.0, -50.0])
    for d in (1e-9, 1e-7, 1e-5, 1e-2):
        m = _dgm(d)
        N = m.fluxes(c, g, 400.0)
        assert abs(N @ np.sqrt(m.molar_masses)) < 1e-12 * np.abs(N).max()


def test_dusty_gas_knudsen_and_molecular_limits():
    c = np.array([10.0, 20.0, 10.0])
    g = np.array([100.0, -50.0, -50.0])
    T = 400.0
    m = _dgm(1e-10)   # Knudsen: collisions with walls dominate by ~1e5
    DK = m.factor * knudsen_diffusivity(m.molar_masses, 1e-10, T)
    assert np.allclose(m.fluxes(c, g, T), -DK * g, rtol=1e-3)
    m = _dgm(1.0)     # wide pores: MS bulk diffusion with the Graham bootstrap
    ref = molar_fluxes(c / c.sum(), g / c.sum(), m.factor * DT_D, c.sum(),
                       bootstrap("graham", 3, molar_masses=m.molar_masses))
    assert np.allclose(m.fluxes(c, g, T), ref, rtol=1e-6)


def test_dusty_gas_single_gas_is_knudsen_plus_poiseuille():
    # one gas: N = -(D_K + B0 p / mu) grad c (exact)
    m = DustyGas([[0.0]], [0.028], pore_diameter=1e-6, porosity=0.5, tortuosity=2.0,
                 viscosity=1.8e-5)
    c, g, T = np.array([30.0]), np.array([200.0]), 350.0
    DK = 0.25 * knudsen_diffusivity(0.028, 1e-6, T)
    ref = -(DK + m.permeability * c[0] * R * T / 1.8e-5) * g
    assert m.fluxes(c, g, T) == pytest.approx(ref, rel=1e-12)


def test_bad_input():
    with pytest.raises(InvalidParameterError, match="D"):
        ms_matrix([0.5, 0.5], [[0, -1], [-1, 0]])
    with pytest.raises(InvalidParameterError, match="kind"):
        bootstrap("magic", 3)
    with pytest.raises(InvalidParameterError, match="x0"):
        film_fluxes([0.5, 0.6], [0, 1], 1.0, [[0, 1e-5], [1e-5, 0]], 40, [0, 1])
    with pytest.raises(InvalidParameterError, match="porosity"):
        DustyGas(DT_D, [0.002, 0.028, 0.044], 1e-8, 1.5, 2.0)
