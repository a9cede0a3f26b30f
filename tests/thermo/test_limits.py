"""Physical limits, identities and published numbers of catscale.thermo (no ASE needed)."""

import dataclasses

import numpy as np
import pytest

from catscale.errors import InvalidParameterError
from catscale.thermo import (
    FixedEnergy,
    HarmonicThermo,
    HinderedThermo,
    IdealGasThermo,
    ShomateGas,
    ThermoModel,
    parse_frequencies,
)
from catscale.units import NA, c, eV, kB

J_MOL_K = NA * eV          # (eV/K per molecule) -> J/(mol K)
HC_OVER_K = 1.438776877    # cm K, second radiation constant c2 = h c / kB (CODATA)

ETHANE_CM = [3049.06, 3040.80, 3001.66, 2997.96, 2866.15, 2750.86, 1436.79, 1431.41,
             1415.95, 1395.73, 1358.41, 1335.92, 1167.01, 1142.13, 1013.92, 803.40, 783.03,
             310.45, 136.11, 112.94, 103.93, 77.26, 60.28, 25.83]


def _hindered(W_t=0.049313, W_r=0.017675, **kw):
    return HinderedThermo(0.0, ETHANE_CM, W_t, W_r, 1.5e19, 6, 30.07, 73.149, **kw)


# ---- published entropies ----------------------------------------------------------------

def test_sackur_tetrode_argon():
    # CODATA Key Values for Thermodynamics (Cox, Wagman & Medvedev 1989): S(Ar, g, 298.15 K,
    # 1 bar) = 154.846 +- 0.003 J/(mol K). Pure translation + no electronic entropy.
    ar = IdealGasThermo(0.0, [], "monatomic", 39.948)
    assert ar.S(298.15, 1e5) * J_MOL_K == pytest.approx(154.846, abs=0.005)


@pytest.mark.parametrize(
    "mass, sigma, B0, nu, S_ref",
    [
        # CODATA key values: N2 191.609, CO 197.660 J/(mol K); B0 and fundamentals from
        # Huber & Herzberg (1979). Rigid-rotor/harmonic with classical rotation: the neglected
        # rotational quantum corrections are ~(Theta/3T) R ~ 0.02 J/(mol K): tolerance 0.03.
        (28.0134, 2, 1.98957, 2329.9, 191.609),
        (28.0101, 1, 1.92253, 2143.3, 197.660),
    ],
    ids=["N2", "CO"],
)
def test_diatomic_standard_entropy(mass, sigma, B0, nu, S_ref):
    gas = IdealGasThermo(0.0, [nu], "linear", mass, sigma,
                         rotational_temperatures=B0 * HC_OVER_K)
    assert gas.S(298.15, 1e5) * J_MOL_K == pytest.approx(S_ref, abs=0.03)


def test_electronic_degeneracy_and_pressure_term():
    a = IdealGasThermo(0.0, [1580.0], "linear", 32.0, 2, rotational_temperatures=2.08)
    b = dataclasses.replace(a, spin=1.0)
    assert b.S(500.0) - a.S(500.0) == pytest.approx(kB * np.log(3.0), rel=1e-12)
    # ideal gas: G(p) - G(p0) = kB T ln(p/p0) exactly
    assert a.G(500.0, 3e6) - a.G(500.0, 1e5) == pytest.approx(
        kB * 500.0 * np.log(30.0), rel=1e-12)


# ---- low- and high-temperature limits ---------------------------------------------------

def test_harmonic_solid_entropy_vanishes_at_zero_T():
    # Third law: S -> 0 as T -> 0 (x = h nu / kT -> inf; S ~ kB x e^-x).
    solid = HarmonicThermo(0.0, [150.0, 300.0, 450.0])
    T = np.array([1.0, 5.0, 20.0, 100.0])
    S = solid.S(T)
    assert S[0] < 1e-60 and np.all(np.diff(S) > 0)
    x = 150.0 * HC_OVER_K / 5.0
    assert S[1] == pytest.approx(kB * (x + 1) * np.exp(-x), rel=1e-3)  # lowest mode dominates
    assert solid.U(1.0) == pytest.approx(solid.zpe(), abs=1e-60)


def test_heat_capacity_tends_to_kB_per_mode():
    # Dulong-Petit / equipartition: Cv -> kB per mode with correction -x^2/12 per mode.
    freqs = [100.0, 500.0, 1000.0, 3000.0]
    solid = HarmonicThermo(0.0, freqs)
    T = 2.0e5
    x = np.array(freqs) * HC_OVER_K / T
    expected = kB * np.sum(1.0 - x**2 / 12.0)
    assert solid.Cp(T) == pytest.approx(expected, rel=1e-8)
    assert solid.Cp(T) == pytest.approx(4 * kB, rel=1e-3)


