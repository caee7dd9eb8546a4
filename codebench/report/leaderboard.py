"""Leaderboard v1: a versioned aggregate of a run's results, per model and per scope."""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from codebench import HARNESS_VERSION, __version__
from codebench.analysis.version import ANALYSIS_VERSION
from codebench.grading import IntegrityRule
from codebench.io import write_text_atomic
from codebench.report.breakdowns import SliceRates, breakdown, resolved_rate
from codebench.report.trajectories import AgentStats, agent_stats
from codebench.results import INFRA_STATUSES, ResultRecord, Status, TaskResult
from codebench.stats import mean
from codebench.tasks import Category, Corruption, Origin, Scope
from codebench.tasks.dates import DateSelection, TaskDate, date_range

SCHEMA_VERSION = 1


class ScopeStats(BaseModel):
    """Resolved counts of one model on one slice of the tasks."""

    model_config = ConfigDict(frozen=True)

    samples: int
    resolved: int
    resolved_rate: float | None  # None when the slice has no samples
    # 95% bootstrap interval of the rate, resampling tasks (a task's samples stay together)
    ci_low: float | None = None
    ci_high: float | None = None
    # `--tries`: the resolved rate once each try is counted, cumulative (the last is
    # `resolved_rate`); one rate for a run of one try, empty in older files and empty slices
    resolved_after_try: list[float] = []


class ResolvedRates(BaseModel):
    """The resolved rate overall and split by task scope."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    overall: ScopeStats
    local: ScopeStats
    global_: ScopeStats = Field(alias="global")


class ViolationStats(BaseModel):
    """Integrity violations of one model on one slice of the tasks."""

    model_config = ConfigDict(frozen=True)

    samples: int
    violations: int  # samples whose status is integrity_violation
    violation_rate: float | None  # violations / samples; None when the slice has no samples


class IntegrityViolations(BaseModel):
    """Integrity violations overall and split by task scope, and the rules that fired."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    overall: ViolationStats
    local: ViolationStats
    global_: ViolationStats = Field(alias="global")
    # rule -> violating samples it fired in (a sample firing several rules counts for each)
    by_rule: dict[IntegrityRule, int]


class AnalysisStats(BaseModel):
    """Means and counts of the edit analysis over one slice of a model's analysed attempts."""

    model_config = ConfigDict(frozen=True)

    analysed: int  # attempts whose patch applied and was analysed
    out_of_scope_churn: float | None
    entity_precision: float | None
    style_drift: float | None
    file_recall: float | None  # cross-file recall against the gold patch
    cosmetic_entities: int
    docstring_comment_loss: int
    renamed_names: int
    stale_call_sites: int
    undefined_names: int


