"""The stages of ``catscale run`` as objects in one registry.

A :class:`Stage` says which models it applies to, which parts of the model it reads (the
cache key is derived from exactly those validated objects), which upstream stages it needs
(it receives their typed results and never recomputes them), how to run it, its readable
text and its figures (drawn from its typed result; the report takes them from here).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from ..results import StageResult

__all__ = ["Stage", "STAGES", "register", "CORE_PARTS", "result_text"]

#: parts of every model that every stage reads (validated objects, internal units)
CORE_PARTS = ("conditions", "sites", "species_specs", "step_specs", "pressures",
              "energy_shifts")


def result_text(result: StageResult) -> str:
    """The readable text of a typed result (its ``text()``): the default ``Stage.text``."""
    return result.text()


@dataclasses.dataclass(frozen=True)
class Stage:
    """One stage of the chain.

    Attributes
    ----------
    name : str
        Stage name (summary key, results.nc group).
    title : str
        Section title of the report.
    applies : callable Model -> bool
        Whether a model has this stage.
    reads : tuple of str
        Model attributes the stage reads beyond :data:`CORE_PARTS` (sections such as
        ``"pellet"``, or ``"lateral"``, ``"lateral_coordination"``).
    needs : tuple of str
        Upstream stages whose results it receives (when the model has them).
    run : callable (Model, Mapping[str, StageResult]) -> StageResult
    result : type
        The :class:`StageResult` subclass ``run`` returns.
    figures : tuple of StageFigure
        The figures of the stage's report section, in order
        (:class:`catscale.stages.figures.StageFigure`: id, caption, and ``build(result,
        model)`` drawing from the typed result).
    text : callable StageResult -> str
        The readable text of a result (printed by ``catscale run``, kept in the report).
    """

    name: str
    title: str
    applies: Callable[[Any], bool]
    reads: tuple[str, ...]
    needs: tuple[str, ...]
    run: Callable[[Any, Mapping[str, StageResult]], StageResult]
    result: type
    figures: tuple = ()
    text: Callable[[StageResult], str] = result_text


#: name -> Stage, in scale order (the order ``catscale run`` runs them)
STAGES: dict[str, Stage] = {}


def register(stage: Stage) -> Stage:
    """Add a stage to the registry (a stage of the same name is replaced)."""
    STAGES[stage.name] = stage
    return stage


def _has_steps(m) -> bool:
    return m.mechanism is not None and bool(m.mechanism.steps)


def _has_adsorbates(m) -> bool:
    return m.mechanism is not None and bool(m.mechanism.adsorbates)


_ENERGETICS = ("lateral", "lateral_coordination", "kmc")


def _build() -> None:
    from . import compare, descriptor_map, diffusion, homogenization, pellet, rates, reactor
    from . import figures as fig
    from . import steady as steady_mod

    register(Stage("rates", "Rate constants (transition-state theory)", _has_steps, (), (),
                   lambda m, up: rates.run(m), rates.RatesResult, figures=fig.RATES))
    register(Stage("steady", "Mean-field microkinetics", _has_adsorbates, _ENERGETICS, (),
                   lambda m, up: steady_mod.run(m), steady_mod.SteadyResult,
                   figures=fig.STEADY))
    register(Stage("map", "Descriptor map (volcano)", lambda m: m.sections.descriptors is not None,
                   ("descriptors",) + _ENERGETICS, (),
                   lambda m, up: descriptor_map.run(m), descriptor_map.MapResult,
                   figures=fig.MAP))
    register(Stage("kmc", "Kinetic Monte Carlo vs mean field",
                   lambda m: m.sections.kmc is not None and _has_adsorbates(m), _ENERGETICS,
                   ("steady",), lambda m, up: compare.run(m, steady=up.get("steady")),
                   compare.CompareResult, figures=fig.KMC))
    register(Stage("diffusion", "Surface diffusion", lambda m: m.sections.diffusion is not None,
                   ("diffusion",) + _ENERGETICS, (), lambda m, up: diffusion.run(m),
                   diffusion.DiffusionResult, figures=fig.DIFFUSION))
    register(Stage("homogenization", "Homogenization (effective transport)",
                   lambda m: m.sections.microstructure is not None,
                   ("microstructure", "pellet"), (),
                   lambda m, up: homogenization.run(m),
                   homogenization.HomogenizationResult))
    register(Stage("pellet", "Pellet: reaction and diffusion",
                   lambda m: m.sections.pellet is not None,
                   ("pellet",) + _ENERGETICS, ("homogenization",),
                   lambda m, up: pellet.run(m, homogenization=up.get("homogenization")),
                   pellet.PelletRunResult, figures=fig.PELLET))
    register(Stage("reactor", "Reactor",
                   lambda m: m.sections.reactor is not None and m.sections.pellet is not None,
                   ("pellet", "reactor") + _ENERGETICS, ("homogenization",),
                   lambda m, up: reactor.run(m, homogenization=up.get("homogenization")),
                   reactor.ReactorRunResult, figures=fig.REACTOR))

_build()
