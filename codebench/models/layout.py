"""Layout-only rewrites with libcst, for `gold+reformat`: same `ast`, same tokens but whitespace.

`wrap_one_call` explodes one single-line call of a chosen line range into one argument per line
with a trailing comma (black's "magic trailing comma" layout). libcst keeps every other token as
written, so quotes, comments and the rest of the file stay byte for byte. Imported lazily by
`codebench.models.perturb`: libcst is heavy.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from codebench.analysis.parsing import parse_ast

__all__ = ["wrap_one_call"]


def _break(indent: str) -> cst.ParenthesizedWhitespace:
    """A newline inside brackets, the next line starting with exactly `indent`."""
    return cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(),
        empty_lines=[],
        indent=False,
        last_line=cst.SimpleWhitespace(indent),
    )


def _exploded(call: cst.Call, line_indent: str, unit: str) -> cst.Call:
    """`call` with one argument per line, a trailing comma, `)` back at `line_indent`."""
    inner = line_indent + unit
    args = [
        arg.with_changes(
            comma=cst.Comma(whitespace_after=_break(inner)),
            whitespace_after_arg=cst.SimpleWhitespace(""),
        )
        for arg in call.args
    ]
    args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=_break(line_indent)))
    return call.with_changes(whitespace_before_args=_break(inner), args=args)


class _WrapOneCall(cst.CSTTransformer):
    """Explodes the first (outermost) single-line call with arguments that starts on a line of
    `lines` and is not inside an f-string."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, lines: frozenset[int], source_lines: Sequence[str], unit: str) -> None:
        super().__init__()
        self._lines, self._source_lines, self._unit = lines, source_lines, unit
        self._target: cst.Call | None = None
        self._fstrings = 0

    @property
    def target(self) -> cst.Call | None:
        """The call chosen (in the tree visited), or None."""
        return self._target

    def visit_FormattedString(self, node: cst.FormattedString) -> None:  # noqa: N802
        self._fstrings += 1

    def leave_FormattedString(  # noqa: N802
        self, original_node: cst.FormattedString, updated_node: cst.FormattedString
    ) -> cst.FormattedString:
        self._fstrings -= 1
        return updated_node

    def visit_Call(self, node: cst.Call) -> None:  # noqa: N802
        if self._target is not None or self._fstrings or not node.args:
            return
        where = self.get_metadata(PositionProvider, node)
        if where.start.line == where.end.line and where.start.line in self._lines:
            self._target = node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:  # noqa: N802
        if original_node is not self._target:
            return updated_node
        line = self._source_lines[self.get_metadata(PositionProvider, original_node).start.line - 1]
        return _exploded(updated_node, line[: len(line) - len(line.lstrip())], self._unit)


def _same_tree(before: str, after: str) -> bool:
    try:
        # parse_ast: ast.parse from several threads at once breaks on CPython 3.11.7
        return ast.dump(parse_ast(after)) == ast.dump(parse_ast(before))
    except (SyntaxError, ValueError, RecursionError):
        return False


def wrap_one_call(source: str, lines: frozenset[int]) -> str | None:
    """`source` with one single-line call starting on one of `lines` exploded one argument per
    line, or None if no such call exists or the result would not have the same `ast` (a lone
    generator argument, say, takes no trailing comma).

    Raises nothing: a source libcst cannot parse gives None.
    """
    try:
        module = cst.parse_module(source)
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return None
    skip: set[int] = set()
    while True:
        transformer = _WrapOneCall(lines - skip, source.splitlines(), module.default_indent)
        rewritten = MetadataWrapper(module, unsafe_skip_copy=True).visit(transformer).code
        target = transformer.target
        if target is None:
            return None
        if rewritten != source and _same_tree(source, rewritten):
            return rewritten
        where = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        skip.add(where[target].start.line)
