"""Style drift: the repository's own conventions, and how much of a patch's added code breaks them.

A profile counts, over the repository's non-test Python files, the values each convention takes
(quote character, indentation unit, naming case per kind of name, import form, docstring style,
type hints, string formatting, line length). A convention's consistency is the share of its
dominant value. The drift of added code is the consistency-weighted mean, over the conventions
the added code exercises, of the share of its observations that differ from the dominant value;
weight = 2 x consistency - 1 for a convention followed confidently (consistency >= 0.8, seen at
least 3 times), else 0: a habit the repository keeps half the time is no convention.
Naming knows the names that follow their own habit: sentinels (`_MISSING = object()`, an empty
`class _Sentinel:`), throwaway `_`, one-capital math names (`N`), module-level PascalCase aliases.
"""

from __future__ import annotations

import ast
import hashlib
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, TypeAdapter

from codebench.analysis.diffs import FileDiff
from codebench.analysis.facts import SourceFacts, facts, walk_all
from codebench.analysis.layout import Observation, layout_observations
from codebench.analysis.repo import RepoTree, per_file_kind
from codebench.patching import is_test_path

PROFILE_CHARS = 2_000_000  # about 60k lines: a larger repository's profile reads a sample
MIN_OBSERVATIONS = 3  # a convention seen fewer times in the repository is not a convention
CONFIDENT = 0.8  # a convention followed by a smaller share of the repository is not a convention
SENTINEL_DUNDERS = frozenset({"__repr__", "__bool__", "__reduce__", "__copy__", "__deepcopy__"})
LONG_LINE = "line_length"
LINE_LENGTH_FLOOR = 79  # a line within PEP 8's limit never counts as too long


class ConventionProfile(BaseModel):
    """One convention of the repository."""

    model_config = ConfigDict(frozen=True)

    convention: str
    dominant: str
    consistency: float
    observations: int
    note: str = ""


class ConventionDrift(BaseModel):
    """How the added code stands against one convention."""

    model_config = ConfigDict(frozen=True)

    convention: str
    repo_value: str
    consistency: float
    added_observations: int
    breaking_share: float
    counted: bool = True  # False: too rarely seen or followed below CONFIDENT; weighs nothing


def case_of(name: str) -> str:
    """snake, upper, pascal, camel or other."""
    bare = name.strip("_")
    if not bare or bare.isdigit():
        return "other"
    if bare.isupper() or re.fullmatch(r"[A-Z0-9_]+", bare):
        return "upper" if "_" in bare or len(bare) > 1 else "other"
    if re.fullmatch(r"[a-z0-9_]+", bare):
        return "snake"
    if re.fullmatch(r"[A-Z][A-Za-z0-9]*", bare):
        return "pascal"
    if re.fullmatch(r"[a-z][A-Za-z0-9]*", bare):
        return "camel"
    return "other"


def _docstring_style(doc: str) -> str:
    if re.search(r"^\s*:(param|returns?|raises)\b", doc, re.M):
        return "sphinx"
    if re.search(r"^\s*(Parameters|Returns|Raises)\s*\n\s*-{3,}", doc, re.M):
        return "numpy"
    if re.search(r"^\s*(Args|Returns|Raises|Yields):\s*$", doc, re.M):
        return "google"
    return "plain"


def _naming_case(name: str) -> str | None:
    """The case a name shows, or None when it shows none: `_`, `__`, `_1`, one capital (`N`)."""
    bare = name.strip("_")
    if not bare or bare.isdigit() or re.fullmatch(r"[A-Z][0-9]*", bare):
        return None
    return case_of(name)


def _naming(convention: str, name: str) -> Iterator[Observation]:
    case = _naming_case(name)
    if case is not None:
        yield convention, case


@dataclass(frozen=True)
class NamingContext:
    """Where a file's names stand: `id()`s of sentinel nodes, of module-level stored names,
    and of aliases named as what they alias (`Format = annotationlib.Format`)."""

    sentinels: frozenset[int] = frozenset()
    module_names: frozenset[int] = frozenset()
    aliases: frozenset[int] = frozenset()


