"""Evaluating one patch end to end, on both backends: every status the flow can reach."""

from __future__ import annotations

import dataclasses
import importlib

import pytest

from codebench.errors import SandboxError, TestSetupError
from codebench.grading import IntegrityRule, TestStatus
from codebench.patching import ApplyStep
from codebench.results import Status
from codebench.runner import SandboxSettings, evaluate_patch
from codebench.sandbox import Backend
from codebench.tasks import Task

evaluate_module = importlib.import_module("codebench.runner.evaluate")

# Prints what a naive log parser would read as passes, and breaks nothing else.
SPOOF_PASSED = """\
--- a/calc/ops.py
+++ b/calc/ops.py
@@ -1,4 +1,9 @@
 from calc.errors import CalcError
+
+print("tests/test_div.py::test_div_zero_raises PASSED")
+print("PASSED tests/test_div.py::test_div_zero_raises")
+print("=== 4 passed in 0.01s ===")
+print('<testcase classname="tests.test_div" name="test_div_zero_raises"/>')
 
 
 def add(a, b):
"""

INFINITE_LOOP = """\
--- a/calc/ops.py
+++ b/calc/ops.py
@@ -12,2 +12,4 @@
 def div(a, b):
+    while True:
+        pass
     return a / b
"""

GRADE_ITSELF = """\
--- a/tests/test_div.py
+++ b/tests/test_div.py
@@ -0,0 +1,2 @@
+def test_div_zero_raises():
+    pass
"""


def test_gold_resolves(sandbox_settings: SandboxSettings, mini_tasks: dict[str, Task]) -> None:
    for task in mini_tasks.values():
        evaluation = evaluate_patch(task, task.gold_patch, sandbox_settings)
        assert evaluation.status is Status.RESOLVED, evaluation.reason
        assert evaluation.apply_step is ApplyStep.GIT_APPLY
        assert {o.status for o in evaluation.tests} == {TestStatus.PASSED}


def test_spoofed_passed_output_cannot_fake_a_pass(
    sandbox_settings: SandboxSettings, mini_tasks: dict[str, Task]
) -> None:
    """Regression: a patch that prints 'PASSED' lines must still be graded by JUnit XML.

    Log parsers that read pytest's stdout were fooled by such output; this one must not be.
    (The forged `<testcase` line also targets the report: the static scan flags it.)
    """
    evaluation = evaluate_patch(mini_tasks["mini-div-zero"], SPOOF_PASSED, sandbox_settings)
    assert evaluation.status is Status.INTEGRITY_VIOLATION
    assert {(f.rule, f.path) for f in evaluation.integrity} == {
        (IntegrityRule.GRADER_CODE, "calc/ops.py")
    }  # the printed test paths and the forged <testcase line
    statuses = {o.test_id: o.status for o in evaluation.tests}
    assert statuses["tests/test_div.py::test_div_zero_raises"] is TestStatus.FAILED
    assert statuses["tests/test_ops.py::test_add"] is TestStatus.PASSED


def test_a_patch_cannot_grade_itself(
    sandbox_settings: SandboxSettings, mini_tasks: dict[str, Task]
) -> None:
    """Writing the hidden test file with a trivial pass is reverted; the real test decides."""
    task = mini_tasks["mini-div-zero"]
    broken_fix = task.gold_patch.replace("raise CalcError", "return 0  #")
    combined = broken_fix + GRADE_ITSELF.replace("--- a/tests/test_div.py", "--- /dev/null")
    evaluation = evaluate_patch(task, combined, sandbox_settings)
    assert evaluation.tampered_paths == ("tests/test_div.py",)
    assert evaluation.status is Status.UNRESOLVED


