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
(the output registry :data:`catscale.uq.OUTPUTS`; the pellet through
:mod:`catscale.bridges.kinetics_to_pellet`: an exact one-species reduction with a verified
rate table, its error estimate reported per sample as ``pellet_error`` and its route as
``pellet_route``; the bed through :mod:`catscale.bridges.pellet_to_reactor`).

Site heterogeneity (a ``sites`` input) is treated as a patch of independent sites: each
site's steady state is solved with its own energy shift and the patch TOF is the site
average; the patch degree of rate control is the TOF-weighted average of the site values
(exact for d ln(mean TOF) / d ln k). With the ``effectiveness`` output of a ``pellet:``
section, the pellet's rate at every local composition is the site average too (each site's
mean field continued along the stoichiometric line).
"""

from __future__ import annotations

from collections.abc import Sequence
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
from ._outputs import OUTPUTS, PelletOutput, ReactorOutput, SampleResult

__all__ = ["space_from_section", "ChainModel", "chain_function"]

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
    ss = steady_state(m.mechanism, rt, m.activities, energetics=m.energetics)
    return ss, m, rt


def _drc(ss, product: str) -> dict[str, float]:
    """Degrees of rate control; none (NaN columns) where the product's rate is exactly 0
    (a poisoned sample: d ln r / d ln k is undefined)."""
    from ..kinetics import degree_of_rate_control

    if ss.production.get(product, 0.0) == 0.0:
        return {}
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
        Names of :data:`catscale.uq.OUTPUTS`: ``"tof"`` (also gives ``log10_tof``),
        ``"drc"``, ``"coverages"``, ``"effectiveness"``, ``"conversion"``.
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
                 outputs: Sequence[str] = ("tof", "drc", "coverages"), *,
                 field: str = "uncertainty.outputs", pellet_cells: int = 40,
                 reactor_cells: int = 24):
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
        for o in self.outputs:
            for sec in OUTPUTS[o].sections:
                if getattr(model.sections, sec, None) is None:
                    need = " and ".join(f"{x}:" for x in OUTPUTS[o].sections)
                    raise ModelFileError(path, field, f"output {o!r} needs {need} "
                                         f"section(s), and the model has no {sec}: section")
        if d_eff and getattr(model.sections, "pellet", None) is None:
            raise ModelFileError(path, f"uncertainty.inputs[{d_eff[0]}].parameter",
                                 "expected a pellet: section for a 'D_eff' input, found "
                                 "no pellet")
        # the pellet and the bed of the model's sections (through the bridges)
        self.pellet = self.reactor = None
        if "effectiveness" in self.outputs or "conversion" in self.outputs:
            self.pellet = PelletOutput(model, n_cells=pellet_cells)
        if "conversion" in self.outputs:
            self.reactor = ReactorOutput(model, self.pellet, n_cells=reactor_cells)
        if self._sites is not None and (
                self.reactor is not None
                or (self.pellet is not None and self.pellet.overall is None)):
            # the patch's pellet rate is the site average at every point of the pellet: done
            # on the stoichiometric line (one mean-field solve per site and point); the
            # general solvers and the packed bed do not average over sites
            what = "conversion" if self.reactor is not None else "effectiveness"
            raise ModelFileError(path, field, f"the {what} output of a pellet: section "
                                 "cannot be combined with a 'sites' input "
                                 f"({self._sites.name!r}) unless the pellet is isothermal with "
                                 "one overall reaction and no explicit kinetics; drop one")
        self.output_names = [c for o in OUTPUTS if o in self.outputs
                             for c in OUTPUTS[o].columns(self)]
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
        return tof, drc, ss.theta, m, rt

    def __call__(self, x: dict, rng: np.random.Generator | None = None) -> dict[str, float]:
        shifts, T, p, dfac, site = self._split(x)
        if site is None:
            tof, drc, theta, m, rt = self._one(shifts, T, p)
            sample = SampleResult(m, rt, tof, drc, theta, None, dfac)
        else:
            tofs, drcs, thetas, rts = [], [], [], []
            for e in site:
                s = dict(shifts)
                for t in self._sites.targets:
                    s[t] = s.get(t, 0.0) + float(e)
                a, b, c, m, rt_i = self._one(s, T, p)
                tofs.append(a)
                drcs.append(b)
                thetas.append(c)
                rts.append(rt_i)
            w = np.asarray(tofs)
            drc = ({k: float(sum(wi * d[k] for wi, d in zip(w, drcs)) / w.sum())
                    for k in drcs[0]} if drcs and drcs[0] and w.sum() > 0 else {})
            sample = SampleResult(m, rts, float(w.mean()), drc, np.mean(thetas, axis=0),
                                  list(thetas), dfac)
        out: dict[str, float] = {}
        for name, o in OUTPUTS.items():
            if name in self.outputs:
                out.update(o.compute(self, sample))
        return out


def chain_function(model, section: Any | None = None, outputs: Sequence[str] | None = None,
                   *, pellet_cells: int = 40,
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
        ``effectiveness`` when the model has a ``pellet:`` section and ``conversion`` when it
        also has a ``reactor:`` section.
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
        has_pellet = getattr(model.sections, "pellet", None) is not None
        sites = any(isinstance(i.distribution, SiteEnergies) for i in space.inputs)
        if has_pellet and not sites:
            outs += ("effectiveness",)
            if getattr(model.sections, "reactor", None) is not None:
                outs += ("conversion",)
    return ChainModel(model, space, outs, field=field, pellet_cells=pellet_cells,
                      reactor_cells=reactor_cells), space
