"""The result of one (task, model, sample): shared by the runner (which writes it) and report."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from codebench.analysis import AnalysisFailure, EditAnalysis
from codebench.grading import TestStatus
from codebench.models import Usage
from codebench.patching import ApplyStep
from codebench.tasks import Category, Scope


class Status(StrEnum):
    """How one attempt at a task ended."""

    RESOLVED = "resolved"
    UNRESOLVED = "unresolved"
    EMPTY_PATCH = "empty_patch"
    MALFORMED_PATCH = "malformed_patch"
    APPLY_FAILED = "apply_failed"
    MODEL_ERROR = "model_error"
    TIMEOUT = "timeout"
    SANDBOX_ERROR = "sandbox_error"


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


class TestRecord(BaseModel):
    """One listed test's outcome."""

    __test__ = False  # not a pytest test class
    model_config = ConfigDict(frozen=True)

    test_id: str
    status: TestStatus
    fail_to_pass: bool


class TaskResult(BaseModel):
    """One (task, model, sample) attempt, graded."""

    model_config = ConfigDict(frozen=True)

    schema_version: Literal[1] = 1
    task_id: str
    scope: Scope
    category: Category
    model: str
    sample: int
    key: ResultKey
    status: Status
    reason: str | None = None
    apply_step: ApplyStep | None = None
    tampered_paths: tuple[str, ...] = ()
    tests: tuple[TestRecord, ...] = ()
    patch: str = ""
    reply: str = ""  # the model's raw reply (for a person reading a malformed one)
    usage: Usage = Usage()
    cost_usd: float = 0.0
    model_seconds: float = 0.0
    eval_seconds: float = 0.0
    log_tail: str = ""
    effective_patch: str = ""  # the patch as applied in the sandbox; what the analysis reads
    analysis: EditAnalysis | None = None
    analysis_failure: AnalysisFailure | None = None  # the analyzer raised on this patch
    finished_at: datetime

    @property
    def seconds(self) -> float:
        """Wall time the attempt took: the model's proposal plus its evaluation."""
        return self.model_seconds + self.eval_seconds
