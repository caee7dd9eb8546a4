"""Build hook: the wheel carries the core suite and the sandbox definitions as package data.

`tasks/core`, the starting trees its tasks name (`tasks/repos/<repo>`), `tasks/README.md` and
`sandboxes/` are copied into `codebench/_data/` of the build directory (never of the source
tree), without caches, compiled files or version-control folders. `codebench.paths` finds them
there when no checkout is around. The metadata is all in pyproject.toml.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA_DIR = Path("codebench", "_data")  # keep in step with codebench.paths.DATA_ROOT
BUNDLED_SUITES = ("core",)
SKIPPED = (
    "__pycache__",
    "*.py[cod]",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".codebench-cache",
    ".git",
    "*.egg-info",
    ".DS_Store",
    "*.tmp",
)


def bundled_paths(root: Path) -> list[Path]:
    """What the wheel carries, relative to `root`: the bundled suites, their repos, sandboxes."""
    paths = [Path("tasks", "README.md"), Path("sandboxes")]
    repos: set[str] = set()
    for suite in BUNDLED_SUITES:
        suite_dir = root / "tasks" / suite
        if not suite_dir.is_dir():
            raise SystemExit(f"{suite_dir} is missing: the wheel must carry the {suite} suite")
        paths.append(suite_dir.relative_to(root))
        for task_file in sorted(suite_dir.glob("*/task.toml")):
            repo = tomllib.loads(task_file.read_text(encoding="utf-8")).get("repo")
            if isinstance(repo, str):
                repos.add(repo)
    paths += [Path("tasks", "repos", repo) for repo in sorted(repos)]
    missing = [str(p) for p in paths if not (root / p).exists()]
    if missing:
        raise SystemExit(f"cannot build the wheel: missing {', '.join(missing)} under {root}")
    return paths


class BuildPyWithData(build_py):
    """`build_py`, then the bundled task suites and sandbox definitions as package data."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads tasks/ and sandboxes/ from the checkout
        target = Path(self.build_lib) / DATA_DIR
        shutil.rmtree(target, ignore_errors=True)  # an in-tree build/ from an earlier build
        for relative in bundled_paths(ROOT):
            source, destination = ROOT / relative, target / relative
            if source.is_dir():
                shutil.copytree(source, destination, ignore=shutil.ignore_patterns(*SKIPPED))
            else:
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, destination)


setup(cmdclass={"build_py": BuildPyWithData})
