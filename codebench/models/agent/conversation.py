"""An agent's conversation in the shape of either OpenAI API: Chat Completions messages or
Responses API input items, the tools offered, and how a turn is read back from a response.

Both shapes hold the same history: the system prompt and task, then for each turn the model's
text and tool calls, each followed by that call's output. A reply that is not a readable turn
(no choices, a tool call without a name) is a `MalformedReplyError`, which the OpenAI adapter
retries like any provider failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from codebench.models.agent.tools import ToolSpec
from codebench.models.base import Usage
from codebench.models.openai_model import (
    MalformedReplyError,
    chat_message,
    output_text,
    usage_of,
)


@dataclass(frozen=True)
class ToolCall:
    """One function call the model asked for."""

    call_id: str
    name: str
    arguments: str  # raw JSON, validated by the tool


@dataclass(frozen=True)
class ReasoningItem:
    """A reasoning item of a Responses API turn, with its encrypted content: with `store`
    off, a reasoning model keeps its chain of thought across tool calls only when the item is
    sent back as it came."""

    item_id: str
    encrypted_content: str
    summary: tuple[str, ...] = ()

    def as_input(self) -> dict[str, Any]:
        """The item as the next request's input holds it."""
        return {
            "type": "reasoning",
            "id": self.item_id,
            "encrypted_content": self.encrypted_content,
            "summary": [{"type": "summary_text", "text": text} for text in self.summary],
        }


@dataclass(frozen=True)
class Turn:
    """What the model said in one turn, the tools it called, and (Responses API) its reasoning
    items to send back."""

    text: str
    calls: tuple[ToolCall, ...]
    reasoning: tuple[ReasoningItem, ...] = ()


class Conversation(Protocol):
    """The history sent each turn, in one API's shape."""

    def request(self) -> dict[str, Any]:
        """The request body's history and tools (the model's own options are added)."""

    def add_turn(self, turn: Turn) -> None:
        """Append the model's turn."""

    def add_output(self, call: ToolCall, output: str) -> None:
        """Append a tool call's output."""

    def add_user(self, text: str) -> None:
        """Append a user message (a nudge to keep going)."""


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


class ChatConversation:
    """Chat Completions: `messages` with `tool_calls` and `tool` messages."""

    def __init__(self, system: str, user: str, tools: tuple[ToolSpec, ...]) -> None:
        self.messages: list[dict[str, Any]] = [
            {"role": "system", "content": system},
            {"role": "user", "content": user},
        ]
        self.tools = [tool.chat_completions() for tool in tools]

    def request(self) -> dict[str, Any]:
        """`messages` and `tools`."""
        return {"messages": list(self.messages), "tools": self.tools}

    def add_turn(self, turn: Turn) -> None:
        """The assistant message, its tool calls included."""
        message: dict[str, Any] = {"role": "assistant", "content": turn.text or None}
        if turn.calls:
            message["tool_calls"] = [
                {
                    "id": call.call_id,
                    "type": "function",
                    "function": {"name": call.name, "arguments": call.arguments},
                }
                for call in turn.calls
            ]
        self.messages.append(message)

    def add_output(self, call: ToolCall, output: str) -> None:
        """A `tool` message answering the call."""
        self.messages.append({"role": "tool", "tool_call_id": call.call_id, "content": output})

    def add_user(self, text: str) -> None:
        """A user message."""
        self.messages.append({"role": "user", "content": text})


