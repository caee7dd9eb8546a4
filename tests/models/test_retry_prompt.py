"""Later tries of the single-reply model (`--tries`): a multi-turn request holding each earlier
reply and what became of it, for both APIs; distinct tries are distinct cache entries."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from codebench.models import PriorTry
from codebench.models.formats import EditFormat
from codebench.models.prompt import build_prompt
from tests.conftest import SEARCH_REPLACE, VIEW
from tests.fake_openai import FakeOpenAI, Reply, chat_body, responses_body
from tests.models.test_openai_model import model

FIRST = PriorTry(
    patch="",
    problem="your reply held no edit: no SEARCH/REPLACE block",
    test_output="",
    reply="I think the bug is in div.",
)
SECOND = PriorTry(
    patch="--- a/calc/ops.py\n+++ b/calc/ops.py\n",
    problem="the patch applied but the task is not done",
    test_output="FAILED tests/test_ops.py::test_add - assert 4 == 3",
    reply="calc/ops.py\n<<<<<<< SEARCH\n...",
)


def test_a_later_try_replays_each_reply_then_its_feedback(tmp_path: Path) -> None:
    view = dataclasses.replace(VIEW, prior_tries=(FIRST, SECOND))
    with FakeOpenAI(lambda path, body: Reply(body=chat_body(SEARCH_REPLACE))) as server:
        first = model(server, tmp_path, edit_format=EditFormat.SEARCH_REPLACE)
        proposal = first.propose(view)  # type: ignore[attr-defined]
        ((_, request),) = server.requests
    roles = [m["role"] for m in request["messages"]]
    assert roles == ["system", "user", "assistant", "user", "assistant", "user"]
    assert request["messages"][2]["content"] == FIRST.reply
    assert FIRST.problem in request["messages"][3]["content"]
    assert "(no tests were run)" in request["messages"][3]["content"]
    assert SECOND.test_output in request["messages"][5]["content"]
    assert "replaces the earlier one" in request["messages"][5]["content"]
    # parsed against the starting tree, as try 1 would be
    assert "raise CalcError" in proposal.patch and proposal.format_error is None


def test_distinct_tries_are_distinct_cache_entries(tmp_path: Path) -> None:
    replies = iter(["no edit here", SEARCH_REPLACE])
    with FakeOpenAI(lambda path, body: Reply(body=chat_body(next(replies)))) as server:
        fake = model(server, tmp_path, edit_format=EditFormat.SEARCH_REPLACE)
        one = fake.propose(VIEW)  # type: ignore[attr-defined]
        two = fake.propose(dataclasses.replace(VIEW, prior_tries=(FIRST,)))  # type: ignore[attr-defined]
        again = fake.propose(dataclasses.replace(VIEW, prior_tries=(FIRST,)))  # type: ignore[attr-defined]
    assert one.format_error is not None and two.format_error is None
    assert (one.calls, two.calls, again.calls) == (1, 1, 0)
    assert again.patch == two.patch and len(server.requests) == 2


def test_responses_api_sends_the_turns_as_input_items(tmp_path: Path) -> None:
    view = dataclasses.replace(VIEW, prior_tries=(FIRST,))
    with FakeOpenAI(lambda path, body: Reply(body=responses_body(SEARCH_REPLACE))) as server:
        fake = model(server, tmp_path, api="responses", edit_format=EditFormat.SEARCH_REPLACE)
        fake.propose(view)  # type: ignore[attr-defined]
        fake.propose(VIEW)  # type: ignore[attr-defined]
        (_, later), (_, first) = server.requests
    assert [item["role"] for item in later["input"]] == ["user", "assistant", "user"]
    assert later["input"][1]["content"] == FIRST.reply
    assert isinstance(first["input"], str)  # a first try's request is as it always was


def test_the_retry_template_can_be_overridden(tmp_path: Path) -> None:
    (tmp_path / "retry.txt").write_text("Nope: {problem} / {test_output}")
    view = dataclasses.replace(VIEW, prior_tries=(SECOND,))
    prompt = build_prompt(view, EditFormat.UDIFF, 24_000, tmp_path)
    assert prompt.turns[-1].content == f"Nope: {SECOND.problem} / {SECOND.test_output}"
    assert build_prompt(VIEW, EditFormat.UDIFF, 24_000).turns == ()


def test_a_prior_try_without_a_reply_shows_its_patch() -> None:
    view = dataclasses.replace(VIEW, prior_tries=(dataclasses.replace(SECOND, reply=""),))
    (assistant, _) = build_prompt(view, EditFormat.UDIFF, 24_000).turns
    assert assistant.content == f"```diff\n{SECOND.patch}```"
