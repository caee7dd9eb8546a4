"""Cross-file context: call sites left on an old name or signature, new undefined names, broken
intra-repository imports, and helpers re-implemented instead of reused."""

from __future__ import annotations

import ast
import builtins
import difflib
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass

from pydantic import TypeAdapter

from codebench.analysis.diffs import FileDiff
from codebench.analysis.facts import SourceFacts, facts, walk_all
from codebench.analysis.findings import Finding, FindingKind, by_location
from codebench.analysis.names import resolve_file
from codebench.analysis.repo import RepoTree, per_file_kind
from codebench.analysis.resolved import CallShape, CallSite, ModulePath, ResolvedFile
from codebench.patching import is_test_path

BUILTINS = frozenset(dir(builtins)) | {"__file__", "__name__", "__doc__", "__spec__", "__path__"}
STAR_IMPORT = "import *"
HELPER_SIMILARITY = 0.9
HELPER_MIN_NODES = 15  # smaller functions are too generic to call re-implemented


class After:
    """Every Python file after the patch, parsed only when asked for: most metrics need a few
    files, and a substring test tells which files can matter."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self.texts = texts

    def get(self, path: str) -> SourceFacts | None:
        """The facts of a file that exists and parses."""
        text = self.texts.get(path)
        if text is None:
            return None
        known = facts(text)
        return known if known.tree is not None else None

    def mentioning(self, names: Iterable[str]) -> Iterator[tuple[str, SourceFacts]]:
        """(path, facts) of every parsing file whose text contains one of `names`."""
        wanted = tuple(names)
        for path in sorted(self.texts):
            if any(name in self.texts[path] for name in wanted):
                known = self.get(path)
                if known is not None:
                    yield path, known

    def resolved(self, names: Collection[str]) -> Iterator[tuple[str, ResolvedFile]]:
        """(path, resolved calls and imports) of every file whose text contains one of
        `names` (or a star import, which may re-export them) and that resolves; its calls are
        those that may reach one of `names`. A test file's calls are left out: no metric reads
        them (`stale_call_sites` skips tests), and without them its imports often need no
        libcst scopes."""
        wanted = frozenset(names)
        for path in sorted(self.texts):
            text = self.texts[path]
            if STAR_IMPORT in text or any(name in text for name in wanted):
                file = resolve_file(path, text, wanted, calls=not is_test_path(path))
                if isinstance(file, ResolvedFile):
                    yield path, file


@dataclass(frozen=True)
class Signature:
    """What a call must match: positional parameters, required ones, keyword names."""

    positional: int
    required: int
    keywords: frozenset[str]
    variadic: bool

    @classmethod
    def of(cls, node: ast.FunctionDef | ast.AsyncFunctionDef, bound: bool) -> Signature:
        """The signature as callers see it (`bound`: a method's self/cls is left out)."""
        args = node.args
        positional = [*args.posonlyargs, *args.args][1 if bound else 0 :]
        required = len(positional) - len(args.defaults)
        keywords = {a.arg for a in (*args.args, *args.kwonlyargs)}
        kw_required = [
            a for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is None
        ]
        variadic = args.vararg is not None or args.kwarg is not None
        return cls(
            len(positional), max(required, 0) + len(kw_required), frozenset(keywords), variadic
        )

    def accepts(self, call: CallShape) -> bool:
        """Whether a call's arguments fit (calls with * or ** unpacking get the benefit)."""
        if self.variadic or call.unpacked:
            return True
        if call.positional > self.positional or not call.keywords <= self.keywords:
            return False
        return call.positional + len(call.keywords) >= self.required


@dataclass(frozen=True)
class CallableDef:
    """A function or method as callers reach it."""

    name: str
    is_method: bool  # reached as `obj.name(...)`; a module function as `name(...)`
    signature: Signature


def _callables(known: SourceFacts) -> dict[str, CallableDef]:
    found = {}
    for qualname, node in known.definitions:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        parent = known.nodes.get(qualname.rpartition(".")[0])
        in_class = isinstance(parent, ast.ClassDef)
        static = any(
            isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list
        )
        if parent is not None and not in_class:
            continue  # nested functions are private to their parent
        signature = Signature.of(node, bound=in_class and not static)
        found[qualname] = CallableDef(node.name, in_class, signature)
    return found


def new_facts(repo: RepoTree, diffs: Iterable[FileDiff]) -> After:
    """Every Python file after the patch."""
    texts = dict(repo.python_sources())
    for diff in diffs:
        if diff.is_python:
            texts.pop(diff.path, None)
            if diff.new:
                texts[diff.path] = diff.new
    return After(texts)


@dataclass(frozen=True)
class Changed:
    """A function or method the patch removed (`now` None) or re-signed (its new signature)."""

    qualified: str  # fully qualified: `pkg.mod.f`, `pkg.mod.Class.method`
    before: CallableDef
    now: Signature | None


def _changed_callables(diffs: list[FileDiff], after: After) -> dict[str, Changed]:
    """Callables the patch removed or re-signed, by fully qualified name."""
    changed: dict[str, Changed] = {}
    for diff in diffs:
        if not diff.is_python or not diff.old or facts(diff.old).tree is None:
            continue
        patched = after.get(diff.path)
        if diff.new and patched is None:
            continue  # the patched file does not parse: its functions are unknown, not gone
        module = ModulePath.of(diff.path).name
        old = _callables(facts(diff.old))
        new = _callables(patched) if patched is not None else {}
        for qualname, before in old.items():
            qualified = f"{module}.{qualname}" if module else qualname
            if qualname not in new and not _still_defined(before, patched, after):
                changed[qualified] = Changed(qualified, before, None)
            elif qualname in new and new[qualname].signature != before.signature:
                changed[qualified] = Changed(qualified, before, new[qualname].signature)
    return changed


def _still_defined(before: CallableDef, patched: SourceFacts | None, after: After) -> bool:
    """Whether a callable gone from its place is still reachable: a module function whose
    module still binds its name (say, imported from where it moved); a method defined anywhere
    (a base class may have it now)."""
    if not before.is_method:
        return patched is not None and before.name in _module_names(patched)
    return any(
        qualname.rsplit(".", 1)[-1] == before.name
        for _, known in after.mentioning([before.name])
        for qualname, _ in known.definitions
    )


def _follow_re_exports(
    changed: dict[str, Changed], after: After
) -> tuple[dict[str, Changed], dict[str, ResolvedFile]]:
    """`changed` plus every module-level name that re-exports one of them (a package's
    `from .mod import f` or `from .mod import *` makes `pkg.f` the same function, as does
    `g = mod.f`), and the resolved files that could refer to any of them (their text has one
    of the bare names)."""
    targets = dict(changed)
    names = {c.before.name for c in changed.values()}
    while True:
        resolved = dict(after.resolved(names))
        found = {
            bound: targets[target]
            for path, file in resolved.items()
            for target, bound in _re_exports(path, file, targets, after)
            if bound not in targets
        }
        if not found:
            return targets, resolved
        targets.update(found)
        names |= {bound.rpartition(".")[2] for bound in found}


def _re_exports(
    path: str, file: ResolvedFile, targets: Mapping[str, Changed], after: After
) -> Iterator[tuple[str, str]]:
    """(target, the module attribute re-binding it) for every target a file re-exports: by
    name, or through a star import of a name the file does not bind itself."""
    for imported in file.imports:
        if imported.target in targets and imported.bound:
            yield imported.target, imported.bound
    module, known = ModulePath.of(path).name, after.get(path)
    own = _module_names(known) if known is not None and file.star_imports else set()
    for star in file.star_imports:
        for target in targets:
            source, _, name = target.rpartition(".")
            if source == star and module and not name.startswith("_") and name not in own:
                yield target, f"{module}.{name}"


def stale_call_sites(diffs: list[FileDiff], after: After) -> list[Finding]:
    """Calls and imports anywhere outside the tests that still use a removed function or
    method, or call a re-signed one in a way its new signature no longer accepts.

    A call is matched by what its callee resolves to (`names.resolve_file`): a module function
    by its fully qualified name, through any alias or module attribute; a method by its name
    after a dot, unless the receiver is something imported other than the method's class.
    """
    targets, resolved = _follow_re_exports(_changed_callables(diffs, after), after)
    methods: dict[str, list[Changed]] = {}
    for changed in {c.qualified: c for c in targets.values()}.values():
        if changed.before.is_method:
            methods.setdefault(changed.before.name, []).append(changed)
    stale: list[Finding] = []
    for path, file in sorted(resolved.items()):
        if is_test_path(path):
            continue  # tests are not the patch's to change (edits to them are reverted)
        stale.extend(_stale_imports(path, file, targets))
        for call in file.calls:
            now = _callee(call, file, targets, methods)
            if now is not None and (now.now is None or not now.now.accepts(call.shape)):
                stale.append(
                    Finding(path=path, line=call.line, name=call.name, kind=FindingKind.STALE_CALL)
                )
    return by_location(stale)


def _stale_imports(
    path: str, file: ResolvedFile, targets: Mapping[str, Changed]
) -> Iterator[Finding]:
    """Imports and module-level aliases of a removed module function."""
    for imported in file.imports:
        changed = targets.get(imported.target)
        if changed is None or changed.now is not None or changed.before.is_method:
            continue
        if imported.assigned:
            yield Finding(
                path=path,
                line=imported.line,
                name=imported.name,
                kind=FindingKind.STALE_ALIAS,
                detail=changed.before.name,
            )
        else:
            yield Finding(
                path=path, line=imported.line, name=imported.name, kind=FindingKind.STALE_IMPORT
            )


def _callee(
    call: CallSite,
    file: ResolvedFile,
    targets: dict[str, Changed],
    methods: dict[str, list[Changed]],
) -> Changed | None:
    """The changed callable a call reaches, if any."""
    if call.own_method is not None:
        return targets.get(call.own_method)  # `self.f()` of a class defining `f`: that one
    reachable = call.targets or _through_star_imports(call, file)
    for target in sorted(reachable):
        if target in targets and not targets[target].before.is_method:
            return targets[target]
    if not call.via_attribute:
        return None  # a method is called as obj.name(); a module function as name()
    for method in methods.get(call.name, ()):
        if call.imported <= {method.qualified}:
            return method  # an instance, or the class itself: not some imported module's f
    return None


def _through_star_imports(call: CallSite, file: ResolvedFile) -> frozenset[str]:
    """What a plain call of a name the file never binds may reach: the name of a module it
    star-imports."""
    if call.via_attribute:
        return frozenset()
    return frozenset(f"{star}.{call.name}" for star in file.star_imports)


def _bound_names(nodes: Iterable[ast.AST]) -> set[str]:
    bound = set()
    for node in nodes:
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


def _undefined(known: SourceFacts) -> set[tuple[int, str]]:
    bound = _bound_names(known.walked) | BUILTINS
    return {
        (node.lineno, node.id)
        for node in known.walked
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in bound
    }


def undefined_names(diffs: list[FileDiff], after: After) -> list[Finding]:
    """Names the added lines use that nothing defines, and imports of repository modules or
    names that do not exist after the patch, by path and line."""
    found: list[Finding] = []
    for diff in diffs:
        known = after.get(diff.path)
        if known is None or not diff.added:
            continue
        before = {name for _, name in _undefined(facts(diff.old))} if diff.old else set()
        for line, name in sorted(_undefined(known)):
            if line in diff.added and name not in before:
                found.append(
                    Finding(path=diff.path, line=line, name=name, kind=FindingKind.UNDEFINED_NAME)
                )
        found.extend(_broken_imports(diff, known, after))
    return by_location(found)


def _module_path(module: str, after: After) -> str | None:
    """The file of a repository module, in a flat or a `src/` layout."""
    base = module.replace(".", "/")
    for root in ("", "src/"):
        for candidate in (f"{root}{base}.py", f"{root}{base}/__init__.py"):
            if candidate in after.texts:
                return candidate
    return None


def _resolve(path: str, node: ast.ImportFrom) -> str:
    """The absolute module a from-import names ("" when it climbs above the top package)."""
    if not node.level:
        return node.module or ""
    package = ModulePath.of(path).package
    bits = package.rsplit(".", node.level - 1) if package else []
    if len(bits) < node.level:
        return ""
    return ".".join(part for part in (bits[0], node.module) if part)


def _top_level_names(after: After) -> set[str]:
    """The importable top-level names of the repository: packages and top-level modules, under
    `src/` in a src layout."""
    return {p.removeprefix("src/").split("/")[0].removesuffix(".py") for p in after.texts}


def _broken_imports(diff: FileDiff, known: SourceFacts, after: After) -> Iterator[Finding]:
    roots = _top_level_names(after)
    for node in known.walked:
        if getattr(node, "lineno", 0) not in diff.added:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in roots and not _module_path(alias.name, after):
                    yield Finding(
                        path=diff.path,
                        line=node.lineno,
                        name=alias.name,
                        kind=FindingKind.BROKEN_IMPORT,
                    )
        elif isinstance(node, ast.ImportFrom):
            yield from _broken_from_import(diff.path, node, roots, after)


def _broken_from_import(
    path: str, node: ast.ImportFrom, roots: set[str], after: After
) -> Iterator[Finding]:
    """A from-import of a repository module that does not exist, else of names it lacks."""
    module = _resolve(path, node)
    if module.split(".")[0] not in roots:
        return
    target = _module_path(module, after)
    if target is None:
        yield Finding(path=path, line=node.lineno, name=module, kind=FindingKind.BROKEN_FROM_MODULE)
        return
    target_facts = after.get(target)
    defined = _module_names(target_facts) if target_facts is not None else set()
    for alias in node.names:
        submodule = _module_path(f"{module}.{alias.name}", after)
        if alias.name != "*" and alias.name not in defined and submodule is None:
            yield Finding(
                path=path,
                line=node.lineno,
                name=alias.name,
                kind=FindingKind.BROKEN_FROM_NAME,
                detail=module,
            )


def _module_names(known: SourceFacts) -> set[str]:
    names = set()
    for node in known.tree.body if known.tree else ():
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        else:
            names |= _bound_names(walk_all(node))
    return names


def _is_helper(node: ast.AST) -> bool:
    """A function that could be a reusable helper (dunder protocol methods are not)."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    return not (node.name.startswith("__") and node.name.endswith("__"))


def _shape(node: ast.AST) -> list[str]:
    """A function's structure with its own names erased: node types, attributes, constants."""
    shape = []
    for child in walk_all(node):
        shape.append(type(child).__name__)
        if isinstance(child, ast.Attribute):
            shape.append(child.attr)
        elif isinstance(child, ast.Constant):
            shape.append(repr(child.value)[:20])
    return shape


SHAPES_CODEC: TypeAdapter[list[tuple[str, list[str]]]] = TypeAdapter(list[tuple[str, list[str]]])


def file_shapes(known: SourceFacts) -> tuple[tuple[str, list[str]], ...]:
    """(qualified name, shape) of every helper-sized function of one file (none when it does
    not parse); cached per file text by `RepoTree`."""
    found = []
    for qualname, node in known.definitions:
        shape = _shape(node) if _is_helper(node) else []
        if len(shape) >= HELPER_MIN_NODES:
            found.append((qualname, shape))
    return tuple(found)


FILE_SHAPES = "file-shapes"
FILE_SHAPES_CODEC: TypeAdapter[tuple[tuple[str, list[str]], ...]] = TypeAdapter(
    tuple[tuple[str, list[str]], ...]
)
per_file_kind(FILE_SHAPES, lambda path: True, file_shapes, FILE_SHAPES_CODEC)


def _function_shapes(repo: RepoTree) -> list[tuple[str, list[str]]]:
    def compute(tree: RepoTree) -> list[tuple[str, list[str]]]:
        return [
            (f"{path}::{qualname}", shape)
            for path, shapes in tree.per_file(FILE_SHAPES).items()
            for qualname, shape in shapes
        ]

    return repo.cached("function-shapes", compute, SHAPES_CODEC)


def reinvented_helpers(repo: RepoTree, diffs: list[FileDiff], after: After) -> list[Finding]:
    """Functions the patch adds that are near-copies of a function that still exists, by path
    and line. The repository's function shapes are only computed when the patch adds a
    function large enough to be a helper (most patches add none)."""
    added = list(_added_helpers(diffs, after))
    if not added:
        return []
    existing = _function_shapes(repo)
    found: list[Finding] = []
    for path, qualname, node, shape in added:
        match = _closest(shape, existing, after)
        if match:
            found.append(
                Finding(
                    path=path,
                    line=node.lineno,
                    name=qualname,
                    kind=FindingKind.REINVENTED_HELPER,
                    detail=match,
                )
            )
    return by_location(found)


def _added_helpers(
    diffs: list[FileDiff], after: After
) -> Iterator[tuple[str, str, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, list[str]]]:
    """(path, qualified name, node, shape) of each helper-sized function a patch adds."""
    for diff in diffs:
        known = after.get(diff.path)
        if known is None:
            continue
        old_names = set(facts(diff.old).nodes) if diff.old else set()
        for qualname, node in known.definitions:
            shape = _shape(node) if qualname not in old_names and _is_helper(node) else []
            if len(shape) >= HELPER_MIN_NODES:
                yield diff.path, qualname, node, shape


def _closest(shape: list[str], existing: list[tuple[str, list[str]]], after: After) -> str | None:
    for name, other in existing:
        if not 0.8 <= len(shape) / len(other) <= 1.25:
            continue  # too different in size to reach the threshold
        matcher = difflib.SequenceMatcher(None, shape, other, autojunk=False)
        if (
            matcher.real_quick_ratio() < HELPER_SIMILARITY
            or matcher.quick_ratio() < HELPER_SIMILARITY
        ):
            continue
        ratio = matcher.ratio()
        path, _, qualname = name.partition("::")
        existing_now = after.get(path)
        if (
            ratio >= HELPER_SIMILARITY
            and existing_now is not None
            and qualname in existing_now.nodes
        ):
            return f"{name} ({ratio:.2f})"
    return None
