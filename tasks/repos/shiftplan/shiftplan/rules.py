"""Rota rules from the staffing agreement, and a validator that applies them.

Policy reference
----------------
The rules below restate the staffing agreement that every rota has to honour.
Each rule class in this module cites the section it enforces.

1. Qualifications. Everyone on a shift must hold the skill the shift requires.
   Staff who are not in the team cannot be rostered at all.

2. Double booking. Nobody works two shifts that overlap in time.

3. Weekly hours. A person's hours are counted per rota week (see calendar.py:
   Sunday to Saturday). A shift counts towards the week of the day it starts,
   even when it runs past midnight into the next week. Nobody may go above
   their own max_hours in any week.

4. Rest. There must be at least 11 hours between the end of one shift and the
   start of the next shift worked by the same person.

5. Consecutive days. Nobody works more than 6 days in a row. A day counts as
   worked when a shift starts on it; any day off breaks the run.

6. Nights. A night shift is a shift that works past midnight (a shift ending
   exactly at midnight is not a night). A run of nights is a sequence of night
   shifts starting on consecutive days. No run may be longer than 4 nights,
   and staff who have opted out of nights are never put on one.

7. Recovery after nights. Once a run of nights ends, the person must have at
   least 46 hours off, measured from the end of the last night of the run to
   the start of their next shift. A night shift starting the day after another
   night continues the run and is not a break from it.

8. Staffing levels. Every shift should reach its headcount. An under-staffed
   shift is reported as a warning rather than an error, since it can still be
   filled by bank staff on the day.
"""

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from .calendar import week_of
from .rota import Rota
from .shifts import Shift
from .staff import Team

MIN_REST_HOURS = 11.0
MAX_CONSECUTIVE_DAYS = 6
MAX_CONSECUTIVE_NIGHTS = 4


class Severity(Enum):
    """How serious a rule violation is."""

    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Violation:
    """A single breach of a rule, tied to a shift and usually a person."""

    rule: str
    shift_id: str
    message: str
    staff_id: str | None = None
    severity: Severity = Severity.ERROR


class Rule(ABC):
    """A check that a rota must pass."""

    name: str = "rule"

    @abstractmethod
    def check(self, rota: Rota, team: Team) -> list[Violation]:
        """Return every violation of the rule in the rota."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _night_runs(shifts: Sequence[Shift]) -> list[list[Shift]]:
    """Group a person's night shifts into runs on consecutive days."""
    runs: list[list[Shift]] = []
    for shift in shifts:
        if not shift.is_night:
            continue
        if runs and shift.day - runs[-1][-1].day == timedelta(days=1):
            runs[-1].append(shift)
        else:
            runs.append([shift])
    return runs


class QualificationRule(Rule):
    """Require everyone on a shift to hold its skill (section 1)."""

    name = "qualification"

    def check(self, rota: Rota, team: Team) -> list[Violation]:
        """Return assignments of unknown or unqualified staff."""
        violations: list[Violation] = []
        for assignment in rota.assignments:
            shift = rota.shift(assignment.shift_id)
            if assignment.staff_id not in team:
                message = f"{assignment.staff_id} is not in the team"
            elif not team.get(assignment.staff_id).has_skill(shift.skill.value):
                message = f"{assignment.staff_id} lacks skill {shift.skill.value}"
            else:
                continue
            violations.append(Violation(self.name, shift.id, message, assignment.staff_id))
        return violations


class DoubleBookingRule(Rule):
    """Forbid anyone from working overlapping shifts (section 2)."""

    name = "double_booking"

    def check(self, rota: Rota, team: Team) -> list[Violation]:
        """Return each overlapping pair of shifts per person."""
        violations: list[Violation] = []
        for staff_id in rota.staff_ids():
            shifts = rota.shifts_for(staff_id)
            for index, earlier in enumerate(shifts):
                for later in shifts[index + 1:]:
                    if later.starts_at >= earlier.ends_at:
                        break
                    message = f"{staff_id} is on {earlier.id} and {later.id} at once"
                    violations.append(Violation(self.name, later.id, message, staff_id))
        return violations


class WeeklyHoursRule(Rule):
    """Keep everyone within their own weekly hours limit (section 3)."""

    name = "weekly_hours"

    def check(self, rota: Rota, team: Team) -> list[Violation]:
        """Return one violation per person per rota week over the limit."""
        violations: list[Violation] = []
        for staff_id in rota.staff_ids():
            if staff_id not in team:
                continue
            limit = team.get(staff_id).max_hours
            shifts = rota.shifts_for(staff_id)
            for week in sorted({week_of(shift.day) for shift in shifts}):
                hours = rota.hours_in_week(staff_id, week.year, week.number)
                if hours <= limit:
                    continue
                last = [shift for shift in shifts if week.contains(shift.day)][-1]
                message = f"{staff_id} works {hours:g}h in {week.label}, limit {limit:g}h"
                violations.append(Violation(self.name, last.id, message, staff_id))
        return violations


