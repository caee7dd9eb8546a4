"""A scripted agent for the local OpenAI-compatible server: on each task it looks around,
applies the task's gold patch with `git apply` from the shell, runs the visible tests, and
submits. It finds the task by the instruction in the first user message and its step by the
tool outputs already in the history, so one responder serves every task and every attempt."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from codebench.tasks import Task
from tests.fake_openai import Reply, chat_tool_body, responses_tool_body

INSTRUCTION = re.compile(r"<instruction>\n(.*?)\n</instruction>", re.S)
HEREDOC_END = "CODEBENCH_GOLD_END"


def gold_steps(task: Task) -> list[tuple[str, dict[str, Any]]]:
    """The tool calls, in order, that solve `task`."""
    assert HEREDOC_END not in task.gold_patch
    apply = (
        f"cat > /tmp/gold.patch <<'{HEREDOC_END}'\n{task.gold_patch}{HEREDOC_END}\n"
        "git apply /tmp/gold.patch && git status --short"
    )
    return [
        ("bash", {"command": "ls -A; git status --short"}),
        ("bash", {"command": apply}),
        ("bash", {"command": "python -m pytest -q -p no:cacheprovider 2>&1 | tail -n 3"}),
        ("submit", {"message": "applied the fix"}),
    ]


def _history(path: str, body: dict[str, Any]) -> tuple[str, int]:
    """(the first user message, tool outputs so far) of a request in either API."""
    if path.endswith("/responses"):
        items = body["input"]
        done = sum(1 for i in items if i.get("type") == "function_call_output")
        return items[0]["content"], done
    messages = body["messages"]
    return messages[1]["content"], sum(1 for m in messages if m["role"] == "tool")


def gold_agent(tasks: Iterable[Task]) -> Callable[[str, dict[str, Any]], Reply]:
    """A FakeOpenAI responder that solves each of `tasks` in four steps."""
    by_instruction = {task.spec.instruction.strip(): task for task in tasks}

    def reply(path: str, body: dict[str, Any]) -> Reply:
        first, done = _history(path, body)
        found = INSTRUCTION.search(first)
        task = by_instruction.get(found.group(1).strip()) if found else None
        if task is None:
            return Reply(400, {"error": {"message": "unknown task"}})
        steps = gold_steps(task)
        call = steps[min(done, len(steps) - 1)]
        tool_body = responses_tool_body if path.endswith("/responses") else chat_tool_body
        return Reply(body=tool_body([call]))

    return reply
