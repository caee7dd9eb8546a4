"""A patch as per-file before/after texts with the line numbers it changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from unidiff.errors import UnidiffParseError
from unidiff.patch import PatchedFile, PatchSet

from codebench.errors import CodebenchError


class AnalysisInputError(CodebenchError):
    """The patch cannot be analysed against the given tree (it does not apply to it)."""


@dataclass(frozen=True)
class FileDiff:
    """One changed file: its text before and after, and the changed line numbers (1-based).

    `removed` are lines of `old`, `added` are lines of `new`; whitespace-only lines excluded.
    `old` is "" for an added file and `new` is "" for a deleted one.
    """

    path: str
    old: str
    new: str
    removed: frozenset[int]
    added: frozenset[int]

    @property
    def is_python(self) -> bool:
        """Whether the file is Python source."""
        return self.path.endswith(".py")

    @property
    def changed_line_count(self) -> int:
        """Removed plus added non-blank lines."""
        return len(self.removed) + len(self.added)


def file_diffs(patch_text: str, read_old: Callable[[str], str | None]) -> list[FileDiff]:
    """Split a unified diff into `FileDiff`s; `read_old(path)` gives a file's text before."""
    try:
        patch_set = PatchSet(patch_text)
    except UnidiffParseError as exc:
        raise AnalysisInputError(f"not a valid unified diff: {exc}") from exc
    diffs = []
    for patched in patch_set:
        if patched.is_binary_file:
            continue
        old = "" if patched.is_added_file else _old_text(patched, read_old)
        new = "" if patched.is_removed_file else apply_hunks(old, patched)
        diffs.append(_file_diff(patched, old, new))
    return diffs


def _old_text(patched: PatchedFile, read_old: Callable[[str], str | None]) -> str:
    """The old text, whatever prefix the diff used (a/, i/, w/, ... or none)."""
    source = str(patched.source_file)
    candidates = [source[2:], source] if source[1:2] == "/" else [source]
    for candidate in candidates:
        text = read_old(candidate)
        if text is not None:
            return text
    return ""


def _file_diff(patched: PatchedFile, old: str, new: str) -> FileDiff:
    removed, added = set(), set()
    for hunk in patched:
        for line in hunk:
            if not line.value.strip():
                continue
            if line.is_removed and line.source_line_no is not None:
                removed.add(line.source_line_no)
            elif line.is_added and line.target_line_no is not None:
                added.add(line.target_line_no)
    return FileDiff(patched.path, old, new, frozenset(removed), frozenset(added))


def apply_hunks(old: str, patched: PatchedFile) -> str:
    """The new text of a file from its old text and hunks that apply exactly."""
    old_lines = old.splitlines(keepends=True)
    new_lines: list[str] = []
    cursor = 0
    for hunk in patched:
        start = max(hunk.source_start - 1, 0)
        new_lines.extend(old_lines[cursor:start])
        cursor = start
        for line in hunk:
            if line.is_added:
                new_lines.append(line.value)
                continue
            if not (line.is_context or line.is_removed):
                continue  # "\ No newline at end of file"
            expected = line.value.rstrip("\r\n")
            if cursor >= len(old_lines) or old_lines[cursor].rstrip("\r\n") != expected:
                where = f"{patched.path} line {cursor + 1}"
                raise AnalysisInputError(f"the patch does not apply to the given tree at {where}")
            if line.is_context:
                new_lines.append(old_lines[cursor])
            cursor += 1
    new_lines.extend(old_lines[cursor:])
    return "".join(new_lines)
