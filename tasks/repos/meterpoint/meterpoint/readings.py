"""Interval readings.

A :class:`Reading` is the energy a meter recorded over one interval. It is
stamped with the END of that interval; see :mod:`meterpoint.intervals`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from meterpoint import timeutil

LEGACY_TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class Reading:
    """Energy recorded by one meter over the interval ending at ``timestamp``.

    Parameters
    ----------
    meter_id : str
        Identifier of the meter.
    timestamp : datetime
        End of the interval, timezone-aware.
    value : float
        Energy recorded over the interval, in ``unit``.
    unit : str, optional
        Energy unit of ``value``, ``"kWh"`` by default.
    """

    meter_id: str
    timestamp: datetime
    value: float
    unit: str = "kWh"

    def __post_init__(self) -> None:
        if not self.meter_id:
            raise ValueError("meter_id must not be empty")
        if self.timestamp.tzinfo is None:
            raise ValueError(f"timestamp must be timezone-aware: {self.timestamp}")


def parse_timestamp(text: str) -> datetime:
    """Parse a ``YYYY-MM-DD HH:MM`` timestamp as UTC.

    Superseded by :func:`meterpoint.timeutil.parse_instant`, which also
    accepts seconds, the ``T`` separator and UTC offsets.

    Parameters
    ----------
    text : str
        The timestamp text.

    Returns
    -------
    datetime
        An aware datetime in UTC.

    Raises
    ------
    ValueError
        If the text does not match the format.
    """
    parsed = datetime.strptime(text.strip(), LEGACY_TIMESTAMP_FORMAT)
    return parsed.replace(tzinfo=timeutil.UTC)


def sort_readings(series: Iterable[Reading]) -> list[Reading]:
    """Sort readings by meter and then by time.

    Parameters
    ----------
    series : Iterable[Reading]
        Readings in any order.

    Returns
    -------
    list[Reading]
        The readings ordered by ``(meter_id, timestamp)``.
    """
    return sorted(series, key=lambda reading: (reading.meter_id, reading.timestamp))


def merge_readings(*batches: Iterable[Reading]) -> list[Reading]:
    """Merge batches of readings, later batches correcting earlier ones.

    Parameters
    ----------
    *batches : Iterable[Reading]
        Batches in the order they were received.

    Returns
    -------
    list[Reading]
        One reading per meter and timestamp, sorted; where several batches
        hold a reading for the same meter and timestamp, the last one wins.
    """
    latest: dict[tuple[str, datetime], Reading] = {}
    for batch in batches:
        for reading in batch:
            latest[(reading.meter_id, reading.timestamp)] = reading
    return sort_readings(latest.values())

