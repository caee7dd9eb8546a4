"""`codebench tasks scaffold`: what it prints, and that its closing hint works as printed."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codebench.cli import app
from codebench.tasks import Task
from tests.conftest import after_copy

runner = CliRunner()


def scaffold_args(task: Task, tmp_path: Path, *extra: str) -> list[str]:
    after = after_copy(task, tmp_path)
    (after / "CHANGELOG.md").write_text("- division by zero raises CalcError\n")
    (after / "docs").mkdir()
    (after / "docs" / "usage.rst").write_text("Dividing by zero raises CalcError.\n")
    return [
        "tasks", "scaffold", "calc-div-zero", "--before", str(task.repo_dir),
        "--after", str(after), "--category", "bug_fix", "--suite", "mine",
        "--tasks-dir", str(tmp_path / "tasks"), *extra,
    ]  # fmt: skip


def hint_of(output: str) -> list[str]:
    """The command the last line tells the author to run, as the shell would split it."""
    line = output.strip().splitlines()[-1]
    assert line.startswith("Now "), output
    words = shlex.split(line.split(": ", 1)[1])
    assert words[:3] == ["codebench", "tasks", "validate"], line
    return words[1:]


@pytest.mark.parametrize("backend", ["local", pytest.param("docker", marks=pytest.mark.docker)])
def test_the_closing_hint_works_exactly_as_printed(
    tmp_path: Path, mini_tasks: dict[str, Task], backend: str, request: pytest.FixtureRequest
) -> None:
    """The hint said `codebench tasks validate --task ID`, which looked in the default suite
    (core) of the default tasks root, not where scaffold had written the task."""
    if backend == "docker":
        request.getfixturevalue("docker_images")
    texts = ["--title", "Refuse division by zero", "--instruction", "Raise CalcError on x/0."]
    args = scaffold_args(mini_tasks["mini-div-zero"], tmp_path, *texts, "--backend", backend)
    scaffolded = runner.invoke(app, args)
    assert scaffolded.exit_code == 0, scaffolded.output
    assert "Now read task.toml, then: codebench tasks validate --suite mine" in scaffolded.output
    validated = runner.invoke(app, hint_of(scaffolded.output))
    assert validated.exit_code == 0, validated.output
    assert "1/1 tasks valid (3 gold run(s) each)" in validated.output


def test_scaffold_lists_the_documentation_it_left_out_and_the_drafts(
    tmp_path: Path, mini_tasks: dict[str, Task]
) -> None:
    args = scaffold_args(mini_tasks["mini-div-zero"], tmp_path, "--backend", "local")
    scaffolded = runner.invoke(app, args)
    assert scaffolded.exit_code == 0, scaffolded.output
    lines = scaffolded.output.splitlines()
    assert "excluded from the gold patch: CHANGELOG.md, docs/usage.rst" in lines
    assert lines[-1].startswith("Now write the title and instruction in task.toml, then: ")
    gold = (tmp_path / "tasks" / "mine" / "calc-div-zero" / "gold.patch").read_text()
    assert "CHANGELOG" not in gold and "docs/" not in gold
    # drafts are rejected by the very command the hint gives
    validated = runner.invoke(app, hint_of(scaffolded.output))
    assert validated.exit_code == 1
    assert "field 'title': is still a draft" in validated.output
    assert "field 'instruction': is still a draft" in validated.output


def test_scaffold_takes_the_test_command_and_environment(
    tmp_path: Path, mini_tasks: dict[str, Task]
) -> None:
    command = "python3 -m pytest -p no:cacheprovider -q -x"
    args = scaffold_args(
        mini_tasks["mini-div-zero"], tmp_path, "--backend", "local",
        "--test-command", command, "--environment", "python",
    )  # fmt: skip
    assert runner.invoke(app, args).exit_code == 0
    toml = (tmp_path / "tasks" / "mine" / "calc-div-zero" / "task.toml").read_text()
    assert f'test_command = "{command}"' in toml
    assert "image =" not in toml  # the default environment is not written out
