"""Imports point one way: from a layer to the layers below it, in the order of DESIGN.md.

Every module of `codebench` is read with `ast`; each `codebench.*` import it makes (at module
level or inside a function, `TYPE_CHECKING` blocks included) must name its own layer or a lower
one. The order is listed here once.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "codebench"

# From the bottom. A row holds the layers that stand side by side (neither imports the other).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("__init__", "errors", "paths", "io", "stats", "lru"),  # shared plumbing
    ("tasks",),
    ("sandbox",),
    ("patching",),
    ("analysis",),
    ("grading",),
    ("models",),
    ("results",),
    ("runner",),
    ("report",),
    ("training", "authoring"),
    ("cli",),
    ("__main__",),
)
RANK = {name: rank for rank, row in enumerate(LAYERS) for name in row}
# Within the plumbing row: each of these may import only these (errors imports nothing of ours).
PLUMBING_IMPORTS = {
    "errors": set(),
    "paths": {"errors"},
    "io": {"errors"},
    "stats": set(),
    "lru": set(),
}


def layer_of(module: str) -> str:
    """`codebench.runner.run` -> `runner`; `codebench` -> `__init__`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, module: str) -> list[tuple[int, str]]:
    """(line, module) of every `codebench` import in a file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            found.append((node.lineno, target))
    return [(line, name) for line, name in found if name.split(".")[0] == "codebench"]


def violations(path: Path, module: str | None = None) -> list[str]:
    """Every import in `path` (module `module`) that points up, or sideways within a row."""
    module = module or module_name(path)
    own = layer_of(module)
    bad = []
    for line, target in imported_modules(path, module):
        theirs = layer_of(target)
        if theirs == own:
            continue
        if theirs not in RANK:
            bad.append(f"{path}:{line} imports {target}: layer {theirs!r} is not in LAYERS")
        elif RANK[theirs] > RANK[own]:
            bad.append(f"{path}:{line} imports {target}: {own} may not import {theirs} (above it)")
        elif RANK[theirs] == RANK[own] and theirs not in PLUMBING_IMPORTS.get(own, set()):
            bad.append(f"{path}:{line} imports {target}: {own} and {theirs} stand side by side")
    return bad


def test_every_import_points_down() -> None:
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 50  # the walk found the package
    bad = [problem for path in modules for problem in violations(path)]
    assert bad == [], "\n".join(bad)


def test_every_subpackage_has_a_layer() -> None:
    names = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()}
    names = {n for n in names if not n.startswith(("_", ".")) or n in ("__init__", "__main__")}
    names -= {"py"}  # py.typed
    assert names - RANK.keys() == set(), "place every new package in LAYERS"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from codebench.report import build_leaderboard\n", "runner may not import report"),
        ("import codebench.cli\n", "runner may not import cli"),
        ("def f():\n    from codebench.authoring import scaffold\n", "may not import authoring"),
        ("from ..report import page\n", "runner may not import report"),
    ],
)
def test_an_upward_import_is_caught(tmp_path: Path, source: str, expected: str) -> None:
    """The check itself can fail: a runner module importing a higher layer is reported."""
    probe = tmp_path / "probe.py"
    probe.write_text(source)
    (problem,) = violations(probe, "codebench.runner.probe")
    assert expected in problem


def test_a_downward_import_passes(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("from codebench.runner import run\nfrom ..errors import ConfigError\n")
    assert violations(probe, "codebench.report.probe") == []


def test_plumbing_imports_no_layer_above_it(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("from codebench.stats import mean\n")
    (problem,) = violations(probe, "codebench.errors")
    assert "side by side" in problem
