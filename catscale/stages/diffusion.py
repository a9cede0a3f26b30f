"""Diffusion stage: surface diffusion of an adsorbate, D_c(theta) = M dmu/dtheta (tracer, jump
and chemical diffusivity, thermodynamic factor) by lattice-gas kMC or a closure; spinodal."""

from __future__ import annotations

import dataclasses
import math
import time

import numpy as np

from ..results import Column, StageResult, hidden, info, quantity, table

__all__ = ["DiffusionResult", "inputs", "run"]

_COLUMNS = {
    "theta": Column("1", "coverage"),
    "D_star": Column("m^2/s", "tracer diffusivity"),
    "D_star_err": Column("m^2/s", "standard error of D_star"),
    "D_jump": Column("m^2/s", "jump (collective) diffusivity"),
    "D_jump_err": Column("m^2/s", "standard error of D_jump"),
    "Phi": Column("1", "thermodynamic factor dln p / dln theta"),
    "Phi_err": Column("1", "standard error of Phi"),
    "D_c": Column("m^2/s", "chemical diffusivity D_J Phi"),
    "D_c_err": Column("m^2/s", "standard error of D_c"),
    "M": Column("m^2/s/eV", "mobility M in D_c = M dmu/dtheta"),
    "M_err": Column("m^2/s/eV", "standard error of M"),
    "f": Column("1", "tracer correlation factor D_star / D_jump(theta->0)"),
    "f_err": Column("1", "standard error of f"),
    "theta_gc": Column("1", "coverage of the grand-canonical run"),
    "mu": Column("eV", "chemical potential of the grand-canonical run"),
    "coexistence": Column("1", "coexisting coverages (two-phase region: not controlled "
                               "by mu)"),
    "closure_Phi": Column("1", "thermodynamic factor of the closure"),
    "closure_D_c": Column("m^2/s", "chemical diffusivity of the closure"),
}


@dataclasses.dataclass(frozen=True, kw_only=True)
class DiffusionResult(StageResult):
    """Surface diffusivities against coverage (``catscale diffusion --json``)."""

    stage = "diffusion"
    T: float = quantity("K", "temperature")
    lattice: str = info("lattice of the lattice gas")
    eps: float = quantity("eV", "nearest-neighbour pair interaction (< 0 attractive)")
    hop_rate: float = quantity("1/s", "hop rate of an isolated adsorbate")
    a: float = quantity("m", "hop length (nearest-neighbour distance)")
    D0: float = quantity("m^2/s", "diffusivity of an isolated adsorbate")
    rule: str = info("hop-rate rule with neighbours (initial | barrier ...)")
    method: str = info("kmc | closure")
    closure: str = info("closure of the thermodynamic factor")
    coverages: list = table("diffusivities at each coverage", _COLUMNS, dim="coverage",
                            label="theta")
    spinodal: list | None = quantity("1", "coverage range where D_c < 0 (closure)",
                                     dims=("bound",))
    critical_temperature: float | None = quantity("K", "critical temperature of the closure")
    events: int = quantity("1", "lattice-gas kMC events")
    wall_time: float = quantity("s", "wall-clock time")
    events_per_second: float | None = quantity("1/s", "events per wall-clock second")
    plot: str | None = info("figure written, if any", default=None)
    warnings: list = info("warnings", default=[])
    curves: object = hidden()         # (curve, closure) objects, for figures

    timing = ("wall_time", "events_per_second")

    def text(self) -> str:
        """The D(theta) table and the spinodal, readable."""
        lines = [f"surface diffusion ({self.method}, {self.lattice}, eps = {self.eps:.4g} eV, "
                 f"T = {self.T:.1f} K); Gamma = {self.hop_rate:.4g} 1/s, D0 = {self.D0:.4g} "
                 "m^2/s",
                 "  theta     D*/D0          D_J/D0         Phi            D_c/D0"]
        D0 = self.D0
        for r in self.coverages:
            def fmt(k: str, r: dict = r) -> str:
                v, e = r[k], r[k + "_err"]
                sc = D0 if k != "Phi" else 1.0
                if v is None or (isinstance(v, float) and math.isnan(v)):
                    return f"{'-':>14s}"
                return f"{v / sc:7.4f}+-{(e or 0) / sc:<6.4f}"
            lines.append(f"  {r['theta']:.3f}  {fmt('D_star')} {fmt('D_jump')} "
                         f"{fmt('Phi')} {fmt('D_c')}")
        if self.spinodal:
            lo, hi = self.spinodal
            lines.append(f"spinodal ({self.closure}): D_c < 0 for {lo:.3f} < theta < {hi:.3f}")
        return "\n".join(lines)


