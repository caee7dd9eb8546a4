"""Every attempt ends with a stored result: an unexpected exception in one attempt is recorded
against it (`model_error` while proposing, `sandbox_error` while evaluating or analysing) and
never aborts the run."""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

import codebench.runner.attempt as attempt_module
from codebench.models import Model, Proposal, TaskView, get_model
from codebench.results import Evaluation, Status
from codebench.runner import ResultStore, RunSettings, run
from codebench.sandbox import Backend, ImageSet
from tests.conftest import FIXTURE_TASKS, quiet

# `codebench.runner.run` is also the name of the function the package exports
run_module = importlib.import_module("codebench.runner.run")


class ExplodingModel(Model):
    """A model whose code has a bug: `propose` raises what no model should."""

    spec = "exploding"

    def propose(self, view: TaskView, sample: int = 0) -> Proposal:
        raise RuntimeError(f"bug in the adapter for {view.task_id}")


def local_settings(run_dir: Path, models: tuple[str, ...]) -> RunSettings:
    return RunSettings(
        suite="mini",
        tasks_root=FIXTURE_TASKS,
        run_dir=run_dir,
        model_specs=models,
        backend=Backend.LOCAL,
        workers=2,
        analyse=False,
    )


def no_images(keys: set[str]) -> ImageSet:
    return ImageSet()


@pytest.fixture
def with_exploding_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def models(spec: str, gold: Mapping[str, str], options: Any) -> Model:
        return ExplodingModel() if spec == "exploding" else get_model(spec, gold, options)

    monkeypatch.setattr(run_module, "get_model", models)


def test_a_model_raising_anything_is_a_model_error_of_its_attempt(
    tmp_path: Path, with_exploding_model: None
) -> None:
    """Broke: `attempt()` caught only ModelError, so the RuntimeError aborted the whole run
    and the gold model's attempts were never stored."""
    outcome = run(local_settings(tmp_path, ("exploding", "gold")), no_images, quiet())
    statuses = {(r.model, r.task_id): r.status for r in outcome.results}
    assert statuses == {
        ("exploding", "mini-div-zero"): Status.MODEL_ERROR,
        ("exploding", "mini-rename-show"): Status.MODEL_ERROR,
        ("gold", "mini-div-zero"): Status.RESOLVED,
        ("gold", "mini-rename-show"): Status.RESOLVED,
    }
    stored = ResultStore(tmp_path).load("mini-div-zero", "exploding", 0)
    assert stored is not None and stored.status is Status.MODEL_ERROR
    assert stored.reason is not None
    assert "RuntimeError: bug in the adapter for mini-div-zero" in stored.reason
    assert "test_attempt_failures.py:" in stored.reason  # where it was raised: file:line
    assert len(list(ResultStore(tmp_path))) == 4


def test_an_evaluation_raising_anything_is_a_sandbox_error_of_its_attempt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Broke: an exception out of `evaluate_patch` (a grader bug) aborted the run; only the
    attempts that happened to finish first were stored."""
    real = attempt_module.evaluate_patch

    def flaky(task: Any, patch: str, settings: Any, **options: Any) -> Evaluation:
        if task.id == "mini-div-zero":
            raise KeyError("junit-report")
        return real(task, patch, settings, **options)

    monkeypatch.setattr(attempt_module, "evaluate_patch", flaky)
    outcome = run(local_settings(tmp_path, ("gold",)), no_images, quiet())
    by_task = {r.task_id: r for r in outcome.results}
    assert by_task["mini-rename-show"].status is Status.RESOLVED
    failed = by_task["mini-div-zero"]
    assert failed.status is Status.SANDBOX_ERROR
    assert failed.reason is not None and "KeyError: 'junit-report'" in failed.reason
    assert "in flaky" in failed.reason
    assert len(list(ResultStore(tmp_path))) == 2


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, SystemExit])
def test_interrupts_still_propagate_and_leave_the_process_usable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, interrupt: type[BaseException]
) -> None:
    """Ctrl-C and exit are not failures of an attempt: they stop the run, unrecorded.

    Broke: after an interrupted run, every sandbox the process opened later was refused
    ("codebench is shutting down"), so a second run in the same process was all sandbox_error.
    """

    def stop(*args: Any, **options: Any) -> Evaluation:
        raise interrupt

    with monkeypatch.context() as patched:
        patched.setattr(attempt_module, "evaluate_patch", stop)
        with pytest.raises((KeyboardInterrupt, SystemExit)):
            run(local_settings(tmp_path, ("gold",)), no_images, quiet())
    assert list(ResultStore(tmp_path)) == []
    again = run(local_settings(tmp_path, ("gold",)), no_images, quiet())
    assert [r.status for r in again.results] == [Status.RESOLVED, Status.RESOLVED]


def test_an_analysis_raising_anything_keeps_the_grade_and_records_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Broke: an exception out of `with_analysis` (outside the analyzer's own guard, e.g. the
    worker's reply failing to unpickle) aborted the run after the attempt had been graded."""

    def crash(task: Any, result: Any) -> Any:
        raise TypeError("cannot unpickle the analysis")

    monkeypatch.setattr(attempt_module, "with_analysis", crash)
    settings = dataclasses.replace(local_settings(tmp_path, ("gold",)), analyse=True)
    outcome = run(settings, no_images, quiet())
    assert [r.status for r in outcome.results] == [Status.RESOLVED, Status.RESOLVED]
    failure = outcome.results[0].analysis_failure
    assert failure is not None and failure.error_type == "TypeError"
    assert "cannot unpickle the analysis (at test_attempt_failures.py:" in failure.message
    assert len(list(ResultStore(tmp_path))) == 2
