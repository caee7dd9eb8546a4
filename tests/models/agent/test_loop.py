"""The agent loop against a scripted turn source and a local sandbox: every way a run ends,
each with its own reason, and every model mistake survived and counted."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from codebench.errors import ModelError
from codebench.models.agent.conversation import Conversation, ToolCall, Turn
from codebench.models.agent.loop import AFTER_SUBMIT, NUDGE, AgentTask, TurnAnswer, run_agent
from codebench.models.agent.scaffold import agent_diff
from codebench.models.base import Usage
from codebench.models.trajectory import AgentLimits, EndReason
from codebench.sandbox.local import LocalSandbox
from tests.conftest import TASK

FIX = {
    "path": "calc/ops.py",
    "old_str": "def div(a, b):\n    return a / b\n",
    "new_str": 'def div(a, b):\n    if b == 0:\n        raise CalcError("division by zero")\n'
    "    return a / b\n",
}


def turn(*calls: tuple[str, dict[str, Any] | str], text: str = "") -> Turn:
    return Turn(
        text,
        tuple(
            ToolCall(f"c{i}", name, args if isinstance(args, str) else json.dumps(args))
            for i, (name, args) in enumerate(calls)
        ),
    )


class Script:
    """Turns in order (a ModelError in the list is raised), then `then` forever."""

    def __init__(
        self, turns: list[Turn | ModelError], then: Turn | None = None, **usage: int
    ) -> None:
        self.turns, self.then = list(turns), then
        self.usage = Usage(**usage) if usage else Usage(input_tokens=10, output_tokens=5)
        self.seen: list[dict[str, Any]] = []
        self.sleep = 0.0

    def next_turn(self, conversation: Conversation, timeout: float) -> TurnAnswer:
        self.seen.append(conversation.request())
        time.sleep(self.sleep)
        item = self.turns.pop(0) if self.turns else self.then
        if item is None:
            raise AssertionError("the loop asked for more turns than scripted")
        if isinstance(item, ModelError):
            raise item
        return TurnAnswer(item, self.usage, cost_usd=0.01, seconds=0.0, api_errors=0)


@pytest.fixture
def box() -> Iterator[LocalSandbox]:
    with LocalSandbox(TASK.repo_dir) as sandbox:
        yield sandbox


def task(**limits: Any) -> AgentTask:
    return AgentTask("system", "user", "chat", AgentLimits(**limits))


def test_a_multi_step_run_fixes_the_task_and_submits(box: LocalSandbox) -> None:
    script = Script(
        [
            turn(("view", {"path": "calc/ops.py"}), text="Let me look."),
            turn(("str_replace", FIX)),
            turn(("bash", {"command": "grep -c CalcError calc/ops.py"})),
            turn(("submit", {"message": "div refuses zero"})),
        ]
    )
    trajectory = run_agent(box, script, task())
    assert trajectory.ended_by is EndReason.SUBMITTED
    summary = trajectory.summary()
    assert (summary.steps, summary.tool_calls, summary.tool_errors) == (4, 4, 0)
    assert (summary.input_tokens, summary.output_tokens, summary.cost_usd) == (40, 20, 0.04)
    assert "def div(a, b):" in trajectory.steps[0].tool_calls[0].output
    assert "[exit code: 0]" in trajectory.steps[2].tool_calls[0].output
    diff = agent_diff(box)
    assert '+        raise CalcError("division by zero")' in diff
    # every tool call was answered, with its own id, before the next turn
    last = script.seen[-1]["messages"]
    answered = [m["tool_call_id"] for m in last if m["role"] == "tool"]
    assert answered == ["c0", "c0", "c0"]


def test_running_out_of_steps(box: LocalSandbox) -> None:
    script = Script([], then=turn(("bash", {"command": "true"})))
    trajectory = run_agent(box, script, task(max_steps=3))
    assert trajectory.ended_by is EndReason.STEP_LIMIT
    assert len(trajectory.steps) == 3 and "3" in trajectory.detail


def test_a_model_that_never_calls_a_tool_is_nudged_then_stopped(box: LocalSandbox) -> None:
    script = Script([], then=turn(text="I think the fix is to check b."))
    trajectory = run_agent(box, script, task(max_idle_replies=3))
    assert trajectory.ended_by is EndReason.STOPPED
    assert len(trajectory.steps) == 3
    nudges = [m for m in script.seen[-1]["messages"] if m.get("content") == NUDGE]
    assert len(nudges) == 2  # after replies 1 and 2; reply 3 ends the run


def test_a_model_that_works_but_never_submits_ends_at_the_step_limit(box: LocalSandbox) -> None:
    script = Script([turn(("str_replace", FIX))], then=turn(("view", {"path": "calc"})))
    trajectory = run_agent(box, script, task(max_steps=4))
    assert trajectory.ended_by is EndReason.STEP_LIMIT
    assert "raise CalcError" in agent_diff(box)  # the work done is still the answer


@pytest.mark.parametrize(
    ("name", "arguments", "said"),
    [
        ("bash", "{not json", "JSON"),
        ("bash", json.dumps({"cmd": "ls"}), "command"),
        ("teleport", "{}", "unknown tool"),
        ("view", json.dumps({"path": "../../etc/passwd"}), "outside"),
        ("str_replace", json.dumps({**FIX, "old_str": "absent text"}), "not found"),
    ],
)
def test_bad_tool_calls_are_error_results_counted_and_survived(
    box: LocalSandbox, name: str, arguments: str, said: str
) -> None:
    script = Script([turn((name, arguments)), turn(("submit", {}))])
    trajectory = run_agent(box, script, task())
    assert trajectory.ended_by is EndReason.SUBMITTED
    (bad,) = trajectory.steps[0].tool_calls
    assert bad.is_error and said.lower() in bad.output.lower()
    assert trajectory.summary().tool_errors == 1


def test_a_provider_failure_mid_run_ends_it_as_model_error_with_its_steps(
    box: LocalSandbox,
) -> None:
    script = Script([turn(("str_replace", FIX)), ModelError("openai:x: 5 attempt(s) failed")])
    trajectory = run_agent(box, script, task())
    assert trajectory.ended_by is EndReason.MODEL_ERROR
    assert len(trajectory.steps) == 1 and "5 attempt(s) failed" in trajectory.detail


@pytest.mark.parametrize(
    ("limits", "usage", "reason"),
    [
        ({"max_tokens": 100}, {"input_tokens": 40, "output_tokens": 10}, EndReason.TOKEN_LIMIT),
        ({"max_cost_usd": 0.02}, {}, EndReason.COST_LIMIT),
    ],
)
def test_token_and_cost_limits_end_the_run_with_their_reason(
    box: LocalSandbox, limits: dict[str, Any], usage: dict[str, int], reason: EndReason
) -> None:
    script = Script([], then=turn(("bash", {"command": "true"})), **usage)
    trajectory = run_agent(box, script, task(**limits))
    assert trajectory.ended_by is reason
    assert len(trajectory.steps) == 2  # 100 tokens / $0.02 after step 2 of 50 / $0.01 each


def test_the_wall_time_limit_ends_the_run(box: LocalSandbox) -> None:
    script = Script([], then=turn(("bash", {"command": "true"})))
    script.sleep = 0.2
    trajectory = run_agent(box, script, task(max_seconds=0.3))
    assert trajectory.ended_by is EndReason.TIME_LIMIT
    assert 1 <= len(trajectory.steps) <= 3


def test_calls_after_submit_are_answered_not_run(box: LocalSandbox) -> None:
    script = Script([turn(("submit", {}), ("str_replace", FIX))])
    trajectory = run_agent(box, script, task())
    assert trajectory.ended_by is EndReason.SUBMITTED
    after = trajectory.steps[0].tool_calls[1]
    assert after.output == AFTER_SUBMIT and after.is_error
    assert agent_diff(box) == ""


def test_the_diff_leaves_out_caches_the_agent_made(box: LocalSandbox) -> None:
    """The agent's own test runs write __pycache__ and .pytest_cache; they are not its edit."""
    box.write_files(
        {
            "calc/__pycache__/ops.cpython-311.pyc": b"\x00\x01",
            ".pytest_cache/v/cache/lastfailed": b"{}",
            "calc/new_module.py": b"X = 1\n",
        }
    )
    diff = agent_diff(box)
    assert "calc/new_module.py" in diff
    assert "__pycache__" not in diff and ".pytest_cache" not in diff
