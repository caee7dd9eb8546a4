"""Every model failure is bounded and attributed: a total deadline per call (hanging and
slow-drip servers included), a circuit breaker for unreachable endpoints, the API key checked
before the first call, and codebench's own bugs never retried as a provider's malformed reply."""

from __future__ import annotations

import socket
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from codebench.errors import ConfigError, ModelError
from codebench.models import ModelOptions, get_model, openai_model
from codebench.models.config import BenchConfig, ModelConfig
from codebench.models.openai_model import OpenAIModel
from tests.conftest import SEARCH_REPLACE, VIEW
from tests.fake_openai import FakeOpenAI, Reply, chat_body

DEADLINE = 1.0
# The smallest valid Chat Completions body: dripped a byte at a time it still takes ~10 s.
SMALL_BODY = (
    b'{"choices":[{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":"stop"}]}'
)


def openai_at(url: str, **settings: Any) -> OpenAIModel:
    """`openai:fake` at `url`, with no cache and fast backoff."""
    config = ModelConfig(**{"backoff_seconds": 0.01, **settings})
    options = ModelOptions(config=BenchConfig(models={"openai:fake": config}), base_url=url)
    model = get_model("openai:fake", {}, options)
    assert isinstance(model, OpenAIModel)
    return model


def dead_url() -> str:
    """A loopback URL where nothing listens: a port bound, then closed."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


@pytest.mark.parametrize(
    "reply",
    [
        Reply(200, SMALL_BODY, drip=0.1, drip_headers=True),
        Reply(200, SMALL_BODY, drip=0.1),
        Reply(hang=True),
    ],
    ids=["drip-headers", "drip-body", "hang"],
)
def test_the_timeout_is_a_total_deadline_for_one_call(reply: Reply) -> None:
    """Regression: `timeout` was per read, so a server dripping a byte every 0.1 s was never cut
    (a byte every few seconds cost 466 s with timeout = 5), and a hanging one cost
    max_attempts x timeout (10 min 21 s per task with the defaults)."""
    with FakeOpenAI(lambda path, body: reply) as server:
        start = time.monotonic()
        with pytest.raises(ModelError) as caught:
            openai_at(server.url, timeout=DEADLINE, max_attempts=5).propose(VIEW)
        elapsed = time.monotonic() - start
    assert elapsed < 3 * DEADLINE, f"cut after {elapsed:.1f}s, not at the {DEADLINE}s deadline"
    assert f"total deadline of {DEADLINE:g} s" in str(caught.value)


def test_backoff_never_sleeps_past_the_deadline() -> None:
    """Regression: a Retry-After longer than the deadline was slept through, attempt after
    attempt (4 x 5 s here), before the call failed anyway."""
    slow_down = Reply(429, {"error": {"message": "slow down"}}, {"retry-after": "5"})
    with FakeOpenAI(lambda path, body: slow_down) as server:
        start = time.monotonic()
        with pytest.raises(ModelError, match="HTTP 429"):
            openai_at(server.url, timeout=DEADLINE, max_attempts=5).propose(VIEW)
        elapsed = time.monotonic() - start
        assert len(server.requests) == 1
    assert elapsed < 3 * DEADLINE


def test_a_deadline_long_enough_still_gets_the_reply() -> None:
    with FakeOpenAI(lambda path, body: Reply(body=chat_body(SEARCH_REPLACE), delay=0.3)) as server:
        proposal = openai_at(server.url, timeout=5.0, edit_format="search_replace").propose(VIEW)
    assert proposal.patch and proposal.calls == 1


def count_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts every request attempt an `OpenAIModel` makes."""
    calls: list[int] = []
    real = OpenAIModel._call

    def counted(self: OpenAIModel, *args: Any) -> Any:
        calls.append(1)
        return real(self, *args)

    monkeypatch.setattr(OpenAIModel, "_call", counted)
    return calls


