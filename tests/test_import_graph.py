"""The dependency rule of DESIGN.md: scale packages import only the core and third-party
libraries, never each other or anything above them; only ``bridges`` imports two scales."""

import ast
import pathlib

import pytest

PKG = pathlib.Path(__file__).resolve().parents[1] / "catscale"
CORE = {"errors", "units", "mechanism", "lattices", "quantities", "registry"}
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
