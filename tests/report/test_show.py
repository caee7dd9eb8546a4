"""`codebench show` and the results tables print ids and specs exactly as they are."""

from __future__ import annotations

from rich.console import Console

from codebench.grading import TestOutcome, TestStatus
from codebench.report import build_leaderboard, results_table
from codebench.report.show import render_result
from codebench.results import Status
from codebench.tasks import Scope
from tests.conftest import result


def rendered(thing: object) -> str:
    console = Console(width=200, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(thing)
    return console.export_text()


def test_parametrized_test_ids_keep_their_brackets() -> None:
    """Regression: Rich read `[cStringIO]` in `test_move_items[cStringIO]` as markup and
    dropped it (seen on six's test suite), so `show` listed the wrong test."""
    row = result("t", Scope.LOCAL, "m", Status.RESOLVED).model_copy(
        update={
            "tests": (
                TestOutcome(
                    test_id="t.py::f[cStringIO]", status=TestStatus.PASSED, fail_to_pass=True
                ),
            )
        }
    )
    console = Console(width=200, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    render_result(row, console)
    assert "t.py::f[cStringIO]" in console.export_text()


def test_model_specs_with_brackets_print_literally() -> None:
    board = build_leaderboard([result("t", Scope.LOCAL, "replay:[bold]p.jsonl", Status.RESOLVED)])
    assert "replay:[bold]p.jsonl" in rendered(results_table(board))


def test_show_lists_the_findings_on_the_patchs_lines() -> None:
    """Issue 17: the page marks the analyzer's findings on the patch; `show` lists them."""
    from tests.report.page_fixtures import NASTY_LINE, nasty_result

    console = Console(width=200, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    render_result(nasty_result(), console)
    text = console.export_text()
    assert "calc.py -6 lost_comment: lost: # keep the order: a first" in text
    assert "calc.py +12 stale_call: calc.py:12 old_call()" in text
    assert "elsewhere: stale call: other.py:3 old_call()" in text
    assert NASTY_LINE in text  # the terminal shows text as written
