"""Names resolved the way Python binds them: what the calls and imports of a file refer to, by
fully qualified name.

libcst's `ScopeProvider` does the resolving: each callee's qualified names come from its scope
(`Scope.get_qualified_names_for`, the lookup `QualifiedNameProvider` makes for every node,
made here only for the calls that can matter), and are made absolute with the module's name as
`FullyQualifiedNameProvider` would. So an alias (`from m import f as g`), a module attribute
(`import pkg.mod as m; m.f()`), a relative import, a star import, a module-level alias
(`g = mod.f`) and a shadowing local all resolve as Python would; a method called on an instance
(`order.total()`) resolves to the instance's name, never to a module function, and
`self.total()` in a class that defines `total` resolves to that method. A module's name comes
from its path (`pkg/mod.py` is `pkg.mod`, `src/pkg/mod.py` too), as `FullRepoManager` would
compute it, because the tree lives in memory, not on disk.

Line numbers come from the `ast` tree of the same text (the nodes asked for, in source order,
are the same in both trees); `PositionProvider` is the fallback when they do not line up.
libcst is imported only when a file is resolved, so importing the analyzer stays light. A file
in which no call or alias needs a scope is read off its `ast` instead (`shallow_names`, tested
against this path): most files a changed name appears in.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from codebench.analysis.facts import CACHED_TEXTS, cst_parse, facts
from codebench.analysis.parsing import ParseError, on_large_stack
from codebench.analysis.resolved import CallShape, CallSite, ImportedName, ModulePath, ResolvedFile
from codebench.analysis.shallow_names import shallow_resolution

if TYPE_CHECKING:
    from collections.abc import Mapping

    import libcst as cst
    from libcst.metadata import MetadataWrapper, QualifiedName, Scope

LOCALS = ".<locals>."
RECEIVERS = frozenset({"self", "cls"})


def resolve_file(
    path: str, source: str, names: Collection[str], *, calls: bool = True
) -> ResolvedFile | ParseError:
    """The calls of the file at `path` that may reach one of `names` (bare names: `f` for
    `pkg.mod.f`), directly or through an alias the file makes, and every name it imports; a
    ParseError when it does not parse, or is too large or deep for libcst. `calls=False`: no
    calls (a caller that reads only the imports), which often spares libcst's scopes."""
    return _resolved(ModulePath.of(path), source, frozenset(names), calls)


def resolve_by_scopes(path: str, source: str, names: Collection[str]) -> ResolvedFile | ParseError:
    """`resolve_file` by libcst's scopes alone, never the shallow path, and not cached: the
    reference the shallow path is tested against."""
    return _by_scopes(ModulePath.of(path), source, frozenset(names))


@lru_cache(maxsize=CACHED_TEXTS)
def _resolved(
    module: ModulePath, source: str, names: frozenset[str], calls: bool
) -> ResolvedFile | ParseError:
    """Cached by module, text and names, so the repository's unchanged files are resolved once
    per process. libcst parses the file first even where its scopes are not needed: whether it
    parses decides whether the file is resolved at all."""
    parsed = cst_parse(source)
    if parsed.module is None:
        return parsed.error or ParseError("too large or deeply nested for name resolution")
    shallow = shallow_resolution(module, facts(source), names, calls=calls)
    if shallow is not None:
        return shallow
    resolved = _by_scopes(module, source, names)
    if calls or not isinstance(resolved, ResolvedFile):
        return resolved
    return ResolvedFile((), resolved.imports, resolved.star_imports)


def _by_scopes(module: ModulePath, source: str, names: frozenset[str]) -> ResolvedFile | ParseError:
    """Resolve with libcst's scopes, on a large stack (libcst's visitors recurse)."""
    parsed = cst_parse(source)
    if parsed.module is None:
        return parsed.error or ParseError("too large or deeply nested for name resolution")
    tree = parsed.module
    outcome: list[ResolvedFile | ParseError] = []

    def run() -> None:
        try:
            outcome.append(_read(module, tree, source, names))
        except Exception as exc:  # libcst raises assorted errors on odd input
            outcome.append(ParseError(f"cannot resolve names: {type(exc).__name__}"))

    on_large_stack(run)
    return outcome[0] if outcome else ParseError("cannot resolve names")


def _read(module: ModulePath, tree: cst.Module, source: str, names: frozenset[str]) -> ResolvedFile:
    from libcst.metadata import MetadataWrapper, ScopeProvider

    wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)  # shared and never changed
    scopes = wrapper.resolve(ScopeProvider)
    froms, every_call = _froms_and_calls(tree)
    aliases = list(_alias_statements(tree, names))
    local = names | {_bound_name(a) for a in _aliased(froms, names)} | {a for a, _ in aliases}
    calls = [n for n in every_call if _bare_name(n) in local]
    lines = _Lines(wrapper, source, local)
    imports = [
        imported
        for node, line in zip(froms, lines.of_from_imports(froms), strict=True)
        for imported in _imported(node, module, scopes, line)
    ]
    for (name, value), line in zip(aliases, lines.of_aliases(aliases), strict=True):
        alias = _alias(module, name, value, scopes, line)
        imports += [alias] if alias is not None else []
    sites = [
        _call_site(node, module, source, scopes, line)
        for node, line in zip(calls, lines.of_calls(calls), strict=True)
    ]
    stars = tuple(_star_modules(tree, module))
    return ResolvedFile(tuple(sites), tuple(imports), stars)


