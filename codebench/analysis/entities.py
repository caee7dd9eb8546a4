"""Edited entities: which functions and classes a patch changes, and the scope rule.

Every changed line (deleted lines on the old file, added lines on the new) maps to the innermost
function or class around it, decorators included, qualified as `path::Class.method`, or to
`path::<module>`. Whitespace-only lines are ignored. Non-Python files count as one entity each.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass

from unidiff.patch import PatchedFile, PatchSet

from codebench.tasks.schema import Scope

MODULE = "<module>"
LOCAL_MAX_DEFINITIONS = 2


@dataclass(frozen=True, order=True)
class Entity:
    """A function, class or module-level region of one file."""

    path: str
    qualname: str

    def __str__(self) -> str:
        return f"{self.path}::{self.qualname}"


@dataclass(frozen=True)
class Span:
    """The lines of one definition (decorators included), 1-based and inclusive."""

    start: int
    end: int
    qualname: str


def definition_spans(source: str) -> list[Span] | None:
    """Every function and class definition of a module; None if it does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return None
    spans: list[Span] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                qualname = f"{prefix}{child.name}"
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                spans.append(Span(first, child.end_lineno or child.lineno, qualname))
                visit(child, qualname + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return spans


def innermost(spans: list[Span], line: int) -> str:
    """The qualified name of the innermost definition holding `line`, else `<module>`."""
    holding = [s for s in spans if s.start <= line <= s.end]
    return min(holding, key=lambda s: s.end - s.start).qualname if holding else MODULE


def apply_hunks(old: str, patched: PatchedFile) -> str:
    """The new text of a file from its old text and its (exactly applying) hunks."""
    old_lines = old.splitlines(keepends=True)
    new_lines: list[str] = []
    cursor = 0
    for hunk in patched:
        start = max(hunk.source_start - 1, 0)
        new_lines.extend(old_lines[cursor:start])
        cursor = start
        for line in hunk:
            if line.is_context:
                new_lines.append(old_lines[cursor])
                cursor += 1
            elif line.is_removed:
                cursor += 1
            elif line.is_added:
                new_lines.append(line.value)
    new_lines.extend(old_lines[cursor:])
    return "".join(new_lines)


def changed_entities(patch_text: str, old_sources: Mapping[str, str]) -> set[Entity]:
    """The entities a patch changes, given the old text of every file it modifies."""
    entities: set[Entity] = set()
    for patched in PatchSet(patch_text):
        path = patched.path
        if not path.endswith(".py"):
            entities.add(Entity(path, "<file>"))
            continue
        old = "" if patched.is_added_file else old_sources.get(path, "")
        entities |= _python_entities(path, old, patched)
    return entities


def _python_entities(path: str, old: str, patched: PatchedFile) -> set[Entity]:
    new = "" if patched.is_removed_file else apply_hunks(old, patched)
    old_spans, new_spans = definition_spans(old) or [], definition_spans(new) or []
    names = set()
    for hunk in patched:
        for line in hunk:
            if not line.value.strip():
                continue
            if line.is_removed and line.source_line_no is not None:
                names.add(innermost(old_spans, line.source_line_no))
            elif line.is_added and line.target_line_no is not None:
                names.add(innermost(new_spans, line.target_line_no))
    return {Entity(path, name) for name in names}


def classify_scope(entities: set[Entity]) -> Scope:
    """The suite's rule: local iff one file and at most two definitions (module lines count as
    one), else global. Whether what the change needs lives in that file is the author's call."""
    files = {e.path for e in entities}
    if len(files) == 1 and len(entities) <= LOCAL_MAX_DEFINITIONS:
        return Scope.LOCAL
    return Scope.GLOBAL
