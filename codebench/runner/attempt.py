"""One attempt: a model proposes, the proposal is keyed, then reused or evaluated and stored."""

from __future__ import annotations

import threading
import time
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from codebench import HARNESS_VERSION
from codebench.analysis import AnalysisFailure
from codebench.errors import ModelError, NotSubmittedError, SandboxError
from codebench.models import Model, Proposal, TaskView
from codebench.patching import patch_sha256
from codebench.results import RETRIED_STATUSES, Evaluation, ResultKey, Status, TaskResult
from codebench.runner.analysis_step import needs_analysis, prefetch_analysis, with_analysis
from codebench.runner.evaluate import SandboxSettings, evaluate_patch
from codebench.runner.store import ResultStore
from codebench.runner.workspace import workspace_for
from codebench.tasks import Task

TRACEBACK_FRAMES = 3  # innermost frames a failure's reason names


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
    """Propose, then reuse the stored result if its key matches, else evaluate and store.

    Every attempt ends with a result: an unexpected exception while proposing is recorded as
    `model_error`, one while evaluating as `sandbox_error`, one while analysing as the result's
    `analysis_failure`. Only cancellation (`RunCancelledError`, KeyboardInterrupt, SystemExit)
    and a failing store propagate.
    """
    task, model = item.task, item.model
    stored = store.load(task.id, model.slug, item.sample)
    if item.analyse and not _likely_reused(stored, task):
        # the worker reads the starting tree while the model answers and the sandbox grades
        prefetch_analysis(task)
    start = time.monotonic()
    proposal, failure = _propose(item, settings)
    model_seconds = proposal.seconds or time.monotonic() - start
    key = ResultKey(
        task_hash=task.content_hash,
        patch_sha256=patch_sha256(proposal.patch),
        image_id=settings.image_for(task),
        harness_version=HARNESS_VERSION,
    )
    reusable = (
        stored is not None
        and stored.key == key
        and stored.status not in RETRIED_STATUSES
        and proposal.format_error is None
    )
    if failure is None and stored is not None and reusable:
        if item.analyse and needs_analysis(stored):  # graded already: only the analysis is new
            stored = _analysed(task, stored)
            store.save(stored, model.slug)
        return AttemptOutcome(stored, reused=True)
    provider_failure = failure is not None and failure.status is Status.MODEL_ERROR
    if provider_failure and stored is not None and _still_valid(stored, task):
        # a provider failure now must not replace an answer already graded for this task (a
        # task no longer submitted must: the stored answer is one the model does not give now)
        return AttemptOutcome(stored, reused=True)
    evaluation = failure or _evaluate(task, proposal, settings)
    if stop.is_set():
        raise RunCancelledError
    result = _result(item, key, proposal, evaluation, model_seconds)
    if item.analyse:
        result = _analysed(task, result)
    if proposal.trajectory is not None:  # first: the result names it
        store.save_trajectory(proposal.trajectory, task.id, model.slug, item.sample)
    store.save(result, model.slug)
    return AttemptOutcome(result, reused=False)


def _likely_reused(stored: TaskResult | None, task: Task) -> bool:
    """A stored result of this task's content, analysed by this analyzer and not to be
    retried: the attempt will most likely reuse it (unless the model's patch changed)."""
    return (
        stored is not None
        and stored.key.task_hash == task.content_hash
        and stored.status not in RETRIED_STATUSES
        and not needs_analysis(stored)
    )


def _propose(item: WorkItem, settings: SandboxSettings) -> tuple[Proposal, Evaluation | None]:
    """The model's proposal, or an empty one and the attempt's outcome when there is none:
    `not_submitted` for a task the model was never asked, else `model_error` (any exception,
    or a proposal the model could not finish, whose trajectory is kept)."""
    task = item.task
    try:
        workspace = workspace_for(task, settings)
        view = TaskView(task.id, task.spec.instruction, task.repo_dir, workspace)
        proposal = item.model.propose(view, item.sample)
        if proposal.failure is not None:
            return proposal, Evaluation(status=Status.MODEL_ERROR, reason=proposal.failure)
        return proposal, None
    except RunCancelledError:
        raise
    except NotSubmittedError as exc:  # never asked: not the model's failure
        return Proposal(patch=""), Evaluation(status=Status.NOT_SUBMITTED, reason=str(exc))
    except ModelError as exc:
        return Proposal(patch=""), Evaluation(status=Status.MODEL_ERROR, reason=str(exc))
    except SandboxError as exc:  # an agent's workspace failed: the harness's fault, not its
        reason = f"the model's workspace failed: {exc}"
        return Proposal(patch=""), Evaluation(status=Status.SANDBOX_ERROR, reason=reason)
    except Exception as exc:  # a bug in a model adapter costs its attempt, never the run
        reason = f"the model failed unexpectedly: {describe_exception(exc)}"
        return Proposal(patch=""), Evaluation(status=Status.MODEL_ERROR, reason=reason)


def _evaluate(task: Task, proposal: Proposal, settings: SandboxSettings) -> Evaluation:
    """The attempt's graded outcome; an unexpected exception is a `sandbox_error`."""
    if proposal.format_error is not None:
        return Evaluation(status=Status.MALFORMED_PATCH, reason=proposal.format_error)
    try:
        return evaluate_patch(task, proposal.patch, settings)
    except RunCancelledError:
        raise
    except Exception as exc:  # a harness or engine fault costs this attempt, never the run
        reason = f"evaluation failed unexpectedly: {describe_exception(exc)}"
        return Evaluation(status=Status.SANDBOX_ERROR, reason=reason)


def _analysed(task: Task, result: TaskResult) -> TaskResult:
    """The result with its analysis. An unexpected exception is recorded as its
    `analysis_failure`, like every analysis failure: the graded status is kept."""
    try:
        return with_analysis(task, result)
    except RunCancelledError:
        raise
    except Exception as exc:
        summary = describe_exception(exc).removeprefix(f"{type(exc).__name__}: ")
        failure = AnalysisFailure.of(exc, summary)
        return result.model_copy(update={"analysis": None, "analysis_failure": failure})


def describe_exception(exc: BaseException, frames: int = TRACEBACK_FRAMES) -> str:
    """`Type: message (at file:line in function <- ...)`, the innermost `frames` frames first."""
    summary = traceback.extract_tb(exc.__traceback__)[-frames:]
    where = " <- ".join(
        f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}" for frame in reversed(summary)
    )
    text = f"{type(exc).__name__}: {exc}"
    return f"{text} (at {where})" if where else text


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
        trajectory=proposal.trajectory.summary() if proposal.trajectory else None,
        finished_at=datetime.now(UTC),
    )
