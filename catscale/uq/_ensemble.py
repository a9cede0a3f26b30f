"""Ensemble execution: serial or on dask.distributed, written incrementally to a zarr store.

The driver fixes every sample before anything runs: the hypercube points ``U`` (n, dim) and
the per-sample seed ``SeedSequence(seed, spawn_key=(i,))``. Samples are grouped in chunks;
a chunk is a pure function of (model function, space, its rows of ``U``, its first index,
seed), so it gives the same bits on any worker. Finished chunks are written to the store
(``Y`` first, then the chunk's ``done`` flag), so a killed run resumes where it stopped and
recomputes nothing that was finished.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import sys
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import CatscaleError, InvalidParameterError
from ._distributions import UncertaintySpace, sample_seed

__all__ = ["EnsembleResult", "run_ensemble", "flatten_outputs", "open_client",
           "choose_scheduler", "CLUSTER_OVERHEAD_S"]


# -- outputs ------------------------------------------------------------------------------
def flatten_outputs(out: Any) -> dict[str, float]:
    """Flatten a model output (float, dict of floats / 1-D arrays / dicts) to name -> float.

    ``{"tof": 1.0, "drc": {"s1": 0.9, "s2": 0.1}}`` -> ``{"tof": 1.0, "drc[s1]": 0.9,
    "drc[s2]": 0.1}``; arrays get integer labels.
    """
    if not isinstance(out, Mapping):
        arr = np.asarray(out, dtype=float)
        if arr.ndim == 0:
            return {"y": float(arr)}
        return {f"y[{j}]": float(v) for j, v in enumerate(arr.reshape(-1))}
    flat: dict[str, float] = {}
    for k, v in out.items():
        if isinstance(v, Mapping):
            for kk, vv in v.items():
                flat[f"{k}[{kk}]"] = float(vv)
        elif np.ndim(v) == 0:
            flat[str(k)] = float(v)
        else:
            for j, vv in enumerate(np.asarray(v, dtype=float).reshape(-1)):
                flat[f"{k}[{j}]"] = float(vv)
    return flat


def _wants_rng(func: Callable) -> bool:
    try:
        params = [p for p in inspect.signature(func).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)]
    except (TypeError, ValueError):
        return False
    return len(params) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in params)


def _evaluate_chunk(func: Callable, space: UncertaintySpace, u: np.ndarray, start: int,
                    seed: int, names: list[str] | None) -> tuple[int, np.ndarray, np.ndarray,
                                                                  list[str]]:
    """Evaluate rows ``start ... start + len(u) - 1``. Returns (start, Y, failed, names).

    A sample whose computation fails with a catscale error (e.g. a steady state that does not
    converge) gives NaN outputs and ``failed = True``; any other exception propagates.
    """
    x = space.transform(u)
    rng_arg = _wants_rng(func)
    rows: list[dict[str, float] | None] = []
    for r in range(u.shape[0]):
        xi = {k: (v[r] if v.ndim == 1 else v[r].copy()) for k, v in x.items()}
        xi = {k: (float(v) if np.ndim(v) == 0 else v) for k, v in xi.items()}
        try:
            if rng_arg:
                out = func(xi, np.random.default_rng(sample_seed(seed, start + r)))
            else:
                out = func(xi)
            rows.append(flatten_outputs(out))
        except CatscaleError:
            rows.append(None)
    if names is None:
        first = next((row for row in rows if row is not None), None)
        if first is None:
            raise CatscaleError("every sample of the first chunk failed; cannot name outputs")
        names = list(first)
    Y = np.full((u.shape[0], len(names)), np.nan)
    failed = np.zeros(u.shape[0], dtype=bool)
    for r, row in enumerate(rows):
        if row is None:
            failed[r] = True
            continue
        Y[r] = [row.get(k, np.nan) for k in names]
    return start, Y, failed, names


# -- result -------------------------------------------------------------------------------
@dataclass(frozen=True)
class EnsembleResult:
    """Outputs of an ensemble.

    Attributes
    ----------
    U : (n, dim) array
        Hypercube points of the samples.
    Y : (n, n_outputs) array
        Outputs (NaN where a sample failed).
    output_names : list of str
    failed : (n,) bool array
    computed : int
        Number of samples computed by this call (0 when everything was already in the store).
    seed : int
    scheduler : str
        Where the samples ran; for ``"auto"`` the choice and the estimate behind it.
    """

    U: np.ndarray
    Y: np.ndarray
    output_names: list[str]
    failed: np.ndarray
    computed: int
    seed: int = 0
    scheduler: str = ""

    def column(self, name: str) -> np.ndarray:
        try:
            return self.Y[:, self.output_names.index(name)]
        except ValueError:
            raise InvalidParameterError("output", f"one of {self.output_names}", name) from None


# -- dask ---------------------------------------------------------------------------------
@contextmanager
def open_client(scheduler: Any, n_workers: int = 2):
    """Yield a dask.distributed Client (or None for the serial executor).

    ``scheduler``: ``"serial"`` / None -> no Dask (``"auto"`` is decided by
    :func:`run_ensemble`, and means serial here); ``"local"`` -> a LocalCluster of
    ``n_workers`` single-threaded worker processes, closed on exit; ``"local-threads"`` -> an
    in-process LocalCluster (no new processes); ``"tcp://HOST:PORT"`` -> connect to an
    existing scheduler; a ``distributed.Client`` is used as is.
    """
    if scheduler in (None, "serial", "auto"):
        yield None
        return
    from distributed import Client, LocalCluster

    if isinstance(scheduler, Client):
        yield scheduler
        return
    if scheduler in ("local", "local-threads"):
        if int(n_workers) < 1:
            raise InvalidParameterError("workers", ">= 1", n_workers)
        procs = scheduler == "local"
        # no dashboard, and the scheduler's HTTP server (health/metrics routes, which
        # distributed starts even without a dashboard) on a free loopback port: a second
        # run, or another cluster, never meets "port 8787 in use"
        cluster = LocalCluster(n_workers=int(n_workers), threads_per_worker=1,
                               processes=procs, dashboard_address=None, silence_logs=40,
                               scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})
        client = Client(cluster, set_as_default=False)
        try:
            yield client
        finally:
            client.close()
            cluster.close()
        return
    if isinstance(scheduler, str) and "://" in scheduler:
        # the ensemble talks to its client only (futures, as_completed on the client's loop):
        # a client never becomes dask's global default, so one that is closed, or failed to
        # connect, leaves nothing behind for later dask/xarray work in the same process
        from distributed.comm.registry import get_backend

        try:
            get_backend(scheduler.split("://", 1)[0])
        except ValueError as exc:
            raise InvalidParameterError("scheduler", "an address tcp://HOST:PORT (or another "
                                        "scheme of dask.distributed)", scheduler) from exc
        try:
            client = Client(scheduler, timeout="10s", set_as_default=False)
        except (OSError, ValueError, TimeoutError) as exc:
            raise InvalidParameterError("scheduler", "the address of a running dask scheduler",
                                        scheduler) from exc
        try:
            yield client
        finally:
            client.close()
        return
    raise InvalidParameterError("scheduler", "'auto', 'serial', 'local', 'local-threads', "
                                "'tcp://HOST:PORT' or a distributed.Client", scheduler)


#: Wall time, s, that a LocalCluster of two worker processes adds to an ensemble: start
#: (~5 s), import of the model function's modules in each worker (~5-10 s) and shutdown
#: (~1.5 s). Measured on the 2-core development machine: the flagship's 16-sample study
#: took 20.2 s on a LocalCluster and 1.5 s serially.
CLUSTER_OVERHEAD_S = 15.0
#: Serial wall time, s, spent timing samples before ``"auto"`` decides.
_PROBE_S = 0.5


def choose_scheduler(seconds_per_sample: float, remaining: int, n_workers: int,
                     cpus: int | None = None) -> tuple[str, str]:
    """Serial or LocalCluster for ``remaining`` samples of an estimated cost.

    A cluster of W = min(n_workers, cpus) processes finishes in about
    ``CLUSTER_OVERHEAD_S + t / W`` against ``t = seconds_per_sample * remaining`` serially,
    so it pays when ``t > CLUSTER_OVERHEAD_S * W / (W - 1)``.

    Returns
    -------
    (scheduler, reason) : ("serial" | "local", str)
    """
    w = min(int(n_workers), int(cpus if cpus is not None else (os.cpu_count() or 1)))
    t = float(seconds_per_sample) * int(remaining)
    if w < 2:
        return "serial", f"auto -> serial (one worker/CPU; {t:.3g} s estimated)"
    limit = CLUSTER_OVERHEAD_S * w / (w - 1)
    if t > limit:
        return "local", (f"auto -> local ({w} workers: {t:.3g} s estimated serially for "
                         f"{remaining} samples > {limit:.3g} s for a cluster to pay)")
    return "serial", (f"auto -> serial ({t:.3g} s estimated for {remaining} samples "
                      f"<= {limit:.3g} s for a {w}-worker cluster to pay)")


def _probe_and_choose(run_here: Callable[[int], None], todo: list[int], starts: list[int],
                      chunk: int, n: int, n_workers: int) -> tuple[str, str]:
    """Run chunks of ``todo`` in this process (removing them) for about ``_PROBE_S`` s and
    at least two chunks, then choose where the rest runs. The first chunk (module imports,
    JIT compilation) is left out of the estimate when later ones were timed."""
    import time

    times: list[tuple[int, float]] = []
    while todo and (sum(t for _, t in times) < _PROBE_S or len(times) < 2):
        c = todo.pop(0)
        t0 = time.perf_counter()
        run_here(c)
        times.append((min(chunk, n - starts[c]), time.perf_counter() - t0))
    if not todo:
        return "serial", "auto -> serial (every sample ran while timing)"
    timed = times[1:] if len(times) > 1 else times
    per = sum(t for _, t in timed) / max(1, sum(k for k, _ in timed))
    remaining = sum(min(chunk, n - starts[c]) for c in todo)
    return choose_scheduler(per, remaining, n_workers)


# -- store --------------------------------------------------------------------------------
def _fingerprint(U: np.ndarray, seed: int, chunk: int, func: Callable) -> str:
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(U).tobytes())
    ident = getattr(func, "fingerprint", None)
    ident = ident() if callable(ident) else getattr(func, "__qualname__", type(func).__name__)
    h.update(json.dumps([int(seed), int(chunk), str(ident)]).encode())
    return h.hexdigest()


class _Store:
    def __init__(self, path: str | os.PathLike, U: np.ndarray, chunk: int, fp: str):
        import zarr

        self.path = os.fspath(path)
        n, d = U.shape
        n_chunks = -(-n // chunk)
        exists = os.path.exists(os.path.join(self.path, "zarr.json"))
        self.g = zarr.open_group(self.path, mode="a")
        if exists and "done" in self.g:
            if self.g.attrs.get("fingerprint") != fp:
                raise InvalidParameterError(
                    "store", "a store written by the same ensemble (samples, seed, method, "
                    "chunk size and model); remove it or choose another path", self.path)
        else:
            self.g.attrs.update({"fingerprint": fp, "n": n, "chunk": chunk})
            self.g.create_array("U", data=U, chunks=(chunk, d), overwrite=True)
            self.g.create_array("done", shape=(n_chunks,), chunks=(1,), dtype=bool,
                                fill_value=False, overwrite=True)
            self.g.create_array("failed", shape=(n,), chunks=(chunk,), dtype=bool,
                                fill_value=False, overwrite=True)
        self.chunk = chunk

    @property
    def names(self) -> list[str] | None:
        return self.g.attrs.get("output_names")

    def set_names(self, names: list[str]) -> None:
        n = int(self.g.attrs["n"])
        self.g.attrs["output_names"] = list(names)
        if "Y" not in self.g:
            self.g.create_array("Y", shape=(n, len(names)), chunks=(self.chunk, len(names)),
                                dtype="f8", fill_value=float("nan"))

    def done(self) -> np.ndarray:
        return np.asarray(self.g["done"][:], dtype=bool)

    def write(self, c: int, start: int, Y: np.ndarray, failed: np.ndarray) -> None:
        self.g["Y"][start:start + Y.shape[0]] = Y
        self.g["failed"][start:start + Y.shape[0]] = failed
        self.g["done"][c] = True          # written last: a kill before this redoes the chunk

    def read(self) -> tuple[np.ndarray, np.ndarray]:
        return np.asarray(self.g["Y"][:]), np.asarray(self.g["failed"][:], dtype=bool)


# -- driver -------------------------------------------------------------------------------
def run_ensemble(func: Callable, space: UncertaintySpace, n: int | None = None, *,
                 points: np.ndarray | None = None, method: str = "sobol", seed: int = 0,
                 scheduler: Any = "auto", n_workers: int = 2, chunk_size: int | None = None,
                 store: str | os.PathLike | None = None, progress: bool = False,
                 ) -> EnsembleResult:
    """Evaluate ``func`` on an ensemble of samples of ``space``.

    Parameters
    ----------
    func : callable
        ``func(x)`` or ``func(x, rng)``: ``x`` maps each input name to its value (float, or
        array for vector inputs; energies in eV), ``rng`` is the sample's own
        ``numpy.random.Generator``. Returns a float, a 1-D array or a dict of those (see
        :func:`flatten_outputs`). Must be picklable for Dask (cloudpickle: closures are fine).
        An optional attribute ``output_names`` (list) and method ``fingerprint()`` are used.
    space : UncertaintySpace
    n : int
        Number of samples (ignored when ``points`` is given).
    points : (n, dim) array, optional
        Explicit hypercube points (Saltelli or PCE designs).
    method : {"sobol", "random", "lhs"}
        How points are drawn when ``points`` is None (see ``UncertaintySpace.unit_sample``).
    seed : int
        Seed of the points and of the per-sample generators.
    scheduler : str or distributed.Client
        ``"auto"`` (default: time the first samples in this process, then run the rest
        serially unless a LocalCluster of ``n_workers`` processes is estimated to finish
        sooner, start-up included; see :func:`choose_scheduler`), ``"serial"``, ``"local"``
        (LocalCluster of ``n_workers`` processes), ``"local-threads"``, ``"tcp://HOST:PORT"``
        or a Client. Every choice gives the same bits as ``"serial"``.
    chunk_size : int, optional
        Samples per task (default: about 8 tasks per worker, at most 1024).
    store : path, optional
        Zarr directory. Finished chunks are written as they arrive; calling again with the
        same arguments resumes and computes only the missing chunks.
    progress : bool
        Show a progress bar on stderr (rich).

    Returns
    -------
    EnsembleResult
    """
    if points is None:
        if n is None:
            raise InvalidParameterError("n", "a number of samples (or points)", None)
        U = space.unit_sample(n, method, seed)
    else:
        U = np.ascontiguousarray(points, dtype=float)
        if U.ndim != 2 or U.shape[1] != space.dim:
            raise InvalidParameterError("points", f"shape (n, {space.dim})", U.shape)
    n = U.shape[0]
    if chunk_size is None:
        chunk_size = int(min(1024, max(1, -(-n // (8 * max(1, int(n_workers)))))))
    chunk = int(chunk_size)
    if chunk < 1:
        raise InvalidParameterError("chunk_size", ">= 1", chunk_size)
    starts = list(range(0, n, chunk))
    names: list[str] | None = list(getattr(func, "output_names", None) or []) or None

    st = _Store(store, U, chunk, _fingerprint(U, seed, chunk, func)) if store else None
    Y = failed = None
    todo = list(range(len(starts)))
    if st is not None:
        names = st.names or names
        if names is not None:
            st.set_names(names)
            done = st.done()
            todo = [c for c in todo if not done[c]]

    results: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def accept(c: int, s: int, y: np.ndarray, f: np.ndarray, nm: list[str]) -> None:
        nonlocal names
        if names is None:
            names = nm
            if st is not None:
                st.set_names(names)
        if st is not None:
            st.write(c, s, y, f)
        else:
            results[c] = (y, f)

    bar = _Progress(len(todo) * chunk, progress)
    chosen = scheduler if isinstance(scheduler, str) else type(scheduler).__name__
    with bar:
        def run_here(c: int) -> None:
            s = starts[c]
            _, y, f, nm = _evaluate_chunk(func, space, U[s:s + chunk], s, seed, names)
            accept(c, s, y, f, nm)
            bar.advance(y.shape[0])

        # the first chunk runs in the driver when output names are still unknown
        if names is None and todo:
            run_here(todo.pop(0))
        if scheduler == "auto":
            scheduler, chosen = _probe_and_choose(run_here, todo, starts, chunk, n, n_workers)
        with open_client(scheduler if todo else None, n_workers) as client:
            if client is None:
                for c in todo:
                    run_here(c)
            else:
                from distributed import as_completed

                [fut_func] = client.scatter([func], broadcast=True, hash=False)
                [fut_space] = client.scatter([space], broadcast=True, hash=False)
                futs = {}
                for c in todo:
                    s = starts[c]
                    fut = client.submit(_evaluate_chunk, fut_func, fut_space,
                                        U[s:s + chunk], s, seed, names, pure=False)
                    futs[fut] = c
                for fut in as_completed(futs, loop=client.loop):
                    c = futs[fut]
                    s, y, f, _ = fut.result()
                    accept(c, s, y, f, names)
                    bar.advance(y.shape[0])
    if st is not None:
        Y, failed = st.read()
    else:
        Y = np.vstack([results[c][0] for c in range(len(starts))])
        failed = np.concatenate([results[c][1] for c in range(len(starts))])
    computed = bar.count
    return EnsembleResult(U=U, Y=Y, output_names=list(names or []), failed=failed,
                          computed=int(computed), seed=int(seed), scheduler=chosen)


class _Progress:
    """A rich progress bar on stderr, or a silent counter."""

    def __init__(self, total: int, show: bool):
        self.total, self.show, self.count = total, show, 0
        self._p = None

    def __enter__(self):
        if self.show:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            self._p = Progress("[progress.description]{task.description}", BarColumn(),
                               MofNCompleteColumn(), TimeRemainingColumn(),
                               console=Console(file=sys.stderr), transient=True)
            self._p.__enter__()
            self._t = self._p.add_task("uq samples", total=self.total)
        return self

    def advance(self, k: int) -> None:
        self.count += k
        if self._p is not None:
            self._p.advance(self._t, k)

    def __exit__(self, *exc):
        if self._p is not None:
            self._p.__exit__(*exc)
        return False
