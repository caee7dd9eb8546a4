"""The `moved_constant` kind of `tasks synth`: a module-level constant moved to a sibling
module (`constants.py`; `defaults.py` when it is there already). The defining module, if it
uses the constant itself, names it through the new module (`constants.NAME`: importing it
back would re-export it, and no other module would break); the tests import it from there. The
gold is the follow-up of the other modules: `from M import NAME` becomes an import from the new
module (a multi-name import is split), and `M.NAME` becomes `constants.NAME`, with the new
module imported next to M's import.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath

import libcst as cst

from codebench.authoring.api_usage import (
    MIN_FOLLOWERS,
    ApiChange,
    Module,
    SourceFiles,
    api_change,
    changed_only,
    code_of,
    dotted_end,
    ends_with,
    module_of,
    resolved_module,
    users_of,
)
from codebench.tasks import Corruption

CONSTANT_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
CONSTANT_MODULES = ("constants.py", "defaults.py")  # where a constant moves (the first not it)
LITERAL_NAMES = frozenset({"True", "False", "None", "frozenset", "tuple", "set", "dict", "list"})
Texts = tuple[dict[str, str], dict[str, str]]  # (starting files, gold files)


def constant_of(statement: cst.BaseStatement) -> cst.Name | None:
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


def moved_constant(
    path: str,
    files: SourceFiles,
    sources: frozenset[str],
    statement: cst.BaseStatement,
    at: tuple[int, int],
) -> list[ApiChange]:
    """The move of the constant `statement` defines, when `MIN_FOLLOWERS` of the `sources`
    use it; none when the new module would clash (it has the name, or the defining module has
    a name like the new module's)."""
    constant = constant_of(statement)
    assert constant is not None
    assert isinstance(statement, cst.SimpleStatementLine)
    name, here, text = constant.value, PurePosixPath(path), files.texts[path]
    destination = str(next(here.with_name(n) for n in CONSTANT_MODULES if n != here.name))
    stem = PurePosixPath(destination).stem
    if re.search(rf"""["']{name}["']""", text) or re.search(rf"\b{stem}\b", text):
        return []  # listed in __all__ (a star import would fail), or the new name is taken
    if destination in files.texts and re.search(rf"\b{name}\b", files.texts[destination]):
        return []
    followers, tests = users_of(path, name, files, sources, stems_only=True)
    if len(followers) < MIN_FOLLOWERS:
        return []
    said = f"The constant `{name}` moved from `{path}` to `{destination}`"
    what = f"`{name}` moved to `{destination}`"
    make = _moving(path, destination, statement, files, followers, tests)
    return [api_change(Corruption.MOVED_CONSTANT, path, name, at, what, said, followers, make)]


def _moving(
    path: str,
    destination: str,
    statement: cst.SimpleStatementLine,
    files: SourceFiles,
    followers: list[str],
    tests: list[str],
) -> Callable[[], Texts]:
    constant = constant_of(statement)
    assert constant is not None
    name, stem = constant.value, PurePosixPath(destination).stem
    package = path.endswith("__init__.py")

    def follow(p: str) -> str:
        parsed = files.module(p)
        if parsed is None:
            return files.texts[p]
        return parsed.visit(_Reimport(name, module_of(path), p, stem, package)).code

    def make() -> Texts:
        module = files.module(path)
        assert module is not None
        removed = module.deep_remove(statement)
        assert isinstance(removed, cst.Module)
        line = cst.Module(body=[statement.with_changes(leading_lines=())]).code
        before = files.texts.get(destination)
        added = line if before is None else before.rstrip("\n") + "\n\n" + line
        source = _through(removed, name, stem, path)
        start = {path: source, destination: added} | {p: follow(p) for p in tests}
        return changed_only(files, start), changed_only(files, {p: follow(p) for p in followers})

    return make


def _through(module: cst.Module, name: str, stem: str, path: str) -> str:
    """The defining module naming the constant as `stem.NAME`, with the new module imported
    (relatively inside a package), when it uses it; else as it is."""
    named = module.visit(_Qualify(name, stem))
    if named.code == module.code:
        return module.code
    in_package = len(PurePosixPath(path).parts) > 1
    line = f"from . import {stem}\n" if in_package else f"import {stem}\n"
    statement, at = cst.parse_statement(line), _after_imports(named)
    body = list(named.body)
    if at < len(body):  # the import takes the blank lines before the next statement
        after = body[at]
        statement = statement.with_changes(leading_lines=after.leading_lines)
        body[at] = after.with_changes(leading_lines=[cst.EmptyLine()])
    return named.with_changes(body=[*body[:at], statement, *body[at:]]).code


def _after_imports(module: cst.Module) -> int:
    """Where a new import goes: after the leading docstring and imports."""
    at = 0
    for number, statement in enumerate(module.body):
        if not isinstance(statement, cst.SimpleStatementLine):
            break
        small = statement.body[0]
        docstring = number == 0 and isinstance(small, cst.Expr)
        if not (docstring or isinstance(small, cst.Import | cst.ImportFrom)):
            break
        at = number + 1
    return at


class _Qualify(cst.CSTTransformer):
    """Every bare `NAME` (not an attribute, keyword or parameter) as `stem.NAME`."""

    def __init__(self, name: str, stem: str) -> None:
        super().__init__()
        self.name, self.stem = name, stem

    def leave_Attribute(  # noqa: N802
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        return updated_node.with_changes(attr=original_node.attr)

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:  # noqa: N802
        return updated_node.with_changes(keyword=original_node.keyword)

    def leave_Name(  # noqa: N802
        self, original_node: cst.Name, updated_node: cst.Name
    ) -> cst.BaseExpression:
        if original_node.value != self.name:
            return updated_node
        return cst.Attribute(cst.Name(self.stem), cst.Name(self.name))


class _Reimport(cst.CSTTransformer):
    """`from M import A, NAME` as `from M import A` and `from <sibling> import NAME`; `M.NAME`
    as `<sibling>.NAME`, the sibling imported next to M's import."""

    def __init__(self, name: str, target: Module, path: str, stem: str, package: bool) -> None:
        super().__init__()
        self.name, self.target, self.path, self.stem = name, target, path, stem
        self.package = package

    def leave_Attribute(  # noqa: N802
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        if original_node.attr.value != self.name:
            return updated_node
        if dotted_end(original_node.value) != self.target[-1]:
            return updated_node
        return updated_node.with_changes(value=_renamed_end(updated_node.value, self.stem))

    def leave_SimpleStatementLine(  # noqa: N802
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        if len(updated_node.body) != 1:
            return updated_node
        small = updated_node.body[0]
        if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
            return self._split(updated_node, small)
        return updated_node

    def _split(
        self, line: cst.SimpleStatementLine, node: cst.ImportFrom
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        assert not isinstance(node.names, cst.ImportStar)
        if not ends_with(self.target, resolved_module(self.path, node)):
            return line
        moved = [a for a in node.names if code_of(a.name) == self.name]
        kept = [a for a in node.names if code_of(a.name) != self.name]
        if not moved:
            return line
        sibling = _sibling(node.module, self.stem, self.package)
        alias = moved[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        new = node.with_changes(module=sibling, names=[alias], lpar=None, rpar=None)
        if not kept:
            return line.with_changes(body=[new])
        kept[-1] = kept[-1].with_changes(comma=node.names[-1].comma)  # a trailing comma stays
        first = line.with_changes(body=[node.with_changes(names=kept)])
        return cst.FlattenSentinel([first, cst.SimpleStatementLine(body=[new])])

    def leave_Module(  # noqa: N802
        self, original_node: cst.Module, updated_node: cst.Module
    ) -> cst.Module:
        if updated_node.code == original_node.code or not _qualified_uses(updated_node, self):
            return updated_node
        body: list[cst.BaseStatement] = []
        for statement in updated_node.body:
            body.append(statement)
            extra = self._import_beside(statement)
            if extra is not None:
                body.append(extra)
        return updated_node.with_changes(body=body)

    def _import_beside(self, statement: cst.BaseStatement) -> cst.SimpleStatementLine | None:
        """For `from P import m` (or `import p.m`), the same import of the sibling."""
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return None
        small, stem = statement.body[0], self.target[-1]
        if (
            isinstance(small, cst.ImportFrom)
            and not isinstance(small.names, cst.ImportStar)
            and any(code_of(a.name) == stem and a.asname is None for a in small.names)
        ):
            alias = cst.ImportAlias(cst.Name(self.stem))
            changed = small.with_changes(names=[alias], lpar=None, rpar=None)
            return cst.SimpleStatementLine([changed])
        if isinstance(small, cst.Import):
            for alias in small.names:
                if alias.asname is None and code_of(alias.name).split(".")[-1] == stem:
                    name = _renamed_end(alias.name, self.stem)
                    assert isinstance(name, cst.Name | cst.Attribute)
                    return cst.SimpleStatementLine([cst.Import([cst.ImportAlias(name)])])
        return None


def _qualified_uses(module: cst.Module, reimport: _Reimport) -> bool:
    """Whether the followed module names `<sibling>.NAME` (so the sibling must be imported)."""
    return re.search(rf"\b{reimport.stem}\.{reimport.name}\b", module.code) is not None


def _renamed_end(node: cst.BaseExpression, stem: str) -> cst.BaseExpression:
    """`a.b.m` as `a.b.<stem>`, `m` as `<stem>`."""
    if isinstance(node, cst.Attribute):
        return node.with_changes(attr=cst.Name(stem))
    return cst.Name(stem)


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
