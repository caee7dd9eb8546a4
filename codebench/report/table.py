"""The results table printed at the end of a run: model x overall / local / global."""

from __future__ import annotations

from rich.table import Table

from codebench.report.leaderboard import Leaderboard, ScopeStats
from codebench.results import Status


def _cell(stats: ScopeStats) -> str:
    if stats.resolved_rate is None:
        return "-"
    return f"{stats.resolved_rate:.0%} ({stats.resolved}/{stats.samples})"


def results_table(leaderboard: Leaderboard) -> Table:
    """A rich table of resolved rates, split by scope, with the other statuses counted."""
    table = Table(title=f"codebench - suite {leaderboard.suite or '?'}", title_justify="left")
    for column in ("model", "resolved", "local", "global", "other statuses", "s/task"):
        table.add_column(
            column, justify="left" if column in ("model", "other statuses") else "right"
        )
    for entry in leaderboard.models:
        others = ", ".join(
            f"{status.value} {count}"
            for status, count in entry.status_counts.items()
            if count and status is not Status.RESOLVED
        )
        table.add_row(
            entry.model,
            _cell(entry.resolved.overall),
            _cell(entry.resolved.local),
            _cell(entry.resolved.global_),
            others or "-",
            f"{entry.mean_seconds_per_task:.2f}",
        )
    return table
