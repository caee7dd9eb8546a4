"""Reference models shipped with codebench: `gold` (the reference solution) and `noop`."""

from __future__ import annotations

from collections.abc import Mapping

from codebench.errors import ModelError
from codebench.models.base import Model, Proposal, TaskView


class GoldModel(Model):
    """Proposes each task's gold patch: the ceiling every task must reach."""

    spec = "gold"

    def __init__(self, gold_patches: Mapping[str, str]) -> None:
        self._gold = gold_patches

    def propose(self, view: TaskView, sample: int = 0) -> Proposal:
        """Return the gold patch of the task."""
        try:
            return Proposal(patch=self._gold[view.task_id])
        except KeyError as exc:
            raise ModelError(f"gold: no gold patch known for task {view.task_id!r}") from exc


class NoopModel(Model):
    """Proposes nothing: the floor (every task should come out `empty_patch`)."""

    spec = "noop"

    def propose(self, view: TaskView, sample: int = 0) -> Proposal:
        """Return an empty patch."""
        return Proposal(patch="")
