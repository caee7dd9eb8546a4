"""The runner: the run loop, evaluation of one attempt, and the resumable result store."""

from codebench.runner.evaluate import SandboxSettings, evaluate_patch
from codebench.runner.lock import HeldRunDir, lock_run_dir
from codebench.runner.run import (
    Executor,
    ImagePreparer,
    RunOutcome,
    RunSettings,
    images_for,
    run,
)
from codebench.runner.store import ResultStore

__all__ = [
    "Executor",
    "HeldRunDir",
    "ImagePreparer",
    "ResultStore",
    "RunOutcome",
    "RunSettings",
    "SandboxSettings",
    "evaluate_patch",
    "images_for",
    "lock_run_dir",
    "run",
]