def is_sentinel_class(node: ast.ClassDef) -> bool:
    """A class that only marks identity: no bases but `object`, a body of `pass`, `...`, a
    docstring or identity dunders (`__repr__`, `__bool__`, ...)."""
    plain_bases = all(isinstance(b, ast.Name) and b.id == "object" for b in node.bases)
    if not plain_bases or node.keywords:
        return False
    return all(_is_marker_statement(statement) for statement in node.body)


def _is_marker_statement(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Pass):
        return True
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
        return statement.value.value is Ellipsis or isinstance(statement.value.value, str)
    return (
        isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef)
        and statement.name in SENTINEL_DUNDERS
    )


def _sentinel_target(statement: ast.stmt, classes: set[str]) -> ast.Name | None:
    """`NAME = object()` (or `NAME = SentinelClass()`, `NAME: T = object()`): its target."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target, value = statement.targets[0], statement.value
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        target, value = statement.target, statement.value
    else:
        return None
    called = value.func if isinstance(value, ast.Call) else None
    bare_call = isinstance(value, ast.Call) and not value.args and not value.keywords
    if bare_call and isinstance(called, ast.Name) and called.id in {"object", *classes}:
        return target if isinstance(target, ast.Name) else None
    return None


def _module_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Module-level statements, through `if`/`try`/`with` blocks but not into defs or classes."""
    for statement in body:
        yield statement
        if isinstance(statement, ast.If | ast.Try | ast.With):
            for block in ("body", "orelse", "finalbody"):
                yield from _module_statements(getattr(statement, block, []))
            for handler in getattr(statement, "handlers", []):
                yield from _module_statements(handler.body)


def naming_context(
    tree: ast.Module | None, walked: Iterable[ast.AST] | None = None
) -> NamingContext:
    """The sentinels (classes and values) and module-level stored names of a parsed file;
    `walked`: `ast.walk(tree)` already done (the file's `SourceFacts.walked`)."""
    if tree is None:
        return NamingContext()
    every_class = [
        n for n in (ast.walk(tree) if walked is None else walked) if isinstance(n, ast.ClassDef)
    ]
    classes = [n for n in every_class if is_sentinel_class(n)]
    names = {c.name for c in classes}
    sentinels: set[int] = {id(c) for c in classes}
    owners: list[ast.Module | ast.ClassDef] = [tree]
    owners.extend(every_class)
    for owner in owners:
        for statement in owner.body:
            target = _sentinel_target(statement, names)
            if target is not None:
                sentinels.add(id(target))
    module_names = {
        id(node)
        for statement in _module_statements(tree.body)
        if isinstance(statement, ast.Assign | ast.AnnAssign | ast.AugAssign)
        for node in walk_all(statement)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    }
    nodes = ast.walk(tree) if walked is None else walked
    return NamingContext(frozenset(sentinels), frozenset(module_names), _aliases(nodes))


def _aliases(nodes: Iterable[ast.AST]) -> frozenset[int]:
    """The targets of `X = X` and `X = module.X`: an alias keeps the name of what it aliases,
    whatever the repository's naming habit."""
    found = set()
    for node in nodes:
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target, value = node.targets[0], node.value
        aliased = value.id if isinstance(value, ast.Name) else getattr(value, "attr", None)
        if isinstance(target, ast.Name) and aliased == target.id:
            found.add(id(target))
    return frozenset(found)


def _name_observations(node: ast.Name, context: NamingContext) -> Iterator[Observation]:
    if id(node) in context.sentinels or id(node) in context.aliases:
        return
    case = _naming_case(node.id)
    if case == "upper":
        yield "naming.constant", case
    elif case == "pascal" and id(node) in context.module_names:
        return  # a module-level alias or factory result (`Number = int | float`): class-like
    elif case is not None:
        yield "naming.variable", case


