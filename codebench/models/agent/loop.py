"""The agent loop, small and honest (as mini-SWE-agent's): ask the model, run each tool call it
makes in the sandbox, feed the outputs back, until it submits or a limit ends the attempt.

Nothing the model does ends the loop by surprise: a bad tool call is an error result it reads
and fixes; a reply without a tool call gets a nudge (`max_idle_replies` in a row end it); a
provider failure that outlasts its retries ends it as `model_error`. Each limit that ends it is
recorded as its own `EndReason`. A `bash` command may run past the wall-time limit by at most
its own timeout: the limit is checked between steps.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from codebench.errors import ModelError
from codebench.models.agent.conversation import Conversation, ToolCall, Turn, new_conversation
from codebench.models.agent.tools import ToolBox, ToolLimits
from codebench.models.base import Usage
from codebench.models.trajectory import (
    AgentBudget,
    AgentLimits,
    EndReason,
    Step,
    ToolStep,
    Trajectory,
)
from codebench.sandbox import Sandbox

NUDGE = (
    "You replied without calling a tool. Keep working with the tools until the task is solved, "
    "then call `submit`."
)
AFTER_SUBMIT = "Not run: the work was already submitted in this turn."


@dataclass(frozen=True)
class TurnAnswer:
    """One model turn as the provider gave it."""

    turn: Turn
    usage: Usage
    cost_usd: float
    seconds: float
    api_errors: int  # failed provider attempts survived before it


class TurnSource(Protocol):
    """Where turns come from: an OpenAI-compatible endpoint, or a test's script."""

    def next_turn(self, conversation: Conversation, timeout: float) -> TurnAnswer:
        """The model's next turn, within `timeout` seconds.

        Raises:
            ModelError: the provider failed past its retries, or the deadline passed.
        """


@dataclass(frozen=True)
class AgentTask:
    """What one agent run starts from."""

    system: str
    user: str
    api: str  # "chat" or "responses"
    limits: AgentLimits
    keep_reasoning: bool = False  # Responses API: send reasoning items back (a reasoning model)


def run_agent(box: Sandbox, source: TurnSource, task: AgentTask) -> Trajectory:
    """Work on the task in `box` until the model submits or a limit ends it.

    Raises:
        SandboxError: the sandbox itself failed (not the model's doing).
    """
    budget = AgentBudget(task.limits)
    tools = ToolBox(box, ToolLimits(command_timeout=task.limits.command_timeout))
    conversation = new_conversation(
        task.api, task.system, task.user, tools.specs, task.keep_reasoning
    )
    idle = 0
    while (limit := budget.exhausted()) is None:
        try:
            answer = source.next_turn(conversation, budget.seconds_left)
        except ModelError as exc:
            return budget.trajectory(task.system, task.user, EndReason.MODEL_ERROR, str(exc))
        conversation.add_turn(answer.turn)
        calls, submitted = _run_calls(tools, conversation, answer.turn.calls)
        budget.record(_step(answer, calls))
        if submitted:
            return budget.trajectory(task.system, task.user, EndReason.SUBMITTED, "")
        idle = 0 if calls else idle + 1
        if idle >= task.limits.max_idle_replies:
            detail = f"{idle} replies in a row called no tool"
            return budget.trajectory(task.system, task.user, EndReason.STOPPED, detail)
        if not calls:
            conversation.add_user(NUDGE)
    return budget.trajectory(task.system, task.user, *limit)


def _run_calls(
    tools: ToolBox, conversation: Conversation, calls: tuple[ToolCall, ...]
) -> tuple[tuple[ToolStep, ...], bool]:
    """Run a turn's calls in order, answering each (the APIs require an output per call);
    calls after a `submit` are answered, not run."""
    steps: list[ToolStep] = []
    submitted = False
    for call in calls:
        start = time.monotonic()
        if submitted:
            output, is_error = AFTER_SUBMIT, True
        else:
            result = tools.call(call.name, call.arguments)
            output, is_error, submitted = result.output, result.is_error, result.submitted
        conversation.add_output(call, output)
        seconds = round(time.monotonic() - start, 3)
        steps.append(
            ToolStep(
                call_id=call.call_id,
                name=call.name,
                arguments=call.arguments,
                output=output,
                is_error=is_error,
                seconds=seconds,
            )
        )
    return tuple(steps), submitted


def _step(answer: TurnAnswer, calls: tuple[ToolStep, ...]) -> Step:
    return Step(
        text=answer.turn.text,
        tool_calls=calls,
        usage=answer.usage,
        cost_usd=answer.cost_usd,
        seconds=round(answer.seconds, 3),
        api_errors=answer.api_errors,
    )
