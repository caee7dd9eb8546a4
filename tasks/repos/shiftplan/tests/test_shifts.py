from datetime import date, datetime, time

import pytest

from shiftplan import Shift, ShiftTemplate, Skill, build_shifts
from shiftplan.shifts import parse_clock


def test_day_shift_hours(early_shift: Shift) -> None:
    assert early_shift.hours == 8.0
    assert not early_shift.overnight
    assert not early_shift.is_night


def test_overnight_shift_ends_next_day() -> None:
    night = Shift("n", date(2025, 1, 6), time(21, 30), time(7, 30), Skill.NURSE)
    assert night.overnight
    assert night.is_night
    assert night.ends_at == datetime(2025, 1, 7, 7, 30)
    assert night.hours == 10.0


def test_shift_ending_at_midnight_is_not_a_night() -> None:
    late = Shift("l", date(2025, 1, 6), time(16), time(0), Skill.CARER)
    assert late.overnight
    assert not late.is_night
    assert late.ends_at == datetime(2025, 1, 7, 0, 0)
    assert late.hours == 8.0


def test_zero_length_shift_rejected() -> None:
    with pytest.raises(ValueError):
        Shift("z", date(2025, 1, 6), time(9), time(9), Skill.COOK)


def test_overlaps_and_rest() -> None:
    day = date(2025, 1, 6)
    early = Shift("e", day, time(7), time(15), Skill.NURSE)
    late = Shift("l", day, time(14), time(22), Skill.NURSE)
    evening = Shift("v", day, time(15), time(20), Skill.NURSE)
    assert early.overlaps(late)
    assert not early.overlaps(evening)
    assert early.rest_before(evening) == 0.0


def test_template_builds_dated_shift(templates: list[ShiftTemplate]) -> None:
    shift = templates[0].on(date(2025, 1, 6))
    assert shift.id == "2025-01-06-early"
    assert shift.skill is Skill.NURSE


def test_build_shifts_orders_by_start(templates: list[ShiftTemplate]) -> None:
    shifts = build_shifts(templates, [date(2025, 1, 7), date(2025, 1, 6)])
    assert [shift.id for shift in shifts][:3] == ["2025-01-06-early", "2025-01-06-late", "2025-01-06-night"]
    assert len(shifts) == 6


def test_parse_clock_accepts_24_00() -> None:
    assert parse_clock("24:00") == time(0)
    assert parse_clock("07:30") == time(7, 30)
