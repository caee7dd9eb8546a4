import csv
import io
from datetime import date, time

from shiftplan import Rota, Shift, Skill, Team, Week, gaps_report, hours_report, rota_to_csv, staff_schedule
from shiftplan.export import CSV_COLUMNS, format_clock


def _sample_rota() -> Rota:
    late = Shift("sat-late", date(2025, 1, 11), time(16), time(0), Skill.CARER, headcount=2)
    night = Shift("sat-night", date(2025, 1, 11), time(22), time(8), Skill.NURSE)
    rota = Rota([late, night])
    rota.assign("sat-late", "cat")
    rota.assign("sat-night", "ben")
    return rota


def test_format_clock_midnight_end() -> None:
    assert format_clock(time(0), is_end=True) == "24:00"
    assert format_clock(time(0)) == "00:00"
    assert format_clock(time(7, 30)) == "07:30"


def test_csv_rows(team: Team) -> None:
    rows = list(csv.DictReader(io.StringIO(rota_to_csv(_sample_rota(), team))))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert [row["staff_id"] for row in rows] == ["cat", "", "ben"]
    assert rows[0]["end"] == "24:00"
    assert rows[2]["staff_name"] == "Ben Okafor"


def test_csv_week_follows_start_day(team: Team) -> None:
    rows = list(csv.DictReader(io.StringIO(rota_to_csv(_sample_rota(), team))))
    assert {row["week"] for row in rows} == {"W02-2025"}


def test_hours_report(team: Team) -> None:
    report = hours_report(_sample_rota(), team, Week(2025, 2))
    lines = report.splitlines()
    assert lines[0] == "Hours for W02-2025 (2025-01-05 to 2025-01-11)"
    assert lines[2].startswith("Ben Okafor") and "10.0 / 48" in lines[2]
    assert len(lines) == 5


def test_hours_report_flags_overtime(team: Team) -> None:
    rota = Rota([Shift(f"d{day}", date(2025, 1, day), time(8), time(20), Skill.COOK) for day in (5, 6, 7)])
    for shift in rota.shifts:
        rota.assign(shift.id, "dev")
    report = hours_report(rota, team, Week(2025, 2))
    assert "36.0 / 24  OVER" in report


def test_staff_schedule(team: Team) -> None:
    text = staff_schedule(_sample_rota(), team, "cat")
    assert text == "Schedule for Cat Doyle\nSat 11 Jan  16:00-24:00  carer\n"
    assert "(no shifts)" in staff_schedule(_sample_rota(), team, "ana")


def test_gaps_report() -> None:
    assert gaps_report(_sample_rota()) == "sat-late: 1 missing\n"
    assert gaps_report(Rota()) == "All shifts filled.\n"
