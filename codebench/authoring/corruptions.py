"""Known corruptions of a repository's own functions, made with libcst (for `tasks synth`).

`Corruptor(files, kinds).sites` lists every place a kind of corruption can go in the source
files (never in test files, conftest or setup scripts); `corrupt(site)` makes one: the file's
corrupted text, the original's bytes everywhere else. Local kinds change one operator, literal,
statement or call inside a function, and the gold patch reverses it; global kinds are API
changes the modules that use the API have not followed (`api_changes`), and the gold patch is
their follow-up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from codebench.analysis.parsing import parse_ast
from codebench.authoring.api_changes import api_changes
from codebench.authoring.api_usage import ApiChange, SourceFiles
from codebench.authoring.split import is_doc_path
from codebench.patching import is_test_path
from codebench.patching.render import render_diff
from codebench.tasks import Corruption, Scope

ALL_KINDS = tuple(Corruption)
LOCAL_KINDS = frozenset(k for k in Corruption if k.scope.value == "local")
SKIPPED_NAMES = frozenset({"conftest.py", "setup.py", "noxfile.py", "fabfile.py"})
# separators besides "\n" that str.splitlines honours: a diff of such a file could not restore
# it byte for byte, so such files are left alone
ODD_SEPARATORS = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
COMPARISONS: dict[type[cst.BaseCompOp], Callable[..., cst.BaseCompOp]] = {
    cst.LessThan: cst.LessThanEqual,
    cst.LessThanEqual: cst.LessThan,
    cst.GreaterThan: cst.GreaterThanEqual,
    cst.GreaterThanEqual: cst.GreaterThan,
    cst.Equal: cst.NotEqual,
    cst.NotEqual: cst.Equal,
    cst.Is: cst.IsNot,
    cst.IsNot: cst.Is,
    cst.In: cst.NotIn,
    cst.NotIn: cst.In,
}
ARITHMETIC: dict[type[cst.BaseBinaryOp], Callable[..., cst.BaseBinaryOp]] = {
    cst.Add: cst.Subtract,
    cst.Subtract: cst.Add,
    cst.Multiply: cst.FloorDivide,
    cst.FloorDivide: cst.Multiply,
    cst.Divide: cst.Multiply,
    cst.Modulo: cst.FloorDivide,
}
STRINGS = (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString)
BARE = (cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.Integer)  # `x - 1` needs no parens


@dataclass(frozen=True)
class Site:
    """One place a corruption can go, and what it would change."""

    kind: Corruption
    path: str
    function: str  # the qualified name of the function it is in (or renames, or changes)
    line: int
    column: int
    description: str  # e.g. "`<` -> `<=`": for people and the state file, never an instruction
    followers: tuple[str, ...] = ()  # global kinds: the source files the gold edits
    announcement: str = ""  # global kinds: the API change, as the instruction states it

    @property
    def key(self) -> str:
        """`kind path:line:column`: unique among a tree's sites."""
        return f"{self.kind.value} {self.path}:{self.line}:{self.column}"

    @property
    def place(self) -> str:
        """`path:line`: two tasks never corrupt the same place."""
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Corrupted:
    """A site's corruption made: the files the starting tree changes and those the gold
    patch then changes, with their original texts (None: a file the change creates)."""

    site: Site
    originals: Mapping[str, str | None]
    start: Mapping[str, str]  # the starting tree's files that differ from the original
    fixed: Mapping[str, str]  # the gold's files, as it leaves them

    @property
    def start_patch(self) -> str:
        """The diff from the original tree to the starting tree."""
        before = {p: t for p in self.start if (t := self.originals[p]) is not None}
        return render_diff(before, self.start)

    def gold_patch(self, leaving_out: str | None = None) -> str:
        """The diff from the starting tree to the fixed one (without one file's part)."""
        after = {p: t for p, t in self.fixed.items() if p != leaving_out}
        before = {p: t for p in after if (t := self.start.get(p, self.originals[p])) is not None}
        return render_diff(before, after)

    @property
    def context_files(self) -> tuple[str, ...]:
        """The starting tree's changed source files the gold does not edit: the new API."""
        return tuple(p for p in sorted(self.start) if p not in self.fixed and is_source_file(p))


@dataclass(frozen=True)
class _Found:
    site: Site
    make: Callable[[], tuple[dict[str, str], dict[str, str]]]  # (starting files, gold files)


def is_source_file(path: str) -> bool:
    """A Python file of the repository's own code: not a test, conftest, setup script or doc."""
    name = PurePosixPath(path).name
    return (
        path.endswith(".py")
        and name not in SKIPPED_NAMES
        and not is_test_path(path)
        and not is_doc_path(path)
    )


