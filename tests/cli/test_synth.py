"""`codebench tasks synth`: the wiring, the summary it prints, and --kinds."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from codebench.cli import app
from codebench.cli.synth import parse_kinds
from codebench.errors import ConfigError
from codebench.tasks import Corruption
from tests.authoring.test_synth import shapes_repo

runner = CliRunner()


def test_synth_prints_what_it_kept_and_rejected(tmp_path: Path) -> None:
    repo = shapes_repo(tmp_path / "shapes")
    root = tmp_path / "tasks"
    args = ["tasks", "synth", "--repo", str(repo.root), "--suite", "s", "--tasks-dir", str(root)]
    args += ["--backend", "local", "--count", "2", "--kinds", "off_by_one,arithmetic"]
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    assert "kept 2 task(s)" in done.output
    assert "codebench tasks validate --suite s" in done.output
    listed = runner.invoke(app, ["tasks", "list", "--suite", "s", "--tasks-dir", str(root)])
    assert listed.exit_code == 0 and listed.output.count("shapes-") == 2
    again = runner.invoke(app, args)
    assert "kept 0 task(s)" in again.output and "(2 kept then)" in again.output


def test_kinds_are_checked_before_anything_runs() -> None:
    assert parse_kinds(None) == tuple(Corruption)
    assert parse_kinds(" comparison, comparison,constant") == (
        Corruption.COMPARISON,
        Corruption.CONSTANT,
    )
    with pytest.raises(ConfigError, match="unknown kind\\(s\\) flip; choose from comparison"):
        parse_kinds("comparison,flip")
    with pytest.raises(ConfigError, match="none named"):
        parse_kinds(" , ")


@pytest.mark.docker
def test_synth_then_validate_in_docker(tmp_path: Path, docker_images: object) -> None:
    """The whole command in the sandbox, a local and a global kind, then `tasks validate`."""
    repo = shapes_repo(tmp_path / "shapes")
    root = tmp_path / "tasks"
    where = ["--suite", "s", "--tasks-dir", str(root)]
    kinds = "removed_guard,new_parameter"
    args = ["tasks", "synth", "--repo", str(repo.root), *where, "--count", "2", "--kinds", kinds]
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    assert "kept 2 task(s)" in done.output
    tomls = sorted((root / "s").glob("*/task.toml"))
    assert ["removed-guard" in str(t) or "new-parameter" in str(t) for t in tomls] == [True] * 2
    checked = runner.invoke(app, ["tasks", "validate", *where, "--gold-runs", "1"])
    assert checked.exit_code == 0, checked.output
    assert "2/2 tasks valid" in checked.output
