from datetime import date

import pytest

from shiftplan import Week, parse_week_label, week_of, weeks_between


def test_week_starts_on_sunday() -> None:
    week = week_of(date(2025, 1, 8))
    assert week.start == date(2025, 1, 5)
    assert week.end == date(2025, 1, 11)
    assert week.start.weekday() == 6


def test_week_containing_new_year_is_week_one() -> None:
    assert week_of(date(2025, 1, 1)) == Week(2025, 1)
    assert week_of(date(2024, 12, 29)) == Week(2025, 1)
    assert week_of(date(2024, 12, 28)).year == 2024


def test_label_format() -> None:
    assert Week(2025, 1).label == "W01-2025"
    assert str(Week(2025, 12)) == "W12-2025"


def test_parse_week_label_round_trip() -> None:
    week = parse_week_label("W07-2025")
    assert week == Week(2025, 7)
    assert parse_week_label(week.label) == week


def test_parse_week_label_rejects_iso_style() -> None:
    with pytest.raises(ValueError):
        parse_week_label("2025-W07")


def test_week_number_out_of_range() -> None:
    with pytest.raises(ValueError):
        Week(2025, 0)


def test_days_and_contains() -> None:
    week = Week(2025, 2)
    days = week.days()
    assert len(days) == 7
    assert days[0] == date(2025, 1, 5)
    assert week.contains(date(2025, 1, 11))
    assert not week.contains(date(2025, 1, 12))


def test_next_and_previous_cross_new_year() -> None:
    last = week_of(date(2024, 12, 28))
    assert last.next() == Week(2025, 1)
    assert Week(2025, 1).previous() == last


def test_weeks_between_is_inclusive() -> None:
    weeks = weeks_between(Week(2025, 3), Week(2025, 5))
    assert [week.number for week in weeks] == [3, 4, 5]
