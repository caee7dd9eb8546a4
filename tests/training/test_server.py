"""`serve-reward`: batches over HTTP, concurrent batches, and the errors (400 naming the
field, 404 for an unknown task, 411, 413) before any sandbox starts."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from codebench.errors import RewardRequestError
from codebench.runner import SandboxSettings
from codebench.sandbox import Backend
from codebench.tasks import Task
from codebench.training import RewardGrader
from codebench.training.prompts import synthetic_reply
from codebench.training.reward import Reward
from codebench.training.server import (
    RewardService,
    ServiceLimits,
    make_server,
    request_rewards,
    serve_in_thread,
)
from tests.conftest import MINI

DIV, RENAME = MINI["mini-div-zero"], MINI["mini-rename-show"]


class CountingGrader(RewardGrader):
    """A local-backend grader that records the most items it graded at once."""

    def __init__(self) -> None:
        super().__init__(SandboxSettings(Backend.LOCAL))
        self.active = self.peak = 0
        self._lock = threading.Lock()

    def reward(self, task: Task, reply: str) -> Reward:
        with self._lock:
            self.active += 1
            self.peak = max(self.peak, self.active)
        try:
            return super().reward(task, reply)
        finally:
            with self._lock:
                self.active -= 1


@pytest.fixture
def service() -> Iterator[tuple[str, CountingGrader]]:
    grader = CountingGrader()
    served = RewardService(MINI, grader, workers=2, limits=ServiceLimits(4096, 8, 2048))
    server = make_server(served, "127.0.0.1", 0)
    serve_in_thread(server)
    host, port = server.server_address[:2]
    yield f"http://{host!s}:{port}", grader
    server.shutdown()
    server.server_close()
    served.close()


def post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, str]:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    connection.request("POST", "/rewards", body, headers or {})
    answer = connection.getresponse()
    return answer.status, json.loads(answer.read()).get("error", "")


def test_a_batch_is_scored_in_order(service: tuple[str, CountingGrader]) -> None:
    url, _ = service
    gold = synthetic_reply(DIV.gold_patch)
    got = request_rewards(url, [(DIV.id, gold), (RENAME.id, ""), (DIV.id, gold)])
    assert [r.reward for r in got] == [1.0, 0.0, 1.0]
    assert [r.task_id for r in got] == [DIV.id, RENAME.id, DIV.id]


def test_concurrent_batches_share_the_sandbox_bound(service: tuple[str, CountingGrader]) -> None:
    url, grader = service
    batches = [
        [(DIV.id, synthetic_reply(DIV.gold_patch)), (RENAME.id, synthetic_reply(RENAME.gold_patch))]
        for _ in range(4)
    ]
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda batch: request_rewards(url, batch), batches))
    assert all([r.reward for r in answer] == [1.0, 1.0] for answer in answers)
    assert 1 <= grader.peak <= 2  # two workers, whatever the number of requests


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"{not json", 400, "not JSON"),
        (b'{"items": []}', 400, "items: List should have at least 1 item"),
        (b'{"items": [{"task_id": "mini-div-zero", "reply": 3}]}', 400, "items[0].reply"),
        (b'{"items": [{"task_id": "mini-div-zero"}]}', 400, "items[0].reply: Field required"),
        (b'{"items": [{"task_id": "x", "reply": "", "extra": 1}]}', 400, "items[0].extra"),
        (b'{"items": [{"task_id": "no-such-task", "reply": ""}]}', 404, "'no-such-task'"),
        (json.dumps({"items": [{"task_id": "a", "reply": ""}] * 9}).encode(), 413, "at most 8"),
        (json.dumps({"items": [{"task_id": "a", "reply": "x" * 5000}]}).encode(), 413, "body is"),
        (
            json.dumps({"items": [{"task_id": DIV.id, "reply": "x" * 2049}]}).encode(),
            413,
            "items[0].reply: 2049 characters",
        ),
    ],
    ids=["not-json", "empty", "bad-type", "missing", "extra", "unknown", "many", "huge", "long"],
)
def test_bad_requests_are_refused_naming_what(
    service: tuple[str, CountingGrader], body: bytes, status: int, message: str
) -> None:
    url, grader = service
    got_status, error = post(url, body, {"Content-Length": str(len(body))})
    assert (got_status, message in error) == (status, True), error
    assert grader.peak == 0  # nothing was graded


def test_a_body_without_length_is_411(service: tuple[str, CountingGrader]) -> None:
    url, _ = service
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.putrequest("POST", "/rewards")
    connection.endheaders()
    assert connection.getresponse().status == 411


def test_the_client_raises_with_the_status(service: tuple[str, CountingGrader]) -> None:
    url, _ = service
    with pytest.raises(RewardRequestError, match="HTTP 404: unknown task id") as caught:
        request_rewards(url, [("no-such-task", "")])
    assert caught.value.status == 404
    with pytest.raises(RewardRequestError, match="cannot reach") as unreachable:
        request_rewards("http://127.0.0.1:9", [(DIV.id, "")], timeout=5)
    assert unreachable.value.status == 0


class BlockingGrader(RewardGrader):
    """A grader that holds every item until `release` is set."""

    def __init__(self) -> None:
        super().__init__(SandboxSettings(Backend.LOCAL))
        self.started, self.release = threading.Event(), threading.Event()

    def reward(self, task: Task, reply: str) -> Reward:
        self.started.set()
        assert self.release.wait(60)
        return super().reward(task, reply)


def test_past_max_requests_the_service_is_busy() -> None:
    grader = BlockingGrader()
    served = RewardService(MINI, grader, workers=1, limits=ServiceLimits(max_requests=1))
    server = make_server(served, "127.0.0.1", 0)
    serve_in_thread(server)
    url = "http://{}:{}".format(*server.server_address[:2])
    try:
        with ThreadPoolExecutor(1) as pool:
            first = pool.submit(request_rewards, url, [(DIV.id, "")])
            assert grader.started.wait(30)
            with pytest.raises(RewardRequestError, match="HTTP 503") as busy:
                request_rewards(url, [(DIV.id, "")])
            assert busy.value.status == 503
            grader.release.set()
            assert [r.reward for r in first.result(timeout=60)] == [0.0]
        assert [r.reward for r in request_rewards(url, [(DIV.id, "")])] == [0.0]  # free again
    finally:
        grader.release.set()
        server.shutdown()
        server.server_close()
        served.close()
