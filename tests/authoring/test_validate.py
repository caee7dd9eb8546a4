"""`tasks validate` accepts gradable tasks and rejects broken ones with the reason."""

from __future__ import annotations

import dataclasses

from codebench.authoring import placeholder_errors, validate_task
from codebench.errors import PlaceholderError
from codebench.runner import SandboxSettings
from codebench.sandbox import Backend
from codebench.tasks import Scope, Task


def test_fixture_tasks_are_valid(
    sandbox_settings: SandboxSettings, mini_tasks: dict[str, Task]
) -> None:
    for task in mini_tasks.values():
        verdict = validate_task(task, sandbox_settings, gold_runs=2)
        assert verdict.ok, verdict.problems


def test_gold_that_fixes_nothing_is_rejected(
    sandbox_settings: SandboxSettings, mini_tasks: dict[str, Task]
) -> None:
    task = mini_tasks["mini-div-zero"]
    useless = task.gold_patch.replace('raise CalcError("division by zero")', "return 0")
    verdict = validate_task(dataclasses.replace(task, gold_patch=useless), sandbox_settings)
    assert not verdict.ok
    assert any("gold patch is unresolved" in p for p in verdict.problems)


def test_gold_that_trips_an_integrity_check_is_rejected_with_the_evidence(
    sandbox_settings: SandboxSettings, mini_tasks: dict[str, Task]
) -> None:
    """validate runs the integrity checks on gold: a gold patch shipping a .gitattributes
    (a harness-owned file) is reported with the rule and the file, not as resolved."""
    task = mini_tasks["mini-div-zero"]
    attributes = (
        "diff --git a/.gitattributes b/.gitattributes\nnew file mode 100644\n"
        "--- /dev/null\n+++ b/.gitattributes\n@@ -0,0 +1 @@\n+*.py text\n"
    )
    gold = dataclasses.replace(task, gold_patch=task.gold_patch + attributes)
    verdict = validate_task(gold, sandbox_settings)
    assert verdict.problems[1:] == (
        "gold run 1: the gold patch trips an integrity check: hidden_from_git: .gitattributes: "
        "changes git attributes, which bend what git reports of the change",
        "gold run 1: the gold patch edits protected paths: .gitattributes",
    )  # [0]: the scope check counts .gitattributes as a second entity


def test_fail_to_pass_that_already_passes_is_rejected(
    sandbox_settings: SandboxSettings, mini_tasks: dict[str, Task]
) -> None:
    task = mini_tasks["mini-div-zero"]
    spec = task.spec.model_copy(update={"fail_to_pass": ("tests/test_ops.py::test_mul",)})
    verdict = validate_task(dataclasses.replace(task, spec=spec), sandbox_settings)
    assert verdict.problems == (
        "FAIL_TO_PASS tests/test_ops.py::test_mul already passes on the starting tree",
    )


def test_pass_to_pass_failing_on_base_is_rejected(
    sandbox_settings: SandboxSettings, mini_tasks: dict[str, Task]
) -> None:
    task = mini_tasks["mini-div-zero"]
    spec = task.spec.model_copy(
        update={
            "pass_to_pass": ("tests/test_div.py::test_div_zero_raises",),
            "fail_to_pass": ("tests/test_div.py::test_div",),
        }
    )
    verdict = validate_task(dataclasses.replace(task, spec=spec), sandbox_settings)
    assert (
        "PASS_TO_PASS tests/test_div.py::test_div_zero_raises is failed on the starting tree"
        in verdict.problems
    )
    assert (
        "FAIL_TO_PASS tests/test_div.py::test_div already passes on the starting tree"
        in verdict.problems
    )


def test_declared_local_but_gold_is_global(mini_tasks: dict[str, Task]) -> None:
    from codebench.authoring import scope_problems

    task = mini_tasks["mini-rename-show"]
    spec = task.spec.model_copy(update={"scope": Scope.LOCAL})
    (problem,) = scope_problems(dataclasses.replace(task, spec=spec))
    assert problem.startswith("declared local, but the gold patch touches 4 entities")
    assert "calc/report.py::line" in problem


def test_declared_global_needs_context_files(mini_tasks: dict[str, Task]) -> None:
    from codebench.authoring import scope_problems

    task = mini_tasks["mini-div-zero"]
    as_global = task.spec.model_copy(update={"scope": Scope.GLOBAL})
    (problem,) = scope_problems(dataclasses.replace(task, spec=as_global))
    assert "context_files" in problem
    with_context = as_global.model_copy(update={"context_files": ("calc/errors.py",)})
    assert scope_problems(dataclasses.replace(task, spec=with_context)) == []
    wrong = as_global.model_copy(update={"context_files": ("calc/ops.py", "calc/nope.py")})
    assert len(scope_problems(dataclasses.replace(task, spec=wrong))) == 2
    assert scope_problems(task) == []


def test_scaffold_placeholders_are_rejected_naming_the_file_and_field(
    mini_tasks: dict[str, Task],
) -> None:
    """validate passed a task whose title and instruction were still scaffold's "TODO: ..."
    drafts: the model would have been asked to do "TODO: the request"."""
    task = mini_tasks["mini-div-zero"]
    spec = task.spec.model_copy(
        update={"title": "TODO: a short title", "instruction": "\n  TODO: the request\n"}
    )
    draft = dataclasses.replace(task, spec=spec)
    errors = placeholder_errors(draft)
    assert [(e.field, e.path) for e in errors] == [
        ("title", task.task_dir / "task.toml"),
        ("instruction", task.task_dir / "task.toml"),
    ]
    assert all(isinstance(e, PlaceholderError) for e in errors)
    assert str(errors[1]) == (
        f"{task.task_dir / 'task.toml'}: field 'instruction': is still a draft "
        "(it starts with 'TODO:'); write the task's real instruction in place of it, then "
        "validate again"
    )
    verdict = validate_task(draft, SandboxSettings(Backend.LOCAL))
    assert verdict.problems == tuple(str(e) for e in errors)
    mentioned = task.spec.model_copy(update={"title": "Handle the TODO: marker in notes"})
    assert placeholder_errors(dataclasses.replace(task, spec=mentioned)) == []
