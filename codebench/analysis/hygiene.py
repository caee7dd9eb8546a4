"""Cosmetic-only edits, lost docstrings and comments, and renames the task did not ask for."""

from __future__ import annotations

import ast
import io
import keyword
import tokenize
from collections.abc import Iterable, Iterator

from codebench.analysis.diffs import FileDiff
from codebench.analysis.entities import MODULE, Entity, definition_spans, innermost
from codebench.analysis.parsing import parse_python

Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def definitions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, Definition]]:
    """(qualified name, node) for every function and class, depth first."""
    for child in ast.iter_child_nodes(tree):
        if isinstance(child, Definition):
            name = f"{prefix}{child.name}"
            yield name, child
            yield from definitions(child, name + ".")
        else:
            yield from definitions(child, prefix)


def _nodes(source: str) -> dict[str, Definition]:
    tree = parse_python(source).tree
    return dict(definitions(tree)) if tree is not None else {}


def cosmetic_entities(diffs: Iterable[FileDiff], changed: set[Entity]) -> list[str]:
    """Changed definitions whose `ast` is unchanged: only their formatting moved."""
    found = []
    for diff in diffs:
        if not diff.is_python or not diff.old or not diff.new:
            continue
        old, new = _nodes(diff.old), _nodes(diff.new)
        for entity in sorted(e for e in changed if e.path == diff.path and e.qualname in old):
            node_old, node_new = old[entity.qualname], new.get(entity.qualname)
            if node_new is not None and ast.dump(node_old) == ast.dump(node_new):
                found.append(str(entity))
    return found


def _comments_and_docstrings(path: str, source: str) -> set[tuple[Entity, str]]:
    spans = definition_spans(source) or []
    found: set[tuple[Entity, str]] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                found.add((Entity(path, innermost(spans, token.start[0])), token.string))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    tree = parse_python(source).tree
    if tree is not None:
        owners: list[tuple[str, ast.AST]] = [(MODULE, tree), *definitions(tree)]
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


def _identifiers(source: str) -> list[tuple[int, str]]:
    """(line, name) of every identifier token of a file, keywords left out."""
    try:
        return [
            (token.start[0], token.string)
            for token in tokenize.generate_tokens(io.StringIO(source).readline)
            if token.type == tokenize.NAME and not keyword.iskeyword(token.string)
        ]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return []


def _within(names: list[tuple[int, str]], start: int, end: int) -> list[str]:
    return [name for line, name in names if start <= line <= end]


def _renames(old: list[str], new: list[str]) -> dict[str, str] | None:
    if len(old) != len(new):
        return None
    mapping: dict[str, str] = {}
    for before, after in zip(old, new, strict=True):
        if mapping.setdefault(before, after) != after:
            return None
    renamed = {b: a for b, a in mapping.items() if b != a}
    return renamed if len(set(renamed.values())) == len(renamed) else None


def renamed_names(diffs: Iterable[FileDiff], changed: set[Entity]) -> set[str]:
    """Consistent renames inside changed definitions: `path::entity: old -> new`."""
    found = set()
    for diff in diffs:
        if not diff.is_python or not diff.old or not diff.new:
            continue
        old_spans = {s.qualname: s for s in definition_spans(diff.old) or []}
        new_spans = {s.qualname: s for s in definition_spans(diff.new) or []}
        old_names, new_names = _identifiers(diff.old), _identifiers(diff.new)
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