def test_a_dead_endpoint_trips_the_breaker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: every attempt of every task dialled a dead endpoint again (10 tasks x 5
    attempts here); after 3 consecutive connection failures the rest must fail at once."""
    calls = count_calls(monkeypatch)
    url = dead_url()
    model = openai_at(url, max_attempts=5)
    errors = []
    for _ in range(10):
        with pytest.raises(ModelError) as caught:
            model.propose(VIEW)
        errors.append(str(caught.value))
    assert len(calls) == 3
    reason = f"endpoint unreachable: {url} (3 consecutive connection failures)"
    assert all(reason in error for error in errors), errors


def test_the_breaker_is_shared_by_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_calls(monkeypatch)
    model = openai_at(dead_url(), max_attempts=5, max_connection_failures=2)

    def ask(_: int) -> str:
        try:
            model.propose(VIEW)
        except ModelError as exc:
            return str(exc)
        return "no error"

    with ThreadPoolExecutor(4) as pool:
        errors = list(pool.map(ask, range(10)))
    assert len(calls) <= 2 + 3  # the limit, plus what other threads had in flight
    assert all("endpoint unreachable" in error for error in errors), errors


def test_a_success_resets_the_breaker() -> None:
    breaker = openai_model.CircuitBreaker("http://x/v1", limit=3)
    for _ in range(2):
        breaker.failed()
    breaker.reached()
    breaker.failed()
    breaker.failed()
    assert breaker.open_reason() is None
    breaker.failed()
    assert (
        breaker.open_reason()
        == "endpoint unreachable: http://x/v1 (3 consecutive connection failures)"
    )


@pytest.fixture
def no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "MY_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("no_keys")
@pytest.mark.parametrize(
    ("env", "settings"), [("OPENAI_API_KEY", {}), ("MY_KEY", {"api_key_env": "MY_KEY"})]
)
def test_a_missing_key_for_a_remote_endpoint_is_a_config_error(
    env: str, settings: dict[str, str]
) -> None:
    """Regression: the key was never checked; a missing one became "not-needed" and every
    attempt of the run was a 401 model_error."""
    config = BenchConfig(models={"openai:gpt-4o-mini": ModelConfig(**settings)})
    with pytest.raises(ConfigError) as caught:
        get_model("openai:gpt-4o-mini", {}, ModelOptions(config=config))
    message = str(caught.value)
    assert env in message and "api_key_env" in message and "codebench.toml" in message


@pytest.mark.usefixtures("no_keys")
@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/v1", "http://localhost:11434/v1", "http://[::1]:8080/v1"]
)
def test_a_local_server_needs_no_key(url: str) -> None:
    get_model("openai:local", {}, ModelOptions(base_url=url))


@pytest.mark.parametrize("bug", [TypeError, AttributeError, KeyError])
def test_our_own_bug_is_not_retried_as_a_malformed_reply(
    monkeypatch: pytest.MonkeyPatch, bug: type[Exception]
) -> None:
    """Regression: a bug in codebench's reading of a good reply was retried as a "malformed
    reply" (5 requests, then model_error) or swallowed into model_error: it must propagate."""

    def broken(*args: object) -> object:
        raise bug("codebench's own bug")

    monkeypatch.setattr(openai_model, "_usage", broken)
    with FakeOpenAI(lambda path, body: Reply(body=chat_body(SEARCH_REPLACE))) as server:
        with pytest.raises(bug, match="codebench's own bug"):
            openai_at(server.url, max_attempts=5).propose(VIEW)
        assert len(server.requests) == 1


@pytest.mark.parametrize(
    "body", [b'{"choices": "abc"}', b'{"choices": [{"message": null}]}', b"[1, 2]"]
)
def test_odd_bodies_are_malformed_replies(body: bytes) -> None:
    with FakeOpenAI(lambda path, _: Reply(200, body)) as server:
        with pytest.raises(ModelError, match="malformed reply"):
            openai_at(server.url, max_attempts=2).propose(VIEW)
        assert len(server.requests) == 2