def inputs(model, coverages: str | None = None) -> dict:
    """The lattice-gas parameters of a model (section ``diffusion:`` with defaults): a dict
    with lattice, T (K), eps (eV), hop_rate (s^-1), a (m), rule, coverages and the section."""
    from ..errors import InvalidParameterError
    from ..lattices import lattice_names
    from ..mechanism import split_pair
    from ..model.sections.diffusion import DiffusionSection, parse_coverages
    from ..units import h, kB

    sec = model.sections.diffusion if model.sections.diffusion is not None else DiffusionSection()
    T = sec.T or model.T
    lattice = sec.lattice
    if lattice is None:
        lat = model.sections.kmc.lattice if model.sections.kmc is not None else None
        lattice = lat if lat in lattice_names(bravais=True) else "square"
    eps = sec.eps
    if eps is None:
        eps = 0.0
        if sec.species is not None and model.mechanism is not None:
            sp = sec.species
            ads = [s.name for s in model.mechanism.species if s.phase == "surface"]
            for key, val in (model.lateral or {}).items():
                pair = tuple(key) if isinstance(key, tuple) else split_pair(str(key), ads)
                if pair == (sp, sp):
                    eps = float(val)
    if sec.hop_rate is not None:
        gamma = sec.hop_rate
    else:
        pref = sec.prefactor if sec.prefactor is not None else kB * T / h
        gamma = pref * math.exp(-(sec.hop_barrier or 0.0) / (kB * T))
    if not gamma > 0:
        raise InvalidParameterError(f"{model.path}: diffusion.hop_rate", "> 0 s^-1", gamma)
    if coverages is not None:
        try:
            cov = parse_coverages(coverages)
        except ValueError as exc:
            msg = str(exc).split(", got ")[0].removeprefix("expected ")
            raise InvalidParameterError("--coverages", msg, coverages) from None
    else:
        cov = list(sec.coverages)
    return dict(lattice=lattice, T=float(T), eps=float(eps), hop_rate=float(gamma),
                a=float(sec.a), rule=sec.rule, coverages=cov, section=sec)


def run(model, method: str | None = None, coverages: str | None = None,
        events: int | None = None, size: int | None = None, replicas: int | None = None,
        workers: int = 1, seed: int | None = None) -> DiffusionResult:
    """D(theta) of a model's ``diffusion:`` section by lattice-gas kMC or its closure."""
    from ..diffusion import chemical_diffusivity, critical_temperature, spinodal
    from ..errors import InvalidParameterError

    inp = inputs(model, coverages)
    sec = inp["section"]
    method = method or sec.method or "closure"
    if method not in ("kmc", "closure"):
        raise InvalidParameterError("--method", "kmc or closure", method)
    th = np.array(inp["coverages"], float)
    closure = chemical_diffusivity(th, inp["hop_rate"], inp["a"], inp["eps"], inp["T"],
                                   inp["lattice"], inp["rule"], sec.closure)
    t0 = time.perf_counter()
    n_events = 0
    if method == "kmc":
        from ..bridges.kmc_to_diffusion import curve_from_sampling
        from ..kmc.lattice_gas import LatticeGasConfig, sample_diffusion

        L = (size, size) if size else tuple(sec.size)
        cfg = LatticeGasConfig(lattice=inp["lattice"], size=L, T=inp["T"], eps=inp["eps"],
                               hop_rate=inp["hop_rate"], rule=inp["rule"], a=inp["a"],
                               exchange_rate=sec.exchange_rate or inp["hop_rate"])
        s = sample_diffusion(cfg, th, events=events or sec.events,
                             replicas=replicas or sec.replicas,
                             seed=sec.seed if seed is None else seed, workers=workers,
                             grand_size=sec.grand_size)
        curve = curve_from_sampling(s)
        n_events = s.events
    else:
        curve = closure
    wall = time.perf_counter() - t0
    d = curve.to_dict()
    rows = []
    for i in range(len(th)):
        row = {k: d[k][i] for k in ("theta", "D_star", "D_star_err", "D_jump", "D_jump_err",
                                    "Phi", "Phi_err", "D_c", "D_c_err", "M", "M_err")}
        for k in ("f", "f_err", "theta_gc", "mu", "status", "coexistence"):
            if k in d:
                row[k] = d[k][i]
        row["closure_Phi"] = float(closure.Phi[i])
        row["closure_D_c"] = float(closure.D_c[i])
        rows.append(row)
    sp = spinodal(inp["eps"], inp["T"], inp["lattice"], sec.closure)
    tc = (critical_temperature(inp["eps"], inp["lattice"], sec.closure)
          if inp["eps"] < 0 and sec.closure != "langmuir" else None)
    warnings = [f"surface diffusion: {w}" for w in d.get("warnings", [])]
    if sp:
        warnings.append(f"surface diffusion: D_c < 0 for {float(sp[0]):.3g} < theta < "
                        f"{float(sp[1]):.3g} ({sec.closure} spinodal): uphill diffusion, "
                        "islands form (a continuum model needs the Cahn-Hilliard gradient "
                        "term there)")
    return DiffusionResult(
        T=inp["T"], lattice=inp["lattice"], eps=inp["eps"], hop_rate=inp["hop_rate"],
        a=inp["a"], D0=curve.D0, rule=inp["rule"], method=method, closure=sec.closure,
        coverages=rows, spinodal=[float(x) for x in sp] if sp else None, critical_temperature=tc,
        events=n_events, wall_time=wall,
        events_per_second=n_events / wall if wall > 0 and n_events else None,
        warnings=warnings, curves=(curve, closure))