def _function_observations(node: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[Observation]:
    if not (node.name.startswith("__") and node.name.endswith("__")):
        yield from _naming("naming.function", node.name)
    every = (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)
    params = [a for a in every if a.arg not in ("self", "cls")]
    for param in params:
        yield from _naming("naming.parameter", param.arg)
    hinted = all(p.annotation is not None for p in params) and node.returns is not None
    yield "type_hints", "annotated" if hinted else "unannotated"


def _definition_observations(node: ast.AST, context: NamingContext) -> Iterator[Observation]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        yield from _function_observations(node)
    elif isinstance(node, ast.ClassDef) and id(node) not in context.sentinels:
        yield from _naming("naming.class", node.name)
    doc = ast.get_docstring(node, clean=False)  # type: ignore[arg-type]
    if doc and "\n" in doc.strip():
        yield "docstrings", _docstring_style(doc)


def _store_observations(node: ast.AST, context: NamingContext) -> Iterator[Observation]:
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
        yield from _name_observations(node, context)


def _import_observations(node: ast.AST, context: NamingContext) -> Iterator[Observation]:
    if isinstance(node, ast.Import):
        yield "imports.form", "import module"
    elif isinstance(node, ast.ImportFrom):
        yield "imports.form", "from module import name"
        yield "imports.relative", "relative" if node.level else "absolute"


def _format_observations(node: ast.AST, context: NamingContext) -> Iterator[Observation]:
    if isinstance(node, ast.JoinedStr):
        yield "string_format", "f-string"
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and _is_str(node.left):
        yield "string_format", "percent"
    elif _is_str_format_call(node):
        yield "string_format", "str.format"


NodeObserver = Callable[[ast.AST, NamingContext], Iterator[Observation]]
# by node type: most nodes (loads, constants, operators) observe nothing and are skipped at
# the cost of one dict lookup, not a chain of isinstance checks
_OBSERVERS: dict[type[ast.AST], NodeObserver] = {
    ast.Module: _definition_observations,
    ast.FunctionDef: _definition_observations,
    ast.AsyncFunctionDef: _definition_observations,
    ast.ClassDef: _definition_observations,
    ast.Name: _store_observations,
    ast.Import: _import_observations,
    ast.ImportFrom: _import_observations,
    ast.JoinedStr: _format_observations,
    ast.BinOp: _format_observations,
    ast.Call: _format_observations,
}


def _is_str_format_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and _is_str(node.func.value)
    )


