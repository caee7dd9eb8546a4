"""The command line: wiring, exit statuses, clear errors, and a fast `--help`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codebench.cli import app
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


def test_help_does_not_import_heavy_packages() -> None:
    probe = "import sys; from codebench.cli import app; print(sorted(m for m in ('docker', 'openai', 'libcst') if m in sys.modules))"
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
def test_validate_and_run_and_leaderboard(tmp_path: Path, docker_images: dict[str, str]) -> None:
    validated = codebench("tasks", "validate", "--suite", "mini", "--tasks-dir", str(FIXTURE_TASKS))
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "2/2 tasks valid" in validated.stdout

    ran = codebench(
        "run",
        "--suite",
        "mini",
        "--tasks-dir",
        str(FIXTURE_TASKS),
        "--model",
        "gold",
        "--model",
        "noop",
        "--run-dir",
        str(tmp_path),
    )
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
