"""One attempt's page: the instruction, the status and its reason, each test's outcome, the
patch as applied with the analyzer's findings marked beside the gold patch, and an agent's
trajectory step by step (collapsible)."""

from __future__ import annotations

from dataclasses import dataclass

from codebench.models.trajectory import Step, Trajectory
from codebench.report.diff_lines import DiffLine, read_diff
from codebench.report.diff_marks import mark_diff
from codebench.report.diff_view import diff_table, marks_legend
from codebench.report.page_assets import STYLE
from codebench.report.page_cells import esc
from codebench.report.page_inputs import Attempt, TaskInfo
from codebench.results import TaskResult

SHOWN_CHARS = 20_000  # of each tool output and reply on the page (the result file has it all)


def _clip(text: str, limit: int = SHOWN_CHARS) -> str:
    return text if len(text) <= limit else f"{text[:limit]}\n[... {len(text) - limit} more chars]"


def _pre(text: str, ident: str = "") -> str:
    attr = f' id="{ident}"' if ident else ""
    return f"<pre{attr}>{esc(_clip(text))}</pre>"


def _status(result: TaskResult) -> str:
    facts = [f"<p>status: <strong id='status'>{esc(result.status.value)}</strong></p>"]
    if result.reason:
        facts.append(f"<p>reason:</p>{_pre(result.reason, 'reason')}")
    if result.apply_step:
        facts.append(f"<p>applied by: {esc(result.apply_step.value)}</p>")
    if result.tampered_paths:
        facts.append(f"<p>reverted edits to: {esc(', '.join(result.tampered_paths))}</p>")
    if result.integrity:
        items = "".join(f"<li>{esc(f.describe())}</li>" for f in result.integrity)
        facts.append(f"<p class='violation'>integrity violations:</p><ul>{items}</ul>")
    for number, outcome in enumerate(result.tries, 1):
        told = f": told {esc(outcome.problem)}" if outcome.problem else ""
        facts.append(f"<p>try {number}: {esc(outcome.status.value)}{told}</p>")
    return "".join(facts)


