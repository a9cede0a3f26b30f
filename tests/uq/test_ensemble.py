"""Ensemble execution: Dask LocalCluster = serial bit for bit, incremental store, resume."""

import os
import pathlib
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from catscale.errors import ConvergenceError, InvalidParameterError
from catscale.uq import (
    MultivariateNormal,
    Normal,
    SiteClass,
    SiteEnergies,
    UncertainInput,
    UncertaintySpace,
    open_client,
    run_ensemble,
)


def _space():
    return UncertaintySpace((
        UncertainInput("dft", "epistemic",
                       MultivariateNormal.from_correlation([0.1, 0.2], 0.3), ("A*", "B*")),
        UncertainInput("sites", "aleatoric",
                       SiteEnergies((SiteClass("t", 0.75, 0, 0.05), SiteClass("s", 0.25, -0.1,
                                                                                0.05)), 8)),
    ))


def model(x, rng):
    """Deterministic part + a stochastic part drawn from the sample's own generator."""
    e = x["dft"]
    noise = rng.normal()
    k = np.exp(-(e[0] - e[1] + x["sites"]) / 0.043).mean()
    if e[0] > 0.25:                       # a 'failed' sample (catscale error -> NaN)
        raise ConvergenceError("toy steady state did not converge")
    return {"k": k, "noisy": k * (1 + 0.01 * noise), "theta": [e[0], e[1]]}


def test_serial_is_invariant_to_chunking_and_flags_failures():
    sp = _space()
    a = run_ensemble(model, sp, 300, scheduler="serial", chunk_size=7, seed=4)
    b = run_ensemble(model, sp, 300, scheduler="serial", chunk_size=64, seed=4)
    assert a.output_names == ["k", "noisy", "theta[0]", "theta[1]"]
    assert np.array_equal(a.Y, b.Y, equal_nan=True)
    assert a.failed.any() and np.all(np.isnan(a.Y[a.failed]))
    assert a.computed == 300


@pytest.mark.slow
def test_dask_local_cluster_matches_serial_bit_for_bit():
    sp = _space()
    ref = run_ensemble(model, sp, 256, scheduler="serial", chunk_size=16, seed=11)
    # two real worker processes (the default executor of the CLI)
    out = run_ensemble(model, sp, 256, scheduler="local", n_workers=2, chunk_size=16, seed=11)
    assert np.array_equal(ref.Y, out.Y, equal_nan=True)
    assert np.array_equal(ref.failed, out.failed)
    # an existing cluster by address, as with --scheduler tcp://HOST:PORT
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                      dashboard_address=None) as cl:
        out2 = run_ensemble(model, sp, 256, scheduler=cl.scheduler_address, chunk_size=16,
                            seed=11)
        with Client(cl) as client:
            out3 = run_ensemble(model, sp, 256, scheduler=client, chunk_size=32, seed=11)
            # the same function and space again on the same client (scattered data must not
            # be shared with, and released by, the previous run)
            out4 = run_ensemble(model, sp, 256, scheduler=client, chunk_size=32, seed=11)
    assert np.array_equal(ref.Y, out4.Y, equal_nan=True)
    assert np.array_equal(ref.Y, out2.Y, equal_nan=True)
    assert np.array_equal(ref.Y, out3.Y, equal_nan=True)


class _Killer:
    """Model wrapper that dies at sample ``at`` (a simulated kill) and logs evaluations."""

    output_names = ["k", "noisy", "theta[0]", "theta[1]"]

    def __init__(self, at=None):
        self.at, self.seen = at, []

    def __call__(self, x, rng):
        self.seen.append(float(x["dft"][0]))
        if self.at is not None and len(self.seen) > self.at:
            raise KeyboardInterrupt
        return model(x, rng)

    def fingerprint(self):
        return "toy-model-v1"


def test_resume_after_interruption_recomputes_nothing_finished(tmp_path):
    sp = _space()
    store = tmp_path / "run.zarr"
    ref = run_ensemble(model, sp, 200, scheduler="serial", chunk_size=20, seed=3)
    k1 = _Killer(at=95)                               # dies inside the 5th chunk
    with pytest.raises(KeyboardInterrupt):
        run_ensemble(k1, sp, 200, scheduler="serial", chunk_size=20, seed=3, store=store)
    k2 = _Killer()
    res = run_ensemble(k2, sp, 200, scheduler="serial", chunk_size=20, seed=3, store=store)
    assert res.computed == 120                        # chunks 0-3 (80 samples) were kept
    x_all = sp.transform(ref.U)["dft"][:, 0]
    assert np.array_equal(np.array(k2.seen), x_all[80:])
    assert np.array_equal(res.Y, ref.Y, equal_nan=True)
    # a third call finds everything done and computes nothing
    k3 = _Killer()
    again = run_ensemble(k3, sp, 200, scheduler="serial", chunk_size=20, seed=3, store=store)
    assert again.computed == 0 and k3.seen == []
    assert np.array_equal(again.Y, ref.Y, equal_nan=True)
    # a store of another ensemble is refused, not silently mixed
    with pytest.raises(InvalidParameterError, match="store"):
        run_ensemble(k3, sp, 200, scheduler="serial", chunk_size=20, seed=4, store=store)


