"""The Python API refuses what the model file and the command line refuse, naming the option."""

from __future__ import annotations

import pathlib

import pytest

from catscale import load_model
from catscale.errors import InvalidParameterError

ROOT = pathlib.Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "examples" / "co_oxidation_pt111.yaml"


@pytest.mark.parametrize("kw, name", [
    (dict(events=0), "events"), (dict(events=1.5), "events"), (dict(events="1e5"), "events"),
    (dict(events=10**13), "events"), (dict(seed=-1), "seed"), (dict(size=0), "size"),
    (dict(size=100000), "size"), (dict(size=(8, 2)), "size"), (dict(replicas=0), "replicas"),
    (dict(target_error=2.0), "target_error"), (dict(max_events=0), "max_events")])
def test_kmc_options_get_the_section_bounds(kw, name):
    # before: events=1.5 ran 1 event, events="1e5" was a ValueError from int(), size=8 a
    # TypeError; the kmc: section refuses each of these in a model file
    m = load_model(FLAGSHIP)
    with pytest.raises(InvalidParameterError) as info:
        m.kmc(**kw)
    assert info.value.name == name


def test_kmc_size_as_one_integer_is_a_square_lattice():
    r = load_model(FLAGSHIP).kmc(events=2000, seed=3, size=8).to_dict()
    assert r["lattice"]["size"] == [8, 8] and r["events"] == 2000


def test_compare_size_zero_is_refused_not_the_default():
    # before: size=0 was falsy and ran the model file's lattice
    with pytest.raises(InvalidParameterError) as info:
        load_model(FLAGSHIP).compare(events=1000, size=0)
    assert info.value.name == "size"


@pytest.mark.parametrize("kw, name", [
    (dict(samples=1.5), "samples"), (dict(samples=10**12), "samples"), (dict(seed=-2), "seed"),
    (dict(method="bogus"), "method"), (dict(sensitivity=4), "sensitivity"),
    (dict(sensitivity=16, by="x"), "by")])
def test_uq_options_get_the_section_bounds(kw, name):
    # before: samples=1.5 ran 1 sample, and 1e12 samples (in a file too) ended in "internal
    # error (MemoryError)" asking for 24 TiB
    with pytest.raises(InvalidParameterError) as info:
        load_model(FLAGSHIP).uq(scheduler="serial", **kw)
    assert info.value.name == name


@pytest.mark.parametrize("T", [1e300, "26 degC", -1.0])
def test_steady_state_and_rates_at_a_refused_temperature(T):
    # before: T = 1e300 leaked a numpy overflow warning and blamed the thermochemistry of
    # steps[0]; "600 K" was a ValueError from float()
    m = load_model(FLAGSHIP)
    for call in (m.rates, m.steady_state):
        with pytest.raises(InvalidParameterError) as info:
            call(T=T)
        assert info.value.name == "T"
    assert m.steady_state(T="600 K").to_dict()["T"] == 600.0
