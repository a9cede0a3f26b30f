"""Steady states along a sweep (descriptor map, condition scan, samples) by continuation.

Neighbouring points of a sweep have nearby steady states, so each point is first solved by
Newton from *every* steady state of the previous point (each branch is continued); the full
multistart of :func:`solve_network` (uniform surface, one start per species, a search
between stable states) runs only where another state may exist. The rule
(``multistart="auto"``), applied point by point:

* full multistart at the first point, after a point that could not be solved, and at least
  every ``check_every`` points (periodic check);
* full multistart while the previous point had more than one steady state (inside a
  multi-state window every point is searched);
* full multistart when continuation loses a branch (fewer verified states than the
  previous point had: a fold was crossed) or fails to verify;
* full multistart when the continued state is unstable, or when its stability margin
  min |Re lambda| / max |lambda| drops by more than ``fold_factor`` from the previous point
  (an eigenvalue heading for zero announces a fold);
* backscan: when continuation fails, loses a branch or lands on an unstable state (the
  continued branch probably ended at a fold, where it met another state), the preceding
  continuation points are solved again with the full multistart, backwards, until one has
  a single steady state;
* backfill: when a full multistart finds a different number of steady states than the
  previous full multistart, every point solved by continuation in between is solved again
  with the full multistart, so a multi-state window that opens between two checks is
  reported from its first point on.

What this can miss: a window of several steady states that opens *and* closes strictly
between two periodic checks (narrower than ``check_every`` points) while the continued
branch runs through it without reaching a fold (its own state exists on both sides).
``multistart=True`` (full multistart at every point) has no such gap, at several times the
cost; a single :func:`steady_state` call always uses the full multistart.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from ..errors import ConvergenceError, InvalidParameterError
from . import _kernels
from ._network import Network
from ._steady import _MAX_STEP, _NEWTON_FTOL, DEFAULT_TOL, SteadyState, formable, solve_network

_CONT_MAXIT = 12     # Newton iterations per continuation step in ln k


@dataclass(frozen=True)
class SweepPoint:
    """Outcome of one sweep point.

    Attributes
    ----------
    state : SteadyState or None
        The verified steady state (None when none could be verified).
    full_multistart : bool
        Whether the full multistart ran at this point.
    reason : str
        Why it ran (or "continuation").
    error : ConvergenceError or None
    """

    state: SteadyState | None
    full_multistart: bool
    reason: str
    error: ConvergenceError | None = None


def _margin(ss: SteadyState) -> float:
    """Stability margin min |Re lambda| / max |lambda| (dimensionless; 1 without modes)."""
    ev = ss.eigenvalues
    if ev.size == 0:
        return 1.0
    big = float(np.max(np.abs(ev)))
    return float(np.min(np.abs(ev.real)) / big) if big > 0 else 0.0


def _branches(ss: SteadyState) -> list[np.ndarray]:
    return [ss.theta] + [a.theta for a in ss.alternatives]


def sweep_steady_states(networks: Iterable[Network], *, tol: float = DEFAULT_TOL,
                        multistart: bool | str = "auto", check_every: int = 8,
                        fold_factor: float = 100.0, transient: bool = True,
                        extended_precision: bool = True) -> list[SweepPoint]:
    """Verified steady states at a sequence of neighbouring conditions, by continuation.

    Parameters
    ----------
    networks : iterable of Network
        The compiled rate laws of the sweep, in sweep order (neighbours adjacent); rate
        constants in s^-1 bar^-n, pressures in bar.
    tol : float
        Largest accepted |net rate| / gross rate of any surface species (dimensionless).
    multistart : {"auto", True, False}
        "auto": continuation with the full multistart where the rule of this module says
        another state may exist (default). True: full multistart at every point (the
        previous point's states are also tried first). False: continuation only (full
        multistart at the first point and after failures).
    check_every : int
        Period (points) of the full-multistart check in "auto" mode (>= 1).
    fold_factor : float
        Relative drop of the stability margin between neighbours that triggers the full
        multistart (> 1).
    transient, extended_precision : bool
        Fallbacks of :func:`solve_network` at the full-multistart points.

    Returns
    -------
    list of SweepPoint
        One per network, in order: ``state`` (SteadyState, or None when it could not be
        verified, with ``error``), ``full_multistart`` and ``reason``.
    """
    if multistart not in ("auto", True, False):
        raise InvalidParameterError("multistart", "'auto', True or False", multistart)
    if int(check_every) != check_every or check_every < 1:
        raise InvalidParameterError("check_every", "an integer >= 1 (points)", check_every)
    if not fold_factor > 1:
        raise InvalidParameterError("fold_factor", "a number > 1", fold_factor)
    out: list[SweepPoint] = []
    nets: list[Network] = []
    last_full = -1               # index of the last full multistart
    last_full_n = 0              # number of states it found
    prev: SteadyState | None = None
    for i, net in enumerate(_iter(networks)):
        nets.append(net)
        reason = ""
        if prev is None:
            reason = "first point" if i == 0 else "previous point not solved"
        elif multistart is True:
            reason = "multistart at every point"
        elif multistart == "auto" and i - last_full >= check_every:
            reason = f"periodic check (every {check_every} points)"
        elif multistart == "auto" and prev.n_steady_states > 1:
            reason = "previous point has several steady states"
        point = None
        fold = False
        if not reason:
            point, reason = _continue(net, prev, tol, fold_factor,
                                      check=multistart == "auto", net0=nets[i - 1])
            # passed a fold (branch lost, failed, unstable): scan back; a falling margin
            # announces a fold ahead, checked here
            fold = point is None and not reason.startswith("stability margin")
        if point is None:
            point = _full(net, prev, tol, transient, extended_precision, reason)
        out.append(point)
        if multistart == "auto" and fold and last_full >= 0:
            _backscan(nets, out, last_full, i, tol, transient, extended_precision)
        if point.full_multistart and point.state is not None:
            n = point.state.n_steady_states
            if multistart == "auto" and last_full >= 0 and n != last_full_n:
                _backfill(nets, out, last_full, i, tol, transient, extended_precision)
            last_full, last_full_n = i, n
        prev = point.state
    return out


def _iter(networks: Iterable[Network]) -> Iterator[Network]:
    for net in networks:
        if not isinstance(net, Network):
            raise InvalidParameterError("networks", "an iterable of kinetics.Network",
                                        type(net).__name__)
        yield net


def _homotopy(net0: Network, net: Network, branches: list[np.ndarray]) -> list[np.ndarray]:
    """Each branch carried from network net0 to net along ln k (kernel ``continuation``).

    Branches that do not reach net are returned unchanged (Newton then starts from them).
    """
    if (net0.Af.shape != net.Af.shape or not np.array_equal(net0.Af, net.Af)
            or not np.array_equal(net0.Ar, net.Ar) or not np.array_equal(net0.nu, net.nu)):
        return branches
    X0 = np.ascontiguousarray(np.log(np.clip(np.array(branches), 1e-300, 1.0)))
    X, _, status = _kernels.continuation(
        X0, net0.kf, net0.kr, net0.Gf, net0.Gr, net.kf, net.kr, net.Gf, net.Gr, net.Af,
        net.Ar, net.nu, net.occ, net.kind, _CONT_MAXIT, _NEWTON_FTOL, _MAX_STEP, 1.0 / 64)
    return [np.exp(X[m]) if status[m] == 0 else branches[m] for m in range(len(branches))]


def _continue(net: Network, prev: SteadyState, tol: float, fold_factor: float, check: bool,
              net0: Network | None = None) -> tuple[SweepPoint | None, str]:
    """Newton from every state of the previous point; None (and why) when that is not enough.

    Each state is first carried along ln k from the previous network ``net0``
    (natural-parameter continuation, whose first step is plain Newton at the new point),
    then verified by Newton at the new point.
    """
    branches = _branches(prev)
    kw = dict(tol=tol, multistart=False, transient=False, extended_precision=False,
              retries=False)
    if net0 is not None and np.all(formable(net0)) and np.all(formable(net)):
        branches = _homotopy(net0, net, branches)
    try:
        ss = solve_network(net, branches[0], guesses=branches[1:], **kw)
    except ConvergenceError:
        return None, "continuation did not verify"
    if not check:
        return SweepPoint(ss, False, "continuation"), ""
    if ss.n_steady_states < prev.n_steady_states:
        return None, "a branch was lost (fold)"
    if not ss.stable:
        return None, "continued state unstable"
    if _margin(ss) * fold_factor < _margin(prev):
        return None, "stability margin dropped (fold ahead)"
    return SweepPoint(ss, False, "continuation"), ""


def _full(net: Network, prev: SteadyState | None, tol: float, transient: bool,
          extended_precision: bool, reason: str) -> SweepPoint:
    branches = _branches(prev) if prev is not None else [None]
    try:
        ss = solve_network(net, branches[0], tol=tol, multistart=True, transient=transient,
                           extended_precision=extended_precision, guesses=branches[1:])
    except ConvergenceError as exc:
        return SweepPoint(None, True, reason, exc)
    return SweepPoint(ss, True, reason)


def _backscan(nets: list[Network], out: list[SweepPoint], start: int, stop: int, tol: float,
              transient: bool, extended_precision: bool) -> None:
    """Full multistart backwards from ``stop - 1`` while the points have several states.

    Continuation failed at ``stop``: the continued branch probably ended at a fold, where it
    met another (unstable) state, so a multi-state window may lie just behind.
    """
    for k in range(stop - 1, start, -1):
        if out[k].full_multistart:
            break
        out[k] = _full(nets[k], out[k].state, tol, transient, extended_precision,
                       "backscan: continuation failed after this point (fold)")
        if out[k].state is None or out[k].state.n_steady_states == 1:
            break


def _backfill(nets: list[Network], out: list[SweepPoint], start: int, stop: int, tol: float,
              transient: bool, extended_precision: bool) -> None:
    """Full multistart at the continuation points strictly between ``start`` and ``stop``."""
    prev = out[start].state
    for k in range(start + 1, stop):
        if not out[k].full_multistart:
            out[k] = _full(nets[k], prev, tol, transient, extended_precision,
                           "backfill: number of steady states changed between checks")
        prev = out[k].state if out[k].state is not None else prev
