"""YAML reading that remembers the line of every mapping key and sequence item."""

from __future__ import annotations

from typing import Any

from ..errors import ModelFileError

Path = tuple  # a field path: ("steps", 2, "equation")


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
    try:
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
    except Exception as exc:  # ruamel raises a few unmarked errors
        raise ModelFileError(filename, "(yaml)", f"not valid YAML: {exc}") from None
    lines: dict[Path, int] = {}
    plain = _to_plain(data, (), lines)
    return plain, lines


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
