"""`codebench tasks import-swebench`, then `run --model gold` on what it wrote: resolved, and
listed so in the SWE-bench report; `--since` on run and leaderboard; `tasks list` dates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codebench.cli import app
from codebench.errors import ConfigError
from tests.conftest import swebench_clone, swebench_instance

runner = CliRunner()


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    """A tasks root whose suite `swe` holds two imported tasks (2023-03-31 and 2024-02-01)
    and one written by hand without created_at; the import's output checked."""
    clone = swebench_clone(tmp_path / "repos" / "mathy")  # found as DIR/<name>
    instances = [
        swebench_instance(clone, "acme__mathy-1"),
        swebench_instance(clone, "acme__mathy-2", created_at="2024-02-01T00:00:00Z"),
        swebench_instance(clone, "acme__mathy-3", FAIL_TO_PASS=["test_div (ops.T)"]),
    ]
    file = tmp_path / "instances.jsonl"
    file.write_text("".join(json.dumps(i) + "\n" for i in instances) + "{oops\n")
    root = tmp_path / "tasks"
    args = ["tasks", "import-swebench", str(file), "--repos", str(tmp_path / "repos")]
    done = runner.invoke(app, [*args, "--suite", "swe", "--tasks-dir", str(root)])
    assert done.exit_code == 0, done.output
    assert "imported 2 task(s), rejected 2 instance(s)" in done.output
    assert "not pytest node ids" in done.output and "bad JSON" in done.output
    again = runner.invoke(app, [*args, "--suite", "swe", "--tasks-dir", str(root)])
    assert "imported 0 task(s)" in again.output and "2 already imported skipped" in again.output
    undated = root / "swe" / "acme-mathy-undated"
    undated.mkdir()
    for name in ("gold.patch", "tests.patch", "repo"):
        source = root / "swe" / "acme-mathy-1" / name
        (undated / name).symlink_to(source.resolve(), target_is_directory=source.is_dir())
    toml = (root / "swe" / "acme-mathy-1" / "task.toml").read_text()
    kept = [ln for ln in toml.splitlines() if not ln.startswith(("source", "created_at"))]
    (undated / "task.toml").write_text("\n".join(kept).replace("acme-mathy-1", undated.name))
    return root


def test_gold_resolves_an_imported_task_and_the_swebench_report_says_so(
    tmp_path: Path, imported: Path
) -> None:
    listed = runner.invoke(app, ["tasks", "list", "--suite", "swe", "--tasks-dir", str(imported)])
    assert "2023-03-31" in listed.output and "https://github.com/acme/mathy @" in listed.output
    run_dir = tmp_path / "run"
    args = ["run", "--model", "gold", "--backend", "local", "--suite", "swe"]
    args += ["--tasks-dir", str(imported), "--run-dir", str(run_dir), "--no-analysis"]
    done = runner.invoke(app, [*args, "--since", "2023-01-01"])
    assert done.exit_code == 0, done.output
    assert "1 task(s) left out by --since 2023-01-01T00:00:00+00:00: 1 without created_at" in (
        done.output
    )
    report = json.loads((run_dir / "swebench_report.json").read_text())["models"]["gold"]
    assert report["resolved_ids"] == ["acme-mathy-1", "acme-mathy-2"]
    assert report["total_instances"] == report["completed_instances"] == 2
    board = json.loads((run_dir / "leaderboard.json").read_text())
    dates = board["provenance"]["task_dates"]
    assert (dates["earliest"], dates["latest"]) == ("2023-03-31T16:08:19Z", "2024-02-01T00:00:00Z")
    assert (dates["since"], dates["excluded_undated"]) == ("2023-01-01T00:00:00Z", 1)

    again = ["leaderboard", str(run_dir), "--tasks-dir", str(imported), "--since", "2024-01-01"]
    rebuilt = runner.invoke(app, again)
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "1 task(s) left out by --since 2024-01-01T00:00:00+00:00: 1 created before it" in (
        rebuilt.output
    )
    board = json.loads((run_dir / "leaderboard.json").read_text())
    assert [t["id"] for t in board["tasks"]] == ["acme-mathy-2"]
    report = json.loads((run_dir / "swebench_report.json").read_text())["models"]["gold"]
    assert report["resolved_ids"] == ["acme-mathy-2"]

    too_new = runner.invoke(app, [*args, "--since", "2030-01-01"])
    assert isinstance(too_new.exception, ConfigError)  # main() prints it and exits 2
    assert "no task of suite 'swe' was created since then" in str(too_new.exception)
