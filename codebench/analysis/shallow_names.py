"""Name resolution without libcst's scopes, for the files that need none: read off the `ast`.

libcst's `ScopeProvider`, and the two walks of the libcst tree that find its calls and
from-imports, are most of what resolving a file costs. Scopes are needed only for the callees
of the calls that may reach the names asked for, and for module-level aliases (`g = mod.f`).
Most files a changed name's text appears in have neither (the file that defines it, a
docstring, an import, a test file whose calls are not read): they resolve to no calls and
their from-imports, which the `ast` gives just as well. Anything else (and anything on which
`ScopeProvider` might raise: `global` and `nonlocal`) is left to libcst.

Every check here may only err towards declining: a call or alias the `ast` sees that libcst
would not costs a libcst resolution, never a different result.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from codebench.analysis.facts import SourceFacts, statement_children
from codebench.analysis.resolved import ImportedName, ModulePath, ResolvedFile


def shallow_resolution(
    module: ModulePath, known: SourceFacts, names: frozenset[str], *, calls: bool
) -> ResolvedFile | None:
    """What `names.resolve_file` gives the file of `known` (already known to parse with
    libcst), when no name in it needs a scope; None when one may. `calls=False`: its calls are
    not wanted, only what it imports."""
    tree = known.tree
    if tree is None:
        return None
    statements = list(_statements(tree))
    if any(isinstance(node, ast.Global | ast.Nonlocal) for node, _ in statements):
        return None  # ScopeProvider raises on some; rare enough to leave to it
    if any(_may_alias(node, names) for node in tree.body):
        return None
    froms = sorted(
        ((node, nested) for node, nested in statements if isinstance(node, ast.ImportFrom)),
        key=lambda pair: (pair[0].lineno, pair[0].col_offset),
    )
    if calls and _may_call(known, names, [node for node, _ in froms]):
        return None
    imports = tuple(
        imported for node, nested in froms for imported in _imported(node, module, nested)
    )
    stars = tuple(_star_modules(tree, module))
    return ResolvedFile((), imports, stars)


def _statements(tree: ast.Module) -> Iterator[tuple[ast.AST, bool]]:
    """Every statement (and except handler, match case), with whether it is inside a function
    or a class (not at module level, where libcst's scope is the global one)."""
    stack: list[tuple[ast.AST, bool]] = [(child, False) for child in statement_children(tree)]
    while stack:
        node, nested = stack.pop()
        yield node, nested
        inner = nested or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        stack.extend((child, inner) for child in statement_children(node))


def _may_alias(node: ast.AST, names: frozenset[str]) -> bool:
    """Whether a module-level statement may be an `alias = name` / `alias = obj.name` of one
    of `names` (looser than libcst's test: any target)."""
    if not isinstance(node, ast.Assign):
        return False
    value = node.value
    if isinstance(value, ast.Name):
        return value.id in names
    return isinstance(value, ast.Attribute) and value.attr in names


def _may_call(known: SourceFacts, names: frozenset[str], froms: list[ast.ImportFrom]) -> bool:
    """Whether any call's bare name is one of `names` or a name a from-import binds one of
    them to (`from m import f as g`: `g`)."""
    local = set(names)
    for node in froms:
        local.update(a.asname or a.name for a in node.names if a.name != "*" and a.name in names)
    return any(name in local for name, _ in known.calls)


def absolute_module(package: str, node: ast.ImportFrom) -> str | None:
    """The module a from-import names, as libcst's `get_absolute_module_from_package_for_import`
    computes it (None for a relative import outside any package, or past the top one)."""
    if not node.level:
        return node.module
    if not package:
        return None
    bits = package.rsplit(".", node.level - 1)
    if len(bits) < node.level:
        return None
    return f"{bits[0]}.{node.module}" if node.module else bits[0]


def _imported(node: ast.ImportFrom, module: ModulePath, nested: bool) -> Iterator[ImportedName]:
    """The names one from-import takes, as `names._imported` reads them off libcst."""
    if any(alias.name == "*" for alias in node.names):
        return
    source = absolute_module(module.package, node)
    if source is None:
        return
    for alias in node.names:
        bound = alias.asname or alias.name
        yield ImportedName(
            line=node.lineno,
            name=alias.name,
            target=f"{source}.{alias.name}",
            bound=f"{module.name}.{bound}" if not nested and module.name else None,
        )


def _star_modules(tree: ast.Module, module: ModulePath) -> Iterator[str]:
    """The modules of the module-level (not nested in an `if`) `from m import *`."""
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            source = absolute_module(module.package, node)
            if source:
                yield source
