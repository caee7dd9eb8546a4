"""The analysis step: an analysis, a typed failure when the analyzer raises, or nothing."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

import codebench.runner.analysis_step as step
from codebench.analysis import ANALYSIS_VERSION, AnalysisFailure, EditAnalysis, RepoTree
from codebench.results import ResultKey, Status, TaskResult
from codebench.runner.analysis_step import analyse_patch, needs_analysis, with_analysis
from codebench.tasks import Task


def graded(task: Task, patch: str) -> TaskResult:
    return TaskResult(
        task_id=task.id,
        scope=task.scope,
        category=task.category,
        model="gold",
        sample=0,
        key=ResultKey(
            task_hash=task.content_hash, patch_sha256="p", image_id="i", harness_version="1"
        ),
        status=Status.RESOLVED,
        effective_patch=patch,
        finished_at=datetime(2026, 1, 2, tzinfo=UTC),
    )


def test_an_analyzer_that_raises_yields_a_failure_and_keeps_the_status(
    mini_tasks: dict[str, Task], monkeypatch: pytest.MonkeyPatch
) -> None:
    task = mini_tasks["mini-div-zero"]

    def broken(*args: object) -> EditAnalysis:
        raise RuntimeError("boom")

    monkeypatch.setattr(step, "analyze", broken)
    result = with_analysis(task, graded(task, task.gold_patch))
    assert result.status is Status.RESOLVED
    assert result.analysis is None
    assert result.analysis_failure == AnalysisFailure(
        error_type="RuntimeError", message="boom", analysis_version=ANALYSIS_VERSION
    )
    assert str(result.analysis_failure) == "RuntimeError: boom"
    assert not needs_analysis(result)  # a failure is kept, not retried on every run


def test_a_patch_is_analysed(mini_tasks: dict[str, Task]) -> None:
    task = mini_tasks["mini-div-zero"]
    result = with_analysis(task, graded(task, task.gold_patch))
    assert isinstance(result.analysis, EditAnalysis) and result.analysis_failure is None
    assert result.analysis.entity_precision == 1.0
    assert not needs_analysis(result)


def test_an_empty_patch_has_nothing_to_analyse(mini_tasks: dict[str, Task]) -> None:
    task = mini_tasks["mini-div-zero"]
    assert analyse_patch(task, "  \n") is None
    result = with_analysis(task, graded(task, ""))
    assert (result.analysis, result.analysis_failure) == (None, None)


def test_a_failure_without_a_message_reads_as_its_type() -> None:
    assert str(AnalysisFailure.of(ValueError())) == "ValueError"
    assert str(AnalysisFailure.of(KeyError("x"))) == "KeyError: 'x'"


SPAWNS_A_WORKER = """
import os, sys
import codebench.runner.analysis_step as step
step.start_analysis_process()
assert step._pool is not None
print(step._pool.submit(os.getpid).result(timeout=120), flush=True)
sys.stdin.readline()
"""


def test_the_analysis_worker_exits_when_codebench_is_killed() -> None:
    """Regression: after SIGKILL of codebench, the analysis worker (and multiprocessing's
    resource tracker, which waits on it) lived on: 19 minutes later, 52 MB."""
    import os
    import signal
    import subprocess
    import sys
    import time

    parent = subprocess.Popen(
        [sys.executable, "-c", SPAWNS_A_WORKER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert parent.stdout is not None
        worker = int(parent.stdout.readline())
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _alive(worker):
            time.sleep(0.2)
        assert not _alive(worker)
    finally:
        parent.kill()
        parent.wait()


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie awaiting its reaper does not count)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def test_a_failure_of_another_analyzer_version_is_retried(mini_tasks: dict[str, Task]) -> None:
    """Issue 13: a stored `analysis_failure` was kept for good, so a bug fixed by a newer
    analyzer never reached the results it had broken."""
    task = mini_tasks["mini-div-zero"]
    old = AnalysisFailure(error_type="RuntimeError", message="boom", analysis_version=1)
    stored = graded(task, task.gold_patch).model_copy(update={"analysis_failure": old})
    assert needs_analysis(stored)
    legacy = AnalysisFailure.model_validate({"error_type": "RuntimeError", "message": "boom"})
    assert needs_analysis(stored.model_copy(update={"analysis_failure": legacy}))
    current = AnalysisFailure.of(RuntimeError("boom"))
    assert current.analysis_version == ANALYSIS_VERSION
    assert not needs_analysis(stored.model_copy(update={"analysis_failure": current}))
    redone = with_analysis(task, stored)
    assert isinstance(redone.analysis, EditAnalysis) and redone.analysis_failure is None


def test_the_worker_prepares_the_starting_tree_while_the_sandbox_runs(
    mini_tasks: dict[str, Task], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14: a cold repository's analysis waited for the grading to end; now the worker
    computes the style profile as soon as the attempt has a patch to grade."""
    monkeypatch.setenv("CODEBENCH_CACHE_DIR", str(tmp_path))
    task = mini_tasks["mini-div-zero"]
    missing = dataclasses.replace(task, repo_dir=tmp_path / "gone")
    step.prefetch_analysis(task)  # no worker: nothing happens
    assert not list(tmp_path.rglob("style-profile-*"))
    step.start_analysis_process()
    try:
        step.prefetch_analysis(missing)  # a tree that cannot be read costs nothing here
        step.prefetch_analysis(task)
        assert step._pool is not None
        assert step._pool.submit(int).result(timeout=120) == 0  # queued after both
    finally:
        step.stop_analysis_process()
    digest = RepoTree.from_dir(task.repo_dir).digest
    made = {p.name for p in tmp_path.rglob("style-profile-*")}
    assert f"style-profile-v{ANALYSIS_VERSION}-{digest}.json" in made
