"""The result of one (task, model, sample): what evaluating its patch found, and who asked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    ValidationError,
    ValidatorFunctionWrapHandler,
    create_model,
    field_validator,
)

from codebench.analysis import AnalysisFailure, EditAnalysis
from codebench.grading import IntegrityFinding, IntegrityRule, TestOutcome
from codebench.models import Usage
from codebench.models.trajectory import TrajectorySummary
from codebench.patching import ApplyStep
from codebench.tasks import Category, Corruption, Origin, Scope


class Status(StrEnum):
    """How one attempt at a task ended."""

    RESOLVED = "resolved"
    UNRESOLVED = "unresolved"
    EMPTY_PATCH = "empty_patch"
    MALFORMED_PATCH = "malformed_patch"
    APPLY_FAILED = "apply_failed"
    INTEGRITY_VIOLATION = "integrity_violation"  # the attempt gamed (or tried to game) the grader
    MODEL_ERROR = "model_error"
    TIMEOUT = "timeout"
    SANDBOX_ERROR = "sandbox_error"
    # the model was never asked (a predictions file without this task): not its failure, and
    # not in any rate's denominator
    NOT_SUBMITTED = "not_submitted"


# Provider or infrastructure failures: shown apart, never silently counted as a wrong answer.
INFRA_STATUSES = frozenset({Status.MODEL_ERROR, Status.TIMEOUT, Status.SANDBOX_ERROR})
# Recomputed on every rerun: the failure may have been passing (a provider outage, a dead engine).
RETRIED_STATUSES = frozenset({Status.MODEL_ERROR, Status.SANDBOX_ERROR})


class ResultKey(BaseModel):
    """What a result depends on; a rerun recomputes a result exactly when its key changes."""

    model_config = ConfigDict(frozen=True)

    task_hash: str
    patch_sha256: str
    image_id: str
    harness_version: str


def storable_text(text: str) -> str:
    """`text` with every lone surrogate written as its `\\udcff` escape, so that it can be
    stored as UTF-8 JSON (valid text is returned unchanged)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class Evaluation(BaseModel):
    """What evaluating one patch found (a `TaskResult` is one, with who asked and what it cost)."""

    model_config = ConfigDict(frozen=True)

    status: Status
    reason: str | None = None
    apply_step: ApplyStep | None = None
    tampered_paths: tuple[str, ...] = ()
    integrity: tuple[IntegrityFinding, ...] = ()  # evidence when status is integrity_violation
    tests: tuple[TestOutcome, ...] = ()
    eval_seconds: float = 0.0  # time in the sandbox, not waiting for a free one
    log_tail: str = ""
    effective_patch: str = ""  # the patch as applied in the sandbox; what the analysis reads

    @field_validator("reason", "log_tail", "effective_patch")
    @classmethod
    def _storable(cls, value: str | None) -> str | None:
        """Text from a model or a sandbox may hold lone surrogates; JSON cannot store them."""
        return None if value is None else storable_text(value)


class TryOutcome(BaseModel):
    """One try of an attempt made with `--tries N` (N > 1): how it ended, what the model was
    told of it, and what it cost. `problem` and `test_output` are the feedback, never the
    grading's reason (which names the hidden tests that failed)."""

    model_config = ConfigDict(frozen=True)

    status: Status
    patch_sha256: str
    problem: str | None = None  # what the model is told went wrong (None: resolved)
    # the visible tests' output the next try was shown; None when no next try needed it (the
    # last try), or when the failure needs no test run (an empty or malformed reply)
    test_output: str | None = None
    usage: Usage = Usage()
    cost_usd: float = 0.0
    model_seconds: float = 0.0
    eval_seconds: float = 0.0  # grading, and running the visible tests for the feedback
    # an agent's try in numbers (an earlier try's whole trajectory: `trajectory-<sample>-try-<n>`)
    trajectory: TrajectorySummary | None = None

    @field_validator("problem", "test_output")
    @classmethod
    def _storable(cls, value: str | None) -> str | None:
        return None if value is None else storable_text(value)


class TaskResult(Evaluation):
    """One (task, model, sample) attempt, graded. With `--tries N` (N > 1) `tries` lists every
    try made (the result's own fields are the last one's; usage, cost and times are totals);
    a result made with one try has none."""

    schema_version: Literal[1] = 1
    task_id: str
    scope: Scope
    category: Category
    model: str
    sample: int
    key: ResultKey
    patch: str = ""
    reply: str = ""  # the model's raw reply (for a person reading a malformed one)
    usage: Usage = Usage()
    cost_usd: float = 0.0
    model_seconds: float = 0.0
    # an agent's trajectory in numbers (the whole of it: `trajectory-<sample>.json` beside)
    trajectory: TrajectorySummary | None = None
    analysis: EditAnalysis | None = None  # an older analyzer's shape reads as None: re-analysed
    analysis_failure: AnalysisFailure | None = None  # the analyzer raised on this patch
    finished_at: datetime
    tries: tuple[TryOutcome, ...] = ()  # every try, oldest first, when more than one was allowed
    # how the task was made (None in results stored before they were recorded)
    origin: Origin | None = None
    corruption: Corruption | None = None  # a synthesized task's known corruption

    @field_validator("patch", "reply")
    @classmethod
    def _storable_reply(cls, value: str) -> str:
        """A model's patch or reply may hold lone surrogates (e.g. a JSON "\\udcff" escape):
        stored escaped, the key's `patch_sha256` still being the hash of the text as proposed."""
        return storable_text(value)

    @field_validator("analysis", mode="wrap")
    @classmethod
    def _older_analysis_is_recomputed(
        cls, value: object, handler: ValidatorFunctionWrapHandler
    ) -> EditAnalysis | None:
        """An analysis another analyzer version stored in another shape is dropped, not the
        result: its grade stands and only the analysis is computed again, without a sandbox."""
        try:
            analysis: EditAnalysis | None = handler(value)
        except ValidationError:
            return None
        return analysis

    @property
    def seconds(self) -> float:
        """Wall time the attempt took: the model's proposal plus its evaluation."""
        return self.model_seconds + self.eval_seconds