def _froms_and_calls(tree: cst.Module) -> tuple[list[cst.ImportFrom], list[cst.Call]]:
    """Every from-import and every call, in source order, in one walk of the tree (what two
    `matchers.findall` found, at less than half their cost)."""
    import libcst as cst

    class Collector(cst.CSTVisitor):
        def __init__(self) -> None:
            super().__init__()
            self.froms: list[cst.ImportFrom] = []
            self.calls: list[cst.Call] = []

        def visit_ImportFrom(self, node: cst.ImportFrom) -> None:  # noqa: N802 (libcst's name)
            self.froms.append(node)

        def visit_Call(self, node: cst.Call) -> None:  # noqa: N802 (libcst's name)
            self.calls.append(node)

    collector = Collector()
    tree.visit(collector)
    return collector.froms, collector.calls


def _bare_name(node: cst.Call) -> str | None:
    import libcst as cst

    if isinstance(node.func, cst.Name):
        return node.func.value
    if isinstance(node.func, cst.Attribute):
        return node.func.attr.value
    return None


def _aliased(froms: list[cst.ImportFrom], names: frozenset[str]) -> Iterator[cst.ImportAlias]:
    """The aliases of from-imports that import one of `names`."""
    import libcst as cst
    from libcst.helpers import get_full_name_for_node

    for node in froms:
        if not isinstance(node.names, cst.ImportStar):
            yield from (a for a in node.names if get_full_name_for_node(a.name) in names)


def _bound_name(alias: cst.ImportAlias) -> str:
    from libcst.helpers import get_full_name_for_node

    return alias.evaluated_alias or get_full_name_for_node(alias.name) or ""


def _alias_statements(
    tree: cst.Module, names: frozenset[str]
) -> Iterator[tuple[str, cst.Name | cst.Attribute]]:
    """(alias, value) of every module-level `alias = name` or `alias = obj.name` with `name`
    one of `names`, in source order."""
    import libcst as cst

    for statement in tree.body:
        for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else ():
            if not isinstance(small, cst.Assign) or len(small.targets) != 1:
                continue
            target, value = small.targets[0].target, small.value
            if isinstance(target, cst.Name) and isinstance(value, cst.Name | cst.Attribute):
                bare = value.value if isinstance(value, cst.Name) else value.attr.value
                if bare in names:
                    yield target.value, value


def fully_qualified(module: ModulePath, name: QualifiedName) -> str:
    """A qualified name made absolute, as `FullyQualifiedNameProvider` does: a local name
    gets the module's name, a relative import the package's."""
    from libcst.metadata import QualifiedNameSource

    if name.source is QualifiedNameSource.BUILTIN:
        return name.name
    if name.source is QualifiedNameSource.IMPORT and not name.name.startswith("."):
        return name.name
    relative = name.name.lstrip(".")
    dots = len(name.name) - len(relative)
    base = module.name
    if dots:
        bits = module.package.rsplit(".", dots - 1)
        base = bits[0] if len(bits) >= dots else ""
    return f"{base}.{relative}" if base else relative


def _qualified(node: cst.CSTNode, scopes: Mapping[cst.CSTNode, Scope | None]) -> set[QualifiedName]:
    scope = scopes.get(node)
    return set(scope.get_qualified_names_for(node)) if scope is not None else set()


def _call_site(
    node: cst.Call,
    module: ModulePath,
    source: str,
    scopes: Mapping[cst.CSTNode, Scope | None],
    line: int,
) -> CallSite:
    import libcst as cst
    from libcst.metadata import QualifiedNameSource

    func = node.func
    assert isinstance(func, cst.Name | cst.Attribute)  # `_bare_name` kept only these
    name = func.value if isinstance(func, cst.Name) else func.attr.value
    resolved = _qualified(func, scopes)
    shape = CallShape(
        positional=sum(1 for a in node.args if a.keyword is None and not a.star),
        keywords=frozenset(a.keyword.value for a in node.args if a.keyword is not None),
        unpacked=any(a.star for a in node.args),
    )
    return CallSite(
        line=line,
        name=name,
        via_attribute=isinstance(func, cst.Attribute),
        targets=frozenset(fully_qualified(module, q) for q in resolved),
        imported=frozenset(
            fully_qualified(module, q) for q in resolved if q.source is QualifiedNameSource.IMPORT
        ),
        shape=shape,
        own_method=_own_method(func, module, source, resolved),
    )


