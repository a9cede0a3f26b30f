"""``catscale compare MODEL``: mean field against lattice kMC on the same mechanism.

JSON: :class:`catscale.stages.CompareResult` — mean_field {coverages, tof, stable}, kmc {...},
coverages {species: {mean_field, kmc, kmc_error}}, tof {gas: {mean_field, kmc, kmc_error}},
pair_correlations {"A*-B*": {p, random, ratio}}, diffusion_reaction_ratio, verdict ("valid" |
"questionable" | "invalid"), reasons, mean_field_omits, scale_check, warnings.
"""

from __future__ import annotations

import typer

from ._common import (
    MAX_EVENTS,
    MAX_LATTICE_SIZE,
    MAX_SEED,
    cli_errors,
    print_result,
)


def register(app: typer.Typer) -> None:
    @app.command("compare")
    def compare(model: str = typer.Argument(..., help="Model file (YAML)."),
                events: int = typer.Option(None, "--events", help="Number of kMC events.",
                                            min=1, max=MAX_EVENTS),
                seed: int = typer.Option(None, "--seed", help="Random seed.", min=0,
                                          max=MAX_SEED),
                size: int = typer.Option(None, "--size", help="Lattice size L (L x L).",
                                          min=3, max=MAX_LATTICE_SIZE),
                json_out: bool = typer.Option(False, "--json", help="Print one JSON object.")):
        """Mean field vs kMC on the same mechanism, with a validity verdict and reasons."""
        with cli_errors():
            from catscale import load_model

            m = load_model(model)
            res = m.compare(events=events, seed=seed, size=size)
            print_result(res, json_out, head=f"mean field is {res.verdict.upper()} for {m.name}")
