"""Edited entities: which functions and classes a patch changes, and the scope rule.

Every changed line (deleted lines on the old file, added lines on the new) maps to the innermost
definition around it that is not nested in a function (a top-level function or class, a method,
a class inside a class), decorators included, qualified as `path::Class.method`, or to
`path::<module>`: closures and classes defined inside a function belong to that function.
Whitespace-only lines are ignored. Non-Python files count as one entity each.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

from codebench.analysis.diffs import FileDiff, file_diffs
from codebench.analysis.facts import Span, facts, owner
from codebench.tasks.schema import Scope

FILE = "<file>"  # a non-Python file counts as one entity
LOCAL_MAX_DEFINITIONS = 2


@dataclass(frozen=True, order=True)
class Entity:
    """A function, class or module-level region of one file."""

    path: str
    qualname: str

    def __str__(self) -> str:
        return f"{self.path}::{self.qualname}"


def definition_spans(source: str) -> list[Span] | None:
    """Every function and class definition of a module; None if it does not parse."""
    spans = facts(source).spans
    return None if spans is None else list(spans)


def innermost(spans: list[Span], line: int) -> str:
    """The qualified name of the innermost definition holding `line` that is not nested in a
    function, else `<module>`."""
    return owner(spans, line)


def broken_by_patch(diff: FileDiff) -> bool:
    """Whether a Python file parsed before the patch (or is new) and does not after it."""
    if not diff.is_python or not diff.new or facts(diff.new).tree is not None:
        return False
    return not diff.old or facts(diff.old).tree is not None


def entity_lines(diff: FileDiff) -> dict[Entity, int]:
    """How many changed lines of a file fall in each entity (non-Python: one `<file>` entity).

    In a file the patch leaves unparsable, added lines fall in the old file's definition where
    they stand (`old_positions`), not all in `<module>`.
    """
    if not diff.is_python:
        return {Entity(diff.path, FILE): diff.changed_line_count}
    old = facts(diff.old)
    removed = [old.innermost(line) for line in diff.removed]
    if broken_by_patch(diff):
        where = old_positions(diff.old, diff.new)
        added = [old.innermost(where.get(line, 0)) for line in diff.added]
    else:
        added = [facts(diff.new).innermost(line) for line in diff.added]
    counts: dict[Entity, int] = {}
    for qualname in removed + added:
        entity = Entity(diff.path, qualname)
        counts[entity] = counts.get(entity, 0) + 1
    return counts


def old_positions(old: str, new: str) -> dict[int, int]:
    """For each new line that is not an old line kept, the old line it stands at: the line it
    replaces, or for an inserted line the old line just before it (0: before the first)."""
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    where: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for j in range(j1, j2) if tag in ("replace", "insert") else ():
            where[j + 1] = min(i1 + 1 + j - j1, i2) if tag == "replace" else i1
    return where


def changed_entities(patch_text: str, old_sources: Mapping[str, str]) -> set[Entity]:
    """The entities a patch changes, given the old text of every file it modifies."""
    diffs = file_diffs(patch_text, old_sources.get)
    return {entity for diff in diffs for entity in entity_lines(diff)}


def classify_scope(entities: set[Entity]) -> Scope:
    """The suite's rule: local iff at most one file and two definitions (module lines count as
    one), else global. Whether what the change needs lives in that file is the author's call."""
    files = {e.path for e in entities}
    if len(files) <= 1 and len(entities) <= LOCAL_MAX_DEFINITIONS:
        return Scope.LOCAL
    return Scope.GLOBAL
