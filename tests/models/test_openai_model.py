"""The real `openai` client against a local OpenAI-compatible server: formats, retries, final
model errors, cache hits, cost accounting, and the Responses API."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from codebench.errors import ModelError
from codebench.models import ModelOptions, TaskView, get_model
from codebench.models.cache import ResponseCache
from codebench.models.config import BenchConfig, ModelConfig, Price
from codebench.models.formats import EditFormat
from codebench.models.prompt import build_prompt
from codebench.tasks import Task, load_suite
from tests.conftest import ROOT, SEARCH_REPLACE, TASK, VIEW
from tests.fake_openai import FakeOpenAI, Reply, chat_body, responses_body

WHOLE_FILE = (
    "calc/ops.py\n```python\n"
    + (TASK.repo_dir / "calc/ops.py")
    .read_text()
    .replace(
        "def div(a, b):\n    return a / b",
        "def div(a, b):\n    if b == 0:\n        raise CalcError('no')\n    return a / b",
    )
    + "```\n"
)


def model(server: FakeOpenAI, tmp_path: Path, **settings: object) -> object:
    config = ModelConfig(**{"backoff_seconds": 0.01, "timeout": 2.0, **settings})  # type: ignore[arg-type]
    options = ModelOptions(
        config=BenchConfig(
            models={"openai:fake": config},
            prices={"fake": Price(input=1.0, output=4.0, cached_input=0.5)},
        ),
        base_url=server.url,
        cache=ResponseCache(tmp_path / "cache"),
    )
    return get_model("openai:fake", {}, options)


@pytest.mark.parametrize(
    ("edit_format", "reply"),
    [
        (EditFormat.UDIFF, f"Fix:\n```diff\n{TASK.gold_patch}```\n"),
        (EditFormat.SEARCH_REPLACE, SEARCH_REPLACE),
        (EditFormat.WHOLE_FILE, WHOLE_FILE),
    ],
)
def test_each_format_becomes_a_patch_with_usage_and_cost(
    tmp_path: Path, edit_format: EditFormat, reply: str
) -> None:
    with FakeOpenAI(
        lambda path, body: Reply(body=chat_body(reply, 1000, 200, cached=400))
    ) as server:
        proposal = model(server, tmp_path, edit_format=edit_format).propose(VIEW)  # type: ignore[attr-defined]
        ((path, request),) = server.requests
    assert path == "/v1/chat/completions" and request["model"] == "fake"
    assert "+++ b/calc/ops.py" in proposal.patch and "raise CalcError" in proposal.patch
    assert proposal.format_error is None and proposal.calls == 1
    assert (proposal.usage.input_tokens, proposal.usage.cached_tokens) == (1000, 400)
    # (1000-400) x $1 + 400 x $0.5 + 200 x $4, per million tokens
    assert proposal.cost_usd == pytest.approx((600 * 1.0 + 400 * 0.5 + 200 * 4.0) / 1e6)


def test_reply_without_an_edit_is_a_format_error(tmp_path: Path) -> None:
    with FakeOpenAI(lambda path, body: Reply(body=chat_body("I think div is fine."))) as server:
        proposal = model(server, tmp_path).propose(VIEW)  # type: ignore[attr-defined]
    assert proposal.patch == "" and proposal.format_error.startswith("no_edit_found")
    assert proposal.reply == "I think div is fine."


def test_429_with_retry_after_is_honoured(tmp_path: Path) -> None:
    with FakeOpenAI(lambda path, body: Reply(body=chat_body(SEARCH_REPLACE))) as server:
        server.script.append(
            Reply(429, {"error": {"message": "slow down"}}, {"retry-after": "0.4"})
        )
        start = time.monotonic()
        proposal = model(server, tmp_path, edit_format=EditFormat.SEARCH_REPLACE).propose(VIEW)  # type: ignore[attr-defined]
        waited = time.monotonic() - start
    assert proposal.calls == 2 and len(server.requests) == 2
    assert waited >= 0.4


def test_500s_are_retried_then_succeed(tmp_path: Path) -> None:
    with FakeOpenAI(lambda path, body: Reply(body=chat_body(SEARCH_REPLACE))) as server:
        server.script.extend(
            [Reply(500, {"error": {"message": "boom"}}), Reply(503, b"unavailable")]
        )
        proposal = model(server, tmp_path, edit_format=EditFormat.SEARCH_REPLACE).propose(VIEW)  # type: ignore[attr-defined]
    assert proposal.calls == 3 and proposal.patch


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (Reply(500, {"error": {"message": "boom"}}), "HTTP 500"),
        (Reply(200, b'{"id": "x", "choices": [{"message": {"content": "trunc'), "malformed reply"),
        (Reply(200, b"<html>not json</html>"), "malformed reply"),
    ],  # a slow reply spends the whole deadline: tests/models/test_openai_reliability.py
)
def test_bounded_attempts_then_model_error(tmp_path: Path, reply: Reply, words: str) -> None:
    with FakeOpenAI(lambda path, body: reply) as server:
        with pytest.raises(ModelError, match=words) as caught:
            model(server, tmp_path, max_attempts=3, timeout=1.0).propose(VIEW)  # type: ignore[attr-defined]
        assert len(server.requests) == 3
    assert "3 attempt(s) failed" in str(caught.value)


def test_client_errors_are_not_retried(tmp_path: Path) -> None:
    with FakeOpenAI(lambda path, body: Reply(400, {"error": {"message": "bad model"}})) as server:
        with pytest.raises(ModelError, match="HTTP 400"):
            model(server, tmp_path).propose(VIEW)  # type: ignore[attr-defined]
        assert len(server.requests) == 1


def test_cache_hit_pays_nothing_and_no_cache_asks_again(tmp_path: Path) -> None:
    with FakeOpenAI(lambda path, body: Reply(body=chat_body(SEARCH_REPLACE))) as server:
        first = model(server, tmp_path, edit_format=EditFormat.SEARCH_REPLACE)
        assert first.propose(VIEW).calls == 1  # type: ignore[attr-defined]
        again = first.propose(VIEW)  # type: ignore[attr-defined]
        assert (again.calls, again.cost_usd, len(server.requests)) == (0, 0.0, 1)
        assert again.patch and again.reply == SEARCH_REPLACE
        assert first.propose(VIEW, sample=1).calls == 1  # type: ignore[attr-defined]
        assert len(server.requests) == 2  # another sample is another request
        fresh = get_model(
            "openai:fake",
            {},
            ModelOptions(base_url=server.url, cache=ResponseCache(tmp_path / "cache", read=False)),
        )
        assert fresh.propose(VIEW).calls == 1  # type: ignore[attr-defined]
        assert len(server.requests) == 3


def test_responses_api(tmp_path: Path) -> None:
    with FakeOpenAI(
        lambda path, body: Reply(body=responses_body(SEARCH_REPLACE, 300, 50))
    ) as server:
        proposal = model(
            server,
            tmp_path,
            api="responses",
            edit_format=EditFormat.SEARCH_REPLACE,
            max_tokens=500,
            reasoning_effort="low",
            temperature=0.2,
            seed=7,
        ).propose(VIEW)  # type: ignore[attr-defined]
        ((path, request),) = server.requests
    assert path == "/v1/responses"
    assert request["max_output_tokens"] == 500 and request["reasoning"] == {"effort": "low"}
    assert (request["temperature"], request["seed"]) == (0.2, 7)  # seed via extra_body
    assert "raise CalcError" in proposal.patch and proposal.usage.output_tokens == 50


def test_chat_parameters_pass_through(tmp_path: Path) -> None:
    with FakeOpenAI(lambda path, body: Reply(body=chat_body(SEARCH_REPLACE))) as server:
        model(
            server, tmp_path, temperature=0.0, max_tokens=99, seed=3, reasoning_effort="high"
        ).propose(VIEW)  # type: ignore[attr-defined]
        ((_, request),) = server.requests
    assert (request["temperature"], request["max_tokens"], request["seed"]) == (0.0, 99, 3)
    assert request["reasoning_effort"] == "high"
    assert [m["role"] for m in request["messages"]] == ["system", "user"]


@pytest.mark.parametrize("task", load_suite("core", ROOT / "tasks"), ids=lambda t: t.id)
def test_prompt_never_holds_gold_or_hidden_tests(task: Task) -> None:
    prompt = build_prompt(
        TaskView(task.id, task.spec.instruction, task.repo_dir), EditFormat.UDIFF, 24_000
    )
    text = prompt.system + prompt.user
    starting = "\n".join(p.read_text() for p in task.repo_dir.rglob("*.py"))
    for patch in (task.gold_patch, task.tests_patch):
        rows = patch.splitlines()
        added = {r[1:].strip() for r in rows if r.startswith("+") and not r.startswith("+++")}
        only_there = [r for r in added if len(r) > 25 and r not in starting]
        leaked = [r for r in only_there if r in text]
        assert not leaked, f"the prompt holds lines only the gold or hidden tests have: {leaked}"
    hidden_files = [r[6:] for r in task.tests_patch.splitlines() if r.startswith("+++ b/")]
    assert not any(f'path="{f}"' in text for f in hidden_files if not (task.repo_dir / f).exists())
    assert "<instruction>" in text and task.spec.instruction.strip()[:40] in text
