"""A result, with its analysis and findings, survives the JSON it is stored as."""

from __future__ import annotations

from datetime import UTC, datetime

from codebench.analysis import AnalysisFailure, FindingKind
from codebench.results import ResultKey, Status, TaskResult
from codebench.tasks import Category, Scope
from tests.conftest import FINDINGS, analysis


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
