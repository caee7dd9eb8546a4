"""The symptom a synthesized task's instruction quotes, from the end of pytest's output; the
templates; and a model's rewrite of them (`--instruction-model`)."""

from __future__ import annotations

import pytest

from codebench.authoring.synth_text import (
    Wording,
    instruction_for,
    model_rewriter,
    symptom_of,
    title_for,
)
from codebench.errors import ConfigError
from codebench.models import ModelOptions
from codebench.tasks import Corruption
from tests.fake_openai import FakeOpenAI, Reply, chat_body, fake_model_options

# pytest -q in a sandbox (80 columns): the summary cuts long lines to "Run..."
CUT = """\
_______________ InterleaveEvenlyTests.test_degenerate_empty ________________

self = <tests.test_more.InterleaveEvenlyTests testMethod=test_degenerate_empty>

>       self.assertEqual(list(mi.interleave_evenly([])), [])
E       RuntimeError: generator raised StopIteration

tests/test_more.py:1200: RuntimeError
=========================== short test summary info ============================
FAILED tests/test_more.py::InterleaveEvenlyTests::test_degenerate_empty - Run...
FAILED tests/test_more.py::InterleaveEvenlyTests::test_equal_lengths - Runtim...
2 failed, 10 passed in 0.50s
"""
FAILING = (
    "tests/test_more.py::InterleaveEvenlyTests::test_degenerate_empty",
    "tests/test_more.py::InterleaveEvenlyTests::test_equal_lengths",
)


def test_a_summary_cut_to_the_terminal_is_replaced_by_the_error_line() -> None:
    """more-itertools in Docker: the instruction quoted "Run..." as the symptom."""
    assert symptom_of(CUT, FAILING) == "RuntimeError: generator raised StopIteration"


def test_a_whole_summary_message_is_quoted() -> None:
    output = "FAILED tests/test_g.py::test_area - assert 0 == 12\n1 failed\n"
    assert symptom_of(output, ("tests/test_g.py::test_area",)) == "assert 0 == 12"


def test_an_import_error_of_the_failing_tests_file_is_quoted_without_the_sandbox() -> None:
    """The local backend's sandbox path differs from run to run: the same seed gave another
    instruction."""
    output = (
        "ERROR tests/test_g.py - ImportError: cannot import name 'area' from 'shapes.geometry'"
        " (/tmp/codebench-local-5plmgecq/workspace/shapes/geometry.py)\n"
    )
    assert symptom_of(output, ("tests/test_g.py::test_area",)) == (
        "ImportError: cannot import name 'area' from 'shapes.geometry'"
    )


def test_no_symptom_leaves_the_instruction_without_a_quote() -> None:
    assert symptom_of("1 failed in 0.1s\n", ("t.py::test_a",)) is None
    text = instruction_for(Corruption.CONSTANT, ("t.py::test_a",), None)
    assert (
        text
        == "The tests `t.py::test_a` fail. Find the bug in the code (not in the tests) and fix it."
    )


def test_the_instruction_names_three_tests_and_counts_the_rest() -> None:
    tests = tuple(f"t.py::test_{n}" for n in range(5))
    text = instruction_for(Corruption.NEW_PARAMETER, tests, "TypeError: f() missing 1")
    assert "`t.py::test_2` and 2 more fail:\n\n    TypeError: f() missing 1\n\n" in text
    assert "other modules" in text and "An API of the repository changed" in text
    assert title_for(Corruption.NEW_PARAMETER, tests) == (
        "Finish a new parameter: the rest of the code still uses the old API (t.py::test_0)"
    )


TEMPLATE = Wording(
    "Fix the bug behind the failing tests/t.py::test_a",
    "The tests `tests/t.py::test_a` fail:\n\n    assert 0 == 12\n\nFind the bug.",
)
KEEP = ("tests/t.py::test_a",)


def test_a_model_rewrite_is_shown_only_the_template_and_kept_when_it_names_the_test() -> None:
    reply = "Area is wrong\n\nRunning tests/t.py::test_a gives `assert 0 == 12`; it should pass."
    with FakeOpenAI(lambda path, body: Reply(body=chat_body(reply))) as server:
        wording = model_rewriter("openai:fake", fake_model_options(server.url))(TEMPLATE, KEEP)
        prompt = server.requests[0][1]["messages"][1]["content"]
    assert wording == Wording(
        "Area is wrong", "Running tests/t.py::test_a gives `assert 0 == 12`; it should pass."
    )
    assert prompt == f"Title: {TEMPLATE.title}\n\nRequest:\n{TEMPLATE.instruction}\n"


@pytest.mark.parametrize(
    ("reply", "note"),
    [
        (Reply(body=chat_body("Title\n\nSomething fails somewhere.")), "dropped tests/t.py"),
        (Reply(body=chat_body("")), "replied nothing"),
        (Reply(status=400, body={"error": {"message": "no"}}), "openai:fake failed"),
    ],
)
def test_a_rewrite_that_drops_the_test_or_fails_leaves_the_template(
    reply: Reply, note: str
) -> None:
    """A rewrite that no longer names the failing test cannot be checked against the
    grading: the template stays, and the note says why."""
    with FakeOpenAI(lambda path, body: reply) as server:
        wording = model_rewriter("openai:fake", fake_model_options(server.url))(TEMPLATE, KEEP)
    assert (wording.title, wording.instruction) == (TEMPLATE.title, TEMPLATE.instruction)
    assert wording.note is not None and note in wording.note


def test_only_an_openai_model_can_rewrite() -> None:
    with pytest.raises(ConfigError, match="give an openai:<name> model"):
        model_rewriter("gold", ModelOptions())
