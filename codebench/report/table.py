"""The tables printed at the end of a run: resolved rates, and how each model edits."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from codebench.report.leaderboard import (
    NOT_COMPARABLE,
    AnalysisStats,
    Leaderboard,
    ScopeStats,
    submission_note,
)
from codebench.results import Status


def _cell(stats: ScopeStats) -> str:
    if stats.resolved_rate is None:
        return "-"
    return f"{stats.resolved_rate:.0%} ({stats.resolved}/{stats.samples})"


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _by_try(stats: ScopeStats) -> str:
    return ">".join(f"{rate:.0%}" for rate in stats.resolved_after_try) or "-"


def results_table(leaderboard: Leaderboard) -> Table:
    """Resolved rates split by scope, with the other statuses counted; with several tries
    (`--tries`) also the overall rate after each try (by scope in the leaderboard file)."""
    suite = f" - suite {escape(leaderboard.suite)}" if leaderboard.suite else ""
    table = Table(title=f"codebench{suite}", title_justify="left", caption_justify="left")
    by_try = any(len(e.resolved.overall.resolved_after_try) > 1 for e in leaderboard.models)
    columns: tuple[str, ...] = ("model", "resolved", "local", "global", "well-formed", "cost $")
    if by_try:
        columns = (*columns[:4], "by try", *columns[4:])
    for column in (*columns, "other statuses", "s/task"):
        table.add_column(
            column, justify="left" if column in ("model", "other statuses") else "right"
        )
    for entry in leaderboard.models:
        others = ", ".join(
            f"{status.value} {count}"
            for status, count in entry.status_counts.items()
            if count and status is not Status.RESOLVED
        )
        note = submission_note(leaderboard, entry)
        rates = entry.resolved
        tried = [_by_try(rates.overall)]
        table.add_row(
            escape(entry.model) + (f" [yellow]({note})[/]" if note else ""),
            _cell(rates.overall),
            _cell(rates.local),
            _cell(rates.global_),
            *(tried if by_try else []),
            "-" if entry.well_formed_rate is None else f"{entry.well_formed_rate:.0%}",
            f"{entry.cost_usd:.4f}",
            others or "-",
            f"{entry.mean_seconds_per_task:.2f}",
        )
    if not all(entry.task_set_matches for entry in leaderboard.models):
        table.caption = f"[yellow]{NOT_COMPARABLE}[/]"
    return table


def analysis_summary_table(leaderboard: Leaderboard) -> Table:
    """Per model and scope: mean churn, entity precision, style drift, file recall; counts."""
    table = Table(title="how they edit (means over applied patches)", title_justify="left")
    columns = ("model", "scope", "churn", "entity P", "drift", "file R")
    for column in (*columns, "cosmetic", "lost docs", "renames"):
        table.add_column(column, justify="left" if column in ("model", "scope") else "right")
    for entry in leaderboard.models:
        split = entry.analysis
        for scope, stats in (("local", split.local), ("global", split.global_)):
            if stats.analysed:
                table.add_row(escape(entry.model), scope, *_analysis_cells(stats))
    return table


def _analysis_cells(stats: AnalysisStats) -> list[str]:
    return [
        _number(stats.out_of_scope_churn),
        _number(stats.entity_precision),
        _number(stats.style_drift),
        _number(stats.file_recall),
        str(stats.cosmetic_entities),
        str(stats.docstring_comment_loss),
        str(stats.renamed_names),
    ]
