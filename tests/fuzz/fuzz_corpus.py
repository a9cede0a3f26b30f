"""A fuzz corpus of model files: the shipped examples and test models, mutated.

:func:`generate` returns at least 200 deterministic cases (name, bytes, kind): structural
mutations of each source (deleted keys, wrong types, zero / negative / NaN / inf / huge
numbers, unknown species, unbalanced equations, unicode) and text-level ones (duplicate keys,
binary garbage, truncation, deep nesting, alias bombs, ``!!python`` and other tags, an
oversized file). ``python tests/fuzz/fuzz_corpus.py DIR`` writes them to DIR for inspection.

Every case must give exit 0 with a verified result or exit 2 naming file and field
(tests/fuzz/test_fuzz.py).
"""

from __future__ import annotations

import copy
import math
import pathlib
import random
import re
import sys
from dataclasses import dataclass
from typing import Any

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOURCES = (sorted((ROOT / "examples").glob("*.yaml"))
           + sorted((ROOT / "tests" / "data" / "models").glob("*.yaml"))
           + sorted((ROOT / "tests" / "data" / "validation" / "models").glob("*.yaml")))

NUMBERS = [0, 0.0, -1, -1.0e-300, -0.0, math.nan, math.inf, -math.inf, 1.0e308, 1.0e300,
           10**40, 1.0e-320, 2**63, -(2**63)]
QUANTITY_NUMBERS = ["nan", "inf", "-inf", "-5", "0", "1e999", "1e-999", "abc"]
WRONG_TYPES: list[Any] = ["text", [1, 2], {"a": 1}, True, None, 12345, [], {}, "", [[[]]]]
UNICODE_NAMES = ["CO\u200b*", "\u03a9*", "\U0001f525", "O\u0301*", "\u202eOC*", "CO\uff0a"]


@dataclass(frozen=True)
class Case:
    """One fuzz input: file name, contents, and the kind of mutation."""

    name: str
    data: bytes
    kind: str


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = []
    if isinstance(node, dict):
        for k, v in node.items():
            out.append(prefix + (k,))
            out += _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.append(prefix + (i,))
            out += _paths(v, prefix + (i,))
    return out


def _get(doc: Any, path: tuple) -> Any:
    for p in path:
        doc = doc[p]
    return doc


def _set(doc: Any, path: tuple, value: Any) -> None:
    _get(doc, path[:-1])[path[-1]] = value


def _delete(doc: Any, path: tuple) -> None:
    parent = _get(doc, path[:-1])
    del parent[path[-1]]


def _dump(doc: Any) -> bytes:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True).encode("utf-8")


def _equations(doc: dict) -> list[tuple]:
    steps = doc.get("steps") if isinstance(doc, dict) else None
    if not isinstance(steps, list):
        return []
    return [("steps", i, "equation") for i, s in enumerate(steps)
            if isinstance(s, dict) and isinstance(s.get("equation"), str)]