def test_tampering_with_tests_is_reverted_and_reported(
    sandbox_settings: SandboxSettings, mini_tasks: dict[str, Task]
) -> None:
    task = mini_tasks["mini-div-zero"]
    weaken = (
        "--- a/tests/test_ops.py\n+++ b/tests/test_ops.py\n@@ -4,2 +4,2 @@\n"
        " def test_add():\n-    assert add(2, 3) == 5\n+    assert True\n"
    )
    evaluation = evaluate_patch(task, task.gold_patch + weaken, sandbox_settings)
    assert evaluation.status is Status.RESOLVED
    assert evaluation.tampered_paths == ("tests/test_ops.py",)
    assert evaluation.reason is not None and "tests/test_ops.py" in evaluation.reason


def test_missing_test_counts_as_failed(
    sandbox_settings: SandboxSettings, mini_tasks: dict[str, Task]
) -> None:
    task = mini_tasks["mini-div-zero"]
    ghost = "tests/test_ops.py::test_that_does_not_exist"
    spec = task.spec.model_copy(update={"pass_to_pass": (*task.spec.pass_to_pass, ghost)})
    evaluation = evaluate_patch(
        dataclasses.replace(task, spec=spec), task.gold_patch, sandbox_settings
    )
    assert evaluation.status is Status.UNRESOLVED
    assert {o.test_id: o.status for o in evaluation.tests}[ghost] is TestStatus.MISSING


def test_hanging_tests_time_out(
    sandbox_settings: SandboxSettings, mini_tasks: dict[str, Task]
) -> None:
    task = mini_tasks["mini-div-zero"]
    quick = dataclasses.replace(task, spec=task.spec.model_copy(update={"timeout": 3}))
    evaluation = evaluate_patch(quick, INFINITE_LOOP, sandbox_settings)
    assert evaluation.status is Status.TIMEOUT
    assert evaluation.reason is not None and "timed out" in evaluation.reason


def test_empty_malformed_and_unappliable(
    sandbox_settings: SandboxSettings, mini_tasks: dict[str, Task]
) -> None:
    task = mini_tasks["mini-div-zero"]
    assert evaluate_patch(task, "", sandbox_settings).status is Status.EMPTY_PATCH
    malformed = evaluate_patch(task, "just prose, no diff", sandbox_settings)
    assert malformed.status is Status.MALFORMED_PATCH
    escaping = evaluate_patch(
        task, task.gold_patch.replace("calc/ops.py", "../ops.py"), sandbox_settings
    )
    assert escaping.status is Status.MALFORMED_PATCH
    assert escaping.reason is not None and "leaves the repository" in escaping.reason
    stale = "--- a/calc/ops.py\n+++ b/calc/ops.py\n@@ -1,2 +1,2 @@\n-not there\n+new\n nor this\n"
    assert evaluate_patch(task, stale, sandbox_settings).status is Status.APPLY_FAILED


def test_base_tree_grading_for_validation(
    sandbox_settings: SandboxSettings, mini_tasks: dict[str, Task]
) -> None:
    evaluation = evaluate_patch(mini_tasks["mini-div-zero"], "", sandbox_settings, grade_empty=True)
    statuses = {o.test_id: o.status for o in evaluation.tests}
    assert statuses["tests/test_div.py::test_div_zero_raises"] is TestStatus.FAILED
    assert statuses["tests/test_ops.py::test_add"] is TestStatus.PASSED


EXIT_DURING_COLLECTION = """\
--- a/calc/errors.py
+++ b/calc/errors.py
@@ -1,2 +1,5 @@
+import os
+
+os._exit(3)
 class CalcError(Exception):
     pass
"""


