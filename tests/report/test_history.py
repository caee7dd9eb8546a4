"""Nightly history: recording a night, replacing a rerun, and the regression rule."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from codebench.errors import ResultStoreError
from codebench.report import build_leaderboard
from codebench.report.history import (
    History,
    HistoryEntry,
    compare_nights,
    load_history,
    record,
    regressions,
    write_history,
)
from codebench.results import Status
from codebench.tasks import Scope
from tests.conftest import WHEN, result

MON, TUE = date(2026, 11, 23), date(2026, 11, 24)


def board(statuses: list[Status]):  # type: ignore[no-untyped-def]
    rows = [result(f"t{i}", Scope.LOCAL, "m", s) for i, s in enumerate(statuses)]
    return build_leaderboard(rows, suite="core", created_at=WHEN)


def test_record_appends_and_replaces_a_rerun() -> None:
    history = record(History(), MON, board([Status.RESOLVED] * 4))
    history = record(history, TUE, board([Status.RESOLVED] * 4))
    history = record(history, TUE, board([Status.RESOLVED] * 2 + [Status.UNRESOLVED] * 2))
    assert [(e.date, e.resolved_rate) for e in history.entries] == [(MON, 1.0), (TUE, 0.5)]


def test_a_fall_below_last_nights_interval_is_a_regression() -> None:
    good = [Status.RESOLVED] * 18 + [Status.UNRESOLVED] * 2
    history = record(History(), MON, board(good))
    steady = record(history, TUE, board(good))
    assert regressions(steady, TUE) == []
    worse = record(history, TUE, board([Status.RESOLVED] * 10 + [Status.UNRESOLVED] * 10))
    (line,) = regressions(worse, TUE)
    assert line.startswith("m on core: 0.500 tonight, below 2026-11-23's interval")


def test_first_night_has_nothing_to_regress_from() -> None:
    entry = HistoryEntry(
        date=MON,
        suite="core",
        model="m",
        resolved_rate=0.1,
        ci_low=0.0,
        ci_high=0.3,
        suite_hash="h",
        cost_usd=0.0,
    )
    assert regressions(History(entries=[entry]), MON) == []


def test_a_damaged_history_file_says_where_and_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "history.json"
    assert load_history(path) == History()
    write_history(record(History(), MON, board([Status.RESOLVED])), path)
    assert len(load_history(path).entries) == 1
    path.write_text(path.read_text()[:40])
    with pytest.raises(
        ResultStoreError,
        match=r"history\.json: not a codebench history file \(is not valid JSON: EOF.*line \d+.*move it aside",
    ):
        load_history(path)


def test_an_edited_suite_is_said_not_read_as_a_regression() -> None:
    """Regressions compared nights whatever their suite hash: after a suite edit (harder
    tasks, a changed test), a lower rate read as the model getting worse."""
    good = [Status.RESOLVED] * 18 + [Status.UNRESOLVED] * 2
    history = record(History(), MON, board(good))
    edited = board([Status.RESOLVED] * 10 + [Status.UNRESOLVED] * 10)
    edited = edited.model_copy(
        update={"provenance": edited.provenance.model_copy(update={"suite_hash": "edited"})}
    )
    tonight = record(history, TUE, edited)
    assert regressions(tonight, TUE) == []
    nights = compare_nights(tonight, TUE)
    assert nights.regressions == []
    (line,) = nights.suite_changes
    assert line.startswith("m on core: the suite changed since 2026-11-23 (hash ")
    assert "not compared" in line
