"""`codebench serve-reward`: the reward over HTTP (stdlib `http.server`), and its client.

    POST /rewards   {"items": [{"task_id": "...", "reply": "..."}, ...]}
                 -> {"rewards": [Reward, ...]}     (in the order of the items)
    GET  /health -> {"tasks": N, "workers": W}

A request is checked whole before any sandbox starts: 400 names the bad field (`items[3].reply`),
413 a body, batch or reply over its limit, 404 an unknown task id (every one named); 411 a body
without Content-Length; 503 (Retry-After) past `max_requests` being scored at once. At most
`workers` items are graded at once across every request.
"""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from codebench.errors import RewardRequestError
from codebench.tasks import Task
from codebench.training.reward import Reward, RewardGrader

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


@dataclass(frozen=True)
class ServiceLimits:
    """What one request may hold."""

    max_body_bytes: int = 16 * 1024 * 1024
    max_items: int = 256
    max_reply_chars: int = 1024 * 1024
    max_requests: int = 64  # being scored at once; one more is 503 (with Retry-After)


class RewardItem(BaseModel):
    """One (task, reply) to score."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    task_id: str = Field(min_length=1)
    reply: str


class RewardRequest(BaseModel):
    """A batch of items."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    items: list[RewardItem] = Field(min_length=1)


class RewardResponse(BaseModel):
    """The batch's rewards, in the items' order."""

    model_config = ConfigDict(frozen=True)

    rewards: list[Reward]


def parse_request(body: bytes, tasks: Mapping[str, Task], limits: ServiceLimits) -> RewardRequest:
    """The request in `body`, checked whole.

    Raises:
        RewardRequestError: 400 (not JSON, a bad field: named), 413 (too many items, a reply
            too long: named), 404 (unknown task ids: named).
    """
    try:
        raw = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RewardRequestError(f"the body is not JSON: {exc}", 400) from exc
    items = raw.get("items") if isinstance(raw, dict) else None
    if isinstance(items, list) and len(items) > limits.max_items:
        raise RewardRequestError(
            f"items: {len(items)} items, at most {limits.max_items} per request; split the batch",
            413,
        )
    try:
        request = RewardRequest.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _where(first["loc"])
        raise RewardRequestError(f"{where}: {first['msg']}", 400) from exc
    for index, item in enumerate(request.items):
        if len(item.reply) > limits.max_reply_chars:
            raise RewardRequestError(
                f"items[{index}].reply: {len(item.reply)} characters, at most "
                f"{limits.max_reply_chars}",
                413,
            )
    unknown = sorted({item.task_id for item in request.items} - tasks.keys())
    if unknown:
        raise RewardRequestError(
            f"unknown task id(s): {', '.join(map(repr, unknown[:10]))}; the service serves "
            f"{len(tasks)} task(s) (GET /health)",
            404,
        )
    return request


def _where(loc: Sequence[str | int]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(body)"


class RewardService:
    """Scores batches with one grader; at most `workers` items are graded at once."""

    def __init__(
        self,
        tasks: Mapping[str, Task],
        grader: RewardGrader,
        workers: int = 2,
        limits: ServiceLimits | None = None,
    ) -> None:
        self.tasks, self.grader, self.workers = tasks, grader, workers
        self.limits = limits or ServiceLimits()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="reward")
        self.requests = threading.BoundedSemaphore(self.limits.max_requests)

    def score(self, request: RewardRequest) -> RewardResponse:
        """The rewards of a checked request."""
        futures = [
            self._pool.submit(self.grader.reward, self.tasks[item.task_id], item.reply)
            for item in request.items
        ]
        return RewardResponse(rewards=[future.result() for future in futures])

    def close(self) -> None:
        """Wait for the items being graded, then stop."""
        self._pool.shutdown(wait=True)


def make_server(
    service: RewardService, host: str = DEFAULT_HOST, port: int = 0
) -> ThreadingHTTPServer:
    """An HTTP server for `service` (port 0: a free one; `server.server_address` says which)."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "codebench-reward"

        def log_message(self, format: str, *args: object) -> None:
            return  # quiet: the CLI prints its own lines

        def do_GET(self) -> None:
            if self.path.rstrip("/") == "/health":
                self._send(200, {"tasks": len(service.tasks), "workers": service.workers})
            else:
                self._send(404, {"error": f"no such path {self.path!r}; POST /rewards"})

        def do_POST(self) -> None:
            if self.path.rstrip("/") != "/rewards":
                self._send(404, {"error": f"no such path {self.path!r}; POST /rewards"})
                return
            if not service.requests.acquire(blocking=False):
                with contextlib.suppress(RewardRequestError):
                    self._body()  # read, so that the client gets the answer, not a reset
                busy = f"{service.limits.max_requests} requests are being scored; retry later"
                self._send(503, {"error": busy}, {"Retry-After": "5"})
                return
            try:
                body = self._body()
                request = parse_request(body, service.tasks, service.limits)
                response = service.score(request)
            except RewardRequestError as exc:
                self._send(exc.status, {"error": str(exc)})
                return
            except Exception as exc:  # a harness fault: the caller may retry
                self._send(500, {"error": f"{type(exc).__name__}: {exc}"})
                return
            finally:
                service.requests.release()
            self._send(200, json.loads(response.model_dump_json()))

        def _body(self) -> bytes:
            length = self.headers.get("Content-Length")
            if length is None:
                raise RewardRequestError("a body needs a Content-Length header", 411)
            try:
                size = int(length)
            except ValueError as exc:
                raise RewardRequestError(f"Content-Length {length!r} is not a number", 400) from exc
            if size < 0:
                raise RewardRequestError(f"Content-Length {size} is negative", 400)
            if size > service.limits.max_body_bytes:
                self.close_connection = True  # the body is not read
                raise RewardRequestError(
                    f"the body is {size} bytes, at most {service.limits.max_body_bytes}", 413
                )
            return self.rfile.read(size)

        def _send(
            self, status: int, payload: object, headers: Mapping[str, str] | None = None
        ) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status, HTTPStatus(status).phrase)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server


def serve_in_thread(server: ThreadingHTTPServer) -> threading.Thread:
    """Serve until `server.shutdown()`, in a daemon thread (tests, notebooks)."""
    thread = threading.Thread(target=server.serve_forever, name="reward-server", daemon=True)
    thread.start()
    return thread


def request_rewards(
    url: str, items: Sequence[tuple[str, str]], timeout: float = 600.0
) -> list[Reward]:
    """Ask the service at `url` (e.g. `http://127.0.0.1:8765`) for the rewards of
    (task id, reply) pairs, in their order.

    Raises:
        RewardRequestError: the service answered an error (its status and message), or could
            not be reached (status 0).
    """
    body = json.dumps({"items": [{"task_id": t, "reply": r} for t, r in items]}).encode()
    request = urllib.request.Request(
        url.rstrip("/") + "/rewards",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            data = answer.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")
        with contextlib.suppress(ValueError, KeyError, TypeError):
            detail = json.loads(detail)["error"]
        raise RewardRequestError(f"{url}: HTTP {exc.code}: {detail}", exc.code) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise RewardRequestError(f"{url}: cannot reach the reward service: {exc}", 0) from exc
    return RewardResponse.model_validate_json(data).rewards
