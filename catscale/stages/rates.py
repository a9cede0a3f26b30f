"""Rates stage: rate constants of every step at the model's conditions."""

from __future__ import annotations

from ..mechanism import RatesResult

__all__ = ["RatesResult", "run"]


def run(model, T: float | None = None) -> RatesResult:
    """Rate constants of a model at T (K; default the model's) as a typed result."""
    return model.rates(T).result()
