"""Steady stage: the verified mean-field steady state of a model with its whole energetics
(lateral interactions, coverage effects, orders), degree of rate control, orders, apparent
activation energy."""

from __future__ import annotations

import dataclasses

from ..results import StageResult, hidden, info, quantity

__all__ = ["SteadyResult", "run", "solve"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class SteadyResult(StageResult):
    """Mean-field steady state (``catscale steady --json``)."""

    stage = "steady"
    T: float = quantity("K", "temperature")
    coverages: dict = quantity("1", "coverage (fraction of the sites of its kind)",
                               dims=("surface",))
    tof: dict = quantity("1/s", "turnover frequency per site of each gas produced",
                         dims=("gas",))
    production: dict = quantity("1/s", "net production rate per site of each gas",
                                dims=("gas",))
    rates: dict = quantity("1/s", "net rate per site of each step", dims=("step",))
    drc: dict = quantity("1", "degree of rate control of the product's TOF", dims=("step",))
    dtrc: dict = quantity("1", "degree of thermodynamic rate control", dims=("surface",))
    orders: dict = quantity("1", "reaction order of the product's TOF in each gas",
                            dims=("gas",))
    product: str | None = info("gas whose TOF is analysed")
    masi: str = info("most abundant surface intermediate")
    residual: float = quantity("1", "largest |net rate| / gross rate of any surface species")
    stable: bool = info("linearly stable (every eigenvalue of the Jacobian has a negative "
                        "real part)")
    max_eigenvalue_real: float | None = quantity("1/s", "largest real part of the Jacobian's "
                                                        "eigenvalues")
    method: str = info("how the steady state was found")
    n_steady_states: int = info("number of distinct steady states found")
    steady_states: list = info("every steady state found: coverages, tof, stable, residual")
    below_noise: dict = quantity("1/s", "net gas rates below the solution's noise floor, "
                                        "reported as 0", dims=("gas",), default={})
    apparent_Ea: float | None = quantity("eV", "apparent activation energy "
                                               "kB T^2 dln TOF/dT", default=None)
    cantera_names: dict | None = info("Cantera name of each species (--names cantera)",
                                      default=None, optional=True)
    warnings: list = info("warnings", default=[])
    state: object = hidden()

    def text(self) -> str:
        """Coverages, TOF, checks, DRC, apparent Ea and orders, readable."""
        lines = [f"T = {self.T:g} K   residual {self.residual:.2e}   "
                 f"{'stable' if self.stable else 'UNSTABLE'}   ({self.method})", "coverages:"]
        for n, v in sorted(self.coverages.items(), key=lambda kv: -kv[1]):
            lines.append(f"  {n:<10} {v:.4e}")
        for p, v in self.tof.items():
            lines.append(f"TOF({p}) = {v:.4e} s^-1 per site")
        if not self.tof:
            lines.append("TOF = 0: no gas is produced")
        if self.drc:
            top = sorted(self.drc.items(), key=lambda kv: -abs(kv[1]))
            lines.append("degree of rate control: " + ", ".join(f"{k}: {v:+.3f}"
                                                                 for k, v in top))
        if self.apparent_Ea is not None:
            lines.append(f"apparent activation energy = {self.apparent_Ea:.3f} eV")
        if self.orders:
            lines.append("reaction orders: " + ", ".join(f"{k}: {v:+.3f}"
                                                          for k, v in self.orders.items()))
        if self.n_steady_states > 1:
            n_stable = sum(1 for s in self.steady_states if s["stable"])
            lines.append(f"{self.n_steady_states} steady states found ({n_stable} stable); "
                         "the one reached from the clean surface is reported first")
        return "\n".join(lines)


def solve(model, T: float | None = None, **kw):
    """The verified mean-field steady state (:class:`catscale.kinetics.SteadyState`) of a
    model at T (K; default the model's), with the model's whole energetics."""
    import dataclasses

    from ..kinetics import steady_state

    model.require_steps("a mean-field steady state")
    en = model.energetics
    if T is not None and en.coverage_effects is not None and float(T) != model.T:
        # coverage dependences with an energy (Cantera's E) are evaluated at this T
        en = dataclasses.replace(en, coverage_effects=model.coverage_effects(T))
    return steady_state(model.mechanism, model.rates(T), model.activities, energetics=en, **kw)


def run(model, T: float | None = None, product: str | None = None) -> SteadyResult:
    """Steady state, degree of rate control, orders and apparent Ea of a model.

    Parameters
    ----------
    model : Model
    T : float, optional
        Temperature, K (default: the model's).
    product : str, optional
        Gas whose TOF is analysed (default: the main product).
    """
    from ..errors import InvalidParameterError
    from ..kinetics import analyze, apparent_activation_energy

    gases = [g.name for g in model.mechanism.gas]
    if product is not None and product not in gases:
        raise InvalidParameterError("--product", f"a gas of the mechanism {gases}", product)
    ss = solve(model, T)
    an = analyze(ss, product)
    warnings: list[str] = [f"steady state: {w}" for w in ss.warnings]
    Ea = None
    if an.get("tof") == 0.0:
        warnings.append(f"{an['product']} is not produced: its degree of rate control, "
                        "reaction orders and apparent activation energy are undefined")
    elif "product" in an:
        T_ = ss.network.T

        def rates_at(t: float):
            return model.rates(t)

        try:
            Ea = float(apparent_activation_energy(ss, rates_at=rates_at, product=an["product"]))
        except Exception as exc:  # reported, not fatal: the steady state itself is verified
            warnings.append(f"apparent activation energy at {T_:g} K not computed: {exc}")
    states = [{"coverages": s.coverages, "tof": s.tof, "stable": bool(s.stable),
               "residual": float(s.residual)} for s in [ss, *ss.alternatives]]
    n_stable = sum(1 for s in states if s["stable"])
    if n_stable > 1:
        warnings.append(f"{n_stable} stable steady states (bistability); the one reached "
                        "from the clean surface is reported first")
    d = ss.to_dict()
    return SteadyResult(
        T=float(ss.network.T), coverages=ss.coverages, tof=ss.tof,
        production=dict(ss.production), rates=d["rates"], drc=an.get("drc", {}),
        dtrc=an.get("dtrc", {}), orders=an.get("orders", {}), product=an.get("product"),
        masi=ss.masi(), residual=float(ss.residual), stable=bool(ss.stable),
        max_eigenvalue_real=d["max_eigenvalue_real"], method=ss.method,
        n_steady_states=int(ss.n_steady_states), steady_states=states, apparent_Ea=Ea,
        below_noise=dict(ss.below_noise),
        warnings=warnings, state=ss)
