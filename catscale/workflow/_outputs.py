"""The output directory of a run: an exclusive lock, atomic files, a record of completeness.

* :func:`locked` holds an exclusive ``fcntl.flock`` on ``DIR/.lock`` for the whole run; a
  second run into the same directory is refused at once (exit 2, "DIR is in use by process
  N") instead of both writing the same files.
* :func:`write_atomic` writes a file under a unique temporary name in the same directory,
  flushes it to disk and renames it into place: a reader (or a crash) sees the old file or the
  new one, never a part. When the write fails (``ENOSPC``: a full disk) the temporary file is
  removed and :class:`~catscale.errors.OutputError` says which file and why (exit 1).
* :func:`write_summary` writes ``summary.json`` with ``complete`` (false until every output
  of the run is written) and ``finished_stages``, so a killed run is recognisable.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import pathlib
import secrets
from collections.abc import Iterator

from ..errors import InvalidParameterError, OutputError

__all__ = ["locked", "write_atomic", "write_summary", "clear_outputs", "OutputDirBusy",
           "LOCK_FILE", "SUMMARY_FILE"]

LOCK_FILE = ".lock"
SUMMARY_FILE = "summary.json"
#: files of a previous run removed when a run starts (they are rewritten when it ends)
RUN_OUTPUTS = ("results.nc", "report.html")


class OutputDirBusy(InvalidParameterError):
    """Another process holds the lock of the output directory (bad input: exit 2)."""

    def __init__(self, path: str, pid: str):
        self.name, self.expected, self.found = "--out", "a directory no other run uses", path
        Exception.__init__(self, f"{path} is in use by process {pid or '(unknown)'} (another "
                           "catscale run writes there); wait for it to finish or choose "
                           "another --out")


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "no space left on the device (the disk is full); free some space and rerun"
    return exc.strerror or str(exc)


@contextlib.contextmanager
def locked(out: str | os.PathLike) -> Iterator[pathlib.Path]:
    """Hold an exclusive lock on the output directory ``out`` (created if needed).

    Raises
    ------
    OutputDirBusy
        When another process holds it; the message names that process.
    OutputError
        When the directory or its lock file cannot be created.
    """
    d = pathlib.Path(out)
    try:
        d.mkdir(parents=True, exist_ok=True)
        fd = os.open(d / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(str(d), _reason(exc)) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = os.pread(fd, 32, 0).decode(errors="replace").strip()
            raise OutputDirBusy(str(d), pid) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield d
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def write_atomic(path: str | os.PathLike, data: bytes | str) -> pathlib.Path:
    """Write ``data`` to ``path`` atomically (temporary file in the same directory, fsync,
    rename).

    Returns
    -------
    Path

    Raises
    ------
    OutputError
        When the write fails (full disk, permissions); no temporary file is left and an
        existing ``path`` is unchanged.
    """
    path = pathlib.Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # a unique name, created exclusively; mode 0o666 less the umask, as open() gives
        tmp = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise OutputError(str(path), _reason(exc)) from None
    try:
        try:
            _write_all(fd, raw)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(str(path), _reason(exc)) from None
        raise
    return path


def _write_all(fd: int, raw: bytes) -> None:
    view = memoryview(raw)
    while view:
        view = view[os.write(fd, view):]
    os.fsync(fd)


def write_summary(out: str | os.PathLike, summary: dict, finished: list[str],
                  complete: bool) -> pathlib.Path:
    """Write ``DIR/summary.json``: ``summary`` plus ``complete`` and ``finished_stages``.

    Parameters
    ----------
    out : path
        Output directory.
    summary : dict
        The run's summary (converted with :func:`catscale.results.to_jsonable` rules:
        non-finite numbers become null).
    finished : list of str
        Stages whose results are in the summary.
    complete : bool
        True only once every output of the run (results.nc, report.html) is written.
    """
    from ..results import to_jsonable

    doc = {**summary, "complete": bool(complete), "finished_stages": list(finished)}
    return write_atomic(pathlib.Path(out) / SUMMARY_FILE,
                        json.dumps(to_jsonable(doc), indent=2))


def clear_outputs(out: str | os.PathLike) -> None:
    """Remove the result files of a previous run in ``out`` (called with the lock held), so
    that what the directory holds belongs to the run in progress or is absent."""
    for name in RUN_OUTPUTS:
        with contextlib.suppress(FileNotFoundError):
            (pathlib.Path(out) / name).unlink()
