"""The command line: wiring, exit statuses, clear errors, and a fast `--help`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codebench.cli import app
from codebench.sandbox import ImageSet
from tests.conftest import FIXTURE_TASKS, ROOT

runner = CliRunner()


def codebench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codebench", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def run_mini(run_dir: Path, *models: str) -> subprocess.CompletedProcess[str]:
    """`codebench run` on the fixture suite with the given models."""
    chosen = [arg for model in models for arg in ("--model", model)]
    return codebench(
        "run",
        "--suite",
        "mini",
        "--tasks-dir",
        str(FIXTURE_TASKS),
        *chosen,
        "--run-dir",
        str(run_dir),
    )


def test_help_does_not_import_heavy_packages() -> None:
    probe = "import sys; from codebench.cli import app; print(sorted(m for m in ('docker', 'openai', 'libcst', 'ray') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_tasks_list_markdown() -> None:
    result = runner.invoke(
        app, ["tasks", "list", "--suite", "mini", "--tasks-dir", str(FIXTURE_TASKS), "--markdown"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0] == "| task | scope | category | repo | title |"
    assert "| `mini-div-zero` | local | bug_fix | calc | Refuse division by zero |" in lines


def test_bad_suite_is_a_clear_error_with_exit_2() -> None:
    done = codebench("tasks", "list", "--suite", "nope", "--tasks-dir", str(FIXTURE_TASKS))
    assert done.returncode == 2
    assert "error:" in done.stderr and "no such suite" in done.stderr


def test_unknown_model_is_a_clear_error() -> None:
    done = codebench(
        "run",
        "--suite",
        "mini",
        "--tasks-dir",
        str(FIXTURE_TASKS),
        "--model",
        "gpt9",
        "--backend",
        "local",
    )
    assert done.returncode == 2
    assert "unknown model spec 'gpt9'" in done.stderr


@pytest.mark.docker
def test_validate_and_run_and_leaderboard(tmp_path: Path, docker_images: ImageSet) -> None:
    validated = codebench("tasks", "validate", "--suite", "mini", "--tasks-dir", str(FIXTURE_TASKS))
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "2/2 tasks valid" in validated.stdout

    ran = run_mini(tmp_path, "gold", "noop")
    assert ran.returncode == 0, ran.stderr
    assert "100% (2/2)" in ran.stdout and f"leaderboard: {tmp_path}/leaderboard.json" in ran.stdout

    (tmp_path / "leaderboard.json").unlink()
    rebuilt = codebench("leaderboard", str(tmp_path))
    assert rebuilt.returncode == 0, rebuilt.stderr
    board = json.loads((tmp_path / "leaderboard.json").read_text())
    assert [m["model"] for m in board["models"]] == ["gold", "noop"]


def test_leaderboard_of_an_empty_dir_is_an_error(tmp_path: Path) -> None:
    done = codebench("leaderboard", str(tmp_path))
    assert done.returncode == 2
    assert "holds no results" in done.stderr


ANALYZE_KEYS = {
    "scope",
    "files_changed",
    "entities_changed",
    "test_files_changed",
    "unparsable_files",
    "entity_precision",
    "entity_recall",
    "file_precision",
    "file_recall",
    "out_of_scope_churn",
    "excess_edit_distance",
    "cosmetic_entities",
    "docstring_comment_loss",
    "renamed_names",
    "style_drift",
    "stale_call_sites",
    "undefined_names",
    "reinvented_helpers",
    "syntax_errors",
}


def test_analyze_json_on_a_git_repository(tmp_path: Path) -> None:
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE_TASKS / "repos" / "calc", repo)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    gold = FIXTURE_TASKS / "mini" / "mini-rename-show" / "gold.patch"
    done = codebench(
        "analyze", "--repo", str(repo), "--patch", str(gold), "--gold", str(gold), "--json"
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result.keys() >= ANALYZE_KEYS
    assert result["scope"] == "global"
    assert result["entity_precision"] == 1.0 and result["out_of_scope_churn"] == 0.0
    assert result["files_changed"] == ["calc/format.py", "calc/report.py"]


def test_analyze_rejects_a_patch_that_does_not_apply(tmp_path: Path) -> None:
    patch = tmp_path / "p.diff"
    patch.write_text("--- a/calc/ops.py\n+++ b/calc/ops.py\n@@ -1,1 +1,1 @@\n-nope\n+new\n")
    done = codebench(
        "analyze", "--repo", str(FIXTURE_TASKS / "repos" / "calc"), "--patch", str(patch)
    )
    assert done.returncode == 2
    assert str(patch) in done.stderr and "does not apply" in done.stderr


@pytest.mark.docker
def test_show_prints_one_result(tmp_path: Path, docker_images: ImageSet) -> None:
    ran = run_mini(tmp_path, "gold")
    assert ran.returncode == 0, ran.stderr
    shown = codebench("show", str(tmp_path), "--task", "mini-div-zero")
    assert shown.returncode == 0, shown.stderr
    assert "mini-div-zero (local, bug_fix) - gold, sample 0: resolved" in shown.stdout
    assert "tests/test_div.py::test_div_zero_raises" in shown.stdout
    assert 'raise CalcError("division by zero")' in shown.stdout
    assert "entity_precision" in shown.stdout
    missing = codebench("show", str(tmp_path), "--task", "nope")
    assert missing.returncode == 2 and "no result for task 'nope'" in missing.stderr


def test_compare_two_runs(tmp_path: Path) -> None:
    from codebench.results import Status
    from codebench.runner import ResultStore
    from codebench.tasks import Scope
    from tests.conftest import result

    for run, model, statuses in (
        ("a", "old", [Status.RESOLVED, Status.UNRESOLVED, Status.RESOLVED]),
        ("b", "new", [Status.RESOLVED, Status.RESOLVED, Status.UNRESOLVED]),
    ):
        store = ResultStore(tmp_path / run)
        for index, status in enumerate(statuses):
            store.save(result(f"t{index}", Scope.LOCAL, model, status), model)
    done = codebench("compare", str(tmp_path / "a"), str(tmp_path / "b"), "--json")
    assert done.returncode == 0, done.stderr
    compared = json.loads(done.stdout)
    assert (compared["model_a"], compared["model_b"]) == ("old", "new")
    assert (compared["wins"], compared["losses"], compared["ties"]) == (1, 1, 1)
    assert [f["task_id"] for f in compared["flipped"]] == ["t1", "t2"]
    text = codebench("compare", str(tmp_path / "a"), str(tmp_path / "b"))
    assert "wins 1, losses 1, ties 1" in text.stdout and "t1: 0.00 -> 1.00 (better)" in text.stdout
    unknown = codebench("compare", str(tmp_path / "a"), "--a", "old", "--b", "nope")
    assert unknown.returncode == 2 and "choose model B" in unknown.stderr


def test_show_and_leaderboard_report_an_integrity_violation(tmp_path: Path) -> None:
    from codebench.grading import IntegrityFinding, IntegrityRule
    from codebench.results import Status
    from codebench.runner import ResultStore
    from codebench.tasks import Scope
    from tests.conftest import result

    finding = IntegrityFinding(
        rule=IntegrityRule.GRADER_CODE, detail="patches [red]pytest[/] :warning:", path="c.py"
    )
    row = result("t", Scope.GLOBAL, "m", Status.INTEGRITY_VIOLATION, integrity=(finding,))
    ResultStore(tmp_path).save(row, "m")
    shown = codebench("show", str(tmp_path), "--task", "t")
    assert shown.returncode == 0, shown.stderr
    assert f"integrity violations:\n  {finding.describe()}\n" in shown.stdout
    board = codebench("leaderboard", str(tmp_path))
    assert board.returncode == 0, board.stderr
    assert "integrity_violation 1" in board.stdout
    written = json.loads((tmp_path / "leaderboard.json").read_text())
    assert written["models"][0]["integrity_violations"]["global"]["violation_rate"] == 1.0


def test_version() -> None:
    from codebench import __version__

    done = codebench("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"codebench {__version__}"


def test_help_texts_render_literally() -> None:
    """Regression: Rich markup ate "[nightly]" from the help text ("bench.toml with a  table")."""
    done = codebench("nightly", "--help")
    assert done.returncode == 0
    assert "bench.toml with a [nightly] table" in " ".join(done.stdout.split())


def test_error_messages_keep_their_brackets(tmp_path: Path) -> None:
    """Regression: an error quoting the id pattern `^[a-z0-9]...` lost it to Rich markup."""
    task = tmp_path / "bad" / "Bad_Id"
    task.mkdir(parents=True)
    (task / "task.toml").write_text('id = "Bad_Id"\n')
    done = codebench("tasks", "list", "--suite", "bad", "--tasks-dir", str(tmp_path))
    assert done.returncode == 2
    assert "[a-z0-9]" in done.stderr
    spec = codebench(
        "run", "--suite", "mini", "--tasks-dir", str(FIXTURE_TASKS), "--model", "[bold]x"
    )
    assert spec.returncode == 2 and "unknown model spec '[bold]x'" in spec.stderr


def test_enum_options_are_parsed_by_typer() -> None:
    done = codebench("tasks", "validate", "--suite", "mini", "--backend", "nope")
    assert done.returncode == 2
    assert "'docker'" in done.stderr and "'local'" in done.stderr
    scope = codebench("analyze", "--repo", ".", "--patch", "x", "--scope", "wide")
    assert scope.returncode == 2 and "'local'" in scope.stderr


@pytest.mark.parametrize("option", ["--patch", "--gold"])
def test_analyze_rejects_text_that_is_no_diff(tmp_path: Path, option: str) -> None:
    """Regression: `analyze` on a file that is no diff printed 'scope local' and exited 0, as
    if an empty edit had been analysed; it must exit non-zero naming the input."""
    prose = tmp_path / "notes.txt"
    prose.write_text("I fixed the bug in calc/ops.py by checking for zero.\n")
    gold = FIXTURE_TASKS / "mini" / "mini-div-zero" / "gold.patch"
    inputs = {"--patch": gold, "--gold": gold} | {option: prose}
    done = codebench(
        "analyze",
        "--repo",
        str(FIXTURE_TASKS / "repos" / "calc"),
        *(str(part) for pair in inputs.items() for part in pair),
    )
    assert done.returncode == 2, done.stdout
    assert f"{option} {prose}" in done.stderr and "no file changes" in done.stderr
    assert "scope" not in done.stdout


def seven_gold_two_damaged(run_dir: Path) -> list[Path]:
    """A run directory with 7 gold results, 2 of whose files are then damaged."""
    from codebench.results import Status
    from codebench.runner import ResultStore
    from codebench.tasks import Scope
    from tests.conftest import result

    store = ResultStore(run_dir)
    paths = [
        store.save(result(f"t{i}", Scope.LOCAL, "gold", Status.RESOLVED), "gold") for i in range(7)
    ]
    paths[2].write_text(paths[2].read_text()[:50])  # truncated by a full disk
    paths[5].write_text('{"garbage": true}')
    return [paths[2], paths[5]]


def test_leaderboard_refuses_damaged_results_unless_told_to_skip_them(tmp_path: Path) -> None:
    """`leaderboard` dropped damaged result files silently: gold read 5/5 (100%) instead of
    7/7, exit 0, and nothing said two results were missing."""
    damaged = seven_gold_two_damaged(tmp_path)
    refused = codebench("leaderboard", str(tmp_path))
    assert refused.returncode == 2, refused.stdout
    for path in damaged:
        assert str(path) in refused.stderr
    assert "not valid JSON" in refused.stderr and "not a codebench result" in refused.stderr
    assert "--skip-damaged" in refused.stderr
    assert not (tmp_path / "leaderboard.json").exists()

    skipped = codebench("leaderboard", str(tmp_path), "--skip-damaged")
    assert skipped.returncode == 0, skipped.stderr
    assert "skipped 2 damaged result file(s)" in skipped.stderr
    for path in damaged:
        assert str(path) in skipped.stderr
    board = json.loads((tmp_path / "leaderboard.json").read_text())
    assert board["provenance"]["skipped_results"] == 2


def test_compare_refuses_damaged_results_unless_told_to_skip_them(tmp_path: Path) -> None:
    """`compare` dropped damaged result files silently: wins and losses were counted without
    them, and nothing said so."""
    damaged = seven_gold_two_damaged(tmp_path / "a")
    seven_gold_two_damaged(tmp_path / "b")
    refused = codebench("compare", str(tmp_path / "a"), str(tmp_path / "b"))
    assert refused.returncode == 2, refused.stdout
    assert all(str(path) in refused.stderr for path in damaged)
    assert "--skip-damaged" in refused.stderr

    skipped = codebench("compare", str(tmp_path / "a"), str(tmp_path / "b"), "--skip-damaged")
    assert skipped.returncode == 0, skipped.stderr
    assert "skipped 4 damaged result file(s)" in skipped.stderr
    assert "on 5 shared task(s)" in skipped.stdout


def test_show_of_a_damaged_result_names_the_file_and_why(tmp_path: Path) -> None:
    """`show` of a task whose result file was damaged said only 'has no result for task'."""
    damaged = seven_gold_two_damaged(tmp_path)
    shown = codebench("show", str(tmp_path), "--task", "t2")
    assert shown.returncode == 2, shown.stdout
    assert str(damaged[0]) in shown.stderr and "not valid JSON" in shown.stderr
    assert codebench("show", str(tmp_path), "--task", "t1").returncode == 0


def test_run_on_a_run_dir_in_use_exits_2_naming_the_holder(tmp_path: Path) -> None:
    """A second `codebench run` on a run directory in use evaluated everything again."""
    from tests.conftest import hold_lock

    holder = hold_lock(tmp_path)
    try:
        done = codebench(
            "run", "--suite", "mini", "--tasks-dir", str(FIXTURE_TASKS), "--model", "noop",
            "--backend", "local", "--run-dir", str(tmp_path),
        )  # fmt: skip
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=10)
    assert done.returncode == 2, done.stdout
    assert f"is in use by pid {holder.pid} on host" in done.stderr
    assert not (tmp_path / "results").exists()


def test_run_with_tries_prints_the_rate_after_each_try(tmp_path: Path) -> None:
    done = codebench(
        "run", "--suite", "mini", "--tasks-dir", str(FIXTURE_TASKS), "--model", "noop",
        "--model", "gold", "--backend", "local", "--no-analysis", "--tries", "2",
        "--run-dir", str(tmp_path),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "by try" in done.stdout and "100%>100%" in done.stdout
    board = json.loads((tmp_path / "leaderboard.json").read_text())
    assert board["provenance"]["settings"]["tries"] == 2
    noop = board["models"][0]["resolved"]["overall"]
    assert noop["resolved_after_try"] == [0.0, 0.0]
    shown = codebench("show", str(tmp_path), "--task", "mini-div-zero", "--model", "noop")
    assert "try 2: empty_patch" in shown.stdout, shown.stderr
    assert codebench("run", "--model", "noop", "--tries", "0").returncode == 2
