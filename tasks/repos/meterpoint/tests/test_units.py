from __future__ import annotations

import pytest

from meterpoint import units


def test_convert_between_watt_hour_units() -> None:
    assert units.convert(1.5, "kWh", "Wh") == 1500.0
    assert units.convert(2500.0, "kWh", "MWh") == pytest.approx(2.5)


def test_convert_joules() -> None:
    assert units.convert(3.6, "MJ", "kWh") == pytest.approx(1.0)
    assert units.convert(1.0, "kWh", "kJ") == pytest.approx(3600.0)


def test_convert_is_case_insensitive() -> None:
    assert units.convert(1.0, "KWH", "wh") == 1000.0


def test_convert_unknown_unit() -> None:
    with pytest.raises(units.UnknownUnitError, match="furlong"):
        units.convert(1.0, "furlong", "kWh")


def test_canonical_unit_aliases() -> None:
    assert units.canonical_unit(" mwh ") == "MWh"
    assert units.canonical_unit("Therms") == "therm"


def test_format_energy() -> None:
    assert units.format_energy(1.25, "kwh") == "1.250 kWh"
    assert units.format_energy(12.0, "Wh", decimals=0) == "12 Wh"


def test_gas_volume_to_kwh() -> None:
    assert units.gas_volume_to_kwh(100.0) == pytest.approx(1122.06, abs=0.01)
    with pytest.raises(ValueError):
        units.gas_volume_to_kwh(-1.0)
