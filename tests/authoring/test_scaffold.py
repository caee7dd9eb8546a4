"""Scaffolding a task from a before/after pair of working copies."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from codebench.authoring import ScaffoldRequest, scaffold, split_diff, validate_task
from codebench.errors import TaskError
from codebench.runner import SandboxSettings
from codebench.tasks import Category, Scope, Task, load_task


def after_copy(task: Task, tmp_path: Path) -> Path:
    """The task's starting tree with its gold patch and hidden tests applied."""
    after = tmp_path / "after"
    shutil.copytree(task.repo_dir, after)
    for text in (task.gold_patch, task.tests_patch):
        subprocess.run(["git", "apply", "-"], cwd=after, input=text, text=True, check=True)
    return after


def test_split_diff_separates_tests(tmp_path: Path, mini_tasks: dict[str, Task]) -> None:
    task = mini_tasks["mini-div-zero"]
    gold, hidden = split_diff(task.repo_dir, after_copy(task, tmp_path))
    assert "+++ b/calc/ops.py" in gold and "tests/" not in gold
    assert "+++ b/tests/test_div.py" in hidden and "calc/ops.py" not in hidden


def test_scaffold_writes_a_valid_task(
    tmp_path: Path, mini_tasks: dict[str, Task], sandbox_settings: SandboxSettings
) -> None:
    task = mini_tasks["mini-div-zero"]
    request = ScaffoldRequest(
        task_id="calc-div-zero",
        before=task.repo_dir,
        after=after_copy(task, tmp_path),
        task_dir=tmp_path / "tasks" / "core" / "calc-div-zero",
        category=Category.BUG_FIX,
        repo_dir=tmp_path / "tasks" / "repos" / "calc",
        instruction='Division by zero should raise CalcError, not "ZeroDivisionError".',
    )
    result = scaffold(request, sandbox_settings)
    assert result.scope is Scope.LOCAL
    assert result.fail_to_pass == ("tests/test_div.py::test_div_zero_raises",)
    assert set(result.pass_to_pass) == {
        "tests/test_div.py::test_div",
        "tests/test_ops.py::test_add",
        "tests/test_ops.py::test_mul",
        "tests/test_report.py::test_line",
    }
    loaded = load_task(request.task_dir)
    assert loaded.spec.instruction.strip() == request.instruction
    assert loaded.spec.title.startswith("TODO")
    assert validate_task(loaded, sandbox_settings).ok

    with pytest.raises(TaskError, match="already exists"):
        scaffold(request, sandbox_settings)


def test_scaffold_needs_a_failing_test(
    tmp_path: Path, mini_tasks: dict[str, Task], sandbox_settings: SandboxSettings
) -> None:
    task = mini_tasks["mini-div-zero"]
    after = tmp_path / "after"
    shutil.copytree(task.repo_dir, after)
    (after / "calc" / "ops.py").write_text((after / "calc" / "ops.py").read_text() + "\nX = 1\n")
    (after / "tests" / "test_more.py").write_text("def test_ok():\n    assert True\n")
    request = ScaffoldRequest(
        "calc-nothing", task.repo_dir, after, tmp_path / "t", Category.FEATURE
    )
    with pytest.raises(TaskError, match="no test fails before"):
        scaffold(request, sandbox_settings)
    assert not request.task_dir.exists()


def test_a_failed_scaffold_can_be_retried(
    tmp_path: Path, mini_tasks: dict[str, Task], sandbox_settings: SandboxSettings
) -> None:
    """Regression: a scaffold that found no failing test had already copied the starting tree
    into the task folder, so the corrected retry failed with "already exists"."""
    task = mini_tasks["mini-div-zero"]
    wrong = tmp_path / "wrong"
    shutil.copytree(task.repo_dir, wrong)
    (wrong / "calc" / "ops.py").write_text((wrong / "calc" / "ops.py").read_text() + "\nX = 1\n")
    (wrong / "tests" / "test_more.py").write_text("def test_ok():\n    assert True\n")
    first = ScaffoldRequest("calc-retry", task.repo_dir, wrong, tmp_path / "t", Category.BUG_FIX)
    with pytest.raises(TaskError, match="no test fails before"):
        scaffold(first, sandbox_settings)
    retry = ScaffoldRequest(
        "calc-retry", task.repo_dir, after_copy(task, tmp_path), tmp_path / "t", Category.BUG_FIX
    )
    assert scaffold(retry, sandbox_settings).fail_to_pass
    assert (tmp_path / "t" / "repo" / "calc" / "ops.py").is_file()
