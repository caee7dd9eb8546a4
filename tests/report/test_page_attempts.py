"""Issue 17: every untrusted string is escaped, and an attempt's page marks the analyzer's
findings on the lines of its patch, beside the gold patch."""

from __future__ import annotations

import re
from pathlib import Path

from codebench.report.diff_lines import DiffLine, LineKind, read_diff
from codebench.report.page import write_page
from tests.report.page_fixtures import NASTY_LINE, NASTY_TASK, PATCH, nasty_inputs


def _pages(tmp_path: Path) -> dict[str, str]:
    boards, inputs = nasty_inputs()
    index = write_page(boards, tmp_path / "site", inputs=inputs)
    return {p.name: p.read_text() for p in index.parent.rglob("*.html")}


def test_no_untrusted_string_reaches_a_page_unescaped(tmp_path: Path) -> None:
    pages = _pages(tmp_path)
    assert {"index.html", "0.html", "1.html"} <= set(pages)
    for name, text in pages.items():
        assert NASTY_LINE not in text, name
        assert "<b>evil" not in text, name
        assert text.count("<script>") <= 1, name  # the page's own script only
    attempt = pages["0.html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in attempt
    assert html_escaped(NASTY_TASK) in attempt and html_escaped(NASTY_TASK) in pages["index.html"]
    assert "test_&lt;script&gt;alert(1)&lt;/script&gt;&quot;" in attempt


def html_escaped(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def _marked(attempt: str) -> dict[str, str]:
    """Each marked line of the patch's table: its text -> its mark kinds."""
    table = attempt.split('id="patch"', 1)[1].split("</table>", 1)[0]
    found = {}
    for kinds, cell in re.findall(
        r'data-marks="([^"]*)">(?:<td[^>]*>[^<]*</td>){2}<td>(.*?)</td></tr>', table
    ):
        found[cell.split('<div class="why">', 1)[0]] = kinds
    return found


def test_the_findings_are_marked_on_their_lines(tmp_path: Path) -> None:
    attempt = _pages(tmp_path)["0.html"]
    marked = _marked(attempt)
    assert "out_of_scope" in marked["+    return a - b  # " + html_escaped(NASTY_LINE)]
    assert "lost_comment" in marked["-    # keep the order: a first"]
    assert "cosmetic" in marked["+    return a * b"]
    assert "stale_call" in marked["+    return old_call(x)"]
    assert "style" in marked["+def camelCase(x):"]
    assert "+    return a + b" not in marked  # the gold patch changes add too
    assert "stale call: other.py:3 old_call()" in attempt  # elsewhere in the repository
    assert 'id="gold"' in attempt and "Do it &lt;script&gt;" in attempt


def test_a_diff_is_read_with_its_numbers_and_definitions() -> None:
    lines = read_diff(PATCH)
    added = [line for line in lines if line.kind is LineKind.ADDED]
    assert [(line.new, line.entity) for line in added][-2:] == [
        (11, "calc.py::camelCase"),
        (12, "calc.py::camelCase"),
    ]
    assert read_diff("not a diff\n<x>") and read_diff("") == []


def test_the_leaderboard_command_builds_the_attempt_pages_from_the_run(tmp_path: Path) -> None:
    """`codebench leaderboard RUN --html DIR` reads the run's results and the suite's tasks."""
    from typer.testing import CliRunner

    from codebench.cli import app
    from codebench.results import Status
    from codebench.runner import ResultStore
    from codebench.tasks import Scope, load_suite
    from tests.conftest import FIXTURE_TASKS, result

    task = next(t for t in load_suite("mini", FIXTURE_TASKS) if t.id == "mini-div-zero")
    row = result(task.id, Scope.LOCAL, "gold", Status.RESOLVED)
    ResultStore(tmp_path / "run").save(row.model_copy(update={"patch": task.gold_patch}), "gold")
    site = tmp_path / "site"
    done = CliRunner().invoke(
        app,
        [
            "leaderboard",
            str(tmp_path / "run"),
            "--html",
            str(site),
            "--suite",
            "mini",
            "--tasks-dir",
            str(FIXTURE_TASKS),
        ],
    )
    assert done.exit_code == 0, done.output
    attempt = (site / "attempts" / "0.html").read_text()
    assert html_escaped(task.spec.instruction.strip()[:40]) in attempt
    assert 'id="gold"' in attempt and 'id="patch"' in attempt
    index = (site / "index.html").read_text()
    assert 'href="attempts/0.html"' in index and (site / "metrics.html").is_file()
    assert 'id="page-columns"' in (site / "metrics.html").read_text()


def test_an_agents_tries_are_read_from_the_run_and_laid_out(tmp_path: Path) -> None:
    """The last try's trajectory and each earlier try's, from their files beside the result."""
    from codebench.models.trajectory import EndReason, Step, Trajectory
    from codebench.report.attempt_page import render_attempt
    from codebench.report.page_inputs import load_attempts
    from codebench.results import Status, TryOutcome
    from codebench.runner import ResultStore
    from codebench.tasks import Scope
    from tests.conftest import result

    def trajectory(text: str) -> Trajectory:
        return Trajectory(
            system="s", user="u", steps=(Step(text=text),), ended_by=EndReason.SUBMITTED
        )

    store = ResultStore(tmp_path)
    first, last = trajectory("first <try>"), trajectory("last try")
    tries = tuple(
        TryOutcome(status=s, patch_sha256="p", trajectory=first.summary())
        for s in (Status.UNRESOLVED, Status.RESOLVED)
    )
    row = result("t", Scope.LOCAL, "agent", Status.RESOLVED).model_copy(
        update={"tries": tries, "trajectory": last.summary()}
    )
    store.save(row, "agent")
    store.save_trajectory(last, "t", "agent", 0)
    store.save_trajectory(first, "t", "agent", 0, 1)
    (attempt,) = load_attempts(tmp_path)
    assert attempt.trajectory == last and attempt.earlier == {1: first}
    page = render_attempt(attempt, None)
    assert "try 1's trajectory" in page and "first &lt;try&gt;" in page
    assert page.index("first &lt;try&gt;") < page.index("last try")


def test_attempt_pages_written_by_two_processes_are_the_same(tmp_path: Path) -> None:
    boards, inputs = nasty_inputs()
    doubled = type(inputs)(inputs.attempts * 3, inputs.tasks)  # the same attempt in two runs
    one = write_page(boards, tmp_path / "one", inputs=doubled, jobs=1).parent
    two = write_page(boards, tmp_path / "two", inputs=doubled, jobs=2).parent
    names = sorted(p.name for p in (one / "attempts").iterdir())
    assert names == [f"{n}.html" for n in sorted(range(6), key=str)]
    for name in names:
        assert (one / "attempts" / name).read_text() == (two / "attempts" / name).read_text()
    assert (one / "index.html").read_text() == (two / "index.html").read_text()
    assert 'href="attempts/4.html"' not in (one / "index.html").read_text()  # the first is linked


def test_a_hunk_inside_a_method_knows_it_from_the_starting_file() -> None:
    """git's hunk header names the class, not the method the hunk starts in."""
    old = "class C:\n    def m(self):\n        a = 1\n        b = 2\n        c = 3\n        return a\n"
    patch = (
        "--- a/k.py\n+++ b/k.py\n@@ -4,3 +4,3 @@ class C:\n"
        "         b = 2\n-        c = 3\n+        c = 4\n         return a\n"
    )

    def entities(lines: list[DiffLine]) -> set[str]:
        return {line.entity for line in lines if line.entity}

    assert entities(read_diff(patch, {"k.py": old}.get)) == {"k.py::C.m"}
    assert entities(read_diff(patch)) == {"k.py::C"}  # without the tree: the header's
