"""Leaderboard v1 aggregation, checked against a golden file."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from codebench.report import Leaderboard, build_leaderboard, load_leaderboard, write_leaderboard
from codebench.report.leaderboard import TaskDates, task_dates
from codebench.report.table import results_table
from codebench.results import Status
from codebench.tasks.dates import DateSelection
from tests.conftest import RESULTS, WHEN, partial_submission

GOLDEN = Path(__file__).parent / "golden" / "leaderboard_v1.json"
EAST = timezone(timedelta(hours=2))


def test_matches_golden_file(tmp_path: Path) -> None:
    dates = {"a-local": date(2024, 5, 1), "b-global": datetime(2024, 6, 1, 12, tzinfo=EAST)}
    selection = DateSelection(datetime(2024, 1, 1, tzinfo=UTC), tuple(dates), ("u",), ("o", "p"))
    board = build_leaderboard(
        RESULTS, suite="core", created_at=WHEN, task_dates=task_dates(dates, selection)
    )
    path = write_leaderboard(board, tmp_path / "leaderboard.json")
    produced = json.loads(path.read_text())
    if os.environ.get("CODEBENCH_UPDATE_GOLDEN"):
        GOLDEN.write_text(path.read_text())
    produced["codebench_version"] = "X"  # the golden file must not change with every release
    expected = json.loads(GOLDEN.read_text())
    expected["codebench_version"] = "X"
    assert produced == expected


def test_rates_split_and_failures_apart() -> None:
    board = build_leaderboard(RESULTS, created_at=WHEN)
    gold, other = board.models
    assert (gold.model, gold.resolved.overall.resolved_rate) == ("gold", 1.0)
    assert other.resolved.local.resolved_rate == 0.5
    assert other.resolved.global_.resolved_rate == 0.0
    assert (other.model_failures, other.infra_failures) == (1, 1)
    assert other.per_task == {
        "a-local": [Status.RESOLVED, Status.UNRESOLVED],
        "b-global": [Status.MODEL_ERROR, Status.SANDBOX_ERROR],
    }
    assert gold.mean_seconds_per_task == 3.0
    local = other.analysis.local
    assert (local.analysed, local.out_of_scope_churn, local.style_drift) == (2, 0.375, 0.1)
    assert (local.entity_precision, local.cosmetic_entities) == (0.625, 1)
    assert other.analysis.global_.analysed == 0 and other.analysis.global_.style_drift is None


def test_round_trip_and_schema_version(tmp_path: Path) -> None:
    board = build_leaderboard(RESULTS, created_at=WHEN)
    loaded = load_leaderboard(write_leaderboard(board, tmp_path / "lb.json"))
    assert loaded == board
    assert json.loads((tmp_path / "lb.json").read_text())["schema_version"] == 1


def test_table_shows_every_model_and_split() -> None:
    from rich.console import Console

    console = Console(width=160, record=True)
    console.print(results_table(build_leaderboard(RESULTS, suite="core", created_at=WHEN)))
    text = console.export_text()
    assert "100% (2/2)" in text and "50% (1/2)" in text and "model_error 1" in text


def test_schema_file_is_in_step_with_the_model() -> None:
    """schema/leaderboard.schema.json must be regenerated (`codebench schema`) when the model
    changes."""
    from codebench.report.leaderboard import leaderboard_schema

    committed = (Path(__file__).parents[2] / "schema" / "leaderboard.schema.json").read_text()
    assert committed == leaderboard_schema(), "run: codebench schema"


def test_bootstrap_interval() -> None:
    from codebench.stats import bootstrap_interval

    assert bootstrap_interval([]) == (None, None)
    assert bootstrap_interval([[True]] * 10) == (1.0, 1.0)
    low, high = bootstrap_interval([[True], [False]] * 20)
    assert low is not None and high is not None
    assert low < 0.5 < high and low > 0.25 and high < 0.75
    assert bootstrap_interval([[True], [False]] * 20) == (low, high)  # seeded: repeatable
    # a task's samples move together: one task with many samples is still one draw
    assert bootstrap_interval([[True] * 9, [False]]) == (0.0, 1.0)


def test_leaderboard_carries_intervals() -> None:
    board = build_leaderboard(RESULTS, created_at=WHEN)
    gold = board.models[0].resolved.overall
    assert (gold.ci_low, gold.ci_high) == (1.0, 1.0)


def test_provenance_and_cost_per_resolved() -> None:
    from codebench.report.leaderboard import RunRecord

    record = RunRecord(
        models=["gold", "m"], samples=2, workers=2, model_calls=4, backend="docker", analysis=True
    )
    priced = [r.model_copy(update={"cost_usd": 0.01}) for r in RESULTS]
    board = build_leaderboard(priced, created_at=WHEN, settings=record, git_commit="abc123")
    assert board.provenance.git_commit == "abc123" and board.provenance.settings == record
    assert board.provenance.image_ids == ["i"] and len(board.provenance.suite_hash) == 64
    gold, other = board.models
    assert gold.cost_per_resolved_usd == 0.01  # $0.02 over 2 resolved
    assert other.cost_per_resolved_usd == 0.04  # $0.04 over 1 resolved
    changed = [
        r.model_copy(update={"key": r.key.model_copy(update={"task_hash": "u"})}) for r in RESULTS
    ]
    assert (
        build_leaderboard(changed, created_at=WHEN).provenance.suite_hash
        != board.provenance.suite_hash
    )


def test_a_written_leaderboard_validates_against_the_exported_schema(tmp_path: Path) -> None:
    import jsonschema

    schema = json.loads(
        (Path(__file__).parents[2] / "schema" / "leaderboard.schema.json").read_text()
    )
    path = write_leaderboard(
        build_leaderboard(RESULTS, suite="core", created_at=WHEN), tmp_path / "lb.json"
    )
    jsonschema.validate(json.loads(path.read_text()), schema)
    broken = json.loads(path.read_text())
    broken["models"][0]["resolved"]["overall"]["samples"] = "many"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_not_submitted_is_in_no_denominator() -> None:
    """A task the model was never asked counted as failed attempts: `replay` read 25% resolved
    (1 of 4 samples) instead of 50% of what it answered, and ranked as if comparable."""
    gold, replay = build_leaderboard(partial_submission(), created_at=WHEN).models
    assert replay.resolved.overall.resolved_rate == 0.5
    assert (replay.resolved.overall.samples, replay.resolved.global_.resolved_rate) == (2, None)
    assert replay.pass_at_k == {1: 0.5}
    assert replay.well_formed_rate == 1.0
    assert replay.mean_seconds_per_task == 3.0
    violations = replay.integrity_violations
    assert violations is not None and violations.overall.samples == 2
    assert (replay.samples, replay.status_counts[Status.NOT_SUBMITTED]) == (2, 2)
    assert (replay.tasks, replay.submitted_tasks, replay.task_set_matches) == (3, 2, False)
    assert replay.per_task["t2"] == [Status.NOT_SUBMITTED, Status.NOT_SUBMITTED]
    assert (gold.submitted_tasks, gold.task_set_matches) == (3, True)


def test_a_model_that_submitted_nothing_has_no_rates() -> None:
    """Nothing submitted is nothing measured: no rate may read 0."""
    from codebench.tasks import Scope
    from tests.conftest import result

    rows = [result("t", Scope.LOCAL, "replay", Status.NOT_SUBMITTED)]
    (entry,) = build_leaderboard(rows, created_at=WHEN).models
    assert entry.resolved.overall.resolved_rate is None and entry.pass_at_k == {}
    assert entry.well_formed_rate is None and entry.mean_seconds_per_task == 0.0
    assert entry.integrity_violations is not None
    assert entry.integrity_violations.overall.violation_rate is None
    assert (entry.submitted_tasks, entry.task_set_matches) == (0, False)


def test_a_leaderboard_without_submitted_tasks_still_loads(tmp_path: Path) -> None:
    """Files written before not_submitted existed had every task submitted."""
    old = json.loads(GOLDEN.read_text())
    for entry in old["models"]:
        del entry["submitted_tasks"], entry["task_set_matches"]
    del old["provenance"]["skipped_results"]
    (tmp_path / "old.json").write_text(json.dumps(old))
    board = load_leaderboard(tmp_path / "old.json")
    assert [(m.submitted_tasks, m.task_set_matches) for m in board.models] == [(2, True), (2, True)]
    assert board.provenance.skipped_results == 0


def test_table_says_how_many_tasks_were_submitted() -> None:
    """The table showed a partial submission's rate as if over every task."""
    from rich.console import Console

    console = Console(width=200, record=True)
    console.print(results_table(build_leaderboard(partial_submission(), created_at=WHEN)))
    text = console.export_text()
    assert "2 of 3 tasks submitted" in text
    assert text.count("tasks submitted") == 2  # the replay row and the warning, not gold
    assert "not comparable" in text


def test_the_task_dates_are_the_range_as_written_and_what_since_left_out() -> None:
    dates = {"a": date(2024, 5, 1), "b": datetime(2024, 4, 30, 23, tzinfo=EAST), "c": None}
    recorded = task_dates(dates, DateSelection(None, tuple(dates)))
    assert recorded == TaskDates(
        earliest=datetime(2024, 4, 30, 23, tzinfo=EAST), latest=date(2024, 5, 1), undated=1
    )
    board = build_leaderboard(RESULTS, created_at=WHEN, task_dates=recorded)
    assert (
        load_leaderboard_text(board.model_dump_json(by_alias=True)).provenance == board.provenance
    )


def load_leaderboard_text(text: str) -> Leaderboard:
    return Leaderboard.model_validate_json(text)
