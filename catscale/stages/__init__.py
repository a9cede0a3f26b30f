"""The application layer: from a validated model to each scale's problem and typed result.

One module per stage. Each turns a :class:`~catscale.model.Model` (and the typed results of
the stages it needs) into the problem of its scale, runs it and returns that scale's frozen
result, whose fields declare their units (:mod:`catscale.results`). It is the only code
that assembles solver inputs from a model: the command line, the workflow, the uncertainty
studies and the notebook API (:class:`catscale.Model`) all call it, so they give the same
answers.

Stages: :mod:`~catscale.stages.rates`, :mod:`~catscale.stages.steady`,
:mod:`~catscale.stages.kmc`, :mod:`~catscale.stages.compare`,
:mod:`~catscale.stages.diffusion`, :mod:`~catscale.stages.homogenization`,
:mod:`~catscale.stages.pellet`, :mod:`~catscale.stages.reactor`,
:mod:`~catscale.stages.descriptor_map`; the uncertainty stage is registered by
:mod:`catscale.uq`. The figures of every stage are drawn by :mod:`~catscale.stages.figures`
and declared on the stage's :class:`Stage` object.
"""

from ..results import Column, StageResult, hidden, info, quantity, table, to_jsonable
from . import (
    compare,
    descriptor_map,
    diffusion,
    figures,
    homogenization,
    kmc,
    pellet,
    rates,
    reactor,
    steady,
)
from ._registry import CORE_PARTS, STAGES, Stage, register, result_text
from .compare import CompareResult, MeanFieldSide
from .descriptor_map import MapResult
from .diffusion import DiffusionResult
from .figures import FigureSkipped, StageFigure
from .homogenization import HomogenizationResult, homogenize
from .kmc import KMCRunResult
from .pellet import PelletProfiles, PelletRunResult
from .rates import RatesResult
from .reactor import ReactorProfiles, ReactorRunResult
from .steady import SteadyResult

__all__ = [
    "rates", "steady", "kmc", "compare", "diffusion", "homogenization", "pellet", "reactor",
    "descriptor_map", "figures", "STAGES", "Stage", "StageFigure", "FigureSkipped",
    "result_text", "register", "CORE_PARTS", "StageResult", "quantity",
    "table", "info", "hidden", "Column", "to_jsonable", "RatesResult", "SteadyResult",
    "KMCRunResult", "CompareResult", "MeanFieldSide", "DiffusionResult",
    "HomogenizationResult", "homogenize", "PelletRunResult", "PelletProfiles",
    "ReactorRunResult", "ReactorProfiles", "MapResult",
]
