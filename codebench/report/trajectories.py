"""What a leaderboard says of agents' trajectories: steps and tool calls per attempt, errors
survived, tokens, cost, and how each attempt ended."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from codebench.models.trajectory import EndReason, TrajectorySummary
from codebench.stats import mean


class AgentStats(BaseModel):
    """One model's agent attempts in numbers (the attempts that have a trajectory)."""

    model_config = ConfigDict(frozen=True)

    attempts: int
    mean_steps: float
    mean_tool_calls: float
    tool_errors: int  # tool calls whose result was an error (bad arguments, missing file, ...)
    api_errors: int  # failed provider attempts survived by a retry
    input_tokens: int
    output_tokens: int
    cost_usd: float
    mean_seconds: float
    ended_by: dict[EndReason, int]  # every reason, 0 included


def agent_stats(summaries: Sequence[TrajectorySummary]) -> AgentStats | None:
    """The statistics of these trajectories; None when there are none (no agent ran)."""
    if not summaries:
        return None
    ended = Counter(summary.ended_by for summary in summaries)
    return AgentStats(
        attempts=len(summaries),
        mean_steps=round(mean([s.steps for s in summaries]) or 0.0, 3),
        mean_tool_calls=round(mean([s.tool_calls for s in summaries]) or 0.0, 3),
        tool_errors=sum(s.tool_errors for s in summaries),
        api_errors=sum(s.api_errors for s in summaries),
        input_tokens=sum(s.input_tokens for s in summaries),
        output_tokens=sum(s.output_tokens for s in summaries),
        cost_usd=round(sum(s.cost_usd for s in summaries), 6),
        mean_seconds=round(mean([s.seconds for s in summaries]) or 0.0, 3),
        ended_by={reason: ended[reason] for reason in EndReason},
    )
