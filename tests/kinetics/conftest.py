"""Fixtures of the kinetics tests."""

from __future__ import annotations

import pytest
from kinetics_helpers import CO_OX

from catscale.mechanism import Mechanism


@pytest.fixture
def co_ox() -> Mechanism:
    return Mechanism.from_equations(CO_OX)
