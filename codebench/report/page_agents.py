"""The page's 'Tries and agents' table: rates after each try per scope, agent steps, tool
calls, errors, tokens, and how the attempts ended."""

from __future__ import annotations

from codebench.report.leaderboard import ModelEntry
from codebench.report.page_cells import Better, Cell, Column, count, esc, head, number, td

TRIES_AND_AGENTS_NOTE = (
    "by try: the resolved rate once each try is counted (--tries), overall, local and global. "
    "Agents: attempts with a trajectory, mean steps and tool calls per attempt, tool calls "
    "that failed and provider errors survived, tokens, and how the attempts ended."
)
AGENT_COLUMNS = (
    Column("model"),
    Column("by try", Better.HIGH),
    Column("by try local", Better.HIGH),
    Column("by try global", Better.HIGH),
    Column("agent attempts", Better.HIGH),
    Column("steps", Better.LOW),
    Column("tool calls", Better.LOW),
    Column("tool errors", Better.LOW),
    Column("API errors", Better.LOW),
    Column("tokens in", Better.LOW),
    Column("tokens out", Better.LOW),
    Column("ended by"),
)


def _by_try(rates: list[float]) -> Cell:
    """`40% > 55%` (rate after each try), sorting by the last; missing for older files."""
    if not rates:
        return Cell("-")
    return Cell(" > ".join(f"{rate:.0%}" for rate in rates), rates[-1])


def _agent_row(entry: ModelEntry) -> str:
    resolved, agent = entry.resolved, entry.agent
    cells = [
        Cell(entry.model, entry.model),
        *(
            _by_try(s.resolved_after_try)
            for s in (resolved.overall, resolved.local, resolved.global_)
        ),
    ]
    if agent is None:
        cells += [Cell("-")] * (len(AGENT_COLUMNS) - len(cells))
    else:
        ended = ", ".join(f"{r.value} {n}" for r, n in agent.ended_by.items() if n)
        cells += [
            count(agent.attempts),
            number(agent.mean_steps, 1),
            number(agent.mean_tool_calls, 1),
            count(agent.tool_errors),
            count(agent.api_errors),
            count(agent.input_tokens),
            count(agent.output_tokens),
            Cell(ended or "-", ended or None),
        ]
    return f"<tr>{''.join(td(cell) for cell in cells)}</tr>"


def tries_and_agents(models: list[ModelEntry]) -> str:
    """A second table, only when some model made several tries or ran as an agent."""
    shown = [m for m in models if len(m.resolved.overall.resolved_after_try) > 1 or m.agent]
    if not shown:
        return ""
    rows = "\n".join(_agent_row(entry) for entry in shown)
    return (
        f"<h2>Tries and agents</h2><p>{esc(TRIES_AND_AGENTS_NOTE)}</p>"
        f"<table id='agents' class='sortable'>{head(AGENT_COLUMNS)}<tbody>\n{rows}\n"
        "</tbody></table>"
    )
