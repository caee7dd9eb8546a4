"""Time-of-use tariffs.

A tariff is a set of :class:`Band` objects, each a range of clock times (UTC)
with a price per kWh. Bands are written as ``"HH:MM-HH:MM@price"``, e.g.
``"07:00-23:00@28.1"``. A band runs from its start (included) to its end
(excluded); an end of ``00:00`` means midnight, and a band whose end is not
after its start wraps past midnight. Together the bands of a tariff must
cover every minute of the day exactly once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time

from meterpoint import aggregation, intervals, readings


class TariffError(ValueError):
    """Raised for a malformed band or tariff."""


@dataclass(frozen=True)
class Band:
    """A range of clock times with a price per kWh.

    Parameters
    ----------
    start : time
        First clock time of the band, included.
    end : time
        Clock time where the band stops, excluded.
    price : float
        Price per kWh.
    """

    start: time
    end: time
    price: float

    def covers(self, clock: time) -> bool:
        """Tell whether a clock time falls inside the band.

        Parameters
        ----------
        clock : time
            A naive clock time.

        Returns
        -------
        bool
            True if the band applies at that time.
        """
        if self.start < self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end

    @classmethod
    def parse(cls, spec: str) -> Band:
        """Parse a band written as ``"HH:MM-HH:MM@price"``.

        Parameters
        ----------
        spec : str
            The band text.

        Returns
        -------
        Band
            The parsed band.

        Raises
        ------
        TariffError
            If the text is malformed, a clock time is out of range or the
            price is negative.
        """
        try:
            span, price_text = spec.split("@")
            start_text, end_text = span.split("-")
        except ValueError as exc:
            raise TariffError(f"invalid band spec: {spec!r}") from exc
        start_text = start_text.strip()
        hour_text, _, minute_text = start_text.partition(":")
        if not (hour_text.isdigit() and minute_text.isdigit()):
            raise TariffError(f"invalid clock time: {start_text!r}")
        if int(hour_text) > 23 or int(minute_text) > 59:
            raise TariffError(f"clock time out of range: {start_text!r}")
        start = time(int(hour_text), int(minute_text))
        end_text = end_text.strip()
        hour_text, _, minute_text = end_text.partition(":")
        if not (hour_text.isdigit() and minute_text.isdigit()):
            raise TariffError(f"invalid clock time: {end_text!r}")
        if int(hour_text) > 23 or int(minute_text) > 59:
            raise TariffError(f"clock time out of range: {end_text!r}")
        end = time(int(hour_text), int(minute_text))
        try:
            price = float(price_text)
        except ValueError as exc:
            raise TariffError(f"invalid price: {price_text.strip()!r}") from exc
        if price < 0:
            raise TariffError(f"price must not be negative: {spec!r}")
        return cls(start, end, price)

    def describe(self) -> str:
        """Return the band in the ``"HH:MM-HH:MM@price"`` notation.

        Returns
        -------
        str
            Text that :meth:`parse` turns back into an equal band.
        """
        return f"{self.start:%H:%M}-{self.end:%H:%M}@{self.price:g}"


class Tariff:
    """A time-of-use tariff.

    Parameters
    ----------
    bands : Sequence[Band]
        Bands that together cover every minute of the day exactly once.
    name : str, optional
        A label for reports.

    Raises
    ------
    TariffError
        If a minute of the day is covered by no band or by several.
    """

    def __init__(self, bands: Sequence[Band], name: str = "tariff") -> None:
        self.bands = tuple(bands)
        self.name = name
        for minute in range(intervals.MINUTES_PER_DAY):
            clock = time(minute // 60, minute % 60)
            count = sum(1 for band in self.bands if band.covers(clock))
            if count != 1:
                raise TariffError(f"{clock:%H:%M} is covered by {count} bands, expected 1")

    @classmethod
    def parse(cls, spec: str, name: str = "tariff") -> Tariff:
        """Parse a tariff written as comma-separated bands.

        Parameters
        ----------
        spec : str
            For example ``"00:00-07:00@9.5,07:00-00:00@28.1"``.
        name : str, optional
            A label for reports.

        Returns
        -------
        Tariff
            The parsed tariff.
        """
        return cls([Band.parse(part) for part in spec.split(",") if part.strip()], name)

    def band_at(self, moment: datetime) -> Band:
        """Return the band that applies at a moment.

        Parameters
        ----------
        moment : datetime
            Any moment, in UTC.

        Returns
        -------
        Band
            The band covering the moment's clock time.
        """
        clock = moment.time()
        for band in self.bands:
            if band.covers(clock):
                return band
        raise TariffError(f"no band covers {clock:%H:%M}")

    def rate_at(self, moment: datetime) -> float:
        """Return the price per kWh at a moment.

        Parameters
        ----------
        moment : datetime
            Any moment, in UTC.

        Returns
        -------
        float
            The price of the band that applies.
        """
        return self.band_at(moment).price


def flat(price: float, name: str = "flat") -> Tariff:
    """Build a tariff with one price all day.

    Parameters
    ----------
    price : float
        Price per kWh.
    name : str, optional
        A label for reports.

    Returns
    -------
    Tariff
        A tariff with a single all-day band.
    """
    return Tariff([Band(time(0, 0), time(0, 0), price)], name)


def cost_by_band(
    series: Iterable[readings.Reading],
    tariff: Tariff,
    minutes: int = intervals.DEFAULT_MINUTES,
) -> dict[str, float]:
    """Price a series of readings, split by tariff band.

    Each interval is priced at the band in force when the interval starts.

    Parameters
    ----------
    series : Iterable[Reading]
        Readings in any units.
    tariff : Tariff
        The tariff to apply.
    minutes : int, optional
        Interval length in minutes.

    Returns
    -------
    dict[str, float]
        Cost per band, keyed by :meth:`Band.describe`, in tariff order;
        bands with no usage are included with a cost of zero.
    """
    costs = {band.describe(): 0.0 for band in tariff.bands}
    for end, energy in aggregation.interval_totals(series, minutes).items():
        band = tariff.band_at(intervals.interval_start(end, minutes))
        costs[band.describe()] += energy * band.price
    return costs


def cost(
    series: Iterable[readings.Reading],
    tariff: Tariff,
    minutes: int = intervals.DEFAULT_MINUTES,
) -> float:
    """Price a series of readings.

    Parameters
    ----------
    series : Iterable[Reading]
        Readings in any units.
    tariff : Tariff
        The tariff to apply.
    minutes : int, optional
        Interval length in minutes.

    Returns
    -------
    float
        The total cost, in the tariff's price unit.
    """
    return sum(cost_by_band(series, tariff, minutes).values())
