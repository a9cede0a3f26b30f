"""Issue 21, item 5: run --out DIR is locked, its files atomic, summary.json says whether the
run is complete, and a full disk is exit 1 with one message and no temporary file."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import pathlib
import subprocess
import sys

import pytest

from catscale.errors import OutputError

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from test_untrusted_inputs import BASE as MODEL  # noqa: E402

ENV = dict(os.environ, PYTHONPATH=str(ROOT))


def test_second_run_into_a_locked_directory_is_exit_2(tmp_path):
    f = tmp_path / "m.yaml"
    f.write_text(MODEL)
    out = tmp_path / "out"
    # process 1 holds the lock of DIR as a run does (catscale.workflow._outputs.locked)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from catscale.workflow._outputs import locked\n"
         f"with locked({str(out)!r}):\n    print('locked', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=ENV)
    try:
        assert holder.stdout.readline().strip() == "locked"
        # process 2: a real catscale run into the same directory
        r = subprocess.run([sys.executable, "-m", "catscale.cli.main", "run", str(f), "--out",
                            str(out)], capture_output=True, text=True, timeout=120, env=ENV)
        assert r.returncode == 2, r.stderr
        assert f"is in use by process {holder.pid}" in r.stderr
        assert "Traceback" not in r.stderr and "internal error" not in r.stderr
        assert not (out / "summary.json").exists()
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    r = subprocess.run([sys.executable, "-m", "catscale.cli.main", "run", str(f), "--out",
                        str(out)], capture_output=True, text=True, timeout=120, env=ENV)
    assert r.returncode == 0, r.stderr


def test_summary_records_completeness(tmp_path, monkeypatch):
    from catscale.workflow import _run, run

    f = tmp_path / "m.yaml"
    f.write_text(MODEL)
    out = tmp_path / "out"
    run(f, out=out)
    s = json.loads((out / "summary.json").read_text())
    assert s["complete"] is True and s["finished_stages"] == ["rates", "steady"]
    assert (out / "results.nc").exists() and (out / "report.html").exists()

    def killed(model, upstream):        # the run dies in its second stage
        raise KeyboardInterrupt

    stages = {n: (dataclasses.replace(st, run=killed) if n == "steady" else st)
              for n, st in _run.STAGES.items()}
    monkeypatch.setattr(_run, "STAGES", stages)
    with pytest.raises(KeyboardInterrupt):
        run(f, out=out, reuse=False)
    s = json.loads((out / "summary.json").read_text())
    assert s["complete"] is False and s["finished_stages"] == ["rates"]
    # the previous run's results are not left to pass for this one's
    assert not (out / "results.nc").exists() and not (out / "report.html").exists()


def _enospc(fd, raw):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_full_disk_leaves_no_temporary_file(tmp_path, monkeypatch):
    from catscale.workflow import _outputs, run

    f = tmp_path / "m.yaml"
    f.write_text(MODEL)
    out = tmp_path / "out"
    run(f, out=out)
    before = (out / "results.nc").read_bytes()
    monkeypatch.setattr(_outputs, "_write_all", _enospc)
    with pytest.raises(OutputError, match="disk is full"):
        _outputs.write_atomic(out / "results.nc", b"new")
    assert (out / "results.nc").read_bytes() == before       # the old file intact
    with pytest.raises(OutputError, match="no space left"):
        run(f, out=out, reuse=False)
    left = [p.name for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert left == []


def test_full_disk_is_exit_1_with_one_message(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from catscale.cli.main import _register, app
    from catscale.workflow import _outputs

    if not app.registered_commands:
        _register()
    f = tmp_path / "m.yaml"
    f.write_text(MODEL)
    monkeypatch.setattr(_outputs, "_write_all", _enospc)
    r = CliRunner().invoke(app, ["run", str(f), "--out", str(tmp_path / "out")])
    assert r.exit_code == 1
    err = r.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: could not write") and "full" in err[0]
    assert not [p for p in (tmp_path / "out").rglob("*.tmp")]
