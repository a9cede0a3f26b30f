"""Checkpoint and resume: a run interrupted by SIGINT resumes from its last checkpoint and,
with the same seed, ends in exactly the state of the uninterrupted run."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
from conftest import co_ox

from catscale.kmc import KMCConfig, Lattice, simulate

SCRIPT = textwrap.dedent("""
    import sys
    sys.path.insert(0, {testdir!r})
    from conftest import co_ox
    from catscale.kmc import KMCConfig, Lattice, simulate
    lat = Lattice.square(24)
    _, _, m = co_ox(lat, lateral={{"CO*-O*": 0.05}}, diffusion={{"CO*": 5.0}})
    cfg = KMCConfig(events={events}, seed=9, blocks=200, checkpoint={ckpt!r})
    print("start", flush=True)
    try:
        simulate(m, lat, cfg, progress=lambda d, t: print("block", d, flush=True))
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        sys.exit(130)
""")

EVENTS = 1_000_000  # long enough that the SIGINT lands mid-run with the fast kernel


def _model():
    lat = Lattice.square(24)
    return lat, co_ox(lat, lateral={"CO*-O*": 0.05}, diffusion={"CO*": 5.0})[2]


@pytest.mark.slow
def test_sigint_then_resume_matches_uninterrupted(tmp_path):
    ckpt = str(tmp_path / "run.npz")
    code = SCRIPT.format(testdir=os.path.dirname(__file__), events=EVENTS, ckpt=ckpt)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    # wait until a few blocks are done, then interrupt
    n_blocks = 0
    t0 = time.time()
    for line in proc.stdout:
        if line.startswith("block"):
            n_blocks += 1
            if n_blocks == 5:
                proc.send_signal(signal.SIGINT)
        if time.time() - t0 > 60:
            proc.kill()
            break
    proc.wait(timeout=60)
    assert proc.returncode == 130
    with np.load(ckpt) as d:
        done_blocks = int(d["block_index"][0])
    assert 5 <= done_blocks < 200
    lat, m = _model()
    resumed = simulate(m, lat, KMCConfig(events=EVENTS, seed=9, blocks=200, checkpoint=ckpt))
    straight = simulate(m, lat, KMCConfig(events=EVENTS, seed=9, blocks=200))
    np.testing.assert_array_equal(resumed.state, straight.state)
    assert resumed.time == straight.time and resumed.events == straight.events
    assert resumed.coverages == straight.coverages


def test_resume_after_kill_like_stop(tmp_path):
    # a checkpoint taken at a block boundary (as a killed run leaves it) resumes bit-exactly
    lat, m = _model()
    ckpt = str(tmp_path / "k.npz")
    cfg = KMCConfig(events=60_000, seed=4, blocks=6, checkpoint=ckpt, checkpoint_every=2)
    full = simulate(m, lat, cfg)
    # overwrite the final checkpoint with one from block 2 by re-running to that point
    short = KMCConfig(events=60_000, seed=4, blocks=6, checkpoint=ckpt, checkpoint_every=2,
                      resume=False)
    calls = []

    def stop(done, total):
        calls.append(done)
        if len(calls) == 2:
            raise KeyboardInterrupt  # as if killed right after the block-2 checkpoint

    with pytest.raises(KeyboardInterrupt):
        simulate(m, lat, short, progress=stop)
    with np.load(ckpt) as d:
        assert int(d["block_index"][0]) == 2
    resumed = simulate(m, lat, cfg)
    np.testing.assert_array_equal(resumed.state, full.state)
    assert resumed.time == full.time
    # a checkpoint of another model/seed is not used
    other = simulate(m, lat, KMCConfig(events=60_000, seed=5, blocks=6, checkpoint=ckpt))
    assert other.time != full.time
