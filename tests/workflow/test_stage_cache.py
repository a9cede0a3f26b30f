"""catscale run reuses stages whose inputs did not change (content hash) and recomputes what
depends on an edit."""

import json

from catscale.workflow import run

MODEL = """
catscale: 1
name: cache test
conditions: {T: 500, pressures: {A: 1.0, B: 0.0}}
species: {A: {phase: gas}, B: {phase: gas}, A*: {}}
steps: [{equation: A + * <=> A*, k_f: 4.0, k_r: 1.0}]
pellet:
  shape: sphere
  size: SIZE
  D_eff: 1.0e-6 m^2/s
  kinetics: {order: 1, k: 10.0, reactant: A, product: B}
reactor: {type: pfr, volume: 1.0e-5, flow: 1.0e-3, n_points: 11}
"""


def test_unchanged_stages_are_reused(tmp_path):
    f = tmp_path / "m.yaml"
    out = tmp_path / "out"
    f.write_text(MODEL.replace("SIZE", "1 mm"))
    first = run(f, out=out)
    assert first.reused == []
    # a comment and reformatting change nothing the stages read
    f.write_text("# a comment\n" + MODEL.replace("SIZE", "1 mm").replace("  ", "  "))
    second = run(f, out=out)
    assert second.reused == ["rates", "steady", "pellet", "reactor"]
    assert second.stages["pellet"]["effectiveness"] == first.stages["pellet"]["effectiveness"]
    # a bigger pellet: pellet and reactor (which uses it) are recomputed, rates and steady not
    f.write_text(MODEL.replace("SIZE", "3 mm"))
    third = run(f, out=out)
    assert third.reused == ["rates", "steady"]
    assert third.stages["pellet"]["effectiveness"] < first.stages["pellet"]["effectiveness"]
    assert json.loads((out / "summary.json").read_text())["reused_stages"] == ["rates",
                                                                              "steady"]
    # reuse=False recomputes everything
    assert run(f, out=out, reuse=False).reused == []


def test_changed_source_code_is_not_reused(tmp_path, monkeypatch):
    # the key hashes catscale's source: after an edit of a solver (here: a different digest)
    # no stage hands back a result of the old code
    from catscale.workflow import _cache

    f = tmp_path / "m.yaml"
    out = tmp_path / "out"
    f.write_text(MODEL.replace("SIZE", "1 mm"))
    run(f, out=out)
    assert run(f, out=out).reused == ["rates", "steady", "pellet", "reactor"]
    digest = _cache.code_digest()
    assert len(digest) == 64
    monkeypatch.setattr(_cache, "code_digest", lambda: "0" * 64)
    assert run(f, out=out).reused == []
