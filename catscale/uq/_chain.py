"""Wiring: model file + uncertainty section -> uncertain inputs and a sample -> outputs map.

``space_from_section`` turns the validated ``uncertainty:`` section into an
:class:`UncertaintySpace`; :class:`ChainModel` is the picklable callable that, for one sample,
shifts the energies of the model (``Model.with_energy_shifts``), gets the rate constants
(thermo -> TST -> detailed balance: at the nominal T from the nominal free energies plus the
shifts, :class:`catscale.uq._fast.RateShifter`, equal to ``Model.rates`` of the shifted model
to 1e-12), solves the verified mean-field steady state (``catscale.kinetics``, on the
nominal network with the nominal state as an extra start) and returns TOF, degrees of rate
control, coverages and, from the model's ``pellet:`` and ``reactor:`` sections, the
effectiveness factor of the sample's pellet and the conversion of its packed bed
(:mod:`catscale.uq._pellet`: an exact one-species reduction with a verified rate table, its
error estimate reported per sample as ``pellet_error`` and its route as ``pellet_route``).

Site heterogeneity (a ``sites`` input) is treated as a patch of independent sites: each
site's steady state is solved with its own energy shift and the patch TOF is the site
average; the patch degree of rate control is the TOF-weighted average of the site values
(exact for d ln(mean TOF) / d ln k). With the ``effectiveness`` output of a ``pellet:``
section, the pellet's rate at every local composition is the site average too (each site's
mean field continued along the stoichiometric line).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import CatscaleError, InvalidParameterError, ModelFileError
from ._distributions import (
    EnergyEnsemble,
    LogNormal,
    MultivariateNormal,
    Normal,
    SiteClass,
    SiteEnergies,
    UncertainInput,
    UncertaintySpace,
    Uniform,
)

__all__ = ["space_from_section", "ChainModel", "chain_function", "PelletLink", "OUTPUTS"]

#: outputs a ChainModel can compute (``uncertainty.outputs``)
OUTPUTS = ("tof", "drc", "coverages", "effectiveness", "conversion")


@dataclass(frozen=True)
class PelletLink:
    """How the mean-field rate feeds the pellet scale (a stand-in for the kinetics -> pellet
    bridge, which does not exist yet).

    The local rate is linearised as first order in the key reactant at the bulk state:
    r_v = n_v * r_key (mol m^-3 s^-1, with r_key the consumption of the key gas in s^-1 per
    site and n_v the moles of sites per m^3 of pellet), k_v = r_v / c_key (s^-1), and the
    effectiveness factor of that first-order rate comes from :mod:`catscale.pellet`
    (Aris modulus phi = (V/S) sqrt(k_v / D_eff); analytic, or the finite-volume solver).

    Attributes
    ----------
    shape : str
        ``"slab"``, ``"cylinder"`` or ``"sphere"``.
    size : float
        Half-thickness or radius, m.
    D_eff : float
        Effective diffusivity of the key gas in the pellet, m^2 s^-1.
    site_concentration : float
        Moles of active sites per m^3 of pellet, mol m^-3 (site density x area per volume /
        N_A).
    key : str
        Gas whose consumption is followed (e.g. ``"CO"``).
    method : str
        ``"analytic"`` (first-order closed form) or ``"fv"`` (``catscale.pellet.solve_pellet``).
    """

    shape: str
    size: float
    D_eff: float
    site_concentration: float
    key: str
    method: str = "analytic"

    def __post_init__(self):
        from ..pellet import characteristic_length

        characteristic_length(self.shape, self.size)
        for name in ("D_eff", "site_concentration"):
            v = getattr(self, name)
            if not (np.isfinite(v) and v > 0):
                raise InvalidParameterError(f"pellet.{name}", "> 0", v)
        if self.method not in ("analytic", "fv"):
            raise InvalidParameterError("pellet.method", "'analytic' or 'fv'", self.method)

    def __call__(self, r_key: float, T: float, p_key_bar: float, D_factor: float = 1.0
                 ) -> tuple[float, float]:
        """(effectiveness, Aris modulus) for a key-gas consumption ``r_key`` (s^-1 per site)
        at ``T`` (K) and partial pressure ``p_key_bar`` (bar)."""
        from ..pellet import Pellet, characteristic_length, effectiveness_first_order
        from ..units import R, bar

        c = p_key_bar * bar / (R * T)                       # mol m^-3
        if not c > 0:
            raise InvalidParameterError(f"pressures.{self.key}", "> 0 bar for the pellet",
                                        p_key_bar)
        kv = max(r_key, 0.0) * self.site_concentration / c   # s^-1
        D = self.D_eff * D_factor
        phi = characteristic_length(self.shape, self.size) * math.sqrt(kv / D)
        if self.method == "analytic":
            return float(effectiveness_first_order(phi, self.shape)), float(phi)
        from ..pellet import power_law, solve_pellet

        res = solve_pellet(Pellet(self.shape, self.size, D), power_law(kv, 1.0), [c], T,
                           method="newton", n_cells=100)
        return float(res.effectiveness), float(phi)


def _targets_ok(model, spec, i: int) -> tuple[str, ...]:
    """Check species / saddle-point names against the model; return the shift keys."""
    path = model.path
    field = f"uncertainty.inputs[{i}]"
    if spec.parameter is not None:
        p = spec.parameter
        if p.startswith("p:") and p[2:] not in model.pressures:
            raise ModelFileError(path, f"{field}.parameter",
                                 f"expected 'p:<gas>' with a gas of the model "
                                 f"{sorted(model.pressures)}, found {p!r}")
        return (p,)
    n_steps = len(model.mechanism.steps)
    known = set(model.species_specs)
    out = []
    for s in spec.species:
        if s.startswith("ts:"):
            try:
                j = int(s[3:])
            except ValueError:
                j = -1
            if not 0 <= j < n_steps:
                raise ModelFileError(path, f"{field}.species",
                                     f"expected a species of the model or 'ts:<step index "
                                     f"0..{n_steps - 1}>', found {s!r}")
        elif s not in known:
            raise ModelFileError(path, f"{field}.species",
                                 f"expected species of the model {sorted(known)} or "
                                 f"'ts:<step index>', found {s!r}")
        out.append(s)
    return tuple(out)


def space_from_section(section: Any, model: Any = None) -> UncertaintySpace:
    """Build the uncertain inputs from a validated ``UncertaintySection``.

    Parameters
    ----------
    section : UncertaintySection
        ``model.sections.uncertainty``.
    model : Model, optional
        Used to check that every species / saddle point / parameter named exists.

    Returns
    -------
    UncertaintySpace
    """
    ins = []
    for i, s in enumerate(section.inputs):
        targets = _targets_ok(model, s, i) if model is not None else tuple(
            s.species or [s.parameter])
        k = len(targets)
        try:
            if s.distribution == "normal":
                if k > 1 and not s.systematic:
                    if s.covariance is not None:
                        m = np.broadcast_to(np.asarray(s.mean, float), (k,))
                        d = MultivariateNormal(mean=tuple(m), cov=tuple(map(tuple,
                                                                           s.covariance)))
                    else:
                        d = MultivariateNormal.from_correlation(
                            s.sigma, 0.0 if s.correlation is None else s.correlation,
                            mean=s.mean, k=k)
                else:
                    d = Normal(float(s.mean), float(s.sigma))
            elif s.distribution == "uniform":
                d = Uniform(float(s.low), float(s.high))
            elif s.distribution == "lognormal":
                d = LogNormal(float(s.median), float(s.sigma_ln))
            elif s.distribution == "ensemble":
                d = EnergyEnsemble(np.array(s.sets, dtype=float), center=s.center)
            else:
                d = SiteEnergies(tuple(SiteClass(n, c.fraction, c.mean, c.sigma)
                                       for n, c in s.classes.items()), s.n_sites)
            ins.append(UncertainInput(s.name, s.kind, d, targets))
        except InvalidParameterError as exc:
            if model is None:
                raise
            raise ModelFileError(model.path, f"uncertainty.inputs[{i}].{exc.name}",
                                 f"expected {exc.expected}, found {exc.found!r}") from None
    return UncertaintySpace(tuple(ins))


def _steady(model, T: float | None, pressures: dict | None):
    return _steady_full(model, T, pressures)[0]


def _steady_full(model, T: float | None, pressures: dict | None):
    """(steady state, model at the sample's conditions, its RateTable)."""
    from ..kinetics import steady_state

    m = model if (T is None and pressures is None) else model.with_conditions(T, pressures)
    rt = m.rates()
    ss = steady_state(m.mechanism, rt, m.pressures, lateral=model.mean_field_lateral(),
                      coordination=model.coordination(), alpha=model.lateral_alpha(),
                      coverage_effects=model.coverage_effects())
    return ss, m, rt


def _drc(ss, product: str) -> dict[str, float]:
    from ..kinetics import degree_of_rate_control

    return degree_of_rate_control(ss, product)


class ChainModel:
    """Picklable map ``sample -> outputs`` through the chain of one model file.

    Parameters
    ----------
    model : Model
        From :func:`catscale.model.load_model`.
    space : UncertaintySpace
        Inputs whose targets are species names / ``"ts:<j>"`` (energy shifts, eV) or the
        parameters ``"T"`` (additive, K), ``"D_eff"`` (factor), ``"p:<gas>"`` (factor).
    outputs : sequence of str
        Any of ``"tof"`` (also gives ``log10_tof``), ``"drc"``, ``"coverages"``,
        ``"effectiveness"``, ``"conversion"``.
    pellet : PelletLink, optional
        Explicit first-order pellet link (otherwise the model's ``pellet:`` section is used
        for ``effectiveness`` and ``conversion``).
    field : str
        Name used in errors about ``outputs`` (``"uncertainty.outputs"``).
    pellet_cells, reactor_cells : int
        Finite volumes of the sample's pellet (effectiveness) and of each pellet along the
        bed (conversion).

    Calling it with a sample ``x`` (input name -> value) returns a dict: ``tof`` (s^-1 per
    site, of the main product), ``log10_tof``, ``drc[<equation>]`` (dimensionless),
    ``theta[<species>]``; with a pellet: ``effectiveness`` (internal effectiveness factor
    of the key gas), ``thiele`` (Aris modulus) and, from a ``pellet:`` section,
    ``pellet_error`` (estimated relative error of the effectiveness) and ``pellet_route``
    (0: stoichiometric line, 1: general solver, 2: general solver because the mean-field
    rate along the line is multivalued); with a ``reactor:``
    section ``conversion`` (key gas, dimensionless). The sample's energy shifts, T, partial
    pressures and D_eff factor act on the pellet and the bed as on the mean field.
    """

    def __init__(self, model, space: UncertaintySpace,
                 outputs: Sequence[str] = ("tof", "drc", "coverages"),
                 pellet: PelletLink | None = None, *, field: str = "uncertainty.outputs",
                 pellet_cells: int = 40, reactor_cells: int = 24):
        self.model = model
        self.space = space
        self.outputs = tuple(outputs)
        unknown = [o for o in self.outputs if o not in OUTPUTS]
        if unknown:
            raise InvalidParameterError(field, f"outputs among {list(OUTPUTS)}", unknown)
        site_inputs = [i for i in space.inputs if isinstance(i.distribution, SiteEnergies)]
        if len(site_inputs) > 1:
            raise InvalidParameterError("uncertainty.inputs", "at most one 'sites' input",
                                        [i.name for i in site_inputs])
        self._sites = site_inputs[0] if site_inputs else None
        nominal = _steady(model, None, None)
        prod = nominal.tof
        if not prod:
            raise CatscaleError("the nominal steady state produces no gas; no TOF to follow")
        self.product = max(prod, key=prod.get)
        self.species = tuple(nominal.species)
        self.equations = tuple(st.equation for st in model.mechanism.steps)
        path = getattr(model, "path", "<model>")
        d_eff = [j for j, i in enumerate(space.inputs) if i.targets[:1] == ("D_eff",)]
        # the pellet: an explicit PelletLink, else the model's pellet: section
        self._pellet = pellet
        self._stage = None
        self._reactor = None
        wants = [o for o in ("effectiveness", "conversion") if o in self.outputs]
        if self._pellet is None and (wants or d_eff):
            if getattr(model.sections, "pellet", None) is None:
                if wants:
                    raise ModelFileError(path, field, f"output {wants[0]!r} needs a pellet: "
                                         "section (or a PelletLink), and the model has none")
                raise ModelFileError(path, f"uncertainty.inputs[{d_eff[0]}].parameter",
                                     "expected a pellet: section for a 'D_eff' input, found "
                                     "no pellet")
            if "effectiveness" in self.outputs:
                from ._pellet import PelletStage

                self._stage = PelletStage(model, n_cells=pellet_cells)
        if "conversion" in self.outputs:
            if pellet is not None and getattr(model.sections, "pellet", None) is None:
                raise ModelFileError(path, field, "output 'conversion' needs pellet: and "
                                     "reactor: sections (a PelletLink is not enough)")
            if getattr(model.sections, "reactor", None) is None:
                raise ModelFileError(path, field, "output 'conversion' needs a reactor: "
                                     "section, and the model has none")
            from ._pellet import PelletStage, ReactorStage

            stage = self._stage or PelletStage(model, n_cells=pellet_cells)
            self._reactor = ReactorStage(model, stage, n_cells=reactor_cells)
        if self._sites is not None and (
                self._reactor is not None
                or (self._stage is not None and getattr(self._stage, "_line", None) is None)):
            # the patch's pellet rate is the site average at every point of the pellet: done
            # on the stoichiometric line (one mean-field solve per site and point); the
            # general solvers and the packed bed do not average over sites
            what = "conversion" if self._reactor is not None else "effectiveness"
            raise ModelFileError(path, field, f"the {what} output of a pellet: section "
                                 "cannot be combined with a 'sites' input "
                                 f"({self._sites.name!r}) unless the pellet is isothermal with "
                                 "one overall reaction and no explicit kinetics; use a "
                                 "PelletLink or drop one")
        if self._pellet is not None and self._pellet.key not in model.pressures:
            raise InvalidParameterError("pellet.key", f"a gas of the model "
                                        f"{sorted(model.pressures)}", self._pellet.key)
        names = []
        if "tof" in self.outputs:
            names += ["tof", "log10_tof"]
        if "drc" in self.outputs:
            names += [f"drc[{e}]" for e in self.equations]
        if "coverages" in self.outputs:
            names += [f"theta[{s}]" for s in self.species]
        if self._pellet is not None:
            names += ["effectiveness", "thiele"]
        elif self._stage is not None and "effectiveness" in self.outputs:
            names += ["effectiveness", "thiele", "pellet_error", "pellet_route"]
        if self._reactor is not None:
            names += ["conversion"]
        self.output_names = names
        # fast paths (catscale.uq._fast): rate constants from the nominal free energies and
        # the nominal network; both reproduce the rebuilt / freshly compiled answers
        from ._fast import MeanFieldFast, RateShifter

        targets = [t for i in space.inputs for t in i.targets
                   if t not in ("T", "D_eff") and not t.startswith("p:")]
        self._shifter = RateShifter(model, targets)
        self._mf = MeanFieldFast(model, nominal)

    def fingerprint(self) -> str:
        import hashlib
        import pathlib

        try:
            h = hashlib.sha256(pathlib.Path(self.model.path).read_bytes()).hexdigest()
        except OSError:
            h = repr(self.model.raw)
        return f"ChainModel:{h}:{self.outputs}:{self.space.describe()}"

    # -- one sample ------------------------------------------------------------------------
    def _split(self, x: dict) -> tuple[dict, float | None, dict, float, np.ndarray | None]:
        shifts: dict[str, float] = {}
        dT, pfac, dfac, site = 0.0, {}, 1.0, None
        for inp in self.space.inputs:
            v = x[inp.name]
            if inp is self._sites:
                site = np.asarray(v, dtype=float)
                continue
            t0 = inp.targets[0] if inp.targets else ""
            if t0 == "T":
                dT += float(v)
            elif t0 == "D_eff":
                dfac *= float(v)
            elif t0.startswith("p:"):
                pfac[t0[2:]] = pfac.get(t0[2:], 1.0) * float(v)
            else:
                vals = np.broadcast_to(np.asarray(v, dtype=float), (len(inp.targets),))
                for t, dv in zip(inp.targets, vals):
                    shifts[t] = shifts.get(t, 0.0) + float(dv)
        T = self.model.T + dT if dT != 0.0 else None
        p = ({g: self.model.pressures[g] * f for g, f in pfac.items()} if pfac else None)
        if T is not None and not T > 0:
            raise InvalidParameterError("T", "> 0 K", T)
        return shifts, T, p, dfac, site

    def _one(self, shifts: dict, T, p):
        m = self.model.with_energy_shifts(shifts) if shifts else self.model
        if T is None and p is None:
            rt = self._shifter(shifts)
            ss = self._mf(rt)
        else:
            ss, m, rt = _steady_full(m, T, p)
        tof = float(ss.production.get(self.product, 0.0))
        drc = _drc(ss, self.product) if "drc" in self.outputs else {}
        r_key = -float(ss.production.get(self._pellet.key, 0.0)) if self._pellet else 0.0
        self._theta = ss.theta
        return tof, drc, ss.theta, r_key, m, rt

    def __call__(self, x: dict, rng: np.random.Generator | None = None) -> dict[str, float]:
        shifts, T, p, dfac, site = self._split(x)
        if site is None:
            tof, drc, theta, r_key, m, rt = self._one(shifts, T, p)
        else:
            tofs, drcs, thetas, rks, rts = [], [], [], [], []
            for e in site:
                s = dict(shifts)
                for t in self._sites.targets:
                    s[t] = s.get(t, 0.0) + float(e)
                a, b, c, rk, m, rt_i = self._one(s, T, p)
                tofs.append(a)
                drcs.append(b)
                thetas.append(c)
                rks.append(rk)
                rts.append(rt_i)
            w = np.asarray(tofs)
            r_key = float(np.mean(rks))
            tof = float(w.mean())
            theta = np.mean(thetas, axis=0)
            drc = ({k: float(sum(wi * d[k] for wi, d in zip(w, drcs)) / w.sum())
                    for k in drcs[0]} if drcs and drcs[0] and w.sum() > 0 else {})
        out: dict[str, float] = {}
        if "tof" in self.outputs:
            out["tof"] = tof
            out["log10_tof"] = math.log10(tof) if tof > 0 else float("nan")
        if "drc" in self.outputs:
            for e in self.equations:
                out[f"drc[{e}]"] = drc.get(e, float("nan"))
        if "coverages" in self.outputs:
            for s, v in zip(self.species, theta):
                out[f"theta[{s}]"] = float(v)
        if self._pellet is not None:
            pk = (p or {}).get(self._pellet.key, self.model.pressures[self._pellet.key])
            out["effectiveness"], out["thiele"] = self._pellet(r_key, T or self.model.T, pk,
                                                               dfac)
        if self._stage is not None or self._reactor is not None:
            if self._stage is not None and "effectiveness" in self.outputs:
                if site is None:
                    out.update(self._stage(m, rt, dfac, theta_bulk=self._theta))
                else:        # the patch: the pellet rate is the average over its sites
                    out.update(self._stage(m, rts, dfac, theta_bulk=list(thetas)))
            if self._reactor is not None:
                out.update(self._reactor(m, rt, dfac))
        return out


def chain_function(model, section: Any | None = None, outputs: Sequence[str] | None = None,
                   pellet: PelletLink | None = None, *, pellet_cells: int = 40,
                   reactor_cells: int = 24) -> tuple[ChainModel, UncertaintySpace]:
    """``model + uncertainty spec -> (callable(sample) -> outputs, space)``.

    Parameters
    ----------
    model : Model
        A loaded model file.
    section : UncertaintySection, optional
        Default: ``model.sections.uncertainty``.
    outputs : sequence of str, optional
        Any of ``tof``, ``drc``, ``coverages``, ``effectiveness``, ``conversion``. Default:
        the section's ``outputs``, else ``tof``, ``drc``, ``coverages`` plus
        ``effectiveness`` when the model has a ``pellet:`` section (or ``pellet`` is given)
        and ``conversion`` when it also has a ``reactor:`` section.
    pellet : PelletLink, optional
        An explicit first-order link instead of the ``pellet:`` section (outputs
        ``effectiveness`` and ``thiele``).
    pellet_cells, reactor_cells : int
        Finite volumes of the sample's pellet for ``effectiveness`` (default 40) and of each
        pellet along the bed for ``conversion`` (default 24).

    Returns
    -------
    (ChainModel, UncertaintySpace)
        ``effectiveness`` (internal effectiveness factor of the key gas, dimensionless),
        ``thiele`` (Aris modulus), ``pellet_error`` (estimated relative error of the
        effectiveness, section route only), ``pellet_route`` (0 line, 1 general solver,
        2 general solver after a multivalued line rate) and ``conversion`` (of the reactor's
        key gas)
        join the mean-field outputs.

    Raises
    ------
    ModelFileError
        Field ``uncertainty.outputs`` (or ``outputs``) when an output needs a section the
        model lacks.
    """
    section = section if section is not None else getattr(model.sections, "uncertainty", None)
    if section is None:
        raise ModelFileError(model.path, "uncertainty", "the model has no uncertainty: section")
    space = space_from_section(section, model)
    if outputs:
        outs, field = tuple(outputs), "outputs"
    elif section.outputs:
        outs, field = tuple(section.outputs), "uncertainty.outputs"
    else:
        outs, field = ("tof", "drc", "coverages"), "uncertainty.outputs"
        has_pellet = pellet is not None or getattr(model.sections, "pellet", None) is not None
        sites = any(isinstance(i.distribution, SiteEnergies) for i in space.inputs)
        if has_pellet and (pellet is not None or not sites):
            outs += ("effectiveness",)
        if (getattr(model.sections, "pellet", None) is not None and pellet is None and not sites
                and getattr(model.sections, "reactor", None) is not None):
            outs += ("conversion",)
    return ChainModel(model, space, outs, pellet, field=field, pellet_cells=pellet_cells,
                      reactor_cells=reactor_cells), space
