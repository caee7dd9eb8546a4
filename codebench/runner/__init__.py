"""The runner: the run loop, evaluation of one attempt, and the resumable result store."""

from codebench.results import INFRA_STATUSES, ResultKey, Status, TaskResult, TestRecord
from codebench.runner.run import RunOutcome, RunSettings, run
from codebench.runner.store import ResultStore

__all__ = [
    "INFRA_STATUSES",
    "ResultKey",
    "ResultStore",
    "RunOutcome",
    "RunSettings",
    "Status",
    "TaskResult",
    "TestRecord",
    "run",
]
