"""The agent scaffold through the real `openai` client against the local scripted server, in
both APIs: tool calls run in the workspace, outputs go back with their call ids, a 500 in the
middle is survived and counted, a body without a tool name is retried."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from codebench.errors import ModelError
from codebench.models import ModelOptions, TaskView, get_model
from codebench.models.agent.scaffold import AgentModel
from codebench.models.config import BenchConfig, ModelConfig, Scaffold
from codebench.models.trajectory import EndReason
from codebench.sandbox import Sandbox
from codebench.sandbox.local import LocalSandbox
from tests.conftest import TASK
from tests.fake_openai import (
    FakeOpenAI,
    Reply,
    chat_body,
    chat_tool_body,
    responses_tool_body,
)
from tests.models.agent.test_loop import FIX

SPEC = "openai:fake-agent"


@contextmanager
def local_workspace() -> Iterator[Sandbox]:
    with LocalSandbox(TASK.repo_dir) as box:
        yield box


VIEW = TaskView(TASK.id, TASK.spec.instruction, TASK.repo_dir, local_workspace)


def agent(url: str, api: str = "chat", **config: Any) -> AgentModel:
    settings = ModelConfig(scaffold=Scaffold.AGENT, api=api, backoff_seconds=0.01, **config)  # type: ignore[arg-type]
    options = ModelOptions(config=BenchConfig(models={SPEC: settings}), base_url=url)
    model = get_model(SPEC, {}, options)
    assert isinstance(model, AgentModel)
    return model


def fixing_turns(body: Any) -> list[Reply]:
    return [
        Reply(body=body([("bash", {"command": "ls tests; cat calc/ops.py"})])),
        Reply(body=body([("str_replace", FIX)])),
        Reply(body=body([("submit", {})])),
    ]


def test_chat_completions_agent_fixes_the_task() -> None:
    with FakeOpenAI() as server:
        server.script.extend(fixing_turns(chat_tool_body))
        proposal = agent(server.url).propose(VIEW)
    assert proposal.trajectory is not None and proposal.failure is None
    assert proposal.trajectory.ended_by is EndReason.SUBMITTED
    assert '+        raise CalcError("division by zero")' in proposal.patch
    assert proposal.calls == 3 and proposal.usage.input_tokens == 300
    # the hidden tests are not in the workspace: the agent sees only the starting tree's tests
    listing = proposal.trajectory.steps[0].tool_calls[0].output
    assert "test_ops.py" in listing and "test_div.py" not in listing
    path, first = server.requests[0]
    assert path.endswith("/chat/completions")
    assert [t["function"]["name"] for t in first["tools"]] == [
        "bash",
        "view",
        "str_replace",
        "create",
        "submit",
    ]
    assert "keep going" in first["messages"][0]["content"].lower()
    last = server.requests[-1][1]["messages"]
    assert [m["role"] for m in last[-2:]] == ["assistant", "tool"]
    assert last[-1]["tool_call_id"] == "call_0" and "Edited calc/ops.py" in last[-1]["content"]


def test_responses_api_agent_fixes_the_task() -> None:
    with FakeOpenAI() as server:
        server.script.extend(fixing_turns(responses_tool_body))
        proposal = agent(server.url, api="responses").propose(VIEW)
    assert proposal.trajectory is not None
    assert proposal.trajectory.ended_by is EndReason.SUBMITTED
    assert "raise CalcError" in proposal.patch
    path, last = server.requests[-1]
    assert path.endswith("/responses") and last["store"] is False
    kinds = [item.get("type", item.get("role")) for item in last["input"]]
    assert kinds == ["user", *["function_call", "function_call_output"] * 2]
    assert last["input"][-1]["call_id"] == "call_0"


def test_a_500_in_the_middle_is_survived_and_counted() -> None:
    with FakeOpenAI() as server:
        first, second, third = fixing_turns(chat_tool_body)
        server.script.extend([first, Reply(500, {"error": {"message": "injected"}}), second, third])
        proposal = agent(server.url).propose(VIEW)
    assert proposal.trajectory is not None
    assert proposal.trajectory.ended_by is EndReason.SUBMITTED
    assert [s.api_errors for s in proposal.trajectory.steps] == [0, 1, 0]
    assert proposal.trajectory.summary().api_errors == 1
    assert len(server.requests) == 4


def test_a_provider_down_past_its_retries_is_a_failure_with_the_steps_kept() -> None:
    with FakeOpenAI(lambda path, body: Reply(503, {"error": {"message": "down"}})) as server:
        server.script.append(Reply(body=chat_tool_body([("str_replace", FIX)])))
        proposal = agent(server.url, max_attempts=2).propose(VIEW)
    assert proposal.trajectory is not None
    assert proposal.trajectory.ended_by is EndReason.MODEL_ERROR
    assert proposal.failure is not None and "HTTP 503" in proposal.failure
    assert len(proposal.trajectory.steps) == 1 and "raise CalcError" in proposal.patch


def test_a_tool_call_without_a_name_is_a_malformed_reply_and_retried() -> None:
    nameless = chat_tool_body([("", {})])
    with FakeOpenAI() as server:
        server.script.extend([Reply(body=nameless), Reply(body=chat_tool_body([("submit", {})]))])
        proposal = agent(server.url).propose(VIEW)
    assert proposal.trajectory is not None
    assert proposal.trajectory.ended_by is EndReason.SUBMITTED
    assert proposal.trajectory.steps[0].api_errors == 1


def test_a_plain_text_reply_is_nudged() -> None:
    with FakeOpenAI() as server:
        server.script.extend(
            [Reply(body=chat_body("I would add a check.")), fixing_turns(chat_tool_body)[2]]
        )
        proposal = agent(server.url).propose(VIEW)
    assert proposal.trajectory is not None
    assert proposal.trajectory.ended_by is EndReason.SUBMITTED
    assert server.requests[1][1]["messages"][-1]["role"] == "user"


def test_without_a_workspace_the_agent_is_a_model_error() -> None:
    view = TaskView(TASK.id, TASK.spec.instruction, TASK.repo_dir)
    with FakeOpenAI() as server, pytest.raises(ModelError, match="needs a sandbox"):
        agent(server.url).propose(view)


def test_the_user_replaces_the_system_prompt(tmp_path: Any) -> None:
    (tmp_path / "agent_system.txt").write_text("Be brief. Submit at once.\n")
    with FakeOpenAI() as server:
        server.script.append(Reply(body=chat_tool_body([("submit", {})])))
        agent(server.url, prompt_dir=tmp_path).propose(VIEW)
    assert server.requests[0][1]["messages"][0]["content"] == "Be brief. Submit at once."


def with_reasoning(body: dict[str, Any], index: int) -> dict[str, Any]:
    """A Responses API body whose turn began with a reasoning item (store is off: the item
    carries its encrypted content), and one item the API gave without it."""
    reasoning = {
        "type": "reasoning",
        "id": f"rs_{index}",
        "encrypted_content": f"sealed-{index}",
        "summary": [{"type": "summary_text", "text": f"plan {index}"}],
    }
    bare = {"type": "reasoning", "id": f"rs_bare_{index}", "summary": []}
    return body | {"output": [reasoning, bare, *body["output"]]}


def test_a_reasoning_model_gets_its_reasoning_items_back() -> None:
    """Issue 15: with store off, a reasoning model's reasoning items were dropped between
    turns, so it lost its chain of thought after every tool call."""
    with FakeOpenAI() as server:
        turns = fixing_turns(responses_tool_body)
        server.script.extend(
            Reply(body=with_reasoning(turn.body, n)) for n, turn in enumerate(turns)
        )
        proposal = agent(server.url, api="responses", reasoning_effort="low").propose(VIEW)
    assert proposal.trajectory is not None and "raise CalcError" in proposal.patch
    first, last = server.requests[0][1], server.requests[-1][1]
    assert first["include"] == ["reasoning.encrypted_content"]
    sent = [item for item in last["input"] if item.get("type") == "reasoning"]
    assert sent == [
        {
            "type": "reasoning",
            "id": f"rs_{n}",
            "encrypted_content": f"sealed-{n}",
            "summary": [{"type": "summary_text", "text": f"plan {n}"}],
        }
        for n in (0, 1)
    ]  # in turn order, each before its turn's calls; the one without content not sent
    assert last["input"][1]["type"] == "reasoning" and last["input"][2]["type"] == "function_call"


def test_a_model_not_set_to_reason_is_not_asked_for_reasoning_content() -> None:
    with FakeOpenAI() as server:
        server.script.extend(fixing_turns(responses_tool_body))
        agent(server.url, api="responses").propose(VIEW)
    assert all("include" not in body for _, body in server.requests)
