"""Guarded parsing: a file that does not parse, or is too deep to parse safely, never crashes.

libcst's native parser can overflow its stack on deeply nested input, which kills the process
rather than raising; so libcst only sees files under a nesting limit, on a thread with a large
stack, and anything else falls back to `ast` (whose recursion errors are catchable).
"""

from __future__ import annotations

import ast
import re
import threading
import tokenize
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import libcst as cst

MAX_BRACKET_DEPTH = 100
MAX_INDENT_DEPTH = 100
MAX_SOURCE_BYTES = 5_000_000
PARSER_STACK_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class ParseError:
    """Why a text does not parse: the parser's message and, when it names one, the line."""

    message: str
    line: int | None = None

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line is not None else self.message


@dataclass(frozen=True)
class ParseOutcome:
    """An `ast` tree, or the reason there is none."""

    tree: ast.Module | None
    error: ParseError | None = None


def nesting_depth(tokens: Iterable[tokenize.TokenInfo]) -> int:
    """The deepest bracket or indentation nesting seen in a token stream (no parsing)."""
    depth = indent = deepest = 0
    for token in tokens:
        if token.type == tokenize.OP and token.string in "([{":
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
        elif token.type == tokenize.INDENT:
            indent += 1
        elif token.type == tokenize.DEDENT:
            indent -= 1
        deepest = max(deepest, depth, indent)
    return deepest


# CPython 3.11 before 3.11.8 counts the AST constructor's recursion in per-interpreter state
# (gh-106905): two threads building trees at once can corrupt the count and fail with
# "SystemError: AST constructor recursion depth mismatch". One parse at a time, then.
_AST_LOCK = threading.Lock()


def parse_ast(source: str) -> ast.Module:
    """`ast.parse`, safe to call from several threads; raises what `ast.parse` raises
    (SyntaxError, ValueError for a NUL byte, RecursionError, MemoryError)."""
    with _AST_LOCK:
        return ast.parse(source)


def parse_python(source: str) -> ParseOutcome:
    """Parse with `ast`, turning every failure (syntax, recursion, memory) into an error."""
    try:
        return ParseOutcome(parse_ast(source))
    except SyntaxError as exc:
        return ParseOutcome(None, ParseError(exc.msg, exc.lineno))
    except (RecursionError, MemoryError, ValueError) as exc:
        return ParseOutcome(None, ParseError(f"cannot parse: {type(exc).__name__}"))


@dataclass(frozen=True)
class CstOutcome:
    """libcst's parse of a text: its module, or why there is none. Both None: the text is too
    large or too deeply nested for libcst and was not given to it."""

    module: cst.Module | None
    error: ParseError | None = None


def parse_cst(source: str, tokens: Callable[[], Iterable[tokenize.TokenInfo]]) -> CstOutcome:
    """Parse with libcst, guarded against stack overflow; `tokens` gives the file's tokens (as
    far as they go), used to keep too deeply nested files away from libcst's native parser."""
    if not fits_libcst(source, tokens):
        return CstOutcome(None)
    outcome: list[CstOutcome] = []

    def run() -> None:
        import libcst

        try:
            outcome.append(CstOutcome(libcst.parse_module(source)))
        except libcst.ParserSyntaxError as exc:
            outcome.append(CstOutcome(None, ParseError(exc.message, exc.raw_line)))
        except Exception as exc:  # libcst raises assorted errors on odd input
            outcome.append(CstOutcome(None, ParseError(f"cannot parse: {type(exc).__name__}")))

    on_large_stack(run)
    return outcome[0] if outcome else CstOutcome(None, ParseError("cannot parse"))


def fits_libcst(source: str, tokens: Callable[[], Iterable[tokenize.TokenInfo]]) -> bool:
    """Whether a file is small and shallow enough for libcst's native parser; its tokens are
    only asked for when the text alone cannot tell (tokenizing costs more than the rest of
    this check, and most files parsed here are never tokenized otherwise)."""
    if len(source) > MAX_SOURCE_BYTES:
        return False
    limit = max(MAX_BRACKET_DEPTH, MAX_INDENT_DEPTH)
    return nesting_bound(source) <= limit or nesting_depth(tokens()) <= limit


_LEADING_SPACE = re.compile(r"^[ \t\f]*", re.MULTILINE)


def nesting_bound(source: str) -> int:
    """An upper bound of `nesting_depth` of the text's tokens, read off the text: bracket depth
    is at most the number of opening brackets; every INDENT is to a deeper column, and no
    column is deeper than a line's leading blanks (a tab moves at most 8 columns on, a form
    feed back to 0)."""
    brackets = source.count("(") + source.count("[") + source.count("{")
    columns = (len(m) + 7 * m.count("\t") for m in _LEADING_SPACE.findall(source))
    return max(brackets, max(columns, default=0))


def on_large_stack(work: Callable[[], None]) -> None:
    """Run `work` on a thread with a large stack (libcst's parser and visitors recurse deeply)
    and wait for it; an exception it lets escape ends the thread, not the caller."""
    previous = threading.stack_size(PARSER_STACK_BYTES)
    try:
        worker = threading.Thread(target=work, name="libcst-parse")
        worker.start()
    finally:
        threading.stack_size(previous)
    worker.join()
