"""The README's "Bring your own agent" example, run as written (so the docs cannot drift): through
the CLI on the local backend, through `runner.run` on Docker, and past its limits."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from codebench.models import ModelOptions
from codebench.models.trajectory import EndReason, Trajectory
from codebench.results import Status, TaskResult
from codebench.runner import ResultStore, RunSettings, run
from codebench.sandbox import Backend, ImageSet
from tests.conftest import ROOT, quiet

TASK = "meterpoint-register-rollover"
SPEC = "fix-rollover"
SECTION = "## Bring your own agent"


def readme_block(language: str) -> str:
    """The first ```language block of the README's section on bringing an agent."""
    text = (ROOT / "README.md").read_text()
    section = text[text.index(SECTION) :]
    section = section[: section.index("\n## ", len(SECTION))]
    found = re.search(rf"^```{language}\n(.*?)^```$", section, re.S | re.M)
    assert found is not None, f"no ```{language} block under {SECTION!r} in README.md"
    return found.group(1)


def project(folder: Path, code: str | None = None, toml: str | None = None) -> Path:
    """A folder holding the example's module and configuration; returns the config's path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "my_agents.py").write_text(code or readme_block("python"))
    config = folder / "codebench.toml"
    config.write_text(toml or readme_block("toml"))
    return config


@pytest.fixture
def isolated_imports(monkeypatch: pytest.MonkeyPatch) -> None:
    """`my_agents` is imported afresh by each test and forgotten afterwards."""
    monkeypatch.setattr(sys, "path", [*sys.path])
    monkeypatch.setattr(sys, "modules", dict(sys.modules))


def stored(run_dir: Path) -> tuple[TaskResult, Path]:
    store = ResultStore(run_dir)
    result = store.load(TASK, SPEC, 0)
    assert result is not None
    return result, store.trajectory_path(TASK, SPEC, 0)


def assert_resolved_with_its_trajectory(run_dir: Path) -> None:
    result, trajectory_file = stored(run_dir)
    assert result.status is Status.RESOLVED, result.reason
    assert result.model == SPEC
    assert result.trajectory is not None
    assert (result.trajectory.steps, result.trajectory.tool_calls) == (3, 3)
    assert result.trajectory.tool_errors == 0
    assert result.trajectory.ended_by is EndReason.SUBMITTED
    saved = Trajectory.model_validate_json(trajectory_file.read_text())
    look, edit, check = (step.tool_calls[0] for step in saved.steps)
    assert "(capacity - 1) - previous" in look.output
    assert edit.name == "str_replace" and not edit.is_error
    assert check.output.startswith("5\n")  # the agent's own check ran on the edited tree


def test_the_readme_blocks_are_there() -> None:
    assert "class FixRollover(Model)" in readme_block("python")
    assert 'import_path = "my_agents:FixRollover"' in readme_block("toml")
    assert f"codebench run --model {SPEC} --task {TASK}" in (ROOT / "README.md").read_text()


def test_the_readme_example_through_the_cli_on_the_local_backend(tmp_path: Path) -> None:
    config = project(tmp_path / "project")
    run_dir = tmp_path / "run"
    # run from elsewhere: the module beside codebench.toml must import all the same
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "codebench",
            "run",
            "--model",
            SPEC,
            "--task",
            TASK,
            "--config",
            str(config),
            "--tasks-dir",
            str(ROOT / "tasks"),
            "--backend",
            "local",
            "--run-dir",
            str(run_dir),
            "--no-analysis",
            "--no-cache",
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert_resolved_with_its_trajectory(run_dir)


def settings(run_dir: Path, config: Path, backend: Backend) -> RunSettings:
    return RunSettings(
        suite="core",
        tasks_root=ROOT / "tasks",
        run_dir=run_dir,
        model_specs=(SPEC,),
        backend=backend,
        task_ids=(TASK,),
        model_options=ModelOptions.load(config),
        analyse=False,
    )


@pytest.mark.docker
def test_the_readme_example_through_the_runner_on_docker(
    tmp_path: Path, docker_images: ImageSet, isolated_imports: None
) -> None:
    config = project(tmp_path / "project")
    outcome = run(
        settings(tmp_path / "run", config, Backend.DOCKER), lambda _: docker_images, quiet()
    )
    assert [r.status for r in outcome.results] == [Status.RESOLVED]
    assert outcome.results[0].key.image_id == docker_images.image_id("python")
    assert_resolved_with_its_trajectory(tmp_path / "run")


def test_an_agent_stopping_at_its_step_limit_is_graded(
    tmp_path: Path, isolated_imports: None
) -> None:
    toml = readme_block("toml").replace("max_steps = 5", "max_steps = 2")
    config = project(tmp_path / "project", toml=toml)
    run(settings(tmp_path / "run", config, Backend.LOCAL), lambda _: ImageSet(), quiet())
    result, _ = stored(tmp_path / "run")
    assert result.status is Status.RESOLVED  # the edit was its second step
    assert result.trajectory is not None
    assert (result.trajectory.steps, result.trajectory.ended_by) == (2, EndReason.STEP_LIMIT)


def test_an_agent_going_past_its_limits_is_not_graded(
    tmp_path: Path, isolated_imports: None
) -> None:
    check = "                if budget.exhausted():\n                    break\n"
    code = readme_block("python")
    assert check in code
    toml = readme_block("toml").replace("max_steps = 5", "max_steps = 2")
    config = project(tmp_path / "project", code.replace(check, ""), toml)
    run(settings(tmp_path / "run", config, Backend.LOCAL), lambda _: ImageSet(), quiet())
    result, trajectory_file = stored(tmp_path / "run")
    assert result.status is Status.MODEL_ERROR
    assert result.reason is not None
    assert "3 steps, over max_steps = 2" in result.reason
    assert '[models."fix-rollover".agent]' in result.reason
    assert result.patch  # kept for a person to read, not graded
    assert result.trajectory is not None
    assert result.trajectory.ended_by is EndReason.STEP_LIMIT
    assert trajectory_file.is_file()
