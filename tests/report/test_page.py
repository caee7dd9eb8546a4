"""The static page: self-contained, and sortable in a real headless browser (Debian's chromium
driven by Playwright)."""

from __future__ import annotations

import html
import os
import shutil
from pathlib import Path

import pytest

from codebench.report import build_leaderboard
from codebench.report.page import render_page, write_page
from codebench.results import Status
from codebench.tasks import Scope
from tests.conftest import RESULTS, WHEN, result

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def boards() -> list:  # type: ignore[type-arg]
    extra = [result("a-local", Scope.LOCAL, "z-model", Status.UNRESOLVED)]
    return [build_leaderboard(RESULTS + extra, suite="core", created_at=WHEN)]


def test_page_is_self_contained() -> None:
    page = render_page(boards())
    assert "<table id='leaderboard' class='sortable'>" in page
    assert page.count("data:image/png;base64,") == 2  # no cost plot: no price is known
    assert "http://" not in page and "https://" not in page  # opens from disk, offline


@pytest.fixture
def browser_page():  # type: ignore[no-untyped-def]
    if CHROMIUM is None:
        message = "NO CHROMIUM: the browser test needs Debian's chromium (make setup installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_FLAGS)
        try:
            yield browser.new_page(viewport={"width": 1400, "height": 1000})
        finally:
            browser.close()


def test_sorting_a_column_in_a_real_browser(tmp_path: Path, browser_page) -> None:  # type: ignore[no-untyped-def]
    path = write_page(boards(), tmp_path / "site")
    browser_page.goto(path.as_uri())
    first_column = "document.querySelectorAll('#leaderboard tbody tr td:first-child')"
    names = f"[...{first_column}].map(td => td.dataset.value)"
    assert browser_page.evaluate(names) == ["gold", "m", "z-model"]
    shown = browser_page.evaluate(f"[...{first_column}].map(td => td.textContent)")
    assert shown[2] == "z-model (1 of 2 tasks submitted)"  # it has no result for b-global
    browser_page.click("#leaderboard th:text-is('resolved')")  # higher is better: best first
    assert browser_page.evaluate(names) == ["gold", "m", "z-model"]
    browser_page.click("#leaderboard th:text-is('resolved')")  # then ascending
    assert browser_page.evaluate(names) == ["z-model", "m", "gold"]
    browser_page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
    assert (tmp_path / "page.png").stat().st_size > 10_000
    keep_screenshot(tmp_path / "page.png", "leaderboard-page.png")


def keep_screenshot(path: Path, name: str) -> None:
    """Copy a screenshot to CODEBENCH_SCREENSHOTS (or the older CODEBENCH_SCREENSHOT_DIR)."""
    shots = os.environ.get("CODEBENCH_SCREENSHOTS") or os.environ.get("CODEBENCH_SCREENSHOT_DIR")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(shots) / name)


def test_the_page_says_how_many_tasks_a_model_submitted() -> None:
    """The page ranked a partial submission beside full ones with no word of it."""
    from codebench.report.leaderboard import NOT_COMPARABLE
    from tests.conftest import partial_submission

    page = render_page([build_leaderboard(partial_submission(), created_at=WHEN)])
    assert (
        '<td data-value="replay" class="partial"><a href="#model-1">'
        "replay (2 of 3 tasks submitted)</a></td>"
    ) in page
    assert '<td data-value="gold"><a href="#model-0">gold</a></td>' in page
    assert html.escape(NOT_COMPARABLE) in page


def test_the_page_shows_rates_after_each_try_and_agent_statistics() -> None:
    """Issue 15: --tries and agent runs were in the leaderboard file and the terminal table,
    never on the page."""
    from codebench.models.trajectory import EndReason, TrajectorySummary
    from tests.report.test_tries_rates import RECORD, three_tries

    summary = TrajectorySummary(
        steps=7,
        tool_calls=6,
        tool_errors=1,
        api_errors=2,
        input_tokens=12_000,
        output_tokens=900,
        cost_usd=0.0,
        seconds=3.0,
        ended_by=EndReason.STEP_LIMIT,
    )
    rows = [r.model_copy(update={"trajectory": summary}) for r in three_tries()]
    agents = build_leaderboard(rows, created_at=WHEN, settings=RECORD)
    page = render_page([agents, *boards()])
    table = page.split("<table id='agents' class='sortable'>", 1)[1].split("</table>", 1)[0]
    assert "20% &gt; 40% &gt; 60%" in table  # overall, then local and global
    assert "50% &gt; 100% &gt; 100%" in table
    assert ">5<" in table and ">7.0<" in table and ">60,000<" in table  # tokens: totals
    assert "step_limit 5" in table
    assert "gold" not in table  # one try, no trajectory: not listed
    assert "<table id='agents'" not in render_page(boards())