def test_ideal_gas_high_T_heat_capacity():
    # Nonlinear molecule: Cp -> (3/2 + 3/2 + 1) kB + kB per vibration.
    gas = IdealGasThermo(0.0, [1595.0, 3657.0, 3756.0], "nonlinear", 18.015, 2,
                         rotational_temperatures=[40.1, 20.9, 13.4])
    assert gas.Cp(1.0e6) == pytest.approx(7.0 * kB, rel=1e-4)
    assert gas.Cp(10.0) == pytest.approx(4.0 * kB, rel=1e-10)  # vibrations frozen


# ---- thermodynamic identities (every model) ---------------------------------------------

MODELS = {
    "ideal_gas": IdealGasThermo(-3.2, [1595.0, 3657.0, 3756.0], "nonlinear", 18.015, 2,
                                rotational_temperatures=[40.1, 20.9, 13.4], spin=0.5),
    "harmonic": HarmonicThermo(1.0, [2050.0, 400.0, 350.0, 300.0, 60.0, 60.0]),
    "harmonic_raised": HarmonicThermo(1.0, [2050.0, 400.0, 35.0, 0.0], low_frequency="raise"),
    "hindered": _hindered(),
    "free_translator": _hindered(W_t=0.0, W_r=0.0, translation="free", rotation="free"),
    "shomate_CO": ShomateGas(0.0, [[25.56759, 6.096130, 4.054656, -2.671301, 0.131021,
                                    -118.0089, 227.3665, -110.5271]], [[298.0, 1300.0]],
                             frequencies=[2143.0]),
}


@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("T", [350.0, 900.0])
def test_gibbs_helmholtz_identities(name, T):
    # S = -dG/dT at fixed p and Cp = dH/dT. Central differences with step 1e-3 T: the
    # truncation error is ~(1e-3)^2 relative; tolerance 1e-5 relative.
    m = MODELS[name]
    assert isinstance(m, ThermoModel)
    d = 1e-3 * T
    p = 2.0e5
    dGdT = (m.G(T + d, p) - m.G(T - d, p)) / (2 * d)
    dHdT = (m.H(T + d) - m.H(T - d)) / (2 * d)
    assert -dGdT == pytest.approx(m.S(T, p), rel=1e-5)
    assert dHdT == pytest.approx(m.Cp(T), rel=1e-5)
    assert m.G(T, p) == pytest.approx(m.H(T) - T * m.S(T, p), rel=1e-14, abs=1e-14)


# ---- hindered translator / rotor limits -------------------------------------------------

def test_hindered_translator_tends_to_free_2d_gas():
    # W_x -> 0: Sprowl's hindered translator -> free 2-D translator over one site (exact
    # limit; at W = 1e-9 eV the remaining difference is O(sqrt(W/kT)) ~ 1e-4 kB). The
    # hindered rotor counts one of n wells: free-rotor limit minus kB ln n (see module doc).
    T = 300.0
    hind = _hindered(W_t=1e-9, W_r=1e-9)
    free = _hindered(W_t=0.0, W_r=0.0, translation="free", rotation="free")
    assert hind.S(T) - free.S(T) == pytest.approx(-kB * np.log(6), abs=1e-3 * kB)
    free_t = _hindered(W_t=0.0, translation="free")
    hind_t = _hindered(W_t=1e-9)
    assert hind_t.S(T) == pytest.approx(free_t.S(T), abs=1e-3 * kB)


def test_hindered_high_barriers_tend_to_harmonic():
    # W >> kT: both hindered motions become harmonic oscillators of frequency nu_t, nu_r.
    T = 300.0
    diffs = []
    for W in (1.0, 5.0, 20.0):
        h = _hindered(W_t=W, W_r=W)
        freqs = sorted(ETHANE_CM)[3:] + [h.nu_translation / (100 * c)] * 2 + \
            [h.nu_rotation / (100 * c)]
        diffs.append(abs(h.S(T) - HarmonicThermo(0.0, freqs).S(T)))
    # The residual is the O(kT/W) tail of the Bessel-function asymptotics: it must fall as
    # 1/W (ratio 4 from 5 to 20 eV, within 10 %) and be a few 1e-3 kB at W = 20 eV.
    assert diffs[0] > diffs[1] > diffs[2]
    assert diffs[1] / diffs[2] == pytest.approx(4.0, rel=0.1)
    assert diffs[2] < 5e-3 * kB


def test_campbell_standard_state_needs_hindered_inputs():
    with pytest.raises(InvalidParameterError, match="standard_state"):
        _hindered(standard_state="1 bar")
    with pytest.raises(InvalidParameterError, match="trans_barrier_energy"):
        _hindered(W_t=0.0)


# ---- frequencies -------------------------------------------------------------------------

