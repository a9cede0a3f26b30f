"""Common tests of the thermo-model registry (catscale.thermo.THERMO_MODELS): every entry is
built through its registered constructor from ThermoInputs (what a species entry gives) and
checked against its limits and, where ASE has the same model, against ASE.

Limits (Hill, *An Introduction to Statistical Thermodynamics*, ch. 8-9; McQuarrie,
*Statistical Mechanics*, ch. 6, 8):
- harmonic: T -> 0 ground state (U -> E + ZPE, S -> 0); T >> theta_vib the classical limit,
  S -> kB sum [1 + ln(kB T / h nu)] with relative correction O(x^2), x = h nu / kB T, and
  Cv -> kB per mode (equipartition).
- ideal gas: high T equipartition Cp -> (5/2 + 1 + n_vib) kB for a linear molecule; for
  theta_rot << T << theta_vib the vibrations are in their ground state,
  H -> E + ZPE + 7/2 kB T.
- hindered: barriers -> 0 gives the free 2-D translator (Sprowl, Campbell & Arnadottir,
  J. Phys. Chem. C 120, 9719 (2016)); barriers >> kB T give harmonic oscillators.
- shomate: the NIST-JANAF CO entries (Chase 1998) reproduced by the NIST fit to 0.15 %.
- frozen: G = E at every T (no entropy, no heat capacity).
Plus for every entry: S = -dG/dT, Cp = dH/dT, G = H - TS.
"""

import numpy as np
import pytest

from catscale.errors import InvalidParameterError
from catscale.thermo import (
    THERMO_MODELS,
    HarmonicThermo,
    ThermoInputs,
    thermo_model,
    thermo_model_names,
)
from catscale.units import NA, eV, invcm, kB

HC_OVER_K = 1.438776877    # cm K, second radiation constant (CODATA)
TOL_EV = 1e-8              # as tests/thermo/test_ase_agreement.py (constants matched)
ETHANE_CM = [3049.06, 3040.80, 3001.66, 2997.96, 2866.15, 2750.86, 1436.79, 1431.41,
             1415.95, 1395.73, 1358.41, 1335.92, 1167.01, 1142.13, 1013.92, 803.40, 783.03,
             310.45, 136.11, 112.94, 103.93, 77.26, 60.28, 25.83]
ADS_CM = (2050.0, 400.0, 350.0, 300.0, 60.0, 60.0, 35.0)
CO_LOW = [25.56759, 6.096130, 4.054656, -2.671301, 0.131021, -118.0089, 227.3665, -110.5271]


def _hindered_inputs(W_t=0.049313, W_r=0.017675, **kw):
    block = THERMO_MODELS["hindered"].spec.model_validate(
        dict(trans_barrier=W_t, rot_barrier=W_r, rotational_minima=6, inertia=73.149,
             **kw))
    return ThermoInputs(energy=0.0, frequencies=tuple(ETHANE_CM), mass=30.07,
                        site_density=1.5e19, block=block)


CASES = {
    "ideal_gas": ThermoInputs(energy=-1.23, frequencies=(2143.0,), phase="gas", n_atoms=2,
                              mass=28.0101, geometry="linear", symmetry=1,
                              rotational_temperatures=(2.77,)),
    "harmonic": ThermoInputs(energy=1.7, frequencies=ADS_CM),
    "hindered": _hindered_inputs(),
    "shomate": ThermoInputs(energy=2.74, frequencies=(2143.0,), phase="gas",
                            block=THERMO_MODELS["shomate"].spec.model_validate(
                                dict(coefficients=[CO_LOW], T_ranges=[[298.0, 1300.0]]))),
    "frozen": ThermoInputs(energy=0.42),
    # N2, GRI-Mech 3.0 NASA-7 polynomials (Smith et al., 1999), reference pressure 1 atm
    "nasa7": ThermoInputs(phase="gas", block=THERMO_MODELS["nasa7"].spec.model_validate(dict(
        coefficients=[[3.298677, 1.4082404e-3, -3.963222e-6, 5.641515e-9, -2.444854e-12,
                       -1020.8999, 3.950372],
                      [2.92664, 1.4879768e-3, -5.68476e-7, 1.0097038e-10, -6.753351e-15,
                       -922.7977, 5.980528]],
        T_ranges=[[300.0, 1000.0], [1000.0, 5000.0]], reference_pressure="1 atm"))),
}


