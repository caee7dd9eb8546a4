"""Cross-file context: call sites left on an old signature, new undefined names, broken
intra-repository imports, and helpers re-implemented instead of reused."""

from __future__ import annotations

import ast
import builtins
import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from codebench.analysis.diffs import FileDiff
from codebench.analysis.hygiene import definitions
from codebench.analysis.parsing import parse_python
from codebench.analysis.repo import RepoTree, parsed_modules
from codebench.patching import is_test_path

BUILTINS = frozenset(dir(builtins)) | {"__file__", "__name__", "__doc__", "__spec__", "__path__"}
HELPER_SIMILARITY = 0.9
HELPER_MIN_NODES = 15  # smaller functions are too generic to call re-implemented


@dataclass(frozen=True)
class Signature:
    """What a call must match: positional parameters, required ones, keyword names."""

    positional: int
    required: int
    keywords: frozenset[str]
    variadic: bool

    @classmethod
    def of(cls, node: ast.FunctionDef | ast.AsyncFunctionDef, method: bool) -> Signature:
        """The signature as callers see it (a method's self/cls left out)."""
        args = node.args
        positional = [*args.posonlyargs, *args.args][1 if method else 0 :]
        required = len(positional) - len(args.defaults)
        keywords = {a.arg for a in (*args.args, *args.kwonlyargs)}
        kw_required = [
            a for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is None
        ]
        variadic = args.vararg is not None or args.kwarg is not None
        return cls(
            len(positional), max(required, 0) + len(kw_required), frozenset(keywords), variadic
        )

    def accepts(self, call: ast.Call) -> bool:
        """Whether a call's arguments fit (calls with * or ** unpacking are given the benefit)."""
        if self.variadic or any(isinstance(a, ast.Starred) for a in call.args):
            return True
        if any(k.arg is None for k in call.keywords):
            return True
        names = {k.arg for k in call.keywords if k.arg}
        if len(call.args) > self.positional or not names <= self.keywords:
            return False
        return len(call.args) + len(names) >= self.required