class AnalysisSplit(BaseModel):
    """Analysis statistics overall and by task scope."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    overall: AnalysisStats
    local: AnalysisStats
    global_: AnalysisStats = Field(alias="global")


class ModelEntry(BaseModel):
    """One model's row. Every rate is over the submitted samples: a `not_submitted` one (the
    model was never asked) is counted in `status_counts` and `per_task` only."""

    model_config = ConfigDict(frozen=True)

    model: str
    tasks: int  # tasks with a result for this model, submitted or not
    submitted_tasks: int  # tasks with at least one submitted sample
    # the submitted tasks are exactly the leaderboard's tasks: comparable with the others
    task_set_matches: bool
    samples: int  # submitted samples
    resolved: ResolvedRates
    status_counts: dict[Status, int]
    model_failures: int  # model_error: the provider or the reply failed
    infra_failures: int  # timeout or sandbox_error: the harness or the machine failed
    mean_seconds_per_task: float
    pass_at_k: dict[int, float]  # k -> unbiased pass@k over the tasks (k up to the samples)
    well_formed_rate: float | None  # replies that held a usable edit, of those that came
    input_tokens: int
    output_tokens: int
    cost_usd: float
    cost_per_resolved_usd: float | None  # None when nothing was resolved
    analysis: AnalysisSplit
    per_task: dict[str, list[Status]]  # task id -> status of each sample, in sample order
    # None in a leaderboard written before integrity was checked: not measured, not zero
    integrity_violations: IntegrityViolations | None = None
    # the attempts made as an agent (`scaffold = "agent"`, or a scaffold of the user's); None
    # when none was
    agent: AgentStats | None = None
    # by where the tasks came from, and by a synthesized task's corruption (`breakdowns`)
    by_origin: dict[Origin, SliceRates] = {}
    by_corruption: dict[Corruption, SliceRates] = {}

    @model_validator(mode="before")
    @classmethod
    def _older_files_submitted_everything(cls, data: object) -> object:
        """A leaderboard written before `not_submitted` existed had every task submitted."""
        if isinstance(data, dict) and "submitted_tasks" not in data and "tasks" in data:
            return {"submitted_tasks": data["tasks"], "task_set_matches": True, **data}
        return data


class TaskEntry(BaseModel):
    """A task the leaderboard covers."""

    model_config = ConfigDict(frozen=True)

    id: str
    scope: Scope
    category: Category


class RunRecord(BaseModel):
    """The settings a run was made with."""

    model_config = ConfigDict(frozen=True)

    models: list[str]
    samples: int
    workers: int
    model_calls: int
    backend: str
    analysis: bool
    edit_format: str | None = None
    tries: int = 1  # `--tries`: a failed try was followed by another, with feedback
    executor: str = "local"  # where the attempts ran: this machine's pool, or a Ray cluster


class TaskDates(BaseModel):
    """When the leaderboard's tasks were created (`created_at`), and the `--since` limit."""

    model_config = ConfigDict(frozen=True)

    earliest: datetime | date | None  # of the tasks in the leaderboard; None: none has a date
    latest: datetime | date | None
    undated: int  # tasks in the leaderboard without created_at
    since: datetime | None = None  # only tasks created at or after it (UTC), if limited
    excluded_undated: int = 0  # tasks left out by `since` for having no created_at
    excluded_older: int = 0  # tasks left out by `since` for being created before it


def task_dates(dates: Mapping[str, TaskDate | None], selection: DateSelection) -> TaskDates:
    """The provenance's dates: the range of `dates` (the leaderboard's tasks), and what the
    `since` limit of `selection` left out."""
    earliest, latest = date_range(dates.values())
    return TaskDates(
        earliest=earliest,
        latest=latest,
        undated=sum(when is None for when in dates.values()),
        since=selection.since,
        excluded_undated=len(selection.undated),
        excluded_older=len(selection.older),
    )


class Provenance(BaseModel):
    """Where the numbers come from."""

    model_config = ConfigDict(frozen=True)

    analysis_version: int = ANALYSIS_VERSION
    git_commit: str | None = None
    suite_hash: str  # over every task's content hash: equal hashes, comparable numbers
    image_ids: list[str]
    settings: RunRecord | None = None
    # damaged result files left out (`leaderboard --skip-damaged`); 0 in older files
    skipped_results: int = 0
    # None in older files, or when the tasks' dates could not be read
    task_dates: TaskDates | None = None


class Leaderboard(BaseModel):
    """The leaderboard file (`leaderboard.json`), schema version 1."""

    model_config = ConfigDict(frozen=True)

    schema_version: Literal[1] = 1
    codebench_version: str = __version__
    harness_version: str = HARNESS_VERSION
    suite: str | None = None
    created_at: datetime
    provenance: Provenance
    tasks: list[TaskEntry]
    models: list[ModelEntry]


def submission_note(leaderboard: Leaderboard, entry: ModelEntry) -> str | None:
    """`3 of 42 tasks submitted` when the model's submitted tasks are not the leaderboard's."""
    if entry.task_set_matches:
        return None
    return f"{entry.submitted_tasks} of {len(leaderboard.tasks)} tasks submitted"


NOT_COMPARABLE = (
    "not comparable: a model marked 'N of M tasks submitted' was measured on other tasks than "
    "the leaderboard's; its rates are over the tasks it submitted"
)


