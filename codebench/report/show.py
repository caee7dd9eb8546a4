"""`codebench show`: one result laid out for a person to inspect."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Console
from rich.markup import escape
from rich.syntax import Syntax
from rich.table import Table

from codebench.analysis import EditAnalysis
from codebench.grading import TestStatus
from codebench.models.trajectory import Trajectory
from codebench.report.analysis_view import analysis_table
from codebench.report.diff_lines import read_diff
from codebench.report.diff_marks import mark_diff
from codebench.results import Status, TaskResult

STATUS_STYLE = {TestStatus.PASSED: "green", TestStatus.SKIPPED: "yellow"}
SHOWN_CHARS = 600  # of each message, tool argument and output (the file holds them whole)


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


def _clip(text: str, limit: int = SHOWN_CHARS) -> str:
    text = text.rstrip()
    return text if len(text) <= limit else f"{text[:limit]} [... {len(text) - limit} more chars]"


def render_trajectory(trajectory: Trajectory, console: Console) -> None:
    """Each step of an agent's run: its text, its tool calls and their outputs (clipped)."""
    summary = trajectory.summary()
    console.print(
        f"trajectory: {summary.steps} steps, {summary.tool_calls} tool calls "
        f"({summary.tool_errors} errors), {summary.api_errors} API errors survived, "
        f"{summary.input_tokens}+{summary.output_tokens} tokens, ${summary.cost_usd:.4f}, "
        f"{summary.seconds:.1f} s; ended by {summary.ended_by.value}"
        + (f": {summary.detail}" if summary.detail else ""),
        style="bold",
        markup=False,
        soft_wrap=True,
    )
    for number, step in enumerate(trajectory.steps, start=1):
        console.print(f"step {number} ({step.seconds:.1f} s)", style="bold", markup=False)
        if step.text:
            _plain(console, _clip(step.text))
        for call in step.tool_calls:
            mark = " [error]" if call.is_error else ""
            _plain(console, f"  -> {call.name} {_clip(call.arguments)}{mark}")
            _plain(console, "     " + _clip(call.output).replace("\n", "\n     "))


def _plain(console: Console, text: str) -> None:
    """Text as the model or a tool wrote it: no markup, emoji or highlighting."""
    console.print(text, markup=False, emoji=False, highlight=False, soft_wrap=True)


def render_marks(patch: str, analysis: EditAnalysis, console: Console) -> None:
    """The analyzer's findings on the patch's lines, `path +new` or `path -old` line number
    (as the page marks them; out-of-scope edits need the gold patch, which a result does not
    hold), then those without a line."""
    lines = read_diff(patch)
    marked = mark_diff(lines, analysis, None)
    if not marked.marks and not marked.elsewhere:
        return
    console.print("findings on the patch's lines:", style="bold", markup=False)
    for index, marks in sorted(marked.marks.items()):
        line = lines[index]
        where = f"{line.path} +{line.new}" if line.new is not None else f"{line.path} -{line.old}"
        for mark in marks:
            _plain(console, f"  {where} {mark.kind.value}: {mark.why}")
    for text in marked.elsewhere:
        _plain(console, f"  elsewhere: {text}")


def render_tries(
    result: TaskResult,
    console: Console,
    earlier: Mapping[int, Trajectory | None] | None = None,
) -> None:
    """Each try of an attempt made with `--tries`, and what its model was told of it; an agent's
    earlier tries step by step (`earlier`: try number -> its stored trajectory, None when its
    file is missing or damaged; the last try's is shown after the result)."""
    earlier = earlier or {}
    for number, outcome in enumerate(result.tries, 1):
        console.print(f"try {number}: {outcome.status.value}", style="bold", markup=False)
        if outcome.problem:
            console.print(f"  told: {outcome.problem}", markup=False, soft_wrap=True)
        last = number == len(result.tries)
        if last or outcome.trajectory is None:
            continue
        trajectory = earlier.get(number)
        if trajectory is None:
            console.print("  trajectory: its file is missing or damaged", markup=False)
        else:
            render_trajectory(trajectory, console)


def render_result(
    result: TaskResult,
    console: Console,
    trajectory: Trajectory | None = None,
    earlier: Mapping[int, Trajectory | None] | None = None,
) -> None:
    """Status and reason, integrity evidence, each try (with `earlier`, the trajectories of an
    agent's earlier tries), tests, the patch (as applied), the analysis, the trajectory."""
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
    render_tries(result, console, earlier)
    if result.tests:
        console.print(tests_table(result))
    patch = result.effective_patch or result.patch
    if patch:
        console.print(Syntax(patch, "diff", word_wrap=True))
    elif result.reply:
        console.print("model reply:", style="bold")
        console.print(result.reply, markup=False, soft_wrap=True)
    if result.analysis is not None:
        if patch:
            render_marks(patch, result.analysis, console)
        console.print(analysis_table(result.analysis))
    if result.analysis_failure is not None:
        console.print(f"analysis failed: {result.analysis_failure}", markup=False)
    if trajectory is not None:
        render_trajectory(trajectory, console)
    elif result.trajectory is not None:
        console.print("trajectory: its file is missing or damaged", markup=False)
