"""Splitting a before->after change into the gold patch, the hidden tests and what neither holds.

Test files go to `tests.patch`; documentation (`*.rst`, `*.md`, `docs/`, changelogs, news
fragments, AUTHORS ...) goes nowhere, so that a one-function fix with a changelog line is not
measured global; everything else is the gold patch.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from codebench.errors import TaskError
from codebench.patching import is_test_path
from codebench.sandbox import GIT_IDENTITY
from codebench.tasks.loader import IGNORED_NAMES

DOC_SUFFIXES = frozenset({".rst", ".md", ".markdown", ".adoc", ".rdoc"})
# top-level folders of documentation and of changelog fragments (towncrier, scriv)
DOC_FOLDERS = frozenset({"docs", "doc", "changelog.d", "newsfragments"})
# names (any case, no suffix or .txt: history.py is code) of changelogs and credits
DOC_NAMES = frozenset(
    {"CHANGELOG", "CHANGES", "NEWS", "HISTORY", "AUTHORS", "CONTRIBUTORS", "THANKS"}
    | {"RELEASE_NOTES", "RELEASE-NOTES"}
)


@dataclass(frozen=True)
class DiffSplit:
    """The before->after diff in its three parts."""

    gold: str  # source changes: the reference solution
    tests: str  # test-file changes: the hidden tests
    excluded: tuple[str, ...]  # changed documentation files, in neither patch


def is_doc_path(path: str) -> bool:
    """True for documentation: `*.rst`/`*.md`..., anything under a top-level `docs/` (or
    changelog-fragment) folder, and CHANGELOG / NEWS / HISTORY / AUTHORS ... files."""
    posix = PurePosixPath(path)
    if posix.suffix.lower() in DOC_SUFFIXES:
        return True
    if len(posix.parts) > 1 and posix.parts[0].lower() in DOC_FOLDERS:
        return True
    return posix.suffix.lower() in ("", ".txt") and posix.stem.upper() in DOC_NAMES


def split_diff(before: Path, after: Path) -> DiffSplit:
    """The before->after diff: source files (gold), test files (tests), documentation (left out).

    Raises `TaskError` when git fails on the pair.
    """
    with tempfile.TemporaryDirectory(prefix="codebench-scaffold-") as work:
        _git(work, "init", "-q")
        copy_tree(before, Path(work))
        _git(work, "add", "-A")
        _git(work, *GIT_IDENTITY, "commit", "-q", "--allow-empty", "-m", "before")
        for entry in Path(work).iterdir():
            if entry.name != ".git":
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        copy_tree(after, Path(work))
        _git(work, "add", "-A")
        listed = _git(work, "diff", "--cached", "--name-only", "--no-renames")
        names = [n for n in listed.split("\n") if n]
        tests = [n for n in names if is_test_path(n)]
        docs = [n for n in names if n not in tests and is_doc_path(n)]
        source = [n for n in names if n not in tests and n not in docs]
        diff = ("diff", "--cached", "--binary", "--no-renames", "--")
        gold = _git(work, *diff, *source) if source else ""
        hidden = _git(work, *diff, *tests) if tests else ""
    return DiffSplit(gold, hidden, tuple(docs))


def copy_tree(source: Path, target: Path) -> None:
    """Copy a working copy without caches, compiled files or `.git`."""
    shutil.copytree(
        source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*IGNORED_NAMES, "*.pyc")
    )


def _git(cwd: str, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise TaskError(Path(cwd), f"git {' '.join(args[:2])} failed: {done.stderr.strip()}")
    return done.stdout