def test_every_registered_model_has_a_case():
    assert set(THERMO_MODELS) <= set(CASES), "add a case (and its limits) for a new model"


@pytest.mark.parametrize("name", sorted(THERMO_MODELS))
def test_inputs_pass_the_models_own_checks(name):
    assert THERMO_MODELS[name].check(CASES[name]) == []


@pytest.mark.parametrize("name", sorted(THERMO_MODELS))
@pytest.mark.parametrize("T", [350.0, 900.0])
def test_thermodynamic_identities(name, T):
    # central differences, step 1e-3 T: truncation ~1e-6 relative; tolerance 1e-5
    m = thermo_model(name).build(CASES[name])
    d, p = 1e-3 * T, 2.0e5
    dGdT = (m.G(T + d, p) - m.G(T - d, p)) / (2 * d)
    dHdT = (m.H(T + d) - m.H(T - d)) / (2 * d)
    assert -dGdT == pytest.approx(m.S(T, p), rel=1e-5, abs=1e-12)
    assert dHdT == pytest.approx(m.Cp(T), rel=1e-5, abs=1e-12)
    assert m.G(T, p) == pytest.approx(m.H(T) - T * m.S(T, p), rel=1e-14, abs=1e-14)


def _limits_harmonic(m):
    nu = np.array(ADS_CM)
    # T -> 0: ground state
    assert m.U(1.0) == pytest.approx(1.7 + 0.5 * invcm * nu.sum(), abs=1e-12)
    # softest mode 35 cm^-1 at 1 K: x = 50, S ~ kB x e^-x ~ 6e-25 eV/K
    assert m.S(1.0) == pytest.approx(0.0, abs=1e-23)
    # classical limit at T = 2e5 K: x <= 0.015, corrections x^2/24 per mode in S
    T = 2.0e5
    x = nu * HC_OVER_K / T
    S_cl = kB * np.sum(1.0 + np.log(1.0 / x))
    assert m.S(T) == pytest.approx(S_cl, rel=2e-5)
    assert m.Cp(T) == pytest.approx(len(nu) * kB, rel=1e-4)


def _limits_ideal_gas(m):
    # theta_rot = 2.77 K << 100 K << theta_vib = 3083 K: vibration in its ground state
    assert m.H(100.0) == pytest.approx(-1.23 + 0.5 * 2143.0 * invcm + 3.5 * kB * 100.0,
                                       abs=1e-10)
    # equipartition: (5/2 + 1 + 1) kB at T >> theta_vib (x = 0.031: Einstein Cv 1 - x^2/12)
    assert m.Cp(1.0e5) == pytest.approx(4.5 * kB, rel=1e-4)


def _limits_hindered(m):
    T = 300.0
    build = thermo_model("hindered").build
    # W -> 0: the free 2-D translator (exact limit; O(sqrt(W/kT)) at W = 1e-9 eV)
    hind_t = build(_hindered_inputs(W_t=1e-9))
    free_t = build(_hindered_inputs(W_t=0.0, translation="free"))
    assert hind_t.S(T) == pytest.approx(free_t.S(T), abs=1e-3 * kB)
    # W >> kT: harmonic oscillators at nu_translation (x2), nu_rotation; residual O(kT/W)
    h = build(_hindered_inputs(W_t=20.0, W_r=20.0))
    freqs = sorted(ETHANE_CM)[3:] + [h.nu_translation / (100 * 2.99792458e8)] * 2 + \
        [h.nu_rotation / (100 * 2.99792458e8)]
    assert abs(h.S(T) - HarmonicThermo(0.0, freqs).S(T)) < 5e-3 * kB
    assert m.S(T) > 0


def _limits_shomate(m):
    J = NA * eV
    for T, S in ((298.15, 197.660), (500.0, 212.831), (1000.0, 234.538)):
        assert m.S(T) * J == pytest.approx(S, rel=1.5e-3)
    for T, Cp in ((298.15, 29.142), (500.0, 29.794), (1000.0, 33.183)):
        assert m.Cp(T) * J == pytest.approx(Cp, rel=1.5e-3)


