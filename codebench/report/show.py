"""`codebench show`: one result laid out for a person to inspect."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.syntax import Syntax
from rich.table import Table

from codebench.grading import TestStatus
from codebench.report.analysis_view import analysis_table
from codebench.results import Status, TaskResult

STATUS_STYLE = {TestStatus.PASSED: "green", TestStatus.SKIPPED: "yellow"}


def tests_table(result: TaskResult) -> Table:
    """Every listed test with its group and outcome."""
    table = Table(title="tests", title_justify="left")
    for column in ("test", "group", "outcome"):
        table.add_column(column)
    for test in result.tests:
        group = "FAIL_TO_PASS" if test.fail_to_pass else "PASS_TO_PASS"
        style = STATUS_STYLE.get(test.status, "red")
        table.add_row(escape(test.test_id), group, f"[{style}]{test.status.value}[/]")
    return table


def render_integrity(result: TaskResult, console: Console) -> None:
    """The integrity evidence, one finding a line, as it was recorded (no markup, no emoji)."""
    if not result.integrity:
        if result.status is Status.INTEGRITY_VIOLATION:
            console.print("integrity violations: none recorded", style="bold red", markup=False)
        return
    console.print("integrity violations:", style="bold red", markup=False)
    for finding in result.integrity:
        console.print(
            f"  {finding.describe()}", markup=False, emoji=False, highlight=False, soft_wrap=True
        )


def render_tries(result: TaskResult, console: Console) -> None:
    """Each try of an attempt made with `--tries`, and what its model was told of it."""
    for number, outcome in enumerate(result.tries, 1):
        console.print(f"try {number}: {outcome.status.value}", style="bold", markup=False)
        if outcome.problem:
            console.print(f"  told: {outcome.problem}", markup=False, soft_wrap=True)


def render_result(result: TaskResult, console: Console) -> None:
    """Status and reason, integrity evidence, tests, the patch (as applied), the analysis."""
    console.print(
        f"[bold]{escape(result.task_id)}[/] ({result.scope.value}, {result.category.value}) - "
        f"{escape(result.model)}, sample {result.sample}: [bold]{result.status.value}[/]"
    )
    if result.reason:
        console.print(f"reason: {result.reason}", markup=False, soft_wrap=True)
    if result.apply_step:
        console.print(f"applied by: {result.apply_step.value}", markup=False)
    if result.tampered_paths:
        console.print(f"reverted edits to: {', '.join(result.tampered_paths)}", markup=False)
    render_integrity(result, console)
    render_tries(result, console)
    if result.tests:
        console.print(tests_table(result))
    patch = result.effective_patch or result.patch
    if patch:
        console.print(Syntax(patch, "diff", word_wrap=True))
    elif result.reply:
        console.print("model reply:", style="bold")
        console.print(result.reply, markup=False, soft_wrap=True)
    if result.analysis is not None:
        console.print(analysis_table(result.analysis))
    if result.analysis_failure is not None:
        console.print(f"analysis failed: {result.analysis_failure}", markup=False)
