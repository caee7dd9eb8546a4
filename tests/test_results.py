"""A result, with its analysis and findings, survives the JSON it is stored as."""

from __future__ import annotations

from datetime import UTC, datetime

from codebench.analysis import AnalysisFailure, EditAnalysis, Finding, FindingKind
from codebench.results import ResultKey, Status, TaskResult
from codebench.tasks import Category, Scope

FINDINGS = [
    Finding(path="pkg/a.py", line=9, name="foo", kind=FindingKind.STALE_CALL),
    Finding(path="pkg/a.py", line=10, name="foo", kind=FindingKind.STALE_CALL),
]


def result(**changes: object) -> TaskResult:
    base = TaskResult(
        task_id="t",
        scope=Scope.GLOBAL,
        category=Category.BUG_FIX,
        model="m",
        sample=0,
        key=ResultKey(task_hash="t", patch_sha256="p", image_id="i", harness_version="1"),
        status=Status.UNRESOLVED,
        effective_patch="--- a/pkg/a.py\n+++ b/pkg/a.py\n",
        finished_at=datetime(2026, 1, 2, tzinfo=UTC),
    )
    return base.model_copy(update=changes)


def analysis() -> EditAnalysis:
    return EditAnalysis(
        scope=Scope.GLOBAL,
        files_changed=["pkg/a.py", "pkg/b.py"],
        entities_changed=["pkg/b.py::foo"],
        entity_precision=1.0,
        entity_recall=1.0,
        file_precision=1.0,
        file_recall=1.0,
        out_of_scope_churn=0.0,
        excess_edit_distance=0.0,
        cosmetic_entities=[],
        docstring_comment_loss=[],
        renamed_names=[],
        style_drift=None,
        style_detail=[],
        stale_call_sites=FINDINGS,
        undefined_names=[
            Finding(
                path="pkg/b.py", line=1, name="y", kind=FindingKind.BROKEN_FROM_NAME, detail="pkg.x"
            )
        ],
        reinvented_helpers=[],
        syntax_errors=[
            Finding(path="pkg/c.py", line=0, name="", kind=FindingKind.SYNTAX_ERROR, detail="bad")
        ],
    )


def test_findings_round_trip_through_json() -> None:
    stored = result(analysis=analysis())
    loaded = TaskResult.model_validate_json(stored.model_dump_json())
    assert loaded == stored
    assert loaded.analysis is not None
    assert loaded.analysis.stale_call_sites == FINDINGS
    assert loaded.analysis.undefined_names[0].kind is FindingKind.BROKEN_FROM_NAME


def test_a_failure_round_trips_through_json() -> None:
    stored = result(analysis_failure=AnalysisFailure(error_type="RuntimeError", message="boom"))
    loaded = TaskResult.model_validate_json(stored.model_dump_json())
    assert loaded == stored and loaded.analysis_failure == stored.analysis_failure