def _own_method(
    func: cst.BaseExpression, module: ModulePath, source: str, resolved: set[QualifiedName]
) -> str | None:
    """`self.f` in a method of a class that defines `f` itself: that method's full name."""
    import libcst as cst

    if not isinstance(func, cst.Attribute) or not isinstance(func.value, cst.Name):
        return None
    if func.value.value not in RECEIVERS:
        return None
    nodes = facts(source).nodes
    for qualified in resolved:
        method, found, _ = qualified.name.partition(LOCALS)
        owner = method.rpartition(".")[0]
        own = f"{owner}.{func.attr.value}"
        if found and isinstance(nodes.get(owner), ast.ClassDef) and own in nodes:
            return f"{module.name}.{own}" if module.name else own
    return None


def _imported(
    node: cst.ImportFrom,
    module: ModulePath,
    scopes: Mapping[cst.CSTNode, Scope | None],
    line: int,
) -> Iterator[ImportedName]:
    import libcst as cst
    from libcst.helpers import get_absolute_module_from_package_for_import, get_full_name_for_node
    from libcst.metadata import GlobalScope

    if isinstance(node.names, cst.ImportStar):
        return
    source = get_absolute_module_from_package_for_import(module.package or None, node)
    if source is None:
        return
    at_top = isinstance(scopes.get(node), GlobalScope)
    for alias in node.names:
        name = get_full_name_for_node(alias.name)
        if name is None:
            continue
        bound = alias.evaluated_alias or name
        yield ImportedName(
            line=line,
            name=name,
            target=f"{source}.{name}",
            bound=f"{module.name}.{bound}" if at_top and module.name else None,
        )


def _alias(
    module: ModulePath,
    name: str,
    value: cst.Name | cst.Attribute,
    scopes: Mapping[cst.CSTNode, Scope | None],
    line: int,
) -> ImportedName | None:
    """A module-level `name = value` as the name it re-binds, when `value` resolves."""
    targets = sorted(fully_qualified(module, q) for q in _qualified(value, scopes))
    if not targets:
        return None
    bound = f"{module.name}.{name}" if module.name else name
    return ImportedName(line=line, name=name, target=targets[0], bound=bound, assigned=True)


def _star_modules(tree: cst.Module, module: ModulePath) -> Iterator[str]:
    import libcst as cst
    from libcst.helpers import get_absolute_module_from_package_for_import

    for statement in tree.body:
        for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else ():
            if isinstance(small, cst.ImportFrom) and isinstance(small.names, cst.ImportStar):
                source = get_absolute_module_from_package_for_import(module.package or None, small)
                if source:
                    yield source


class _Lines:
    """Line numbers of the nodes resolved, read off the `ast` tree of the same text: the k-th
    node asked for in source order is the k-th of its kind there. When the counts differ (an
    f-string's calls, say), libcst's `PositionProvider` answers instead."""

    def __init__(self, wrapper: MetadataWrapper, source: str, local: Collection[str]) -> None:
        self.wrapper = wrapper
        self.known = facts(source)
        self.local = local
        self._positions: Mapping[cst.CSTNode, object] | None = None

    def of_calls(self, calls: list[cst.Call]) -> list[int]:
        found = [n for name, n in self.known.calls if name in self.local]
        return self._matched(calls, found)

    def of_from_imports(self, froms: list[cst.ImportFrom]) -> list[int]:
        found = [n for n in self.known.walked if isinstance(n, ast.ImportFrom)]
        return self._matched(froms, found)

    def of_aliases(self, aliases: list[tuple[str, cst.Name | cst.Attribute]]) -> list[int]:
        wanted = {name for name, _ in aliases}
        tree = self.known.tree
        found = [
            n
            for n in (tree.body if tree is not None else [])
            if isinstance(n, ast.Assign)
            and len(n.targets) == 1
            and isinstance(n.targets[0], ast.Name)
            and n.targets[0].id in wanted
            and isinstance(n.value, ast.Name | ast.Attribute)
        ]
        return self._matched([value for _, value in aliases], found)

    def _matched(self, nodes: Sequence[cst.CSTNode], found: Sequence[ast.AST]) -> list[int]:
        if len(found) == len(nodes):
            return [getattr(n, "lineno", 0) for n in sorted(found, key=_source_order)]
        return [self._line(node) for node in nodes]

    def _line(self, node: cst.CSTNode) -> int:
        from libcst.metadata import PositionProvider

        if self._positions is None:
            self._positions = self.wrapper.resolve(PositionProvider)
        position = self._positions.get(node)
        return getattr(getattr(position, "start", None), "line", 0)


def _source_order(node: ast.AST) -> tuple[int, int, int, int]:
    """Where a node starts, an enclosing node (which ends later) before what it encloses."""
    start = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
    end = (getattr(node, "end_lineno", 0) or 0, getattr(node, "end_col_offset", 0) or 0)
    return start[0], start[1], -end[0], -end[1]


def forget_texts() -> None:
    """Drop every per-text cache of the analyzer (parsed, tokenized, resolved), as in a new
    process: for measurements that must see texts cold."""
    facts.cache_clear()
    cst_parse.cache_clear()
    _resolved.cache_clear()
