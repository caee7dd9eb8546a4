"""Task dates (`created_at`): as instants to compare, and a suite limited to newer tasks
(`--since`: a leaderboard of tasks newer than a model's training cutoff)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

# A task's date as `task.toml` holds it: a date, or a date-time with its UTC offset.
TaskDate = date | datetime


def instant(value: TaskDate) -> datetime:
    """The moment a task date names, in UTC: a date-only one is its midnight UTC; a date-time
    without an offset (which `task.toml` refuses) is read as UTC."""
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.utcoffset() is not None else value.replace(tzinfo=UTC)
    return datetime.combine(value, time(), UTC)


@dataclass(frozen=True)
class DateSelection:
    """Task ids kept by a `since` limit, and those left out (with why: no date, or older)."""

    since: datetime | None
    kept: tuple[str, ...]
    undated: tuple[str, ...] = ()  # no created_at: its age is unknown
    older: tuple[str, ...] = ()  # created before `since`

    def excluded_note(self) -> str | None:
        """`3 task(s) left out by --since 2024-05-01: 2 without created_at, 1 created before
        it`; None when none was."""
        if self.since is None or not (self.undated or self.older):
            return None
        parts = [f"{len(self.undated)} without created_at"] if self.undated else []
        parts += [f"{len(self.older)} created before it"] if self.older else []
        left = len(self.undated) + len(self.older)
        return f"{left} task(s) left out by --since {self.since.isoformat()}: " + ", ".join(parts)


def select_since(dates: Mapping[str, TaskDate | None], since: datetime | None) -> DateSelection:
    """The task ids (keys of `dates`, in their order) created on or after `since` (compared as
    UTC instants, see `instant`); all of them when `since` is None."""
    if since is None:
        return DateSelection(None, tuple(dates))
    since = instant(since)
    undated = tuple(task for task, when in dates.items() if when is None)
    older = tuple(t for t, when in dates.items() if when is not None and instant(when) < since)
    kept = tuple(task for task in dates if task not in undated and task not in older)
    return DateSelection(since, kept, undated, older)


def date_range(dates: Iterable[TaskDate | None]) -> tuple[TaskDate | None, TaskDate | None]:
    """The earliest and latest of the dates given (None ones skipped), as they are written."""
    known = sorted((d for d in dates if d is not None), key=instant)
    return (known[0], known[-1]) if known else (None, None)
