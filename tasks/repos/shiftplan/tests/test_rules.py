from datetime import date, time, timedelta

from shiftplan import (
    ConsecutiveDaysRule,
    ConsecutiveNightsRule,
    DoubleBookingRule,
    MinRestRule,
    NightsOptOutRule,
    QualificationRule,
    Rota,
    Severity,
    Shift,
    Skill,
    Team,
    WeeklyHoursRule,
    validate,
)
from shiftplan.rules import errors, summarise

MONDAY = date(2025, 1, 6)


def _rota(*entries: tuple[Shift, str]) -> Rota:
    rota = Rota(shift for shift, _ in entries)
    for shift, staff_id in entries:
        rota.assign(shift.id, staff_id)
    return rota


def _early(offset: int, skill: Skill = Skill.NURSE) -> Shift:
    return Shift(f"early-{offset}", MONDAY + timedelta(days=offset), time(7), time(15), skill)


def _night(offset: int) -> Shift:
    return Shift(f"night-{offset}", MONDAY + timedelta(days=offset), time(21), time(7), Skill.NURSE)


def test_clean_rota_has_no_violations(team: Team) -> None:
    rota = _rota((_early(0), "ana"), (_early(1), "ben"))
    assert validate(rota, team) == []


def test_qualification(team: Team) -> None:
    rota = _rota((_early(0), "cat"), (_early(1), "zed"))
    found = QualificationRule().check(rota, team)
    assert [(v.staff_id, v.shift_id) for v in found] == [("cat", "early-0"), ("zed", "early-1")]


def test_double_booking(team: Team) -> None:
    late = Shift("late-0", MONDAY, time(14), time(22), Skill.NURSE)
    rota = _rota((_early(0), "ana"), (late, "ana"))
    found = DoubleBookingRule().check(rota, team)
    assert [v.shift_id for v in found] == ["late-0"]


def test_weekly_hours_over_limit(team: Team) -> None:
    rota = _rota(*[(_early(offset, Skill.CARER), "dev") for offset in range(4)])
    found = WeeklyHoursRule().check(rota, team)
    assert len(found) == 1
    assert found[0].shift_id == "early-3"
    assert "W02-2025" in found[0].message


def test_min_rest_after_late(team: Team) -> None:
    late = Shift("late-0", MONDAY, time(14), time(22), Skill.NURSE)
    rota = _rota((late, "ben"), (_early(1), "ben"))
    found = MinRestRule().check(rota, team)
    assert [v.shift_id for v in found] == ["early-1"]


def test_min_rest_after_night_uses_overnight_end(team: Team) -> None:
    day_after = Shift("late-1", MONDAY + timedelta(days=1), time(14), time(22), Skill.NURSE)
    rota = _rota((_night(0), "ben"), (day_after, "ben"))
    assert len(MinRestRule().check(rota, team)) == 1
    assert MinRestRule(min_hours=6).check(rota, team) == []


def test_seven_days_in_a_row(team: Team) -> None:
    rota = _rota(*[(_early(offset), "ana") for offset in range(7)])
    found = ConsecutiveDaysRule().check(rota, team)
    assert [v.shift_id for v in found] == ["early-6"]


def test_six_days_in_a_row_is_fine(team: Team) -> None:
    rota = _rota(*[(_early(offset), "ana") for offset in range(6)])
    assert ConsecutiveDaysRule().check(rota, team) == []


def test_five_nights_in_a_row(team: Team) -> None:
    rota = _rota(*[(_night(offset), "ben") for offset in range(5)])
    found = ConsecutiveNightsRule().check(rota, team)
    assert [v.shift_id for v in found] == ["night-4"]


def test_nights_opt_out(team: Team) -> None:
    night = Shift("cnight", MONDAY, time(22), time(6), Skill.CARER)
    evening = Shift("cevening", MONDAY + timedelta(days=2), time(16), time(0), Skill.CARER)
    rota = _rota((night, "cat"), (evening, "cat"))
    found = NightsOptOutRule().check(rota, team)
    assert [v.shift_id for v in found] == ["cnight"]


def test_under_staffed_shift_is_a_warning(team: Team) -> None:
    rota = Rota([_early(0)])
    found = validate(rota, team)
    assert [v.severity for v in found] == [Severity.WARNING]
    assert errors(found) == []


def test_summarise_counts_by_rule(team: Team) -> None:
    rota = _rota((_early(0), "cat"), (_early(1), "cat"))
    rota.add_shift(_early(2))
    assert summarise(validate(rota, team)) == {"qualification": 2, "staffing_level": 1}
