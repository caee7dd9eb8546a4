"""The sandbox a model may work in (an agent's): the task's starting tree, never its hidden
tests, holding one of the run's sandbox slots while it is open."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from codebench.models.base import Workspace
from codebench.runner.evaluate import SandboxSettings
from codebench.sandbox import Sandbox, open_sandbox
from codebench.tasks import Task


@contextmanager
def open_workspace(task: Task, settings: SandboxSettings) -> Iterator[Sandbox]:
    """A fresh sandbox of `task`'s starting tree, closed (and its slot freed) on exit.

    Raises:
        SandboxError: the sandbox cannot be started.
    """
    with (
        settings.slots,
        open_sandbox(
            settings.backend, task.repo_dir, settings.image_for(task), settings.limits
        ) as box,
    ):
        yield box


def workspace_for(task: Task, settings: SandboxSettings) -> Workspace:
    """What `TaskView.workspace` holds for `task`."""
    return partial(open_workspace, task, settings)
