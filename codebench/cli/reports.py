"""Reading finished runs: `leaderboard`, `show`, `compare` and `schema`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from codebench.cli.app import app
from codebench.cli.common import (
    SinceOpt,
    TasksRootOpt,
    console,
    out,
    say,
    say_selection,
    tasks_root,
)
from codebench.errors import CodebenchError, ConfigError

if TYPE_CHECKING:
    from codebench.report.runs import Freshness, PublishedLeaderboard
    from codebench.runner.store import DamagedResult


@app.command()
def leaderboard(
    run_dirs: Annotated[list[Path], typer.Argument(help="One or more run directories.")],
    output: Annotated[
        Path | None,
        typer.Option("--out", help="Where to write (one run; default: RUN_DIR/leaderboard.json)."),
    ] = None,
    html_dir: Annotated[
        Path | None, typer.Option("--html", help="Also write a static page (index.html) here.")
    ] = None,
    skip_damaged: Annotated[
        bool,
        typer.Option(
            "--skip-damaged",
            help="Leave out damaged result files (listed, and counted in the provenance) "
            "instead of failing.",
        ),
    ] = False,
    since: SinceOpt = None,
    suite: Annotated[
        str | None,
        typer.Option(help="The suite whose task dates to read (default: the one recorded)."),
    ] = None,
    tasks_dir: TasksRootOpt = None,
) -> None:
    """Write each run's leaderboard.json (and swebench_report.json) from its results;
    optionally one page for all (with a page per attempt: its patch, the analyzer's findings
    marked, the gold patch, the trajectory). The tasks' dates, instructions and gold patches come
    from the suite (--suite, --tasks-dir).

    Exits with status 2, listing them, when a run holds damaged result files and
    `--skip-damaged` is not given, or when --since is given and the tasks cannot be read.
    """
    from codebench.report import analysis_summary_table, republish, results_table
    from codebench.report.page import write_page

    if output is not None and len(run_dirs) > 1:
        raise ConfigError("--out names one file: give one run directory with it")
    boards = []
    for run_dir in run_dirs:
        freshness = _freshness(run_dir, suite, tasks_dir, since)
        published = republish(run_dir, output, skip_damaged, freshness)
        say_selection(published.selection.excluded_note())
        if published.warning:
            console.print(f"[yellow]warning:[/] {escape(published.warning)}", soft_wrap=True)
        _say_skipped(published)
        out.print(results_table(published.board))
        out.print(analysis_summary_table(published.board))
        say(f"leaderboard: {published.path}")
        say(f"SWE-bench report: {published.swebench_path}")
        boards.append(published.board)
    if html_dir is not None:
        from codebench.report.page_inputs import page_inputs

        suites = [suite or board.suite for board in boards]
        try:
            root: Path | None = tasks_root(tasks_dir)
        except CodebenchError:  # no tasks: the attempt pages say so
            root = None
        inputs = page_inputs(run_dirs, suites, root)
        say(f"page: {write_page(boards, html_dir, inputs=inputs)}")


def _freshness(
    run_dir: Path, suite: str | None, tasks_dir: Path | None, since: datetime | None
) -> Freshness | None:
    """The tasks' dates (and --since); without --since, none when the tasks cannot be read
    (said as a warning: the leaderboard then records no date range)."""
    from codebench.report.runs import Freshness, recorded_suite, suite_dates

    try:
        dates = suite_dates(suite or recorded_suite(run_dir), tasks_root(tasks_dir))
    except CodebenchError as exc:
        if since is not None:
            raise
        console.print(f"[yellow]warning:[/] no task dates: {escape(str(exc))}", soft_wrap=True)
        return None
    return Freshness(dates, since)


def _say_skipped(published: PublishedLeaderboard) -> None:
    _say_damaged(published.skipped)


def _say_damaged(skipped: Sequence[DamagedResult]) -> None:
    if not skipped:
        return
    console.print(
        f"[yellow]warning:[/] skipped {len(skipped)} damaged result file(s):", soft_wrap=True
    )
    for damaged in skipped:
        console.print(f"  {escape(damaged.describe())}", soft_wrap=True, highlight=False)


@app.command()
def show(
    run_dir: Annotated[Path, typer.Argument(help="A run directory.")],
    task: Annotated[str, typer.Option(help="The task id.")],
    model: Annotated[
        str | None, typer.Option(help="The model spec (if the run has several).")
    ] = None,
    sample: Annotated[int, typer.Option(min=0, help="The sample number.")] = 0,
) -> None:
    """Print one result for a person: status, tests, the patch, the analysis, and an agent's
    trajectory step by step."""
    from codebench.models.base import model_slug
    from codebench.report.lookup import find_result
    from codebench.report.show import render_result
    from codebench.runner.store import ResultStore

    result = find_result(run_dir, task, model, sample)
    store, slug = ResultStore(run_dir), model_slug(result.model)
    trajectory = store.load_trajectory(task, slug, sample)
    earlier = {
        number: store.load_trajectory(task, slug, sample, number)
        for number in range(1, len(result.tries))
    }
    render_result(result, out, trajectory, earlier)


@app.command("compare")
def compare_command(
    runs: Annotated[list[Path], typer.Argument(help="One run directory, or two (A then B).")],
    model_a: Annotated[str | None, typer.Option("--a", help="Model A's spec.")] = None,
    model_b: Annotated[str | None, typer.Option("--b", help="Model B's spec.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    skip_damaged: Annotated[
        bool,
        typer.Option(
            "--skip-damaged", help="Leave out damaged result files (listed) instead of exiting 2."
        ),
    ] = False,
) -> None:
    """Compare two models paired on shared tasks: wins, losses, ties, an interval, flips.

    Exits with status 2, listing them, when a run holds damaged result files and
    `--skip-damaged` is not given.
    """
    from codebench.report.lookup import compare_runs, comparison_lines

    compared = compare_runs(runs, model_a, model_b, skip_damaged)
    _say_damaged(compared.skipped)
    result = compared.comparison
    if as_json:
        out.print_json(result.model_dump_json())
        return
    for line in comparison_lines(result):
        say(line)


@app.command()
def schema(
    output: Annotated[Path, typer.Option("--out", help="Where to write the JSON Schema.")] = Path(
        "schema/leaderboard.schema.json"
    ),
) -> None:
    """Export the JSON Schema of leaderboard.json."""
    from codebench.report.leaderboard import leaderboard_schema

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(leaderboard_schema())
    say(f"wrote {output}")
