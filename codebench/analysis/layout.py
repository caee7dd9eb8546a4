"""The layout conventions of a file, quote character and indentation unit, read off its `ast`.

They used to be read off the tokenizer, the pure-Python `tokenize` module, which cost more than
parsing and everything else the style profile does together (72% of a cold analysis). A file
that parses is read from its tree and its lines instead, with the tokenizer's answers: one
indentation observation where the tokenizer emits INDENT (the first line of an indented block),
one quote observation per string literal of an implicit concatenation, an f-string as one
literal, docstrings left out. A file that does not parse is still read by the tokenizer.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Callable, Iterable, Iterator

from codebench.analysis.facts import SourceFacts, walk_all

Observation = tuple[str, str]  # (convention, value)
ObservationReader = Callable[[SourceFacts, set[int] | None], Iterator[Observation]]
# One string literal (prefix, quotes, body with escapes) and nothing else: anything else (an
# implicit concatenation) is split by the tokenizer
_SINGLE_LITERAL = re.compile(
    r"""[rRbBuUfF]{0,2}(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|"""
    r"""'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")""",
    re.DOTALL,
)
_CASE = re.compile(r"[ \t\f]*case\b")
_BLOCKS = ("body", "handlers", "orelse", "finalbody")


def layout_observations(known: SourceFacts, keep: set[int] | None) -> Iterator[Observation]:
    """The indentation and quote observations of a file; with `keep`, those on those lines."""
    if known.tree is None or _has_lone_cr(known.source):
        yield from tokenizer_observations(known, keep)
        return
    lines = _Lines(known.source)
    yield from _indent_observations(known.tree, lines, keep)
    yield from _quote_observations(known, lines, keep)


def _has_lone_cr(source: str) -> bool:
    """A bare `\\r` line end: the `ast`'s lines and ours would differ, so tokenize instead."""
    return "\r" in source and source.count("\r") != source.count("\r\n")


class _Lines:
    """A text's lines, and a slice of it by the `ast`'s positions (columns in UTF-8 bytes)."""

    def __init__(self, source: str) -> None:
        self.ascii = source.isascii()
        self.text = source.split("\n")
        self.data = self.text if self.ascii else [line.encode() for line in self.text]

    def indent(self, line: int) -> str:
        """The leading whitespace of a line (1-based)."""
        text = self.text[line - 1]
        return text[: len(text) - len(text.lstrip(" \t\f"))]

    def between(self, start: tuple[int, int], end: tuple[int, int]) -> str:
        """The text from one (line, byte column) to another."""
        if start[0] == end[0]:
            return self._decode(self.data[start[0] - 1][start[1] : end[1]])
        pieces = [self.data[start[0] - 1][start[1] :]]
        pieces += self.data[start[0] : end[0] - 1]
        pieces.append(self.data[end[0] - 1][: end[1]])
        return "\n".join(self._decode(piece) for piece in pieces)

    def _decode(self, piece: str | bytes) -> str:
        return piece if isinstance(piece, str) else piece.decode("utf-8", "replace")


def _indent_observations(
    tree: ast.Module, lines: _Lines, keep: set[int] | None
) -> Iterator[Observation]:
    """One observation per indented block, on its first line: the block's indentation less
    its header's (as the tokenizer's INDENT), `tab` when it holds one."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        header = _case_line(node, lines) if isinstance(node, ast.match_case) else node_line(node)
        for block in _blocks_of(node):
            stack.extend(reversed(block))
            start = _block_start(block, lines)
            if header is None or start is None or (keep is not None and start not in keep):
                continue
            outer, inner = lines.indent(header), lines.indent(start)
            if len(inner) > len(outer):
                unit = inner[len(outer) :] if inner.startswith(outer) else inner
                yield "indentation", "tab" if "\t" in unit else f"{len(unit)} spaces"


def node_line(node: ast.AST) -> int | None:
    """A node's first line, when it has one (a module has none)."""
    line = getattr(node, "lineno", None)
    return int(line) if line is not None else None


def _blocks_of(node: ast.AST) -> Iterator[list[ast.AST]]:
    """A node's blocks of statements (a `match`'s cases and a case's body among them)."""
    if isinstance(node, ast.Match):
        yield list(node.cases)
        return
    if isinstance(node, ast.match_case):
        yield list(node.body)
        return
    for name in _BLOCKS:
        block = getattr(node, name, None)
        if block and isinstance(block, list):
            yield block


