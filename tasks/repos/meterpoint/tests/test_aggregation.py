from __future__ import annotations

from datetime import datetime, timezone

import pytest

from meterpoint import aggregation, readings


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 1, 1, hour, minute, tzinfo=timezone.utc)


SERIES = [
    readings.Reading("MP-1", at(0, 30), 0.5),
    readings.Reading("MP-1", at(1), 1200.0, "Wh"),
    readings.Reading("MP-2", at(1), 0.3),
    readings.Reading("MP-1", at(1, 30), 0.4),
]


def test_total_kwh_mixes_units() -> None:
    assert aggregation.total_kwh(SERIES) == pytest.approx(2.4)


def test_interval_totals_keyed_by_end() -> None:
    totals = aggregation.interval_totals(SERIES)
    assert list(totals) == [at(0, 30), at(1), at(1, 30)]
    assert totals[at(1)] == pytest.approx(1.5)


def test_interval_totals_hourly() -> None:
    totals = aggregation.interval_totals(SERIES, 60)
    assert totals == pytest.approx({at(1): 2.0, at(2): 0.4})


def test_peak_interval() -> None:
    totals = {at(0, 30): 1.0, at(1): 3.0, at(1, 30): 3.0}
    assert aggregation.peak_interval(totals) == (at(1), 3.0)
    assert aggregation.peak_interval({}) is None


def test_demand_kw() -> None:
    assert aggregation.demand_kw(0.75, 30) == 1.5
    assert aggregation.demand_kw(0.75, 15) == 3.0


def test_filter_period_is_closed_on_the_right() -> None:
    kept = aggregation.filter_period(SERIES, since=at(0, 30), until=at(1))
    assert [reading.timestamp for reading in kept] == [at(1), at(1)]