class Corruptor:
    """Every site of the wanted kinds in a tree's source files, and their corruptions."""

    def __init__(self, files: Mapping[str, str], kinds: Collection[Corruption] = ALL_KINDS):
        """`files`: every text file of the tree by posix path (other modules are searched
        for callers). Files that libcst cannot parse are skipped."""
        found: list[_Found] = []
        python = {
            p: t
            for p, t in files.items()
            if p.endswith(".py") and not ODD_SEPARATORS.search(t) and not is_doc_path(p)
        }
        sources = frozenset(p for p in python if is_source_file(p))
        tree = SourceFiles(python)
        wanted = frozenset(kinds)
        for path in sorted(sources):
            module = tree.module(path)
            if module is None:
                continue
            if wanted & LOCAL_KINDS:
                collector = _Collector(path, wanted)
                MetadataWrapper(module, unsafe_skip_copy=True).visit(collector)
                found += collector.found
            if wanted - LOCAL_KINDS:
                changes = api_changes(path, tree, sources)
                found += [_global(change) for change in changes if change.kind in wanted]
        self._found = {f.site.key: f for f in found}
        self._texts = python

    @property
    def scoped_paths(self) -> frozenset[tuple[Scope, str]]:
        """The files with at least one site, with the scope of its kind (`--per-file` counts
        local and global tasks apart)."""
        return frozenset((f.site.kind.scope, f.site.path) for f in self._found.values())

    @property
    def sites(self) -> tuple[Site, ...]:
        """Every site, sorted by path, line, column and kind."""
        sites = (f.site for f in self._found.values())
        return tuple(sorted(sites, key=lambda s: (s.path, s.line, s.column, s.kind.value)))

    def corrupt(self, site: Site) -> Corrupted | None:
        """The corruption at `site` (one of `sites`); None when a changed text does not parse
        or nothing changes. A global kind's follow-up may be empty (its users only pass the
        function around): `synth` rejects it. Raises `KeyError` for a site not found here."""
        start, fixed = self._found[site.key].make()
        try:
            for text in (*start.values(), *fixed.values()):
                parse_ast(text)  # the thread-safe parse (several sandboxes' candidates at once)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        if not start:
            return None
        originals = {p: self._texts.get(p) for p in (*start, *fixed)}
        return Corrupted(site, originals, start, fixed)