def _block_start(block: list[ast.AST], lines: _Lines) -> int | None:
    """The line a block's INDENT would be on: its first statement's first line, when that
    statement starts its line (`if x: y` has no indented block)."""
    first = block[0]
    if isinstance(first, ast.match_case):
        return _case_line(first, lines)
    decorators = getattr(first, "decorator_list", None)
    if decorators:
        return min(int(d.lineno) for d in decorators)
    line = node_line(first)
    if line is None or getattr(first, "col_offset", None) != len(lines.indent(line)):
        return None
    return line


def _case_line(case: ast.match_case, lines: _Lines) -> int:
    """The line of a case's `case` keyword: its pattern's, or above it when the pattern is
    parenthesised over several lines (a case has no position of its own)."""
    line = case.pattern.lineno
    while line > 1 and not _CASE.match(lines.text[line - 1]):
        line -= 1
    return line if _CASE.match(lines.text[line - 1]) else case.pattern.lineno


def docstring_starts(known: SourceFacts) -> set[tuple[int, int]]:
    """Where each module, class and function docstring starts (line, column): docstrings
    follow their own habit, not the string quotes' (a one-line `"Return x."` in a
    single-quoted repository is the itertools recipes' style, not drift)."""
    owners: list[ast.AST] = [node for _, node in known.definitions]
    if known.tree is not None:
        owners.append(known.tree)
    starts = set()
    for node in owners:
        body = getattr(node, "body", None)
        first = body[0] if body else None
        if isinstance(first, ast.Expr) and _is_str(first.value):
            starts.add((first.value.lineno, first.value.col_offset))
    return starts


def _is_str(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _quote_observations(
    known: SourceFacts, lines: _Lines, keep: set[int] | None
) -> Iterator[Observation]:
    docstrings = docstring_starts(known)
    for node in _string_literals(known.walked):
        line = node.lineno
        if (line, node.col_offset) in docstrings:
            continue
        end = (node.end_lineno or line, node.end_col_offset or 0)
        text = lines.between((line, node.col_offset), end)
        if _SINGLE_LITERAL.fullmatch(text):
            quote = quote_of(text)
            if quote and (keep is None or line in keep):
                yield "quotes", quote
            continue
        for piece_line, piece in _literal_pieces(text):
            quote = quote_of(piece)
            if quote and (keep is None or line + piece_line - 1 in keep):
                yield "quotes", quote


def _string_literals(walked: Iterable[ast.AST]) -> Iterator[ast.expr]:
    """Every string or bytes literal and f-string, not those inside an f-string (one token)."""
    inside: set[int] = set()
    for node in walked:
        if id(node) in inside:
            continue
        if isinstance(node, ast.JoinedStr):
            inside.update(id(child) for child in walk_all(node))
            yield node
        elif isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
            yield node


def _literal_pieces(text: str) -> Iterator[tuple[int, str]]:
    """(line within `text`, literal) of each string of an implicit concatenation."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(f"({text})").readline):
            if token.type == tokenize.STRING:
                yield token.start[0], token.string
    except (tokenize.TokenError, SyntaxError):
        return


def tokenizer_observations(known: SourceFacts, keep: set[int] | None) -> Iterator[Observation]:
    """The same observations read off the tokenizer, for a file that does not parse."""
    previous_indent = ""
    docstrings = docstring_starts(known)
    try:
        for token in known.tokens:
            line = token.start[0]
            if token.type == tokenize.INDENT:
                unit = (
                    token.string[len(previous_indent) :]
                    if token.string.startswith(previous_indent)
                    else token.string
                )
                previous_indent = token.string
                if keep is None or line in keep:
                    yield "indentation", "tab" if "\t" in unit else f"{len(unit)} spaces"
            elif token.type == tokenize.DEDENT:
                previous_indent = token.line[: len(token.line) - len(token.line.lstrip())]
            elif token.type == tokenize.STRING and (keep is None or line in keep):
                quote = None if token.start in docstrings else quote_of(token.string)
                if quote:
                    yield "quotes", quote
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return


def quote_of(literal: str) -> str | None:
    """`single` or `double` for a one-line string literal that could have used either quote;
    None for a block string or one that holds the other quote."""
    body = literal.lstrip("rbufRBUF")
    if body[:3] in ('"""', "'''"):
        return None  # docstrings and block strings follow their own habit
    quote = body[:1]
    inner = body[1:-1]
    if quote == "'" and '"' not in inner:
        return "single"
    if quote == '"' and "'" not in inner:
        return "double"
    return None
