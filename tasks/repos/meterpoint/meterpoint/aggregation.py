"""Totals, peaks and period filters over interval readings.

All totals are in kWh, whatever units the readings were recorded in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from meterpoint import intervals, readings, units


def reading_kwh(reading: readings.Reading) -> float:
    """Return the energy of one reading in kWh.

    Parameters
    ----------
    reading : Reading
        Any reading.

    Returns
    -------
    float
        Its value converted to kWh.
    """
    return units.convert(reading.value, reading.unit, "kWh")


def total_kwh(series: Iterable[readings.Reading]) -> float:
    """Return the total energy of a series in kWh.

    Parameters
    ----------
    series : Iterable[Reading]
        Readings in any units.

    Returns
    -------
    float
        The sum of all readings, in kWh.
    """
    return sum(reading_kwh(reading) for reading in series)


def interval_totals(
    series: Iterable[readings.Reading], minutes: int = intervals.DEFAULT_MINUTES
) -> dict[datetime, float]:
    """Sum readings per interval.

    Readings of several meters, or several readings of one meter inside the
    same interval, are added together.

    Parameters
    ----------
    series : Iterable[Reading]
        Readings in any units and any order.
    minutes : int, optional
        Interval length in minutes.

    Returns
    -------
    dict[datetime, float]
        kWh per interval, keyed by interval end, in time order.
    """
    totals: dict[datetime, float] = {}
    for reading in series:
        end = intervals.interval_end(reading.timestamp, minutes)
        totals[end] = totals.get(end, 0.0) + reading_kwh(reading)
    return dict(sorted(totals.items()))


def peak_interval(totals: dict[datetime, float]) -> tuple[datetime, float] | None:
    """Return the interval with the highest total.

    Parameters
    ----------
    totals : dict[datetime, float]
        kWh per interval end, as returned by :func:`interval_totals`.

    Returns
    -------
    tuple[datetime, float] or None
        The interval end and its total; the earliest one on a tie, or None
        if there are no totals.
    """
    peak: tuple[datetime, float] | None = None
    for end in sorted(totals):
        if peak is None or totals[end] > peak[1]:
            peak = (end, totals[end])
    return peak


def demand_kw(energy_kwh: float, minutes: int = intervals.DEFAULT_MINUTES) -> float:
    """Return the average demand over an interval.

    Parameters
    ----------
    energy_kwh : float
        Energy used during the interval, in kWh.
    minutes : int, optional
        Interval length in minutes.

    Returns
    -------
    float
        The average power in kW.
    """
    intervals.check_length(minutes)
    return energy_kwh * 60 / minutes


def filter_period(
    series: Iterable[readings.Reading],
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[readings.Reading]:
    """Keep the readings that belong to the period ``(since, until]``.

    Parameters
    ----------
    series : Iterable[Reading]
        Readings in any order.
    since : datetime or None, optional
        Start of the period, excluded; no lower limit if None.
    until : datetime or None, optional
        End of the period, included; no upper limit if None.

    Returns
    -------
    list[Reading]
        The matching readings, in their original order.
    """
    return [
        reading
        for reading in series
        if (since is None or reading.timestamp > since)
        and (until is None or reading.timestamp <= until)
    ]
