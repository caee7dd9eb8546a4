"""Issue 17: every untrusted string is escaped, and an attempt's page marks the analyzer's
findings on the lines of its patch, beside the gold patch."""

from __future__ import annotations

import re
from pathlib import Path

from codebench.report.diff_lines import LineKind, read_diff
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
