"""Model files for the uq tests: the flagship CO-oxidation example plus an uncertainty section."""

import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "co_oxidation_pt111.yaml"


@pytest.fixture
def model_with(tmp_path):
    """Write the example model with ``section`` (YAML text of the uncertainty section)."""
    def make(section: str, name: str = "m.yaml") -> pathlib.Path:
        p = tmp_path / name
        # the mean-field part of the flagship (its own kmc/.../uncertainty sections dropped)
        p.write_text(EXAMPLE.read_text().split("\nkmc:")[0] + "\n" + section)
        return p
    return make
