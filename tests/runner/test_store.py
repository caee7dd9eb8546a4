"""The result store: atomic writes that name the file when they fail, results read back whole,
and results of an older shape handled."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from codebench.analysis import AnalysisFailure
from codebench.errors import ResultStoreError
from codebench.grading import TestOutcome
from codebench.grading.junit import TestStatus
from codebench.results import Status
from codebench.runner import ResultStore
from codebench.tasks import Scope
from tests.conftest import analysis, result


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    row = result("t-1", Scope.LOCAL, "m", Status.RESOLVED)
    path = store.save(row, "m")
    assert store.load("t-1", "m", 0) == row
    assert sorted(p.name for p in path.parent.iterdir()) == ["sample-0.json"]


def test_a_failed_save_is_a_store_error_and_keeps_the_old_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ResultStore(tmp_path)
    old = result("t-1", Scope.LOCAL, "m", Status.UNRESOLVED)
    path = store.save(old, "m")

    def refuse(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(ResultStoreError, match=r"sample-0\.json.*No space"):
        store.save(result("t-1", Scope.LOCAL, "m", Status.RESOLVED), "m")
    assert store.load("t-1", "m", 0) == old
    assert sorted(p.name for p in path.parent.iterdir()) == ["sample-0.json"]


def test_a_result_with_findings_and_one_with_a_failure_are_read_back(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    row = result("t", Scope.GLOBAL, "m", Status.UNRESOLVED)
    found = row.model_copy(update={"analysis": analysis()})
    failure = AnalysisFailure(error_type="RuntimeError", message="boom")
    failed = row.model_copy(update={"sample": 1, "analysis_failure": failure})
    for stored in (found, failed):
        store.save(stored, "m")
    assert store.load("t", "m", 0) == found
    assert store.load("t", "m", 1) == failed


def test_a_result_with_text_findings_is_reanalysed_not_regraded(tmp_path: Path) -> None:
    """Analysis version 3 stored findings as text ("pkg/a.py:9 foo()"). Such a result keeps
    its grade and loses only its analysis, which the run recomputes without a sandbox."""
    from codebench.runner.analysis_step import needs_analysis

    store = ResultStore(tmp_path)
    row = result("t", Scope.GLOBAL, "m", Status.RESOLVED)
    path = store.save(row.model_copy(update={"analysis": analysis(), "effective_patch": "x"}), "m")
    old = json.loads(path.read_text())
    old["analysis"]["stale_call_sites"] = ["pkg/a.py:9 foo()"]
    old["analysis_error"] = None  # the version-3 name of analysis_failure
    path.write_text(json.dumps(old))
    loaded = store.load("t", "m", 0)
    assert loaded is not None and loaded.status is Status.RESOLVED
    assert loaded.analysis is None and needs_analysis(loaded)


DAMAGES = {
    "truncated": (b'{"status": "resolved", "task_id": "t-', "not valid JSON"),
    "empty": (b"", "not valid JSON"),
    "not a result": (b'{"garbage": true}', "not a codebench result"),
    "not UTF-8": (b"\xff\xfe{}", "not valid JSON"),
    "newer schema": (None, "schema version 2"),
    "misplaced": (None, "holds task 't-1' sample 0"),
}


@pytest.mark.parametrize("damage", DAMAGES, ids=list(DAMAGES))
def test_a_damaged_file_is_listed_with_its_path_and_why(tmp_path: Path, damage: str) -> None:
    """Iterating the store skipped damaged files silently: a leaderboard built from it counted
    5 of 7 results as if they were all. The scan lists each with its path and the reason."""
    store = ResultStore(tmp_path)
    good = store.save(result("t-1", Scope.LOCAL, "m", Status.RESOLVED), "m")
    content, why = DAMAGES[damage]
    bad = store.path("t-2", "m", 1)
    bad.parent.mkdir(parents=True)
    if damage == "newer schema":
        data = json.loads(good.read_text())
        content = json.dumps({**data, "task_id": "t-2", "sample": 1, "schema_version": 2}).encode()
    elif damage == "misplaced":
        content = good.read_bytes()  # a valid result, but of another task and sample
    assert content is not None
    bad.write_bytes(content)
    scan = store.scan()
    assert [r.task_id for r in scan.results] == ["t-1"]
    (damaged,) = scan.damaged
    assert damaged.path == bad and why in damaged.reason
    assert str(bad) in damaged.describe()


def test_a_folder_in_place_of_a_result_is_damage_not_a_crash(tmp_path: Path) -> None:
    """A directory named like a result file made reading raise instead of reporting it."""
    store = ResultStore(tmp_path)
    store.path("t", "m", 0).mkdir(parents=True)
    (damaged,) = store.scan().damaged
    assert "cannot be read" in damaged.reason
    assert store.load("t", "m", 0) is None


def test_a_scan_without_details_keeps_what_aggregates_read(tmp_path: Path) -> None:
    """The leaderboard reads 20,000 results at once: their patches, replies and logs are left
    behind as each file is read, everything it counts is kept."""
    store = ResultStore(tmp_path)
    tests = (TestOutcome(test_id="t::a", status=TestStatus.PASSED, fail_to_pass=True),)
    row = result("t", Scope.LOCAL, "m", Status.RESOLVED).model_copy(
        update={"analysis": analysis(), "patch": "p", "reply": "r", "log_tail": "l", "tests": tests}
    )
    store.save(row.model_copy(update={"effective_patch": "e"}), "m")
    (full,) = store.scan().results
    (light,) = store.scan(details=False).results
    assert (full.patch, full.reply, full.log_tail, full.effective_patch) == ("p", "r", "l", "e")
    assert (light.patch, light.reply, light.log_tail, light.effective_patch) == ("", "", "", "")
    assert full.tests == tests and light.tests == ()
    kept = {"patch", "reply", "log_tail", "effective_patch", "tests"}
    assert light.model_dump(exclude=kept) == full.model_dump(exclude=kept)


@pytest.mark.parametrize("damage", DAMAGES, ids=list(DAMAGES))
def test_compact_records_report_the_same_damage_as_a_scan(tmp_path: Path, damage: str) -> None:
    """The leaderboard reads compact records; a damaged file is listed with the same reason."""
    store = ResultStore(tmp_path)
    good = store.save(result("t-1", Scope.LOCAL, "m", Status.RESOLVED), "m")
    content, _ = DAMAGES[damage]
    if damage == "newer schema":
        data = json.loads(good.read_text())
        content = json.dumps({**data, "task_id": "t-2", "sample": 1, "schema_version": 2}).encode()
    elif damage == "misplaced":
        content = good.read_bytes()
    assert content is not None
    bad = store.path("t-2", "m", 1)
    bad.parent.mkdir(parents=True)
    bad.write_bytes(content)
    records = store.records()
    assert [r.task_id for r in records.records] == ["t-1"]
    assert records.damaged == store.scan().damaged


def test_a_leaderboard_of_records_equals_one_of_full_results(tmp_path: Path) -> None:
    """Built from a generated run's compact records, the leaderboard is the one its full
    results give, byte for byte."""
    from benchmarks.leaderboard_scale import generate
    from codebench.report import build_leaderboard, write_leaderboard
    from tests.conftest import WHEN

    generate(tmp_path, models=2, tasks=9, samples=3)
    store = ResultStore(tmp_path)
    full = build_leaderboard(store.scan().results, created_at=WHEN)
    compact = build_leaderboard(store.records().records, created_at=WHEN)
    assert compact == full
    one = write_leaderboard(full, tmp_path / "full.json").read_bytes()
    assert write_leaderboard(compact, tmp_path / "compact.json").read_bytes() == one
    assert any(m.analysis.overall.stale_call_sites for m in full.models)


def test_tries_are_stored_and_counted_only_when_there_are_any(tmp_path: Path) -> None:
    from codebench.results import TryOutcome

    store = ResultStore(tmp_path)
    one = result("t-1", Scope.LOCAL, "m", Status.RESOLVED)
    assert "tries" not in json.loads(store.save(one, "m").read_text())  # as before tries
    tries = (
        TryOutcome(status=Status.UNRESOLVED, patch_sha256="a", problem="p", test_output="o"),
        TryOutcome(status=Status.RESOLVED, patch_sha256="b"),
    )
    two = result("t-2", Scope.LOCAL, "m", Status.RESOLVED).model_copy(update={"tries": tries})
    store.save(two, "m")
    assert store.load("t-2", "m", 0) == two
    made = {r.task_id: r.tries_made for r in store.records().records}
    assert made == {"t-1": 1, "t-2": 2}
