"""CSV import and export of interval readings.

A readings file has a header line and one row per reading::

    meter_id,timestamp,value,unit
    MP-001,2024-01-01 00:30,0.412,kWh

Columns may come in any order and extra columns are ignored. Timestamps are
interval END times in UTC.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from meterpoint import readings, timeutil

CSV_COLUMNS: tuple[str, ...] = ("meter_id", "timestamp", "value", "unit")
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M"
SUPPORTED_UNITS: tuple[str, ...] = ("Wh", "kWh", "MWh")


class CsvFormatError(ValueError):
    """Raised for a malformed readings file.

    Parameters
    ----------
    line : int
        The 1-based line number of the offending line.
    message : str
        What is wrong with it.
    """

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


def _parse_row(row: list[str], index: dict[str, int], line: int) -> readings.Reading:
    """Turn one data row into a reading."""
    if len(row) <= max(index.values()):
        raise CsvFormatError(line, f"expected {len(index)} columns, got {len(row)}")
    meter_id = row[index["meter_id"]].strip()
    if not meter_id:
        raise CsvFormatError(line, "empty meter_id")
    timestamp_text = row[index["timestamp"]]
    try:
        timestamp = readings.parse_timestamp(timestamp_text)
    except ValueError as exc:
        raise CsvFormatError(line, f"invalid timestamp {timestamp_text.strip()!r}") from exc
    value_text = row[index["value"]]
    try:
        value = float(value_text)
    except ValueError as exc:
        raise CsvFormatError(line, f"invalid value {value_text.strip()!r}") from exc
    unit = row[index["unit"]].strip()
    if unit not in SUPPORTED_UNITS:
        raise CsvFormatError(line, f"unsupported unit {unit!r}")
    return readings.Reading(meter_id, timestamp, value, unit)


def read_readings(source: TextIO) -> list[readings.Reading]:
    """Read readings from an open CSV file.

    Parameters
    ----------
    source : TextIO
        A text stream positioned at the header line.

    Returns
    -------
    list[Reading]
        The readings in file order. Blank lines are skipped.

    Raises
    ------
    CsvFormatError
        If the header lacks a column or a row cannot be parsed.
    """
    reader = csv.reader(source)
    header = next(reader, None)
    if header is None:
        raise CsvFormatError(1, "empty file")
    columns = [name.strip().lower() for name in header]
    missing = [name for name in CSV_COLUMNS if name not in columns]
    if missing:
        raise CsvFormatError(1, f"missing column(s): {', '.join(missing)}")
    index = {name: columns.index(name) for name in CSV_COLUMNS}
    result: list[readings.Reading] = []
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        result.append(_parse_row(row, index, line))
    return result


def write_readings(series: Iterable[readings.Reading], target: TextIO) -> None:
    """Write readings to an open text stream as CSV.

    Parameters
    ----------
    series : Iterable[Reading]
        The readings to write, in the order given.
    target : TextIO
        The stream to write to.
    """
    writer = csv.writer(target, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for reading in series:
        stamp = timeutil.ensure_utc(reading.timestamp).strftime(TIMESTAMP_FORMAT)
        writer.writerow([reading.meter_id, stamp, repr(float(reading.value)), reading.unit])


def load_readings(path: str | Path) -> list[readings.Reading]:
    """Read readings from a CSV file on disk.

    Parameters
    ----------
    path : str or Path
        The file to read.

    Returns
    -------
    list[Reading]
        The readings in file order.
    """
    with open(path, encoding="utf-8", newline="") as handle:
        return read_readings(handle)


def save_readings(series: Iterable[readings.Reading], path: str | Path) -> None:
    """Write readings to a CSV file on disk.

    Parameters
    ----------
    series : Iterable[Reading]
        The readings to write.
    path : str or Path
        The file to create or overwrite.
    """
    with open(path, "w", encoding="utf-8", newline="") as handle:
        write_readings(series, handle)