class _Collector(cst.CSTVisitor):
    """The local sites inside function bodies of one module."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, path: str, kinds: frozenset[Corruption]) -> None:
        super().__init__()
        self.path, self.kinds = path, kinds
        self.found: list[_Found] = []
        self._scopes: list[tuple[str, bool]] = []  # (name, is a function)
        self._claimed: set[int] = set()  # integers that are an index or bound (off by one)
        self._removable: set[int] = set()  # statements of blocks that have others too
        self._module: cst.Module | None = None

    def visit_Module(self, node: cst.Module) -> None:  # noqa: N802
        self._module = node

    def visit_ClassDef(self, node: cst.ClassDef) -> None:  # noqa: N802
        self._scopes.append((node.name.value, False))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:  # noqa: N802
        self._scopes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:  # noqa: N802
        self._scopes.append((node.name.value, True))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:  # noqa: N802
        self._scopes.pop()

    def _add(self, kind: Corruption, node: cst.CSTNode, new: cst.CSTNode | None, what: str) -> None:
        if kind not in self.kinds or not any(is_function for _, is_function in self._scopes):
            return
        module = self._module
        assert module is not None
        start = self.get_metadata(PositionProvider, node).start
        function = ".".join(name for name, _ in self._scopes)
        site = Site(kind, self.path, function, start.line, start.column, what)

        def make() -> tuple[dict[str, str], dict[str, str]]:
            changed = module.deep_remove(node) if new is None else module.deep_replace(node, new)
            assert isinstance(changed, cst.Module)
            if changed.code == module.code:
                return {}, {}
            return {self.path: changed.code}, {self.path: module.code}

        self.found.append(_Found(site, make))

    def visit_Comparison(self, node: cst.Comparison) -> None:  # noqa: N802
        target = node.comparisons[0]
        swapped = COMPARISONS.get(type(target.operator))
        if swapped is not None:
            new = swapped(
                whitespace_before=target.operator.whitespace_before,  # type: ignore[attr-defined]
                whitespace_after=target.operator.whitespace_after,  # type: ignore[attr-defined]
            )
            what = f"`{_code(target.operator)}` -> `{_code(new)}`"
            self._add(Corruption.COMPARISON, target.operator, new, what)

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:  # noqa: N802
        swapped = ARITHMETIC.get(type(node.operator))
        if swapped is None or isinstance(node.left, STRINGS) or isinstance(node.right, STRINGS):
            return
        operator = node.operator
        new = swapped(
            whitespace_before=operator.whitespace_before,  # type: ignore[attr-defined]
            whitespace_after=operator.whitespace_after,  # type: ignore[attr-defined]
        )
        self._add(Corruption.ARITHMETIC, operator, new, f"`{_code(operator)}` -> `{_code(new)}`")

    def visit_Subscript(self, node: cst.Subscript) -> None:  # noqa: N802
        for element in node.slice:
            index = element.slice
            if isinstance(index, cst.Index):
                self._bump(_integer_of(index.value), "index")
            elif isinstance(index, cst.Slice):
                for bound in (index.lower, index.upper):
                    self._bump(_integer_of(bound), "slice bound")

    def visit_Call(self, node: cst.Call) -> None:  # noqa: N802
        positional = [a for a in node.args if a.keyword is None and not a.star]
        if len(positional) == len(node.args) >= 2 and _code(node.args[0].value) != _code(
            node.args[1].value
        ):
            first, second = node.args[0], node.args[1]
            swapped = node.with_changes(
                args=(
                    first.with_changes(value=second.value),
                    second.with_changes(value=first.value),
                    *node.args[2:],
                )
            )
            what = f"arguments 1 and 2 of `{_short(_code(node.func))}(...)` swapped"
            self._add(Corruption.SWAPPED_ARGUMENTS, node, swapped, what)
        if _code(node.func) == "range" and len(positional) == len(node.args) <= 3:
            self._range_stop(positional[0] if len(positional) == 1 else positional[1])

    def _range_stop(self, arg: cst.Arg) -> None:
        value = arg.value
        if isinstance(value, cst.Integer):
            self._claimed.add(id(value))
            number = int(value.evaluated_value)
            if number < 1:  # `range(0)`: no literal below it (libcst refuses `-1` as one)
                return
            new: cst.BaseExpression = cst.Integer(str(number - 1))
        else:
            operand = (
                value
                if isinstance(value, BARE)
                else value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            )
            new = cst.BinaryOperation(operand, cst.Subtract(), cst.Integer("1"))
        what = f"range stop `{_code(value)}` -> `{_code(new)}`"
        self._add(Corruption.OFF_BY_ONE, value, new, what)

    def _bump(self, integer: cst.Integer | None, role: str) -> None:
        if integer is None:
            return
        self._claimed.add(id(integer))
        new = cst.Integer(str(int(integer.evaluated_value) + 1))
        what = f"{role} `{integer.value}` -> `{new.value}`"
        self._add(Corruption.OFF_BY_ONE, integer, new, what)

    def visit_Integer(self, node: cst.Integer) -> None:  # noqa: N802
        if id(node) in self._claimed:
            return
        new = cst.Integer(str(int(node.evaluated_value) + 1))
        self._add(Corruption.CONSTANT, node, new, f"`{node.value}` -> `{new.value}`")

    def visit_Name(self, node: cst.Name) -> None:  # noqa: N802
        flipped = {"True": "False", "False": "True"}.get(node.value)
        if flipped is not None:
            self._add(
                Corruption.CONSTANT, node, cst.Name(flipped), f"`{node.value}` -> `{flipped}`"
            )

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:  # noqa: N802
        if len(node.body) > 1:  # a guard that is a whole body cannot go (`pass` would stay)
            self._removable.update(id(statement) for statement in node.body)

    def visit_If(self, node: cst.If) -> None:  # noqa: N802
        body = node.body.body
        simple = all(isinstance(s, cst.SimpleStatementLine) for s in body)
        if id(node) not in self._removable or node.orelse is not None or not simple:
            return
        last = body[-1]
        if isinstance(last, cst.SimpleStatementLine) and isinstance(
            last.body[-1], cst.Raise | cst.Return
        ):
            what = f"guard `if {_code(node.test)}:` removed"
            self._add(Corruption.REMOVED_GUARD, node, None, what)


def _integer_of(expression: cst.BaseExpression | None) -> cst.Integer | None:
    """The integer literal an index or bound is (`3`, or the `1` of `-1`), if it is one."""
    if isinstance(expression, cst.UnaryOperation) and isinstance(expression.operator, cst.Minus):
        expression = expression.expression
    return expression if isinstance(expression, cst.Integer) else None


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node).strip()


def _short(code: str, chars: int = 40) -> str:
    """Code on one line, cut to `chars` (a call's function may be a long string's `.format`)."""
    line = " ".join(code.split())
    return line if len(line) <= chars else line[: chars - 3] + "..."


def _global(change: ApiChange) -> _Found:
    site = Site(change.kind, change.path, change.name, change.line, change.column,
                change.description, change.followers, change.announcement)  # fmt: skip
    return _Found(site, change.make)
