"""Cosmetic-only edits, lost docstrings and comments, and renames the task did not ask for."""

from __future__ import annotations

import ast
import tokenize
from collections.abc import Iterable

from codebench.analysis.diffs import FileDiff
from codebench.analysis.entities import Entity
from codebench.analysis.facts import MODULE, definitions, facts

__all__ = ["cosmetic_entities", "definitions", "docstring_comment_loss", "renamed_names"]


def cosmetic_entities(diffs: Iterable[FileDiff], changed: set[Entity]) -> list[str]:
    """Changed definitions whose `ast` is unchanged: only their formatting moved."""
    found = []
    for diff in diffs:
        if not diff.is_python or not diff.old or not diff.new:
            continue
        old, new = facts(diff.old).nodes, facts(diff.new).nodes
        for entity in sorted(e for e in changed if e.path == diff.path and e.qualname in old):
            node_old, node_new = old[entity.qualname], new.get(entity.qualname)
            if node_new is not None and ast.dump(node_old) == ast.dump(node_new):
                found.append(str(entity))
    return found


def _comments_and_docstrings(path: str, source: str) -> set[tuple[Entity, str]]:
    known = facts(source)
    found = {
        (Entity(path, known.innermost(token.start[0])), token.string)
        for token in known.tokens
        if token.type == tokenize.COMMENT
    }
    tree = known.tree
    if tree is not None:
        # a nested definition's docstring belongs to the function it is defined in
        owners: list[tuple[str, ast.AST]] = [(MODULE, tree)]
        owners += [(known.innermost(node.lineno), node) for _, node in known.definitions]
        for name, node in owners:
            doc = ast.get_docstring(node, clean=False)  # type: ignore[arg-type]
            if doc:
                found.add((Entity(path, name), '"""' + doc.strip().splitlines()[0]))
    return found


def docstring_comment_loss(diffs: Iterable[FileDiff], allowed: set[Entity]) -> list[str]:
    """Docstrings and comments of the old text gone from the new, outside `allowed` entities."""
    lost = []
    for diff in diffs:
        if not diff.is_python:
            continue
        before = _comments_and_docstrings(diff.path, diff.old)
        after = {text for _, text in _comments_and_docstrings(diff.path, diff.new)}
        for entity, text in sorted(before, key=lambda pair: (str(pair[0]), pair[1])):
            if entity not in allowed and text not in after:
                lost.append(f"{entity}: {text}")
    return lost


def _within(names: list[tuple[int, str]], start: int, end: int) -> list[str]:
    return [name for line, name in names if start <= line <= end]


def _renames(old: list[str], new: list[str]) -> dict[str, str] | None:
    """A consistent one-to-one renaming turning `old` into `new`, if there is one."""
    if len(old) != len(new):
        return None
    mapping: dict[str, str] = {}
    for before, after in zip(old, new, strict=True):
        if mapping.setdefault(before, after) != after:
            return None
    if len(set(mapping.values())) != len(mapping):
        return None  # two names became one: a merge, not a rename
    return {b: a for b, a in mapping.items() if b != a}


def renamed_names(diffs: Iterable[FileDiff], changed: set[Entity]) -> set[str]:
    """Consistent renames inside changed definitions: `path::entity: old -> new`."""
    found = set()
    for diff in diffs:
        if not diff.is_python or not diff.old or not diff.new:
            continue
        old, new = facts(diff.old), facts(diff.new)
        old_spans = {s.qualname: s for s in old.spans or ()}
        new_spans = {s.qualname: s for s in new.spans or ()}
        old_names, new_names = list(old.identifiers), list(new.identifiers)
        for entity in (e for e in changed if e.path == diff.path):
            a, b = old_spans.get(entity.qualname), new_spans.get(entity.qualname)
            if a is None or b is None:
                continue
            mapping = _renames(
                _within(old_names, a.start, a.end), _within(new_names, b.start, b.end)
            )
            for before, after in (mapping or {}).items():
                found.add(f"{entity}: {before} -> {after}")
    return found
