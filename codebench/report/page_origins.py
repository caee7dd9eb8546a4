"""The page's breakdown by where the tasks came from (core, mined, swebench, synth) and by a
synthesized task's corruption: each model's resolved rate with its interval and, over its
resolved attempts, the excess edit distance beyond the gold (for synth: the minimal repair)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum

from codebench.report.breakdowns import SliceRates
from codebench.report.leaderboard import Leaderboard, ModelEntry
from codebench.report.page_cells import Better, Cell, Column, head, number, rate_with_interval, td

EXCESS_LEGEND = (
    "excess edit distance over the resolved attempts: how much more than the gold patch (for "
    "a synthesized task, exactly the minimal repair) the model changed; 0 is the gold's"
)


def _keys(entries: Sequence[ModelEntry], field: str) -> list[StrEnum]:
    found: set[StrEnum] = set()
    for entry in entries:
        found.update(getattr(entry, field))
    return sorted(found, key=str)


def _table(entries: Sequence[ModelEntry], field: str, table_id: str) -> str:
    keys = _keys(entries, field)
    columns = [Column("model")]
    for key in keys:
        columns.append(Column(f"{key}", Better.HIGH))
        columns.append(Column(f"{key} excess", Better.LOW, EXCESS_LEGEND, "excess_edit_distance"))
    rows = []
    for entry in entries:
        slices: Mapping[StrEnum, SliceRates] = getattr(entry, field)
        cells = [Cell(entry.model, entry.model)]
        for key in keys:
            found = slices.get(key)
            if found is None:
                cells += [rate_with_interval(None, None, None), number(None)]
                continue
            cells.append(rate_with_interval(found.resolved_rate, found.ci_low, found.ci_high))
            cells.append(number(found.excess_edit_distance))
        rows.append(f"<tr>{''.join(td(c) for c in cells)}</tr>")
    return (
        f"<table id='{table_id}' class='sortable'>{head(tuple(columns))}<tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table>"
    )


def origin_breakdowns(boards: Sequence[Leaderboard]) -> str:
    """The by-origin table when the tasks came from more than one place or any was
    synthesized, and the by-corruption table when any was; "" otherwise."""
    entries = [entry for board in boards for entry in board.models]
    origins = _keys(entries, "by_origin")
    html = ""
    if len(origins) > 1 or any(entry.by_corruption for entry in entries):
        html += f"<h2>By origin</h2>{_table(entries, 'by_origin', 'by-origin')}"
    if any(entry.by_corruption for entry in entries):
        html += "<h2>By corruption (synthesized tasks)</h2>"
        html += _table(entries, "by_corruption", "by-corruption")
    return html
