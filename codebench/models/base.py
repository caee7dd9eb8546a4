"""The `Model` interface: given what a model may see of a task, propose a patch."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codebench.models.trajectory import Trajectory
    from codebench.sandbox import Sandbox

# Opens a fresh sandbox holding the task's starting tree, never the hidden tests:
# `with view.workspace() as box:`. The runner provides it; it holds one sandbox slot while open.
Workspace = Callable[[], "AbstractContextManager[Sandbox]"]
# Held around each provider call: a run's `threading.Semaphore`, or on a Ray cluster a slot of
# the limit the whole cluster shares (`codebench.runner.cluster`).
CallLimiter = AbstractContextManager[object]


@dataclass(frozen=True)
class PriorTry:
    """What became of an earlier try at the same task (`--tries`), as the model may see it:
    its patch, why it failed, and the output of the tests the repository already has (the
    hidden tests are never run for it, nor named)."""

    patch: str
    problem: str  # e.g. "the patch does not apply: ..." or "the visible tests fail"
    test_output: str = ""
    reply: str = ""  # the model's own reply that try (a single-reply model replays it)


@dataclass(frozen=True)
class TaskView:
    """What a model may see of a task: never the gold patch or the hidden tests."""

    task_id: str
    instruction: str
    repo_dir: Path  # the starting tree; read it, never write it
    workspace: Workspace | None = None  # None: this run gives models no sandbox
    prior_tries: tuple[PriorTry, ...] = ()  # earlier tries of this attempt, oldest first


@dataclass(frozen=True)
class Usage:
    """Tokens a proposal cost."""

    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    reasoning_tokens: int = 0


@dataclass(frozen=True)
class Proposal:
    """A model's answer to a task: a unified diff (possibly empty) and what it cost."""

    patch: str
    seconds: float = 0.0
    usage: Usage = field(default_factory=Usage)
    cost_usd: float = 0.0
    format_error: str | None = None  # the reply held no usable edit: `malformed_patch`
    reply: str = ""  # the model's raw reply, when it has one
    calls: int = 0  # provider calls made (0 when served from the cache)
    trajectory: Trajectory | None = None  # an agent's steps (stored as an artifact)
    # the model could not finish (the provider failed past its retries mid-run): the attempt
    # is `model_error` with this reason, its trajectory kept, and nothing is graded
    failure: str | None = None


class Model(ABC):
    """Anything that proposes patches. `spec` is the string that chose it (`--model SPEC`)."""

    spec: str

    @abstractmethod
    def propose(self, view: TaskView, sample: int = 0) -> Proposal:
        """Propose a patch for one task (sample `sample` of it); raise `ModelError` when no
        proposal can be had."""

    @property
    def slug(self) -> str:
        """A file-name-safe form of the spec, for result paths."""
        return model_slug(self.spec)


def model_slug(spec: str) -> str:
    """A file-name-safe form of a model spec: the folder its results are stored in."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", spec).strip("_") or "model"