def _structural(src: pathlib.Path, doc: dict, rng: random.Random) -> list[Case]:
    cases: list[Case] = []
    stem = src.stem
    paths = _paths(doc)
    numeric = [p for p in paths if isinstance(_get(doc, p), (int, float))
               and not isinstance(_get(doc, p), bool)]
    quantity = [p for p in paths if isinstance(_get(doc, p), str)
                and re.match(r"^-?[\d.]+(e-?\d+)?\s+\S", _get(doc, p))]

    def add(kind: str, i: int, d: Any) -> None:
        cases.append(Case(f"{stem}.{kind}.{i}.yaml", _dump(d), kind))

    for i, p in enumerate(rng.sample(paths, min(6, len(paths)))):
        d = copy.deepcopy(doc)
        _delete(d, p)
        add("deleted_key", i, d)
    for i, p in enumerate(rng.sample(paths, min(6, len(paths)))):
        d = copy.deepcopy(doc)
        _set(d, p, rng.choice(WRONG_TYPES))
        add("wrong_type", i, d)
    for i, p in enumerate(rng.sample(numeric, min(8, len(numeric)))):
        d = copy.deepcopy(doc)
        _set(d, p, NUMBERS[(i + rng.randrange(len(NUMBERS))) % len(NUMBERS)])
        add("number", i, d)
    for i, p in enumerate(rng.sample(quantity, min(2, len(quantity)))):
        d = copy.deepcopy(doc)
        value = _get(d, p)
        _set(d, p, rng.choice(QUANTITY_NUMBERS) + " " + value.split(None, 1)[1])
        add("quantity", i, d)
    eqs = _equations(doc)
    for i, p in enumerate(eqs[:2]):
        d = copy.deepcopy(doc)
        eq = _get(d, p)
        tokens = re.findall(r"[A-Za-z][A-Za-z0-9]*\*?", eq)
        if tokens:
            _set(d, p, eq.replace(tokens[0], "Zz" + ("*" if tokens[0].endswith("*") else ""),
                                  1))
            add("unknown_species", i, d)
    for i, p in enumerate(eqs[:2]):
        d = copy.deepcopy(doc)
        eq = _get(d, p)
        lhs, sep, rhs = re.split(r"(<=>|->|=>)", eq, maxsplit=1) if re.search(
            r"<=>|->|=>", eq) else (eq, "", "")
        terms = [t.strip() for t in rhs.split("+")]
        new = (f"{lhs}{sep} {' + '.join(terms[:-1])}" if len(terms) > 1
               else f"2{lhs.strip()} {sep} {rhs.strip()}")
        _set(d, p, new)
        add("unbalanced", i, d)
    species = list(doc.get("species") or {}) if isinstance(doc.get("species"), dict) else []
    for i, uname in enumerate(rng.sample(UNICODE_NAMES, 2)):
        d = copy.deepcopy(doc)
        if species:
            old = species[i % len(species)]
            d["species"] = {(uname if k == old else k): v for k, v in d["species"].items()}
            for p in _equations(d):
                _set(d, p, _get(d, p).replace(old, uname))
        d["name"] = f"na\u00efve \u2202 {uname}"
        add("unicode", i, d)
    return cases


