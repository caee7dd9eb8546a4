"""The analyzer's findings placed on the lines of the patch they are about: out-of-scope
edits, cosmetic-only definitions, lost comments and docstrings, stale call sites and broken
names, style breaks. What has no line in the patch (a stale call site elsewhere in the
repository, a convention broken in general) is listed apart."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from codebench.analysis import EditAnalysis, Finding
from codebench.analysis.style import ConventionDrift, case_of
from codebench.report.diff_lines import DiffLine, LineKind, changed_entities

_STRING_SINGLE = re.compile(r"(?<![\w'\"])'[^'\"\n]*'")
_STRING_DOUBLE = re.compile(r'(?<![\w\'"])"[^\'"\n]*"')
_NAMED = re.compile(r"^\s*(?:async\s+)?(def|class)\s+([A-Za-z_]\w*)")
_LENGTH = re.compile(r"<=\s*(\d+)")
SHOWN_ON_LINES = frozenset({"naming.function", "naming.class", "quotes", "line_length"})


class MarkKind(StrEnum):
    """What a mark on a line says."""

    OUT_OF_SCOPE = "out_of_scope"
    COSMETIC = "cosmetic"
    LOST_COMMENT = "lost_comment"
    STALE_CALL = "stale_call"
    UNDEFINED = "undefined"
    STYLE = "style"


@dataclass(frozen=True)
class Mark:
    """One finding on one line: its kind and why, for a person."""

    kind: MarkKind
    why: str


@dataclass(frozen=True)
class Marked:
    """The marks of each line (by index into the diff's lines), and the findings without a
    line in the patch."""

    marks: dict[int, tuple[Mark, ...]]
    elsewhere: tuple[str, ...]


def same_entity(line_entity: str, named: str) -> bool:
    """Whether a line's entity, as the hunk shows it, may be the analyzer's `named` one: the
    same, or one the hunk shows only in part (a method whose class is above the hunk, or whose
    `def` is: git's hunk header names the class)."""
    if line_entity == named:
        return True
    path, _, qualname = line_entity.partition("::")
    other_path, _, other = named.partition("::")
    if path != other_path:
        return False
    return (
        other.endswith("." + qualname)
        or qualname.endswith("." + other)
        or other.startswith(qualname + ".")
    )


def _in(entity: str, named: set[str]) -> bool:
    return any(same_entity(entity, n) for n in named)


def _lost(line: DiffLine, analysis: EditAnalysis) -> Mark | None:
    if line.kind is not LineKind.REMOVED or not analysis.docstring_comment_loss:
        return None
    for entry in analysis.docstring_comment_loss:
        entity, _, text = entry.partition(": ")
        path = entity.partition("::")[0]
        shown = text.removeprefix('"""').strip()
        if path == line.path and shown and shown in line.text:
            return Mark(MarkKind.LOST_COMMENT, f"lost: {text}")
    return None


def _style(line: DiffLine, drifts: list[ConventionDrift]) -> Mark | None:
    if line.kind is not LineKind.ADDED or not drifts:
        return None
    for drift in drifts:
        if _breaks(line.text, drift):
            return Mark(
                MarkKind.STYLE, f"breaks {drift.convention}: the repository's is {drift.repo_value}"
            )
    return None


def _breaks(code: str, drift: ConventionDrift) -> bool:
    """Whether an added line visibly breaks a convention (the ones a line alone shows)."""
    named = _NAMED.match(code)
    if drift.convention in ("naming.function", "naming.class") and named:
        wanted = "def" if drift.convention == "naming.function" else "class"
        name = named.group(2)
        return (
            named.group(1) == wanted
            and not name.startswith("__")
            and case_of(name) != drift.repo_value
        )
    if drift.convention == "quotes":
        other = _STRING_SINGLE if drift.repo_value == "double" else _STRING_DOUBLE
        return bool(other.search(code))
    if drift.convention == "line_length":
        limit = _LENGTH.search(drift.repo_value)
        return limit is not None and len(code) > int(limit.group(1))
    return False


def _finding_marks(
    lines: list[DiffLine], findings: list[tuple[MarkKind, Finding]]
) -> tuple[dict[int, list[Mark]], list[str]]:
    """Findings on the new line they name, when the patch shows it; the others as text."""
    at = {(line.path, line.new): i for i, line in enumerate(lines) if line.new is not None}
    placed: dict[int, list[Mark]] = {}
    elsewhere = []
    for kind, finding in findings:
        index = at.get((finding.path, finding.line))
        if index is None:
            elsewhere.append(f"{kind.value.replace('_', ' ')}: {finding.label}")
        else:
            placed.setdefault(index, []).append(Mark(kind, finding.label))
    return placed, elsewhere


def _findings(analysis: EditAnalysis) -> list[tuple[MarkKind, Finding]]:
    return [
        *((MarkKind.STALE_CALL, f) for f in analysis.stale_call_sites),
        *((MarkKind.UNDEFINED, f) for f in analysis.undefined_names),
        *((MarkKind.UNDEFINED, f) for f in analysis.syntax_errors),
    ]


def _entity_marks(
    entity: str, analysis: EditAnalysis, gold: set[str] | None, cosmetic: set[str]
) -> list[Mark]:
    """The marks every changed line of one entity carries (computed once per entity)."""
    found = []
    if gold is not None and analysis.out_of_scope_churn and not _in(entity, gold):
        found.append(Mark(MarkKind.OUT_OF_SCOPE, f"{entity} is not changed by the gold patch"))
    if _in(entity, cosmetic):
        found.append(Mark(MarkKind.COSMETIC, f"{entity}: only its formatting changed"))
    return found


def mark_diff(
    lines: list[DiffLine], analysis: EditAnalysis | None, gold: list[DiffLine] | None
) -> Marked:
    """The analysis's findings on the patch's lines (`gold`: the gold patch's lines, which
    decide what is out of scope; None without one)."""
    if analysis is None:
        return Marked({}, ())
    gold_entities = changed_entities(gold) if gold is not None else None
    drifts = [d for d in analysis.style_detail if d.breaking_share > 0 and d.counted]
    placed, elsewhere = _finding_marks(lines, _findings(analysis))
    cosmetic = set(analysis.cosmetic_entities)
    by_entity: dict[str, list[Mark]] = {}
    for index, line in enumerate(lines):
        if line.kind is not LineKind.ADDED and line.kind is not LineKind.REMOVED:
            continue
        if line.entity not in by_entity:
            by_entity[line.entity] = _entity_marks(line.entity, analysis, gold_entities, cosmetic)
        found = [*by_entity[line.entity], _lost(line, analysis), _style(line, drifts)]
        if any(found):
            placed.setdefault(index, []).extend(mark for mark in found if mark is not None)
    shown = {d.convention for d in drifts if d.convention in SHOWN_ON_LINES}
    elsewhere += [
        f"style: {d.breaking_share:.0%} of {d.added_observations} {d.convention} observations "
        f"break the repository's {d.repo_value}"
        for d in drifts
        if d.convention not in shown
    ]
    marks = {i: tuple(found) for i, found in placed.items() if found}
    return Marked(marks, tuple(elsewhere))
