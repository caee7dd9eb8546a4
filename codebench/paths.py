"""Where codebench finds its task suites and sandbox definitions.

Each folder (`tasks/`, `sandboxes/`) is looked for, in order, in `$CODEBENCH_ROOT` (when set, it
is the only place looked at), the current directory, the source checkout codebench runs from,
and the copy of the core suite and sandboxes that the installed package carries (read-only: a
workspace to edit is made with `init_workspace`).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from codebench.errors import ConfigError

ROOT_VARIABLE = "CODEBENCH_ROOT"
TASKS = "tasks"
SANDBOXES = "sandboxes"
PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent
# what the wheel carries (setup.py copies tasks/core, its repos and sandboxes/ there)
DATA_ROOT = PACKAGE_DIR / "_data"
_COPY_SKIPS = ("__pycache__", "*.py[cod]", ".pytest_cache", ".mypy_cache", ".ruff_cache")


def candidate_roots() -> list[Path]:
    """The folders that may hold `tasks/` and `sandboxes/`, in the order they are tried."""
    env = os.environ.get(ROOT_VARIABLE)
    if env:
        return [Path(env)]
    roots = [Path.cwd()]
    # a checkout has its pyproject.toml; an installed package's parent (site-packages) has not
    if (SOURCE_ROOT / "pyproject.toml").is_file():
        roots.append(SOURCE_ROOT)
    return [*roots, DATA_ROOT]


def find_folder(name: str) -> Path:
    """The first candidate root's `name` folder that exists; else where it would be expected
    (`$CODEBENCH_ROOT/name` or `./name`), so an error can name that path."""
    roots = candidate_roots()
    for root in roots:
        if (root / name).is_dir():
            return root / name
    return roots[0] / name


def default_tasks_root() -> Path:
    """The folder holding task suites."""
    return find_folder(TASKS)


def default_sandboxes_root() -> Path:
    """The folder holding one sub-folder per sandbox image."""
    return find_folder(SANDBOXES)


def is_bundled(path: Path) -> bool:
    """True when `path` lies inside the installed package's read-only copy of the suites."""
    return path.resolve().is_relative_to(DATA_ROOT)


def init_workspace(target: Path) -> tuple[Path, Path]:
    """Copy the tasks and sandboxes codebench finds now into `target` (a workspace to edit).

    Returns the new (tasks root, sandboxes root). Raises `ConfigError` when `target` already
    has a `tasks/` or `sandboxes/` folder, or when there is nothing to copy.
    """
    sources = {name: find_folder(name) for name in (TASKS, SANDBOXES)}
    for name, source in sources.items():
        if (target / name).exists():
            raise ConfigError(f"{target / name} already exists; choose an empty folder")
        if not source.is_dir():
            raise ConfigError(f"no {name}/ folder to copy: {source} does not exist")
    for name, source in sources.items():
        shutil.copytree(source, target / name, ignore=shutil.ignore_patterns(*_COPY_SKIPS))
    return target / TASKS, target / SANDBOXES
