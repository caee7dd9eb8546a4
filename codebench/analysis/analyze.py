"""`analyze()`: every metric of one patch against its starting tree and, if known, the gold."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from codebench.analysis.crossfile import (
    new_facts,
    reinvented_helpers,
    stale_call_sites,
    undefined_names,
)
from codebench.analysis.diffs import FileDiff, file_diffs
from codebench.analysis.entities import (
    LOCAL_MAX_DEFINITIONS,
    Entity,
    broken_by_patch,
    classify_scope,
    entity_lines,
)
from codebench.analysis.facts import cst_syntax_error
from codebench.analysis.findings import Finding, FindingKind, by_location
from codebench.analysis.hygiene import cosmetic_entities, docstring_comment_loss, renamed_names
from codebench.analysis.repo import RepoTree
from codebench.analysis.scope import excess_edit_distance, out_of_scope_churn, precision_recall
from codebench.analysis.style import ConventionDrift, repo_profile, style_drift
from codebench.analysis.version import ANALYSIS_VERSION
from codebench.patching import is_test_path
from codebench.tasks.schema import Scope


class EditAnalysis(BaseModel):
    """How a patch edits: scope, irrelevant edits, style drift, cross-file context."""

    model_config = ConfigDict(frozen=True)

    analysis_version: int = ANALYSIS_VERSION
    scope: Scope
    files_changed: list[str]
    entities_changed: list[str]
    test_files_changed: list[str] = []
    unparsable_files: list[str] = []
    entity_precision: float | None
    entity_recall: float | None
    file_precision: float | None
    file_recall: float | None
    out_of_scope_churn: float | None
    excess_edit_distance: float | None
    cosmetic_entities: list[str]
    docstring_comment_loss: list[str]
    renamed_names: list[str]
    style_drift: float | None
    style_detail: list[ConventionDrift]
    stale_call_sites: list[Finding]
    undefined_names: list[Finding]
    reinvented_helpers: list[Finding]
    syntax_errors: list[Finding]


def _lines(diffs: list[FileDiff]) -> dict[Entity, int]:
    merged: dict[Entity, int] = {}
    for diff in diffs:
        for entity, count in entity_lines(diff).items():
            merged[entity] = merged.get(entity, 0) + count
    return merged


def split_tests(diffs: list[FileDiff]) -> tuple[list[FileDiff], list[FileDiff]]:
    """(code files, test files) of a patch, test files as `is_test_path` decides."""
    code = [d for d in diffs if not is_test_path(d.path)]
    return code, [d for d in diffs if is_test_path(d.path)]


def prepare_snapshot(repo: RepoTree) -> None:
    """Compute, into the caches, what every analysis of a patch to `repo` needs from the
    starting tree alone (its style profile), so that it can be done ahead, beside grading."""
    repo_profile(repo)


def analyze(
    repo: RepoTree, patch: str, gold: str | None = None, declared_scope: Scope | None = None
) -> EditAnalysis:
    """Analyse `patch` against `repo`; with `gold`, score it against the reference patch.

    Test files (`is_test_path`) are listed apart in `test_files_changed` and left out of scope,
    entities, precision/recall, churn, distance, hygiene and style; the cross-file and syntax
    checks read the whole patched tree, test files included. A Python file the patch leaves
    unparsable (`unparsable_files`) counts for scope and precision, its added lines placed
    where they stand in the old file, and is left out of churn, distance, hygiene and style.

    Raises `AnalysisInputError` when the patch is not a diff that applies to `repo`.
    """
    every_diff = file_diffs(patch, repo.files.get)
    diffs, test_diffs = split_tests(every_diff)
    broken = {d.path for d in diffs if broken_by_patch(d)}
    measured = [d for d in diffs if d.path not in broken]
    lines = _lines(diffs)
    entities, files = set(lines), {d.path for d in diffs}
    gold_diffs = split_tests(file_diffs(gold, repo.files.get))[0] if gold is not None else None
    gold_entities = set(_lines(gold_diffs)) if gold_diffs is not None else set()
    entity_p, entity_r, file_p, file_r = _reference(
        entities, files, gold_diffs, gold_entities, declared_scope
    )
    churn, distance = _size_against_gold(measured, gold_diffs, gold_entities, broken)
    after = new_facts(repo, every_diff)  # the cross-file checks read the whole patched tree
    drift, detail = style_drift(repo, measured)
    gold_renames = renamed_names(gold_diffs, gold_entities) if gold_diffs else set()
    return EditAnalysis(
        scope=classify_scope(entities),
        files_changed=sorted(files),
        entities_changed=sorted(str(e) for e in entities),
        test_files_changed=sorted(d.path for d in test_diffs),
        unparsable_files=sorted(broken),
        entity_precision=entity_p,
        entity_recall=entity_r,
        file_precision=file_p,
        file_recall=file_r,
        out_of_scope_churn=churn,
        excess_edit_distance=distance,
        cosmetic_entities=cosmetic_entities(measured, entities),
        docstring_comment_loss=docstring_comment_loss(measured, gold_entities),
        renamed_names=sorted(renamed_names(measured, entities) - gold_renames),
        style_drift=drift,
        style_detail=detail,
        stale_call_sites=stale_call_sites(every_diff, after),
        undefined_names=undefined_names(every_diff, after),
        reinvented_helpers=reinvented_helpers(repo, every_diff, after),
        syntax_errors=_syntax_errors(every_diff),
    )


def _size_against_gold(
    measured: list[FileDiff],
    gold_diffs: list[FileDiff] | None,
    gold_entities: set[Entity],
    broken: set[str],
) -> tuple[float | None, float | None]:
    """(out-of-scope churn, excess edit distance) over the files that parse after the patch;
    both None without a gold. The gold's side of a file left out is left out too."""
    if gold_diffs is None:
        return None, None
    gold_measured = [d for d in gold_diffs if d.path not in broken]
    churn = out_of_scope_churn(_lines(measured), gold_entities)
    return churn, excess_edit_distance(measured, gold_measured)


def _reference(
    entities: set[Entity],
    files: set[str],
    gold_diffs: list[FileDiff] | None,
    gold_entities: set[Entity],
    declared: Scope | None,
) -> tuple[float | None, float | None, float | None, float | None]:
    """(entity precision, entity recall, file precision, file recall) against the gold, else
    against a declared local scope's budget, else all None."""
    if gold_diffs is not None:
        entity_p, entity_r = precision_recall(
            {str(e) for e in entities}, {str(e) for e in gold_entities}
        )
        file_p, file_r = precision_recall(files, {d.path for d in gold_diffs})
    elif declared is Scope.LOCAL and entities:
        # a local task's budget: one file, at most two definitions
        entity_p = round(min(1.0, LOCAL_MAX_DEFINITIONS / len(entities)), 4)
        file_p, entity_r, file_r = round(1 / len(files), 4), 1.0, 1.0
    else:
        entity_p = entity_r = file_p = file_r = None
    return entity_p, entity_r, file_p, file_r


def _syntax_errors(diffs: list[FileDiff]) -> list[Finding]:
    errors = []
    for diff in diffs:
        if diff.is_python and diff.new:
            error = cst_syntax_error(diff.new)
            if error:
                errors.append(
                    Finding(
                        path=diff.path,
                        line=error.line or 0,
                        name="",
                        kind=FindingKind.SYNTAX_ERROR,
                        detail=error.message,
                    )
                )
    return by_location(errors)