def _tests(result: TaskResult) -> str:
    if not result.tests:
        return "<p>No test outcomes recorded.</p>"
    rows = "".join(
        f"<tr><td>{esc(t.test_id)}</td>"
        f"<td>{'FAIL_TO_PASS' if t.fail_to_pass else 'PASS_TO_PASS'}</td>"
        f"<td class='t-{esc(t.status.value)}'>{esc(t.status.value)}</td></tr>"
        for t in result.tests
    )
    return (
        "<table id='tests'><thead><tr><th>test</th><th>group</th><th>outcome</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


@dataclass(frozen=True)
class GoldView:
    """A task's gold patch read and laid out once, for the pages of every attempt at it."""

    lines: list[DiffLine]
    table: str


def gold_view(task: TaskInfo | None) -> GoldView | None:
    """The gold patch of a task as its attempts' pages show it; None when unknown."""
    if task is None or not task.gold_patch:
        return None
    lines = read_diff(task.gold_patch, task.read_old)
    return GoldView(lines, diff_table(lines, table_id="gold"))


def _patches(result: TaskResult, task: TaskInfo | None, gold: GoldView | None) -> str:
    patch = result.effective_patch or result.patch
    if not patch:
        reply = _pre(result.reply, "reply") if result.reply else "<p>(no reply)</p>"
        return f"<h2>No patch</h2><p>The model's reply:</p>{reply}"
    lines = read_diff(patch, task.read_old if task is not None else None)
    marked = mark_diff(lines, result.analysis, gold.lines if gold is not None else None)
    which = "as applied" if result.effective_patch else "as proposed (never applied)"
    gold_side = (
        f"<section><h3>gold patch</h3>{gold.table}</section>"
        if gold is not None
        else "<section><h3>gold patch</h3><p>unknown: the task was not found</p></section>"
    )
    return (
        f"<h2>Patch</h2>{marks_legend(marked)}<div class='sides'>"
        f"<section><h3>patch {which}</h3>{diff_table(lines, marked, 'patch')}</section>"
        f"{gold_side}</div>"
    )


def _analysis(result: TaskResult) -> str:
    if result.analysis_failure is not None:
        return f"<p>analysis failed: {esc(str(result.analysis_failure))}</p>"
    if result.analysis is None:
        return ""
    rows = "".join(
        f"<tr><td>{esc(name)}</td><td>{esc(str(value))}</td></tr>"
        for name, value in result.analysis.model_dump(exclude={"style_detail"}).items()
    )
    return (
        "<details><summary>Every figure of the analysis</summary><table id='analysis'>"
        f"<tbody>{rows}</tbody></table></details>"
    )


def _step(number: int, step: Step) -> str:
    tools = ", ".join(call.name for call in step.tool_calls) or "no tool call"
    errors = sum(call.is_error for call in step.tool_calls)
    summary = f"step {number} ({step.seconds:.1f} s): {tools}" + (
        f", {errors} error(s)" if errors else ""
    )
    calls = "".join(
        f"<p>&rarr; {esc(c.name)}{' [error]' if c.is_error else ''}</p>"
        f"{_pre(c.arguments)}{_pre(c.output)}"
        for c in step.tool_calls
    )
    text = _pre(step.text) if step.text else ""
    return f"<details class='step'><summary>{esc(summary)}</summary>{text}{calls}</details>"


def _earlier(attempt: Attempt) -> str:
    """Each earlier try's trajectory (`--tries`), collapsed."""
    shown = []
    for number, trajectory in sorted(attempt.earlier.items()):
        inner = _steps(trajectory) if trajectory else "<p>its file is missing or damaged</p>"
        shown.append(f"<details><summary>try {number}'s trajectory</summary>{inner}</details>")
    return "".join(shown)


def _trajectory(trajectory: Trajectory | None, result: TaskResult) -> str:
    if trajectory is None:
        missing = result.trajectory is not None
        return "<p>trajectory: its file is missing or damaged</p>" if missing else ""
    return f"<h2>Trajectory</h2>{_steps(trajectory)}"


def _steps(trajectory: Trajectory) -> str:
    summary = trajectory.summary()
    head = (
        f"{summary.steps} steps, {summary.tool_calls} tool calls ({summary.tool_errors} "
        f"errors), {summary.api_errors} API errors survived; ended by {summary.ended_by.value}"
        + (f": {summary.detail}" if summary.detail else "")
    )
    steps = "".join(_step(n, s) for n, s in enumerate(trajectory.steps, 1))
    return f"<p>{esc(head)}</p><div class='trajectory'>{steps}</div>"


def render_attempt(
    attempt: Attempt,
    task: TaskInfo | None,
    gold: GoldView | None = None,
    back: str = "../index.html",
) -> str:
    """The attempt's page (every text from the model, the task or the tests escaped); `gold`
    is `gold_view(task)`, computed here when not given."""
    result = attempt.result
    gold = gold if gold is not None else gold_view(task)
    title = f"{result.task_id} - {result.model}, sample {result.sample}"
    instruction = _pre(task.instruction, "instruction") if task else "<p>(task not found)</p>"
    task_title = f"<p>{esc(task.title)}</p>" if task else ""
    log = (
        f"<details><summary>test log (tail)</summary>{_pre(result.log_tail)}</details>"
        if result.log_tail
        else ""
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>"
        f"<p><a href='{esc(back)}' id='back'>&larr; leaderboard</a></p><h1>{esc(title)}</h1>"
        f"<p>{esc(result.scope.value)}, {esc(result.category.value)}</p>{task_title}"
        f"<h2>Instruction</h2>{instruction}{_status(result)}<h2>Tests</h2>{_tests(result)}"
        f"{_patches(result, task, gold)}{_analysis(result)}"
        f"{_earlier(attempt)}{_trajectory(attempt.trajectory, result)}{log}"
        "</body></html>\n"
    )
