"""The whole chain from one model file: every stage the file defines, in scale order.

``run(path, out)`` loads the model, runs each stage whose section is present (rates ->
mean field -> kMC -> surface diffusion -> homogenization -> pellet -> reactor -> uncertainty),
prints a readable summary and writes ``out/summary.json``, ``out/results.nc`` (one xarray
group per stage) and ``out/report.html`` (self-contained, figures embedded).
"""

from ._report import write_report
from ._results import read_results, write_results
from ._run import STAGES, RunResult, run

__all__ = ["run", "RunResult", "STAGES", "write_results", "read_results", "write_report"]
