"""The global kinds of `tasks synth`: an API change made where the API is defined, and in the
tests (they follow it, as the developer's own change would), while the other modules that use
the API are left as they were. The gold patch is their follow-up: what a developer finishing
the change writes, known by construction.

- `renamed_function`: a top-level function `f` renamed `f_impl` in its module;
- `new_parameter`: a top-level function given a required keyword-only parameter, which the
  calls pass as `None`;
- `moved_constant`: a module-level constant moved to a sibling module (`constants.py`).

A file *uses* the API when it imports the name from its module (or from a package above it,
which re-exports it) or names it as an attribute of a name for that module (`geometry.area`,
`toolz.groupby`). These are rules on names, not types: a follow-up that misses a use, or
touches one it should not, makes the gold fail its tests, and `synth` rejects the candidate.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from codebench.tasks import Corruption

NEW_PARAMETER_NAMES = ("options", "context", "mode", "flag")
CONSTANT_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
CONSTANT_MODULES = ("constants.py", "defaults.py")  # where a constant moves (the first not it)
LITERAL_NAMES = frozenset({"True", "False", "None", "frozenset", "tuple", "set", "dict", "list"})
MIN_FOLLOWERS = 2  # source files that must follow: else the fix would not span modules
WORD = re.compile(r"\w+")
SPACE = cst.SimpleWhitespace(" ")
NO_SPACE = cst.SimpleWhitespace("")

Module = tuple[str, ...]  # a dotted module name, from its path (`src/pkg/m.py`: src, pkg, m)


@dataclass(frozen=True)
class ApiChange:
    """One API change: where it is made, what the instruction announces, and its texts."""

    kind: Corruption
    path: str  # the defining module
    name: str  # the function or constant
    line: int
    column: int
    description: str  # for people and the state file
    announcement: str  # the change as the task's instruction states it
    followers: tuple[str, ...]  # the source files the gold edits
    make: Callable[[], tuple[dict[str, str], dict[str, str]]]  # (starting files, gold files)


def module_of(path: str) -> Module:
    """The dotted name a module's path gives (a package's `__init__.py` is the package)."""
    parts = PurePosixPath(path).with_suffix("").parts
    return parts[:-1] if parts[-1] == "__init__" else parts


def _ends_with(module: Module, imported: Module) -> bool:
    return 0 < len(imported) <= len(module) and module[-len(imported) :] == imported


def _within(imported: Module, target: Module) -> bool:
    """Whether `imported` names `target` or a package above it (a path's dotted name may
    carry a prefix such as `src`: only its end must agree)."""
    return any(_ends_with(target[:k], imported) for k in range(1, len(target) + 1))


class SourceFiles:
    """The tree's Python files: their words (to find users fast) and parsed modules."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        """`texts`: every Python file that may use an API (sources and tests) by path."""
        self.texts = dict(texts)
        self._words: dict[str, frozenset[str]] = {}
        self._modules: dict[str, cst.Module | None] = {}
        self._imports: dict[str, Imports] = {}

    def users(self, name: str, but: str) -> list[str]:
        """The files other than `but` in which the word `name` occurs, sorted."""
        return [p for p in sorted(self.texts) if p != but and name in self._words_of(p)]

    def _words_of(self, path: str) -> frozenset[str]:
        if path not in self._words:
            self._words[path] = frozenset(WORD.findall(self.texts[path]))
        return self._words[path]

    def module(self, path: str) -> cst.Module | None:
        """The parsed file; None when libcst cannot parse it."""
        if path not in self._modules:
            try:
                self._modules[path] = cst.parse_module(self.texts[path])
            except Exception:  # libcst raises assorted errors on odd input
                self._modules[path] = None
        return self._modules[path]

    def imports(self, path: str) -> Imports:
        """What the file imports (empty when it does not parse)."""
        if path not in self._imports:
            collector = _ImportCollector(path)
            parsed = self.module(path)
            if parsed is not None:
                parsed.visit(collector)
            self._imports[path] = Imports(tuple(collector.names), tuple(collector.aliases))
        return self._imports[path]


@dataclass(frozen=True)
class Imports:
    """A file's `from M import name` (resolved M, name) and `import M as alias` bindings."""

    names: tuple[tuple[Module, str], ...]
    aliases: tuple[tuple[Module, str], ...]  # a local name bound to a module

    def names_from(self, target: Module, name: str, exactly: bool = False) -> bool:
        """Whether the file imports `name` from `target` (or, unless `exactly`, from a package
        above it)."""
        return any(
            n == name and (_ends_with(target, m) if exactly else _within(m, target))
            for m, n in self.names
        )

    def refs(self, target: Module) -> frozenset[str]:
        """The local names that may stand for `target` or a package above it."""
        bound = {alias for module, alias in self.aliases if _within(module, target)}
        return frozenset(target) | bound