class ResponsesConversation:
    """The Responses API: `instructions`, and `input` items (`function_call` and
    `function_call_output` among them). Nothing is stored server-side: every turn sends the
    whole history, as Chat Completions does."""

    def __init__(
        self,
        system: str,
        user: str,
        tools: tuple[ToolSpec, ...],
        keep_reasoning: bool = False,
    ) -> None:
        self.instructions = system
        self.items: list[dict[str, Any]] = [{"role": "user", "content": user}]
        self.tools = [tool.responses() for tool in tools]
        self.keep_reasoning = keep_reasoning

    def request(self) -> dict[str, Any]:
        """`instructions`, `input` and `tools`; with `keep_reasoning`, the reasoning items'
        encrypted content is asked for (a model that does not reason may refuse it)."""
        body: dict[str, Any] = {
            "instructions": self.instructions,
            "input": list(self.items),
            "tools": self.tools,
            "store": False,
        }
        if self.keep_reasoning:
            body["include"] = ["reasoning.encrypted_content"]
        return body

    def add_turn(self, turn: Turn) -> None:
        """The turn's reasoning items, the assistant's text (if any) and a `function_call`
        item per call."""
        self.items += [item.as_input() for item in turn.reasoning]
        if turn.text:
            self.items.append({"role": "assistant", "content": turn.text})
        for call in turn.calls:
            self.items.append(
                {
                    "type": "function_call",
                    "call_id": call.call_id,
                    "name": call.name,
                    "arguments": call.arguments,
                }
            )

    def add_output(self, call: ToolCall, output: str) -> None:
        """A `function_call_output` item."""
        self.items.append(
            {"type": "function_call_output", "call_id": call.call_id, "output": output}
        )

    def add_user(self, text: str) -> None:
        """A user message."""
        self.items.append({"role": "user", "content": text})


def new_conversation(
    api: str, system: str, user: str, tools: tuple[ToolSpec, ...], keep_reasoning: bool = False
) -> Conversation:
    """The conversation of `api` ("chat" or "responses"; `keep_reasoning`: send a reasoning
    model's reasoning items back, Responses API only)."""
    if api == "responses":
        return ResponsesConversation(system, user, tools, keep_reasoning)
    return ChatConversation(system, user, tools)


def read_turn(response: Any, responses: bool) -> tuple[Turn, Usage]:
    """The turn a response holds, and its usage.

    Raises:
        MalformedReplyError: the body holds no readable turn.
    """
    turn = _responses_turn(response) if responses else _chat_turn(response)
    return turn, usage_of(response, responses)


def _call(call_id: Any, name: Any, arguments: Any, index: int) -> ToolCall:
    if not isinstance(name, str) or not name:
        raise MalformedReplyError(f"tool call {index} has no function name")
    # a call without an id still gets an answer the model can match (some servers omit it)
    identifier = call_id if isinstance(call_id, str) and call_id else f"call_{index}"
    return ToolCall(identifier, name, arguments if isinstance(arguments, str) else "")


def _chat_turn(completion: Any) -> Turn:
    message = chat_message(completion)
    raw_calls = getattr(message, "tool_calls", None) or []
    if not isinstance(raw_calls, list):
        raise MalformedReplyError("the reply's tool_calls is not a list")
    calls = []
    for index, raw in enumerate(raw_calls):
        function = getattr(raw, "function", None)
        calls.append(
            _call(
                getattr(raw, "id", None),
                getattr(function, "name", None),
                getattr(function, "arguments", None),
                index,
            )
        )
    return Turn(_text(getattr(message, "content", None)), tuple(calls))


def _responses_turn(response: Any) -> Turn:
    items = getattr(response, "output", None)
    if not isinstance(items, list):
        raise MalformedReplyError("the reply has no output list")
    calls = [
        _call(
            getattr(item, "call_id", None),
            getattr(item, "name", None),
            getattr(item, "arguments", None),
            index,
        )
        for index, item in enumerate(i for i in items if getattr(i, "type", "") == "function_call")
    ]
    reasoning = tuple(r for r in map(_reasoning, items) if r is not None)
    return Turn(_text(output_text(response)), tuple(calls), reasoning)


def _reasoning(item: Any) -> ReasoningItem | None:
    """A reasoning item that can be sent back: one with an id and encrypted content (without
    them, and with `store` off, the API refuses the item)."""
    if getattr(item, "type", "") != "reasoning":
        return None
    item_id, content = getattr(item, "id", None), getattr(item, "encrypted_content", None)
    if not isinstance(item_id, str) or not isinstance(content, str) or not content:
        return None
    summary = getattr(item, "summary", None) or []
    texts = tuple(
        t for t in (getattr(part, "text", None) for part in summary) if isinstance(t, str)
    )
    return ReasoningItem(item_id, content, texts)
