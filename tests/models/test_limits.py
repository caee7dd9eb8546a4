"""The harness's check of any model's trajectory against its agent limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from codebench.models import Model, Proposal, TaskView, Usage
from codebench.models.limits import LimitedModel, enforce_limits, limit_breach
from codebench.models.trajectory import AgentLimits, EndReason, Step, Trajectory

WHERE = 'codebench.toml [models."my-agent".agent]'


def trajectory(*steps: Step, seconds: float = 1.0) -> Trajectory:
    return Trajectory(
        system="",
        user="fix it",
        steps=steps,
        ended_by=EndReason.SUBMITTED,
        detail="done",
        seconds=seconds,
    )


def step(tokens: int = 0, cost: float = 0.0) -> Step:
    return Step(text="t", usage=Usage(input_tokens=tokens), cost_usd=cost)


@pytest.mark.parametrize(
    ("limits", "kept"),
    [
        (AgentLimits(max_steps=3), trajectory(step(), step(), step())),
        # the last step may cross a limit: it began within it
        (AgentLimits(max_tokens=100), trajectory(step(60), step(60))),
        (AgentLimits(max_cost_usd=1.0), trajectory(step(cost=0.9), step(cost=0.9))),
        (AgentLimits(max_seconds=10, command_timeout=5), trajectory(seconds=14.9)),
        (AgentLimits(max_steps=1), Trajectory(system="", user="", ended_by=EndReason.STOPPED)),
    ],
)
def test_a_trajectory_within_its_limits_is_kept(limits: AgentLimits, kept: Trajectory) -> None:
    assert limit_breach(kept, limits) is None
    proposal = Proposal(patch="p", trajectory=kept)
    assert enforce_limits(proposal, limits, WHERE) is proposal


@pytest.mark.parametrize(
    ("limits", "broken", "reason", "words"),
    [
        (
            AgentLimits(max_steps=2),
            trajectory(step(), step(), step()),
            EndReason.STEP_LIMIT,
            "3 steps, over max_steps = 2",
        ),
        (
            AgentLimits(max_tokens=100),
            trajectory(step(60), step(60), step(1)),
            EndReason.TOKEN_LIMIT,
            "a step began after 120 tokens were used, max_tokens = 100",
        ),
        (
            AgentLimits(max_cost_usd=1.0),
            trajectory(step(cost=1.0), step(cost=0.1)),
            EndReason.COST_LIMIT,
            "a step began after $1.0000 was spent, max_cost_usd = 1",
        ),
        (
            AgentLimits(max_seconds=10, command_timeout=5),
            trajectory(seconds=15.5),
            EndReason.TIME_LIMIT,
            "15.5 s, over max_seconds = 10",
        ),
    ],
)
def test_a_trajectory_past_a_limit_is_a_failure_not_graded(
    limits: AgentLimits, broken: Trajectory, reason: EndReason, words: str
) -> None:
    proposal = Proposal(patch="diff", trajectory=broken)
    checked = enforce_limits(proposal, limits, WHERE)
    assert checked.patch == "diff"  # kept for a person to read; the runner does not grade it
    assert checked.failure is not None
    assert words in checked.failure and WHERE in checked.failure
    assert "it reported submitted: done" in checked.failure
    assert checked.trajectory is not None
    assert checked.trajectory.ended_by is reason
    assert checked.trajectory.detail.startswith(f"past its limits ({words}")
    assert checked.trajectory.steps == broken.steps
    assert checked.trajectory.summary().ended_by is reason


def test_a_proposal_without_a_trajectory_or_already_failed_is_left_alone() -> None:
    limits = AgentLimits(max_steps=1)
    plain = Proposal(patch="p")
    assert enforce_limits(plain, limits, WHERE) is plain
    failed = Proposal(patch="", trajectory=trajectory(step(), step()), failure="provider down")
    assert enforce_limits(failed, limits, WHERE) is failed


class Overrunning(Model):
    spec = "overrun"

    def propose(self, view: TaskView, sample: int = 0) -> Proposal:
        return Proposal(patch="p", trajectory=trajectory(step(), step()))

    @property
    def slug(self) -> str:
        return "own-slug"


def test_the_limited_model_checks_every_proposal_and_keeps_spec_and_slug() -> None:
    model = LimitedModel(Overrunning(), AgentLimits(max_steps=1), WHERE)
    assert (model.spec, model.slug) == ("overrun", "own-slug")
    proposal = model.propose(TaskView("t", "do", Path(".")))
    assert proposal.failure is not None and "2 steps, over max_steps = 1" in proposal.failure
