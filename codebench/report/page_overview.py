"""The page's overview: one row per model, every figure with its legend and definition."""

from __future__ import annotations

from codebench.report.leaderboard import Leaderboard, ModelEntry, ViolationStats, submission_note
from codebench.report.page_cells import (
    METRICS_DOC,
    Better,
    Cell,
    Column,
    count,
    esc,
    head,
    number,
    percent,
    rate_with_interval,
    td,
    usd,
)

COLUMNS = (
    Column("model", legend="the model spec; 'N of M tasks submitted' when it skipped tasks"),
    Column("suite"),
    Column("tasks", Better.HIGH, "tasks with at least one submitted sample", "page-columns"),
    Column(
        "resolved",
        Better.HIGH,
        "share of submitted samples whose hidden tests all pass, with its 95% bootstrap "
        "interval (resampling tasks)",
        "page-columns",
    ),
    Column(
        "local",
        Better.HIGH,
        "resolved share on local tasks (one file, one or two definitions)",
        "scope",
    ),
    Column(
        "global",
        Better.HIGH,
        "resolved share on global tasks (several files, or callers elsewhere)",
        "scope",
    ),
    Column(
        "well-formed",
        Better.HIGH,
        "replies that held a usable edit, of those that came",
        "page-columns",
    ),
    Column(
        "violations",
        Better.LOW,
        "attempts that gamed (or tried to game) the grader: count (share of samples)",
        "integrity_violations",
    ),
    Column(
        "violations local",
        Better.LOW,
        "integrity violations on local tasks",
        "integrity_violations",
    ),
    Column(
        "violations global",
        Better.LOW,
        "integrity violations on global tasks",
        "integrity_violations",
    ),
    Column(
        "model failures",
        Better.LOW,
        "model_error: the provider or the reply failed",
        "page-columns",
    ),
    Column(
        "infra failures",
        Better.LOW,
        "timeout or sandbox_error: the harness or the machine "
        "failed (not the model's wrong answer)",
        "page-columns",
    ),
    Column(
        "out-of-scope churn",
        Better.LOW,
        "mean share of changed lines in definitions the gold patch does not touch",
        "out_of_scope_churn",
    ),
    Column(
        "entity precision",
        Better.HIGH,
        "mean share of changed definitions the gold patch also changes",
        "entity_precision",
    ),
    Column(
        "style drift",
        Better.LOW,
        "mean share of added code that breaks the repository's own conventions",
        "style_drift",
    ),
    Column(
        "file recall",
        Better.HIGH,
        "mean share of the gold patch's files the patch changes",
        "file_recall",
    ),
    Column(
        "cost",
        Better.LOW,
        "USD over every submitted sample; 'unknown' when no price is known",
        "page-columns",
    ),
    Column(
        "cost / resolved",
        Better.LOW,
        "USD per resolved sample; 'unknown' without a price",
        "page-columns",
    ),
    Column(
        "s/task",
        Better.LOW,
        "mean wall seconds per sample: the model's proposal plus its evaluation",
        "page-columns",
    ),
)


def _violation(stats: ViolationStats | None) -> Cell:
    if stats is None or stats.violation_rate is None:
        return Cell("-")
    shown = f"{stats.violations} ({stats.violation_rate:.1%})"
    return Cell(shown, stats.violation_rate, css="violation" if stats.violations else "")


def _violations(entry: ModelEntry) -> list[Cell]:
    counts = entry.integrity_violations
    if counts is None:  # a leaderboard written before integrity was checked
        return [Cell("-")] * 3
    return [_violation(s) for s in (counts.overall, counts.local, counts.global_)]


def _cost_per_resolved(entry: ModelEntry) -> Cell:
    if entry.cost_usd > 0 and entry.cost_per_resolved_usd is None:
        return Cell("none resolved")
    return usd(entry.cost_per_resolved_usd if entry.cost_usd > 0 else None)


def model_cells(board: Leaderboard, entry: ModelEntry, anchor: str) -> list[Cell]:
    """The overview's cells of one model, in `COLUMNS` order; `anchor` its per-model section."""
    overall, analysis = entry.resolved.overall, entry.analysis.overall
    note = submission_note(board, entry)
    name = f"{entry.model} ({note})" if note else entry.model
    return [
        Cell(name, entry.model, css="partial" if note else "", href=f"#{anchor}"),
        Cell(board.suite or "-", board.suite),
        count(entry.submitted_tasks),
        rate_with_interval(overall.resolved_rate, overall.ci_low, overall.ci_high),
        percent(entry.resolved.local.resolved_rate),
        percent(entry.resolved.global_.resolved_rate),
        percent(entry.well_formed_rate),
        *_violations(entry),
        count(entry.model_failures),
        count(entry.infra_failures),
        number(analysis.out_of_scope_churn),
        number(analysis.entity_precision),
        number(analysis.style_drift),
        number(analysis.file_recall),
        usd(entry.cost_usd),
        _cost_per_resolved(entry),
        number(entry.mean_seconds_per_task, 2),
    ]


def overview_table(rows: list[tuple[Leaderboard, ModelEntry, str]]) -> str:
    """The overview table: (board, entry, anchor of its section) per row."""
    body = "\n".join(
        f"<tr>{''.join(td(c) for c in model_cells(board, entry, anchor))}</tr>"
        for board, entry, anchor in rows
    )
    return (
        f"<table id='leaderboard' class='sortable'>{head(COLUMNS)}<tbody>\n{body}\n</tbody></table>"
    )


def legend(metrics_doc: bool) -> str:
    """What each column means, each linked to its definition (when the docs were copied)."""
    items = []
    for column in COLUMNS:
        if not column.legend:
            continue
        name = esc(column.name)
        if metrics_doc and column.anchor:
            name = f'<a href="{METRICS_DOC}#{esc(column.anchor)}">{name}</a>'
        items.append(f"<dt>{name}</dt><dd>{esc(column.legend)}</dd>")
    return (
        "<details class='legend' open><summary>What the columns mean</summary>"
        f"<dl>{''.join(items)}</dl><p>Missing figures show as '-' and always sort last; the "
        "first click on a column sorts best first.</p></details>"
    )
