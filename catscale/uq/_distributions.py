"""Uncertain inputs: distributions defined by their map from the unit hypercube.

Every distribution is a deterministic map ``from_unit(u)`` from points ``u`` of the unit
hypercube ``[0, 1)^dim`` to physical values. Monte Carlo (quasi-random Sobol points), Saltelli
designs for Sobol indices and polynomial chaos all act on that hypercube, so one description of
the inputs serves every propagation method. Each hypercube dimension also has a *germ*
(``"normal"``: u -> z = Phi^-1(u) ~ N(0, 1); ``"uniform"``: u itself), which is the variable
polynomial chaos expands in.

Energies are in eV throughout; a distribution of energy *errors* gives additive shifts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.special import ndtr, ndtri

from ..errors import InvalidParameterError

__all__ = [
    "Distribution", "Normal", "Uniform", "LogNormal", "MultivariateNormal", "EnergyEnsemble",
    "SiteClass", "SiteEnergies", "UncertainInput", "UncertaintySpace", "KINDS",
]

KINDS = ("epistemic", "aleatoric")
_EPS = 1e-12  # keeps Phi^-1(u) finite (|z| < 7.03) at the edges of the hypercube


def _unit(u: np.ndarray, dim: int, name: str) -> np.ndarray:
    u = np.asarray(u, dtype=float)
    if u.ndim == 1:
        u = u[:, None] if dim == 1 else u[None, :]
    if u.ndim != 2 or u.shape[1] != dim:
        raise InvalidParameterError(name, f"an array of shape (n, {dim}) in [0, 1]", u.shape)
    return np.clip(u, _EPS, 1.0 - _EPS)


def _finite(x: float, name: str) -> float:
    x = float(x)
    if not np.isfinite(x):
        raise InvalidParameterError(name, "a finite number", x)
    return x


def _positive(x: float, name: str, unit: str = "") -> float:
    x = _finite(x, name)
    if x <= 0:
        raise InvalidParameterError(name, f"> 0 {unit}".strip(), x)
    return x


class Distribution:
    """Base class: a map from the unit hypercube ``[0, 1)^dim`` to values.

    Attributes
    ----------
    dim : int
        Number of hypercube dimensions the distribution uses.
    germs : tuple of str
        ``"normal"`` or ``"uniform"`` per dimension (the polynomial-chaos variable).
    smooth : bool
        False when the map is discontinuous (ensembles): polynomial chaos is then refused.
    """

    dim: int = 1
    smooth: bool = True

    @property
    def germs(self) -> tuple[str, ...]:
        return ("normal",) * self.dim

    @property
    def value_shape(self) -> tuple[int, ...]:
        """Shape of one sample's value: () for a scalar, (k,) for a vector."""
        return ()

    def from_unit(self, u: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        """Map hypercube points ``u`` (n, dim) to values (n, *value_shape)."""
        raise NotImplementedError

    def describe(self) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class Normal(Distribution):
    """Normal distribution N(mean, sigma^2) of a scalar (same unit as ``mean``)."""

    mean: float = 0.0
    sigma: float = 0.1

    def __post_init__(self):
        _finite(self.mean, "mean")
        _positive(self.sigma, "sigma")

    def from_unit(self, u):
        return self.mean + self.sigma * ndtri(_unit(u, 1, "u")[:, 0])

    def describe(self):
        return {"type": "normal", "mean": self.mean, "sigma": self.sigma}


@dataclass(frozen=True)
class Uniform(Distribution):
    """Uniform distribution on [low, high] of a scalar."""

    low: float = 0.0
    high: float = 1.0

    def __post_init__(self):
        _finite(self.low, "low")
        if not _finite(self.high, "high") > self.low:
            raise InvalidParameterError("high", f"> low = {self.low}", self.high)

    @property
    def germs(self):
        return ("uniform",)

    def from_unit(self, u):
        return self.low + (self.high - self.low) * _unit(u, 1, "u")[:, 0]

    def describe(self):
        return {"type": "uniform", "low": self.low, "high": self.high}


@dataclass(frozen=True)
class LogNormal(Distribution):
    """Log-normal scalar: ln X ~ N(ln median, sigma_ln^2); for positive factors (D_eff, k)."""

    median: float = 1.0
    sigma_ln: float = 0.1

    def __post_init__(self):
        _positive(self.median, "median")
        _positive(self.sigma_ln, "sigma_ln")

    def from_unit(self, u):
        return self.median * np.exp(self.sigma_ln * ndtri(_unit(u, 1, "u")[:, 0]))

    def describe(self):
        return {"type": "lognormal", "median": self.median, "sigma_ln": self.sigma_ln}


def _matvec_rows(z: np.ndarray, L: np.ndarray) -> np.ndarray:
    """Row-wise ``L @ z_i`` without BLAS, so a row's result never depends on the batch size
    (bit-identical results whatever the chunking of an ensemble)."""
    return (z[:, None, :] * L[None, :, :]).sum(axis=-1)


@dataclass(frozen=True)
class MultivariateNormal(Distribution):
    """Correlated normal errors of k quantities (e.g. DFT energies of k species), eV.

    Sampled as ``mean + L z`` with ``L`` the Cholesky factor of the covariance and ``z`` k
    independent standard normals (the germs). Build it from a covariance matrix, or with
    :meth:`from_correlation` from standard deviations and a correlation matrix (or one
    correlation coefficient shared by every pair).
    """

    mean: tuple[float, ...]
    cov: tuple[tuple[float, ...], ...]
    chol: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        mean = np.array(self.mean, dtype=float).reshape(-1)
        k = mean.size
        cov = np.array(self.cov, dtype=float)
        if k == 0:
            raise InvalidParameterError("mean", "at least one value", self.mean)
        if cov.shape != (k, k):
            raise InvalidParameterError("covariance", f"a {k} x {k} matrix", cov.shape)
        if not np.all(np.isfinite(cov)) or not np.all(np.isfinite(mean)):
            raise InvalidParameterError("covariance", "finite values", cov.tolist())
        if not np.allclose(cov, cov.T, rtol=1e-10, atol=1e-14):
            raise InvalidParameterError("covariance", "a symmetric matrix", cov.tolist())
        try:
            L = np.linalg.cholesky(cov)
        except np.linalg.LinAlgError:
            ev = np.linalg.eigvalsh(cov)
            raise InvalidParameterError(
                "covariance", "a positive-definite matrix",
                f"smallest eigenvalue {ev.min():.3g}") from None
        L = np.ascontiguousarray(L)
        L.setflags(write=False)
        object.__setattr__(self, "mean", tuple(mean.tolist()))
        object.__setattr__(self, "cov", tuple(map(tuple, cov.tolist())))
        object.__setattr__(self, "chol", L)
        object.__setattr__(self, "dim", k)

    @classmethod
    def from_correlation(cls, sigma: float | Sequence[float],
                         correlation: float | Sequence[Sequence[float]] = 0.0,
                         mean: float | Sequence[float] = 0.0, k: int | None = None,
                         ) -> MultivariateNormal:
        """Build from standard deviations (eV) and a correlation matrix or coefficient.

        Parameters
        ----------
        sigma : float or sequence of float
            Standard deviation of each quantity, eV (one value broadcasts to all).
        correlation : float or (k, k) matrix
            Correlation coefficient shared by every pair (in (-1/(k-1), 1)) or full matrix.
        mean : float or sequence of float
            Mean of each quantity, eV (a systematic offset; default 0).
        k : int, optional
            Number of quantities when every argument is a scalar.
        """
        sizes = [np.size(x) for x in (sigma, mean) if np.ndim(x) > 0]
        if np.ndim(correlation) > 0:
            sizes.append(np.shape(correlation)[0])
        if k is None:
            if not sizes:
                raise InvalidParameterError("k", "the number of quantities", None)
            k = sizes[0]
        if any(s != k for s in sizes):
            raise InvalidParameterError("sigma/mean/correlation", f"{k} values each", sizes)
        s = np.broadcast_to(np.asarray(sigma, dtype=float), (k,))
        if np.any(~np.isfinite(s)) or np.any(s <= 0):
            raise InvalidParameterError("sigma", "> 0 eV", s.tolist())
        if np.ndim(correlation) == 0:
            r = float(correlation)
            if not (-1.0 / max(k - 1, 1) < r < 1.0):
                raise InvalidParameterError(
                    "correlation", f"in (-1/(k-1), 1) = ({-1.0 / max(k - 1, 1):.3g}, 1)", r)
            C = np.full((k, k), r)
            np.fill_diagonal(C, 1.0)
        else:
            C = np.asarray(correlation, dtype=float)
            if C.shape != (k, k) or not np.allclose(np.diag(C), 1.0):
                raise InvalidParameterError("correlation", f"a {k} x {k} matrix with unit "
                                            "diagonal", C.tolist())
        m = np.broadcast_to(np.asarray(mean, dtype=float), (k,))
        return cls(mean=tuple(m), cov=tuple(map(tuple, (C * np.outer(s, s)).tolist())))

    @property
    def value_shape(self):
        return (self.dim,)

    @property
    def sigma(self) -> np.ndarray:
        return np.sqrt(np.diag(np.array(self.cov)))

    def from_unit(self, u):
        z = ndtri(_unit(u, self.dim, "u"))
        return np.asarray(self.mean)[None, :] + _matvec_rows(z, self.chol)

    def describe(self):
        return {"type": "multivariate_normal", "mean": list(self.mean),
                "covariance": [list(r) for r in self.cov]}


@dataclass(frozen=True)
class EnergyEnsemble(Distribution):
    """An ensemble of energy sets (BEEF-vdW style): each sample takes one whole set.

    Drawing whole sets keeps the correlations between the k quantities that the ensemble
    encodes. One hypercube dimension picks the set: set ``floor(u * n_sets)``.

    Parameters
    ----------
    sets : (n_sets, k) array
        Energy (shift) of each quantity in each set, eV.
    center : bool
        Subtract the ensemble mean of each quantity, so that the sets are errors about the
        best estimate (BEEF ensembles are spreads around the best-fit functional).
    """

    sets: np.ndarray
    center: bool = False
    smooth: bool = False

    def __post_init__(self):
        a = np.array(self.sets, dtype=float)
        if a.ndim == 1:
            a = a[:, None]
        if a.ndim != 2 or a.shape[0] < 2:
            raise InvalidParameterError("sets", "a (n_sets >= 2, k) table of energies", a.shape)
        if not np.all(np.isfinite(a)):
            raise InvalidParameterError("sets", "finite energies", "non-finite value")
        if self.center:
            a = a - a.mean(axis=0, keepdims=True)
        a = np.ascontiguousarray(a)
        a.setflags(write=False)
        object.__setattr__(self, "sets", a)

    @property
    def germs(self):
        return ("uniform",)

    @property
    def value_shape(self):
        return (self.sets.shape[1],)

    def from_unit(self, u):
        idx = np.minimum((_unit(u, 1, "u")[:, 0] * self.sets.shape[0]).astype(int),
                         self.sets.shape[0] - 1)
        return self.sets[idx]

    def describe(self):
        return {"type": "ensemble", "n_sets": int(self.sets.shape[0]),
                "k": int(self.sets.shape[1]), "std": self.sets.std(axis=0, ddof=1).tolist()}


@dataclass(frozen=True)
class SiteClass:
    """A class of surface sites (terrace, step, defect) with its own energy distribution.

    Attributes
    ----------
    name : str
    fraction : float
        Fraction of the sites in this class (the fractions of a surface sum to 1).
    mean, sigma : float
        Mean and standard deviation of the site-energy shift of this class, eV (sigma = 0:
        every site of the class has the same energy).
    """

    name: str
    fraction: float
    mean: float = 0.0
    sigma: float = 0.0

    def __post_init__(self):
        f = _finite(self.fraction, f"site_classes.{self.name}.fraction")
        if not 0.0 < f <= 1.0:
            raise InvalidParameterError(f"site_classes.{self.name}.fraction", "in (0, 1]", f)
        _finite(self.mean, f"site_classes.{self.name}.mean")
        if not _finite(self.sigma, f"site_classes.{self.name}.sigma") >= 0:
            raise InvalidParameterError(f"site_classes.{self.name}.sigma", ">= 0 eV",
                                        self.sigma)


@dataclass(frozen=True)
class SiteEnergies(Distribution):
    """Aleatoric site-energy heterogeneity: the energy shifts of ``n_sites`` sites, eV.

    The sites are split among the classes in proportion to their fractions (largest-remainder
    rounding, so the class composition of the modelled surface is fixed); within a class each
    site's shift is ``mean + sigma z`` with its own germ ``z ~ N(0, 1)``. One sample is
    therefore one realisation of a patch of ``n_sites`` independent sites; averaging a rate
    over them gives the mean rate of that patch.
    """

    classes: tuple[SiteClass, ...]
    n_sites: int = 100
    assignment: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        cl = tuple(self.classes)
        if not cl:
            raise InvalidParameterError("site_classes", "at least one class", cl)
        fr = np.array([c.fraction for c in cl])
        if abs(fr.sum() - 1.0) > 1e-6:
            raise InvalidParameterError("site_classes.*.fraction", "fractions summing to 1",
                                        float(fr.sum()))
        n = int(self.n_sites)
        if n < 1:
            raise InvalidParameterError("n_sites", ">= 1", self.n_sites)
        exact = fr * n
        counts = np.floor(exact).astype(int)
        order = np.argsort(-(exact - counts), kind="stable")
        counts[order[: n - counts.sum()]] += 1
        assign = np.repeat(np.arange(len(cl)), counts)
        assign.setflags(write=False)
        object.__setattr__(self, "classes", cl)
        object.__setattr__(self, "n_sites", n)
        object.__setattr__(self, "assignment", assign)
        object.__setattr__(self, "dim", n)

    @property
    def value_shape(self):
        return (self.n_sites,)

    @property
    def site_mean(self) -> np.ndarray:
        return np.array([self.classes[c].mean for c in self.assignment])

    @property
    def site_sigma(self) -> np.ndarray:
        return np.array([self.classes[c].sigma for c in self.assignment])

    def from_unit(self, u):
        z = ndtri(_unit(u, self.dim, "u"))
        return self.site_mean[None, :] + self.site_sigma[None, :] * z

    def describe(self):
        return {"type": "sites", "n_sites": self.n_sites,
                "classes": [{"name": c.name, "fraction": c.fraction, "mean": c.mean,
                             "sigma": c.sigma} for c in self.classes]}


@dataclass(frozen=True)
class UncertainInput:
    """A named uncertain input.

    Attributes
    ----------
    name : str
        Unique name (used in tables and as the key of a sample).
    kind : str
        ``"epistemic"`` (lack of knowledge: DFT error, functional) or ``"aleatoric"``
        (inherent variability: site heterogeneity, pellet-to-pellet spread).
    distribution : Distribution
    targets : tuple of str
        What the value acts on, e.g. species or transition-state names whose energy it shifts
        (eV). A scalar distribution with several targets is a *systematic shift* applied to the
        whole class; a vector distribution has one target per component.
    """

    name: str
    kind: str
    distribution: Distribution
    targets: tuple[str, ...] = ()

    def __post_init__(self):
        if not self.name:
            raise InvalidParameterError("name", "a non-empty string", self.name)
        if self.kind not in KINDS:
            raise InvalidParameterError(f"inputs.{self.name}.kind", f"one of {KINDS}",
                                        self.kind)
        if not isinstance(self.distribution, Distribution):
            raise InvalidParameterError(f"inputs.{self.name}.distribution",
                                        "a catscale.uq distribution", self.distribution)
        object.__setattr__(self, "targets", tuple(self.targets))
        vs = self.distribution.value_shape
        if (isinstance(self.distribution, (MultivariateNormal, EnergyEnsemble))
                and self.targets and len(self.targets) != vs[0]):
            raise InvalidParameterError(f"inputs.{self.name}.targets",
                                        f"{vs[0]} names (one per component)", self.targets)

    @property
    def dim(self) -> int:
        return self.distribution.dim


@dataclass(frozen=True)
class UncertaintySpace:
    """The joint space of independent named inputs, laid out on one unit hypercube."""

    inputs: tuple[UncertainInput, ...]

    def __post_init__(self):
        ins = tuple(self.inputs)
        if not ins:
            raise InvalidParameterError("inputs", "at least one uncertain input", ins)
        names = [i.name for i in ins]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise InvalidParameterError("inputs.name", "unique names", sorted(dup))
        object.__setattr__(self, "inputs", ins)

    # -- layout ----------------------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        return [i.name for i in self.inputs]

    @property
    def dim(self) -> int:
        return sum(i.dim for i in self.inputs)

    def slices(self) -> dict[str, slice]:
        out, k = {}, 0
        for i in self.inputs:
            out[i.name] = slice(k, k + i.dim)
            k += i.dim
        return out

    @property
    def dim_names(self) -> list[str]:
        """One label per hypercube dimension (``input`` or ``input[j]``)."""
        out = []
        for i in self.inputs:
            out += [i.name] if i.dim == 1 else [f"{i.name}[{j}]" for j in range(i.dim)]
        return out

    @property
    def dim_input(self) -> list[str]:
        """Name of the input that owns each hypercube dimension."""
        return [i.name for i in self.inputs for _ in range(i.dim)]

    @property
    def dim_kind(self) -> list[str]:
        return [i.kind for i in self.inputs for _ in range(i.dim)]

    @property
    def germs(self) -> list[str]:
        return [g for i in self.inputs for g in i.distribution.germs]

    def input(self, name: str) -> UncertainInput:
        for i in self.inputs:
            if i.name == name:
                return i
        raise InvalidParameterError("input", f"one of {self.names}", name)

    def kinds(self) -> dict[str, str]:
        return {i.name: i.kind for i in self.inputs}

    def subspace(self, kind: str) -> list[int]:
        """Hypercube dimensions that belong to inputs of ``kind``."""
        return [d for d, k in enumerate(self.dim_kind) if k == kind]

    # -- sampling --------------------------------------------------------------------------
    def unit_sample(self, n: int, method: str = "sobol", seed: int = 0) -> np.ndarray:
        """Points of the unit hypercube, shape (n, dim).

        Parameters
        ----------
        n : int
            Number of samples.
        method : {"sobol", "random", "lhs"}
            ``"sobol"``: scrambled Sobol sequence (scipy.stats.qmc), best with n a power of 2;
            ``"random"``: sample i drawn from its own generator (stream 0 of
            ``SeedSequence(seed).spawn`` child i, see :func:`sample_seed`), reproducible one
            sample at a time;
            ``"lhs"``: Latin hypercube.
        seed : int
            Seed of the scrambling / generators.
        """
        from scipy.stats import qmc

        n = int(n)
        if n < 1:
            raise InvalidParameterError("samples", ">= 1", n)
        d = self.dim
        if method == "sobol":
            if d > 21201:
                raise InvalidParameterError("method", "'random' or 'lhs' above 21201 "
                                            "dimensions (limit of scipy's Sobol sequence)", d)
            eng = qmc.Sobol(d, scramble=True, rng=np.random.default_rng(seed))
            m = int(np.ceil(np.log2(n)))
            return eng.random_base2(m)[:n]
        if method == "random":
            return np.stack([np.random.default_rng(sample_seed(seed, i, 0)).random(d)
                             for i in range(n)])
        if method == "lhs":
            return qmc.LatinHypercube(d, rng=np.random.default_rng(seed)).random(n)
        raise InvalidParameterError("method", "one of 'sobol', 'random', 'lhs'", method)

    def transform(self, u: np.ndarray) -> dict[str, np.ndarray]:
        """Map hypercube points (n, dim) to values: name -> (n, *value_shape) array."""
        u = np.asarray(u, dtype=float)
        if u.ndim != 2 or u.shape[1] != self.dim:
            raise InvalidParameterError("u", f"shape (n, {self.dim})", u.shape)
        return {i.name: i.distribution.from_unit(u[:, s])
                for i, s in zip(self.inputs, self.slices().values(), strict=True)}

    def germ_to_unit(self, z: np.ndarray) -> np.ndarray:
        """Map germ variables (normal: N(0, 1), uniform: U(0, 1)) to the unit hypercube."""
        z = np.atleast_2d(np.asarray(z, dtype=float))
        normal = np.array([g == "normal" for g in self.germs])
        return np.where(normal[None, :], ndtr(z), z)

    def unit_to_germ(self, u: np.ndarray) -> np.ndarray:
        u = np.clip(np.atleast_2d(np.asarray(u, dtype=float)), _EPS, 1 - _EPS)
        normal = np.array([g == "normal" for g in self.germs])
        return np.where(normal[None, :], ndtri(u), u)

    def describe(self) -> list[dict]:
        return [{"name": i.name, "kind": i.kind, "targets": list(i.targets),
                 "dim": i.dim, **i.distribution.describe()} for i in self.inputs]


def sample_seed(seed: int, i: int, stream: int = 1) -> np.random.SeedSequence:
    """Seed of sample ``i``: stream ``stream`` of child ``i`` of ``SeedSequence(seed)``.

    Child ``i`` is what ``SeedSequence(seed).spawn(n)[i]`` gives; its stream 0 draws the
    sample's hypercube point (method ``"random"``), stream 1 is the generator handed to the
    model function, so the two are independent. Built directly, so a sample gets the same
    numbers wherever and in whatever order it is computed.
    """
    return np.random.SeedSequence(int(seed), spawn_key=(int(i), int(stream)))
