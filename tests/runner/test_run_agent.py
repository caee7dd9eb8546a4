"""Whole runs with `scaffold = "agent"`: the real `openai` client against the scripted server,
the agent working in a Docker workspace, its diff graded in a fresh sandbox, its trajectory
stored beside the result, summarised in the leaderboard and shown by `codebench show`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from codebench.cli import app
from codebench.models import ModelOptions
from codebench.models.config import BenchConfig, ModelConfig, Scaffold
from codebench.models.trajectory import AgentLimits, EndReason
from codebench.report import build_leaderboard
from codebench.results import Status
from codebench.runner import RunSettings, run
from codebench.runner.store import ResultStore
from codebench.sandbox import ImageSet
from codebench.tasks import load_suite
from tests.conftest import FIXTURE_TASKS, quiet
from tests.fake_agent import gold_agent
from tests.fake_openai import FakeOpenAI

pytestmark = pytest.mark.docker
MINI = load_suite("mini", FIXTURE_TASKS)
SPEC = "openai:fake-agent"


def agent_run(run_dir: Path, url: str, **config: Any) -> RunSettings:
    model = ModelConfig(scaffold=Scaffold.AGENT, backoff_seconds=0.01, **config)
    options = ModelOptions(config=BenchConfig(models={SPEC: model}), base_url=url, cache=None)
    return RunSettings(
        suite="mini",
        tasks_root=FIXTURE_TASKS,
        run_dir=run_dir,
        model_specs=(SPEC,),
        model_options=options,
    )


@pytest.mark.parametrize("api", ["chat", "responses"])
def test_an_agent_fixes_every_task_and_its_trajectory_is_kept(
    tmp_path: Path, docker_images: ImageSet, api: str
) -> None:
    with FakeOpenAI(gold_agent(MINI)) as server:
        outcome = run(agent_run(tmp_path, server.url, api=api), lambda k: docker_images, quiet())
    assert {r.task_id: r.status for r in outcome.results} == {
        "mini-div-zero": Status.RESOLVED,
        "mini-rename-show": Status.RESOLVED,
    }
    store = ResultStore(tmp_path)
    for result in outcome.results:
        assert result.trajectory is not None
        assert (result.trajectory.steps, result.trajectory.ended_by) == (4, EndReason.SUBMITTED)
        trajectory = store.load_trajectory(result.task_id, "openai_fake-agent", 0)
        assert trajectory is not None and trajectory.summary() == result.trajectory
        # the agent's own test run saw the starting tree's tests only, never the hidden ones
        applied = trajectory.steps[1].tool_calls[0].output
        assert "[exit code: 0]" in applied
    (entry,) = build_leaderboard(outcome.results).models
    assert entry.agent is not None
    assert (entry.agent.attempts, entry.agent.mean_steps, entry.agent.tool_errors) == (2, 4, 0)
    assert entry.agent.ended_by[EndReason.SUBMITTED] == 2
    shown = CliRunner().invoke(app, ["show", str(tmp_path), "--task", "mini-div-zero"])
    assert shown.exit_code == 0, shown.output
    assert "ended by submitted" in shown.output and "-> submit" in shown.output


def test_an_agent_out_of_steps_is_graded_on_what_it_did(
    tmp_path: Path, docker_images: ImageSet
) -> None:
    """Two steps: it looks around and applies the fix, but never submits."""
    with FakeOpenAI(gold_agent(MINI)) as server:
        settings = agent_run(tmp_path, server.url, agent=AgentLimits(max_steps=2))
        outcome = run(settings, lambda k: docker_images, quiet())
    for result in outcome.results:
        assert result.status is Status.RESOLVED
        assert result.trajectory is not None
        assert result.trajectory.ended_by is EndReason.STEP_LIMIT
