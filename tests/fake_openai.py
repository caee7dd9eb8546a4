"""A local OpenAI-compatible HTTP server for tests: scripted replies, injected failures.

Listens on 127.0.0.1 only. Each request takes the next scripted reply, else the responder's.
Besides plain answers a reply can hang (never answer) or drip its bytes slowly, the status line
and headers too when asked: the endpoints a per-read timeout never cuts.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from codebench.models import ModelOptions
from codebench.models.config import BenchConfig, ModelConfig


@dataclass
class Reply:
    """One HTTP answer."""

    status: int = 200
    body: bytes | dict[str, Any] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    hang: bool = False  # accept the request, then never answer (until the server stops)
    drip: float = 0.0  # seconds between single bytes of the answer (0: all at once)
    drip_headers: bool = False  # drip the status line and headers too, not only the body


def chat_body(
    text: str, prompt: int = 100, completion: int = 20, cached: int = 0, reasoning: int = 0
) -> dict[str, Any]:
    """A Chat Completions response."""
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": "fake",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "prompt_tokens_details": {"cached_tokens": cached},
            "completion_tokens_details": {"reasoning_tokens": reasoning},
        },
    }


def responses_body(text: str, input_tokens: int = 100, output_tokens: int = 20) -> dict[str, Any]:
    """A Responses API response."""
    return {
        "id": "resp_test",
        "object": "response",
        "created_at": 0,
        "model": "fake",
        "status": "completed",
        "output": [
            {
                "type": "message",
                "id": "msg_test",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": text, "annotations": []}],
            }
        ],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": {
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "total_tokens": input_tokens + output_tokens,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens_details": {"reasoning_tokens": 0},
        },
    }


def chat_tool_body(
    calls: list[tuple[str, dict[str, Any] | str]], text: str = "", prompt: int = 100
) -> dict[str, Any]:
    """A Chat Completions response calling tools: (name, arguments) per call, arguments as a
    JSON object or a raw (possibly broken) string."""
    body = chat_body(text, prompt=prompt)
    message = body["choices"][0]["message"]
    message["content"] = text or None
    message["tool_calls"] = [
        {
            "id": f"call_{index}",
            "type": "function",
            "function": {
                "name": name,
                "arguments": arguments if isinstance(arguments, str) else json.dumps(arguments),
            },
        }
        for index, (name, arguments) in enumerate(calls)
    ]
    body["choices"][0]["finish_reason"] = "tool_calls"
    return body


def responses_tool_body(
    calls: list[tuple[str, dict[str, Any] | str]], text: str = ""
) -> dict[str, Any]:
    """A Responses API response calling tools (see `chat_tool_body`)."""
    body = responses_body(text)
    if not text:
        body["output"] = []
    body["output"] += [
        {
            "type": "function_call",
            "id": f"fc_{index}",
            "call_id": f"call_{index}",
            "name": name,
            "arguments": arguments if isinstance(arguments, str) else json.dumps(arguments),
            "status": "completed",
        }
        for index, (name, arguments) in enumerate(calls)
    ]
    return body


class FakeOpenAI:
    """Start with `with FakeOpenAI() as server:`; `server.url` is the base URL (…/v1)."""

    def __init__(self, responder: Callable[[str, dict[str, Any]], Reply] | None = None) -> None:
        self.script: deque[Reply] = deque()
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.responder = responder or (lambda path, body: Reply(body=chat_body("no edit")))
        self._lock = threading.Lock()
        self.stopping = threading.Event()  # ends hanging and dripping answers
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def _next(self, path: str, body: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append((path, body))
            if self.script:
                return self.script.popleft()
        return self.responder(path, body)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                reply = server._next(self.path, body)
                if reply.hang:
                    server.stopping.wait()
                    return
                time.sleep(reply.delay)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._answer(reply)  # unless the client gave up (a timeout test)

            def _answer(self, reply: Reply) -> None:
                data = (
                    reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                )
                headers = {
                    "content-type": "application/json",
                    "content-length": str(len(data)),
                    **reply.headers,
                }
                if reply.drip and reply.drip_headers:
                    head = f"HTTP/1.1 {reply.status} Dripping\r\n" + "".join(
                        f"{name}: {value}\r\n" for name, value in headers.items()
                    )
                    self._drip((head + "\r\n").encode() + data, reply.drip)
                    return
                self.send_response(reply.status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if reply.drip:
                    self._drip(data, reply.drip)
                else:
                    self.wfile.write(data)

            def _drip(self, data: bytes, every: float) -> None:
                """One byte at a time, `every` seconds apart, until done or the server stops."""
                for index in range(len(data)):
                    if server.stopping.wait(every):
                        return
                    self.wfile.write(data[index : index + 1])
                    self.wfile.flush()

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def fake_model_options(url: str) -> ModelOptions:
    """Options for `openai:fake` against the server at `url`: one quick attempt, no backoff."""
    config = ModelConfig(backoff_seconds=0.01, timeout=5.0, max_attempts=1)
    return ModelOptions(config=BenchConfig(models={"openai:fake": config}), base_url=url)
