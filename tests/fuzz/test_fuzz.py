"""Issue 21, item 6: every file of the fuzz corpus (tests/fuzz/fuzz_corpus.py) gives exit 0
with a verified result or exit 2 naming file and field, within 10 s per command; never an
internal error, a traceback or a hang. The corpus runs in-process (about 40 s); a few cases
also through real subprocesses."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from fuzz_corpus import generate  # noqa: E402
from fuzz_harness import GOOD, classify, counts, run_corpus, warm_up  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]

#: known defects, outside the parsing this corpus guards (solver stiffness and rate
#: overflow for absurd but schema-valid numbers); each listed with what it does today.
#: A defect not listed here fails the test.
KNOWN: dict[tuple[str, str], str] = {}


def test_corpus_has_every_kind_and_at_least_200_files():
    cases = generate()
    assert len(cases) >= 200
    kinds = {c.kind for c in cases}
    assert kinds >= {"deleted_key", "wrong_type", "number", "unknown_species", "unbalanced",
                     "unicode", "duplicate_key", "binary", "deep_nesting", "alias_bomb",
                     "python_tag"}
    assert generate() == cases                              # deterministic


def test_every_corpus_file_is_handled(tmp_path):
    warm_up()
    cases = generate()
    hangs = frozenset(k for k, v in KNOWN.items() if v == "hang")   # 10 s each: not rerun
    res = run_corpus(cases, tmp_path, skip=hangs)
    defects = [(r.case, r.command, r.outcome, r.detail) for r in res
               if r.outcome not in GOOD and (r.case, r.command) not in KNOWN]
    assert defects == []
    assert not (tmp_path / "PWNED").exists() and not pathlib.Path("PWNED").exists()
    c = counts(res)
    # a model without steps (diffusion-only, pellet with given kinetics) is valid: `rates`
    # and `steady` refuse it with exit 2 on the field `steps` ("no steps"), the file counts ok
    assert c["files"]["ok"] >= 50 and c["files"]["bad input"] >= 150
    assert max(r.seconds for r in res) < 10.0


@pytest.mark.parametrize("name", ["alias_bomb_284.yaml", "deep_flow_unclosed.yaml",
                                  "python_object.yaml", "garbage.1.yaml",
                                  "co_oxidation_pt111.truncated.yaml"])
def test_corpus_files_through_real_processes(tmp_path, name):
    case = next(c for c in generate() if c.name == name)
    path = tmp_path / name
    path.write_bytes(case.data)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-m", "catscale.cli.main", "steady", str(path),
                        "--json"], capture_output=True, text=True, timeout=30, env=env)

    class R:
        exit_code, stdout, stderr, exception = r.returncode, r.stdout, r.stderr, None

    outcome, detail = classify("steady", str(path), R)
    assert outcome in ("ok", "bad input"), (outcome, detail)