def _bomb(levels: int, width: int = 9) -> str:
    lines = ["a0: &a0 [" + ", ".join(["x"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def _textual(src: pathlib.Path, text: str, rng: random.Random) -> list[Case]:
    stem = src.stem
    cases: list[Case] = []
    lines = text.splitlines(keepends=True)
    keyed = [i for i, ln in enumerate(lines) if re.match(r"^\s*[\w*\"']+\s*:", ln)]
    for i in range(2):                                  # duplicate keys
        j = rng.choice(keyed)
        dup = lines[:j + 1] + [lines[j]] + lines[j + 1:]
        cases.append(Case(f"{stem}.duplicate_key.{i}.yaml", "".join(dup).encode(),
                          "duplicate_key"))
    raw = text.encode()
    flipped = bytearray(raw)
    for _ in range(20):
        flipped[rng.randrange(len(flipped))] = rng.randrange(256)
    cases.append(Case(f"{stem}.byte_flips.yaml", bytes(flipped), "binary"))
    cases.append(Case(f"{stem}.truncated.yaml", raw[:rng.randrange(1, len(raw))], "truncated"))
    cases.append(Case(f"{stem}.nul.yaml", raw[:len(raw) // 2] + b"\x00" + raw[len(raw) // 2:],
                      "binary"))
    cases.append(Case(f"{stem}.python_tag.yaml", text.replace(
        "catscale: 1", "catscale: !!python/object/apply:os.system ['echo pwned > PWNED']", 1)
        .encode(), "python_tag"))
    cases.append(Case(f"{stem}.alias_bomb.yaml", (text + "bomb:\n" + "".join(
        "  " + ln for ln in _bomb(9).splitlines(keepends=True))).encode(), "alias_bomb"))
    return cases


def _standalone(rng: random.Random) -> list[Case]:
    base = ("catscale: 1\nname: t\nconditions: {T: 500, pressures: {A: 1}}\n"
            "species: {A: {phase: gas}, A*: {}}\nsteps: [{equation: A + * <=> A*, k_f: 1, "
            "k_r: 1}]\n")
    cases = [
        Case("garbage.0.yaml", bytes(rng.randrange(256) for _ in range(64)), "binary"),
        Case("garbage.1.yaml", bytes(rng.randrange(256) for _ in range(4096)), "binary"),
        Case("garbage.2.yaml", "\ufeff".encode() + base.encode(), "unicode"),
        Case("utf16.yaml", base.encode("utf-16"), "binary"),
        Case("empty.yaml", b"", "deleted_key"),
        Case("comment_only.yaml", b"# nothing\n", "deleted_key"),
        Case("top_list.yaml", b"- catscale: 1\n- name: x\n", "wrong_type"),
        Case("top_scalar.yaml", b"42\n", "wrong_type"),
        Case("alias_bomb_284.yaml", ("catscale: 1\n" + _bomb(9, 9)).encode(), "alias_bomb"),
        Case("alias_bomb_wide.yaml", ("catscale: 1\n" + _bomb(4, 400)).encode(), "alias_bomb"),
        Case("alias_in_field.yaml", (base + "lateral: &l {\"A*-A*\": 0.1}\n"
                                     "x: *l\n").encode(), "alias_bomb"),
        Case("merge_key.yaml", (base.replace("conditions: {T: 500, pressures: {A: 1}}",
                                             "c0: &c {T: 500, pressures: {A: 1}}\n"
                                             "conditions: {<<: *c}")).encode(), "alias_bomb"),
        Case("undefined_alias.yaml", (base + "x: *nowhere\n").encode(), "alias_bomb"),
        Case("deep_flow.yaml", ("catscale: 1\nx: " + "[" * 5000 + "]" * 5000 + "\n").encode(),
             "deep_nesting"),
        Case("deep_flow_unclosed.yaml", ("catscale: 1\nx: " + "[" * 100000).encode(),
             "deep_nesting"),
        Case("deep_map.yaml", ("catscale: 1\nx: " + "{a: " * 2000 + "1" + "}" * 2000 + "\n")
             .encode(), "deep_nesting"),
        Case("deep_block.yaml", ("catscale: 1\n" + "".join("  " * i + f"k{i}:\n"
                                                           for i in range(300))
                                 + "  " * 300 + "v\n").encode(), "deep_nesting"),
        Case("deep_in_species.yaml", base.replace(
            "A*: {}", "A*: " + "{x: " * 80 + "1" + "}" * 80).encode(), "deep_nesting"),
        Case("python_name.yaml", (base + "x: !!python/name:os.system\n").encode(),
             "python_tag"),
        Case("python_object.yaml", (base.replace("k_f: 1,", "k_f: !!python/object/new:"
                                                 "builtins.float [1],")).encode(),
             "python_tag"),
        Case("custom_tag.yaml", (base + "x: !custom {a: 1}\n").encode(), "python_tag"),
        Case("binary_tag.yaml", (base + "x: !!binary aGVsbG8=\n").encode(), "python_tag"),
        Case("set_tag.yaml", (base + "x: !!set {a, b}\n").encode(), "python_tag"),
        Case("timestamp_tag.yaml", base.replace("T: 500", "T: !!timestamp 2001-12-14")
             .encode(), "python_tag"),
        Case("oversized.yaml", (base + "# " + "x" * (5 * 2**20) + "\n").encode(), "huge"),
        Case("many_steps.yaml", (base + "lateral: {" + ", ".join(
            f"\"A*-A*{i}\": 0.1" for i in range(3000)) + "}\n").encode(), "huge"),
        Case("long_line_number.yaml", base.replace("T: 500", "T: " + "9" * 5000).encode(),
             "number"),
        Case("huge_exponent.yaml", base.replace("k_f: 1", "k_f: 1e99999").encode(), "number"),
        Case("key_unicode.yaml", base.replace("name: t", "n\u0430me: t").encode(), "unicode"),
        Case("crlf.yaml", base.replace("\n", "\r\n").encode(), "unicode"),
        Case("tabs.yaml", base.replace("name: t", "\tname: t").encode(), "binary"),
        Case("multi_doc.yaml", (base + "---\n" + base).encode(), "wrong_type"),
        Case("null_site.yaml", base.replace("A*: {}", "A*: {}\nsites: {'*': null, '': {}}")
             .encode(), "wrong_type"),
    ]
    return cases


def generate(seed: int = 21) -> list[Case]:
    """Every case of the corpus, deterministic for a given ``seed``."""
    rng = random.Random(seed)
    cases: list[Case] = []
    for src in SOURCES:
        text = src.read_text()
        doc = yaml.safe_load(text)
        cases += _structural(src, doc, rng)
        cases += _textual(src, text, rng)
    cases += _standalone(rng)
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), "case names must be unique"
    return cases


if __name__ == "__main__":
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "fuzz_corpus")
    out.mkdir(parents=True, exist_ok=True)
    for c in generate():
        (out / c.name).write_bytes(c.data)
    print(f"{len(generate())} files in {out}")
