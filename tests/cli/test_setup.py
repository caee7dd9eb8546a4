"""`codebench init DIR`: a workspace holding the suites and sandboxes to edit."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from codebench.cli import app
from codebench.paths import ROOT_VARIABLE
from tests.conftest import ROOT

runner = CliRunner()


def test_init_writes_a_workspace_codebench_then_uses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ROOT_VARIABLE, raising=False)
    monkeypatch.chdir(ROOT)  # the checkout's suites are what is found here
    workspace = tmp_path / "ws"
    done = runner.invoke(app, ["init", str(workspace)])
    assert done.exit_code == 0, done.output
    assert f"wrote {workspace / 'tasks'} and {workspace / 'sandboxes'}" in done.output
    assert (workspace / "sandboxes" / "python" / "environment.toml").is_file()
    core = sorted(p.parent.name for p in (workspace / "tasks" / "core").glob("*/task.toml"))
    assert core == sorted(p.parent.name for p in (ROOT / "tasks" / "core").glob("*/task.toml"))
    monkeypatch.chdir(workspace)
    listed = runner.invoke(app, ["tasks", "list", "--suite", "core"])
    assert listed.exit_code == 0 and len(listed.output.strip().splitlines()) == len(core)
    again = runner.invoke(app, ["init", str(workspace)])
    assert again.exit_code != 0 and "already exists" in str(again.exception)
