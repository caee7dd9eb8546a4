"""Reading finished runs: `leaderboard`, `show`, `compare` and `schema`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from codebench.cli.app import app
from codebench.cli.common import console, out, say
from codebench.errors import ConfigError

if TYPE_CHECKING:
    from codebench.report.runs import PublishedLeaderboard
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
) -> None:
    """Write each run's leaderboard.json from its results; optionally one page for all.

    Exits with status 2, listing them, when a run holds damaged result files and
    `--skip-damaged` is not given.
    """
    from codebench.report import analysis_summary_table, republish, results_table
    from codebench.report.page import write_page

    if output is not None and len(run_dirs) > 1:
        raise ConfigError("--out names one file: give one run directory with it")
    boards = []
    for run_dir in run_dirs:
        published = republish(run_dir, output, skip_damaged)
        if published.warning:
            console.print(f"[yellow]warning:[/] {escape(published.warning)}", soft_wrap=True)
        _say_skipped(published)
        out.print(results_table(published.board))
        out.print(analysis_summary_table(published.board))
        say(f"leaderboard: {published.path}")
        boards.append(published.board)
    if html_dir is not None:
        say(f"page: {write_page(boards, html_dir)}")


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
    """Print one result for a person: status, tests, the patch, the analysis."""
    from codebench.report.lookup import find_result
    from codebench.report.show import render_result

    render_result(find_result(run_dir, task, model, sample), out)


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
