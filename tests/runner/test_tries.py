"""`--tries N` end to end: the real `openai` client against the scripted local server, in the
Docker sandbox. A later try sees the visible tests' output and the error, never the hidden
tests; integrity violations are not retried; reruns reuse or continue the stored tries."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import codebench.runner.attempt as attempt_module
from codebench.models import ModelOptions
from codebench.models.cache import ResponseCache
from codebench.models.formats import EditFormat, FormatError, parse_reply
from codebench.report import build_leaderboard
from codebench.report.runs import run_record
from codebench.results import Status, TaskResult
from codebench.runner import RunOutcome, RunSettings, SandboxSettings, evaluate_patch, run
from codebench.sandbox import Backend, ImageSet
from codebench.tasks import Task, load_suite
from codebench.tasks.loader import read_texts
from tests.conftest import FIXTURE_TASKS, ROOT, SEARCH_REPLACE, quiet
from tests.fake_openai import FakeOpenAI, Reply, chat_body
from tests.runner.test_run_models import gold_reply

pytestmark = pytest.mark.docker
CORE = {t.id: t for t in load_suite("core", ROOT / "tasks")}
QUARTER = CORE["ledgerkit-fiscal-quarter"]
MINI = {t.id: t for t in load_suite("mini", FIXTURE_TASKS)}
ATTACKS = ROOT / "tests" / "fixtures" / "attacks"

# A wrong answer that also tries to copy the hidden tests out (past the static scan, which
# catches code naming the test folder): fiscal_period, which visible tests call, raises with the
# names of the tree's Python files and the text of any other that uses fiscal_quarter. In a grading run that is the hidden test file; in the feedback's sandbox
# there is none to find.
EXFILTRATING = """ledgerkit/periods.py
<<<<<<< SEARCH
def fiscal_period(d: date) -> str:
    \"\"\"Return the label of the fiscal period a date falls in, e.g. 'FY25-P03'.\"\"\"
    return f'FY{fiscal_year(d) % 100:02d}-P{period_number(d):02d}'
=======
def fiscal_period(d: date) -> str:
    \"\"\"Return the label of the fiscal period a date falls in, e.g. 'FY25-P03'.\"\"\"
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    seen = {p.name: p.read_text() for p in sorted(root.rglob('*.py')) if p.name != 'periods.py'}
    copied = [text for text in seen.values() if 'fiscal_quarter' in text]
    raise RuntimeError(f'SEEN {sorted(seen)} COPIED {copied}')


def fiscal_quarter(d: date) -> str:
    return 'FY00-Q0'
>>>>>>> REPLACE
"""
WRONG_DIV = SEARCH_REPLACE.replace('raise CalcError("division by zero")', "return 0")


def scripted(replies: dict[str, list[str]]) -> Callable[[str, dict[str, Any]], Reply]:
    """Each task's replies by try: the try is told by the assistant turns the request holds."""
    by_instruction = {t.spec.instruction.strip(): t.id for t in [*CORE.values(), *MINI.values()]}

    def reply(path: str, body: dict[str, Any]) -> Reply:
        user = body["messages"][1]["content"]
        found = re.search(r"<instruction>\n(.*?)\n</instruction>", user, re.S)
        task = by_instruction[found.group(1).strip()] if found else ""
        number = sum(m["role"] == "assistant" for m in body["messages"])
        texts = replies.get(task, [])
        text = texts[number] if number < len(texts) else "no edit"
        return Reply(body=chat_body(text))

    return reply


def settings(
    run_dir: Path, server: FakeOpenAI, suite: str, task: str, tries: int, **options: Any
) -> RunSettings:
    return RunSettings(
        suite=suite,
        tasks_root=ROOT / "tasks" if suite == "core" else FIXTURE_TASKS,
        run_dir=run_dir,
        model_specs=("openai:fake",),
        task_ids=(task,),
        tries=tries,
        analyse=False,
        model_options=ModelOptions(
            base_url=server.url,
            edit_format=options.pop("edit_format", EditFormat.SEARCH_REPLACE),
            cache=ResponseCache(run_dir.parent / "cache"),
        ),
    )


def only(outcome: RunOutcome) -> TaskResult:
    (result,) = outcome.results
    return result


def hidden_lines(task: Task) -> list[str]:
    """Lines the hidden tests add, long enough to be distinctive."""
    added = [line[1:].strip() for line in task.tests_patch.splitlines() if line.startswith("+")]
    return [line for line in added if len(line) >= 12 and not line.startswith("++")]


