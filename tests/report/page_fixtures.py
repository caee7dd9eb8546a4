"""Attempts made by hand for the page's tests: hostile text everywhere, and an analysis whose
findings fall on known lines of the patch."""

from __future__ import annotations

from codebench.analysis import EditAnalysis, Finding, FindingKind
from codebench.analysis.style import ConventionDrift
from codebench.grading import TestOutcome, TestStatus
from codebench.report import build_leaderboard
from codebench.report.leaderboard import Leaderboard
from codebench.report.page_inputs import Attempt, PageInputs, TaskInfo
from codebench.results import Status, TaskResult
from codebench.tasks import Scope
from tests.conftest import WHEN, result

NASTY_TASK = "fix-\"quoted\"-'task'<b>"
NASTY_LINE = "<script>alert(1)</script>"
GOLD = """diff --git a/calc.py b/calc.py
--- a/calc.py
+++ b/calc.py
@@ -1,4 +1,4 @@
 def add(a, b):
-    return a - b
+    return a + b
 
 
"""
PATCH = f"""diff --git a/calc.py b/calc.py
--- a/calc.py
+++ b/calc.py
@@ -1,11 +1,11 @@
 def add(a, b):
-    return a - b
+    return a + b
 
 
 def sub(a, b):
-    # keep the order: a first
-    return a - b
+    return a - b  # {NASTY_LINE}
 
 
 def mul(a, b):
-    return a*b
+    return a * b
+def camelCase(x):
+    return old_call(x)
"""


def nasty_analysis() -> EditAnalysis:
    """Findings on known lines: sub out of scope with a lost comment, mul cosmetic, a stale
    call on line 12 of the new file and one elsewhere, a function name in the wrong case."""
    return EditAnalysis(
        scope=Scope.LOCAL,
        files_changed=["calc.py"],
        entities_changed=["calc.py::add", "calc.py::camelCase", "calc.py::mul", "calc.py::sub"],
        entity_precision=0.25,
        entity_recall=1.0,
        file_precision=1.0,
        file_recall=1.0,
        out_of_scope_churn=0.8,
        excess_edit_distance=0.5,
        cosmetic_entities=["calc.py::mul"],
        docstring_comment_loss=["calc.py::sub: # keep the order: a first"],
        renamed_names=[],
        style_drift=0.5,
        style_detail=[
            ConventionDrift(
                convention="naming.function",
                repo_value="snake",
                consistency=1.0,
                added_observations=1,
                breaking_share=1.0,
            )
        ],
        stale_call_sites=[
            Finding(path="calc.py", line=12, name="old_call", kind=FindingKind.STALE_CALL),
            Finding(path="other.py", line=3, name="old_call", kind=FindingKind.STALE_CALL),
        ],
        undefined_names=[],
        reinvented_helpers=[],
        syntax_errors=[],
    )


def nasty_result() -> TaskResult:
    row = result(NASTY_TASK, Scope.LOCAL, '<b>evil</b> "model"', Status.UNRESOLVED)
    return row.model_copy(
        update={
            "patch": PATCH,
            "effective_patch": PATCH,
            "reply": f"here you go {NASTY_LINE}",
            "reason": f"test failed: {NASTY_LINE}",
            "log_tail": NASTY_LINE,
            "tests": (
                TestOutcome(
                    test_id=f'tests/t.py::test_{NASTY_LINE}"',
                    status=TestStatus.FAILED,
                    fail_to_pass=True,
                ),
                TestOutcome(
                    test_id="tests/t.py::test_ok", status=TestStatus.PASSED, fail_to_pass=False
                ),
            ),
            "analysis": nasty_analysis(),
        }
    )


def nasty_inputs() -> tuple[list[Leaderboard], PageInputs]:
    """A board of the nasty attempt and a resolved one, and the page's inputs."""
    nasty = nasty_result()
    fine = result("plain-task", Scope.GLOBAL, nasty.model, Status.RESOLVED)
    board = build_leaderboard([nasty, fine], suite="core", created_at=WHEN)
    info = TaskInfo(
        NASTY_TASK, f"title {NASTY_LINE}", f"Do it {NASTY_LINE}", GOLD, "calc-<repo>", "2026-01-01"
    )
    return [board], PageInputs((Attempt(nasty), Attempt(fine)), {NASTY_TASK: info})