def _signatures(tree: ast.AST) -> dict[str, Signature]:
    found = {}
    for qualname, node in definitions(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found[qualname] = Signature.of(node, method="." in qualname)
    return found


def _calls(tree: ast.AST) -> Iterator[tuple[str, ast.Call]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                yield node.func.id, node
            elif isinstance(node.func, ast.Attribute):
                yield node.func.attr, node


def new_trees(repo: RepoTree, diffs: Iterable[FileDiff]) -> dict[str, ast.Module]:
    """`ast` trees of every Python file after the patch (unchanged files from the cache)."""
    trees: dict[str, ast.Module] = dict(parsed_modules(repo))  # type: ignore[arg-type]
    for diff in diffs:
        if not diff.is_python:
            continue
        trees.pop(diff.path, None)
        tree = parse_python(diff.new).tree if diff.new else None
        if tree is not None:
            trees[diff.path] = tree
    return trees


def stale_call_sites(diffs: list[FileDiff], after: Mapping[str, ast.Module]) -> list[str]:
    """Calls anywhere in the repository to a function the patch removed, renamed or re-signed,
    that still use the old name or no longer fit the new signature."""
    defined_after = {q.rsplit(".", 1)[-1] for t in after.values() for q, _ in definitions(t)}
    changed: dict[str, Signature | None] = {}
    for diff in diffs:
        old_tree = parse_python(diff.old).tree if diff.is_python and diff.old else None
        if old_tree is None:
            continue
        new_tree = after.get(diff.path)
        old_sigs, new_sigs = _signatures(old_tree), _signatures(new_tree) if new_tree else {}
        for qualname, signature in old_sigs.items():
            name = qualname.rsplit(".", 1)[-1]
            if qualname not in new_sigs and name not in defined_after:
                changed[name] = None  # gone: every remaining call is stale
            elif qualname in new_sigs and new_sigs[qualname] != signature:
                changed[name] = new_sigs[qualname]
    stale: list[str] = []
    for path, tree in sorted(after.items()):
        if is_test_path(path):
            continue  # tests are not the patch's to change (edits to them are reverted)
        stale.extend(
            f"{path}:{node.lineno} import {alias.name}"
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
            if alias.name in changed and changed[alias.name] is None
        )
        for name, call in _calls(tree):
            if name in changed:
                now = changed[name]
                if now is None or not now.accepts(call):
                    stale.append(f"{path}:{call.lineno} {name}()")
    return sorted(stale, key=_by_line)


def _by_line(site: str) -> tuple[str, int]:
    location = site.split(" ", 1)[0]
    path, _, line = location.rpartition(":")
    return path, int(line)


def _bound_names(tree: ast.AST) -> set[str]:
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            bound.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            bound.update(node.names)
        elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name:
            bound.add(node.name)
    return bound


def _undefined(tree: ast.AST) -> set[tuple[int, str]]:
    bound = _bound_names(tree) | BUILTINS
    return {
        (node.lineno, node.id)
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in bound
    }


def undefined_names(diffs: list[FileDiff], after: Mapping[str, ast.Module]) -> list[str]:
    """Names the added lines use that nothing defines, and imports of repository modules or
    names that do not exist after the patch."""
    found = []
    for diff in diffs:
        tree = after.get(diff.path)
        if tree is None or not diff.added:
            continue
        old_tree = parse_python(diff.old).tree if diff.old else None
        before = {name for _, name in _undefined(old_tree)} if old_tree else set()
        for line, name in sorted(_undefined(tree)):
            if line in diff.added and name not in before:
                found.append(f"{diff.path}:{line} {name}")
        found.extend(_broken_imports(diff, tree, after))
    return found


def _module_path(module: str, after: Mapping[str, ast.Module]) -> str | None:
    base = module.replace(".", "/")
    for candidate in (f"{base}.py", f"{base}/__init__.py"):
        if candidate in after:
            return candidate
    return None


def _resolve(path: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = path.split("/")[: -node.level]
    return ".".join([*package, *(node.module.split(".") if node.module else [])])


def _broken_imports(
    diff: FileDiff, tree: ast.Module, after: Mapping[str, ast.Module]
) -> Iterator[str]:
    packages = {p.split("/")[0] for p in after}
    for node in ast.walk(tree):
        if getattr(node, "lineno", 0) not in diff.added:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in packages and not _module_path(alias.name, after):
                    yield f"{diff.path}:{node.lineno} import {alias.name}"
        elif isinstance(node, ast.ImportFrom):
            module = _resolve(diff.path, node)
            if module.split(".")[0] not in packages:
                continue
            target = _module_path(module, after)
            if target is None:
                yield f"{diff.path}:{node.lineno} from {module} import ..."
                continue
            defined = _bound_names_top(after[target])
            for alias in node.names:
                submodule = _module_path(f"{module}.{alias.name}", after)
                if alias.name != "*" and alias.name not in defined and submodule is None:
                    yield f"{diff.path}:{node.lineno} from {module} import {alias.name}"


def _bound_names_top(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        names |= (
            _bound_names(node)
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            else {node.name}
        )
    return names


def _is_helper(node: ast.AST) -> bool:
    """A function that could be a reusable helper (dunder protocol methods are not)."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    return not (node.name.startswith("__") and node.name.endswith("__"))


def _shape(node: ast.AST) -> list[str]:
    """A function's structure with its own names erased: node types, attributes, called names."""
    shape = []
    for child in ast.walk(node):
        shape.append(type(child).__name__)
        if isinstance(child, ast.Attribute):
            shape.append(child.attr)
        elif isinstance(child, ast.Constant):
            shape.append(repr(child.value)[:20])
    return shape


def _function_shapes(repo: RepoTree) -> list[tuple[str, list[str]]]:
    def compute(tree: RepoTree) -> list[tuple[str, list[str]]]:
        shapes = []
        for path, module in parsed_modules(tree).items():
            for qualname, node in definitions(module):  # type: ignore[arg-type]
                if _is_helper(node):
                    shape = _shape(node)
                    if len(shape) >= HELPER_MIN_NODES:
                        shapes.append((f"{path}::{qualname}", shape))
        return shapes

    return repo.cached("function-shapes", compute)


def reinvented_helpers(
    repo: RepoTree, diffs: list[FileDiff], after: Mapping[str, ast.Module]
) -> list[str]:
    """Functions the patch adds that are near-copies of a function that still exists."""
    still_there = {
        f"{path}::{qualname}" for path, tree in after.items() for qualname, _ in definitions(tree)
    }
    existing = [(name, shape) for name, shape in _function_shapes(repo) if name in still_there]
    found = []
    for diff in diffs:
        tree = after.get(diff.path)
        if tree is None:
            continue
        old_tree = parse_python(diff.old).tree if diff.old else None
        old_names = {q for q, _ in definitions(old_tree)} if old_tree else set()
        for qualname, node in definitions(tree):
            is_new = qualname not in old_names and _is_helper(node)
            shape = _shape(node) if is_new else []
            if len(shape) < HELPER_MIN_NODES:
                continue
            for name, other in existing:
                ratio = difflib.SequenceMatcher(None, shape, other, autojunk=False).ratio()
                if ratio >= HELPER_SIMILARITY:
                    found.append(f"{diff.path}::{qualname} ~ {name} ({ratio:.2f})")
                    break
    return found
