"""One attempt on a worker, without Ray: its starting tree stays in the node's cache, locked
against pruning, for the attempt's whole length, and is free to prune once it ended."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from codebench.models import ModelOptions
from codebench.results import Status
from codebench.runner.attempt import AttemptOutcome, WorkItem
from codebench.runner.cluster import shipping, trees, worker
from codebench.runner.cluster.shipping import AttemptReport, PackedTree, RecordingStore, TaskBundle
from codebench.runner.cluster.worker import NodeSettings, RemoteAttempt, run_remote_attempt
from codebench.runner.evaluate import SandboxSettings
from codebench.sandbox import Backend, ImageSet, Limits
from codebench.tasks import Scope, Task
from tests.conftest import result


def no_images(keys: set[str]) -> ImageSet:
    return ImageSet()


def test_an_attempts_tree_is_never_pruned_before_the_attempt_ends(
    mini_tasks: dict[str, Task], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tree must stay locked past `on_node`: the attempt reads it (its checkout, the
    analysis) long after the task was rebuilt."""
    monkeypatch.setattr(shipping, "STATE_DIR", tmp_path)
    root = tmp_path / shipping.TREES_DIR
    task = mini_tasks["mini-div-zero"]
    packed = PackedTree.of(task.repo_dir)
    during: list[object] = []

    def attempt(
        item: WorkItem, store: RecordingStore, settings: SandboxSettings, stop: threading.Event
    ) -> AttemptOutcome:
        during.append(trees.prune(root, keep=0))  # another worker process prunes meanwhile
        during.append((item.task.repo_dir / "calc").is_dir())
        return AttemptOutcome(result(task.id, Scope.LOCAL, "gold", Status.RESOLVED), False)

    monkeypatch.setattr(worker, "attempt", attempt)
    job = RemoteAttempt(TaskBundle.of(task, packed), "gold", 0, False, 1)
    node = NodeSettings("run", Backend.LOCAL, Limits(), ModelOptions(), {}, no_images)
    report = run_remote_attempt(job, packed, node)
    assert isinstance(report, AttemptReport) and report.result.status is Status.RESOLVED
    assert during == [[], True]
    assert trees.prune(root, keep=0) == [packed.digest]  # released when the attempt ended
