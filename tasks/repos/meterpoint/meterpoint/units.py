"""Energy units and conversions.

Every unit is defined by the number of watt-hours one of it holds, and
:func:`convert` goes through watt-hours, so any two known units can be
converted into each other. Unit names are matched case-insensitively
(``"kwh"`` and ``"KWH"`` both mean ``"kWh"``); :func:`canonical_unit` returns
the spelling used everywhere else in the library.
"""

from __future__ import annotations

WATT_HOURS_PER_UNIT: dict[str, float] = {
    "Wh": 1.0,
    "kWh": 1_000.0,
    "MWh": 1_000_000.0,
    "GWh": 1_000_000_000.0,
    "J": 1.0 / 3_600.0,
    "kJ": 1_000.0 / 3_600.0,
    "MJ": 1_000_000.0 / 3_600.0,
    "GJ": 1_000_000_000.0 / 3_600.0,
    "therm": 29_307.1,
}

GAS_VOLUME_CORRECTION = 1.02264
DEFAULT_CALORIFIC_VALUE = 39.5

_LOOKUP: dict[str, str] = {name.lower(): name for name in WATT_HOURS_PER_UNIT}
_LOOKUP.update({"therms": "therm", "thm": "therm"})


class UnknownUnitError(ValueError):
    """Raised for a unit name that meterpoint does not know."""


def canonical_unit(name: str) -> str:
    """Return the canonical spelling of an energy unit.

    Parameters
    ----------
    name : str
        A unit name in any letter case, e.g. ``"kwh"`` or ``"Therms"``.

    Returns
    -------
    str
        The canonical name, a key of :data:`WATT_HOURS_PER_UNIT`.

    Raises
    ------
    UnknownUnitError
        If the name is not a known unit.
    """
    key = name.strip().lower()
    if key not in _LOOKUP:
        raise UnknownUnitError(f"unknown energy unit: {name!r}")
    return _LOOKUP[key]


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert an amount of energy from one unit to another.

    Parameters
    ----------
    value : float
        The amount, in ``from_unit``.
    from_unit : str
        The unit the amount is given in.
    to_unit : str
        The unit to convert to.

    Returns
    -------
    float
        The same amount of energy in ``to_unit``.

    Raises
    ------
    UnknownUnitError
        If either unit is unknown.
    """
    source = canonical_unit(from_unit)
    target = canonical_unit(to_unit)
    if source == target:
        return float(value)
    return value * WATT_HOURS_PER_UNIT[source] / WATT_HOURS_PER_UNIT[target]


def format_energy(value: float, unit: str, decimals: int = 3) -> str:
    """Format an amount of energy for display.

    Parameters
    ----------
    value : float
        The amount, in ``unit``.
    unit : str
        The unit of ``value``; shown in its canonical spelling.
    decimals : int, optional
        Number of decimal places, 3 by default.

    Returns
    -------
    str
        For example ``"1.250 kWh"``.
    """
    return f"{value:.{decimals}f} {canonical_unit(unit)}"


def gas_volume_to_kwh(
    volume_m3: float,
    calorific_value: float = DEFAULT_CALORIFIC_VALUE,
    correction: float = GAS_VOLUME_CORRECTION,
) -> float:
    """Convert a metered gas volume to energy.

    Parameters
    ----------
    volume_m3 : float
        Gas volume in cubic metres, as shown by the meter.
    calorific_value : float, optional
        Calorific value of the gas in MJ per cubic metre.
    correction : float, optional
        Volume correction factor for temperature and pressure.

    Returns
    -------
    float
        The energy in kWh.

    Raises
    ------
    ValueError
        If the volume is negative.
    """
    if volume_m3 < 0:
        raise ValueError(f"gas volume must not be negative, got {volume_m3}")
    megajoules = volume_m3 * correction * calorific_value
    return convert(megajoules, "MJ", "kWh")
