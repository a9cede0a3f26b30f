"""Pellet and reactor outputs of the UQ chain, computed per sample from the model's sections.

Per-sample cost is what matters here (10^4 samples of mean field + pellet in about a minute),
so the pellet is not solved with the general multi-species finite-volume solver and a
three-dimensional surrogate table (seconds per sample) but through an exact reduction:

**Stoichiometric line.** When the pellet is isothermal, every carried gas has the same
effective diffusivity (one ``D_eff``; equal film coefficients) and the gas production rates
are proportional to one fixed stoichiometry (a single overall reaction, e.g.
CO + 1/2 O2 -> CO2: checked numerically at every point the method evaluates), the invariants
D (c_j - nu_j c_key) are harmonic with the bulk values on the boundary, hence constant:

    c_j(r) = c_b,j + nu_j (s(r) - c_b,key),   nu_j = P_j / P_key  (nu_key = 1)

and the pellet reduces *exactly* to one equation for the key concentration s,

    (1/r^a) d/dr (r^a D ds/dr) = r(s),   ds/dr(0) = 0,   s(R) = c_b,key  (or a film).

r(s) is the mean-field consumption of the key gas at the composition on that line
(mol m^-3 s^-1, :mod:`catscale.bridges.kinetics_to_pellet` for the units). It is interpolated
by a Chebyshev polynomial through ``n_nodes`` Chebyshev-Lobatto points on the concentration
range the pellet visits (the bulk point is the steady state already solved for the TOF), and
the one-species problem is solved by conservative finite volumes (grid refined towards the
surface as in :func:`catscale.pellet.solve_pellet`) with a tridiagonal Newton.

**Verification, per sample** (the output ``pellet_error``): the table is compared with the
direct mean-field rate at three points of the solution (centre, and the cells at one third and
two thirds of the visited range), relative to the largest direct rate there; the table is
rebuilt on the visited range with more nodes while this exceeds ``tol`` (1e-3). The
finite-volume error is estimated by Richardson (|eta_N - eta_N/2| / 3, second order). The
reported ``pellet_error`` is their sum, an estimate of the relative error of the effectiveness
factor (a relative rate error eps changes eta by at most about eps: eta is a ratio of rates).

Explicit kinetics (``pellet.kinetics``): first order and isothermal without film: the closed
form of :func:`catscale.pellet.effectiveness_first_order` (exact); other isothermal power laws:
the same one-species solver with the exact rate (no table). Non-isothermal pellets and
mechanisms with more than one overall reaction fall back to the general solver
(:func:`catscale.bridges.kinetics_to_pellet.solve_pellet_verified` for microkinetics,
:func:`catscale.pellet.solve_pellet` for explicit laws): correct, but seconds per sample.

**Reactor** (``conversion``): the packed bed of the ``reactor:`` section through
:func:`catscale.reactor.pfr` / :func:`~catscale.reactor.cstr`, with the observed rate per bed
volume (1 - eps_b) x (pellet observed production) evaluated by the reduction above at every
bulk state the integrator asks for (the observed production of every species is the key
rate times nu, as the invariants hold inside the pellet). Cheaper than ``catscale reactor``:
RK45 at ``rtol`` 1e-5 instead of 1e-8, ``uq_cells`` (default 24) pellet cells instead of
``reactor.pellet_cells`` and a table of 7 nodes per bed point.

Units: m, s, K, mol m^-3; rates per pellet volume in mol m^-3 s^-1.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.polynomial import chebyshev as cheb
from scipy.linalg import solve_banded

from ..errors import CatscaleError, ConvergenceError, InvalidParameterError, ModelFileError

__all__ = ["LineSolution", "solve_line_pellet", "PelletStage", "ReactorStage"]

_SHAPE_A = {"slab": 0, "cylinder": 1, "sphere": 2}


# -- the one-species pellet ------------------------------------------------------------------
@dataclass(frozen=True)
class LineSolution:
    """Steady one-species pellet.

    Attributes
    ----------
    r : ndarray (N,)
        Cell centres, m.
    s : ndarray (N,)
        Key concentration at the cell centres, mol m^-3.
    s_surface : float
        Concentration at the external surface, mol m^-3.
    observed : float
        Observed consumption per pellet volume (surface flux x S/V), mol m^-3 s^-1.
    effectiveness : float
        observed / r(s_surface) (internal effectiveness factor).
    effectiveness_overall : float
        observed / r(s_bulk).
    thiele : float
        Aris modulus L sqrt(r(s_surface) / (s_surface D)), L = V/S.
    mass_balance_error : float
        |surface flux - volume integral of the rate| / volume integral (round-off).
    """

    r: np.ndarray
    s: np.ndarray
    s_surface: float
    observed: float
    effectiveness: float
    effectiveness_overall: float
    thiele: float
    mass_balance_error: float


def _grid(R: float, n: int, beta: float) -> np.ndarray:
    xi = np.linspace(0.0, 1.0, n + 1)
    if beta <= 1e-9:
        return R * xi
    return R * (1.0 - np.expm1(beta * (1.0 - xi)) / np.expm1(beta))


def solve_line_pellet(shape: str, size: float, D: float, s_bulk: float, rate, *,
                      k_ext: float | None = None, n_cells: int = 40,
                      stretch: float | None = None, max_iter: int = 60) -> LineSolution:
    """Steady reaction-diffusion of one species in a slab, cylinder or sphere.

    (1/r^a) d/dr (r^a D ds/dr) = rate(s), symmetry at r = 0, s = s_bulk at r = R (or the
    film D ds/dr = k_ext (s_bulk - s)). Conservative finite volumes, O(h^2), Newton with a
    tridiagonal Jacobian (damped), started from the bulk value.

    Parameters
    ----------
    shape : str
        ``"slab"``, ``"cylinder"`` or ``"sphere"``.
    size : float
        Half-thickness or radius R, m.
    D : float
        Effective diffusivity, m^2 s^-1.
    s_bulk : float
        Bulk concentration, mol m^-3 (> 0).
    rate : callable
        ``rate(s) -> (r, dr/ds)`` for an array of concentrations (mol m^-3): consumption per
        pellet volume, mol m^-3 s^-1, and its derivative, s^-1.
    k_ext : float, optional
        Film mass-transfer coefficient, m s^-1 (None: no film).
    n_cells : int
        Finite volumes.
    stretch : float, optional
        Grid refinement towards the surface (default from the bulk modulus:
        clip(ln phi + 1, 0, 6), as :func:`catscale.pellet.solve_pellet`).

    Returns
    -------
    LineSolution

    Raises
    ------
    ConvergenceError
        Newton did not converge.
    """
    if shape not in _SHAPE_A:
        raise InvalidParameterError("shape", f"one of {sorted(_SHAPE_A)}", shape)
    a = _SHAPE_A[shape]
    for name, v in (("size", size), ("D", D), ("s_bulk", s_bulk)):
        if not (np.isfinite(v) and v > 0):
            raise InvalidParameterError(name, "> 0", v)
    if int(n_cells) < 4:
        raise InvalidParameterError("n_cells", ">= 4", n_cells)
    R, N = float(size), int(n_cells)
    L = R / (a + 1)
    rb = float(np.asarray(rate(np.array([s_bulk]))[0])[0])
    if stretch is None:
        phi_b = L * math.sqrt(max(rb, 0.0) / (s_bulk * D))
        stretch = float(np.clip(math.log(max(phi_b, 1e-300)) + 1.0, 0.0, 6.0))
    f = _grid(R, N, stretch)
    x = 0.5 * (f[:-1] + f[1:])
    A = f**a
    V = (f[1:] ** (a + 1) - f[:-1] ** (a + 1)) / (a + 1)
    G = A[1:-1] * D / np.diff(x)                                   # (N-1,) inner faces
    res_s = (R - x[-1]) / D + (1.0 / k_ext if k_ext else 0.0)
    Gs = A[-1] / res_s                                             # surface conductance

    def residual(s, lam):
        r, dr = rate(s)
        F = -lam * V * r
        F[:-1] += G * (s[1:] - s[:-1])
        F[1:] -= G * (s[1:] - s[:-1])
        F[-1] += Gs * (s_bulk - s[-1])
        return F, r, dr

    scale = float(np.sum(V) * max(abs(rb), 1e-300))
    ab = np.zeros((3, N))

    def newton(s, lam):
        F, r, dr = residual(s, lam)
        for _ in range(int(max_iter)):
            diag = -lam * V * dr
            diag[:-1] -= G
            diag[1:] -= G
            diag[-1] -= Gs
            ab[0, 1:] = G
            ab[1] = diag
            ab[2, :-1] = G
            ds = solve_banded((1, 1), ab, -F, check_finite=False)
            nF = np.max(np.abs(F))
            step = 1.0
            for _k in range(30):
                s_new = s + step * ds
                F_new, r_new, dr_new = residual(s_new, lam)
                if (np.all(np.isfinite(F_new))
                        and np.max(np.abs(F_new)) <= (1 - 1e-4 * step) * nF):
                    break
                step *= 0.5
            else:
                return None
            change = float(np.max(np.abs(s_new - s)))
            s, F, r, dr = s_new, F_new, r_new, dr_new
            if change <= 1e-12 * s_bulk or np.max(np.abs(F)) <= 1e-13 * scale:
                return s, r
        return None

    def attempt(s0, lam):
        try:
            return newton(s0, lam)
        except (np.linalg.LinAlgError, ValueError, FloatingPointError):
            return None

    out = attempt(np.full(N, float(s_bulk)), 1.0)
    if out is None:
        # natural continuation in the reaction scale lam: 0 (no reaction) -> 1
        lam, dlam, s_prev = 0.0, 0.05, np.full(N, float(s_bulk))
        while lam < 1.0:
            nxt = min(1.0, lam + dlam)
            got = attempt(s_prev, nxt)
            if got is None:
                dlam *= 0.25
                if dlam < 1e-5:
                    raise ConvergenceError(
                        "one-species pellet: no steady state (fold of the branch?)",
                        tried=["Newton from the bulk state",
                               f"continuation in the reaction scale stopped at {lam:.4g}"])
                continue
            s_prev, lam, dlam = got[0], nxt, min(2.0 * dlam, 0.25)
        out = (s_prev, rate(s_prev)[0])
    s, r = out
    flux = Gs * (s_bulk - s[-1])                      # into the pellet, per unit solid angle
    V_tot = R ** (a + 1) / (a + 1)
    observed = flux / V_tot
    integral = float(V @ r)
    mb = abs(flux - integral) / max(abs(integral), 1e-300)
    s_s = s_bulk - (flux / A[-1] / k_ext if k_ext else 0.0)
    r_s = float(rate(np.array([s_s]))[0][0])
    eta = observed / r_s if r_s > 0 else float("nan")
    eta_o = observed / rb if rb > 0 else float("nan")
    phi = L * math.sqrt(r_s / (s_s * D)) if (r_s > 0 and s_s > 0) else float("nan")
    return LineSolution(x, s.copy(), float(s_s), float(observed), float(eta), float(eta_o),
                        float(phi), float(mb))


# -- the Chebyshev table of the microkinetic rate along the stoichiometric line ----------------
class _LineTable:
    """r(s) through Chebyshev-Lobatto nodes on [lo, hi], linear beyond (for Newton iterates).

    When ``lo`` is the physical end of the line (a co-reactant runs out: the rate vanishes and
    the key concentration cannot fall further), the continuation below ``lo`` is clipped at
    zero rate, as the direct law gives there."""

    def __init__(self, lo: float, hi: float, values: np.ndarray, floor: bool = False):
        n = values.size
        self.lo, self.hi, self.floor = lo, hi, floor
        x = np.cos(np.pi * np.arange(n) / (n - 1))
        self.coef = cheb.chebfit(x, values, n - 1)
        self.dcoef = cheb.chebder(self.coef)

    @staticmethod
    def nodes(lo: float, hi: float, n: int) -> np.ndarray:
        x = np.cos(np.pi * np.arange(n) / (n - 1))        # x[0] = 1 -> hi (the bulk point)
        return 0.5 * (lo + hi) + 0.5 * (hi - lo) * x

    def __call__(self, s):
        s = np.asarray(s, float)
        h = 0.5 * (self.hi - self.lo)
        xv = (s - 0.5 * (self.lo + self.hi)) / h
        xc = np.clip(xv, -1.0, 1.0)
        d = cheb.chebval(xc, self.dcoef)
        r = cheb.chebval(xc, self.coef) + (xv - xc) * d
        dr = d / h
        # outside the table the continuation never goes below zero rate (above the bulk
        # value a rate that falls with s would otherwise create a spurious s > s_bulk branch)
        out = ((xv < -1.0) & (self.floor | (r < 0.0))) | ((xv > 1.0) & (r < 0.0))
        out &= r < 0.0
        r = np.where(out, 0.0, r)
        dr = np.where(out, 0.0, dr)
        return r, dr


@dataclass
class _Line:
    """Pellet of one bulk state by the stoichiometric-line reduction (microkinetic law)."""

    law: Any                 # direct RateLaw (catscale.bridges.kinetics_to_pellet)
    c_bulk: np.ndarray
    T: float
    nu: np.ndarray
    lo: float                # lowest feasible key concentration (a co-reactant runs out)
    rb: float                # key consumption at the bulk state, mol m^-3 s^-1
    P_bulk: np.ndarray       # production vector at the bulk state

    def points(self, s: np.ndarray) -> np.ndarray:
        k = self.law.key
        C = self.c_bulk[:, None] + self.nu[:, None] * (np.asarray(s) - self.c_bulk[k])[None, :]
        return np.maximum(C, 0.0)

    def direct(self, s: np.ndarray) -> tuple[np.ndarray, float]:
        """Key consumption (mol m^-3 s^-1) at s and the largest departure from the single
        stoichiometry (relative to the largest production there)."""
        P = self.law(self.points(s), np.full(np.size(s), self.T))
        r = -P[self.law.key]
        dev = np.max(np.abs(P + self.nu[:, None] * r[None, :])) / max(np.max(np.abs(P)),
                                                                      1e-300)
        return r, float(dev)


_SINGLE_REACTION_TOL = 1e-6


def _line_setup(law, c_bulk, T) -> _Line:
    c_bulk = np.asarray(c_bulk, float)
    k = law.key
    P = law(c_bulk, T)
    rb = -float(P[k])
    if not rb > 0:
        raise CatscaleError(f"the key gas {law.species[k]!r} is not consumed at the bulk state "
                            f"(rate {-rb:.3g} mol/m^3/s): no effectiveness factor")
    nu = P / P[k]                      # nu_key = 1, reactants > 0, products < 0
    lo = 0.0
    for j in range(law.n):
        if j != k and nu[j] > 0:
            lo = max(lo, c_bulk[k] - c_bulk[j] / nu[j])
    return _Line(law, c_bulk, float(T), nu, lo, rb, P)


def _line_pellet(line: _Line, shape: str, size: float, D: float, k_ext: float | None,
                 n_cells: int, n_nodes: int = 7, tol: float = 1e-3, max_rounds: int = 4,
                 richardson: bool = True) -> tuple[LineSolution, float]:
    """(solution, estimated relative error of eta). Raises _NotSingle when the production
    is not one stoichiometry."""
    k = line.law.key
    sb = float(line.c_bulk[k])
    a = _SHAPE_A[shape]
    # first range: the centre depletion of a zero-order rate (plus the film drop), x 1.5
    depl = line.rb * size**2 / (2 * (a + 1) * D) + (line.rb * size / (a + 1) / k_ext
                                                     if k_ext else 0.0)
    lo = max(line.lo, sb - 1.5 * depl)
    n = int(n_nodes)
    err = np.inf
    sol = None
    for _ in range(int(max_rounds)):
        hi = sb
        if not hi - lo > 1e-12 * sb:
            lo = max(line.lo, sb * (1 - 1e-6))
        s_nodes = _LineTable.nodes(lo, hi, n)
        vals = np.empty(n)
        vals[0] = line.rb
        vals[1:], dev = line.direct(s_nodes[1:])
        if dev > _SINGLE_REACTION_TOL:
            raise _NotSingle(dev)
        table = _LineTable(lo, hi, vals, floor=lo <= line.lo * (1 + 1e-12))
        sol = solve_line_pellet(shape, size, D, sb, table, k_ext=k_ext, n_cells=n_cells)
        smin = float(sol.s.min())
        inside = smin >= lo - 1e-9 * sb
        span = max(sb - smin, 1e-9 * sb)
        chk = np.array([smin, smin + span / 3, smin + 2 * span / 3])
        ref, dev = line.direct(chk)
        if dev > _SINGLE_REACTION_TOL:
            raise _NotSingle(dev)
        err = float(np.max(np.abs(table(chk)[0] - ref)) / max(np.max(np.abs(ref)), 1e-300))
        if inside and err <= tol:
            break
        # rebuild on the visited range (with a margin), more nodes if the range was right
        new_lo = max(line.lo, smin - 0.15 * span)
        if inside and abs(new_lo - lo) < 0.3 * (hi - lo):
            n = min(2 * n - 1, 33)
        lo = new_lo
    disc = 0.0
    if richardson and sol is not None:
        coarse = solve_line_pellet(shape, size, D, sb, table, k_ext=k_ext,
                                   n_cells=max(4, n_cells // 2))
        disc = abs(sol.effectiveness - coarse.effectiveness) / 3.0 / max(
            abs(sol.effectiveness), 1e-300)
    return sol, float(err + disc)


class _NotSingle(CatscaleError):
    def __init__(self, dev: float):
        super().__init__(f"gas production is not one stoichiometry (departure {dev:.2g})")
        self.dev = dev


# -- stages built from the model's sections ----------------------------------------------------
def _lateral(m) -> dict | None:
    """Model lateral interactions as ``{"A*-B*": eV}`` (the kinetics convention)."""
    lat = {(f"{k[0]}-{k[1]}" if isinstance(k, tuple) else k): v
           for k, v in (m.lateral or {}).items()}
    return lat or None


def _section_error(model, field: str, msg: str) -> ModelFileError:
    return ModelFileError(model.path, field, msg)


class PelletStage:
    """The ``pellet:`` section of a model as a per-sample UQ output.

    Parameters
    ----------
    model : Model
        Nominal model with a ``pellet:`` section (``D_eff`` omitted: taken once from the
        ``microstructure:`` section through the homogenization bridge, as ``catscale run``).
    n_cells : int
        Finite volumes of the one-species pellet (default 40; error estimated per sample).
    n_nodes : int
        Chebyshev-Lobatto nodes of the rate table along the stoichiometric line (default 7).
    tol : float
        Largest relative error of the table at the solution before it is rebuilt.

    Calling ``stage(model_i, rates_i, D_factor)`` with the sample's perturbed model, its
    RateTable at ``model_i.T`` and the factor on D_eff returns ``effectiveness`` (internal),
    ``thiele`` (Aris modulus of the key gas) and ``pellet_error`` (estimated relative error
    of the effectiveness; 0 for the closed form), see the module docstring.
    """

    def __init__(self, model, n_cells: int = 40, n_nodes: int = 7, tol: float = 1e-3):
        from ..cli.cmd_pellet import pellet_inputs

        sec = model.pellet
        if sec is None:
            raise _section_error(model, "pellet", "expected a pellet: section")
        D = sec.D_eff
        if D is None:
            if model.microstructure is None:
                raise _section_error(model, "pellet.D_eff", "expected D_eff or a "
                                     "microstructure: section to compute it, found neither")
            from ..cli.cmd_homogenize import homogenize_section

            D = float(homogenize_section(model)[1].D_eff)
        upd: dict[str, Any] = {"D_eff": float(D), "surrogate": False}
        if sec.kinetics is not None and sec.kinetics.T_ref is None:
            # k is given at the model's nominal T: a sampled T changes k through Ea
            upd["kinetics"] = sec.kinetics.model_copy(update={"T_ref": model.T})
        self.section = sec.model_copy(update=upd)
        try:
            pel, kin, cb, T, _, _ = pellet_inputs(self._with(model, 1.0))
        except InvalidParameterError as exc:   # name the field of the file
            raise ModelFileError(model.path, str(exc.name).split(": ")[-1],
                                 f"expected {exc.expected}, found {exc.found!r}") from None
        self.species = tuple(kin.species)
        self.key = self.species[kin.key]
        self.explicit = sec.kinetics is not None
        self.isothermal = sec.conductivity is None
        self.n_cells, self.n_nodes, self.tol = int(n_cells), int(n_nodes), float(tol)
        kx = sec.k_ext
        self.first_order = (self.explicit and self.isothermal and kx is None
                            and float(sec.kinetics.order) == 1.0)

    # the sample's model with this stage's pellet section (D_eff scaled)
    def _with(self, m, D_factor: float):
        sec = self.section.model_copy(update={"D_eff": self.section.D_eff * float(D_factor)})
        return dataclasses.replace(m, sections={**m.sections, "pellet": sec})

    def direct_law(self, m, rates):
        """The direct microkinetic RateLaw of the perturbed model (rates: a RateTable for an
        isothermal pellet, or a callable T -> RateTable)."""
        from ..bridges.kinetics_to_pellet import MicrokineticCoupling, microkinetic_rate_law

        cp = MicrokineticCoupling(m.mechanism, rates, self.section.specific_area,
                                  gas_species=self.species, enthalpies=self.section.enthalpies,
                                  lateral=_lateral(m), coordination=m.coordination(),
                                  key=self.key)
        return microkinetic_rate_law(cp)

    def bulk(self, m) -> np.ndarray:
        """Bulk concentrations of the carried gases, mol m^-3 (pellet_inputs convention)."""
        from ..units import R

        return np.array([m.pressures.get(s, 0.0) * 1e5 / (R * m.T) for s in self.species])

    def __call__(self, m, rates, D_factor: float = 1.0) -> dict[str, float]:
        from ..cli.cmd_pellet import pellet_inputs
        from ..pellet import effectiveness_first_order, solve_pellet

        sec = self.section
        D = sec.D_eff * float(D_factor)
        if self.explicit:
            pel, kin, cb, T, _, _ = pellet_inputs(self._with(m, D_factor))
            k = kin.key
            if self.first_order:
                kv = -float(kin(cb, T)[k]) / cb[k] if cb[k] > 0 else float("nan")
                phi = pel.length * math.sqrt(kv / D)
                return {"effectiveness": float(effectiveness_first_order(phi, sec.shape)),
                        "thiele": phi, "pellet_error": 0.0}
            if self.isothermal:
                line = _line_setup(kin, cb, T)

                def exact(s, _line=line):
                    s = np.asarray(s, float)
                    h = 1e-7 * max(float(cb[k]), 1e-30)
                    r0 = -kin(_line.points(s), np.full(s.size, T))[k]
                    rp = -kin(_line.points(s + h), np.full(s.size, T))[k]
                    rm = -kin(_line.points(s - h), np.full(s.size, T))[k]
                    return r0, (rp - rm) / (2 * h)

                sol = solve_line_pellet(sec.shape, sec.size, D, float(cb[k]), exact,
                                        k_ext=sec.k_ext, n_cells=self.n_cells)
                coarse = solve_line_pellet(sec.shape, sec.size, D, float(cb[k]), exact,
                                           k_ext=sec.k_ext, n_cells=max(4, self.n_cells // 2))
                err = abs(sol.effectiveness - coarse.effectiveness) / 3 / sol.effectiveness
                return {"effectiveness": sol.effectiveness, "thiele": sol.thiele,
                        "pellet_error": float(err)}
            res = solve_pellet(pel, kin, cb, T, n_cells=self.n_cells, method="newton")
            coarse = solve_pellet(pel, kin, cb, T, n_cells=max(4, self.n_cells // 2),
                                  method="newton")
            e = res.states[0].effectiveness
            return {"effectiveness": e, "thiele": res.states[0].thiele,
                    "pellet_error": abs(e - coarse.states[0].effectiveness) / 3 / abs(e)}
        cb = self.bulk(m)
        if self.isothermal:
            law = self.direct_law(m, rates)
            try:
                sol, err = _line_pellet(_line_setup(law, cb, m.T), sec.shape, sec.size, D,
                                        sec.k_ext, self.n_cells, self.n_nodes, self.tol)
                return {"effectiveness": sol.effectiveness, "thiele": sol.thiele,
                        "pellet_error": err}
            except _NotSingle:
                pass
        # general route (non-isothermal or several overall reactions): seconds per sample
        from ..bridges.kinetics_to_pellet import solve_pellet_verified

        pel, kin, cb, T, _, _ = pellet_inputs(self._with(m, D_factor))
        res, err, _how = solve_pellet_verified(pel, kin, cb, T, n_cells=self.n_cells)
        st = res.states[0]
        return {"effectiveness": st.effectiveness, "thiele": st.thiele,
                "pellet_error": float(err)}


class ReactorStage:
    """The ``reactor:`` section of a model as a per-sample UQ output (``conversion``).

    Parameters
    ----------
    model : Model
        Nominal model with ``reactor:`` and ``pellet:`` sections.
    pellet : PelletStage
        The pellet of the same model.
    n_cells : int
        Pellet finite volumes at each bed point (default 24, or ``reactor.pellet_cells`` if
        smaller).
    rtol : float
        Relative tolerance of the PFR integration (default 1e-5).

    Calling ``stage(model_i, rates_i, D_factor)`` returns ``{"conversion": X}`` of the key
    gas (dimensionless) for the sample's perturbed model.
    """

    def __init__(self, model, pellet: PelletStage, n_cells: int = 24, rtol: float = 1e-5):
        sec = model.reactor
        if sec is None:
            raise _section_error(model, "reactor", "expected a reactor: section")
        if sec.key is not None and sec.key not in pellet.species:
            raise _section_error(model, "reactor.key",
                                 f"expected a gas of the pellet {list(pellet.species)}, found "
                                 f"{sec.key!r}")
        if sec.adiabatic and sec.heat_capacity is None:
            raise _section_error(model, "reactor.heat_capacity",
                                 "expected a heat capacity for an adiabatic reactor, found none")
        self.section = sec
        self.pellet = pellet
        self.n_cells = int(min(n_cells, sec.pellet_cells))
        self.rtol = float(rtol)

    def _feed(self, m):
        sec, species = self.section, self.pellet.species
        p = dict(m.pressures)
        P = sec.pressure if sec.pressure is not None else sum(p.values()) * 1e5
        ptot = sum(p.get(s, 0.0) for s in species)
        if not ptot > 0:
            raise InvalidParameterError("conditions.pressures",
                                        f"a positive pressure of {list(species)}", p)
        F_in = np.array([sec.flow * p.get(s, 0.0) / ptot for s in species])
        key = species.index(sec.key or self.pellet.key)
        return P, F_in, key

    def bed_rate(self, m, rates, D_factor: float = 1.0):
        """``rate(c, T) -> (R, q)`` per bed volume (mol m^-3 s^-1, W m^-3) of the sample."""
        from ..bridges.pellet_to_reactor import BedRateSpec, bed_rate_from_pellet
        from ..cli.cmd_pellet import pellet_inputs
        from ..pellet import effectiveness_first_order

        ps = self.pellet
        psec = ps.section
        solid = 1.0 - self.section.bed_voidage
        D = psec.D_eff * float(D_factor)
        if ps.explicit:
            pel, kin, _, _, _, _ = pellet_inputs(ps._with(m, D_factor))
            if ps.first_order:
                k = kin.key

                def rate(c, T):
                    c = np.asarray(c, float)
                    Rv = kin(c, T)
                    kv = -float(kin(np.eye(kin.n)[k], T)[k])   # first order: k(T), s^-1
                    eta = effectiveness_first_order(pel.length * math.sqrt(max(kv, 0) / D),
                                                    psec.shape)
                    return solid * eta * Rv, solid * eta * float(kin.heat_release(c, T))
                return rate
            return bed_rate_from_pellet(BedRateSpec(pel, kin, self.section.bed_voidage,
                                                    self.n_cells))
        if not ps.isothermal:
            sur = psec.model_copy(update={"D_eff": D, "surrogate": True})
            pel, kin, _, _, _, _ = pellet_inputs(dataclasses.replace(
                m, sections={**m.sections, "pellet": sur}))
            return bed_rate_from_pellet(BedRateSpec(pel, kin, self.section.bed_voidage,
                                                    self.n_cells))
        T0 = m.T

        @functools.lru_cache(maxsize=8)
        def rates_at(T):
            return rates if T == T0 else m.rates(T)

        law = ps.direct_law(m, rates_at)
        H = (np.array([float(psec.enthalpies.get(g, 0.0)) for g in ps.species])
             if psec.enthalpies else None)

        def rate(c, T):
            line = _line_setup(law, np.maximum(np.asarray(c, float), 0.0), float(T))
            sol, _err = _line_pellet(line, psec.shape, psec.size, D, psec.k_ext,
                                     self.n_cells, ps.n_nodes, ps.tol, richardson=False)
            Rv = -sol.observed * line.nu                  # observed production, every gas
            q = float(-(H @ Rv)) if H is not None else 0.0
            return solid * Rv, solid * q
        return rate

    def __call__(self, m, rates, D_factor: float = 1.0) -> dict[str, float]:
        from ..reactor import cstr, pfr

        sec = self.section
        P, F_in, key = self._feed(m)
        rate = self.bed_rate(m, rates, D_factor)
        kw = dict(adiabatic=sec.adiabatic, heat_capacity=sec.heat_capacity, key=key,
                  products=sec.products)
        if sec.type == "pfr":
            res = pfr(rate, self.pellet.species, F_in, m.T, P, sec.volume, n_points=2,
                      rtol=self.rtol, **kw)
        else:
            res = cstr(rate, self.pellet.species, F_in, m.T, P, sec.volume, **kw)
        return {"conversion": float(res.conversion)}