def build_leaderboard(
    results: Iterable[TaskResult | ResultRecord],
    suite: str | None = None,
    created_at: datetime | None = None,
    settings: RunRecord | None = None,
    git_commit: str | None = None,
    skipped_results: int = 0,
    task_dates: TaskDates | None = None,
) -> Leaderboard:
    """Aggregate results into a leaderboard; models keep their first-seen order.

    `skipped_results` is how many damaged result files were left out, `task_dates` when the
    tasks were created, for the provenance.
    """
    records = [r if isinstance(r, ResultRecord) else ResultRecord.of(r) for r in results]
    by_model: dict[str, list[ResultRecord]] = defaultdict(list)
    tasks: dict[str, TaskEntry] = {}
    for result in records:
        by_model[result.model].append(result)
        tasks[result.task_id] = TaskEntry(
            id=result.task_id, scope=result.scope, category=result.category
        )
    hashes = sorted({(r.task_id, r.task_hash) for r in records})
    provenance = Provenance(
        git_commit=git_commit,
        suite_hash=hashlib.sha256(repr(hashes).encode()).hexdigest(),
        image_ids=sorted({r.image_id for r in records}),
        settings=settings,
        skipped_results=skipped_results,
        task_dates=task_dates,
    )
    return Leaderboard(
        suite=suite,
        created_at=created_at or datetime.now(UTC),
        provenance=provenance,
        tasks=sorted(tasks.values(), key=lambda t: t.id),
        models=[
            _model_entry(model, rows, set(tasks), settings.tries if settings else 1)
            for model, rows in by_model.items()
        ],
    )


def _model_entry(
    model: str, every_row: list[ResultRecord], all_tasks: set[str], tries: int
) -> ModelEntry:
    """One model's row; `tries`, the run's setting, is how many per-try rates each slice has
    at least (more when a result made more: one of an earlier run with more tries)."""
    every_row = sorted(every_row, key=lambda r: (r.task_id, r.sample))
    tries = max([tries, *(r.tries_made for r in every_row)])
    counts = dict.fromkeys(Status, 0)
    per_task: dict[str, list[Status]] = defaultdict(list)
    for row in every_row:
        counts[row.status] += 1
        per_task[row.task_id].append(row.status)
    rows = [r for r in every_row if r.status is not Status.NOT_SUBMITTED]  # every denominator
    submitted = {r.task_id for r in rows}
    return ModelEntry(
        model=model,
        tasks=len(per_task),
        submitted_tasks=len(submitted),
        task_set_matches=submitted == all_tasks,
        samples=len(rows),
        resolved=ResolvedRates.model_validate(
            {
                "overall": _stats(rows, tries),
                "local": _stats([r for r in rows if r.scope is Scope.LOCAL], tries),
                "global": _stats([r for r in rows if r.scope is Scope.GLOBAL], tries),
            }
        ),
        status_counts=counts,
        model_failures=counts[Status.MODEL_ERROR],
        infra_failures=sum(counts[s] for s in INFRA_STATUSES if s is not Status.MODEL_ERROR),
        mean_seconds_per_task=round(sum(r.seconds for r in rows) / len(rows), 3) if rows else 0.0,
        pass_at_k=pass_at_k(_submitted(per_task)),
        well_formed_rate=_well_formed(counts),
        input_tokens=sum(r.input_tokens for r in rows),
        output_tokens=sum(r.output_tokens for r in rows),
        cost_usd=round(sum(r.cost_usd for r in rows), 6),
        cost_per_resolved_usd=(
            round(sum(r.cost_usd for r in rows) / counts[Status.RESOLVED], 6)
            if counts[Status.RESOLVED]
            else None
        ),
        analysis=AnalysisSplit.model_validate(
            {
                "overall": _analysis_stats(rows),
                "local": _analysis_stats([r for r in rows if r.scope is Scope.LOCAL]),
                "global": _analysis_stats([r for r in rows if r.scope is Scope.GLOBAL]),
            }
        ),
        per_task=dict(per_task),
        integrity_violations=integrity_violations(rows),
        agent=agent_stats([r.trajectory for r in rows if r.trajectory is not None]),
        by_origin=breakdown(rows, lambda r: r.origin),
        by_corruption=breakdown(rows, lambda r: r.corruption),
    )


def _submitted(per_task: dict[str, list[Status]]) -> dict[str, list[Status]]:
    """The submitted samples of each task that has any."""
    kept: dict[str, list[Status]] = {}
    for task, statuses in per_task.items():
        answered: list[Status] = [s for s in statuses if s != Status.NOT_SUBMITTED]
        if answered:
            kept[task] = answered
    return kept


