"""The rota: a set of shifts and who is assigned to each."""

from collections.abc import Iterable
from dataclasses import dataclass

from .calendar import Week
from .shifts import Shift


@dataclass(frozen=True)
class Assignment:
    """One staff member placed on one shift."""

    shift_id: str
    staff_id: str


class Rota:
    """Shifts for a period and the staff assigned to them."""

    def __init__(self, shifts: Iterable[Shift] = ()) -> None:
        self._shifts: dict[str, Shift] = {}
        self._assignments: list[Assignment] = []
        for shift in shifts:
            self.add_shift(shift)

    def add_shift(self, shift: Shift) -> None:
        """Add a shift, refusing duplicate ids."""
        if shift.id in self._shifts:
            raise ValueError(f"duplicate shift id: {shift.id}")
        self._shifts[shift.id] = shift

    def shift(self, shift_id: str) -> Shift:
        """Return the shift with the given id."""
        try:
            return self._shifts[shift_id]
        except KeyError:
            raise KeyError(f"unknown shift id: {shift_id}") from None

    @property
    def shifts(self) -> list[Shift]:
        """Return all shifts ordered by start."""
        return sorted(self._shifts.values(), key=lambda shift: (shift.starts_at, shift.id))

    @property
    def assignments(self) -> tuple[Assignment, ...]:
        """Return all assignments in the order they were made."""
        return tuple(self._assignments)

    def assign(self, shift_id: str, staff_id: str) -> Assignment:
        """Put a staff member on a shift and return the assignment."""
        shift = self.shift(shift_id)
        assigned = self.assigned_to(shift_id)
        if staff_id in assigned:
            raise ValueError(f"{staff_id} is already on {shift_id}")
        if len(assigned) >= shift.headcount:
            raise ValueError(f"shift {shift_id} is already full")
        assignment = Assignment(shift_id, staff_id)
        self._assignments.append(assignment)
        return assignment

    def unassign(self, shift_id: str, staff_id: str) -> None:
        """Take a staff member off a shift."""
        assignment = Assignment(shift_id, staff_id)
        if assignment not in self._assignments:
            raise ValueError(f"{staff_id} is not on {shift_id}")
        self._assignments.remove(assignment)

    def assigned_to(self, shift_id: str) -> list[str]:
        """Return the ids of the staff on a shift."""
        return [a.staff_id for a in self._assignments if a.shift_id == shift_id]

    def shifts_for(self, staff_id: str) -> list[Shift]:
        """Return the shifts a staff member works, ordered by start."""
        shifts = [self._shifts[a.shift_id] for a in self._assignments if a.staff_id == staff_id]
        return sorted(shifts, key=lambda shift: (shift.starts_at, shift.id))

    def staff_ids(self) -> list[str]:
        """Return the ids of everyone with at least one shift, sorted."""
        return sorted({a.staff_id for a in self._assignments})

    def hours_in_week(self, staff_id: str, year: int, number: int) -> float:
        """Return the hours a staff member works in a rota week."""
        week = Week(year, number)
        return sum(shift.hours for shift in self.shifts_for(staff_id) if week.contains(shift.day))

    def total_hours(self, staff_id: str) -> float:
        """Return the hours a staff member works across the whole rota."""
        return sum(shift.hours for shift in self.shifts_for(staff_id))

    def gaps(self) -> dict[str, int]:
        """Return the number of missing people per under-staffed shift id."""
        missing: dict[str, int] = {}
        for shift in self.shifts:
            short = shift.headcount - len(self.assigned_to(shift.id))
            if short > 0:
                missing[shift.id] = short
        return missing

    def is_filled(self) -> bool:
        """Return True if every shift has its full headcount."""
        return not self.gaps()
