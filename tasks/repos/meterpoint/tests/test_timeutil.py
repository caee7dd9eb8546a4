from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from meterpoint import readings, timeutil

UTC = timezone.utc


def test_parse_instant_forms() -> None:
    expected = datetime(2024, 3, 1, 7, 30, tzinfo=UTC)
    assert timeutil.parse_instant("2024-03-01 07:30") == expected
    assert timeutil.parse_instant("2024-03-01T07:30:00Z") == expected
    assert timeutil.parse_instant("2024-03-01T08:30:00+01:00") == expected


def test_parse_instant_returns_utc() -> None:
    parsed = timeutil.parse_instant("2024-03-01T02:00-05:00")
    assert parsed.utcoffset() == timedelta(0)
    assert parsed.hour == 7


def test_parse_instant_rejects_garbage() -> None:
    with pytest.raises(ValueError, match="invalid timestamp"):
        timeutil.parse_instant("yesterday")


def test_legacy_parse_timestamp() -> None:
    assert readings.parse_timestamp("2024-03-01 07:30") == datetime(2024, 3, 1, 7, 30, tzinfo=UTC)
    with pytest.raises(ValueError):
        readings.parse_timestamp("2024-03-01T07:30:00Z")