def test_frequency_parsing_and_transition_states():
    real, imag = parse_frequencies([2000, "1218i", 300.5], transition_state=True)
    assert real == (2000.0, 300.5) and imag == 1218.0
    assert parse_frequencies([-1218.0, 50], transition_state=True) == ((50.0,), 1218.0)
    assert parse_frequencies([1218j, 50], transition_state=True) == ((50.0,), 1218.0)
    with pytest.raises(InvalidParameterError, match="exactly one imaginary"):
        parse_frequencies([-10, -20, 50], transition_state=True)
    with pytest.raises(InvalidParameterError, match="exactly one imaginary"):
        parse_frequencies([10, 20], transition_state=True)
    with pytest.raises(InvalidParameterError, match=r"frequencies.*real frequencies only"):
        HarmonicThermo(0.0, [100.0, "50i"])
    with pytest.raises(InvalidParameterError, match=r"frequencies\[1\]"):
        HarmonicThermo(0.0, [100.0, "fifty"])
    with pytest.raises(InvalidParameterError, match=r"frequencies\[0\].*non-zero"):
        HarmonicThermo(0.0, [0.0, 100.0])
    ts = HarmonicThermo(0.5, [100.0, "50i", 300.0], transition_state=True)
    assert ts.imaginary_frequency == 50.0 and ts.frequencies == (100.0, 300.0)
    assert ts.G(400.0) == pytest.approx(HarmonicThermo(0.5, [100.0, 300.0]).G(400.0),
                                        rel=1e-15)


def test_raise_low_frequency_equals_explicit_cutoff():
    a = HarmonicThermo(0.0, [20.0, 80.0, 500.0], low_frequency="raise",
                       low_frequency_cutoff=100.0)
    b = HarmonicThermo(0.0, [100.0, 100.0, 500.0])
    assert a.G(600.0) == pytest.approx(b.G(600.0), rel=1e-15)


def test_qrrho_limits():
    # nu_0 -> 0: harmonic; for nu << nu_0 the entropy is the free-rotor one (weight -> 1 - 0).
    h = HarmonicThermo(0.0, [30.0, 500.0])
    q0 = HarmonicThermo(0.0, [30.0, 500.0], low_frequency="qrrho", low_frequency_cutoff=0.0)
    assert q0.S(300.0) == pytest.approx(h.S(300.0), rel=1e-14)
    q = HarmonicThermo(0.0, [30.0, 500.0], low_frequency="qrrho", low_frequency_cutoff=100.0)
    assert q.S(300.0) < h.S(300.0)   # the diverging harmonic entropy is damped
    assert q.U(300.0) == h.U(300.0)  # Grimme 2012 changes the entropy only


# ---- validation and immutability -------------------------------------------------------

@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(geometry="bent"), "geometry"),
        (dict(mass=-1.0), "mass"),
        (dict(symmetry=0), "symmetry"),
        (dict(rotational_temperatures=[2.0, 3.0]), "rotational_temperatures"),
        (dict(rotational_temperatures=None), "rotational_temperatures/inertia"),
        (dict(low_frequency="drop"), "low_frequency"),
        (dict(spin=-0.5), "spin"),
    ],
)
def test_ideal_gas_bad_input_names_the_parameter(kwargs, field):
    args = dict(energy=0.0, frequencies=[2143.0], geometry="linear", mass=28.0, symmetry=1,
                rotational_temperatures=2.77)
    args.update(kwargs)
    with pytest.raises(InvalidParameterError) as err:
        IdealGasThermo(**args)
    assert err.value.name == field


def test_bad_temperature_and_pressure():
    g = IdealGasThermo(0.0, [2143.0], "linear", 28.0, 1, rotational_temperatures=2.77)
    with pytest.raises(InvalidParameterError, match="T: expected"):
        g.G(-5.0)
    with pytest.raises(InvalidParameterError, match="p: expected"):
        g.G(300.0, 0.0)


def test_models_are_frozen():
    g = HarmonicThermo(0.0, [100.0])
    with pytest.raises(dataclasses.FrozenInstanceError):
        g.energy = 1.0  # type: ignore[misc]


def test_fixed_energy():
    f = FixedEnergy(-0.7)
    T = np.array([100.0, 500.0, 1500.0])
    np.testing.assert_array_equal(f.G(T), -0.7)
    assert f.S(300.0) == 0.0 and f.Cp(300.0) == 0.0 and f.zpe() == 0.0
    gas = FixedEnergy(-0.7, is_gas=True)
    assert gas.G(500.0) == pytest.approx(-0.7, abs=1e-15)
    assert gas.G(500.0, 1e4) == pytest.approx(-0.7 + kB * 500.0 * np.log(0.1), rel=1e-13)
    assert gas.H(500.0) == pytest.approx(-0.7, abs=1e-15)
