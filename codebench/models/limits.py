"""The harness's own check of an agent's limits, for any model's proposal.

The built-in agent counts its limits with `AgentBudget`; a scaffold the user brings may not (or
may count wrongly). After `propose` returns, the runner checks the proposal's trajectory against
the model's `agent` limits (`codebench.toml`, `[models."SPEC".agent]`). A trajectory past them
is not graded: the attempt is `model_error` with a reason naming the limit, and the trajectory
is kept with `ended_by` set to that limit and its `detail` saying what the model reported.
Grading the work of an agent that overran would rank it above one that kept to the budget.

What counts as past a limit, allowing for the step under way when a limit is reached:

- steps: more than `max_steps`;
- tokens, cost: a step that began when the steps before it had already reached `max_tokens` or
  `max_cost_usd` (the last step may cross the limit, as the built-in agent's does);
- time: the trajectory's own `seconds` past `max_seconds` by more than one `command_timeout`.

A proposal without a trajectory (a single reply, a reference model) has nothing to check.
"""

from __future__ import annotations

import dataclasses

from codebench.models.base import Model, Proposal, TaskView
from codebench.models.trajectory import AgentLimits, EndReason, Trajectory


def limit_breach(trajectory: Trajectory, limits: AgentLimits) -> tuple[EndReason, str] | None:
    """The first limit the trajectory went past, and a phrase saying how; None within them."""
    steps = trajectory.steps
    if len(steps) > limits.max_steps:
        return EndReason.STEP_LIMIT, f"{len(steps)} steps, over max_steps = {limits.max_steps}"
    earlier = steps[:-1]  # the last step may be the one that crossed a limit
    tokens = sum(s.usage.input_tokens + s.usage.output_tokens for s in earlier)
    if limits.max_tokens is not None and tokens >= limits.max_tokens:
        return EndReason.TOKEN_LIMIT, (
            f"a step began after {tokens} tokens were used, max_tokens = {limits.max_tokens}"
        )
    cost = sum(s.cost_usd for s in earlier)
    if limits.max_cost_usd is not None and cost >= limits.max_cost_usd:
        return EndReason.COST_LIMIT, (
            f"a step began after ${cost:.4f} was spent, max_cost_usd = {limits.max_cost_usd:g}"
        )
    if trajectory.seconds > limits.max_seconds + limits.command_timeout:
        return EndReason.TIME_LIMIT, (
            f"{trajectory.seconds:g} s, over max_seconds = {limits.max_seconds:g} "
            f"(+ one command_timeout, {limits.command_timeout:g} s)"
        )
    return None


def enforce_limits(proposal: Proposal, limits: AgentLimits, where: str) -> Proposal:
    """The proposal, or, when its trajectory went past `limits`, the same proposal made a
    failure (`model_error`, nothing graded) with its trajectory's `ended_by` set to the limit.

    `where` names the limits' table for the reason, e.g. `codebench.toml [models."x"].agent`.
    """
    trajectory = proposal.trajectory
    if trajectory is None or proposal.failure is not None:
        return proposal
    breach = limit_breach(trajectory, limits)
    if breach is None:
        return proposal
    reason, how = breach
    reported = f"it reported {trajectory.ended_by.value}" + (
        f": {trajectory.detail}" if trajectory.detail else ""
    )
    marked = trajectory.model_copy(
        update={"ended_by": reason, "detail": f"past its limits ({how}); {reported}"}
    )
    failure = f"the agent went past its limits ({how}; {where}), so it is not graded; {reported}"
    return dataclasses.replace(proposal, trajectory=marked, failure=failure)


class LimitedModel(Model):
    """A model whose every proposal goes through `enforce_limits` (the runner wraps each)."""

    def __init__(self, inner: Model, limits: AgentLimits, where: str) -> None:
        self.inner = inner
        self.spec = inner.spec
        self.limits = limits
        self.where = where

    @property
    def slug(self) -> str:
        """The wrapped model's (a model may file its results under its own slug)."""
        return self.inner.slug

    def propose(self, view: TaskView, sample: int = 0) -> Proposal:
        """The wrapped model's proposal, checked against the limits; raises what it raises."""
        return enforce_limits(self.inner.propose(view, sample), self.limits, self.where)
