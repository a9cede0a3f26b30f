"""Scale-separation checks: is a bridging law justified here?

Every bridge from a fine scale to a coarse one averages over something. Averaging is
justified when the fine scale's correlation length xi is much smaller than the averaging
window l, which is much smaller than the macroscopic length L over which the averaged field
varies (xi << l << L); likewise in time, tau_corr << dt << tau_macro. These functions take
measured numbers (SI: m and s, or lattice units consistently) and return a verdict with the
ratios and advice; they never decide silently.

"Much smaller" is a factor ``margin`` (default 10): a ratio below it is reported as not
separated. The factor is a convention, stated in every verdict.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

from .errors import InvalidParameterError, ScaleSeparationWarning

__all__ = ["ScaleCheck", "check_separation", "check_length_scales", "check_time_scales",
           "check_mean_field", "check_homogenization", "check_pellet_in_reactor",
           "mean_field_verdict", "warn_if_violated"]


@dataclass(frozen=True)
class ScaleCheck:
    """Verdict of one scale-separation check.

    Attributes
    ----------
    bridge : str
        The bridging law concerned (e.g. "mean field", "homogenization").
    quantities : dict
        Named scales, in the units given (fine to coarse).
    ratios : dict
        Ratio of each consecutive pair (coarse / fine).
    margin : float
        Required ratio for "much smaller".
    justified : bool
        True when every ratio is >= margin.
    message : str
        One sentence for a report.
    advice : str
        What to do when not justified ("" otherwise).
    """

    bridge: str
    quantities: dict[str, float]
    ratios: dict[str, float]
    margin: float
    justified: bool
    message: str
    advice: str = ""
    failing: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        return {"bridge": self.bridge, "quantities": self.quantities, "ratios": self.ratios,
                "margin": self.margin, "justified": self.justified, "message": self.message,
                "advice": self.advice, "failing": list(self.failing)}


def _positive(name: str, v: float) -> float:
    v = float(v)
    if not (math.isfinite(v) or v == math.inf) or v < 0:
        raise InvalidParameterError(name, "a number >= 0 (inf allowed)", v)
    return v


def check_separation(bridge: str, scales: dict[str, float], margin: float = 10.0,
                     advice: str = "") -> ScaleCheck:
    """Check that consecutive scales (ordered fine -> coarse) are separated by ``margin``.

    Parameters
    ----------
    bridge : str
        Name of the bridging law.
    scales : dict name -> value
        Ordered fine to coarse, all in the same unit (m, s or lattice units).
    margin : float
        Required ratio between consecutive scales (> 1).
    advice : str
        What to do when separation fails.
    """
    if not margin > 1:
        raise InvalidParameterError("margin", "> 1", margin)
    if len(scales) < 2:
        raise InvalidParameterError("scales", "at least two scales", scales)
    names = list(scales)
    vals = [_positive(n, scales[n]) for n in names]
    ratios: dict[str, float] = {}
    failing = []
    for (a, va), (b, vb) in zip(zip(names, vals), zip(names[1:], vals[1:])):
        key = f"{b}/{a}"
        r = math.inf if va == 0 else vb / va
        ratios[key] = r
        if r < margin:
            failing.append(key)
    ok = not failing
    chain = " << ".join(names)
    if ok:
        msg = (f"{bridge}: {chain} holds (every ratio >= {margin:g}: "
               + ", ".join(f"{k} = {v:.3g}" for k, v in ratios.items()) + ")")
    else:
        msg = (f"{bridge}: {chain} does NOT hold: "
               + ", ".join(f"{k} = {ratios[k]:.3g} < {margin:g}" for k in failing))
    return ScaleCheck(bridge=bridge, quantities=dict(zip(names, vals)), ratios=ratios,
                      margin=margin, justified=ok, message=msg, advice="" if ok else advice,
                      failing=tuple(failing))


def check_length_scales(bridge: str, xi: float, l: float, L: float, margin: float = 10.0,
                        advice: str = "") -> ScaleCheck:
    """xi << l << L: correlation length, averaging window, macroscopic length (same unit)."""
    return check_separation(bridge, {"xi": xi, "l": l, "L": L}, margin, advice)


def check_time_scales(bridge: str, tau_corr: float, dt: float, tau_macro: float,
                      margin: float = 10.0, advice: str = "") -> ScaleCheck:
    """tau_corr << dt << tau_macro: correlation time, averaging time, macroscopic time (s)."""
    return check_separation(bridge, {"tau_corr": tau_corr, "dt": dt, "tau_macro": tau_macro},
                            margin, advice)


def check_mean_field(xi_sites: float, lattice_size: float, tau_corr: float | None = None,
                     tau_reaction: float | None = None, margin: float = 10.0) -> ScaleCheck:
    """Is the mean-field (random mixing) closure justified for a surface?

    Mean field treats every site as seeing the average coverage: the pair correlation length
    xi (in lattice spacings) must be about one spacing and far below the simulated lattice
    (else the kMC itself is finite-size limited). Optionally the coverage correlation time
    must be far below the reaction time scale.

    Parameters
    ----------
    xi_sites : float
        Correlation length from the decay of the pair correlation function, lattice spacings.
    lattice_size : float
        Linear size of the kMC lattice, lattice spacings.
    tau_corr, tau_reaction : float, optional
        Coverage autocorrelation time and 1/TOF, s.
    """
    scales = {"a": 1.0, "xi": max(float(xi_sites), 1e-12), "lattice": float(lattice_size)}
    # the closure needs xi ~ a (not xi >> a): check a <= xi < 2a and xi << lattice
    chk = check_separation("kMC lattice", {"xi": scales["xi"], "lattice": scales["lattice"]},
                           margin, "use a larger lattice")
    local = xi_sites < 2.0
    failing = list(chk.failing) + ([] if local else ["xi/a >= 2"])
    if tau_corr is not None and tau_reaction is not None:
        t = check_separation("coverage averaging", {"tau_corr": tau_corr,
                                                    "tau_reaction": tau_reaction}, margin)
        failing += list(t.failing)
    ok = not failing
    if ok:
        msg = (f"mean field: correlation length {xi_sites:.2g} lattice spacings (< 2), "
               f"lattice {lattice_size:g} spacings: random mixing is a fair closure")
        adv = ""
    else:
        msg = (f"mean field: NOT justified ({', '.join(failing)}; correlation length "
               f"{xi_sites:.2g} spacings)")
        adv = ("adsorbates are correlated (islands or ordering): use the kMC coverages and TOF "
               "instead of mean field, or add lateral interactions beyond first order")
    return ScaleCheck(bridge="mean field", quantities={"xi": xi_sites, "lattice": lattice_size},
                      ratios=dict(chk.ratios), margin=margin, justified=ok, message=msg,
                      advice=adv, failing=tuple(failing))


def mean_field_verdict(tof_differs: bool, reasons: list[str], kmc_status: str = "ok",
                       kmc_reasons: list[str] | tuple[str, ...] = ()
                       ) -> tuple[str, list[str]]:
    """Verdict on mean field from its comparison with lattice kMC.

    Mean field can be judged against kMC only when the kMC run is converged: a kMC run that
    has not reached its steady state (or whose averages fail their element balance) says
    nothing about mean field, whatever the numbers. Hence:

    * "inconclusive" when ``kmc_status`` is "not_converged" (the kMC reasons come first in
      the returned reasons, prefixed "kMC not converged:");
    * else "invalid" when a TOF differs beyond statistics (``tof_differs``);
    * else "questionable" when any other difference was found (``reasons`` not empty);
    * else "valid".

    Parameters
    ----------
    tof_differs : bool
        A kMC TOF and the mean-field TOF differ beyond the comparison's tolerance.
    reasons : list of str
        The differences found (coverages, pair correlations, mixing, poisoning).
    kmc_status : str
        Status of the kMC result ("ok", "t_max", "absorbing", "not_converged").
    kmc_reasons : list of str
        Why the kMC run is not converged.

    Returns
    -------
    (verdict, reasons)
    """
    if kmc_status == "not_converged":
        return "inconclusive", [f"kMC not converged: {r}" for r in kmc_reasons] + list(reasons)
    if tof_differs:
        return "invalid", list(reasons)
    return ("questionable" if reasons else "valid"), list(reasons)


def check_homogenization(xi: float, window: float, pellet: float,
                         margin: float = 10.0) -> ScaleCheck:
    """Pore correlation length << representative volume << pellet size (m)."""
    return check_length_scales(
        "homogenization (pore -> pellet)", xi, window, pellet, margin,
        advice="if window/xi is small, homogenize a larger image (see `catscale homogenize "
               "--rev`); if pellet/window is small, the pellet is not a continuum: resolve "
               "its pores explicitly")


def check_pellet_in_reactor(pellet_size: float, reactor_length: float,
                            pellet_time: float | None = None,
                            residence_time: float | None = None,
                            margin: float = 10.0) -> ScaleCheck:
    """Pellet size << reactor length, and (optionally) pellet response time << residence time."""
    scales = {"pellet": pellet_size, "reactor": reactor_length}
    chk = check_separation("pellet -> reactor", scales, margin,
                           "the bed is too short for a pseudo-homogeneous model: resolve "
                           "individual pellets or use a shorter pellet")
    if pellet_time is None or residence_time is None:
        return chk
    t = check_separation("pellet -> reactor (time)", {"pellet_time": pellet_time,
                                                      "residence_time": residence_time},
                         margin, "pellet dynamics are not quasi-steady along the bed")
    failing = chk.failing + t.failing
    return ScaleCheck(bridge="pellet -> reactor", quantities={**chk.quantities, **t.quantities},
                      ratios={**chk.ratios, **t.ratios}, margin=margin, justified=not failing,
                      message=chk.message + "; " + t.message,
                      advice="; ".join(a for a in (chk.advice, t.advice) if a),
                      failing=failing)


def warn_if_violated(check: ScaleCheck) -> ScaleCheck:
    """Emit a :class:`ScaleSeparationWarning` when ``check`` is not justified; return it."""
    if not check.justified:
        warnings.warn(f"{check.message}. {check.advice}".strip(), ScaleSeparationWarning,
                      stacklevel=2)
    return check
