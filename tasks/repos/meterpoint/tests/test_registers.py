from __future__ import annotations

from datetime import datetime, timezone

import pytest

from meterpoint import registers


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 1, 1, hour, minute, tzinfo=timezone.utc)


def test_register_delta_counts_up() -> None:
    assert registers.register_delta(1200.0, 1212.5) == 12.5
    assert registers.register_delta(7.0, 7.0) == 0.0


def test_register_delta_rejects_values_too_large() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        registers.register_delta(5.0, 100000.0, digits=5)


def test_to_readings_pairs_consecutive_reads() -> None:
    reads = [
        registers.RegisterRead("MP-1", at(1), 110.0),
        registers.RegisterRead("MP-1", at(0, 30), 100.0),
        registers.RegisterRead("MP-2", at(0, 30), 50.0),
        registers.RegisterRead("MP-1", at(1, 30), 125.0),
        registers.RegisterRead("MP-2", at(1), 51.0),
    ]
    result = registers.to_readings(reads)
    assert [(r.meter_id, r.timestamp, r.value) for r in result] == [
        ("MP-1", at(1), 10.0),
        ("MP-1", at(1, 30), 15.0),
        ("MP-2", at(1), 1.0),
    ]


def test_to_readings_unit_change() -> None:
    reads = [
        registers.RegisterRead("MP-1", at(0, 30), 1.0, "kWh"),
        registers.RegisterRead("MP-1", at(1), 2.0, "MWh"),
    ]
    with pytest.raises(ValueError, match="unit changed"):
        registers.to_readings(reads)
