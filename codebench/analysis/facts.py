"""Everything the analyzer reads off one source text, computed once per distinct text.

A patch's old and new files are read by many metrics, and the repository's unchanged files by
every analysis of every sample: parsing, tokenizing and walking each text once (and caching by
the text itself) is what keeps analysis cheap.
"""

from __future__ import annotations

import ast
import io
import keyword
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache

from codebench.analysis.parsing import CstOutcome, ParseError, parse_cst, parse_python

Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
MODULE = "<module>"
CACHED_TEXTS = 4096
# libcst trees are ~20x their text; they are shared between the syntax gate and name
# resolution of one analysis, so a few suffice
CACHED_CST_TREES = 32


@dataclass(frozen=True)
class Span:
    """The lines of one definition (decorators included), 1-based and inclusive."""

    start: int
    end: int
    qualname: str
    nested: bool = False  # inside a function: part of that function, not a definition of its own


# The fields that hold statements, in `_fields` order (a function or class is only ever a
# statement, so walking these finds every one, in `ast.iter_child_nodes` order, without
# visiting the expressions that make up most of a tree)
_STATEMENT_FIELDS = ("body", "handlers", "orelse", "finalbody", "cases")


def statement_children(node: ast.AST) -> list[ast.AST]:
    """A node's child statements (and except handlers and match cases, which hold some)."""
    children: list[ast.AST] = []
    for name in _STATEMENT_FIELDS:
        value = getattr(node, name, None)
        if isinstance(value, list):
            children.extend(value)
    return children


# Leaf nodes that only say how an expression is used or combined (`Load`, `Add`, `Eq`, ...):
# a quarter of a tree's nodes, and no metric looks for them among the walked nodes
MARKERS = (ast.expr_context, ast.boolop, ast.operator, ast.unaryop, ast.cmpop)


def walk_all(tree: ast.AST, *, markers: bool = True) -> list[ast.AST]:
    """Every node under `tree`, itself first, in `ast.walk`'s order (breadth first, children
    in `_fields` order) at less than half its cost: no generator per node. `markers=False`
    leaves out the `MARKERS` leaves (their parents still hold them)."""
    skipped = () if markers else MARKERS
    found = [tree]
    index = 0
    while index < len(found):
        node = found[index]
        index += 1
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                found.extend(
                    [v for v in value if isinstance(v, ast.AST) and not isinstance(v, skipped)]
                )
            elif isinstance(value, ast.AST) and not isinstance(value, skipped):
                found.append(value)
    return found


def definitions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, Definition]]:
    """(qualified name, node) for every function and class, depth first (one explicit stack,
    not a generator per node: the same order)."""
    stack = [(child, prefix) for child in reversed(statement_children(tree))]
    while stack:
        child, outer = stack.pop()
        if isinstance(child, Definition):
            name = f"{outer}{child.name}"
            yield name, child
            outer = name + "."
        stack.extend((c, outer) for c in reversed(statement_children(child)))


def _spans(tree: ast.AST, prefix: str = "", in_function: bool = False) -> Iterator[Span]:
    """The span of every definition under `tree`, depth first, in one walk; `in_function`:
    `tree` is (inside) a function, so what it defines is nested."""
    stack = [(c, prefix, in_function) for c in reversed(statement_children(tree))]
    while stack:
        child, outer, inside = stack.pop()
        if isinstance(child, Definition):
            name = f"{outer}{child.name}"
            first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
            yield Span(first, child.end_lineno or child.lineno, name, nested=inside)
            outer, inside = name + ".", inside or not isinstance(child, ast.ClassDef)
        stack.extend((c, outer, inside) for c in reversed(statement_children(child)))


def owner(spans: Iterable[Span], line: int) -> str:
    """The innermost definition of `spans` not nested in a function that holds `line`, else
    `<module>`."""
    holding = [s for s in spans if not s.nested and s.start <= line <= s.end]
    return min(holding, key=lambda s: s.end - s.start).qualname if holding else MODULE


@dataclass(frozen=True, eq=False)
class SourceFacts:
    """One source text, parsed and tokenized; derived views computed on first use."""

    source: str
    tree: ast.Module | None
    error: ParseError | None

    @cached_property
    def _tokenized(self) -> tuple[tuple[tokenize.TokenInfo, ...], bool]:
        read: list[tokenize.TokenInfo] = []
        try:
            read.extend(tokenize.generate_tokens(io.StringIO(self.source).readline))
        except (tokenize.TokenError, SyntaxError, IndentationError):
            return tuple(read), False
        return tuple(read), True

    @cached_property
    def tokens(self) -> tuple[tokenize.TokenInfo, ...]:
        """Every token; when the text does not tokenize, those read before the error."""
        return self._tokenized[0]

    @cached_property
    def tokenizes(self) -> bool:
        """Whether the whole text tokenizes."""
        return self._tokenized[1]

    @cached_property
    def definitions(self) -> tuple[tuple[str, Definition], ...]:
        """(qualified name, node) of every function and class."""
        return tuple(definitions(self.tree)) if self.tree is not None else ()

    @cached_property
    def nodes(self) -> dict[str, Definition]:
        """Definitions by qualified name."""
        return dict(self.definitions)

    @cached_property
    def spans(self) -> tuple[Span, ...] | None:
        """Line spans of every definition; None when the text does not parse."""
        if self.tree is None:
            return None
        return tuple(_spans(self.tree))

    def innermost(self, line: int) -> str:
        """The qualified name of the innermost definition holding `line` that is not nested in
        a function (a top-level function or class, a method, a class's inner class), else
        `<module>`: a closure or a class defined in a function belongs to that function."""
        return owner(self.spans or (), line)

    @cached_property
    def identifiers(self) -> tuple[tuple[int, str], ...]:
        """(line, name) of every identifier token, keywords left out."""
        return tuple(
            (t.start[0], t.string)
            for t in self.tokens
            if t.type == tokenize.NAME and not keyword.iskeyword(t.string)
        )

    @cached_property
    def walked(self) -> tuple[ast.AST, ...]:
        """Every node of the tree but the `MARKERS` leaves (empty when it does not parse)."""
        return tuple(walk_all(self.tree, markers=False)) if self.tree is not None else ()

    @cached_property
    def calls(self) -> tuple[tuple[str, ast.Call], ...]:
        """(called name, call) for every call by plain or attribute name."""
        found = []
        for node in self.walked:
            if isinstance(node, ast.Call):
                if isinstance(node.func, ast.Name):
                    found.append((node.func.id, node))
                elif isinstance(node.func, ast.Attribute):
                    found.append((node.func.attr, node))
        return tuple(found)


@lru_cache(maxsize=CACHED_TEXTS)
def facts(source: str) -> SourceFacts:
    """The facts of a source text (cached by the text)."""
    return uncached_facts(source)


def uncached_facts(source: str) -> SourceFacts:
    """The facts of a source text, not kept: for a repository's many files, whose per-file
    summaries are cached instead (trees and tokens are many times the text)."""
    outcome = parse_python(source)
    return SourceFacts(source, outcome.tree, outcome.error)


@lru_cache(maxsize=CACHED_CST_TREES)
def cst_parse(source: str) -> CstOutcome:
    """libcst's parse of a source text (cached by the text, a few at a time)."""
    return parse_cst(source, lambda: facts(source).tokens)


def cst_syntax_error(source: str) -> ParseError | None:
    """libcst's verdict on a text (None: it parses); a text too large or deeply nested for
    libcst is judged by `ast` alone."""
    outcome = cst_parse(source)
    if outcome.module is not None:
        return None
    return outcome.error or facts(source).error
