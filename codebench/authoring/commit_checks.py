"""What can be told about a commit without running anything: merges, root commits, commits
without code or tests, binary changes, protected paths, trees too large to copy."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from codebench.authoring.history import CommitInfo, blob_bytes, existing, tree_bytes
from codebench.authoring.reasons import Reason, Rejection, listing
from codebench.authoring.split import ChangedPaths, binary_names, changed_names, partition_paths
from codebench.authoring.testruns import test_modules
from codebench.patching.protect import PYTEST_SECTION_FILES, harness_owned, pytest_section

MIB = 1 << 20


@dataclass(frozen=True)
class Candidate:
    """A commit that may make a task: its parent, what it changes, the test modules to run."""

    commit: CommitInfo
    parent: str
    paths: ChangedPaths
    test_files: tuple[str, ...]


def check_commit(repo: Path, commit: CommitInfo, max_tree_bytes: int) -> Candidate | Rejection:
    """The commit as a candidate, or why it cannot be one. Raises `TaskError` when git fails."""
    if len(commit.parents) > 1:
        return Rejection(Reason.MERGE_COMMIT, f"{len(commit.parents)} parents")
    if not commit.parents:
        return Rejection(Reason.ROOT_COMMIT, "no parent tree to start from")
    parent = commit.parents[0]
    paths = partition_paths(changed_names(repo, parent, commit.sha))
    rejection = _kind_rejection(paths)
    if rejection is not None:
        return rejection
    modules = test_modules(existing(repo, commit.sha, paths.tests))
    if not modules:
        detail = f"test files changed, but no test module (test*.py): {listing(paths.tests)}"
        return Rejection(Reason.NO_TESTS, detail)
    rejection = _content_rejection(repo, commit, parent, paths, max_tree_bytes)
    return rejection or Candidate(commit, parent, paths, tuple(modules))


def _kind_rejection(paths: ChangedPaths) -> Rejection | None:
    """Only docs, no code, no tests."""
    if not (paths.source or paths.tests):
        detail = listing(paths.docs) if paths.docs else "the commit changes no file"
        return Rejection(Reason.ONLY_DOCS if paths.docs else Reason.NO_CODE, detail)
    if not paths.source:
        return Rejection(Reason.NO_CODE, f"only tests and docs: {listing(paths.tests)}")
    if not paths.tests:
        return Rejection(Reason.NO_TESTS, f"only code and docs: {listing(paths.source)}")
    return None


def _content_rejection(
    repo: Path, commit: CommitInfo, parent: str, paths: ChangedPaths, max_tree_bytes: int
) -> Rejection | None:
    """Binary changes to code or tests, protected paths in the code, a parent tree too large."""
    binary = [p for p in binary_names(repo, parent, commit.sha) if p not in paths.docs]
    if binary:
        return Rejection(Reason.BINARY, listing(binary))
    protected = [p for p in paths.source if _protected(repo, parent, commit.sha, p)]
    if protected:
        detail = f"the grader reverts changes to {listing(protected)}"
        return Rejection(Reason.PROTECTED, detail)
    size = tree_bytes(repo, parent)
    if size > max_tree_bytes:
        limit = f"{max_tree_bytes / MIB:g} MiB: --max-tree-mb"
        return Rejection(Reason.TOO_LARGE, f"the parent's tree is {size / MIB:.1f} MiB ({limit})")
    return None


def _protected(repo: Path, old: str, new: str, path: str) -> bool:
    """Git attributes, start-up hooks, or a change to a config file's pytest settings."""
    name = PurePosixPath(path).name
    if harness_owned(path):
        return True
    if name not in PYTEST_SECTION_FILES:
        return False
    before, after = blob_bytes(repo, old, path), blob_bytes(repo, new, path)
    return pytest_section(name, before) != pytest_section(name, after)
