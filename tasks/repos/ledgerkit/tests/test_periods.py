from datetime import date

import pytest

from ledgerkit.periods import (
    fiscal_period, fiscal_year, fiscal_year_bounds, parse_period, period_end, period_number, period_start,
)


def test_fiscal_year_is_named_by_its_end():
    assert fiscal_year(date(2024, 4, 1)) == 2025
    assert fiscal_year(date(2025, 3, 31)) == 2025
    assert fiscal_year(date(2025, 4, 1)) == 2026


def test_period_numbers_start_in_april():
    assert period_number(date(2024, 4, 15)) == 1
    assert period_number(date(2024, 12, 1)) == 9
    assert period_number(date(2025, 3, 31)) == 12


def test_fiscal_period_label():
    assert fiscal_period(date(2024, 6, 5)) == 'FY25-P03'
    assert fiscal_period(date(2025, 1, 31)) == 'FY25-P10'


def test_parse_period():
    assert parse_period('FY25-P03') == (2025, 3)
    for bad in ('FY25-P13', 'FY25-P00', 'FY2025-P01', 'fy25-p01'):
        with pytest.raises(ValueError):
            parse_period(bad)


def test_period_bounds():
    assert period_start('FY25-P03') == date(2024, 6, 1)
    assert period_end('FY25-P03') == date(2024, 6, 30)
    assert period_start('FY25-P10') == date(2025, 1, 1)
    assert period_end('FY24-P11') == date(2024, 2, 29)


def test_fiscal_year_bounds():
    assert fiscal_year_bounds(2025) == (date(2024, 4, 1), date(2025, 3, 31))