# What a person reads of an attempt and no aggregate does (the texts and the test outcomes),
# each with its empty value
_EMPTY_DETAILS: dict[str, object] = {
    "patch": "",
    "reply": "",
    "log_tail": "",
    "effective_patch": "",
    "tests": (),
}


def without_details(result: TaskResult) -> TaskResult:
    """`result` without its patch, reply, log tail, effective patch and test outcomes (its key,
    status, usage, cost, times, integrity findings and analysis kept): for aggregates over many
    results, which never read them."""
    return result.model_copy(update=_EMPTY_DETAILS)


@dataclass(frozen=True, slots=True)
class AnalysisSummary:
    """What the leaderboard aggregates of an `EditAnalysis` (docs/metrics.md, "Leaderboard
    aggregates"): its four means and the lengths of five lists."""

    out_of_scope_churn: float | None
    entity_precision: float | None
    style_drift: float | None
    file_recall: float | None
    cosmetic_entities: int
    docstring_comment_loss: int
    renamed_names: int
    stale_call_sites: int
    undefined_names: int
    excess_edit_distance: float | None = None  # beyond the gold's (the minimum, for synth)

    @classmethod
    def of(cls, analysis: EditAnalysis) -> AnalysisSummary:
        """The summary of one analysis."""
        return cls(
            out_of_scope_churn=analysis.out_of_scope_churn,
            entity_precision=analysis.entity_precision,
            style_drift=analysis.style_drift,
            file_recall=analysis.file_recall,
            cosmetic_entities=len(analysis.cosmetic_entities),
            docstring_comment_loss=len(analysis.docstring_comment_loss),
            renamed_names=len(analysis.renamed_names),
            stale_call_sites=len(analysis.stale_call_sites),
            undefined_names=len(analysis.undefined_names),
            excess_edit_distance=analysis.excess_edit_distance,
        )


@dataclass(frozen=True, slots=True)
class ResultRecord:
    """What aggregates (the leaderboard, the SWE-bench report) read of a `TaskResult`, in a
    fraction of its memory: 20,000 of them are held at once."""

    task_id: str
    scope: Scope
    category: Category
    model: str
    sample: int
    task_hash: str
    image_id: str
    status: Status
    integrity_rules: frozenset[IntegrityRule]  # the rules of its integrity findings
    input_tokens: int
    output_tokens: int
    cost_usd: float
    seconds: float  # as `TaskResult.seconds`
    analysis: AnalysisSummary | None
    trajectory: TrajectorySummary | None = None  # an agent's attempt
    tries_made: int = 1  # how many tries the attempt made (the last ended it)
    origin: Origin | None = None
    corruption: Corruption | None = None

    @classmethod
    def of(cls, result: TaskResult) -> ResultRecord:
        """The record of a result (or of its compact validation)."""
        return cls(
            task_id=result.task_id,
            scope=result.scope,
            category=result.category,
            model=result.model,
            sample=result.sample,
            task_hash=result.key.task_hash,
            image_id=result.key.image_id,
            status=result.status,
            integrity_rules=frozenset(finding.rule for finding in result.integrity),
            input_tokens=result.usage.input_tokens,
            output_tokens=result.usage.output_tokens,
            cost_usd=result.cost_usd,
            seconds=result.model_seconds + result.eval_seconds,
            analysis=None if result.analysis is None else AnalysisSummary.of(result.analysis),
            trajectory=result.trajectory,
            tries_made=max(1, len(result.tries)),
            origin=result.origin,
            corruption=result.corruption,
        )


# The fields a record is made from (and the small texts, cheap to check), with TaskResult's own
# definitions; `tests` is left unchecked (its objects cost more than the rest together).
_COMPACT_FIELDS = (
    "schema_version", "task_id", "scope", "category", "model", "sample", "key", "status",
    "integrity", "usage", "cost_usd", "model_seconds", "eval_seconds", "analysis", "finished_at",
    "reason", "apply_step", "tampered_paths", "log_tail", "effective_patch", "patch", "reply",
    "analysis_failure", "trajectory", "tries", "origin", "corruption",
)  # fmt: skip


if TYPE_CHECKING:  # its fields are TaskResult's, but for `tests`
    CompactResult = TaskResult
else:
    CompactResult = create_model(  # type: ignore[call-overload]
        "CompactResult",
        __config__=ConfigDict(frozen=True),
        __validators__={  # TaskResult's own validators, all on fields kept here
            name: field_validator(*found.info.fields, mode=found.info.mode)(
                classmethod(found.func.__func__)  # type: ignore[attr-defined]
            )
            for name, found in TaskResult.__pydantic_decorators__.field_validators.items()
        },
        **{
            name: (TaskResult.model_fields[name].annotation, TaskResult.model_fields[name])
            for name in _COMPACT_FIELDS
        },
    )
"""A `TaskResult` validated from its stored JSON without its test outcomes: a file this accepts
is one `TaskResult` accepts but for `tests`, read in under half the time."""
