"""Interval arithmetic and the library's interval convention.

meterpoint follows the "interval ending" convention of meter data exports:

* An interval is labelled by its END time. A reading stamped 00:30 with
  30-minute intervals covers 00:00 to 00:30.
* Intervals are closed on the right: the interval ending at ``e`` covers
  ``(e - length, e]``. A timestamp exactly on a boundary belongs to the
  interval that ENDS there, never to the one that starts there.
* It follows that the interval ending at midnight is the last interval of
  the day before: day ``D`` is made of the intervals whose end lies in
  ``(D 00:00, D+1 00:00]``.

Interval lengths are whole minutes that divide a day evenly (1, 5, 15, 30,
60, ...). Boundaries are counted from midnight UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_MINUTES = 30
MINUTES_PER_DAY = 24 * 60


def check_length(minutes: int) -> None:
    """Validate an interval length.

    Parameters
    ----------
    minutes : int
        Interval length in minutes.

    Raises
    ------
    ValueError
        If the length is not positive or does not divide a day evenly.
    """
    if minutes <= 0 or MINUTES_PER_DAY % minutes:
        raise ValueError(f"interval length must divide a day evenly, got {minutes} minutes")


def interval_end(moment: datetime, minutes: int = DEFAULT_MINUTES) -> datetime:
    """Return the end of the interval that contains a moment.

    Parameters
    ----------
    moment : datetime
        Any moment.
    minutes : int, optional
        Interval length in minutes.

    Returns
    -------
    datetime
        The first boundary at or after ``moment``; a moment on a boundary
        is its own interval end.
    """
    check_length(minutes)
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    step = timedelta(minutes=minutes)
    steps = -(-(moment - midnight) // step)
    return midnight + steps * step


def interval_start(moment: datetime, minutes: int = DEFAULT_MINUTES) -> datetime:
    """Return the start of the interval that contains a moment.

    Parameters
    ----------
    moment : datetime
        Any moment.
    minutes : int, optional
        Interval length in minutes.

    Returns
    -------
    datetime
        The boundary one interval before :func:`interval_end`.
    """
    return interval_end(moment, minutes) - timedelta(minutes=minutes)


def is_boundary(moment: datetime, minutes: int = DEFAULT_MINUTES) -> bool:
    """Tell whether a moment falls exactly on an interval boundary.

    Parameters
    ----------
    moment : datetime
        Any moment.
    minutes : int, optional
        Interval length in minutes.

    Returns
    -------
    bool
        True if ``moment`` is an interval end.
    """
    return interval_end(moment, minutes) == moment


@dataclass(frozen=True)
class Interval:
    """The half-open span ``(start, end]``.

    Parameters
    ----------
    start : datetime
        Start of the interval, excluded.
    end : datetime
        End of the interval, included; also its label.
    """

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"interval end {self.end} is not after start {self.start}")

    @property
    def length(self) -> timedelta:
        """Return the length of the interval."""
        return self.end - self.start

    def contains(self, moment: datetime) -> bool:
        """Tell whether a moment lies inside the interval.

        Parameters
        ----------
        moment : datetime
            Any moment.

        Returns
        -------
        bool
            True if ``start < moment <= end``.
        """
        return self.start < moment <= self.end


def interval_for(moment: datetime, minutes: int = DEFAULT_MINUTES) -> Interval:
    """Return the interval that contains a moment.

    Parameters
    ----------
    moment : datetime
        Any moment.
    minutes : int, optional
        Interval length in minutes.

    Returns
    -------
    Interval
        The interval ending at ``interval_end(moment, minutes)``.
    """
    end = interval_end(moment, minutes)
    return Interval(end - timedelta(minutes=minutes), end)

