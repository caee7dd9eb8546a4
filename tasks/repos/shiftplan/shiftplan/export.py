"""CSV and plain-text exports of a rota."""

import csv
import io
from datetime import time

from .calendar import Week, week_of
from .rota import Rota
from .shifts import Shift
from .staff import Team

CSV_COLUMNS = ("week", "date", "start", "end", "shift", "skill", "staff_id", "staff_name")


def format_clock(value: time, *, is_end: bool = False) -> str:
    """Format a clock time as 'HH:MM', writing a midnight end as '24:00'."""
    if is_end and value == time(0):
        return "24:00"
    return value.strftime("%H:%M")


def _shift_cells(shift: Shift) -> list[str]:
    """Return the week, date and time cells shared by every row of a shift."""
    return [
        week_of(shift.day).label,
        shift.day.isoformat(),
        format_clock(shift.start),
        format_clock(shift.end, is_end=True),
        shift.id,
        shift.skill.value,
    ]


def rota_to_csv(rota: Rota, team: Team) -> str:
    """Return the rota as CSV, one row per person per shift, empty places included."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for shift in rota.shifts:
        assigned = rota.assigned_to(shift.id)
        for staff_id in assigned:
            writer.writerow([*_shift_cells(shift), staff_id, team.name_of(staff_id)])
        for _ in range(shift.headcount - len(assigned)):
            writer.writerow([*_shift_cells(shift), "", ""])
    return buffer.getvalue()


def hours_report(rota: Rota, team: Team, week: Week) -> str:
    """Return a table of each person's hours in a rota week against their limit."""
    lines = [f"Hours for {week.label} ({week.start.isoformat()} to {week.end.isoformat()})"]
    for member in team:
        hours = rota.hours_in_week(member.id, week.year, week.number)
        flag = "  OVER" if hours > member.max_hours else ""
        lines.append(f"{member.name:<20} {hours:>6.1f} / {member.max_hours:g}{flag}")
    return "\n".join(lines) + "\n"


def staff_schedule(rota: Rota, team: Team, staff_id: str) -> str:
    """Return one person's shifts as readable lines."""
    lines = [f"Schedule for {team.name_of(staff_id)}"]
    for shift in rota.shifts_for(staff_id):
        start = format_clock(shift.start)
        end = format_clock(shift.end, is_end=True)
        lines.append(f"{shift.day.strftime('%a %d %b')}  {start}-{end}  {shift.skill.value}")
    if len(lines) == 1:
        lines.append("(no shifts)")
    return "\n".join(lines) + "\n"


def gaps_report(rota: Rota) -> str:
    """Return a line for each shift still short of staff."""
    gaps = rota.gaps()
    if not gaps:
        return "All shifts filled.\n"
    lines = [f"{shift_id}: {missing} missing" for shift_id, missing in gaps.items()]
    return "\n".join(lines) + "\n"
