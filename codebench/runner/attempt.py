"""One attempt: a model proposes, the proposal is keyed, then reused or evaluated and stored."""

from __future__ import annotations

import threading
import time
import traceback
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from codebench import HARNESS_VERSION
from codebench.analysis import AnalysisFailure
from codebench.errors import ModelError, NotSubmittedError, SandboxError
from codebench.models import Model, PriorTry, Proposal, TaskView
from codebench.models.trajectory import TrajectorySummary
from codebench.patching import patch_sha256
from codebench.results import (
    RETRIED_STATUSES,
    Evaluation,
    ResultKey,
    Status,
    TaskResult,
    TryOutcome,
)
from codebench.runner.analysis_step import needs_analysis, prefetch_analysis, with_analysis
from codebench.runner.evaluate import SandboxSettings, evaluate_patch
from codebench.runner.feedback import RETRIED_WITH_FEEDBACK, Feedback, feedback_for
from codebench.runner.store import AttemptStore
from codebench.runner.tries import Spent, StoredTries, spent_on, stored_feedback, try_outcome
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
    tries: int = 1  # tries with feedback after a failed one (`--tries`)


@dataclass(frozen=True)
class AttemptOutcome:
    """A finished attempt and whether its stored result was reused."""

    result: TaskResult
    reused: bool


class RunCancelledError(Exception):
    """The run was interrupted; the attempt's result must not be written."""


def attempt(
    item: WorkItem, store: AttemptStore, settings: SandboxSettings, stop: threading.Event
) -> AttemptOutcome:
    """Propose, then reuse the stored result if its key matches, else evaluate and store.

    With `item.tries` > 1, a try that ends unresolved, empty, malformed or unapplied is
    followed by another, the model shown the feedback (`feedback.py`), until one resolves or
    the tries run out; stored tries are reused while the model repeats them (`tries.py`).

    Every attempt ends with a result: an unexpected exception while proposing is recorded as
    `model_error`, one while evaluating (or running the visible tests) as `sandbox_error`, one
    while analysing as the result's `analysis_failure`. Only cancellation
    (`RunCancelledError`, KeyboardInterrupt, SystemExit) and a failing store propagate.
    """
    task = item.task
    stored = store.load(task.id, item.model.slug, item.sample)
    if item.analyse and not _likely_reused(stored, task):
        # the worker reads the starting tree while the model answers and the sandbox grades
        prefetch_analysis(task)
    earlier = StoredTries(stored, task.content_hash, settings.image_for(task))
    tried = _Tried()
    for number in range(1, item.tries + 1):
        made = _try(item, settings, tried.prior)
        if made.failure is not None:
            provider_failure = made.failure.status is Status.MODEL_ERROR
            if provider_failure and stored is not None and _still_valid(stored, task):
                # a provider failure now must not replace an answer already graded for this
                # task (a task no longer submitted must: the model does not give it now)
                return AttemptOutcome(stored, reused=True)
            return _finish(item, store, made, made.failure, tried)
        matched = earlier.match(number, made.key, made.proposal)
        evaluation: Evaluation | None = None
        if matched is not None:  # graded before: its status (and feedback) are stored
            made = replace(made, spent=spent_on(matched))
            status = matched.status
        else:
            evaluation = tried.evaluate(task, made, settings)
            status = evaluation.status
        if status not in RETRIED_WITH_FEEDBACK or number == item.tries:
            whole = earlier.whole(number) if matched else None
            if whole is not None:
                return _reused(item, store, whole)
            if evaluation is None:  # a stored try the stored result went on past: grade it
                made = replace(made, spent=replace(made.spent, eval_seconds=0.0))
                evaluation = tried.evaluate(task, made, settings)
            if stop.is_set():
                raise RunCancelledError
            return _finish(item, store, made, evaluation, tried)
        if stop.is_set():
            raise RunCancelledError
        failed = tried.add(task, made, status, matched, settings)
        if failed is not None:
            return _finish(item, store, made, failed, tried, recorded=True)
        if made.proposal.trajectory is not None:  # the last try's is saved by `_finish`
            slug = item.model.slug
            store.save_trajectory(made.proposal.trajectory, task.id, slug, item.sample, number)
    raise AssertionError("unreachable: the last try always finishes")  # pragma: no cover