_KILL_SCRIPT = textwrap.dedent("""
    import os, signal, sys
    import numpy as np
    sys.path.insert(0, {testdir!r})
    from test_ensemble import _space, model
    from catscale.uq import run_ensemble

    count = [0]
    def deadly(x, rng):
        count[0] += 1
        if {kill} and count[0] == 70:
            os.kill(os.getpid(), signal.SIGKILL)     # a real, unclean kill mid-chunk
        return model(x, rng)
    deadly.fingerprint = lambda: "deadly"
    deadly.output_names = ["k", "noisy", "theta[0]", "theta[1]"]
    r = run_ensemble(deadly, _space(), 128, scheduler="serial", chunk_size=16, seed=9,
                     store={store!r})
    np.save({out!r}, r.Y)
    print(r.computed, count[0])
""")


@pytest.mark.slow
def test_resume_after_sigkill(tmp_path):
    store, out = str(tmp_path / "s.zarr"), str(tmp_path / "y.npy")
    here = str(pathlib.Path(__file__).parent)
    env = dict(os.environ, PYTHONHASHSEED="0")
    p = subprocess.run([sys.executable, "-c", _KILL_SCRIPT.format(
        testdir=here, kill=True, store=store, out=out)], env=env, capture_output=True)
    assert p.returncode == -9
    p = subprocess.run([sys.executable, "-c", _KILL_SCRIPT.format(
        testdir=here, kill=False, store=store, out=out)], env=env, capture_output=True,
        text=True, check=True)
    computed, evaluated = map(int, p.stdout.split())
    assert computed == evaluated == 128 - 64          # 4 chunks of 16 were finished
    ref = run_ensemble(model, _space(), 128, scheduler="serial", chunk_size=16, seed=9)
    assert np.array_equal(np.load(out), ref.Y, equal_nan=True)


def test_bad_scheduler_and_points():
    sp = UncertaintySpace((UncertainInput("a", "epistemic", Normal()),
                           UncertainInput("b", "aleatoric", Normal())))
    with pytest.raises(InvalidParameterError, match="scheduler"):
        run_ensemble(lambda x: x["a"], sp, 4, scheduler="mpi")
    with pytest.raises(InvalidParameterError, match="points"):
        run_ensemble(lambda x: x["a"], sp, points=np.zeros((3, 5)), scheduler="serial")


def test_auto_scheduler_runs_small_ensembles_serially_bit_for_bit():
    # issue 20 item 12: "auto" (the default) times the first samples in this process and
    # keeps a cheap ensemble serial; the bits equal the serial executor's
    sp = _space()
    ref = run_ensemble(model, sp, 64, scheduler="serial", chunk_size=4, seed=5)
    out = run_ensemble(model, sp, 64, chunk_size=4, seed=5)
    assert out.scheduler.startswith("auto -> serial")
    assert np.array_equal(ref.Y, out.Y, equal_nan=True)
    assert np.array_equal(ref.failed, out.failed)


def test_choose_scheduler_pays_for_the_cluster_start_only_when_it_is_won_back():
    # a cluster of W workers finishes in S + t/W against t serially: it pays when
    # t > S W / (W - 1) (S = CLUSTER_OVERHEAD_S)
    from catscale.uq import CLUSTER_OVERHEAD_S, choose_scheduler

    S = CLUSTER_OVERHEAD_S
    assert choose_scheduler(1e-3, 2000, 2, cpus=2)[0] == "serial"          # 2 s of work
    assert choose_scheduler(1.0, int(2 * S) + 5, 2, cpus=2)[0] == "local"
    assert choose_scheduler(1.0, int(2 * S) - 5, 2, cpus=2)[0] == "serial"
    assert choose_scheduler(1.0, int(1.5 * S) + 5, 4, cpus=4)[0] == "local"   # W/(W-1)=4/3
    assert choose_scheduler(10.0, 10_000, 8, cpus=1)[0] == "serial"        # one CPU
    assert "estimated" in choose_scheduler(1.0, 100, 2, cpus=2)[1]


def test_open_client_rejects_unknown_scheduler_and_lists_auto():
    with pytest.raises(InvalidParameterError, match="auto"):
        with open_client("nonsense"):
            pass
