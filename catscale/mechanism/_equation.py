"""Parsing of step equations (``"CO* + O* <=> CO2 + 2*"``) and chemical formulas."""

from __future__ import annotations

import re
from collections import Counter

from ..errors import InvalidParameterError

_ARROWS = (("<=>", True), ("<->", True), ("->", False), ("=>", False))
_TERM = re.compile(r"^\s*(\d+)?\s*(\S+)\s*$")
_ELEMENT = re.compile(r"([A-Z][a-z]?)(\d*)")


def parse_equation(equation: str) -> tuple[dict[str, int], dict[str, int], bool]:
    """Parse a step equation.

    Parameters
    ----------
    equation : str
        ``"A + 2* <=> 2B*"``: terms separated by ``" + "`` (spaces required, so that ionic
        names like ``H+`` survive), an optional integer coefficient before each name, and
        ``<=>`` (reversible) or ``->`` (irreversible) between the sides.

    Returns
    -------
    reactants, products : dict of str to int
        Stoichiometric coefficients of each side (repeated names are summed).
    reversible : bool

    Raises
    ------
    InvalidParameterError
        If there is not exactly one arrow, a side is empty, or a term is malformed.
    """
    if not isinstance(equation, str) or not equation.strip():
        raise InvalidParameterError("equation", "a string like 'A + * <=> A*'", equation)
    found = [(a, rev) for a, rev in _ARROWS if a in equation]
    # '<=>' contains '=>' ; keep the longest arrow present
    if any(a == "<=>" for a, _ in found):
        found = [(a, r) for a, r in found if a not in ("=>",)]
    if any(a == "<->" for a, _ in found):
        found = [(a, r) for a, r in found if a not in ("->",)]
    if len(found) != 1 or equation.count(found[0][0]) != 1:
        raise InvalidParameterError(
            "equation", "exactly one arrow '<=>' (reversible) or '->' (irreversible)", equation)
    arrow, reversible = found[0]
    left, right = equation.split(arrow)
    sides = []
    for text in (left, right):
        if not text.strip():
            raise InvalidParameterError("equation", "species on both sides of the arrow",
                                        equation)
        counts: Counter[str] = Counter()
        for term in re.split(r"\s+\+\s+", text.strip()):
            m = _TERM.match(term)
            if not m:
                raise InvalidParameterError(
                    "equation", "terms like '2O*' separated by ' + '", f"{term!r} in {equation!r}")
            coeff = int(m.group(1)) if m.group(1) else 1
            if coeff < 1:
                raise InvalidParameterError("equation", "positive coefficients", equation)
            counts[m.group(2)] += coeff
        sides.append(dict(counts))
    return sides[0], sides[1], reversible


def parse_formula(formula: str) -> dict[str, int] | None:
    """Element counts of a formula such as ``"CH3OH"``, ``"O-CO"`` or ``"CO2"``.

    Characters other than element symbols and counts (``-``, ``_``, ``(``, ``)``) are ignored;
    parentheses are not expanded. Returns an empty dict for an empty formula (a vacant site)
    and None when the name is not a formula (a label such as ``"A"`` or ``"X1"``), whose
    composition is then unknown.
    """
    from ase.data import chemical_symbols

    rest = re.sub(r"[-_()\s]", "", formula)
    counts: Counter[str] = Counter()
    consumed = 0
    for m in _ELEMENT.finditer(rest):
        if m.start() != consumed or m.group(1) not in chemical_symbols[1:]:
            return None
        counts[m.group(1)] += int(m.group(2)) if m.group(2) else 1
        consumed = m.end()
    if consumed != len(rest):
        return None
    return dict(counts)


def split_pair(key: str, names) -> tuple[str, str] | None:
    """The two species of a pair key ``"A*-B*"`` (lateral interactions), or None.

    Names may themselves contain ``-`` (``"O-CO*"``), so every ``-`` is tried as the split
    point and the first one whose two sides (stripped) are both in ``names`` wins.

    Parameters
    ----------
    key : str
    names : collection of str
        The species allowed on either side.
    """
    for i, ch in enumerate(key):
        if ch == "-":
            a, b = key[:i].strip(), key[i + 1:].strip()
            if a in names and b in names:
                return a, b
    return None