def _limits_frozen(m):
    for T in (1.0, 300.0, 3000.0):
        assert m.G(T) == 0.42 and m.S(T) == 0.0 and m.Cp(T) == 0.0


def _limits_nasa7(m):
    # NIST-JANAF N2 (Chase 1998): S and Cp at 298.15 and 1000 K, 1 bar; 1.5e-3 covers the
    # fit error of the polynomials and the 1 atm / 1 bar standard state (6e-4 in S)
    J = NA * eV
    for T, S in ((298.15, 191.609), (1000.0, 228.170)):
        assert m.S(T) * J == pytest.approx(S, rel=1.5e-3)
    for T, Cp in ((298.15, 29.124), (1000.0, 32.698)):     # GRI's fit: 1.8e-3 at 298 K
        assert m.Cp(T) * J == pytest.approx(Cp, rel=3e-3)
    assert abs(m.H(298.15) * J) < 50.0        # formation enthalpy of N2 is 0 (J/mol)


LIMITS = {"nasa7": _limits_nasa7, "harmonic": _limits_harmonic, "ideal_gas": _limits_ideal_gas,
          "hindered": _limits_hindered, "shomate": _limits_shomate, "frozen": _limits_frozen}


@pytest.mark.parametrize("name", sorted(THERMO_MODELS))
def test_limits(name):
    assert name in LIMITS, f"no limits stated for the thermo model {name!r}"
    LIMITS[name](thermo_model(name).build(CASES[name]))


def _ase_ideal_gas(m):
    from ase import Atoms
    from ase.thermochemistry import IdealGasThermo as Ase

    # a CO molecule whose moment of inertia gives theta_rot = 2.77 K
    from catscale.units import amu, h, kB_J
    I_SI = (h * eV) ** 2 / (8 * np.pi**2 * kB_J * 2.77)
    m1 = 12.0
    m2 = 28.0101 - m1                                    # masses summing to 28.0101 amu
    mu = m1 * m2 / (m1 + m2) * amu
    r = np.sqrt(I_SI / mu) * 1e10
    atoms = Atoms([6, 8], positions=[[0, 0, 0], [0, 0, r]], masses=[m1, m2])
    return Ase(vib_energies=[2143.0 * invcm], geometry="linear", potentialenergy=-1.23,
               atoms=atoms, symmetrynumber=1, spin=0), "gibbs"


def _ase_harmonic(m):
    from ase.thermochemistry import HarmonicThermo as Ase

    return Ase(np.asarray(ADS_CM) * invcm, potentialenergy=1.7), "helmholtz"


def _ase_hindered(m):
    from ase.thermochemistry import HinderedThermo as Ase

    return Ase(np.asarray(ETHANE_CM) * invcm, 0.049313, 0.017675, 1.5e15, 6, mass=30.07,
               inertia=73.149, potentialenergy=0.0), "helmholtz"


ASE = {"ideal_gas": _ase_ideal_gas, "harmonic": _ase_harmonic, "hindered": _ase_hindered}


@pytest.mark.parametrize("name", sorted(set(THERMO_MODELS) & set(ASE)))
def test_ase_agreement(name, ase_units_like_catscale):
    inp = CASES[name]
    if name == "hindered":         # ASE's standard state of the hindered translator
        inp = _hindered_inputs(standard_state="campbell")
    m = thermo_model(name).build(inp)
    ase, kind = ASE[name](m)
    for T in (100.0, 298.15, 1000.0):
        ref = (ase.get_gibbs_energy(T, 1e5, verbose=False) if kind == "gibbs"
               else ase.get_helmholtz_energy(T, verbose=False))
        assert m.G(T, 1e5) == pytest.approx(ref, abs=TOL_EV)


def test_unknown_model_lists_the_registered_ones():
    with pytest.raises(InvalidParameterError, match="hindered"):
        thermo_model("einstein")
    assert set(thermo_model_names(transition_state=True)) == {"harmonic", "frozen"}
