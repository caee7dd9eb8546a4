"""The feedback a later try is shown: which visible tests run, what each failure says, the clip;
on the local backend (the Docker path is in test_tries.py)."""

from __future__ import annotations

from codebench.results import Status
from codebench.runner import SandboxSettings
from codebench.runner.feedback import (
    NO_TESTS,
    clip_output,
    feedback_for,
    visible_test_files,
)
from codebench.sandbox import Backend
from codebench.tasks import Task, load_suite
from tests.conftest import MINI, ROOT, TASK

CORE = {t.id: t for t in load_suite("core", ROOT / "tasks")}

LOCAL = SandboxSettings(Backend.LOCAL)
BREAKS_ADD = (
    "--- a/calc/ops.py\n+++ b/calc/ops.py\n@@ -4,2 +4,2 @@\n def add(a, b):\n"
    "-    return a + b\n+    return a - b\n"
)


def test_visible_files_are_the_listed_tests_the_starting_tree_has() -> None:
    # mini-div-zero lists tests/test_div.py::test_div as PASS_TO_PASS, but the file is new in
    # its hidden tests: running it would name them
    assert visible_test_files(TASK) == ("tests/test_ops.py",)
    assert visible_test_files(MINI["mini-rename-show"]) == ("tests/test_report.py",)
    assert visible_test_files(CORE["ledgerkit-fiscal-quarter"]) == ("tests/test_periods.py",)
    for task in CORE.values():
        hidden = {line[6:] for line in task.tests_patch.splitlines() if line.startswith("+++ b/")}
        new = {p for p in hidden if not (task.repo_dir / p).exists()}
        assert not new & set(visible_test_files(task)), task.id


def test_output_is_clipped_to_its_tail_with_a_note() -> None:
    text = "x" * 10_000 + "the end"
    clipped = clip_output(text)
    assert clipped.endswith("the end") and len(clipped) < 4100
    assert clipped.startswith("[... the first 6007 characters are cut ...]\n")
    assert clip_output("short") == "short"


def test_a_reply_without_an_edit_needs_no_sandbox() -> None:
    told = feedback_for(TASK, "", Status.MALFORMED_PATCH, "no SEARCH/REPLACE block", LOCAL)
    assert told.problem == "your reply held no usable edit: no SEARCH/REPLACE block"
    assert told.test_output is None
    empty = feedback_for(TASK, "", Status.EMPTY_PATCH, None, LOCAL)
    assert "changed nothing" in empty.problem


def test_a_patch_that_does_not_apply_says_why() -> None:
    wrong = BREAKS_ADD.replace("return a + b", "return a + c")
    told = feedback_for(TASK, wrong, Status.APPLY_FAILED, None, LOCAL)
    assert told.problem.startswith("your patch does not apply to the starting tree:")
    assert "calc/ops.py" in told.problem and told.test_output == "(no tests were run)"


def test_unresolved_shows_the_visible_tests_failing() -> None:
    told = feedback_for(TASK, BREAKS_ADD, Status.UNRESOLVED, None, LOCAL)
    assert "the repository's own tests fail too" in told.problem
    output = told.test_output or ""
    assert output.startswith("the tests in tests/test_ops.py, run with your edits (exit code 1)")
    assert "test_add" in output and "test_div" not in output


def test_edits_to_tests_are_reverted_before_the_visible_run() -> None:
    patch = (
        "--- a/tests/test_ops.py\n+++ b/tests/test_ops.py\n@@ -1,1 +1,2 @@\n"
        " from calc.ops import add, mul\n+# the model's own line\n"
    )
    told = feedback_for(TASK, patch, Status.UNRESOLVED, None, LOCAL)
    assert (told.test_output or "").startswith("(your edits to tests/test_ops.py were reverted")
    assert "the repository's own tests pass" in told.problem


def test_a_task_with_only_new_tests_runs_none() -> None:
    spec = TASK.spec.model_copy(update={"pass_to_pass": ("tests/test_div.py::test_div",)})
    only_new = Task(spec, TASK.task_dir, TASK.repo_dir, TASK.gold_patch, TASK.tests_patch)
    assert visible_test_files(only_new) == ()
    told = feedback_for(only_new, BREAKS_ADD, Status.UNRESOLVED, None, LOCAL)
    assert told.test_output == NO_TESTS
