"""The tutorials in docs/ are executable: every ```python block of a docs/*.md file runs, in
order, in one fresh namespace per file, inside a temporary working directory. A block that
raises (including a failed ``assert`` of a worked answer) fails the test of its file.

The example model files of issue 10 must validate and load (tests/docs/test_examples.py).
"""

from __future__ import annotations

import pathlib
import re
import time

import pytest

DOCS = pathlib.Path(__file__).resolve().parents[2] / "docs"
TUTORIALS = sorted(p for p in DOCS.glob("*.md") if p.name != "README.md")

# A fenced block opens with ```python on its own line and closes with ``` on its own line.
_FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)


def python_blocks(text: str) -> list[tuple[int, str]]:
    """(first line number, source) of every ```python block of a Markdown text."""
    out = []
    for m in _FENCE.finditer(text):
        line = text.count("\n", 0, m.start(1)) + 1
        out.append((line, m.group(1)))
    return out


def test_block_extraction():
    # the extractor must see exactly the python blocks (not ```text/```yaml, not inline code)
    md = ("intro `x = 1`\n```python\na = 1\n```\n```text\nnot code\n```\n"
          "```yaml\nk: v\n```\n```python\nb = a + 1\nassert b == 2\n```\n")
    blocks = python_blocks(md)
    assert [src for _, src in blocks] == ["a = 1\n", "b = a + 1\nassert b == 2\n"]
    assert [line for line, _ in blocks] == [3, 12]


def test_every_tutorial_is_present():
    names = {p.name for p in TUTORIALS}
    assert {"1_principles.md", "2_applications.md", "3_exercises.md"} <= names
    assert (DOCS / "README.md").exists()


def _run_file(path: pathlib.Path) -> float:
    text = path.read_text(encoding="utf-8")
    blocks = python_blocks(text)
    assert blocks, f"{path.name} has no ```python block"
    ns: dict = {"__name__": f"docs.{path.stem}"}
    t0 = time.perf_counter()
    for line, src in blocks:
        code = compile(src, f"{path.name}:{line}", "exec")
        try:
            exec(code, ns)  # noqa: S102 - running our own tutorial code is the point
        except Exception as exc:  # re-raise with the block's location in the message
            raise AssertionError(f"{path.name}, block starting at line {line}: "
                                 f"{type(exc).__name__}: {exc}") from exc
    return time.perf_counter() - t0


@pytest.mark.slow
@pytest.mark.parametrize("path", TUTORIALS, ids=lambda p: p.name)
def test_tutorial_runs(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    # a tutorial without code would pass vacuously; every block that fails raises
    assert python_blocks(path.read_text(encoding="utf-8")), f"{path.name} has no code blocks"
    _run_file(path)


@pytest.mark.parametrize("name", ["1_principles.md", "3_exercises.md"])
def test_worked_answers_are_asserted(name):
    # principles: every block checks its number against a closed form; exercises: every
    # solution block asserts its answer (a block without assert would be a claim, not a check)
    blocks = python_blocks((DOCS / name).read_text(encoding="utf-8"))
    missing = [line for line, src in blocks if not re.search(r"^\s*assert\b", src, re.M)]
    assert not missing, f"{name}: blocks without an assert start at lines {missing}"
