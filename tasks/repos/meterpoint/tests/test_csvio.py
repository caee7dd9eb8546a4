from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

import pytest

from meterpoint import csvio, readings

SAMPLE = """meter_id,timestamp,value,unit
MP-1,2024-01-01 00:30,0.5,kWh

MP-1,2024-01-01 01:00,750,Wh
"""


def test_read_readings() -> None:
    series = csvio.read_readings(io.StringIO(SAMPLE))
    assert series == [
        readings.Reading("MP-1", datetime(2024, 1, 1, 0, 30, tzinfo=timezone.utc), 0.5, "kWh"),
        readings.Reading("MP-1", datetime(2024, 1, 1, 1, 0, tzinfo=timezone.utc), 750.0, "Wh"),
    ]


def test_columns_in_any_order() -> None:
    text = "Unit,value,timestamp,meter_id,note\nkWh,1.5,2024-01-01 00:30,MP-9,x\n"
    (reading,) = csvio.read_readings(io.StringIO(text))
    assert (reading.meter_id, reading.value, reading.unit) == ("MP-9", 1.5, "kWh")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("MP-1,2024-01-01 00:30,0.5", "line 2: expected 4 columns"),
        (",2024-01-01 00:30,0.5,kWh", "line 2: empty meter_id"),
        ("MP-1,01/01/2024,0.5,kWh", "line 2: invalid timestamp '01/01/2024'"),
        ("MP-1,2024-01-01 00:30,n/a,kWh", "line 2: invalid value 'n/a'"),
        ("MP-1,2024-01-01 00:30,0.5,furlong", "line 2: unsupported unit 'furlong'"),
    ],
    ids=["short-row", "empty-meter", "bad-timestamp", "bad-value", "bad-unit"],
)
def test_bad_rows(row: str, message: str) -> None:
    with pytest.raises(csvio.CsvFormatError, match=message):
        csvio.read_readings(io.StringIO(f"meter_id,timestamp,value,unit\n{row}\n"))


def test_missing_column() -> None:
    with pytest.raises(csvio.CsvFormatError, match="line 1: missing column"):
        csvio.read_readings(io.StringIO("meter_id,timestamp,value\n"))


def test_round_trip(tmp_path: Path) -> None:
    series = csvio.read_readings(io.StringIO(SAMPLE))
    path = tmp_path / "out.csv"
    csvio.save_readings(series, path)
    assert path.read_text(encoding="utf-8").splitlines()[1] == "MP-1,2024-01-01 00:30,0.5,kWh"
    assert csvio.load_readings(path) == series
