"""The fiscal calendar.

ledgerkit's fiscal year starts on 1 April and is named after the calendar
year in which it ends: FY25 runs from 1 April 2024 to 31 March 2025. Each
fiscal year has twelve periods, one per calendar month, numbered from the
start of the year, so P01 is April and P12 is March. A period label joins
the two, e.g. 'FY25-P03' for June 2024.
"""

import calendar
import re
from datetime import date, timedelta

FISCAL_YEAR_START_MONTH = 4
PERIODS_PER_YEAR = 12

_PERIOD_LABEL = re.compile(r'FY(\d{2})-P(\d{2})')


def fiscal_year(d: date) -> int:
    """Return the fiscal year a date falls in.

    Args:
        d: Any date.

    Returns:
        The calendar year in which that fiscal year ends, e.g. 2025 for
        any date from 1 April 2024 to 31 March 2025.
    """
    if d.month >= FISCAL_YEAR_START_MONTH:
        return d.year + 1
    return d.year


def period_number(d: date) -> int:
    """Return the fiscal period a date falls in: 1 for April ... 12 for March."""
    return (d.month - FISCAL_YEAR_START_MONTH) % PERIODS_PER_YEAR + 1


def fiscal_period(d: date) -> str:
    """Return the label of the fiscal period a date falls in, e.g. 'FY25-P03'."""
    return f'FY{fiscal_year(d) % 100:02d}-P{period_number(d):02d}'


def parse_period(label: str) -> tuple[int, int]:
    """Split a period label into its fiscal year and period number.

    Args:
        label: A label such as 'FY25-P03'.

    Returns:
        The fiscal year (e.g. 2025) and the period number (e.g. 3).

    Raises:
        ValueError: If the label is malformed or the period is not 1-12.
    """
    match = _PERIOD_LABEL.fullmatch(label)
    if match is None:
        raise ValueError(f'not a period label: {label!r}')
    year, number = 2000 + int(match.group(1)), int(match.group(2))
    if not 1 <= number <= PERIODS_PER_YEAR:
        raise ValueError(f'no such period: {label!r}')
    return year, number


def period_start(label: str) -> date:
    """Return the first day of a fiscal period, e.g. 1 June 2024 for 'FY25-P03'."""
    year, number = parse_period(label)
    months = FISCAL_YEAR_START_MONTH - 1 + number - 1
    return date(year - 1 + months // 12, months % 12 + 1, 1)


def period_end(label: str) -> date:
    """Return the last day of a fiscal period, e.g. 30 June 2024 for 'FY25-P03'."""
    start = period_start(label)
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])


def fiscal_year_bounds(year: int) -> tuple[date, date]:
    """Return the first and last day of a fiscal year, e.g. 2025."""
    start = date(year - 1, FISCAL_YEAR_START_MONTH, 1)
    end = date(year, FISCAL_YEAR_START_MONTH, 1) - timedelta(days=1)
    return start, end