def pass_at_k(per_task: dict[str, list[Status]]) -> dict[int, float]:
    """Unbiased pass@k (1 - C(n-c, k) / C(n, k)), averaged over tasks, for k = 1..min(n)."""
    if not per_task:
        return {}
    most = min(len(statuses) for statuses in per_task.values())
    result = {}
    for k in range(1, most + 1):
        scores = []
        for statuses in per_task.values():
            n, c = len(statuses), sum(s is Status.RESOLVED for s in statuses)
            scores.append(1.0 if n - c < k else 1 - math.comb(n - c, k) / math.comb(n, k))
        result[k] = round(sum(scores) / len(scores), 4)
    return result


def _well_formed(counts: dict[Status, int]) -> float | None:
    replies = sum(counts.values()) - counts[Status.MODEL_ERROR] - counts[Status.NOT_SUBMITTED]
    if not replies:
        return None
    return round((replies - counts[Status.MALFORMED_PATCH]) / replies, 4)


def integrity_violations(rows: list[ResultRecord]) -> IntegrityViolations:
    """Count the samples whose status is integrity_violation, per slice and per fired rule."""
    by_rule = dict.fromkeys(IntegrityRule, 0)
    for row in rows:
        if row.status is Status.INTEGRITY_VIOLATION:
            for rule in row.integrity_rules:
                by_rule[rule] += 1
    return IntegrityViolations.model_validate(
        {
            "overall": _violation_stats(rows),
            "local": _violation_stats([r for r in rows if r.scope is Scope.LOCAL]),
            "global": _violation_stats([r for r in rows if r.scope is Scope.GLOBAL]),
            "by_rule": by_rule,
        }
    )


def _violation_stats(rows: list[ResultRecord]) -> ViolationStats:
    violations = sum(r.status is Status.INTEGRITY_VIOLATION for r in rows)
    rate = round(violations / len(rows), 4) if rows else None
    return ViolationStats(samples=len(rows), violations=violations, violation_rate=rate)


def _analysis_stats(rows: list[ResultRecord]) -> AnalysisStats:
    analyses = [r.analysis for r in rows if r.analysis is not None]
    return AnalysisStats(
        analysed=len(analyses),
        out_of_scope_churn=mean([a.out_of_scope_churn for a in analyses]),
        entity_precision=mean([a.entity_precision for a in analyses]),
        style_drift=mean([a.style_drift for a in analyses]),
        file_recall=mean([a.file_recall for a in analyses]),
        cosmetic_entities=sum(a.cosmetic_entities for a in analyses),
        docstring_comment_loss=sum(a.docstring_comment_loss for a in analyses),
        renamed_names=sum(a.renamed_names for a in analyses),
        stale_call_sites=sum(a.stale_call_sites for a in analyses),
        undefined_names=sum(a.undefined_names for a in analyses),
    )


def _stats(rows: list[ResultRecord], tries: int = 1) -> ScopeStats:
    resolved, rate, (low, high) = resolved_rate(rows)
    return ScopeStats(
        samples=len(rows),
        resolved=resolved,
        resolved_rate=rate,
        ci_low=low,
        ci_high=high,
        resolved_after_try=resolved_after_try(rows, tries),
    )


def resolved_after_try(rows: list[ResultRecord], tries: int) -> list[float]:
    """The resolved rate counting tries 1..k, for k = 1..tries: an attempt stops at its first
    resolved try, so it counts from the try it made last (an unresolved one never does)."""
    if not rows:
        return []
    resolved_at = [r.tries_made for r in rows if r.status is Status.RESOLVED]
    return [round(sum(at <= k for at in resolved_at) / len(rows), 4) for k in range(1, tries + 1)]


def write_leaderboard(leaderboard: Leaderboard, path: Path) -> Path:
    """Write the leaderboard atomically as indented JSON (keys by alias: `global`).

    Raises:
        OSError: the file cannot be written (the old one, if any, is kept).
    """
    return write_text_atomic(path, leaderboard.model_dump_json(indent=2, by_alias=True) + "\n")


def leaderboard_schema() -> str:
    """The JSON Schema of leaderboard.json (keys by alias, as written)."""
    return json.dumps(Leaderboard.model_json_schema(by_alias=True), indent=2, sort_keys=True) + "\n"


def load_leaderboard(path: Path) -> Leaderboard:
    """Read a leaderboard file."""
    return Leaderboard.model_validate_json(path.read_bytes())
