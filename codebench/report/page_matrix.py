"""The page's breakdowns: resolved rates by category and by scope with intervals, and the
task x model matrix of statuses with its filters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from codebench.report.leaderboard import Leaderboard, ModelEntry, TaskEntry
from codebench.report.page_cells import Better, Cell, Column, esc, head, rate_with_interval, td
from codebench.report.page_inputs import TaskInfo
from codebench.results import Status
from codebench.stats import bootstrap_interval

Split = Literal["category", "scope"]
# (task id, model, sample) -> the attempt's page, relative to index.html
AttemptLinks = Mapping[tuple[str, str, int], str]
SHORT = {
    Status.RESOLVED: "R",
    Status.UNRESOLVED: "U",
    Status.EMPTY_PATCH: "E",
    Status.MALFORMED_PATCH: "M",
    Status.APPLY_FAILED: "A",
    Status.INTEGRITY_VIOLATION: "V",
    Status.MODEL_ERROR: "ME",
    Status.TIMEOUT: "T",
    Status.SANDBOX_ERROR: "SE",
    Status.NOT_SUBMITTED: "-",
}


@dataclass(frozen=True)
class SliceRate:
    """One model's resolved rate on one slice of the tasks, with its interval."""

    samples: int
    rate: float | None
    low: float | None
    high: float | None


def slice_rate(entry: ModelEntry, task_ids: set[str]) -> SliceRate:
    """The resolved rate of `entry` over its submitted samples of these tasks."""
    outcomes = [
        [s is Status.RESOLVED for s in statuses if s is not Status.NOT_SUBMITTED]
        for task, statuses in entry.per_task.items()
        if task in task_ids
    ]
    outcomes = [o for o in outcomes if o]
    samples = sum(len(o) for o in outcomes)
    if not samples:
        return SliceRate(0, None, None, None)
    low, high = bootstrap_interval(outcomes)
    return SliceRate(samples, round(sum(map(sum, outcomes)) / samples, 4), low, high)


def _slices(tasks: Sequence[TaskEntry], by: Split) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = {}
    for task in tasks:
        key = task.category.value if by == "category" else task.scope.value
        groups.setdefault(key, set()).add(task.id)
    return dict(sorted(groups.items()))


def breakdown(boards: Sequence[Leaderboard], by: Split) -> str:
    """A table of each model's resolved rate (with interval) per category or per scope."""
    slices: dict[str, set[str]] = {}
    for board in boards:
        for key, ids in _slices(board.tasks, by).items():
            slices.setdefault(key, set()).update(ids)
    slices = dict(sorted(slices.items()))
    columns = (
        Column("model"),
        *(Column(f"{k} ({len(v)})", Better.HIGH) for k, v in slices.items()),
    )
    rows = []
    for board in boards:
        for entry in board.models:
            cells = [Cell(entry.model, entry.model)]
            for ids in slices.values():
                found = slice_rate(entry, ids)
                cells.append(rate_with_interval(found.rate, found.low, found.high))
            rows.append(f"<tr>{''.join(td(c) for c in cells)}</tr>")
    return (
        f"<table id='by-{by}' class='sortable'>{head(columns)}<tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table>"
    )


def _chip(status: Status, href: str | None, label: str) -> str:
    text = esc(SHORT[status])
    title = esc(f"{label}: {status.value}")
    css = f"s s-{status.value}"
    if href is None:
        return f'<span class="{css}" title="{title}">{text}</span>'
    return f'<a class="{css}" title="{title}" href="{esc(href)}">{text}</a>'


def _matrix_cell(task: str, entry: ModelEntry, links: AttemptLinks) -> str:
    statuses = entry.per_task.get(task)
    if not statuses:
        return "<td>-</td>"
    chips = " ".join(
        _chip(s, links.get((task, entry.model, n)), f"{entry.model} sample {n}")
        for n, s in enumerate(statuses)
    )
    resolved = sum(s is Status.RESOLVED for s in statuses) / len(statuses)
    return f'<td data-value="{resolved}">{chips}</td>'


def _row(
    task: TaskEntry, info: TaskInfo | None, entries: list[ModelEntry], links: AttemptLinks
) -> str:
    """A task's row: its facts as data attributes (what the filters read), a cell per model."""
    statuses = sorted({s.value for e in entries for s in e.per_task.get(task.id, [])})
    repo = info.repository if info else ""
    date = info.created or "" if info else ""
    attrs = (
        f'data-scope="{task.scope.value}" data-category="{task.category.value}" '
        f'data-repo="{esc(repo)}" data-date="{esc(date)}" data-statuses="{" ".join(statuses)}"'
    )
    title = f' title="{esc(info.title)}"' if info else ""
    cells = "".join(_matrix_cell(task.id, e, links) for e in entries)
    return (
        f'<tr {attrs}><td data-value="{esc(task.id)}"{title}>{esc(task.id)}</td>'
        f"<td>{task.scope.value}</td><td>{task.category.value}</td>"
        f"<td>{esc(repo) or '-'}</td><td>{esc(date) or '-'}</td>{cells}</tr>"
    )


def _select(name: str, label: str, values: Sequence[str]) -> str:
    options = "".join(f'<option value="{esc(v)}">{esc(v)}</option>' for v in values)
    return (
        f'<label>{esc(label)} <select data-filter="{name}" id="filter-{name}">'
        f'<option value="">all</option>{options}</select></label>'
    )


def _filters(tasks: Sequence[TaskEntry], infos: Mapping[str, TaskInfo]) -> str:
    repos = sorted({i.repository for t in tasks if (i := infos.get(t.id))})
    return (
        "<p class='filters'>"
        + _select("scope", "scope", sorted({t.scope.value for t in tasks}))
        + _select("category", "category", sorted({t.category.value for t in tasks}))
        + _select("repo", "repository", repos)
        + _select("status", "status", [s.value for s in Status])
        + '<label>created since <input type="date" data-filter="since" id="filter-since">'
        + "</label></p>"
    )


def matrix(
    boards: Sequence[Leaderboard], infos: Mapping[str, TaskInfo], links: AttemptLinks
) -> str:
    """Every task x model with each sample's status (linked to its attempt), and filters."""
    tasks = {t.id: t for board in boards for t in board.tasks}
    ordered = [tasks[k] for k in sorted(tasks)]
    entries = [entry for board in boards for entry in board.models]
    columns = (
        Column("task"),
        Column("scope"),
        Column("category"),
        Column("repository"),
        Column("created"),
        *(Column(e.model, Better.HIGH) for e in entries),
    )
    rows = "\n".join(_row(t, infos.get(t.id), entries, links) for t in ordered)
    legend = " ".join(f"{_chip(s, None, s.value)} {s.value}" for s in Status)
    return (
        f"{_filters(ordered, infos)}<p>{legend}</p>"
        f"<p><span id='matrix-shown'>{len(ordered)}</span> of {len(ordered)} tasks shown.</p>"
        f"<div class='matrix-box'><table id='matrix' class='sortable'>{head(columns)}<tbody>\n"
        f"{rows}\n</tbody></table></div>"
    )
