"""The notebook API: a model with its verbs.

``catscale.load_model(path)`` returns a :class:`Model`: the validated model file
(:class:`catscale.model.Model`) with one method per stage. Each method calls the same
application-layer function as the matching command, so a notebook gets exactly the command
line's answers (``m.steady_state().to_dict()`` equals ``catscale steady --json``)::

    m = catscale.load_model("model.yaml")
    m2 = m.with_conditions(T=600, pressures={"CO": 0.5})   # a new Model
    m.rates(); m.steady_state(); m.kmc(events=..., seed=...); m.compare(); m.diffusion()
    m.pellet(); m.reactor(); m.uq(samples=..., scheduler=...); m.run(out="out/")
"""

from __future__ import annotations

import dataclasses
import functools
import pathlib
from typing import Any

from . import model as _model
from . import stages

__all__ = ["Model", "load_model"]


@dataclasses.dataclass(frozen=True, eq=False)
class Model(_model.Model):
    """A validated model with one method per stage (every result typed, with units).

    ``rates(T)`` returns the :class:`~catscale.mechanism.RateTable` (``to_dict()`` is
    ``catscale rates --json``); the other methods return the frozen results of
    :mod:`catscale.stages`. Options left out take the model file's values. A model derived
    with :meth:`with_conditions` or :meth:`with_energy_shifts` is a new Model.
    """

    def steady_state(self, T: float | None = None,
                     product: str | None = None) -> stages.SteadyResult:
        """Verified mean-field steady state with the model's whole energetics."""
        return stages.steady.run(self, T=T, product=product)

    def kmc(self, events: int | None = None, seed: int | None = None,
            **options: Any) -> stages.KMCRunResult:
        """Lattice kMC (options of :func:`catscale.stages.kmc.inputs`: lattice, size,
        replicas, checkpoint, fast_diffusion, scaling_check, T)."""
        return stages.kmc.run(self, events=events, seed=seed, **options)

    def compare(self, events: int | None = None, seed: int | None = None,
                size: int | None = None, **options: Any) -> stages.CompareResult:
        """Mean field against kMC on the same mechanism, with a verdict."""
        return stages.compare.run(self, events=events, seed=seed,
                                  size=size, **options)

    def diffusion(self, method: str | None = None, coverages: str | None = None,
                  **options: Any) -> stages.DiffusionResult:
        """Surface diffusion D(theta) by lattice-gas kMC or a closure."""
        return stages.diffusion.run(self, method=method, coverages=coverages, **options)

    def homogenization(self) -> stages.HomogenizationResult:
        """Effective diffusivity of the ``microstructure:`` section (solved once per
        model object: pellet and reactor reuse it)."""
        return self._homogenization

    @functools.cached_property
    def _homogenization(self) -> stages.HomogenizationResult:
        return stages.homogenization.run(self)

    def _homog_or_none(self):
        p = self.sections.pellet
        if p is not None and p.D_eff is None and self.sections.microstructure is not None:
            return self._homogenization
        return None

    def pellet(self, n_cells: int = 0, newton: bool = False) -> stages.PelletRunResult:
        """Reaction-diffusion in one pellet: Thiele modulus, effectiveness, profiles."""
        return stages.pellet.run(self, self._homog_or_none(), n_cells=n_cells, newton=newton)

    def reactor(self) -> stages.ReactorRunResult:
        """The packed-bed reactor of the ``reactor:`` section."""
        return stages.reactor.run(self, self._homog_or_none())

    def map(self, resolution: int | None = None) -> stages.MapResult:
        """Descriptor (volcano) map of the ``descriptors:`` section."""
        return stages.descriptor_map.run(self, resolution=resolution)

    def uq(self, samples: int | None = None, scheduler: str = "auto", **options: Any):
        """Uncertainty propagation and sensitivity of the ``uncertainty:`` section
        (options of :func:`catscale.uq.uq_study`); returns a :class:`catscale.uq.UQResult`."""
        from .uq import run_stage as run_uq

        return run_uq(self, self._homog_or_none(), samples=samples, scheduler=scheduler,
                      **options)

    def run(self, out: str | pathlib.Path | None = None, **options: Any):
        """Every stage the model defines (``catscale run``); writes ``out/`` when given."""
        from .workflow import run as run_chain

        return run_chain(self, out=out, **options)


def load_model(path: str | pathlib.Path, **kwargs: Any) -> Model:
    """Load and validate a model file (:func:`catscale.model.load_model`) as a
    :class:`Model` with its verbs."""
    m = _model.load_model(path, **kwargs)
    return Model(**{f.name: getattr(m, f.name) for f in dataclasses.fields(m)})
