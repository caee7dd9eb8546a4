from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from meterpoint import intervals


def at(hour: int, minute: int = 0, day: int = 1) -> datetime:
    return datetime(2024, 1, day, hour, minute, tzinfo=timezone.utc)


def test_interval_end_rounds_up() -> None:
    assert intervals.interval_end(at(0, 10)) == at(0, 30)
    assert intervals.interval_end(at(0, 31), 15) == at(0, 45)


def test_boundary_is_its_own_interval_end() -> None:
    assert intervals.interval_end(at(0, 30)) == at(0, 30)
    assert intervals.interval_start(at(0, 30)) == at(0, 0)
    assert intervals.is_boundary(at(1))
    assert not intervals.is_boundary(at(1, 5))


def test_interval_contains_end_not_start() -> None:
    interval = intervals.interval_for(at(0, 30))
    assert interval == intervals.Interval(at(0), at(0, 30))
    assert interval.contains(at(0, 30))
    assert not interval.contains(at(0))
    assert interval.length == timedelta(minutes=30)


@pytest.mark.parametrize("minutes", [0, -15, 7, 50])
def test_bad_lengths(minutes: int) -> None:
    with pytest.raises(ValueError):
        intervals.interval_end(at(0), minutes)
