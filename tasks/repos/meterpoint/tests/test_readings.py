from __future__ import annotations

from datetime import datetime, timezone

import pytest

from meterpoint import readings


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 1, 1, hour, minute, tzinfo=timezone.utc)


def test_reading_requires_aware_timestamp() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        readings.Reading("MP-1", datetime(2024, 1, 1), 1.0)


def test_merge_readings_later_batch_wins() -> None:
    first = [readings.Reading("MP-1", at(0, 30), 1.0), readings.Reading("MP-1", at(1), 2.0)]
    correction = [readings.Reading("MP-1", at(0, 30), 1.2)]
    merged = readings.merge_readings(first, correction)
    assert [reading.value for reading in merged] == [1.2, 2.0]


def test_sort_readings() -> None:
    series = [
        readings.Reading("MP-2", at(1), 1.0),
        readings.Reading("MP-1", at(1), 1.0),
        readings.Reading("MP-1", at(0, 30), 1.0),
    ]
    ordered = readings.sort_readings(series)
    assert [(r.meter_id, r.timestamp) for r in ordered] == [
        ("MP-1", at(0, 30)),
        ("MP-1", at(1)),
        ("MP-2", at(1)),
    ]