class _ImportCollector(cst.CSTVisitor):
    def __init__(self, path: str) -> None:
        super().__init__()
        self.here, self.package = module_of(path), path.endswith("__init__.py")
        self.names: list[tuple[Module, str]] = []
        self.aliases: list[tuple[Module, str]] = []

    def visit_Import(self, node: cst.Import) -> None:  # noqa: N802
        for alias in node.names:
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.aliases.append((tuple(_code(alias.name).split(".")), alias.asname.name.value))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:  # noqa: N802
        module = self.resolve_from(node)
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            name = _code(alias.name)
            self.names.append((module, name))
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.aliases.append(((*module, name), alias.asname.name.value))

    def resolve_from(self, node: cst.ImportFrom) -> Module:
        """The dotted module a `from ... import` names, relative ones resolved."""
        named = tuple(_code(node.module).split(".")) if node.module is not None else ()
        level = len(node.relative)
        if level == 0:
            return named
        package = self.here if self.package else self.here[:-1]
        return package[: max(0, len(package) - (level - 1))] + named


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node).strip()


def _dotted_end(node: cst.BaseExpression) -> str | None:
    """The last name of a dotted chain (`a.b.c` -> `c`, `a` -> `a`); None for other shapes."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute) and _dotted_end(node.value) is not None:
        return node.attr.value
    return None


class _Follow(cst.CSTTransformer):
    """A file's uses of `name` followed: renamed `new`, or called with `keyword=None`.

    Bare names follow only where `bare` (the file imports the name, or defines it); attributes
    follow where their object is one of `refs` (a name for the module or its package)."""

    def __init__(
        self, name: str, bare: bool, refs: frozenset[str], new: str = "", keyword: str = ""
    ) -> None:
        super().__init__()
        self.name, self.bare, self.refs, self.new, self.keyword = name, bare, refs, new, keyword
        self._in_all = 0  # inside `__all__ = [...]`

    def _is_use(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name):
            return self.bare and node.value == self.name
        return (
            isinstance(node, cst.Attribute)
            and node.attr.value == self.name
            and _dotted_end(node.value) in self.refs
        )

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:  # noqa: N802
        if self.new and self.bare and original_node.value == self.name:
            return updated_node.with_changes(value=self.new)
        return updated_node

    def leave_Attribute(  # noqa: N802
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.Attribute:
        attr = original_node.attr  # another object's attribute of that name stays
        if self.new and self._is_use(original_node):
            attr = attr.with_changes(value=self.new)
        return updated_node.with_changes(attr=attr)

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:  # noqa: N802
        return updated_node.with_changes(keyword=original_node.keyword)

    def visit_Assign(self, node: cst.Assign) -> None:  # noqa: N802
        if any(_code(t.target) == "__all__" for t in node.targets):
            self._in_all += 1

    def leave_Assign(  # noqa: N802
        self, original_node: cst.Assign, updated_node: cst.Assign
    ) -> cst.Assign:
        if any(_code(t.target) == "__all__" for t in original_node.targets):
            self._in_all -= 1
        return updated_node

    def leave_SimpleString(  # noqa: N802
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.SimpleString:
        # `__all__ = ["area"]`: a star import of a name no longer there fails
        named = self._in_all and original_node.evaluated_value == self.name
        if self.new and self.bare and named:
            quote = original_node.quote
            value = f"{original_node.prefix}{quote}{self.new}{quote}"
            return updated_node.with_changes(value=value)
        return updated_node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:  # noqa: N802
        if not self.keyword or not self._is_use(original_node.func):
            return updated_node
        args = list(updated_node.args)
        if args and not isinstance(args[-1].comma, cst.Comma):
            args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=SPACE))
        equal = cst.AssignEqual(whitespace_before=NO_SPACE, whitespace_after=NO_SPACE)
        args.append(cst.Arg(cst.Name("None"), keyword=cst.Name(self.keyword), equal=equal))
        return updated_node.with_changes(args=args)


def api_changes(path: str, files: SourceFiles, sources: frozenset[str]) -> list[ApiChange]:
    """Every API change of the module at `path` that at least `MIN_FOLLOWERS` of the
    `sources` (the repository's own modules, not tests) would have to follow."""
    module = files.module(path)
    if module is None:
        return []
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    found: list[ApiChange] = []
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef) and not statement.decorators:
            start = positions[statement.name].start
            found += _function_changes(path, files, sources, statement, (start.line, start.column))
        constant = _constant_of(statement)
        if constant is not None:
            start = positions[constant].start
            found += _moved_constant(path, files, sources, statement, (start.line, start.column))
    return found


