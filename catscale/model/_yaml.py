"""YAML reading that remembers the line of every mapping key and sequence item.

Parsing is bounded: a model file is plain data of modest size, so nesting depth and the number
of nodes after alias expansion are limited (a few hundred bytes of nested aliases would
otherwise expand to gigabytes), and tags other than YAML's core types (``!!python/...``,
``!custom``) are refused rather than constructed. The file-size limit is applied when the
file is read (:func:`catscale.model.read_model_text`).
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import ModelFileError

Path = tuple  # a field path: ("steps", 2, "equation")

#: deepest nesting of mappings and sequences a model file may have (the deepest shipped
#: model nests 5 levels)
MAX_DEPTH = 64
#: most nodes (scalars + collections) after alias expansion (shipped models: < 2000)
MAX_NODES = 200_000
#: the only tags accepted (YAML's core schema); anything else is refused, never constructed
CORE_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in
                      ("str", "int", "float", "bool", "null", "map", "seq"))
# flow brackets outside comments and one-line quoted strings (a cheap guard run before the
# parser: ruamel's scanner spends ~1 s looking ahead through a thousand unclosed '[')
_FLOW = re.compile(r"""#[^\n]*|'(?:[^'\n]|'')*'|"(?:[^"\\\n]|\\.)*"|[\[\]{}]""")


