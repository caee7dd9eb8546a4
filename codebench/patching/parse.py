"""Parsing and validating unified diffs before they reach a sandbox.

The patch is read as `git apply` reads it (`sections`), with names unquoted and modes read as
numbers as git does (`gitpaths`), so the checks see the files the apply chain would touch.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from codebench.patching.gitpaths import PatchError
from codebench.patching.sections import Section, read_sections, section_paths


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
    """sha256 of a patch's text, for any str (never raises).

    Valid text hashes its UTF-8 bytes; a lone surrogate is encoded as its own three bytes
    ("surrogatepass"), which valid UTF-8 never holds, so different texts give different hashes.
    """
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def surrogate_problem(text: str) -> str | None:
    """Why `text` cannot be written as UTF-8 (the line of its first lone surrogate), or None.

    A lone surrogate comes from a JSON "\\ud800" escape or from bytes that were not UTF-8
    decoded with "surrogateescape"; no file in a sandbox can hold it.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        line = text.count("\n", 0, exc.start) + 1
        return (
            f"line {line} holds {text[exc.start]!r}, a lone surrogate, so the patch is not "
            "UTF-8 text; produce the patch as UTF-8 (no \\ud800-\\udfff escapes)"
        )
    return None


def is_empty_patch(text: str) -> bool:
    """True when a proposal contains no change at all."""
    return not text.strip()


def parse_patch(text: str, repo_dir: Path | None = None) -> ParsedPatch | PatchRejection:
    """Parse a unified diff; reject it if malformed or if a path leaves the repository.

    Names are unquoted as git unquotes them and every name git or GNU patch could act on is
    checked; symlink and submodule modes, binary sections and sections whose names disagree
    are refused. With `repo_dir` (the starting tree), a path through a symlink is rejected too.
    Text that is not UTF-8 (a lone surrogate) is rejected. Never raises.
    """
    not_text = surrogate_problem(text)
    if not_text is not None:
        return PatchRejection(not_text)
    try:
        files = tuple(_file_change(section) for section in read_sections(text))
        changes = tuple(change for change in files if change is not None)
        if not changes:
            return PatchRejection(
                "no file changes found (expected '--- a/path' / '+++ b/path' headers)"
            )
        for change in changes:
            _check_symlinks(change, repo_dir)
    except PatchError as problem:
        return PatchRejection(problem.reason)
    return ParsedPatch(text=text, files=changes)


def _file_change(section: Section) -> FileChange | None:
    paths = section_paths(section)
    if paths is None:
        return None
    source, target = paths
    return FileChange(
        path=target or source or "",
        source_path=source,
        target_path=target,
        added_lines=section.added,
        removed_lines=section.removed,
    )


def _check_symlinks(change: FileChange, repo_dir: Path | None) -> None:
    """Reject a path that goes through (or is) a symlink in the starting tree."""
    if repo_dir is None:
        return
    for path in (change.source_path, change.target_path):
        current = repo_dir
        for part in PurePosixPath(path or "").parts:
            current = current / part
            if current.is_symlink():
                where = current.relative_to(repo_dir)
                raise PatchError(f"path {path!r} goes through a symlink ({where})")
