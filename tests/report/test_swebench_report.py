"""The SWE-bench-style report: SWE-bench's keys, and each codebench status where it belongs."""

from __future__ import annotations

import json
from pathlib import Path

from codebench.report.swebench import swebench_report, write_swebench_report
from codebench.results import Status
from codebench.tasks import Scope
from tests.conftest import result

KEYS = {
    "total_instances", "submitted_instances", "completed_instances", "resolved_instances",
    "unresolved_instances", "empty_patch_instances", "error_instances", "completed_ids",
    "incomplete_ids", "empty_patch_ids", "submitted_ids", "resolved_ids", "unresolved_ids",
    "error_ids", "integrity_violation_ids", "schema_version",
}  # fmt: skip


def test_every_status_maps_to_swebench_lists(tmp_path: Path) -> None:
    statuses = {f"t-{s.value.replace('_', '-')}": s for s in Status}
    rows = [result(task, Scope.LOCAL, "m", status) for task, status in statuses.items()]
    rows.append(result("t-resolved", Scope.LOCAL, "m", Status.UNRESOLVED, sample=1))  # ignored
    report = swebench_report(rows, [*statuses, "t-never"], suite="swe")
    path = write_swebench_report(report, tmp_path / "swebench_report.json")
    m = json.loads(path.read_text())["models"]["m"]
    assert set(m) == KEYS
    assert m["resolved_ids"] == ["t-resolved"]
    assert m["unresolved_ids"] == ["t-integrity-violation", "t-unresolved"]
    assert m["integrity_violation_ids"] == ["t-integrity-violation"]
    assert m["empty_patch_ids"] == ["t-empty-patch"]
    assert m["error_ids"] == [
        "t-apply-failed", "t-malformed-patch", "t-model-error", "t-sandbox-error", "t-timeout"
    ]  # fmt: skip
    assert m["incomplete_ids"] == ["t-never", "t-not-submitted"]
    assert m["completed_ids"] == ["t-integrity-violation", "t-resolved", "t-unresolved"]
    assert (m["total_instances"], m["submitted_instances"], m["completed_instances"]) == (11, 9, 3)
    counts = [m[k] for k in ("resolved_instances", "unresolved_instances", "empty_patch_instances")]
    assert [*counts, m["error_instances"]] == [1, 2, 1, 5]
    assert m["schema_version"] == 2
