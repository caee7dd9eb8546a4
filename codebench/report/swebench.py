"""A run's SWE-bench-style report (`swebench_report.json`): per model, the counts and id lists
that SWE-bench's harness writes (`make_run_report`), from codebench's statuses.

The mapping, for each task's first sample (sample 0; later samples are the leaderboard's):
resolved -> resolved; unresolved and integrity_violation -> unresolved (completed: the tests
ran and said no), integrity violations also listed apart; empty_patch -> empty patch;
malformed_patch, apply_failed, model_error, timeout, sandbox_error -> error (SWE-bench writes no
test report for an instance whose patch did not apply or whose run failed); not_submitted, or
no result at all -> incomplete (never submitted).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from codebench.io import write_text_atomic
from codebench.results import ResultRecord, Status, TaskResult

SWEBENCH_REPORT_FILE = "swebench_report.json"
ERROR_STATUSES = frozenset(
    {
        Status.MALFORMED_PATCH,
        Status.APPLY_FAILED,
        Status.MODEL_ERROR,
        Status.TIMEOUT,
        Status.SANDBOX_ERROR,
    }
)
UNRESOLVED_STATUSES = frozenset({Status.UNRESOLVED, Status.INTEGRITY_VIOLATION})


class ModelReport(BaseModel):
    """One model's report, with SWE-bench's key names (and `integrity_violation_ids`)."""

    model_config = ConfigDict(frozen=True)

    total_instances: int
    submitted_instances: int
    completed_instances: int
    resolved_instances: int
    unresolved_instances: int
    empty_patch_instances: int
    error_instances: int
    completed_ids: list[str]
    incomplete_ids: list[str]
    empty_patch_ids: list[str]
    submitted_ids: list[str]
    resolved_ids: list[str]
    unresolved_ids: list[str]
    error_ids: list[str]
    integrity_violation_ids: list[str]  # also in unresolved_ids: caught gaming the grader
    schema_version: Literal[2] = 2


class SwebenchReport(BaseModel):
    """The file: one report per model spec, for the run's tasks."""

    model_config = ConfigDict(frozen=True)

    suite: str | None
    sample: int = 0
    models: dict[str, ModelReport]


def swebench_report(
    results: Iterable[TaskResult | ResultRecord], task_ids: Iterable[str], suite: str | None = None
) -> SwebenchReport:
    """The report of every model with a result, over `task_ids` (the run's tasks)."""
    tasks = sorted(set(task_ids))
    firsts: dict[str, dict[str, Status]] = {}
    for result in results:
        if result.sample == 0:
            firsts.setdefault(result.model, {})[result.task_id] = result.status
    models = {model: model_report(statuses, tasks) for model, statuses in firsts.items()}
    return SwebenchReport(suite=suite, models=models)


def model_report(statuses: dict[str, Status], tasks: list[str]) -> ModelReport:
    """One model's report from the status of each task's first sample."""

    def having(wanted: Iterable[Status]) -> list[str]:
        return [task for task in tasks if statuses.get(task) in frozenset(wanted)]

    submitted = [t for t in tasks if statuses.get(t, Status.NOT_SUBMITTED) != Status.NOT_SUBMITTED]
    resolved, unresolved = having({Status.RESOLVED}), having(UNRESOLVED_STATUSES)
    empty, errors = having({Status.EMPTY_PATCH}), having(ERROR_STATUSES)
    completed = sorted(resolved + unresolved)
    return ModelReport(
        total_instances=len(tasks),
        submitted_instances=len(submitted),
        completed_instances=len(completed),
        resolved_instances=len(resolved),
        unresolved_instances=len(unresolved),
        empty_patch_instances=len(empty),
        error_instances=len(errors),
        completed_ids=completed,
        incomplete_ids=[t for t in tasks if t not in submitted],
        empty_patch_ids=empty,
        submitted_ids=submitted,
        resolved_ids=resolved,
        unresolved_ids=unresolved,
        error_ids=errors,
        integrity_violation_ids=having({Status.INTEGRITY_VIOLATION}),
    )


def write_swebench_report(report: SwebenchReport, path: Path) -> Path:
    """Write the report atomically as indented JSON. Raises `OSError` when it cannot be."""
    return write_text_atomic(path, report.model_dump_json(indent=2) + "\n")
