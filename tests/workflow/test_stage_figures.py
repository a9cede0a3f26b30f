"""Every registered stage declares its figures on its Stage object, and each figure draws
from the stage's typed result (issue 19, item 4)."""

import subprocess
import sys

import pytest
from workflow_helpers import FLAGSHIP, make_result

from catscale import stages
from catscale.model import load_model
from catscale.stages import STAGES, StageFigure, StageResult


@pytest.fixture(scope="module")
def model():
    return load_model(FLAGSHIP)


def test_every_registered_stage_draws_its_figures_from_its_typed_result(model, tmp_path):
    from matplotlib.figure import Figure

    # real rates and steady stages, a real (small) descriptor map, typed results of the
    # other stages in the layout their runs return (workflow_helpers)
    res = make_result(model)
    mapf = tmp_path / "map.yaml"
    mapf.write_text(FLAGSHIP.read_text().split("\nkmc:")[0] + """
descriptors:
  axes: {O*: [1.2, 2.2, 4]}
  ts_scaling:
    - {step: 1, reference: FS, alpha: 1.0, beta: 2.11}
  surfaces: {Pt: {O*: 1.62}}
""")
    res.results["map"] = stages.descriptor_map.run(load_model(mapf))
    drawn = set()
    for name, stage in STAGES.items():
        assert all(isinstance(f, StageFigure) for f in stage.figures), name
        if not stage.figures:
            continue
        typed = res.results[name]
        assert isinstance(typed, stage.result), name
        for f in stage.figures:
            fig = f.build(typed, model)
            assert isinstance(fig, Figure) and fig.axes, (name, f.id)
            drawn.add(f.id)
    # the figures of the report (ids stable: the report's HTML anchors use them)
    assert drawn == {"free_energy", "coverages_vs_time", "rate_control", "volcano",
                     "kmc_vs_mean_field", "pair_correlations", "kmc_snapshot", "diffusion",
                     "pellet_profiles", "effectiveness", "reactor_profiles",
                     "uq_distributions", "sobol"}
    # the readable text through the Stage object (the real results; the others lack fields)
    for name in ("rates", "steady", "map"):
        assert isinstance(res.results[name], StageResult)
        assert STAGES[name].text(res.results[name]) == res.results[name].text()
    assert "verified" in STAGES["map"].text(res.results["map"])


def test_a_figure_of_a_result_without_its_data_is_skipped_with_the_reason(model):
    from catscale.stages import FigureSkipped, MapResult

    summary_only = MapResult.from_dict({})         # rebuilt from JSON: no map dataset
    with pytest.raises(FigureSkipped, match="stage has no"):
        STAGES["map"].figures[0].build(summary_only, model)


def test_stages_and_workflow_import_without_matplotlib():
    code = ("import sys, catscale.workflow, catscale.stages.figures, catscale.uq; "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported eagerly'")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