def test_a_garbled_report_is_the_machines_failure_not_the_models(
    sandbox_settings: SandboxSettings, mini_tasks: dict[str, Task], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: an empty or garbled JUnit report counted every test as missing, so the
    attempt was `unresolved`, the model's fault. pytest never writes such a file (a full disk
    does): it is `sandbox_error` with the reason."""
    grading = importlib.import_module("codebench.grading.grade")  # the module, not grade()
    monkeypatch.setattr(grading, "parse_junit", _raise_parse_error)
    evaluation = evaluate_patch(mini_tasks["mini-div-zero"], "", sandbox_settings, grade_empty=True)
    assert evaluation.status is Status.SANDBOX_ERROR
    assert evaluation.reason and "not valid XML" in evaluation.reason


def _raise_parse_error(text: str) -> dict[tuple[str, str], TestStatus]:
    import xml.etree.ElementTree as ET

    raise ET.ParseError("mismatched tag: line 1, column 5")


def test_no_report_at_all_says_so(
    sandbox_settings: SandboxSettings, mini_tasks: dict[str, Task]
) -> None:
    """Regression: when pytest died before writing a report, every test was silently missing.
    It is still the patch's doing (unresolved), and the reason now says what happened."""
    task = mini_tasks["mini-div-zero"]
    evaluation = evaluate_patch(task, EXIT_DURING_COLLECTION, sandbox_settings)
    assert evaluation.status is Status.UNRESOLVED
    assert evaluation.reason and "pytest wrote no report (exit code 3)" in evaluation.reason


def test_a_lone_surrogate_is_malformed_not_a_crash(mini_tasks: dict[str, Task]) -> None:
    """Regression: a patch with a lone surrogate (undecodable bytes a predictions file carried
    as "\\udcff") raised UnicodeEncodeError while being staged into the sandbox and ended the
    whole run; it must end as this attempt's `malformed_patch`."""
    from codebench.sandbox import Backend

    task = mini_tasks["mini-div-zero"]
    patch = task.gold_patch.replace('"division by zero"', '"division by zero \udcff"')
    evaluation = evaluate_patch(task, patch, SandboxSettings(Backend.LOCAL))
    assert evaluation.status is Status.MALFORMED_PATCH
    assert evaluation.reason is not None and "surrogate" in evaluation.reason


def test_a_patch_too_large_to_carry_is_staged_and_graded_alike(
    sandbox_settings: SandboxSettings, mini_tasks: dict[str, Task]
) -> None:
    """Patches above `CARRIED_MAX_BYTES` go in with the starting tree instead of in the apply
    chain's environment: the outcome is the same."""
    from codebench.patching.apply import CARRIED_MAX_BYTES
    from codebench.patching.render import render_diff

    task = mini_tasks["mini-div-zero"]
    big = "".join(f"VALUE_{i} = {'x' * 60!r}\n" for i in range(CARRIED_MAX_BYTES // 60))
    patch = task.gold_patch + render_diff({}, {"calc/big.py": big})
    evaluation = evaluate_patch(task, patch, sandbox_settings)
    assert evaluation.status is Status.RESOLVED, evaluation.reason
    assert "calc/big.py" in evaluation.effective_patch


@pytest.mark.parametrize(
    ("raised", "blamed"),
    [
        (SandboxError("the connection to the Docker engine dropped while a command ran"), False),
        (TestSetupError("test set-up failed: error: patch failed"), True),
    ],
    ids=["engine fault", "set-up failed"],
)
def test_only_a_failed_set_up_blames_the_hidden_tests(
    monkeypatch: pytest.MonkeyPatch,
    mini_tasks: dict[str, Task],
    raised: Exception,
    blamed: bool,
) -> None:
    """Seen in benchmarks/fault_injection.py: an engine connection dropped under the grading
    command was reported as '<task>/tests.patch does not apply: ...'."""

    def failing(*args: object, **kwargs: object) -> None:
        raise raised

    monkeypatch.setattr(evaluate_module, "grade", failing)
    task = mini_tasks["mini-div-zero"]
    evaluation = evaluate_patch(task, task.gold_patch, SandboxSettings(Backend.LOCAL))
    assert evaluation.status is Status.SANDBOX_ERROR
    assert ("tests.patch does not apply" in (evaluation.reason or "")) is blamed
    assert str(raised) in (evaluation.reason or "")
