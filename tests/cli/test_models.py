"""`codebench models`: every spec `--model` can name and where it comes from, importing nothing
a user brings; `run --help` says how to bring one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codebench.cli import app
from tests.conftest import FIXTURE_TASKS, ROOT

runner = CliRunner()


def test_models_lists_built_in_configured_and_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site" / "acme_agents-1.0.dist-info"
    site.mkdir(parents=True)
    (site / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-agents\nVersion: 1.0\n")
    (site / "entry_points.txt").write_text("[codebench.models]\nacme = acme_agents:make\n")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    config = tmp_path / "codebench.toml"
    config.write_text('[models."my-agent"]\nimport_path = "never_imported:make"\n')
    result = runner.invoke(app, ["models", "--config", str(config)])
    assert result.exit_code == 0, result.output
    lines = [line.split(maxsplit=1) for line in result.output.splitlines()]
    assert ["gold", "built in"] in lines and ["openai:...", "built in"] in lines
    assert ["my-agent", f"{config} import_path = 'never_imported:make'"] in lines
    assert [
        "acme[:...]",
        "entry point in codebench.models: acme_agents:make (from distribution 'acme-agents')",
    ] in lines
    assert "never_imported" not in sys.modules


def test_run_help_names_import_path_and_the_entry_point_group() -> None:
    result = runner.invoke(app, ["run", "--help"], terminal_width=200)
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert 'import_path = "package.module:factory"' in text
    assert "codebench.models" in text and "codebench models" in text


def test_a_broken_import_path_stops_the_run_before_any_attempt(tmp_path: Path) -> None:
    (tmp_path / "broken_agent.py").write_text("raise RuntimeError('MY_AGENT_KEY is not set')\n")
    config = tmp_path / "codebench.toml"
    config.write_text('[models."mine"]\nimport_path = "broken_agent:make"\n')
    run_dir = tmp_path / "run"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "codebench",
            "run",
            "--model",
            "mine",
            "--config",
            str(config),
            "--suite",
            "mini",
            "--tasks-dir",
            str(FIXTURE_TASKS),
            "--run-dir",
            str(run_dir),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    message = " ".join(done.stderr.split())
    assert '[models."mine"] import_path' in message
    assert "raised RuntimeError: MY_AGENT_KEY is not set" in message
    assert not (run_dir / "results").exists()
