"""The dependency rule of DESIGN.md: scale packages import only the core and third-party
libraries, never each other or anything above them; only ``bridges`` imports two scales."""

import ast
import pathlib

import pytest

PKG = pathlib.Path(__file__).resolve().parents[1] / "catscale"
CORE = {"errors", "units", "mechanism", "results", "lattices", "quantities", "registry"}
SCALES = {"atomistic", "thermo", "kinetics", "kmc", "diffusion", "transport", "pellet",
          "reactor"}
TOP = {"model", "uq", "workflow", "cli"}


def _catscale_imports(path: pathlib.Path) -> set[str]:
    """Top-level catscale subpackages/modules imported by a file (absolute or relative)."""
    tree = ast.parse(path.read_text())
    rel = path.relative_to(PKG).parts
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                parts = a.name.split(".")
                if parts[0] == "catscale" and len(parts) > 1:
                    out.add(parts[1])
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                parts = (node.module or "").split(".")
                if parts[0] == "catscale":
                    if len(parts) > 1:
                        out.add(parts[1])
                    else:
                        out.update(a.name for a in node.names)
            else:
                base = list(rel[:-1])
                up = node.level - 1
                base = base[: len(base) - up] if up else base
                mod = (node.module or "").split(".") if node.module else []
                full = base + mod
                if full:
                    out.add(full[0])
                else:
                    out.update(a.name for a in node.names)
    return out


def _files(pkg: str):
    return sorted((PKG / pkg).rglob("*.py"))


@pytest.mark.parametrize("scale", sorted(SCALES))
def test_scale_packages_import_only_core(scale):
    for f in _files(scale):
        bad = _catscale_imports(f) - CORE - {scale}
        assert not bad, f"{f.relative_to(PKG)} imports {sorted(bad)} (scales may import only core)"


@pytest.mark.parametrize("core", sorted(CORE))
def test_core_imports_nothing_above(core):
    files = [PKG / f"{core}.py"] if (PKG / f"{core}.py").exists() else _files(core)
    for f in files:
        bad = _catscale_imports(f) - CORE
        assert not bad, f"{f.relative_to(PKG)} imports {sorted(bad)}"


def test_bridges_do_not_import_top_layers():
    for f in _files("bridges"):
        bad = _catscale_imports(f) & TOP
        assert not bad, f"{f.relative_to(PKG)} imports {sorted(bad)}"


def test_checker_sees_relative_imports(tmp_path):
    # the checker itself must be able to fail: a relative import of another scale is caught
    f = PKG / "kinetics" / "_tmp_probe_for_test.py"
    try:
        f.write_text("from ..kmc import x\n")
        assert "kmc" in _catscale_imports(f)
    finally:
        f.unlink()


# ---- the total order of the layers (issue 19) ---------------------------------------------
#: every top-level part of catscale and its layer; a module may import only its own layer's
#: package or lower layers (scales: only their own package and the core)
LAYERS = {
    "cli": 8, "api": 8,
    "workflow": 7,
    "uq": 6,
    "stages": 5,
    "model": 4,
    "bridges": 3,
    **{s: 2 for s in SCALES},
    "scales": 2,
    **{c: 1 for c in CORE}, "results": 1,
}


def _top(path: pathlib.Path) -> str:
    rel = path.relative_to(PKG).parts
    return rel[0].removesuffix(".py") if len(rel) > 1 or rel[0] != "__init__.py" else ""


def test_every_part_has_a_layer():
    parts = {p.name.removesuffix(".py") for p in PKG.iterdir()
             if (p.is_dir() and (p / "__init__.py").exists())
             or (p.suffix == ".py" and p.name != "__init__.py")}
    assert parts <= set(LAYERS), f"parts without a layer: {sorted(parts - set(LAYERS))}"


@pytest.mark.parametrize("part", sorted(LAYERS))
def test_layers_import_only_downwards(part):
    files = [PKG / f"{part}.py"] if (PKG / f"{part}.py").exists() else _files(part)
    for f in files:
        for imp in _catscale_imports(f) - {part, "__version__"}:
            if imp not in LAYERS:
                continue
            assert LAYERS[imp] < LAYERS[part] or (
                LAYERS[imp] == LAYERS[part] == 1), \
                f"{f.relative_to(PKG)} ({part}, layer {LAYERS[part]}) imports {imp} " \
                f"(layer {LAYERS[imp]})"


def test_nothing_imports_cli():
    for f in PKG.rglob("*.py"):
        if f.relative_to(PKG).parts[0] == "cli":
            continue
        assert "cli" not in _catscale_imports(f), f"{f.relative_to(PKG)} imports catscale.cli"


def _private_imports(path: pathlib.Path) -> list[str]:
    """Dotted modules ``pkg._private`` of another package that a file imports."""
    tree = ast.parse(path.read_text())
    rel = path.relative_to(PKG).parts
    own = rel[0] if len(rel) > 1 else None
    bad = []
    for node in ast.walk(tree):
        mods: list[list[str]] = []
        if isinstance(node, ast.Import):
            mods = [a.name.split(".")[1:] for a in node.names
                    if a.name.startswith("catscale.")]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and (node.module or "").startswith("catscale."):
                mods = [node.module.split(".")[1:]]
            elif node.level > 0:
                base = list(rel[:-1])
                up = node.level - 1
                base = base[: len(base) - up] if up else base
                mods = [base + (node.module.split(".") if node.module else [])]
                if not node.module:
                    mods = [base + [a.name] for a in node.names]
        for m in mods:
            if m and m[0] != own and any(p.startswith("_") and not p.startswith("__")
                                         for p in m):
                bad.append(".".join(m))
    return bad


def test_no_private_module_of_another_package():
    offenders = {}
    for f in PKG.rglob("*.py"):
        bad = _private_imports(f)
        if bad:
            offenders[str(f.relative_to(PKG))] = bad
    assert not offenders, offenders


def test_checker_sees_private_imports():
    f = PKG / "stages" / "_tmp_probe_private.py"
    try:
        f.write_text("from ..kinetics._steady import x\nfrom ..cli import y\n")
        assert _private_imports(f) == ["kinetics._steady"]
        assert "cli" in _catscale_imports(f)
    finally:
        f.unlink()
