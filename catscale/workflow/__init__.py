"""The whole chain from one model file: every stage the file defines, in scale order.

``run(path, out)`` loads the model, runs each stage whose section is present (rates ->
mean field -> kMC -> surface diffusion -> homogenization -> pellet -> reactor -> uncertainty),
prints a readable summary and writes ``out/summary.json``.
"""

from ._run import STAGES, RunResult, run

__all__ = ["run", "RunResult", "STAGES"]
