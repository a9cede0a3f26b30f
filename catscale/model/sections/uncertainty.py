"""Schema of the ``uncertainty:`` model-file section (owned by catscale.uq).

Example::

    uncertainty:
      samples: 1024                 # Monte Carlo samples (a power of 2 suits Sobol points)
      method: sobol                 # sobol | random | lhs | pce
      order: 3                      # total degree of the polynomial chaos (method: pce)
      seed: 1
      level: 0.95                   # probability content of the reported intervals
      outputs: [tof, drc, coverages, effectiveness, conversion]
                                    # effectiveness (+ thiele, pellet_error, pellet_route)
                                    # needs a pellet: section, conversion a reactor:
                                    # section as well;
                                    # default: tof, drc, coverages and whatever the
                                    # model's pellet:/reactor: sections allow
      sensitivity: {samples: 256, by: input}    # Sobol indices (SALib); omit to skip
      inputs:
        - name: dft_adsorbates      # correlated DFT errors of adsorbate energies
          kind: epistemic
          species: [CO*, O*]
          distribution: normal
          sigma: 0.1                # eV (or "10 kJ/mol"); one value or one per species
          correlation: 0.5          # one coefficient for every pair, or a matrix
        - name: gga_shift           # systematic shift of a class of species
          kind: epistemic
          species: ["ts:1", "ts:2"] # saddle point of step 1 and 2 (0-based step index)
          systematic: true
          distribution: normal
          sigma: 0.05
        - name: beef                # ensemble of energy sets, one set per sample
          kind: epistemic
          species: [CO*, O*]
          distribution: ensemble
          sets: [[0.02, -0.01], [-0.05, 0.03], [0.04, 0.00]]
          center: true
        - name: sites               # aleatoric site heterogeneity
          kind: aleatoric
          species: [CO*, O*]        # the site shift applies to every listed species
          distribution: sites
          n_sites: 8
          classes:
            terrace: {fraction: 0.8, mean: 0.0, sigma: 0.03}
            step:    {fraction: 0.2, mean: -0.15, sigma: 0.05}
        - name: temperature         # other inherent variability
          kind: aleatoric
          parameter: T              # T (additive, K) | D_eff (factor) | "p:<gas>" (factor)
          distribution: normal
          sigma: 5

Energies take the file's energy unit when bare (a covariance: its square, eV^2 by default);
for ``parameter: T`` mean, sigma, low and high are temperatures (K), for the factors
``D_eff`` and ``p:<gas>`` plain numbers.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ...errors import InvalidParameterError
from ...quantities import MAX_SAMPLES, MAX_SEED, default_unit
from ...units import parse_quantity
from .._quantities import Energy, Finite

__all__ = ["UncertaintySection", "UncertainInputSpec", "SiteClassSpec", "SensitivitySpec"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SiteClassSpec(_Strict):
    """One class of sites: fraction of the sites, mean and spread of its energy shift."""

    fraction: Finite = Field(gt=0, le=1)
    mean: Energy = 0.0
    sigma: Energy = 0.0

    @field_validator("sigma")
    @classmethod
    def _nonneg(cls, v: float) -> float:
        if v < 0:
            raise ValueError(f"expected sigma >= 0 eV, got {v}")
        return v


class UncertainInputSpec(_Strict):
    """One named uncertain input (see the module docstring for the keys)."""

    name: str = Field(min_length=1)
    kind: Literal["epistemic", "aleatoric"]
    distribution: Literal["normal", "uniform", "lognormal", "ensemble", "sites"]
    species: list[str] | None = None
    parameter: str | None = None
    systematic: bool = False
    # mean, sigma, low, high: energies (eV) for a species target, a temperature (K, additive)
    # for parameter T, a plain factor for D_eff and p:<gas>; converted by _target_units
    mean: Finite | list[Finite] = 0.0
    sigma: Finite | list[Finite] | None = None
    correlation: Finite | list[list[Finite]] | None = None
    covariance: list[list[Finite]] | None = None
    low: Finite | None = None
    high: Finite | None = None
    median: Finite | None = None
    sigma_ln: Finite | None = None
    sets: list[list[Energy]] | None = None
    center: bool = False
    n_sites: int = Field(16, ge=1, le=100000)
    classes: dict[str, SiteClassSpec] | None = None

    @model_validator(mode="before")
    @classmethod
    def _target_units(cls, data: Any, info: ValidationInfo) -> Any:
        """Read mean, sigma, low and high in the dimension of the target: energy for
        species (bare numbers in the file's ``units: energy``), temperature for ``T``
        (additive, K), dimensionless for the factors ``D_eff`` and ``p:<gas>``."""
        if not isinstance(data, dict):
            return data
        par = data.get("parameter")
        dim = ("energy" if par is None else "temperature" if par == "T"
               else "dimensionless")
        unit = default_unit(info, dim) if dim != "dimensionless" else ""
        out = dict(data)
        for key in ("mean", "sigma", "low", "high"):
            v = data.get(key)
            if v is None or isinstance(v, bool):
                continue
            try:
                if isinstance(v, list):
                    out[key] = [parse_quantity(x, dim, unit)
                                if isinstance(x, (int, float, str)) and not isinstance(x, bool)
                                else x for x in v]
                elif isinstance(v, (int, float, str)):
                    out[key] = parse_quantity(v, dim, unit)
            except InvalidParameterError as exc:
                what = {"energy": "an energy (species target)",
                        "temperature": "a temperature difference in K (parameter T)",
                        "dimensionless": f"a plain factor (parameter {par})"}[dim]
                raise ValueError(f"'{key}': expected {what}; {exc.expected}, got "
                                 f"{exc.found!r}") from None
        cov = data.get("covariance")
        if dim == "energy" and isinstance(cov, list):
            # bare entries in (units: energy)^2, stored in eV^2
            f2 = parse_quantity(1.0, "energy", unit) ** 2
            out["covariance"] = [[x * f2 if isinstance(x, (int, float))
                                  and not isinstance(x, bool) else x for x in row]
                                 if isinstance(row, list) else row for row in cov]
        return out

    @field_validator("parameter")
    @classmethod
    def _param(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if v in ("T", "D_eff") or (v.startswith("p:") and len(v) > 2):
            return v
        raise ValueError(f"expected 'T', 'D_eff' or 'p:<gas>', got {v!r}")

    @model_validator(mode="after")
    def _consistent(self):
        d = self.distribution
        if (self.species is None) == (self.parameter is None):
            raise ValueError("give exactly one target: 'species' (energies) or 'parameter'")
        if self.species is not None and not self.species:
            raise ValueError("'species' needs at least one name")
        if self.species is not None and len(set(self.species)) != len(self.species):
            raise ValueError(f"'species' lists a name twice: {self.species}")
        k = len(self.species) if self.species else 1
        vector = self.species is not None and not self.systematic and k > 1
        if d == "normal":
            if self.sigma is None and self.covariance is None:
                raise ValueError("a normal distribution needs 'sigma' or 'covariance'")
            if self.sigma is not None and self.covariance is not None:
                raise ValueError("give 'sigma' (with 'correlation') or 'covariance', not both")
            for key in ("sigma", "mean"):
                v = getattr(self, key)
                if isinstance(v, list) and (not vector or len(v) != k):
                    raise ValueError(f"'{key}' as a list needs one value per species ({k}) "
                                     f"and systematic: false, got {len(v)}")
            if isinstance(self.sigma, float) and not self.sigma > 0:
                raise ValueError(f"expected sigma > 0, got {self.sigma}")
            if isinstance(self.sigma, list) and not all(s > 0 for s in self.sigma):
                raise ValueError(f"expected every sigma > 0, got {self.sigma}")
            if (self.correlation is not None or self.covariance is not None) and not vector:
                raise ValueError("'correlation'/'covariance' need several species and "
                                 "systematic: false")
            if self.covariance is not None and (len(self.covariance) != k or
                                                any(len(r) != k for r in self.covariance)):
                raise ValueError(f"'covariance' must be a {k} x {k} matrix (eV^2)")
            if isinstance(self.correlation, list) and (
                    len(self.correlation) != k or any(len(r) != k for r in self.correlation)):
                raise ValueError(f"'correlation' must be a {k} x {k} matrix")
        elif d == "uniform":
            if self.low is None or self.high is None or not self.high > self.low:
                raise ValueError("a uniform distribution needs 'low' < 'high'")
            if vector:
                raise ValueError("a uniform distribution acts on one value: use one species, "
                                 "systematic: true, or a parameter")
        elif d == "lognormal":
            if self.species is not None:
                raise ValueError("'lognormal' is for positive factors: use it with 'parameter'")
            if self.median is None or self.sigma_ln is None or not (
                    self.median > 0 and self.sigma_ln > 0):
                raise ValueError("a lognormal distribution needs 'median' > 0 and "
                                 "'sigma_ln' > 0")
        elif d == "ensemble":
            if self.species is None or self.sets is None:
                raise ValueError("an ensemble needs 'species' and 'sets' (one row per set)")
            if len(self.sets) < 2 or any(len(r) != k for r in self.sets):
                raise ValueError(f"'sets' must have >= 2 rows of {k} energies (one per "
                                 "species)")
        elif d == "sites":
            if self.species is None or not self.classes:
                raise ValueError("a site distribution needs 'species' and 'classes'")
            s = sum(c.fraction for c in self.classes.values())
            if abs(s - 1.0) > 1e-6:
                raise ValueError(f"the class fractions must sum to 1, they sum to {s:.6g}")
            if self.kind != "aleatoric":
                raise ValueError("site heterogeneity is aleatoric (kind: aleatoric)")
        return self


class SensitivitySpec(_Strict):
    """Sobol indices: base sample size (cost samples * (groups + 2)) and grouping."""

    samples: int = Field(256, ge=8, le=MAX_SAMPLES)
    by: Literal["input", "kind"] = "input"


class UncertaintySection(_Strict):
    """The ``uncertainty:`` section: named inputs and how to propagate them."""

    inputs: list[UncertainInputSpec] = Field(min_length=1)
    samples: int = Field(1024, ge=1, le=MAX_SAMPLES)
    method: Literal["sobol", "random", "lhs", "pce"] = "sobol"
    order: int = Field(3, ge=1, le=12)
    seed: int = Field(0, ge=0, le=MAX_SEED)
    level: Finite = Field(0.95, gt=0, lt=1)
    outputs: list[Literal["tof", "drc", "coverages", "effectiveness", "conversion"]] | None \
        = None
    sensitivity: SensitivitySpec | None = None

    @model_validator(mode="after")
    def _unique(self):
        names = [i.name for i in self.inputs]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"input names must be unique, repeated: {dup}")
        return self
