"""Rota weeks: numbering, labels and date ranges.

The rota calendar is not ISO 8601. A rota week runs from Sunday to Saturday,
and week 1 of a year is the week that contains 1 January. A week that
straddles New Year therefore belongs to the new year: Sunday 29 December 2024
is the first day of W01-2025. Weeks are labelled "W<nn>-<yyyy>".
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

WEEK_START_WEEKDAY = 6
LABEL_PATTERN = re.compile(r"^W(\d{2})-(\d{4})$")


def _week_start(day: date) -> date:
    """Return the Sunday on or before the given day."""
    return day - timedelta(days=(day.weekday() - WEEK_START_WEEKDAY) % 7)


@dataclass(frozen=True, order=True)
class Week:
    """A rota week, identified by its rota year and week number."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 53:
            raise ValueError(f"week number out of range: {self.number}")

    @property
    def start(self) -> date:
        """Return the Sunday that opens the week."""
        return _week_start(date(self.year, 1, 1)) + timedelta(weeks=self.number - 1)

    @property
    def end(self) -> date:
        """Return the Saturday that closes the week."""
        return self.start + timedelta(days=6)

    @property
    def label(self) -> str:
        """Return the week's label, e.g. 'W01-2025'."""
        return f"W{self.number:02d}-{self.year}"

    def days(self) -> list[date]:
        """Return the seven days of the week, Sunday first."""
        return [self.start + timedelta(days=offset) for offset in range(7)]

    def contains(self, day: date) -> bool:
        """Return True if the day falls inside the week."""
        return self.start <= day <= self.end

    def next(self) -> "Week":
        """Return the following rota week."""
        return week_of(self.start + timedelta(days=7))

    def previous(self) -> "Week":
        """Return the preceding rota week."""
        return week_of(self.start - timedelta(days=1))

    def __str__(self) -> str:
        return self.label


def week_of(day: date) -> Week:
    """Return the rota week that contains the given day."""
    start = _week_start(day)
    year = (start + timedelta(days=6)).year
    number = (start - _week_start(date(year, 1, 1))).days // 7 + 1
    return Week(year, number)


def parse_week_label(label: str) -> Week:
    """Parse a label such as 'W07-2025' into a Week."""
    match = LABEL_PATTERN.match(label.strip())
    if match is None:
        raise ValueError(f"not a week label: {label!r}")
    return Week(int(match.group(2)), int(match.group(1)))


def weeks_between(first: Week, last: Week) -> list[Week]:
    """Return the weeks from first to last inclusive."""
    weeks: list[Week] = []
    current = first
    while current <= last:
        weeks.append(current)
        current = current.next()
    return weeks
