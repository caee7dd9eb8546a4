"""An agent's trajectory: every step it took (its message, the tools it called and what they
gave back, tokens, time), how it ended, and the budget that ends it.

The trajectory is stored beside the attempt's result as an artifact; the result keeps only its
`TrajectorySummary`. `AgentBudget` is the one place the limits of a run are counted, shared by
the built-in agent and any scaffold a user brings (`codebench.toml`, `import_path`).
"""

from __future__ import annotations

import time
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from codebench.models.base import Usage


class EndReason(StrEnum):
    """How an agent's work ended. Every reason but `model_error` has its final diff graded."""

    SUBMITTED = "submitted"  # the model called `submit`
    STEP_LIMIT = "step_limit"
    TOKEN_LIMIT = "token_limit"
    COST_LIMIT = "cost_limit"
    TIME_LIMIT = "time_limit"
    STOPPED = "stopped"  # the model kept replying without calling a tool
    MODEL_ERROR = "model_error"  # the provider failed past every retry: nothing is graded


class AgentLimits(BaseModel):
    """How far one agent attempt may go; the first limit reached ends it, with its reason."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_steps: int = Field(default=40, ge=1)  # model turns
    max_tokens: int | None = Field(default=None, ge=1)  # input + output, over every turn
    max_cost_usd: float | None = Field(default=None, gt=0)
    max_seconds: float = Field(default=1800.0, gt=0)  # wall time of the whole attempt
    command_timeout: float = Field(default=120.0, gt=0)  # one `bash` command
    max_idle_replies: int = Field(default=3, ge=1)  # replies in a row without a tool call


class ToolStep(BaseModel):
    """One tool call and what it gave back."""

    model_config = ConfigDict(frozen=True)

    call_id: str
    name: str
    arguments: str  # the raw JSON the model sent
    output: str
    is_error: bool = False
    seconds: float = 0.0


class Step(BaseModel):
    """One model turn and the tool calls it made."""

    model_config = ConfigDict(frozen=True)

    text: str = ""
    tool_calls: tuple[ToolStep, ...] = ()
    usage: Usage = Usage()
    cost_usd: float = 0.0
    seconds: float = 0.0  # the model call
    api_errors: int = 0  # failed provider attempts (429, 5xx, ...) survived before this turn


class TrajectorySummary(BaseModel):
    """What the leaderboard and a result keep of a trajectory."""

    model_config = ConfigDict(frozen=True)

    steps: int
    tool_calls: int
    tool_errors: int
    api_errors: int
    input_tokens: int
    output_tokens: int
    cost_usd: float
    seconds: float
    ended_by: EndReason
    detail: str = ""


class Trajectory(BaseModel):
    """An agent's whole attempt: the messages it began with, its steps, and how it ended."""

    model_config = ConfigDict(frozen=True)

    system: str
    user: str
    steps: tuple[Step, ...] = ()
    ended_by: EndReason
    detail: str = ""  # why it ended, for a person
    seconds: float = 0.0

    def summary(self) -> TrajectorySummary:
        """Counts, tokens and cost over every step."""
        calls = [call for step in self.steps for call in step.tool_calls]
        return TrajectorySummary(
            steps=len(self.steps),
            tool_calls=len(calls),
            tool_errors=sum(call.is_error for call in calls),
            api_errors=sum(step.api_errors for step in self.steps),
            input_tokens=sum(step.usage.input_tokens for step in self.steps),
            output_tokens=sum(step.usage.output_tokens for step in self.steps),
            cost_usd=round(sum(step.cost_usd for step in self.steps), 8),
            seconds=self.seconds,
            ended_by=self.ended_by,
            detail=self.detail,
        )

    def usage(self) -> Usage:
        """Tokens over every step."""
        return Usage(
            input_tokens=sum(s.usage.input_tokens for s in self.steps),
            output_tokens=sum(s.usage.output_tokens for s in self.steps),
            cached_tokens=sum(s.usage.cached_tokens for s in self.steps),
            reasoning_tokens=sum(s.usage.reasoning_tokens for s in self.steps),
        )


class AgentBudget:
    """Counts one attempt's steps, tokens, cost and time against its `AgentLimits`.

    `record` a step when it is done; `exhausted()` says which limit, if any, now ends the
    attempt. Time counts from construction; `seconds_left` bounds each model call and command.
    """

    def __init__(self, limits: AgentLimits) -> None:
        self.limits = limits
        self.steps: list[Step] = []
        self._start = time.monotonic()

    def record(self, step: Step) -> None:
        """Count a finished step."""
        self.steps.append(step)

    @property
    def elapsed(self) -> float:
        """Seconds since the attempt began."""
        return time.monotonic() - self._start

    @property
    def seconds_left(self) -> float:
        """Wall time left (never below 0)."""
        return max(0.0, self.limits.max_seconds - self.elapsed)

    def exhausted(self) -> tuple[EndReason, str] | None:
        """The first limit reached, and a sentence saying so; None while work may go on."""
        limits, steps = self.limits, self.steps
        tokens = sum(s.usage.input_tokens + s.usage.output_tokens for s in steps)
        cost = sum(s.cost_usd for s in steps)
        if len(steps) >= limits.max_steps:
            return EndReason.STEP_LIMIT, f"the step limit of {limits.max_steps} was reached"
        if limits.max_tokens is not None and tokens >= limits.max_tokens:
            return EndReason.TOKEN_LIMIT, f"{tokens} tokens used of {limits.max_tokens}"
        if limits.max_cost_usd is not None and cost >= limits.max_cost_usd:
            return EndReason.COST_LIMIT, f"${cost:.4f} spent of ${limits.max_cost_usd:g}"
        if self.seconds_left <= 0:
            return EndReason.TIME_LIMIT, f"the wall-time limit of {limits.max_seconds:g} s passed"
        return None

    def trajectory(self, system: str, user: str, ended_by: EndReason, detail: str) -> Trajectory:
        """The finished trajectory of the steps recorded."""
        return Trajectory(
            system=system,
            user=user,
            steps=tuple(self.steps),
            ended_by=ended_by,
            detail=detail,
            seconds=round(self.elapsed, 3),
        )
