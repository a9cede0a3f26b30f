"""Run the fuzz corpus through the CLI in-process and classify every outcome.

Each case goes through ``catscale validate``; a valid file also through ``rates --json`` and
``steady --json``. Outcomes:

* ``ok``: exit 0 with a verified result (validate: "ok:"; rates: every rate constant finite
  and >= 0; steady: scaled residual <= 1e-6, coverages finite in [0, 1]);
* ``bad input``: exit 2 with a message naming the file and a field ("FILE[:LINE]: FIELD: ...");
* ``failed``: exit 1 with "computation failed: ..." (a valid model whose computation fails,
  which the CLI reports as such);
* ``no steps``: ``rates`` or ``steady`` on a valid model without steps (a pellet with an
  explicit rate law, a diffusion model): exit 2 naming the file and the field ``steps``
  (the command does not apply; the file counts as ok when everything else is);
* anything else is a defect: ``internal error``, a traceback, exit 2 without file and
  field, an unverified exit 0, or a ``hang`` (over the per-command time limit).

``python tests/fuzz/fuzz_harness.py`` prints the counts by outcome.
"""

from __future__ import annotations

import json
import math
import pathlib
import re
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from fuzz_corpus import Case, generate  # noqa: E402

GOOD = ("ok", "bad input", "failed", "no steps")
LIMIT_S = 10.0


class _Hang(BaseException):
    """Raised by SIGALRM inside a command that exceeds the time limit (BaseException, so
    that no ``except Exception`` in catscale or click swallows it)."""


@dataclass
class Outcome:
    case: str
    kind: str
    command: str
    outcome: str
    seconds: float
    detail: str


def _app():
    from catscale.cli.main import _register, app

    if not app.registered_commands:
        _register()
    return app


def _invoke(runner, app, args: list[str], limit: float):
    def alarm(signum, frame):
        raise _Hang()

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    t0 = time.perf_counter()
    try:
        r = runner.invoke(app, args)
    except _Hang:
        r = None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    return r, time.perf_counter() - t0


def _names_file_and_field(stderr: str, path: str) -> bool:
    pat = re.compile(r"^(error: )?" + re.escape(path) + r"(:\d+)?: \S[^\n]*?: \S", re.M)
    return bool(pat.search(stderr))


def _verified(command: str, stdout: str) -> str | None:
    """None when the exit-0 output is verified, else what is wrong."""
    if command == "validate":
        return None if stdout.startswith("ok:") else "no 'ok:' line"
    try:
        out = json.loads(stdout)
    except ValueError:
        return "stdout is not one JSON object"
    if command == "rates":
        for s in out.get("steps", []):
            for k in ("k_f", "k_r"):
                v = s.get(k)
                if not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
                    return f"{s.get('equation')}: {k} = {v!r}"
        return None
    res = out.get("residual")
    if not isinstance(res, (int, float)) or not res <= 1e-6:
        return f"residual {res!r}"
    for k, v in (out.get("coverages") or {}).items():
        if not isinstance(v, (int, float)) or not -1e-9 <= v <= 1 + 1e-9:
            return f"coverage {k} = {v!r}"
    return None


def classify(command: str, path: str, r) -> tuple[str, str]:
    """(outcome, detail) of one command on one file."""
    if r is None:
        return "hang", f"over {LIMIT_S} s"
    err, out = r.stderr or "", r.stdout or ""
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        return "internal error", f"{type(r.exception).__name__}: {r.exception}"
    if "internal error" in err or "Traceback" in err + out:
        return "internal error", err.strip().splitlines()[0] if err.strip() else out[:200]
    if r.exit_code == 0:
        why = _verified(command, out)
        return ("ok", "") if why is None else ("unverified", why)
    if r.exit_code == 2:
        if _names_file_and_field(err, path):
            first = err.strip().splitlines()[0]
            if command != "validate" and ": steps: the model has no steps" in first:
                return "no steps", first
            return "bad input", first
        return "exit 2 without file and field", err.strip()[:300]
    if r.exit_code == 1 and err.startswith("computation failed"):
        return "failed", err.strip().splitlines()[0]
    return f"exit {r.exit_code}", err.strip()[:300]


def run_corpus(cases: list[Case], directory: pathlib.Path, limit: float = LIMIT_S,
               skip: frozenset = frozenset()) -> list[Outcome]:
    """Write each case to ``directory`` and run it; one Outcome per command run
    (``skip``: (case name, command) pairs not run)."""
    from typer.testing import CliRunner

    app = _app()
    runner = CliRunner()
    directory.mkdir(parents=True, exist_ok=True)
    results = []
    for c in cases:
        path = directory / c.name
        path.write_bytes(c.data)
        for command in ("validate", "rates", "steady"):
            if (c.name, command) in skip:
                continue
            args = [command, str(path)] + ([] if command == "validate" else ["--json"])
            r, dt = _invoke(runner, app, args, limit)
            outcome, detail = classify(command, str(path), r)
            results.append(Outcome(c.name, c.kind, command, outcome, dt, detail))
            if command == "validate" and outcome != "ok":
                break          # rates and steady of an invalid file fail the same way
    return results


def warm_up() -> None:
    """Import and JIT-compile what the commands use, so that no case pays for it."""
    from typer.testing import CliRunner

    src = pathlib.Path(__file__).resolve().parents[2] / "examples" / "co_oxidation_pt111.yaml"
    runner = CliRunner()
    for command in ("rates", "steady"):
        runner.invoke(_app(), [command, str(src), "--json"])


def counts(results: list[Outcome]) -> dict[str, Counter]:
    """Files by worst outcome, and commands by outcome."""
    rank = {"ok": 0, "failed": 1, "bad input": 2}
    worst: dict[str, str] = {}
    for r in results:
        cur = worst.get(r.case)
        outcome = "ok" if r.outcome == "no steps" else r.outcome   # valid; does not apply
        if cur is None or rank.get(outcome, 9) > rank.get(cur, 9) or (
                outcome not in rank):
            worst[r.case] = outcome
    return {"files": Counter(worst.values()),
            "commands": Counter(f"{r.command}: {r.outcome}" for r in results)}


if __name__ == "__main__":
    import tempfile

    t0 = time.perf_counter()
    warm_up()
    cases = generate()
    with tempfile.TemporaryDirectory() as d:
        res = run_corpus(cases, pathlib.Path(d))
    c = counts(res)
    print(f"{len(cases)} files, {len(res)} commands, {time.perf_counter() - t0:.1f} s")
    print("files by outcome:", dict(c["files"]))
    print("commands by outcome:", dict(c["commands"]))
    slow = sorted(res, key=lambda r: -r.seconds)[:5]
    print("slowest:", [(r.case, r.command, round(r.seconds, 2)) for r in slow])
    for r in res:
        if r.outcome not in GOOD:
            print(f"DEFECT {r.case} {r.command}: {r.outcome}: {r.detail}")
