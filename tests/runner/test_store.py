"""The result store reads back what it wrote; results of an older shape are recomputed."""

from __future__ import annotations

import json
from pathlib import Path

from codebench.analysis import AnalysisFailure
from codebench.runner import ResultStore
from tests.test_results import analysis, result


def test_a_result_with_findings_and_one_with_a_failure_are_read_back(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    found = result(analysis=analysis())
    failed = result(
        sample=1, analysis_failure=AnalysisFailure(error_type="RuntimeError", message="boom")
    )
    for stored in (found, failed):
        store.save(stored, "m")
    assert store.load("t", "m", 0) == found
    assert store.load("t", "m", 1) == failed


def test_a_result_with_text_findings_is_recomputed(tmp_path: Path) -> None:
    """Analysis version 3 stored findings as text ("pkg/a.py:9 foo()"): such a result no
    longer reads, so the run computes it again."""
    store = ResultStore(tmp_path)
    path = store.save(result(analysis=analysis()), "m")
    old = json.loads(path.read_text())
    old["analysis"]["stale_call_sites"] = ["pkg/a.py:9 foo()"]
    path.write_text(json.dumps(old))
    assert store.load("t", "m", 0) is None
