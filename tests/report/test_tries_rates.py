"""The resolved rate after each try (`--tries`): cumulative, per scope, in the table; older
leaderboards without it still load."""

from __future__ import annotations

import json

from rich.console import Console

from codebench.report import build_leaderboard
from codebench.report.leaderboard import Leaderboard, RunRecord
from codebench.report.table import results_table
from codebench.results import Status, TaskResult, TryOutcome
from codebench.tasks import Scope
from tests.conftest import RESULTS, WHEN, result


def tried(row: TaskResult, *statuses: Status) -> TaskResult:
    tries = tuple(TryOutcome(status=s, patch_sha256=f"p{i}") for i, s in enumerate(statuses))
    return row.model_copy(update={"tries": tries, "status": statuses[-1]})


def three_tries() -> list[TaskResult]:
    r, u = Status.RESOLVED, Status.UNRESOLVED
    return [
        tried(result("a", Scope.LOCAL, "m", r), r),
        tried(result("b", Scope.LOCAL, "m", r), u, r),
        tried(result("c", Scope.GLOBAL, "m", r), Status.MALFORMED_PATCH, u, r),
        tried(result("d", Scope.GLOBAL, "m", u), u, u, u),
        # not retried: counted as a failure of every try
        tried(result("e", Scope.GLOBAL, "m", u), Status.INTEGRITY_VIOLATION),
    ]


RECORD = RunRecord(
    models=["m"], samples=1, workers=2, model_calls=4, backend="docker", analysis=True, tries=3
)


def test_rates_after_each_try_are_cumulative_and_split_by_scope() -> None:
    (entry,) = build_leaderboard(three_tries(), created_at=WHEN, settings=RECORD).models
    assert entry.resolved.overall.resolved_after_try == [0.2, 0.4, 0.6]
    assert entry.resolved.local.resolved_after_try == [0.5, 1.0, 1.0]
    assert entry.resolved.global_.resolved_after_try == [0.0, 0.0, 0.3333]
    assert entry.resolved.overall.resolved_rate == 0.6  # the last try's


def test_the_list_is_as_long_as_the_setting_even_when_all_stop_early() -> None:
    rows = [tried(result("a", Scope.LOCAL, "m", Status.RESOLVED), Status.RESOLVED)]
    (entry,) = build_leaderboard(rows, created_at=WHEN, settings=RECORD).models
    assert entry.resolved.overall.resolved_after_try == [1.0, 1.0, 1.0]
    one_try = build_leaderboard(RESULTS, created_at=WHEN).models[1]
    assert one_try.resolved.overall.resolved_after_try == [0.25]


def test_the_table_shows_the_rates_after_each_try_only_with_several() -> None:
    console = Console(width=200, record=True)
    console.print(results_table(build_leaderboard(three_tries(), created_at=WHEN)))
    text = console.export_text()
    assert "by try" in text and "20%>40%>60%" in text
    console = Console(width=200, record=True)
    console.print(results_table(build_leaderboard(RESULTS, created_at=WHEN)))
    assert "by try" not in console.export_text()


def test_an_older_leaderboard_without_the_rates_loads() -> None:
    board = build_leaderboard(RESULTS, created_at=WHEN)
    data = json.loads(board.model_dump_json(by_alias=True))
    for entry in data["models"]:
        for stats in entry["resolved"].values():
            del stats["resolved_after_try"]
    loaded = Leaderboard.model_validate(data)
    assert loaded.models[0].resolved.overall.resolved_after_try == []
