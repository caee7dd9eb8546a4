"""What the global kinds of `tasks synth` share: the tree's Python files with their words,
parsed modules and imports (resolved to dotted names), which files use a module's name, and the
`ApiChange` value each kind makes.

A file *uses* a name of module M when it imports it from M (or from a package above M, which
re-exports it) or names it as an attribute of a name for M (`geometry.area`, `toolz.groupby`).
These are rules on names, not types: a follow-up that misses a use, or touches one it should
not, makes the gold fail its tests, and `synth` rejects the candidate.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

import libcst as cst

from codebench.tasks import Corruption

MIN_FOLLOWERS = 2  # source files that must follow: else the fix would not span modules
WORD = re.compile(r"\w+")
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


def ends_with(module: Module, imported: Module) -> bool:
    return 0 < len(imported) <= len(module) and module[-len(imported) :] == imported


def within(imported: Module, target: Module) -> bool:
    """Whether `imported` names `target` or a package above it (a path's dotted name may
    carry a prefix such as `src`: only its end must agree)."""
    return any(ends_with(target[:k], imported) for k in range(1, len(target) + 1))


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
            n == name and (ends_with(target, m) if exactly else within(m, target))
            for m, n in self.names
        )

    def refs(self, target: Module) -> frozenset[str]:
        """The local names that may stand for `target` or a package above it."""
        bound = {alias for module, alias in self.aliases if within(module, target)}
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
                self.aliases.append(
                    (tuple(code_of(alias.name).split(".")), alias.asname.name.value)
                )

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:  # noqa: N802
        module = self.resolve_from(node)
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            name = code_of(alias.name)
            self.names.append((module, name))
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.aliases.append(((*module, name), alias.asname.name.value))

    def resolve_from(self, node: cst.ImportFrom) -> Module:
        """The dotted module a `from ... import` names, relative ones resolved."""
        named = tuple(code_of(node.module).split(".")) if node.module is not None else ()
        level = len(node.relative)
        if level == 0:
            return named
        package = self.here if self.package else self.here[:-1]
        return package[: max(0, len(package) - (level - 1))] + named


def code_of(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node).strip()


def dotted_end(node: cst.BaseExpression) -> str | None:
    """The last name of a dotted chain (`a.b.c` -> `c`, `a` -> `a`); None for other shapes."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute) and dotted_end(node.value) is not None:
        return node.attr.value
    return None


def api_change(
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


def users_of(
    path: str, name: str, files: SourceFiles, sources: frozenset[str], stems_only: bool = False
) -> tuple[list[str], list[str]]:
    """(source files, test files) that use `name` of the module at `path`: import it from the
    module (or, unless `stems_only`, a package above it), or name it as an attribute of a name
    for the module (of its own name only, when `stems_only`)."""
    target = module_of(path)
    used = []
    for p in files.users(name, path):
        refs = frozenset(target[-1:]) if stems_only else files.imports(p).refs(target)
        module = files.module(p)
        if files.imports(p).names_from(target, name, exactly=stems_only) or (
            module is not None and _names_attribute(module, name, refs)
        ):
            used.append(p)
    return [p for p in used if p in sources], [p for p in used if p not in sources]


def _names_attribute(module: cst.Module, name: str, refs: frozenset[str]) -> bool:
    finder = _AttributeFinder(name, refs)
    module.visit(finder)
    return finder.found


class _AttributeFinder(cst.CSTVisitor):
    """Whether a module names `X.name` with X a dotted name ending in one of `refs`."""

    def __init__(self, name: str, refs: frozenset[str]) -> None:
        super().__init__()
        self.name, self.refs, self.found = name, refs, False

    def visit_Attribute(self, node: cst.Attribute) -> bool:  # noqa: N802
        if node.attr.value == self.name and dotted_end(node.value) in self.refs:
            self.found = True
        return not self.found


def resolved_module(path: str, node: cst.ImportFrom) -> Module:
    """The dotted module a `from ... import` in the file at `path` names (relative resolved)."""
    return _ImportCollector(path).resolve_from(node)


def changed_only(files: SourceFiles, texts: dict[str, str]) -> dict[str, str]:
    """The files of `texts` that differ from the tree's."""
    return {p: t for p, t in texts.items() if files.texts.get(p) != t}
