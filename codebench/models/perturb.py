"""Perturbing reference models: the gold patch plus a known flaw, so every analyzer metric has
a model that must move it while the hidden tests still pass (except `partial`, which must fail
global tasks).

- `gold+reformat`: also changes the layout of one function the task did not touch (same `ast`).
- `gold+rename`: also renames a local variable in one function the task did not touch.
- `gold+style`: the gold's added code with the other quote character, plus an over-long line.
- `partial`: the gold patch limited to its first file.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Callable, Mapping

from codebench.analysis.diffs import file_diffs
from codebench.analysis.hygiene import definitions
from codebench.analysis.parsing import parse_ast
from codebench.models.base import Model, Proposal, TaskView
from codebench.patching.render import render_diff
from codebench.tasks.loader import read_texts

__all__ = ["PERTURBATIONS", "PartialGoldModel", "PerturbedGoldModel"]

Texts = dict[str, str]
Transform = Callable[[Texts, Texts, Mapping[str, frozenset[int]]], Texts]
LONG_COMMENT = "# " + "NOTE: kept for compatibility with older callers of this code path; " * 3


def _untouched_functions(source: str, touched: frozenset[int]) -> list[tuple[int, int, ast.AST]]:
    tree = parse_ast(source)
    spans: list[tuple[int, int, ast.AST]] = []
    for _, node in definitions(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno:
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            if not any(first <= line <= node.end_lineno for line in touched):
                spans.append((first, node.end_lineno, node))
    return spans


def reformat_one(base: Texts, gold: Texts, touched: Mapping[str, frozenset[int]]) -> Texts:
    """Change the layout of one untouched function: one of its single-line calls exploded one
    argument per line with a trailing comma (libcst; same `ast`, every quote and comment kept).

    Returns the gold unchanged when no untouched function has a single-line call with arguments.
    """
    from codebench.models.layout import wrap_one_call  # libcst is heavy: load it on use

    for path in [*gold, *sorted(base)]:
        source = gold.get(path, base.get(path, ""))
        if not path.endswith(".py") or not source:
            continue
        for start, end, _ in _untouched_functions(source, touched.get(path, frozenset())):
            lines = frozenset(range(start, end + 1)) - _nested_lines(source, start, end)
            wrapped = wrap_one_call(source, lines)
            if wrapped is not None:
                return {**gold, path: wrapped}
    return gold


def _nested_lines(source: str, start: int, end: int) -> frozenset[int]:
    """Lines of the definitions nested in the function at `start`-`end`: their own entities."""
    nested: set[int] = set()
    for _, node in definitions(parse_ast(source)):
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        last = node.end_lineno or first
        if start < first and last <= end:
            nested.update(range(first, last + 1))
    return frozenset(nested)


def _rename_tokens(source: str, start: int, end: int, old: str, new: str) -> str:
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    lines = source.splitlines(keepends=True)
    edits = []
    for index, token in enumerate(tokens):
        after_dot = index > 0 and tokens[index - 1].string == "."
        in_span = start <= token.start[0] <= end
        if token.type == tokenize.NAME and token.string == old and in_span and not after_dot:
            edits.append(token.start)
    for row, col in reversed(edits):
        line = lines[row - 1]
        lines[row - 1] = line[:col] + new + line[col + len(old) :]
    return "".join(lines)


def _local_names(node: ast.AST) -> list[str]:
    params = {a.arg for a in ast.walk(node) if isinstance(a, ast.arg)}
    keywords = {k.arg for k in ast.walk(node) if isinstance(k, ast.keyword)}
    attributes = {a.attr for a in ast.walk(node) if isinstance(a, ast.Attribute)}
    stored = [
        n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    ]
    return [n for n in dict.fromkeys(stored) if n not in params | keywords | attributes]


def rename_one(base: Texts, gold: Texts, touched: Mapping[str, frozenset[int]]) -> Texts:
    """Rename one local variable of one untouched function, everywhere in that function."""
    for path in [*gold, *sorted(base)]:
        source = gold.get(path, base.get(path, ""))
        if not path.endswith(".py") or not source:
            continue
        for start, end, node in _untouched_functions(source, touched.get(path, frozenset())):
            for name in _local_names(node):
                renamed = f"{name}_value"
                if renamed in source:
                    continue
                candidate = _rename_tokens(source, start, end, name, renamed)
                if _same_but_renamed(source, candidate, name, renamed):
                    return {**gold, path: candidate}
    return gold


def _same_but_renamed(before: str, after: str, old: str, new: str) -> bool:
    try:
        dumped = ast.dump(parse_ast(after)).replace(f"'{new}'", f"'{old}'")
    except SyntaxError:
        return False
    return dumped == ast.dump(parse_ast(before)) and before != after


def _swap_quotes(literal: str) -> str:
    prefix = re.match(r"[rbufRBUF]*", literal).group()  # type: ignore[union-attr]
    body = literal[len(prefix) :]
    if body[:3] in ('"""', "'''") or "\\" in body or len(body) < 2:
        return literal
    quote, inner = body[0], body[1:-1]
    other = '"' if quote == "'" else "'"
    if other in inner or quote in inner:
        return literal
    return f"{prefix}{other}{inner}{other}"


