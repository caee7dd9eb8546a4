"""One attempt: a model proposes, the proposal is keyed, then reused or evaluated and stored."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from codebench import HARNESS_VERSION
from codebench.errors import ModelError, NotSubmittedError
from codebench.models import Model, Proposal, TaskView
from codebench.patching import patch_sha256
from codebench.results import RETRIED_STATUSES, Evaluation, ResultKey, Status, TaskResult
from codebench.runner.analysis_step import needs_analysis, with_analysis
from codebench.runner.evaluate import SandboxSettings, evaluate_patch
from codebench.runner.store import ResultStore
from codebench.tasks import Task


@dataclass(frozen=True)
class WorkItem:
    """One (task, model, sample) to attempt."""

    task: Task
    model: Model
    sample: int
    analyse: bool = True  # False: grade only (no edit analysis)


@dataclass(frozen=True)
class AttemptOutcome:
    """A finished attempt and whether its stored result was reused."""

    result: TaskResult
    reused: bool


class RunCancelledError(Exception):
    """The run was interrupted; the attempt's result must not be written."""


def attempt(
    item: WorkItem, store: ResultStore, settings: SandboxSettings, stop: threading.Event
) -> AttemptOutcome:
    """Propose, then reuse the stored result if its key matches, else evaluate and store."""
    task, model = item.task, item.model
    start = time.monotonic()
    error: str | None = None
    error_status = Status.MODEL_ERROR
    try:
        proposal = model.propose(
            TaskView(task.id, task.spec.instruction, task.repo_dir), item.sample
        )
    except ModelError as exc:
        proposal, error = Proposal(patch=""), str(exc)
        if isinstance(exc, NotSubmittedError):  # never asked: not the model's failure
            error_status = Status.NOT_SUBMITTED
    model_seconds = proposal.seconds or time.monotonic() - start
    key = ResultKey(
        task_hash=task.content_hash,
        patch_sha256=patch_sha256(proposal.patch),
        image_id=settings.image_for(task),
        harness_version=HARNESS_VERSION,
    )
    stored = store.load(task.id, model.slug, item.sample)
    reusable = (
        stored is not None
        and stored.key == key
        and stored.status not in RETRIED_STATUSES
        and proposal.format_error is None
    )
    if error is None and stored is not None and reusable:
        if item.analyse and needs_analysis(stored):  # graded already: only the analysis is new
            stored = with_analysis(task, stored)
            store.save(stored, model.slug)
        return AttemptOutcome(stored, reused=True)
    provider_failure = error is not None and error_status is Status.MODEL_ERROR
    if provider_failure and stored is not None and _still_valid(stored, task):
        # a provider failure now must not replace an answer already graded for this task (a
        # task no longer submitted must: the stored answer is one the model does not give now)
        return AttemptOutcome(stored, reused=True)
    if error is not None:
        evaluation = Evaluation(status=error_status, reason=error)
    elif proposal.format_error is not None:
        evaluation = Evaluation(status=Status.MALFORMED_PATCH, reason=proposal.format_error)
    else:
        evaluation = evaluate_patch(task, proposal.patch, settings)
    if stop.is_set():
        raise RunCancelledError
    result = _result(item, key, proposal, evaluation, model_seconds)
    if item.analyse:
        result = with_analysis(task, result)
    store.save(result, model.slug)
    return AttemptOutcome(result, reused=False)


def _still_valid(stored: TaskResult, task: Task) -> bool:
    """A stored result graded for this very task (not a failure worth retrying)."""
    return (
        stored.key.task_hash == task.content_hash
        and stored.key.harness_version == HARNESS_VERSION
        and stored.status not in RETRIED_STATUSES
    )


def _result(
    item: WorkItem, key: ResultKey, proposal: Proposal, evaluation: Evaluation, model_seconds: float
) -> TaskResult:
    return TaskResult(
        **dict(evaluation),
        task_id=item.task.id,
        scope=item.task.scope,
        category=item.task.category,
        model=item.model.spec,
        sample=item.sample,
        key=key,
        patch=proposal.patch,
        reply=proposal.reply,
        usage=proposal.usage,
        cost_usd=proposal.cost_usd,
        model_seconds=model_seconds,
        finished_at=datetime.now(UTC),
    )
