"""Known corruptions of a repository's own functions, made with libcst (for `tasks synth`).

`Corruptor(files, kinds).sites` lists every place a kind of corruption can go in the source
files (never in test files, conftest or setup scripts); `corrupt(site)` makes one: the file's
corrupted text, the original's bytes everywhere else. Local kinds change one operator, literal,
statement or call inside a function; global kinds change a module-level function's name or
signature in its module and leave the modules that call it as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from codebench.analysis.parsing import parse_ast
from codebench.authoring.split import is_doc_path
from codebench.patching import is_test_path
from codebench.tasks import Corruption

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
NEW_PARAMETER_NAMES = ("options", "context", "mode", "flag")
SPACE = cst.SimpleWhitespace(" ")


@dataclass(frozen=True)
class Site:
    """One place a corruption can go, and what it would change."""

    kind: Corruption
    path: str
    function: str  # the qualified name of the function it is in (or renames, or changes)
    line: int
    column: int
    description: str  # e.g. "`<` -> `<=`": for people and the state file, never an instruction
    callers: tuple[str, ...] = ()  # global kinds: the other modules that name the function

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
    """A site's corruption made: the file's original and corrupted texts."""

    site: Site
    original: str
    text: str


@dataclass(frozen=True)
class _Found:
    site: Site
    make: Callable[[], str]  # the corrupted file's text


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
        sources = {p: t for p, t in files.items() if is_source_file(p)}
        for path in sorted(sources):
            text = sources[path]
            if ODD_SEPARATORS.search(text):
                continue
            try:
                wrapper = MetadataWrapper(cst.parse_module(text))
            except Exception:  # libcst raises assorted errors on odd input
                continue
            collector = _Collector(path, frozenset(kinds))
            wrapper.visit(collector)
            found += collector.found
            if set(kinds) & {Corruption.RENAMED_FUNCTION, Corruption.NEW_PARAMETER}:
                found += _global_sites(path, wrapper, sources, kinds)
        self._found = {f.site.key: f for f in found}
        self._texts = sources

    @property
    def paths(self) -> frozenset[str]:
        """The files with at least one site."""
        return frozenset(f.site.path for f in self._found.values())

    @property
    def sites(self) -> tuple[Site, ...]:
        """Every site, sorted by path, line, column and kind."""
        sites = (f.site for f in self._found.values())
        return tuple(sorted(sites, key=lambda s: (s.path, s.line, s.column, s.kind.value)))

    def corrupt(self, site: Site) -> Corrupted | None:
        """The corruption at `site` (one of `sites`); None when the corrupted text does not
        parse or equals the original. Raises `KeyError` for a site not found here."""
        text = self._found[site.key].make()
        original = self._texts[site.path]
        try:
            parse_ast(text)  # the thread-safe parse (several sandboxes' candidates at once)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        return Corrupted(site, original, text) if text != original else None


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

        def make() -> str:
            changed = module.deep_remove(node) if new is None else module.deep_replace(node, new)
            assert isinstance(changed, cst.Module)
            return changed.code

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


def _global_sites(
    path: str, wrapper: MetadataWrapper, sources: Mapping[str, str], kinds: Collection[Corruption]
) -> list[_Found]:
    """Renames and new parameters of the module's undecorated top-level functions that other
    source modules name (else the fix would not span modules)."""
    module, found = wrapper.module, []
    positions = wrapper.resolve(PositionProvider)
    text = sources[path]
    for statement in module.body:
        if not isinstance(statement, cst.FunctionDef) or statement.decorators:
            continue
        name = statement.name.value
        if name.startswith("__"):
            continue
        word = re.compile(rf"\b{re.escape(name)}\b")
        callers = tuple(p for p in sorted(sources) if p != path and word.search(sources[p]))
        if not callers:
            continue
        start = positions[statement.name].start
        where = (path, name, start.line, start.column)
        new_name = f"{name}_impl"
        if Corruption.RENAMED_FUNCTION in kinds and not re.search(rf"\b{new_name}\b", text):
            what = f"`{name}` renamed `{new_name}` in its module only"
            site = Site(Corruption.RENAMED_FUNCTION, *where, what, callers)
            found.append(_Found(site, _renaming(module, name, new_name)))
        parameter = next((n for n in NEW_PARAMETER_NAMES if not re.search(rf"\b{n}\b", text)), None)
        if Corruption.NEW_PARAMETER in kinds and parameter is not None:
            what = f"`{name}` given a required parameter `{parameter}`, callers unchanged"
            site = Site(Corruption.NEW_PARAMETER, *where, what, callers)
            found.append(_Found(site, _adding_parameter(module, statement, parameter)))
    return found


def _renaming(module: cst.Module, old: str, new: str) -> Callable[[], str]:
    def make() -> str:
        return module.visit(_Renamer(old, new)).code

    return make


class _Renamer(cst.CSTTransformer):
    """Every name `old` of a module as `new`: not attributes of other objects, nor keywords."""

    def __init__(self, old: str, new: str) -> None:
        super().__init__()
        self.old, self.new = old, new

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:  # noqa: N802
        return (
            updated_node.with_changes(value=self.new)
            if updated_node.value == self.old
            else updated_node
        )

    def leave_Attribute(  # noqa: N802
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.Attribute:
        return updated_node.with_changes(attr=original_node.attr)

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:  # noqa: N802
        return updated_node.with_changes(keyword=original_node.keyword)


def _adding_parameter(
    module: cst.Module, function: cst.FunctionDef, name: str
) -> Callable[[], str]:
    """The module with `name` as a required positional parameter of `function`, after its
    other required ones."""

    def make() -> str:
        params = list(function.params.params)
        at = next((i for i, p in enumerate(params) if p.default is not None), len(params))
        params.insert(at, cst.Param(cst.Name(name)))
        trailing = params[at - 1].comma if at == len(params) - 1 and at > 0 else None
        if isinstance(trailing, cst.Comma):
            # a trailing comma stays last: the new parameter takes it, and the one before gets
            # the comma between the others (its layout)
            between = params[at - 2].comma if at >= 2 else cst.Comma(whitespace_after=SPACE)
            params[at - 1] = params[at - 1].with_changes(comma=between)
            params[at] = params[at].with_changes(comma=trailing)
        changed = function.with_changes(params=function.params.with_changes(params=params))
        replaced = module.deep_replace(function, changed)
        assert isinstance(replaced, cst.Module)
        return replaced.code

    return make
