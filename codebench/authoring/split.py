"""Splitting a before->after change into the gold patch, the hidden tests and what neither holds.

Test files go to `tests.patch`; documentation (`*.rst`, `*.md`, `docs/`, changelogs, news
fragments, AUTHORS ...) goes nowhere, so that a one-function fix with a changelog line is not
measured global; everything else is the gold patch.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from codebench.errors import TaskError
from codebench.patching import is_test_path
from codebench.sandbox import GIT_IDENTITY
from codebench.tasks.tree import IGNORED_NAMES

# `git diff` as a patch, whatever the user's git configuration says (prefixes, colour, external
# diff tools, text conversion, relative paths) and with paths taken literally, not as globs.
DIFF = (
    "--literal-pathspecs",
    "-c",
    "core.quotepath=off",
    "diff",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--no-relative",
    "--no-renames",
    "--src-prefix=a/",
    "--dst-prefix=b/",
)
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
        _git(Path(work), "init", "-q")
        for number, tree in enumerate((before, after)):
            for entry in Path(work).iterdir():
                if entry.name != ".git":
                    shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
            copy_tree(tree, Path(work))
            _git(Path(work), "add", "-A", "-f")  # the trees' own .gitignore hides nothing
            _git(Path(work), *GIT_IDENTITY, "commit", "-q", "--allow-empty", "-m", f"t{number}")
        return split_revisions(Path(work), "HEAD~1", "HEAD")


@dataclass(frozen=True)
class ChangedPaths:
    """The paths a change touches, by kind."""

    source: tuple[str, ...]  # what the gold patch holds
    tests: tuple[str, ...]  # what the hidden tests hold
    docs: tuple[str, ...]  # documentation: in neither patch


def partition_paths(names: Iterable[str]) -> ChangedPaths:
    """Test files (`is_test_path`), then documentation (`is_doc_path`), then the rest."""
    names = list(names)
    tests = [n for n in names if is_test_path(n)]
    docs = [n for n in names if n not in tests and is_doc_path(n)]
    source = [n for n in names if n not in tests and n not in docs]
    return ChangedPaths(tuple(source), tuple(tests), tuple(docs))


def changed_names(repo: Path, old: str, new: str) -> list[str]:
    """The paths that differ between two revisions of the git repository `repo` (no rename
    detection: a rename is a deletion and an addition). Raises `TaskError` when git fails."""
    listed = _git(repo, *DIFF, "--name-only", "-z", old, new)
    return [name for name in listed.split("\0") if name]


def binary_names(repo: Path, old: str, new: str) -> list[str]:
    """The changed paths git diffs as binary (`-` counts in `--numstat`)."""
    listed = _git(repo, *DIFF, "--numstat", "-z", old, new)
    return [e.split("\t", 2)[2] for e in listed.split("\0") if e.startswith("-\t-\t")]


def split_revisions(repo: Path, old: str, new: str) -> DiffSplit:
    """The diff from revision `old` to `new` of the git repository `repo`, split into the gold
    patch, the hidden tests and the documentation left out.

    Raises `TaskError` when git fails, `UnicodeDecodeError` when a patch is not UTF-8 text.
    """
    parts = partition_paths(changed_names(repo, old, new))
    gold = _git(repo, *DIFF, "--binary", old, new, "--", *parts.source) if parts.source else ""
    hidden = _git(repo, *DIFF, "--binary", old, new, "--", *parts.tests) if parts.tests else ""
    return DiffSplit(gold, hidden, parts.docs)


def copy_tree(source: Path, target: Path) -> None:
    """Copy a working copy without caches, compiled files or `.git`."""
    shutil.copytree(
        source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*IGNORED_NAMES, "*.pyc")
    )


def _git(cwd: Path, *args: str) -> str:
    """git's output; raises `TaskError` when git fails, `UnicodeDecodeError` when the output
    is not UTF-8 (a patch of a file in another encoding)."""
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    if done.returncode != 0:
        command = next((a for a in args if not a.startswith("-") and "=" not in a), "")
        stderr = done.stderr.decode(errors="replace").strip()
        raise TaskError(cwd, f"git {command} failed: {stderr}")
    return done.stdout.decode("utf-8")
