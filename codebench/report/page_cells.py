"""Table cells of the static page: every shown text HTML-escaped, every sort value typed (a
missing value is missing, never -1), every column saying which way is better."""

from __future__ import annotations

import html
from dataclasses import dataclass
from enum import StrEnum

MISSING = "-"
METRICS_DOC = "metrics.html"  # docs/metrics.md, copied beside the page as HTML anchors


class Better(StrEnum):
    """Which way a column is better: its first click sorts that way (best first)."""

    HIGH = "high"
    LOW = "low"
    NONE = "none"  # text, or no better side: ascending first


@dataclass(frozen=True)
class Column:
    """A column head: its name, which way is better, and the definition it links to."""

    name: str
    better: Better = Better.NONE
    legend: str = ""  # one sentence, shown in the legend and as the head's title
    anchor: str = ""  # the heading in docs/metrics.md that defines it


@dataclass(frozen=True)
class Cell:
    """One cell: the text shown, the value it sorts by (None: missing, always sorted last)."""

    shown: str
    value: float | str | None = None
    css: str = ""
    title: str = ""
    href: str = ""


def esc(text: str) -> str:
    """HTML-escaped text, quotes included (safe in element text and attribute values)."""
    return html.escape(text, quote=True)


def td(cell: Cell) -> str:
    """The `<td>` of a cell; a missing value has no `data-value` (the sort puts it last)."""
    attrs = ""
    if cell.value is not None:
        attrs += f' data-value="{esc(str(cell.value))}"'
    if cell.css:
        attrs += f' class="{esc(cell.css)}"'
    if cell.title:
        attrs += f' title="{esc(cell.title)}"'
    text = esc(cell.shown)
    if cell.href:
        text = f'<a href="{esc(cell.href)}">{text}</a>'
    return f"<td{attrs}>{text}</td>"


def th(column: Column) -> str:
    """A sortable, focusable head (Enter or Space sorts); linked to its definition if any."""
    title = f' title="{esc(column.legend)}"' if column.legend else ""
    return f'<th tabindex="0" data-better="{column.better.value}"{title}>{esc(column.name)}</th>'


def head(columns: tuple[Column, ...]) -> str:
    """The `<thead>` of a table of these columns."""
    return f"<thead><tr>{''.join(th(c) for c in columns)}</tr></thead>"


def number(value: float | None, digits: int = 3) -> Cell:
    """A plain number, or missing."""
    if value is None:
        return Cell(MISSING)
    return Cell(f"{value:.{digits}f}", value)


def percent(value: float | None) -> Cell:
    """A rate as a percentage (`62.5%`), or missing."""
    if value is None:
        return Cell(MISSING)
    return Cell(f"{value:.1%}", value)


def interval(low: float | None, high: float | None) -> str:
    """`[48%, 71%]`, or empty when unknown."""
    if low is None or high is None:
        return ""
    return f"[{low:.0%}, {high:.0%}]"


def rate_with_interval(rate: float | None, low: float | None, high: float | None) -> Cell:
    """`62.5% [48%, 71%]`, sorting by the rate; missing without a rate."""
    if rate is None:
        return Cell(MISSING)
    shown = f"{rate:.1%} {interval(low, high)}".strip()
    return Cell(shown, rate, title="95% bootstrap interval, resampling tasks")


def count(value: int) -> Cell:
    """A whole number."""
    return Cell(f"{value:,}", value)


def usd(value: float | None) -> Cell:
    """Dollars, or `unknown` when no price was known (a recorded cost of 0 is not free)."""
    if value is None or value <= 0:
        return Cell("unknown", None, css="unknown", title="no price known for this model")
    return Cell(f"${value:,.4f}", value)