def load_yaml_with_lines(text: str, filename: str) -> tuple[Any, dict[Path, int]]:
    """Parse YAML text into plain Python objects plus a map field path -> 1-based line.

    Raises
    ------
    ModelFileError
        On YAML syntax errors or duplicate keys, with the line of the problem.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import DuplicateKeyError
    from ruamel.yaml.error import MarkedYAMLError

    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    _check_flow_depth(text, filename)
    try:
        _check_events(yaml, text, filename)
        data = yaml.load(text)
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        key = str(exc.problem).split('"')[1] if '"' in str(exc.problem) else "?"
        field = _parent_path(text, mark.line, key) if mark else key
        raise ModelFileError(filename, field, "duplicate key (each name may appear once)",
                             mark.line + 1 if mark else None) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ModelFileError(filename, "(yaml)",
                             f"not valid YAML: {exc.problem or exc.context}",
                             mark.line + 1 if mark else None) from None
    except ModelFileError:
        raise
    except Exception as exc:  # ruamel raises a few unmarked errors
        raise ModelFileError(filename, "(yaml)", f"not valid YAML: {exc}") from None
    lines: dict[Path, int] = {}
    plain = _to_plain(data, (), lines)
    return plain, lines


def load_yaml_data(text: str, filename: str, what: str = "a data file") -> Any:
    """Parse the YAML of a data file another code wrote (a Cantera mechanism) into plain
    Python objects, within the limits of a model file: nesting depth :data:`MAX_DEPTH`,
    core tags only, and at most ``max(MAX_NODES, len(text) // 2)`` values after alias
    expansion. A YAML text without aliases has at most one value per two characters (a
    value and its separator), so that limit never refuses a file written out in full,
    while an alias bomb (each level doubling the one below) is refused after one pass over
    its events, before any object is built.

    Raises
    ------
    ModelFileError
        Naming the limit (or the YAML syntax error) and its line.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    _check_flow_depth(text, filename)
    try:
        _check_events(YAML(typ="rt"), text, filename, max(MAX_NODES, len(text) // 2), what)
        return YAML(typ="safe").load(text)
    except ModelFileError:
        raise
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ModelFileError(filename, "(yaml)",
                             f"not valid YAML: {exc.problem or exc.context}",
                             mark.line + 1 if mark else None) from None
    except (YAMLError, ValueError, TypeError, RecursionError) as exc:
        raise ModelFileError(filename, "(yaml)", f"not valid YAML: {exc}") from None


def _check_flow_depth(text: str, filename: str) -> None:
    """Refuse flow collections ([...], {...}) nested deeper than :data:`MAX_DEPTH`."""
    depth = 0
    for m in _FLOW.finditer(text):
        c = m.group()
        if c in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ModelFileError(filename, "(yaml)", f"nested deeper than the limit of "
                                     f"{MAX_DEPTH} levels", text.count("\n", 0, m.start()) + 1)
        elif c in "]}":
            depth = max(depth - 1, 0)


def _check_events(yaml, text: str, filename: str, max_nodes: int = MAX_NODES,
                  what: str = "a model file") -> None:
    """One pass over the parser's events (no objects built): nesting depth, node count after
    alias expansion (at most ``max_nodes``) and tags, each against its limit; raises
    ModelFileError naming it."""
    from ruamel.yaml.events import (
        AliasEvent,
        CollectionEndEvent,
        CollectionStartEvent,
        ScalarEvent,
    )

    def fail(ev, message: str):
        mark = getattr(ev, "start_mark", None)
        raise ModelFileError(filename, "(yaml)", message, mark.line + 1 if mark else None)

    sizes: dict[str, int] = {}       # anchor -> nodes of its value, expanded
    stack = [[0, None]]              # [nodes so far, anchor] of each open collection
    total = 0
    for ev in yaml.parse(text):
        if isinstance(ev, (ScalarEvent, CollectionStartEvent)):
            tag = ev.tag
            if tag is not None and tag not in CORE_TAGS and not (
                    isinstance(ev, ScalarEvent) and tag == "!"):
                fail(ev, f"YAML tag {tag!r} is not accepted: {what} holds plain data "
                         "(mappings, lists, strings, numbers, booleans)")
        if isinstance(ev, AliasEvent):
            n = sizes.get(ev.anchor, 1)
        elif isinstance(ev, ScalarEvent):
            n = 1
            if ev.anchor:
                sizes[ev.anchor] = 1
        elif isinstance(ev, CollectionStartEvent):
            stack.append([1, ev.anchor])
            total += 1
            if len(stack) - 1 > MAX_DEPTH:
                fail(ev, f"nested deeper than the limit of {MAX_DEPTH} levels")
            continue
        elif isinstance(ev, CollectionEndEvent):
            n, anchor = stack.pop()
            if anchor:
                sizes[anchor] = n
            stack[-1][0] += n
            continue
        else:
            continue
        stack[-1][0] += n
        total += n
        if total > max_nodes:
            fail(ev, f"more than the limit of {max_nodes} values after expanding aliases "
                     f"(*name references); {what} this large is refused")


def _to_plain(node: Any, path: Path, lines: dict[Path, int]) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedMap):
        out = {}
        for k in node:
            try:
                ln = node.lc.key(k)[0] + 1
            except Exception:
                ln = None
            p = path + (str(k),)
            if ln is not None:
                lines[p] = ln
            out[str(k)] = _to_plain(node[k], p, lines)
        return out
    if isinstance(node, CommentedSeq):
        out = []
        for i, v in enumerate(node):
            try:
                ln = node.lc.item(i)[0] + 1
            except Exception:
                ln = None
            p = path + (i,)
            if ln is not None:
                lines[p] = ln
            out.append(_to_plain(v, p, lines))
        return out
    # scalars: ruamel types subclass python builtins; normalise
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """Line of ``path`` or of its nearest ancestor that has one."""
    p = tuple(path)
    while p:
        if p in lines:
            return lines[p]
        p = p[:-1]
    return None


def format_path(path: Path) -> str:
    """("steps", 2, "equation") -> "steps[2].equation"."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _parent_path(text: str, line: int, key: str) -> str:
    """Dotted path of ``key`` at 0-based ``line``, from the indentation of the lines above."""
    rows = text.splitlines()
    if line >= len(rows):
        return key
    indent = len(rows[line]) - len(rows[line].lstrip())
    parts = [key]
    for row in reversed(rows[:line]):
        stripped = row.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        ind = len(row) - len(stripped)
        if ind < indent and ":" in stripped:
            parts.append(stripped.split(":", 1)[0].strip().strip("'\"").lstrip("- "))
            indent = ind
            if ind == 0:
                break
    return ".".join(reversed(parts))