def _change(
    kind: Corruption,
    path: str,
    name: str,
    at: tuple[int, int],
    description: str,
    announcement: str,
    followers: list[str],
    make: Callable[[], tuple[dict[str, str], dict[str, str]]],
) -> ApiChange:
    line, column = at
    return ApiChange(
        kind, path, name, line, column, description, announcement, tuple(followers), make
    )


def _users(
    path: str, name: str, files: SourceFiles, sources: frozenset[str], exactly: bool = False
) -> tuple[list[str], list[str]]:
    """(source files, test files) that use `name` of the module at `path`."""
    target, attribute = module_of(path), re.compile(rf"\.\s*{re.escape(name)}\b")
    used = [
        p
        for p in files.users(name, path)
        if files.imports(p).names_from(target, name, exactly)
        or (not exactly and attribute.search(files.texts[p]))
    ]
    return [p for p in used if p in sources], [p for p in used if p not in sources]


def _function_changes(
    path: str,
    files: SourceFiles,
    sources: frozenset[str],
    function: cst.FunctionDef,
    at: tuple[int, int],
) -> list[ApiChange]:
    name, text = function.name.value, files.texts[path]
    if name.startswith("__"):
        return []
    followers, tests = _users(path, name, files, sources)
    if len(followers) < MIN_FOLLOWERS:
        return []
    changes, new = [], f"{name}_impl"
    if not re.search(rf"\b{new}\b", "".join(files.texts[p] for p in [path, *followers, *tests])):
        said = f"The function `{name}` of `{path}` was renamed `{new}`"
        follow = _following(path, name, files, followers, tests, new=new)
        what = f"`{name}` renamed `{new}` in its module and the tests"
        changes.append(_change(Corruption.RENAMED_FUNCTION, path, name, at, what, said,
                               followers, follow))  # fmt: skip
    keyword = next((n for n in NEW_PARAMETER_NAMES if not re.search(rf"\b{n}\b", text)), None)
    if keyword is not None:
        said = (
            f"The function `{name}` of `{path}` now takes a required keyword-only argument "
            f"`{keyword}`, which every call passes as `{keyword}=None`"
        )
        follow = _following(path, name, files, followers, tests, keyword=keyword)
        what = f"`{name}` given a required keyword-only `{keyword}`"
        changes.append(_change(Corruption.NEW_PARAMETER, path, name, at, what, said,
                               followers, follow))  # fmt: skip
    return changes


def _following(
    path: str,
    name: str,
    files: SourceFiles,
    followers: list[str],
    tests: list[str],
    new: str = "",
    keyword: str = "",
) -> Callable[[], tuple[dict[str, str], dict[str, str]]]:
    """The change made: the defining module and the tests in the starting tree, the
    followers in the gold."""

    def follow(p: str) -> str:
        parsed = files.module(p)
        if parsed is None:
            return files.texts[p]
        refs = files.imports(p).refs(module_of(path))
        bare = files.imports(p).names_from(module_of(path), name)
        return parsed.visit(_Follow(name, bare, refs, new, keyword)).code

    def make() -> tuple[dict[str, str], dict[str, str]]:
        module = files.module(path)
        assert module is not None
        if keyword:
            module = _with_keyword_only(module, name, keyword)
        start = {path: module.visit(_Follow(name, True, frozenset(), new, keyword)).code}
        start |= {p: follow(p) for p in tests}
        return _changed(files, start), _changed(files, {p: follow(p) for p in followers})

    return make


def _changed(files: SourceFiles, texts: dict[str, str]) -> dict[str, str]:
    return {p: t for p, t in texts.items() if files.texts.get(p) != t}


def _with_keyword_only(module: cst.Module, name: str, keyword: str) -> cst.Module:
    """The module with `keyword` a required keyword-only parameter of its function `name`."""
    function = next(
        s for s in module.body if isinstance(s, cst.FunctionDef) and s.name.value == name
    )
    params = function.params
    new = cst.Param(cst.Name(keyword))
    if isinstance(params.star_arg, cst.Param | cst.ParamStar):  # `*args` or `*` already
        params = params.with_changes(kwonly_params=[*params.kwonly_params, new])
    else:
        params = params.with_changes(star_arg=cst.ParamStar(), kwonly_params=[new])
    changed = module.deep_replace(function, function.with_changes(params=params))
    assert isinstance(changed, cst.Module)
    return changed