def restyle_added(base: Texts, gold: Texts, touched: Mapping[str, frozenset[int]]) -> Texts:
    """Swap the quote character of the gold's added plain strings; add an over-long comment."""
    styled = dict(gold)
    for path, source in gold.items():
        added = touched.get(path, frozenset())
        if not path.endswith(".py") or not added:
            continue
        lines = source.splitlines(keepends=True)
        inside_strings: set[int] = set()
        for token in reversed(list(tokenize.generate_tokens(io.StringIO(source).readline))):
            if token.type == tokenize.STRING:
                inside_strings.update(range(token.start[0] + 1, token.end[0] + 1))
                if token.start[0] in added and token.start[0] == token.end[0]:
                    row, (col, end) = token.start[0], (token.start[1], token.end[1])
                    line = lines[row - 1]
                    lines[row - 1] = line[:col] + _swap_quotes(token.string) + line[end:]
        target = min((n for n in added if n not in inside_strings), default=None)
        if target is not None:
            indent = re.match(r"\s*", lines[target - 1]).group()  # type: ignore[union-attr]
            lines.insert(target - 1, indent + LONG_COMMENT + "\n")
        styled[path] = "".join(lines)
    return styled


class PerturbedGoldModel(Model):
    """The gold patch with one deliberate flaw added by a transform."""

    def __init__(self, spec: str, gold_patches: Mapping[str, str], transform: Transform) -> None:
        self.spec = spec
        self._gold = gold_patches
        self._transform = transform

    def propose(self, view: TaskView, sample: int = 0) -> Proposal:
        """Gold, then the transform, rendered back into a diff against the starting tree."""
        gold = self._gold[view.task_id]
        base = read_texts(view.repo_dir)
        diffs = file_diffs(gold, base.get)
        gold_new = {d.path: d.new for d in diffs}
        touched = {d.path: d.added for d in diffs}
        return Proposal(patch=render_diff(base, self._transform(base, gold_new, touched)))


class PartialGoldModel(Model):
    """The gold patch limited to its first file: complete for most local tasks only."""

    spec = "partial"

    def __init__(self, gold_patches: Mapping[str, str]) -> None:
        self._gold = gold_patches

    def propose(self, view: TaskView, sample: int = 0) -> Proposal:
        """The first file's part of the gold patch."""
        sections = re.split(r"(?m)^(?=diff --git )", self._gold[view.task_id])
        first = next((s for s in sections if s.strip()), "")
        return Proposal(patch=first)


PERTURBATIONS: dict[str, Transform] = {
    "gold+reformat": reformat_one,
    "gold+rename": rename_one,
    "gold+style": restyle_added,
}