def test_second_try_fixes_what_the_first_broke_and_never_sees_the_hidden_tests(
    tmp_path: Path, docker_images: ImageSet
) -> None:
    replies = {QUARTER.id: [EXFILTRATING, gold_reply(QUARTER, EditFormat.SEARCH_REPLACE)]}
    with FakeOpenAI(scripted(replies)) as server:
        made = settings(tmp_path / "run", server, "core", QUARTER.id, tries=2)
        outcome = run(made, lambda k: docker_images, quiet())
        (_, first), (_, second) = server.requests
    result = only(outcome)
    assert result.status is Status.RESOLVED
    assert [t.status for t in result.tries] == [Status.UNRESOLVED, Status.RESOLVED]
    assert (result.usage.input_tokens, result.usage.output_tokens) == (200, 40)
    assert result.cost_usd == sum(t.cost_usd for t in result.tries)
    (entry,) = build_leaderboard(outcome.results, settings=run_record(made)).models
    assert entry.resolved.overall.resolved_after_try == [0.0, 1.0]
    assert entry.resolved.local.resolved_after_try == [0.0, 1.0]
    assert entry.resolved.global_.resolved_after_try == []

    # the second request: the first reply, then the feedback on it
    assert second["messages"][:2] == first["messages"]
    assert second["messages"][2] == {"role": "assistant", "content": EXFILTRATING}
    feedback = second["messages"][3]["content"]
    assert "RuntimeError: SEEN" in feedback and "tests/test_periods.py" in feedback
    assert "COPIED []" in feedback  # the patch ran, and found no hidden test to copy
    assert result.tries[0].test_output and result.tries[0].test_output in feedback
    text = json.dumps(second)
    assert "test_fiscal_quarter" not in text
    for test_id in QUARTER.spec.fail_to_pass:
        assert test_id.split("::")[1] not in text
    shown_at_first = json.dumps(first)  # the starting tree shares lines with the hidden tests
    escaped = [json.dumps(line)[1:-1] for line in hidden_lines(QUARTER)]
    assert not [line for line in escaped if line in text and line not in shown_at_first]

    # the same patch in a grading run does find the hidden tests: the fresh sandbox is why
    # none of it reached the model
    parsed = parse_reply(EditFormat.SEARCH_REPLACE, EXFILTRATING, read_texts(QUARTER.repo_dir))
    assert not isinstance(parsed, FormatError)
    graded = evaluate_patch(QUARTER, parsed.patch, SandboxSettings(Backend.DOCKER, docker_images))
    assert graded.status is Status.UNRESOLVED and "test_fiscal_quarter.py" in graded.log_tail


def test_malformed_first_reply_gets_its_format_error(
    tmp_path: Path, docker_images: ImageSet
) -> None:
    task = MINI["mini-div-zero"]
    with FakeOpenAI(scripted({task.id: ["I would rather not.", SEARCH_REPLACE]})) as server:
        outcome = run(
            settings(tmp_path / "run", server, "mini", task.id, tries=3),
            lambda k: docker_images,
            quiet(),
        )
        (_, second) = server.requests[1]
    result = only(outcome)
    assert [t.status for t in result.tries] == [Status.MALFORMED_PATCH, Status.RESOLVED]
    problem = result.tries[0].problem or ""
    assert problem.startswith("your reply held no usable edit:")
    assert problem in second["messages"][3]["content"]
    assert "(no tests were run)" in second["messages"][3]["content"]


def test_integrity_violation_is_not_retried(tmp_path: Path, docker_images: ImageSet) -> None:
    task = MINI["mini-div-zero"]
    attack = (ATTACKS / "noop_runtest.patch").read_text()
    replies = {task.id: [f"```diff\n{attack}```\n", SEARCH_REPLACE]}
    with FakeOpenAI(scripted(replies)) as server:
        outcome = run(
            settings(tmp_path / "run", server, "mini", task.id, 2, edit_format=EditFormat.UDIFF),
            lambda k: docker_images,
            quiet(),
        )
        assert len(server.requests) == 1
    result = only(outcome)
    assert result.status is Status.INTEGRITY_VIOLATION
    assert [t.status for t in result.tries] == [Status.INTEGRITY_VIOLATION]


def counting(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often attempts grade a patch and compute feedback (in a sandbox or not)."""
    calls = {"evaluate": 0, "feedback": 0}
    evaluate, feedback = attempt_module.evaluate_patch, attempt_module.feedback_for

    def graded(*args: Any, **kwargs: Any) -> Any:
        calls["evaluate"] += 1
        return evaluate(*args, **kwargs)

    def told(*args: Any, **kwargs: Any) -> Any:
        calls["feedback"] += 1
        return feedback(*args, **kwargs)

    monkeypatch.setattr(attempt_module, "evaluate_patch", graded)
    monkeypatch.setattr(attempt_module, "feedback_for", told)
    return calls


def test_reruns_reuse_the_same_tries_and_continue_with_more(
    tmp_path: Path, docker_images: ImageSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    task = MINI["mini-div-zero"]
    calls = counting(monkeypatch)
    with FakeOpenAI(scripted({task.id: [WRONG_DIV, SEARCH_REPLACE]})) as server:
        one = settings(tmp_path / "run", server, "mini", task.id, tries=1)
        first = only(run(one, lambda k: docker_images, quiet()))
        assert first.status is Status.UNRESOLVED and first.tries == ()
        stored = tmp_path / "run" / "results" / task.id / "openai_fake" / "sample-0.json"
        assert "tries" not in json.loads(stored.read_text())  # a one-try result, as before
        assert calls == {"evaluate": 1, "feedback": 0}

        # more tries: try 1 comes from the cache and keeps its grade; only try 2 is new
        two = dataclasses.replace(one, tries=2)
        continued = run(two, lambda k: docker_images, quiet())
        assert calls == {"evaluate": 2, "feedback": 1} and len(server.requests) == 2
        result = only(continued)
        assert result.status is Status.RESOLVED and continued.reused == 0
        assert [t.status for t in result.tries] == [Status.UNRESOLVED, Status.RESOLVED]
        # what it cost when it was made (and the sandbox time of its feedback, computed now)
        assert result.tries[0].usage == first.usage
        assert result.tries[0].model_seconds == first.model_seconds
        assert result.tries[0].eval_seconds > first.eval_seconds

        # the same settings again, the provider down: nothing is asked or graded
        server.responder = lambda path, body: Reply(503, b"down")
        again = run(two, lambda k: docker_images, quiet())
        assert len(server.requests) == 2
    assert again.reused == 1 and only(again) == result
    assert calls == {"evaluate": 2, "feedback": 1}
