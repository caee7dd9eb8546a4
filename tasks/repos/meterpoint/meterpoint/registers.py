"""Cumulative register reads.

A register read is the value shown on a meter's register at one instant,
like the odometer of a car. Consecutive register reads of a meter are turned
into interval readings by :func:`to_readings`. A register with ``digits``
digits counts up to ``10 ** digits - 1`` and then wraps round to zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from meterpoint import readings

DEFAULT_DIGITS = 6


@dataclass(frozen=True)
class RegisterRead:
    """The register value of one meter at one instant.

    Parameters
    ----------
    meter_id : str
        Identifier of the meter.
    timestamp : datetime
        When the register was read, timezone-aware.
    value : float
        The register value.
    unit : str, optional
        Energy unit the register counts in, ``"kWh"`` by default.
    """

    meter_id: str
    timestamp: datetime
    value: float
    unit: str = "kWh"


def register_delta(previous: float, current: float, digits: int = DEFAULT_DIGITS) -> float:
    """Return the energy counted between two register values.

    A current value below the previous one means the register rolled over
    (at most once) between the two reads.

    Parameters
    ----------
    previous : float
        The earlier register value.
    current : float
        The later register value.
    digits : int, optional
        Number of digits on the register.

    Returns
    -------
    float
        The energy counted in between, in the register's unit.

    Raises
    ------
    ValueError
        If ``digits`` is not positive or a value does not fit the register.
    """
    if digits <= 0:
        raise ValueError(f"digits must be positive, got {digits}")
    capacity = 10**digits
    for value in (previous, current):
        if not 0 <= value < capacity:
            raise ValueError(f"register value {value} does not fit {digits} digits")
    if current >= previous:
        return current - previous
    return (capacity - 1) - previous + current


def to_readings(
    reads: Iterable[RegisterRead], digits: int = DEFAULT_DIGITS
) -> list[readings.Reading]:
    """Turn register reads into interval readings.

    Each pair of consecutive reads of a meter gives one reading, stamped with
    the time of the later read.

    Parameters
    ----------
    reads : Iterable[RegisterRead]
        Register reads of one or more meters, in any order.
    digits : int, optional
        Number of digits on the registers.

    Returns
    -------
    list[Reading]
        Readings sorted by meter and time.

    Raises
    ------
    ValueError
        If two consecutive reads of a meter use different units.
    """
    by_meter: dict[str, list[RegisterRead]] = {}
    for read in reads:
        by_meter.setdefault(read.meter_id, []).append(read)
    result: list[readings.Reading] = []
    for meter_id in sorted(by_meter):
        ordered = sorted(by_meter[meter_id], key=lambda read: read.timestamp)
        for earlier, later in zip(ordered, ordered[1:]):
            if earlier.unit != later.unit:
                raise ValueError(
                    f"meter {meter_id}: unit changed from {earlier.unit} to {later.unit}"
                )
            delta = register_delta(earlier.value, later.value, digits)
            result.append(readings.Reading(meter_id, later.timestamp, delta, later.unit))
    return result
