"""The result store: atomic writes that name the file when they fail, results read back whole,
and results of an older shape handled."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from codebench.analysis import AnalysisFailure
from codebench.errors import ResultStoreError
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
