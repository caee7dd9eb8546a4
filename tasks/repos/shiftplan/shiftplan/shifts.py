"""Shifts and the templates they are built from.

Shift boundaries: a shift is anchored to the day it starts. When the end time
is at or before the start time the shift runs overnight and ends on the next
calendar day, but it still belongs to the day it started (for weeks, hours and
consecutive-day counts). A shift that ends exactly at midnight also belongs to
the day it started, and is not a night shift: a night shift is one that works
past midnight.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum

from .staff import Skill


class ShiftKind(Enum):
    """A rough label for when in the day a shift falls."""

    EARLY = "early"
    DAY = "day"
    LATE = "late"
    NIGHT = "night"


@dataclass(frozen=True)
class Shift:
    """A block of work on one day that needs a number of people with a skill."""

    id: str
    day: date
    start: time
    end: time
    skill: Skill
    headcount: int = 1
    kind: ShiftKind = ShiftKind.DAY

    def __post_init__(self) -> None:
        if self.headcount < 1:
            raise ValueError(f"headcount must be at least 1: {self.headcount}")
        if self.start == self.end:
            raise ValueError(f"shift {self.id} has zero length")

    @property
    def overnight(self) -> bool:
        """Return True if the shift ends on the following calendar day."""
        return self.end <= self.start

    @property
    def is_night(self) -> bool:
        """Return True if the shift works past midnight."""
        return self.overnight and self.end != time(0)

    @property
    def starts_at(self) -> datetime:
        """Return the moment the shift starts."""
        return datetime.combine(self.day, self.start)

    @property
    def ends_at(self) -> datetime:
        """Return the moment the shift ends, on the next day if overnight."""
        end_day = self.day + timedelta(days=1) if self.overnight else self.day
        return datetime.combine(end_day, self.end)

    @property
    def hours(self) -> float:
        """Return the length of the shift in hours."""
        return (self.ends_at - self.starts_at).total_seconds() / 3600

    def overlaps(self, other: "Shift") -> bool:
        """Return True if the two shifts share any working time."""
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at

    def rest_before(self, later: "Shift") -> float:
        """Return the hours between the end of this shift and the start of a later one."""
        return (later.starts_at - self.ends_at).total_seconds() / 3600


@dataclass(frozen=True)
class ShiftTemplate:
    """A recurring shift pattern that can be placed on any day."""

    name: str
    start: time
    end: time
    skill: Skill
    headcount: int = 1
    kind: ShiftKind = ShiftKind.DAY

    def on(self, day: date) -> Shift:
        """Return the shift this template produces on the given day."""
        return Shift(
            id=f"{day.isoformat()}-{self.name}",
            day=day,
            start=self.start,
            end=self.end,
            skill=self.skill,
            headcount=self.headcount,
            kind=self.kind,
        )


def build_shifts(templates: Iterable[ShiftTemplate], days: Iterable[date]) -> list[Shift]:
    """Return one shift per template per day, ordered by start."""
    shifts = [template.on(day) for day in days for template in templates]
    return sorted(shifts, key=lambda shift: (shift.starts_at, shift.id))


def parse_clock(text: str) -> time:
    """Parse an 'HH:MM' clock time; '24:00' means midnight."""
    hours, _, minutes = text.strip().partition(":")
    if hours == "24" and minutes == "00":
        return time(0)
    return time(int(hours), int(minutes))
