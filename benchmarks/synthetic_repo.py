"""Deterministic synthetic Python repositories of a given size, for the scale benchmarks.

Each module holds a docstring, imports of two earlier modules, a constant, a class with
methods and plain functions calling into the imported modules: about 100 lines, so a
300,000-line repository has about 3,000 modules, in packages of 50.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

LINES_PER_MODULE = 100
MODULES_PER_PACKAGE = 50


def module_text(index: int) -> str:
    """The text of module `index` (deterministic)."""
    deps = [j for j in (index // 2, index // 3) if j < index]
    lines = [f'"""Module {index}: generated for the scale benchmarks."""', ""]
    lines += [f"from {_dotted(j)} import helper_{j}_0" for j in sorted(set(deps))]
    lines += ["", f"LIMIT_{index} = {index % 97 + 3}", "", ""]
    lines += [f"class Store{index}:", f'    """A store of module {index}."""', ""]
    lines += ["    def __init__(self, items: list[int]) -> None:", "        self.items = items", ""]
    for m in range(4):
        lines += [
            f"    def total_{m}(self, factor: int = {m + 1}) -> int:",
            f'        """The items times {m + 1}, capped."""',
            "        value = sum(self.items) * factor",
            f"        return min(value, LIMIT_{index} * {m + 10})",
            "",
        ]
    lines.append("")
    while len(lines) < LINES_PER_MODULE - 6:
        f = (len(lines) * 7 + index) % 1000
        call = f"helper_{deps[0]}_0(x)" if deps else "x"
        lines += [
            f"def helper_{index}_{f}(x: int) -> int:",
            f'    """Step {f} of module {index}."""',
            f"    y = {call} + {f}",
            f"    return y if y < LIMIT_{index} else y - LIMIT_{index}",
            "",
            "",
        ]
    lines += [f"def helper_{index}_0(x: int) -> int:", "    return x + 1", ""]
    return "\n".join(lines)


def _dotted(index: int) -> str:
    return f"pkg{index // MODULES_PER_PACKAGE}.mod{index}"


def _path(index: int) -> str:
    return f"pkg{index // MODULES_PER_PACKAGE}/mod{index}.py"


def files_for(lines: int) -> dict[str, str]:
    """A repository of about `lines` lines, by relative path."""
    count = max(1, lines // LINES_PER_MODULE)
    files = {_path(i): module_text(i) for i in range(count)}
    for package in range((count - 1) // MODULES_PER_PACKAGE + 1):
        files[f"pkg{package}/__init__.py"] = ""
    return files


def write_repo(root: Path, lines: int, git: bool = False) -> dict[str, str]:
    """Write a repository of about `lines` lines under `root` (a git repository with one
    commit when `git`); returns its files."""
    files = files_for(lines)
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    if git:
        identity = ["-c", "user.name=bench", "-c", "user.email=bench@localhost"]
        for command in (["init", "-q"], ["add", "-A"], [*identity, "commit", "-qm", "base"]):
            subprocess.run(["git", *command], cwd=root, check=True, capture_output=True)
    return files
