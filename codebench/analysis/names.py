"""Names resolved the way Python binds them: what each call and from-import of a file refers to,
by fully qualified name.

libcst's `ScopeProvider` and `FullyQualifiedNameProvider` do the resolving, so an alias
(`from m import f as g`), a module attribute (`import pkg.mod as m; m.f()`), a relative import
and a shadowing local all resolve as Python would, and a method called on an instance
(`order.total()`) resolves to the instance's name, never to a module function. A module's name
comes from its path (`pkg/mod.py` is `pkg.mod`, `src/pkg/mod.py` too): the provider is given it
directly, as `FullRepoManager` would, because the tree lives in memory, not on disk.

libcst is imported only when a file is resolved, so importing the analyzer stays light.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from codebench.analysis.facts import CACHED_TEXTS, facts
from codebench.analysis.parsing import ParseError, fits_libcst, on_large_stack

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

    import libcst as cst
    from libcst.metadata import CodePosition, QualifiedName


@dataclass(frozen=True)
class ModulePath:
    """A file's module name as importers spell it, and the package its relative imports use."""

    name: str
    package: str

    @classmethod
    def of(cls, path: str) -> ModulePath:
        """`pkg/mod.py` -> `pkg.mod` in `pkg`; `pkg/__init__.py` -> `pkg` in `pkg`; a leading
        `src/` is dropped."""
        parts = path.removeprefix("src/").removesuffix(".py").split("/")
        if parts[-1] == "__init__":
            parts.pop()
            return cls(".".join(parts), ".".join(parts))
        return cls(".".join(parts), ".".join(parts[:-1]))


@dataclass(frozen=True)
class CallShape:
    """The arguments of a call as a signature sees them."""

    positional: int
    keywords: frozenset[str]
    unpacked: bool  # a `*args` or `**kwargs` argument: any signature may fit


@dataclass(frozen=True)
class CallSite:
    """A call by plain or attribute name, with what its callee resolves to."""

    line: int
    name: str  # the bare called name: `f` of `f()` and of `obj.f()`
    via_attribute: bool
    targets: frozenset[str]  # fully qualified names the callee may be
    imported: frozenset[str]  # those of them reached through an import
    shape: CallShape


@dataclass(frozen=True)
class ImportedName:
    """One name of a `from ... import ...` statement."""

    line: int
    name: str  # as imported: `f` of `from m import f as g`
    target: str  # fully qualified: `m.f`
    bound: str | None  # the module attribute it binds (`this.g`) when imported at module level


@dataclass(frozen=True)
class ResolvedFile:
    """Every call and from-imported name of one file, resolved."""

    calls: tuple[CallSite, ...]
    imports: tuple[ImportedName, ...]


def resolve_file(path: str, source: str) -> ResolvedFile | ParseError:
    """The calls and from-imports of the file at `path`; a ParseError when it does not parse,
    or is too large or deep for libcst."""
    known = facts(source)
    if known.tree is None:
        return known.error or ParseError("cannot parse")
    if not fits_libcst(source, known.tokens):
        return ParseError("too large or deeply nested for name resolution")
    return _resolved(ModulePath.of(path), source)


@lru_cache(maxsize=CACHED_TEXTS)
def _resolved(module: ModulePath, source: str) -> ResolvedFile | ParseError:
    """Resolve on a large stack (libcst recurses); cached by module and text, so the
    repository's unchanged files are resolved once per process."""
    outcome: list[ResolvedFile | ParseError] = []

    def run() -> None:
        try:
            outcome.append(_read(module, source))
        except Exception as exc:  # libcst raises assorted errors on odd input
            outcome.append(ParseError(f"cannot resolve names: {type(exc).__name__}"))

    on_large_stack(run)
    return outcome[0] if outcome else ParseError("cannot resolve names")


def _read(module: ModulePath, source: str) -> ResolvedFile:
    import libcst as cst
    from libcst import matchers
    from libcst.helpers.module import ModuleNameAndPackage
    from libcst.metadata import (
        FullyQualifiedNameProvider,
        MetadataWrapper,
        PositionProvider,
        ScopeProvider,
    )

    wrapper = MetadataWrapper(
        cst.parse_module(source),
        cache={FullyQualifiedNameProvider: ModuleNameAndPackage(module.name, module.package)},
    )
    names = wrapper.resolve(FullyQualifiedNameProvider)
    lines = wrapper.resolve(PositionProvider)
    calls = (
        _call_site(node, names, lines[node].start)
        for node in matchers.findall(wrapper.module, matchers.Call())
        if isinstance(node, cst.Call)
    )
    scopes = wrapper.resolve(ScopeProvider)
    imports = (
        imported
        for node in matchers.findall(wrapper.module, matchers.ImportFrom())
        if isinstance(node, cst.ImportFrom)
        for imported in _imported(node, module, scopes, lines[node].start.line)
    )
    return ResolvedFile(tuple(c for c in calls if c is not None), tuple(imports))


def _call_site(
    node: cst.Call, names: Mapping[cst.CSTNode, Collection[QualifiedName]], at: CodePosition
) -> CallSite | None:
    import libcst as cst
    from libcst.metadata import QualifiedNameSource

    func = node.func
    if isinstance(func, cst.Name):
        name, via_attribute = func.value, False
    elif isinstance(func, cst.Attribute):
        name, via_attribute = func.attr.value, True
    else:
        return None
    resolved = names.get(func, ())
    shape = CallShape(
        positional=sum(1 for a in node.args if a.keyword is None and not a.star),
        keywords=frozenset(a.keyword.value for a in node.args if a.keyword is not None),
        unpacked=any(a.star for a in node.args),
    )
    return CallSite(
        line=at.line,
        name=name,
        via_attribute=via_attribute,
        targets=frozenset(q.name for q in resolved),
        imported=frozenset(q.name for q in resolved if q.source is QualifiedNameSource.IMPORT),
        shape=shape,
    )


def _imported(
    node: cst.ImportFrom,
    module: ModulePath,
    scopes: Mapping[cst.CSTNode, object],
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
