from __future__ import annotations

from datetime import datetime, time, timezone

import pytest

from meterpoint import readings, tariffs

ECONOMY = "00:30-07:30@9.5,07:30-00:30@28"


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 1, 1, hour, minute, tzinfo=timezone.utc)


def test_band_parse_and_describe() -> None:
    band = tariffs.Band.parse(" 07:30 - 23:00 @ 28.1")
    assert band == tariffs.Band(time(7, 30), time(23, 0), 28.1)
    assert band.describe() == "07:30-23:00@28.1"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("07:00-23:00", "invalid band spec"),
        ("7am-23:00@1", "invalid clock time: '7am'"),
        ("07:00-24:00@1", "clock time out of range: '24:00'"),
        ("07:00-23:00@cheap", "invalid price: 'cheap'"),
        ("07:00-23:00@-1", "must not be negative"),
    ],
    ids=["no-price", "bad-clock", "clock-range", "bad-price", "negative-price"],
)
def test_band_parse_errors(spec: str, message: str) -> None:
    with pytest.raises(tariffs.TariffError, match=message):
        tariffs.Band.parse(spec)


def test_band_wraps_past_midnight() -> None:
    band = tariffs.Band.parse("23:00-07:00@9")
    assert band.covers(time(2, 0))
    assert band.covers(time(23, 0))
    assert not band.covers(time(7, 0))


def test_tariff_must_cover_the_day_once() -> None:
    with pytest.raises(tariffs.TariffError, match="07:00 is covered by 0 bands"):
        tariffs.Tariff.parse("00:00-07:00@1,08:00-00:00@2")
    with pytest.raises(tariffs.TariffError, match="covered by 2 bands"):
        tariffs.Tariff.parse("00:00-12:00@1,06:00-00:00@2")


def test_rate_at() -> None:
    tariff = tariffs.Tariff.parse(ECONOMY)
    assert tariff.rate_at(at(3)) == 9.5
    assert tariff.rate_at(at(0, 15)) == 28
    assert tariffs.flat(20.0).rate_at(at(13)) == 20.0


def test_cost_prices_interval_by_its_start() -> None:
    series = [
        readings.Reading("MP-1", at(0, 30), 1.0),
        readings.Reading("MP-1", at(1), 2.0),
        readings.Reading("MP-1", at(8), 500.0, "Wh"),
    ]
    tariff = tariffs.Tariff.parse(ECONOMY)
    assert tariffs.cost_by_band(series, tariff) == pytest.approx(
        {"00:30-07:30@9.5": 19.0, "07:30-00:30@28": 42.0}
    )
    assert tariffs.cost(series, tariff) == pytest.approx(61.0)