@dataclass(frozen=True)
class _Try:
    """One try's proposal, its key, what it cost, and the failure that ended it, if any."""

    proposal: Proposal
    failure: Evaluation | None
    key: ResultKey
    spent: Spent

    @property
    def summary(self) -> TrajectorySummary | None:
        """The try's trajectory in numbers, when an agent made it."""
        trajectory = self.proposal.trajectory
        return trajectory.summary() if trajectory is not None else None


class _Tried:
    """The tries of one attempt so far: what the model will be shown, what each ended as,
    and the grades of the patches already graded in this attempt (a model that repeats a
    patch, as a reference or replay model does, is not graded twice)."""

    def __init__(self) -> None:
        self.prior: tuple[PriorTry, ...] = ()
        self.outcomes: tuple[TryOutcome, ...] = ()
        self._graded: dict[str, tuple[Evaluation, Feedback | None]] = {}

    def evaluate(self, task: Task, made: _Try, settings: SandboxSettings) -> Evaluation:
        """The try's grade: the one already given to the same patch, else a fresh one."""
        if made.proposal.format_error is not None:  # no edit: graded without a sandbox
            return _evaluate(task, made.proposal, settings)
        known = self._graded.get(made.key.patch_sha256)
        if known is not None:
            return known[0].model_copy(update={"eval_seconds": 0.0})  # no sandbox this time
        evaluation = _evaluate(task, made.proposal, settings)
        self._graded[made.key.patch_sha256] = (evaluation, None)
        return evaluation

    def add(
        self,
        task: Task,
        made: _Try,
        status: Status,
        matched: TryOutcome | None,
        settings: SandboxSettings,
    ) -> Evaluation | None:
        """Record a failed try and the feedback the next one is shown; a `sandbox_error` to end
        the attempt with when the visible tests cannot be run."""
        proposal, sha = made.proposal, made.key.patch_sha256
        feedback = stored_feedback(matched) if matched else None
        known = self._graded.get(sha)
        if feedback is None and known is not None and known[1] is not None:
            feedback = known[1]
        if feedback is None:
            try:
                feedback = feedback_for(
                    task, proposal.patch, status, proposal.format_error, settings
                )
            except RunCancelledError:
                raise
            except Exception as exc:  # a harness or engine fault: not the model's answer
                reason = "the visible tests for the next try's feedback failed: "
                reason += describe_exception(exc)
                self.outcomes += (try_outcome(status, made.key, made.spent, None, made.summary),)
                return Evaluation(status=Status.SANDBOX_ERROR, reason=reason)
            made = replace(made, spent=made.spent + Spent(eval_seconds=feedback.seconds))
        if known is not None:
            self._graded[sha] = (known[0], feedback)
        self.outcomes += (try_outcome(status, made.key, made.spent, feedback, made.summary),)
        test_output = feedback.test_output or ""
        self.prior += (PriorTry(proposal.patch, feedback.problem, test_output, proposal.reply),)
        return None


def _try(item: WorkItem, settings: SandboxSettings, prior: tuple[PriorTry, ...]) -> _Try:
    """Ask the model once (after the earlier tries `prior`) and key its proposal."""
    start = time.monotonic()
    proposal, failure = _propose(item, settings, prior)
    model_seconds = proposal.seconds or time.monotonic() - start
    key = ResultKey(
        task_hash=item.task.content_hash,
        patch_sha256=patch_sha256(proposal.patch),
        image_id=settings.image_for(item.task),
        harness_version=HARNESS_VERSION,
    )
    return _Try(proposal, failure, key, Spent.of(proposal, model_seconds))


def _reused(item: WorkItem, store: AttemptStore, stored: TaskResult) -> AttemptOutcome:
    """The stored result, analysed if it is not yet (graded already: only the analysis is
    new)."""
    spec, changed = item.task.spec, False
    if (stored.origin, stored.corruption) != (spec.origin, spec.corruption):
        # stored before they were recorded (they are not part of the key)
        stored = stored.model_copy(update={"origin": spec.origin, "corruption": spec.corruption})
        changed = True
    if item.analyse and needs_analysis(stored):
        stored, changed = _analysed(item.task, stored), True
    if changed:
        store.save(stored, item.model.slug)
    return AttemptOutcome(stored, reused=True)