def _constant_of(statement: cst.BaseStatement) -> cst.Name | None:
    """The name of a module-level `NAME = literal` (no names but True, False, None and the
    builtin containers in the value: it can move to any module)."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    assign = statement.body[0]
    if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
        return None
    target = assign.targets[0].target
    if not isinstance(target, cst.Name) or not CONSTANT_NAME.match(target.value):
        return None
    names = _Names()
    assign.value.visit(names)
    return target if names.seen <= LITERAL_NAMES and not names.attributes else None


class _Names(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()
        self.attributes = False

    def visit_Name(self, node: cst.Name) -> None:  # noqa: N802
        self.seen.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> None:  # noqa: N802
        self.attributes = True


def _moved_constant(
    path: str,
    files: SourceFiles,
    sources: frozenset[str],
    statement: cst.BaseStatement,
    at: tuple[int, int],
) -> list[ApiChange]:
    constant = _constant_of(statement)
    assert constant is not None
    assert isinstance(statement, cst.SimpleStatementLine)
    name, here = constant.value, PurePosixPath(path)
    if len(re.findall(rf"\b{name}\b", files.texts[path])) != 1:
        return []  # the module uses it itself (or lists it in __all__): it would re-export it
    target = next((here.with_name(n) for n in CONSTANT_MODULES if n != here.name), None)
    destination = str(target)
    if destination in files.texts and re.search(rf"\b{name}\b", files.texts[destination]):
        return []
    followers, tests = _users(path, name, files, sources, exactly=True)
    if len(followers) < MIN_FOLLOWERS:
        return []
    said = f"The constant `{name}` moved from `{path}` to `{destination}`"
    what = f"`{name}` moved to `{destination}`"
    make = _moving(path, destination, statement, files, followers, tests)
    return [_change(Corruption.MOVED_CONSTANT, path, name, at, what, said, followers, make)]


def _moving(
    path: str,
    destination: str,
    statement: cst.SimpleStatementLine,
    files: SourceFiles,
    followers: list[str],
    tests: list[str],
) -> Callable[[], tuple[dict[str, str], dict[str, str]]]:
    constant = _constant_of(statement)
    assert constant is not None
    name, stem = constant.value, PurePosixPath(destination).stem

    def follow(p: str) -> str:
        parsed = files.module(p)
        if parsed is None:
            return files.texts[p]
        package = path.endswith("__init__.py")
        return parsed.visit(_Reimport(name, module_of(path), p, stem, package)).code

    def make() -> tuple[dict[str, str], dict[str, str]]:
        module = files.module(path)
        assert module is not None
        removed = module.deep_remove(statement)
        assert isinstance(removed, cst.Module)
        line = cst.Module(body=[statement.with_changes(leading_lines=())]).code
        before = files.texts.get(destination)
        added = line if before is None else before.rstrip("\n") + "\n\n" + line
        start = {path: removed.code, destination: added} | {p: follow(p) for p in tests}
        return _changed(files, start), _changed(files, {p: follow(p) for p in followers})

    return make


class _Reimport(cst.CSTTransformer):
    """`from M import A, NAME` as `from M import A` and `from <sibling> import NAME`."""

    def __init__(self, name: str, target: Module, path: str, stem: str, package: bool) -> None:
        super().__init__()
        self.name, self.target, self.stem, self.package = name, target, stem, package
        self._resolve = _ImportCollector(path).resolve_from

    def leave_SimpleStatementLine(  # noqa: N802
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        if len(updated_node.body) != 1 or not isinstance(updated_node.body[0], cst.ImportFrom):
            return updated_node
        node = updated_node.body[0]
        if isinstance(node.names, cst.ImportStar) or not _ends_with(
            self.target, self._resolve(node)
        ):
            return updated_node
        moved = [a for a in node.names if _code(a.name) == self.name]
        kept = [a for a in node.names if _code(a.name) != self.name]
        if not moved:
            return updated_node
        sibling = _sibling(node.module, self.stem, self.package)
        alias = moved[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        new = node.with_changes(module=sibling, names=[alias], lpar=None, rpar=None)
        if not kept:
            return updated_node.with_changes(body=[new])
        kept[-1] = kept[-1].with_changes(comma=node.names[-1].comma)  # a trailing comma stays
        first = updated_node.with_changes(body=[node.with_changes(names=kept)])
        return cst.FlattenSentinel([first, cst.SimpleStatementLine(body=[new])])


def _sibling(
    module: cst.Name | cst.Attribute | None, stem: str, package: bool
) -> cst.Name | cst.Attribute:
    """The module next to `module` named `stem`; inside it when `module` is a package (the
    constant came from its `__init__.py`)."""
    if module is None:  # `from . import NAME`: the package itself
        return cst.Name(stem)
    if package:
        return cst.Attribute(module, cst.Name(stem))
    if isinstance(module, cst.Attribute):
        return module.with_changes(attr=cst.Name(stem))
    return cst.Name(stem)