SHOWN_MODELS = "[...document.querySelectorAll('#leaderboard tbody tr td:first-child')]"


def test_missing_values_sort_last_both_ways_and_keys_sort_too(tmp_path: Path, browser_page) -> None:  # type: ignore[no-untyped-def]
    """Issue 17: '-' sorted as -1, and the first click sorted ascending whatever the column."""
    path = write_page(boards(), tmp_path / "site")
    browser_page.goto(path.as_uri())
    names = f"{SHOWN_MODELS}.map(td => td.dataset.value)"
    churn = "#leaderboard th:text-is('out-of-scope churn')"
    browser_page.click(churn)  # lower is better: ascending first; z-model has no analysis
    assert browser_page.evaluate(names) == ["gold", "m", "z-model"]
    browser_page.click(churn)
    assert browser_page.evaluate(names) == ["m", "gold", "z-model"]  # still last
    browser_page.focus("#leaderboard th:text-is('s/task')")  # the keyboard sorts too
    browser_page.keyboard.press("Enter")
    assert browser_page.evaluate(names)[-1] == "gold"  # 3 s a task: the slowest, last
    assert browser_page.get_attribute("#leaderboard th:text-is('s/task')", "data-order") == "asc"


def test_filtering_the_matrix(tmp_path: Path, browser_page) -> None:  # type: ignore[no-untyped-def]
    path = write_page(boards(), tmp_path / "site")
    browser_page.goto(path.as_uri())
    shown = (
        "[...document.querySelectorAll('#matrix tbody tr')].filter(r => !r.hidden)"
        ".map(r => r.cells[0].textContent)"
    )
    assert browser_page.evaluate(shown) == ["a-local", "b-global"]
    browser_page.select_option("#filter-scope", "global")
    assert browser_page.evaluate(shown) == ["b-global"]
    browser_page.select_option("#filter-scope", "")
    browser_page.select_option("#filter-status", "unresolved")
    assert browser_page.evaluate(shown) == ["a-local"]
    browser_page.select_option("#filter-status", "model_error")
    assert browser_page.evaluate(shown) == ["b-global"]
    assert browser_page.text_content("#matrix-shown") == "1"


def test_tabbing_to_an_attempt_and_seeing_its_marked_lines(tmp_path: Path, browser_page) -> None:  # type: ignore[no-untyped-def]
    """Tab to the attempt's link in the matrix, Enter opens it: the out-of-scope line is marked,
    and the hostile strings are shown as text, never run."""
    from tests.report.page_fixtures import NASTY_LINE, nasty_inputs

    dialogs: list[str] = []
    browser_page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    nasty, inputs = nasty_inputs()
    path = write_page(nasty, tmp_path / "site", inputs=inputs)
    browser_page.goto(path.as_uri())
    active = "document.activeElement.getAttribute('href') || ''"
    for _ in range(300):
        browser_page.keyboard.press("Tab")
        if browser_page.evaluate(active) == "attempts/0.html":
            break
    assert browser_page.evaluate(active) == "attempts/0.html"
    browser_page.keyboard.press("Enter")
    browser_page.wait_for_url("**/attempts/0.html")
    marked = browser_page.locator("#patch tr[data-marks~='out_of_scope']")
    texts = marked.all_text_contents()
    assert any(NASTY_LINE in text for text in texts)  # shown as text
    assert browser_page.locator("#patch tr[data-marks~='lost_comment']").count() == 1
    assert browser_page.locator("#gold tr.add").count() == 1
    assert dialogs == []  # no alert() ran
    browser_page.screenshot(path=str(tmp_path / "attempt.png"), full_page=True)
    keep_screenshot(tmp_path / "attempt.png", "attempt-page.png")
    browser_page.go_back()
    browser_page.screenshot(path=str(tmp_path / "index.png"), full_page=True)
    keep_screenshot(tmp_path / "index.png", "leaderboard-with-attempts.png")