def _finish(
    item: WorkItem,
    store: AttemptStore,
    made: _Try,
    evaluation: Evaluation,
    tried: _Tried,
    recorded: bool = False,
) -> AttemptOutcome:
    """The attempt's result from its last try `made` (every try listed when several were
    allowed; `recorded`: `tried` holds the last one already), analysed and stored."""
    spent = made.spent + Spent(eval_seconds=evaluation.eval_seconds)
    earlier = tried.outcomes[:-1] if recorded else tried.outcomes
    tries: tuple[TryOutcome, ...] = ()
    if item.tries > 1:
        if recorded:
            last = tried.outcomes[-1]
        else:
            last = try_outcome(evaluation.status, made.key, spent, trajectory=made.summary)
        tries = (*earlier, last)
    if recorded:
        spent = spent_on(tried.outcomes[-1])
    total = sum((spent_on(t) for t in earlier), spent)
    result = _result(item, made, evaluation, total, tries)
    if item.analyse:
        result = _analysed(item.task, result)
    proposal = made.proposal
    if proposal.trajectory is not None:  # first: the result names it
        store.save_trajectory(proposal.trajectory, item.task.id, item.model.slug, item.sample)
    store.save(result, item.model.slug)
    return AttemptOutcome(result, reused=False)


UNPREPARED_IMAGE = "unprepared"  # the image id of an attempt that never reached a sandbox


def failed_attempt(
    item: WorkItem, store: AttemptStore, status: Status, reason: str
) -> AttemptOutcome:
    """An attempt that could not be made at all (on a cluster: its node has no usable engine,
    or every worker that ran it died), ended as a result of `status` and stored, so that every
    attempt ends with one; a rerun retries it. A result already graded for this very task is
    kept instead: the cluster's fault must not replace an answer."""
    stored = store.load(item.task.id, item.model.slug, item.sample)
    if stored is not None and _still_valid(stored, item.task):
        return AttemptOutcome(stored, reused=True)
    key = ResultKey(
        task_hash=item.task.content_hash,
        patch_sha256=patch_sha256(""),
        image_id=UNPREPARED_IMAGE,
        harness_version=HARNESS_VERSION,
    )
    made = _Try(Proposal(patch=""), None, key, Spent())
    result = _result(item, made, Evaluation(status=status, reason=reason), Spent(), ())
    store.save(result, item.model.slug)
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


def _propose(
    item: WorkItem, settings: SandboxSettings, prior: tuple[PriorTry, ...] = ()
) -> tuple[Proposal, Evaluation | None]:
    """The model's proposal (after the earlier tries `prior`), or an empty one and the
    attempt's outcome when there is none:
    `not_submitted` for a task the model was never asked, else `model_error` (any exception,
    or a proposal the model could not finish, whose trajectory is kept)."""
    task = item.task
    try:
        workspace = workspace_for(task, settings)
        view = TaskView(task.id, task.spec.instruction, task.repo_dir, workspace, prior)
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
    item: WorkItem,
    made: _Try,
    evaluation: Evaluation,
    total: Spent,
    tries: tuple[TryOutcome, ...],
) -> TaskResult:
    """The result of the last try `made`, with the totals over every try."""
    proposal = made.proposal
    return TaskResult(
        **dict(evaluation) | {"eval_seconds": total.eval_seconds},
        task_id=item.task.id,
        scope=item.task.scope,
        category=item.task.category,
        model=item.model.spec,
        sample=item.sample,
        key=made.key,
        patch=proposal.patch,
        reply=proposal.reply,
        usage=total.usage,
        cost_usd=total.cost_usd,
        model_seconds=total.model_seconds,
        trajectory=proposal.trajectory.summary() if proposal.trajectory else None,
        finished_at=datetime.now(UTC),
        tries=tries,
        origin=item.task.spec.origin,
        corruption=item.task.spec.corruption,
    )
