"""A unified diff read line by line for display: each line's file, old and new numbers, and
the definition it falls in (as the hunk shows it). Display only: it never raises, whatever the
text (a model's patch may be anything)."""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum
from typing import NamedTuple

MODULE = "<module>"  # as the analyzer names a file's module-level region
_HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@ ?(.*)$")
_DEFINITION = re.compile(r"^(\s*)(?:async\s+)?(def|class)\s+([A-Za-z_]\w*)")


class LineKind(StrEnum):
    """What a line of a diff is."""

    FILE = "file"  # diff --git, ---, +++, index, mode lines
    HUNK = "hunk"
    ADDED = "add"
    REMOVED = "del"
    CONTEXT = "ctx"
    NOTE = "note"  # "\\ No newline at end of file", or text outside any hunk


class DiffLine(NamedTuple):
    """One line of a diff: its text (without the +/-/space prefix for code lines), the file it
    belongs to, its number in the old and new file, and the entity (`path::qualname`)."""

    kind: LineKind
    text: str
    path: str = ""
    old: int | None = None
    new: int | None = None
    entity: str = ""


class _Definitions:
    """The stack of definitions enclosing the current line, by indentation; a definition
    inside a function belongs to that function (as the analyzer counts it)."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, str, str]] = []  # (indent, def|class, name)
        self.current = MODULE

    def entity(self, path: str) -> str:
        """`path::qualname` of the current line."""
        return f"{path}::{self.current}"

    def see(self, code: str) -> None:
        """Update the stack with a line of code (context, added or removed)."""
        stripped = code.lstrip()
        if not stripped or stripped[0] in "#@)]}":
            return
        indent = len(code) - len(stripped)
        popped = False
        while self.stack and self.stack[-1][0] >= indent:
            self.stack.pop()
            popped = True
        found = _DEFINITION.match(code) if stripped.startswith(("def", "class", "as")) else None
        if found and not any(kind == "def" for _, kind, _ in self.stack):
            self.stack.append((indent, found.group(2), found.group(3)))
        if found or popped:
            self.current = ".".join(name for _, _, name in self.stack) or MODULE


def _path(line: str) -> str | None:
    """The file a `+++ b/x` (or `--- a/x` for a deletion) line names."""
    name = line[4:].split("\t", 1)[0].strip()
    if name == "/dev/null":
        return None
    return name[2:] if name[:2] in ("a/", "b/") else name


ReadOld = Callable[[str], "str | None"]  # a file's starting text (None: no such file)


class _OldLines:
    """The starting files' lines, read once each, to find the definitions a hunk starts in."""

    def __init__(self, read_old: ReadOld | None) -> None:
        self.read_old = read_old
        self.files: dict[str, list[str]] = {}

    def enclosing(self, path: str, start: int, header: str) -> _Definitions:
        """The definitions open at old line `start`: the starting file's lines above it, from
        the last one at the top level, replayed; without the file, the hunk header's."""
        definitions = _Definitions()
        if self.read_old is None:
            definitions.see(header)
            return definitions
        if path not in self.files:
            self.files[path] = (self.read_old(path) or "").splitlines()
        above = self.files[path][: max(0, start - 1)]
        first = len(above)
        while first > 0 and not _top_level(above[first - 1]):
            first -= 1
        for code in above[max(0, first - 1) :]:
            definitions.see(code)
        return definitions


def _top_level(code: str) -> bool:
    return bool(code) and not code[0].isspace() and code[0] not in "#@)]}"


def read_diff(text: str, read_old: ReadOld | None = None) -> list[DiffLine]:
    """The diff's lines with their files, numbers and entities; with `read_old` (the starting
    tree's files), a hunk that starts inside a definition knows which."""
    old_lines = _OldLines(read_old)
    lines: list[DiffLine] = []
    path, old, new = "", 0, 0
    in_hunk = False
    definitions = _Definitions()
    for raw in text.splitlines():
        hunk = _HUNK.match(raw)
        if raw.startswith(("diff --git", "--- ", "+++ ")) and not (in_hunk and _code(raw)):
            in_hunk = False
            if raw.startswith(("--- ", "+++ ")):
                path = _path(raw) or path
            lines.append(DiffLine(LineKind.FILE, raw, path))
        elif hunk:
            in_hunk = True
            old, new = int(hunk.group(1)), int(hunk.group(2))
            definitions = old_lines.enclosing(path, old, hunk.group(3))
            lines.append(DiffLine(LineKind.HUNK, raw, path))
        elif in_hunk and (raw[:1] in ("+", "-", " ") or raw == ""):
            line, old, new = _code_line(raw, path, old, new, definitions)
            lines.append(line)
        else:
            lines.append(DiffLine(LineKind.NOTE if in_hunk else LineKind.FILE, raw, path))
    return lines


def _code(raw: str) -> bool:
    """A `--- x`/`+++ x` line inside a hunk is a removed `-- x` / added `++ x` line only when
    a hunk is still open; a new file header always starts with `diff --git` or `--- a/`."""
    return not raw.startswith(("diff --git", "--- a/", "+++ b/", "--- /dev/null"))


def _code_line(
    raw: str, path: str, old: int, new: int, definitions: _Definitions
) -> tuple[DiffLine, int, int]:
    prefix, code = (raw[:1] or " "), raw[1:]
    definitions.see(code)
    entity = definitions.entity(path)
    if prefix == "+":
        return DiffLine(LineKind.ADDED, code, path, None, new, entity), old, new + 1
    if prefix == "-":
        return DiffLine(LineKind.REMOVED, code, path, old, None, entity), old + 1, new
    return DiffLine(LineKind.CONTEXT, code, path, old, new, entity), old + 1, new + 1


def changed_entities(lines: list[DiffLine]) -> set[str]:
    """The entities the added and removed lines fall in."""
    return {line.entity for line in lines if line.kind in (LineKind.ADDED, LineKind.REMOVED)}
