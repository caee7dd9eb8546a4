"""Task dates as instants, and `--since`: what it keeps and why it leaves the rest out."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from codebench.tasks.dates import DateSelection, date_range, instant, select_since

EAST = timezone(timedelta(hours=2))


def test_dates_compare_as_utc_instants() -> None:
    assert instant(date(2024, 5, 1)) == datetime(2024, 5, 1, tzinfo=UTC)
    assert instant(datetime(2024, 5, 1, 1, tzinfo=EAST)) == datetime(2024, 4, 30, 23, tzinfo=UTC)
    assert instant(datetime(2024, 5, 1)) == datetime(2024, 5, 1, tzinfo=UTC)  # naive: UTC


def test_since_keeps_the_newer_and_says_how_many_it_left_out_and_why() -> None:
    dates = {
        "old": date(2024, 4, 30),
        "edge": date(2024, 5, 1),
        "east": datetime(2024, 5, 1, 1, tzinfo=EAST),  # 2024-04-30T23:00Z: before
        "new": datetime(2024, 6, 1, tzinfo=UTC),
        "undated": None,
    }
    chosen = select_since(dates, datetime(2024, 5, 1))
    assert chosen.kept == ("edge", "new")
    assert (chosen.undated, chosen.older) == (("undated",), ("old", "east"))
    assert chosen.excluded_note() == (
        "3 task(s) left out by --since 2024-05-01T00:00:00+00:00: 1 without created_at, "
        "2 created before it"
    )
    assert select_since(dates, None) == DateSelection(None, tuple(dates))
    assert select_since(dates, None).excluded_note() is None


def test_the_range_is_written_as_the_tasks_write_it() -> None:
    assert date_range([None, date(2024, 5, 2), datetime(2024, 5, 1, 1, tzinfo=EAST)]) == (
        datetime(2024, 5, 1, 1, tzinfo=EAST),
        date(2024, 5, 2),
    )
    assert date_range([None]) == (None, None)
