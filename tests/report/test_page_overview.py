"""Issue 17: the overview says how many tasks, shows rates as % with intervals and cost as
unknown without a price; breakdowns, plots and the nightly trend read at a glance."""

from __future__ import annotations

from codebench.models.trajectory import EndReason, Step, ToolStep, Trajectory
from codebench.report import build_leaderboard, plots
from codebench.report.attempt_page import render_attempt
from codebench.report.history import History, record
from codebench.report.nightly import trend_series
from codebench.report.page import render_page
from codebench.report.page_inputs import Attempt
from codebench.results import Status
from codebench.tasks import Category, Scope
from tests.conftest import RESULTS, WHEN, result
from tests.report.test_history import MON, TUE, board


def _overview(page: str) -> str:
    return page.split("<table id='leaderboard'", 1)[1].split("</table>", 1)[0]


def test_the_overview_counts_tasks_and_shows_percentages_and_unknown_costs() -> None:
    priced = [r.model_copy(update={"cost_usd": 0.5}) for r in RESULTS if r.model == "m"]
    page = render_page([build_leaderboard([*RESULTS[:2], *priced], created_at=WHEN)])
    gold, m = (row for row in _overview(page).splitlines() if row.startswith("<tr>"))
    assert '<td data-value="2">2</td>' in gold  # tasks
    assert ">100.0% [100%, 100%]</td>" in gold and ">unknown</td>" in gold  # no price: not $0
    assert m.count(">$2.0000</td>") == 2  # cost: 4 samples x 0.5; per resolved: 1 of them
    assert ">50.0%</td>" in m  # local: 1 of 2
    assert 'href="metrics.html#out_of_scope_churn"' in render_page(
        [build_leaderboard(RESULTS, created_at=WHEN)], metrics_doc=True
    )


def test_breakdowns_by_category_and_scope_with_intervals() -> None:
    rows = [
        *RESULTS,
        result("c-feature", Scope.LOCAL, "gold", Status.UNRESOLVED).model_copy(
            update={"category": Category.FEATURE}
        ),
    ]
    page = render_page([build_leaderboard(rows, created_at=WHEN)])
    by_category = page.split("<table id='by-category'", 1)[1].split("</table>", 1)[0]
    assert ">bug_fix (2)</th>" in by_category and ">feature (1)</th>" in by_category
    gold = next(line for line in by_category.splitlines() if ">gold<" in line)
    assert "100.0% [100%, 100%]" in gold and ">0.0% [0%, 0%]<" in gold
    assert "<table id='by-scope'" in page


def test_cost_is_plotted_only_when_known() -> None:
    models = build_leaderboard(RESULTS, created_at=WHEN).models
    assert plots.cost_vs_resolved(models) is None
    priced = [r.model_copy(update={"cost_usd": 0.1}) for r in RESULTS]
    png = plots.cost_vs_resolved(build_leaderboard(priced, created_at=WHEN).models)
    assert png is not None and png.startswith(b"\x89PNG")


def test_the_trend_marks_regressions_and_keeps_each_models_interval() -> None:
    good = [Status.RESOLVED] * 18 + [Status.UNRESOLVED] * 2
    history = record(History(), MON, board(good))
    history = record(history, TUE, board([Status.RESOLVED] * 10 + [Status.UNRESOLVED] * 10))
    (series,) = trend_series(history).values()
    assert [p.regressed for p in series] == [False, True]
    assert series[0].low is not None and series[0].high is not None
    assert plots.trend({"a": series, "b": series[:1]}).startswith(b"\x89PNG")
    assert History().entries == [] and plots.trend({}).startswith(b"\x89PNG")


def test_an_agents_steps_are_collapsible_and_escaped() -> None:
    trajectory = Trajectory(
        system="s",
        user="u",
        steps=(
            Step(
                text="I will look <here>",
                tool_calls=(
                    ToolStep(
                        call_id="1",
                        name="bash",
                        arguments='{"cmd": "ls"}',
                        output="<script>x</script>",
                        is_error=True,
                    ),
                ),
            ),
        ),
        ended_by=EndReason.SUBMITTED,
    )
    page = render_attempt(Attempt(RESULTS[0], trajectory), None)
    assert "<details class='step'><summary>step 1 (0.0 s): bash, 1 error(s)</summary>" in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x" not in page
    assert "I will look &lt;here&gt;" in page


def test_every_legend_link_has_its_anchor_in_the_metrics_page() -> None:
    import re

    from codebench.report.metrics_doc import metrics_page

    metrics = metrics_page()
    assert metrics is not None
    ids = set(re.findall(r'id="([^"]+)"', metrics))
    page = render_page([build_leaderboard(RESULTS, created_at=WHEN)], metrics_doc=True)
    anchors = set(re.findall(r'href="metrics.html#([^"]+)"', page))
    assert anchors and anchors <= ids, anchors - ids
    assert "&lt;" not in metrics.split("<body>", 1)[0]  # the head is the page's own


def test_plots_draw_model_names_literally() -> None:
    """A `$` in a spec would start matplotlib's math text (and a bad one fails the draw)."""
    rows = [r.model_copy(update={"model": "m$\\frac{$", "cost_usd": 0.1}) for r in RESULTS]
    models = build_leaderboard(rows, created_at=WHEN).models
    for png in (plots.resolved_vs_churn(models), plots.local_vs_global(models)):
        assert png.startswith(b"\x89PNG")
    assert plots.cost_vs_resolved(models) is not None
