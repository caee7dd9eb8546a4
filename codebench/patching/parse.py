"""Parsing and validating unified diffs before they reach a sandbox."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from unidiff.errors import UnidiffParseError
from unidiff.patch import PatchSet

SYMLINK_MODE = re.compile(r"^(new file mode|new mode|old mode|deleted file mode) 120000", re.M)
FORBIDDEN_COMPONENTS = frozenset({"..", ".git"})


@dataclass(frozen=True)
class FileChange:
    """One file a patch touches."""

    path: str  # the path after the patch (before, for a deletion)
    source_path: str | None  # None for a new file
    target_path: str | None  # None for a deleted file
    added_lines: int
    removed_lines: int


@dataclass(frozen=True)
class ParsedPatch:
    """A patch that parsed and whose paths all stay inside the repository."""

    text: str
    files: tuple[FileChange, ...]

    @property
    def sha256(self) -> str:
        """Content hash of the patch text (part of a result's key)."""
        return patch_sha256(self.text)

    @property
    def paths(self) -> tuple[str, ...]:
        """Every path the patch touches, before and after."""
        found = {p for f in self.files for p in (f.source_path, f.target_path) if p}
        return tuple(sorted(found))


@dataclass(frozen=True)
class PatchRejection:
    """Why a patch cannot be applied: malformed, or reaching outside the repository."""

    reason: str


def patch_sha256(text: str) -> str:
    """sha256 of a patch's text."""
    return hashlib.sha256(text.encode()).hexdigest()


def is_empty_patch(text: str) -> bool:
    """True when a proposal contains no change at all."""
    return not text.strip()


def parse_patch(text: str, repo_dir: Path | None = None) -> ParsedPatch | PatchRejection:
    """Parse a unified diff; reject it if malformed or if a path leaves the repository.

    With `repo_dir` (the starting tree), a path that passes through a symlink is rejected too.
    """
    if SYMLINK_MODE.search(text):
        return PatchRejection("the patch creates or changes a symlink, which is not allowed")
    try:
        patch_set = PatchSet(text)
    except UnidiffParseError as exc:
        return PatchRejection(f"not a valid unified diff: {exc}")
    if len(patch_set) == 0:
        return PatchRejection(
            "no file changes found (expected '--- a/path' / '+++ b/path' headers)"
        )
    files = []
    for patched in patch_set:
        change = _file_change(patched)
        for path in (change.source_path, change.target_path):
            problem = _path_problem(path, repo_dir) if path else None
            if problem:
                return PatchRejection(problem)
        files.append(change)
    return ParsedPatch(text=text, files=tuple(files))


def _strip_prefix(name: str) -> str | None:
    if name == "/dev/null":
        return None
    return name[2:] if name.startswith(("a/", "b/")) else name


def _file_change(patched: object) -> FileChange:
    source = _strip_prefix(str(getattr(patched, "source_file", "")))
    target = _strip_prefix(str(getattr(patched, "target_file", "")))
    if getattr(patched, "is_added_file", False):
        source = None
    if getattr(patched, "is_removed_file", False):
        target = None
    return FileChange(
        path=target or source or "",
        source_path=source,
        target_path=target,
        added_lines=int(getattr(patched, "added", 0)),
        removed_lines=int(getattr(patched, "removed", 0)),
    )


def _path_problem(path: str, repo_dir: Path | None) -> str | None:
    posix = PurePosixPath(path)
    if not path or posix.is_absolute() or path.startswith("~"):
        return f"path {path!r} is absolute; patches must use paths relative to the repository"
    if FORBIDDEN_COMPONENTS & set(posix.parts):
        return f"path {path!r} leaves the repository or touches .git"
    if repo_dir is not None:
        current = repo_dir
        for part in posix.parts:
            current = current / part
            if current.is_symlink():
                return f"path {path!r} goes through a symlink ({current.relative_to(repo_dir)})"
    return None