def _is_str(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def observations(source: str, keep: set[int] | None = None) -> list[Observation]:
    """Every convention observation of a file; with `keep`, only those on those lines."""
    return _observations(facts(source), keep)


def _observations(known: SourceFacts, keep: set[int] | None = None) -> list[Observation]:
    found = list(layout_observations(known, keep))
    context = naming_context(known.tree, known.walked)
    for node in known.walked:
        observer = _OBSERVERS.get(type(node))
        if observer is not None and (keep is None or getattr(node, "lineno", 1) in keep):
            found.extend(observer(node, context))
    return found


def repo_profile(repo: RepoTree) -> dict[str, ConventionProfile]:
    """The repository's conventions (cached per repository content)."""
    return repo.cached("style-profile", _compute_profile, PROFILE_CODEC)


@dataclass(frozen=True)
class FileStyle:
    """One file's part of the profile: how often each (convention, value) is observed, in the
    order first seen, and how many non-blank lines have each length."""

    counts: tuple[tuple[str, str, int], ...]
    lengths: tuple[tuple[int, int], ...]


def file_style(known: SourceFacts) -> FileStyle:
    """The style observations of one file, counted (cached per file text by `RepoTree`)."""
    counts = Counter(_observations(known))
    lengths = Counter(len(line) for line in known.source.splitlines() if line.strip())
    return FileStyle(
        tuple((c, v, n) for (c, v), n in counts.items()), tuple(sorted(lengths.items()))
    )


FILE_STYLE = "file-style"
per_file_kind(FILE_STYLE, lambda path: not is_test_path(path), file_style, TypeAdapter(FileStyle))


def profile_files(repo: RepoTree) -> list[str]:
    """The files the profile reads: every non-test Python file, or, past `PROFILE_CHARS` of
    them, the files first by the SHA-256 of their path up to that size (in tree order). A
    habit kept across a repository shows as well in 2 MB of it, whatever its size; the same
    paths are chosen in every snapshot, so the next commit's profile reads what it changed."""
    candidates = [p for p in repo.files if p.endswith(".py") and not is_test_path(p)]
    if sum(len(repo.files[p]) for p in candidates) <= PROFILE_CHARS:
        return candidates
    chosen, size = set(), 0
    for path in sorted(candidates, key=lambda p: hashlib.sha256(p.encode()).digest()):
        if size >= PROFILE_CHARS:
            break
        chosen.add(path)
        size += len(repo.files[path])
    return [p for p in candidates if p in chosen]


def _compute_profile(repo: RepoTree) -> dict[str, ConventionProfile]:
    """The fold of the per-file observations of `profile_files`, in tree order."""
    counts: dict[str, Counter[str]] = {}
    lengths: Counter[int] = Counter()
    for style in repo.per_file(FILE_STYLE, profile_files(repo)).values():
        for convention, value, number in style.counts:
            counts.setdefault(convention, Counter())[value] += number
        lengths.update(dict(style.lengths))
    profile = {}
    for convention, counter in counts.items():
        value, top = counter.most_common(1)[0]
        total = sum(counter.values())
        profile[convention] = ConventionProfile(
            convention=convention,
            dominant=value,
            consistency=round(top / total, 4),
            observations=total,
        )
    if lengths:
        # p95 describes the habit; the limit is the longest line the repository has (or 79),
        # read off every file: one long line is not a habit a sample shows
        total = sum(lengths.values())
        p95 = _nth(sorted(lengths.items()), math.ceil(0.95 * total))
        profile[LONG_LINE] = ConventionProfile(
            convention=LONG_LINE,
            dominant=f"<= {max(_longest_line(repo), LINE_LENGTH_FLOOR)}",
            consistency=1.0,
            observations=total,
            note=f"p95 {p95}",
        )
    return profile


def _longest_line(repo: RepoTree) -> int:
    """The length of the longest non-blank line of the non-test Python files."""
    return max(
        (
            len(line)
            for path, text in repo.files.items()
            if path.endswith(".py") and not is_test_path(path)
            for line in text.splitlines()
            if line.strip()
        ),
        default=0,
    )


def _nth(counted: list[tuple[int, int]], rank: int) -> int:
    """The `rank`-th smallest (1-based) of values given as sorted (value, count) pairs."""
    seen = 0
    for value, count in counted:
        seen += count
        if seen >= rank:
            return value
    return counted[-1][0]


PROFILE_CODEC: TypeAdapter[dict[str, ConventionProfile]] = TypeAdapter(dict[str, ConventionProfile])


def _weight(profile: ConventionProfile) -> float:
    if profile.observations < MIN_OBSERVATIONS or profile.consistency < CONFIDENT:
        return 0.0
    return max(0.0, 2 * profile.consistency - 1)


def style_drift(
    repo: RepoTree, diffs: Iterable[FileDiff]
) -> tuple[float | None, list[ConventionDrift]]:
    """(drift in [0, 1] or None when the added code exercises no weighted convention, detail)."""
    profile = repo_profile(repo)
    added: dict[str, Counter[str]] = {}
    for diff in diffs:
        if not diff.is_python or not diff.added:
            continue
        for convention, value in observations(diff.new, set(diff.added)):
            added.setdefault(convention, Counter())[value] += 1
        limit = profile.get(LONG_LINE)
        if limit is not None:
            bound = int(limit.dominant.split()[-1])
            lines = diff.new.splitlines()
            for number in diff.added:
                fits = len(lines[number - 1]) <= bound if number <= len(lines) else True
                added.setdefault(LONG_LINE, Counter())[limit.dominant if fits else "longer"] += 1
    detail, weighted, weights = [], 0.0, 0.0
    for convention, counter in sorted(added.items()):
        known = profile.get(convention)
        if known is None:
            continue
        total = sum(counter.values())
        breaking = round(1 - counter[known.dominant] / total, 4)
        detail.append(
            ConventionDrift(
                convention=convention,
                repo_value=known.dominant,
                consistency=known.consistency,
                added_observations=total,
                breaking_share=breaking,
                counted=_weight(known) > 0,
            )
        )
        weighted += _weight(known) * breaking
        weights += _weight(known)
    return (round(weighted / weights, 4) if weights else None), detail
