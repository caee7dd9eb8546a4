"""A greedy planner that fills shifts from a team."""

from collections.abc import Iterable
from dataclasses import dataclass

from .calendar import week_of
from .rota import Rota
from .shifts import Shift
from .staff import Staff, Team


@dataclass(frozen=True)
class PlanResult:
    """The rota a planner produced and the places it could not fill."""

    rota: Rota
    unfilled: dict[str, int]

    @property
    def complete(self) -> bool:
        """Return True if every shift reached its headcount."""
        return not self.unfilled


class Planner:
    """Fill shifts in start order, each with the least-loaded eligible person."""

    def __init__(self, team: Team) -> None:
        self.team = team

    def plan(self, shifts: Iterable[Shift]) -> PlanResult:
        """Return a rota covering the shifts as far as the team allows."""
        rota = Rota(shifts)
        for shift in rota.shifts:
            for _ in range(shift.headcount - len(rota.assigned_to(shift.id))):
                member = self._pick(shift, rota)
                if member is None:
                    break
                rota.assign(shift.id, member.id)
        return PlanResult(rota, rota.gaps())

    def _pick(self, shift: Shift, rota: Rota) -> Staff | None:
        """Return the eligible person with the fewest hours so far, if any."""
        candidates = [member for member in self.team if self._eligible(member, shift, rota)]
        if not candidates:
            return None
        return min(candidates, key=lambda member: (rota.total_hours(member.id), member.id))

    def _eligible(self, member: Staff, shift: Shift, rota: Rota) -> bool:
        """Return True if the person may take the shift given the rota so far."""
        if not member.has_skill(shift.skill.value):
            return False
        if shift.is_night and not member.nights_ok:
            return False
        if member.id in rota.assigned_to(shift.id):
            return False
        if any(shift.overlaps(other) for other in rota.shifts_for(member.id)):
            return False
        week = week_of(shift.day)
        return rota.hours_in_week(member.id, week.year, week.number) + shift.hours <= member.max_hours