class MinRestRule(Rule):
    """Require a minimum rest between one shift and the next (section 4)."""

    name = "min_rest"

    def __init__(self, min_hours: float = MIN_REST_HOURS) -> None:
        self.min_hours = min_hours

    def check(self, rota: Rota, team: Team) -> list[Violation]:
        """Return each shift that starts too soon after the previous one."""
        violations: list[Violation] = []
        for staff_id in rota.staff_ids():
            shifts = rota.shifts_for(staff_id)
            for earlier, later in zip(shifts, shifts[1:]):
                if earlier.overlaps(later):
                    continue
                rest = earlier.rest_before(later)
                if rest < self.min_hours:
                    message = f"{staff_id} has {rest:g}h rest before {later.id}, needs {self.min_hours:g}h"
                    violations.append(Violation(self.name, later.id, message, staff_id))
        return violations

    def __repr__(self) -> str:
        return f"MinRestRule(min_hours={self.min_hours:g})"


class ConsecutiveDaysRule(Rule):
    """Limit how many days in a row anyone works (section 5)."""

    name = "consecutive_days"

    def __init__(self, max_days: int = MAX_CONSECUTIVE_DAYS) -> None:
        self.max_days = max_days

    def check(self, rota: Rota, team: Team) -> list[Violation]:
        """Return one violation per run of working days that is too long."""
        violations: list[Violation] = []
        for staff_id in rota.staff_ids():
            shifts = rota.shifts_for(staff_id)
            days = sorted({shift.day for shift in shifts})
            run = 1
            for previous, current in zip(days, days[1:]):
                if current - previous == timedelta(days=1):
                    run += 1
                if run == self.max_days + 1:
                    first = next(shift for shift in shifts if shift.day == current)
                    message = f"{staff_id} works more than {self.max_days} days in a row by {current.isoformat()}"
                    violations.append(Violation(self.name, first.id, message, staff_id))
        return violations

    def __repr__(self) -> str:
        return f"ConsecutiveDaysRule(max_days={self.max_days})"


class ConsecutiveNightsRule(Rule):
    """Limit the length of a run of night shifts (section 6)."""

    name = "consecutive_nights"

    def __init__(self, max_nights: int = MAX_CONSECUTIVE_NIGHTS) -> None:
        self.max_nights = max_nights

    def check(self, rota: Rota, team: Team) -> list[Violation]:
        """Return one violation per run of nights that is too long."""
        violations: list[Violation] = []
        for staff_id in rota.staff_ids():
            for run in _night_runs(rota.shifts_for(staff_id)):
                if len(run) <= self.max_nights:
                    continue
                extra = run[self.max_nights]
                message = f"{staff_id} works {len(run)} nights in a row, limit {self.max_nights}"
                violations.append(Violation(self.name, extra.id, message, staff_id))
        return violations

    def __repr__(self) -> str:
        return f"ConsecutiveNightsRule(max_nights={self.max_nights})"


class NightsOptOutRule(Rule):
    """Keep staff who opted out of nights off night shifts (section 6)."""

    name = "nights_opt_out"

    def check(self, rota: Rota, team: Team) -> list[Violation]:
        """Return each night shift worked by someone who opted out."""
        violations: list[Violation] = []
        for assignment in rota.assignments:
            if assignment.staff_id not in team or team.get(assignment.staff_id).nights_ok:
                continue
            shift = rota.shift(assignment.shift_id)
            if shift.is_night:
                message = f"{assignment.staff_id} has opted out of nights"
                violations.append(Violation(self.name, shift.id, message, assignment.staff_id))
        return violations


class StaffingLevelRule(Rule):
    """Warn about shifts below their headcount (section 8)."""

    name = "staffing_level"

    def check(self, rota: Rota, team: Team) -> list[Violation]:
        """Return a warning for each under-staffed shift."""
        violations: list[Violation] = []
        for shift_id, missing in rota.gaps().items():
            message = f"{shift_id} is short of {missing} {'person' if missing == 1 else 'people'}"
            violations.append(Violation(self.name, shift_id, message, None, Severity.WARNING))
        return violations


def default_rules() -> list[Rule]:
    """Return the rules of the staffing agreement with their standard limits."""
    return [
        QualificationRule(),
        DoubleBookingRule(),
        WeeklyHoursRule(),
        MinRestRule(),
        ConsecutiveDaysRule(),
        ConsecutiveNightsRule(),
        NightsOptOutRule(),
        StaffingLevelRule(),
    ]


def validate(rota: Rota, team: Team, rules: Iterable[Rule] | None = None) -> list[Violation]:
    """Return every violation of the given rules, or of the default rules."""
    active = default_rules() if rules is None else list(rules)
    violations: list[Violation] = []
    for rule in active:
        violations.extend(rule.check(rota, team))
    return violations


def errors(violations: Iterable[Violation]) -> list[Violation]:
    """Return only the violations with error severity."""
    return [violation for violation in violations if violation.severity is Severity.ERROR]


def summarise(violations: Iterable[Violation]) -> dict[str, int]:
    """Return the number of violations per rule name, sorted by name."""
    counts: dict[str, int] = {}
    for violation in violations:
        counts[violation.rule] = counts.get(violation.rule, 0) + 1
    return dict(sorted(counts.items()))
