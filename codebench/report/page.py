"""The static leaderboard page: one HTML file, no external assets (plots inlined), a table
that sorts by any column."""

from __future__ import annotations

import base64
import html
from pathlib import Path

from codebench.report import plots
from codebench.report.leaderboard import (
    NOT_COMPARABLE,
    Leaderboard,
    ModelEntry,
    ViolationStats,
    submission_note,
)

SORT_SCRIPT = """
document.querySelectorAll('th').forEach((th, column) => th.addEventListener('click', () => {
  const body = th.closest('table').tBodies[0];
  const ascending = th.dataset.order !== 'asc';
  th.dataset.order = ascending ? 'asc' : 'desc';
  const key = row => {
    const text = row.cells[column].dataset.value ?? row.cells[column].textContent;
    const number = parseFloat(text);
    return isNaN(number) ? text : number;
  };
  [...body.rows].sort((a, b) => {
    const x = key(a), y = key(b);
    return (x > y ? 1 : x < y ? -1 : 0) * (ascending ? 1 : -1);
  }).forEach(row => body.appendChild(row));
}));
"""
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { padding: .3rem .7rem; border-bottom: 1px solid #ddd; text-align: right; }
th { cursor: pointer; background: #f4f4f4; }
td:first-child, th:first-child { text-align: left; }
.plots img { max-width: 32%; margin-right: 1%; }
.violation { color: #b00020; font-weight: bold; }
.partial { color: #8a5a00; font-style: italic; }
"""
COLUMNS = (
    "model",
    "suite",
    "resolved",
    "95% CI",
    "local",
    "global",
    "well-formed",
    "violations",
    "violations local",
    "violations global",
    "churn",
    "entity P",
    "drift",
    "file R",
    "cost $",
    "s/task",
)
VIOLATIONS_NOTE = (
    "violations: attempts that gamed (or tried to game) the grader, as count (rate of the "
    "samples); - when the slice has no samples or the leaderboard predates the check."
)


def _number(value: float | None, digits: int = 3) -> tuple[str, str]:
    """(shown text, sort value)."""
    if value is None:
        return "-", "-1"
    return f"{value:.{digits}f}", str(value)


def _td(shown: str, value: str, flagged: bool = False, css_class: str = "violation") -> str:
    css = f' class="{css_class}"' if flagged else ""
    return f'<td data-value="{html.escape(value)}"{css}>{html.escape(shown)}</td>'


def _violation_td(stats: ViolationStats | None) -> str:
    """`count (rate)`, sorting by rate, flagged when nonzero; "-" when unmeasured or empty."""
    if stats is None or stats.violation_rate is None:
        return _td("-", "-1")
    shown = f"{stats.violations} ({stats.violation_rate:.3f})"
    return _td(shown, str(stats.violation_rate), flagged=stats.violations > 0)


def _violation_tds(entry: ModelEntry) -> str:
    counts = entry.integrity_violations
    if counts is None:  # a leaderboard written before integrity was checked
        return _violation_td(None) * 3
    return "".join(_violation_td(s) for s in (counts.overall, counts.local, counts.global_))


def _row(board: Leaderboard, entry: ModelEntry) -> str:
    overall, analysis = entry.resolved.overall, entry.analysis.overall
    interval = (
        f"{overall.ci_low:.2f}-{overall.ci_high:.2f}" if overall.ci_low is not None else "-",
        str(overall.ci_low or 0),
    )
    note = submission_note(board, entry)
    scored = [
        (f"{entry.model} ({note})" if note else entry.model, entry.model),
        (board.suite or "-", board.suite or "-"),
        _number(overall.resolved_rate),
        interval,
        _number(entry.resolved.local.resolved_rate),
        _number(entry.resolved.global_.resolved_rate),
        _number(entry.well_formed_rate),
    ]
    edits = [
        _number(analysis.out_of_scope_churn),
        _number(analysis.entity_precision),
        _number(analysis.style_drift),
        _number(analysis.file_recall),
        _number(entry.cost_usd, 4),
        _number(entry.mean_seconds_per_task, 2),
    ]
    model_td = _td(*scored[0], flagged=note is not None, css_class="partial")
    rest = [*(_td(*c) for c in scored[1:]), _violation_tds(entry), *(_td(*c) for c in edits)]
    tds = [model_td, *rest]
    return f"<tr>{''.join(tds)}</tr>"


TRIES_AND_AGENTS_NOTE = (
    "by try: the resolved rate once each try is counted (--tries), overall, local and global. "
    "Agents: attempts with a trajectory, mean steps and tool calls per attempt, tool calls "
    "that failed and provider errors survived, tokens, and how the attempts ended."
)
AGENT_COLUMNS = (
    "model",
    "by try",
    "by try local",
    "by try global",
    "agent attempts",
    "steps",
    "tool calls",
    "tool errors",
    "API errors",
    "tokens in",
    "tokens out",
    "ended by",
)


def _by_try(rates: list[float]) -> tuple[str, str]:
    """`40% > 55%` (rate after each try), sorting by the last; "-" for a file without them."""
    if not rates:
        return "-", "-1"
    return " > ".join(f"{rate:.0%}" for rate in rates), str(rates[-1])


def _agent_row(entry: ModelEntry) -> str:
    resolved, agent = entry.resolved, entry.agent
    cells = [
        (entry.model, entry.model),
        *(
            _by_try(s.resolved_after_try)
            for s in (resolved.overall, resolved.local, resolved.global_)
        ),
    ]
    if agent is None:
        cells += [("-", "-1")] * (len(AGENT_COLUMNS) - len(cells))
    else:
        ended = ", ".join(f"{r.value} {n}" for r, n in agent.ended_by.items() if n)
        cells += [
            (str(agent.attempts), str(agent.attempts)),
            _number(agent.mean_steps, 1),
            _number(agent.mean_tool_calls, 1),
            (str(agent.tool_errors), str(agent.tool_errors)),
            (str(agent.api_errors), str(agent.api_errors)),
            (f"{agent.input_tokens:,}", str(agent.input_tokens)),
            (f"{agent.output_tokens:,}", str(agent.output_tokens)),
            (ended or "-", ended or "-"),
        ]
    return f"<tr>{''.join(_td(*cell) for cell in cells)}</tr>"


def _tries_and_agents(models: list[ModelEntry]) -> str:
    """A second table, only when some model made several tries or ran as an agent."""
    shown = [m for m in models if len(m.resolved.overall.resolved_after_try) > 1 or m.agent]
    if not shown:
        return ""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in AGENT_COLUMNS)
    rows = "\n".join(_agent_row(entry) for entry in shown)
    return (
        f"<h2>Tries and agents</h2><p>{html.escape(TRIES_AND_AGENTS_NOTE)}</p>"
        f"<table id='agents'><thead><tr>{head}</tr></thead><tbody>\n{rows}\n</tbody></table>"
    )


def _comparability(boards: list[Leaderboard]) -> str:
    """A flagged paragraph when some model did not submit every task of its leaderboard."""
    if all(entry.task_set_matches for board in boards for entry in board.models):
        return ""
    return f"<p class='partial'>{html.escape(NOT_COMPARABLE)}</p>"


def _image(title: str, png: bytes) -> str:
    data = base64.b64encode(png).decode()
    label = html.escape(title)
    return f'<img alt="{label}" title="{label}" src="data:image/png;base64,{data}">'


def render_page(boards: list[Leaderboard], trend_png: bytes | None = None) -> str:
    """The page for one or more leaderboards (with a trend plot of the nightly history)."""
    entries = [(board, entry) for board in boards for entry in board.models]
    models = [entry for _, entry in entries]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in COLUMNS)
    rows = "\n".join(_row(board, entry) for board, entry in entries)
    images = "".join(
        _image(title, png)
        for title, png in (
            ("resolved rate vs out-of-scope churn", plots.resolved_vs_churn(models)),
            ("local vs global", plots.local_vs_global(models)),
            ("cost vs resolved rate", plots.cost_vs_resolved(models)),
        )
    )
    if trend_png is not None:
        images += _image("resolved rate, night after night", trend_png)
    created = max(board.created_at for board in boards).isoformat() if boards else "-"
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>codebench leaderboard</title>"
        f"<style>{STYLE}</style></head><body><h1>codebench leaderboard</h1>"
        f"<p>{len(models)} model(s); built {html.escape(created)}. Click a column to sort.</p>"
        f"<p>{VIOLATIONS_NOTE}</p>{_comparability(boards)}"
        f"<table id='leaderboard'><thead><tr>{head}</tr></thead><tbody>\n{rows}\n</tbody></table>"
        f"{_tries_and_agents(models)}<div class='plots'>{images}</div>"
        f"<script>{SORT_SCRIPT}</script></body></html>\n"
    )


def write_page(boards: list[Leaderboard], out_dir: Path, trend_png: bytes | None = None) -> Path:
    """Write `out_dir/index.html`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "index.html"
    path.write_text(render_page(boards, trend_png), encoding="utf-8")
    return path
