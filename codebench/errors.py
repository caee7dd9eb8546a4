"""The one exception hierarchy of codebench.

Bad inputs (task files, patches, model replies, config) raise a subclass of `CodebenchError`
whose message names the file and says how to fix it. Expected per-task outcomes (a malformed
patch, a failed apply) are result values, not exceptions.
"""

from __future__ import annotations

from pathlib import Path


class CodebenchError(Exception):
    """Base class of every error codebench raises on purpose."""


class TaskError(CodebenchError):
    """A task folder or `task.toml` is invalid."""

    def __init__(self, path: Path | str, message: str, field: str | None = None) -> None:
        self.path = Path(path)
        self.field = field
        where = f"{self.path}" + (f": field '{field}'" if field else "")
        super().__init__(f"{where}: {message}")


class PlaceholderError(TaskError):
    """A `task.toml` field still holds a "TODO: ..." draft (as scaffold and mine write them)."""

    def __init__(self, path: Path | str, field: str) -> None:
        super().__init__(
            path,
            f"is still a draft (it starts with 'TODO:'); write the task's "
            f"real {field} in place of it, then validate again",
            field,
        )


class UnappliedPatchError(TaskError):
    """A patch that authoring split off a change does not apply to its own starting tree."""


class ConfigError(CodebenchError):
    """A command-line option or configuration value is invalid."""


class SandboxError(CodebenchError):
    """The sandbox could not be created or used (an infrastructure failure, not the model's)."""


class TestSetupError(SandboxError):
    """The set-up before a test run (adding the hidden tests) failed in the sandbox."""

    __test__ = False  # not a pytest test class


class EngineUnavailableError(SandboxError):
    """No Docker engine can be had on this machine; the message says why and what to do."""


class WheelhouseError(SandboxError):
    """`pip download` on the host could not fetch an environment's requirements; the message
    names the requirement pip gave up on and ends with pip's last lines."""


class ModelError(CodebenchError):
    """A model could not produce a proposal (provider error, bad reply after retries)."""


class NotSubmittedError(ModelError):
    """The model has no answer for this task because it was never asked (e.g. a predictions
    file without the task): the attempt is `not_submitted`, not a failure of the model."""


class ResultStoreError(CodebenchError):
    """A run directory cannot be read or written."""


class RunDirInUseError(ResultStoreError):
    """Another run holds the run directory's lock; the message names its pid, host and start."""


class TrainingDataError(CodebenchError):
    """Graded runs cannot be exported as training data (a result of a task the suite lacks, a
    prompt that would leak a hidden test or gold line); the message names the task and file."""


class RewardRequestError(CodebenchError):
    """A reward request is invalid (a bad field, too large, an unknown task) or the reward
    service answered with an error; `status` is the HTTP status it is (or was) answered with."""

    def __init__(self, message: str, status: int = 400) -> None:
        self.status = status
        super().__init__(message)
