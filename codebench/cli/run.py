"""`codebench run` and `codebench nightly`: attempts, then the leaderboard built from them."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from codebench.cli.app import app
from codebench.cli.common import (
    BackendOpt,
    ExecutorChoice,
    ExecutorOpt,
    RayAddressOpt,
    SinceOpt,
    SuiteOpt,
    TaskOpt,
    TasksRootOpt,
    WorkersOpt,
    console,
    out,
    prepare_images,
    say,
    say_selection,
    tasks_root,
    warn_if_unsafe,
)
from codebench.models.config import Scaffold
from codebench.models.formats import EditFormat
from codebench.results import Status
from codebench.sandbox import Backend

# `codebench run` exit statuses besides 0 (every attempt ended without a failure of ours or the
# provider's), 1 (unused by run) and 2 (a usage or configuration error):
EXIT_REGRESSION = 1  # nightly: a model got worse than the night before
EXIT_MODEL_ERRORS = 3  # some attempts ended in model_error (and none in an infrastructure one)
EXIT_INFRA_ERRORS = 4  # some attempts ended in timeout or sandbox_error (whatever else did)
INFRA_FAILURES = frozenset({Status.TIMEOUT, Status.SANDBOX_ERROR})

MODEL_HELP = (
    "Model spec (repeatable): gold, noop, partial, gold+reformat, gold+rename, gold+style, "
    'openai:<name>, replay:<predictions file>; or your own: a [models."NAME"] table of '
    'codebench.toml with import_path = "package.module:factory", or an entry point in group '
    "codebench.models. `codebench models` lists them."
)


@app.command("run")
def run_command(
    model: Annotated[list[str], typer.Option("--model", help=MODEL_HELP)],
    suite: SuiteOpt = "core",
    samples: Annotated[int, typer.Option(min=1, help="Attempts per task and model.")] = 1,
    workers: WorkersOpt = 2,
    run_dir: Annotated[
        Path | None, typer.Option(help="Run directory (default: runs/<suite>).")
    ] = None,
    backend: BackendOpt = Backend.DOCKER,
    task: TaskOpt = None,
    tasks_dir: TasksRootOpt = None,
    base_url: Annotated[
        str | None, typer.Option(help="OpenAI-compatible endpoint (else OPENAI_BASE_URL).")
    ] = None,
    edit_format: Annotated[
        EditFormat | None, typer.Option(help="The reply format for every model (else per model).")
    ] = None,
    scaffold: Annotated[
        Scaffold | None,
        typer.Option(
            help="How openai: models work: one reply (single) or tool calls in the sandbox "
            "(agent); else per model in codebench.toml."
        ),
    ] = None,
    cache: Annotated[bool, typer.Option(help="Reuse cached model replies.")] = True,
    model_workers: Annotated[int, typer.Option(min=1, help="Model calls at once.")] = 4,
    analysis: Annotated[
        bool, typer.Option(help="Analyse how each patch edits (--no-analysis: grade only).")
    ] = True,
    config: Annotated[
        Path | None, typer.Option(help="Configuration file (default: ./codebench.toml).")
    ] = None,
    since: SinceOpt = None,
    tries: Annotated[
        int,
        typer.Option(
            min=1,
            help="Tries per attempt: after a failed one the model is shown what went wrong and "
            "the output of the repository's own tests (never the hidden ones), and answers again.",
        ),
    ] = 1,
    executor: ExecutorOpt = ExecutorChoice.LOCAL,
    ray_address: RayAddressOpt = None,
) -> None:
    """Run models on a suite; print the results table and the leaderboard's path (the
    SWE-bench-style report, swebench_report.json, is written beside it)."""
    from codebench.models import ModelOptions
    from codebench.report import analysis_summary_table, publish_run, results_table
    from codebench.report.nightly import NIGHTLY_TABLE
    from codebench.runner import Executor, RunSettings, lock_run_dir, run

    options = ModelOptions.load(
        config,
        other_tables={NIGHTLY_TABLE},
        base_url=base_url,
        edit_format=edit_format,
        scaffold=scaffold,
        read_cache=cache,
        model_calls=model_workers,
    )
    settings = RunSettings(
        suite=suite,
        tasks_root=tasks_root(tasks_dir),
        run_dir=run_dir or Path("runs") / suite,
        model_specs=tuple(dict.fromkeys(model)),
        samples=samples,
        workers=workers,
        backend=warn_if_unsafe(backend),
        task_ids=tuple(task or ()),
        model_options=options,
        analyse=analysis,
        since=since,
        tries=tries,
        executor=Executor(executor.value),
        ray_address=_ray_address(executor, ray_address),
    )
    # the leaderboard is written under the same lock: no other run changes results/ before it
    with lock_run_dir(settings.run_dir) as held:
        outcome = run(settings, prepare_images, console, held=held)
        published = publish_run(settings, outcome)
    out.print(results_table(published.board))
    out.print(analysis_summary_table(published.board))
    say(f"{outcome.computed} attempt(s) evaluated, {outcome.reused} reused from earlier runs")
    if outcome.damaged:
        say(f"{len(outcome.damaged)} of the evaluated replaced unreadable stored results")
    say_selection(outcome.selection.excluded_note())
    say(f"leaderboard: {published.path}")
    say(f"SWE-bench report: {published.swebench_path}")
    code, lines = run_exit_status(r.status for r in outcome.results)
    for line in lines:
        out.print(f"[red]{escape(line)}[/]", soft_wrap=True)
    if code:
        raise typer.Exit(code)


def _ray_address(executor: ExecutorChoice, address: str | None) -> str | None:
    """`--ray-address`, refused without `--executor ray` (it would be ignored)."""
    if address is not None and executor is not ExecutorChoice.RAY:
        raise typer.BadParameter("--ray-address needs --executor ray", param_hint="--ray-address")
    return address


def run_exit_status(statuses: Iterable[Status]) -> tuple[int, list[str]]:
    """`codebench run`'s exit status for its attempts' statuses, and the lines that explain it.

    0 when no attempt ended in model_error, timeout or sandbox_error; else EXIT_INFRA_ERRORS
    when any ended in an infrastructure failure, else EXIT_MODEL_ERRORS.
    """
    ended = list(statuses)
    model = sum(s is Status.MODEL_ERROR for s in ended)
    infra = sum(s in INFRA_FAILURES for s in ended)
    lines = []
    if model:
        lines.append(f"{model} attempt(s) ended in model_error (exit {EXIT_MODEL_ERRORS})")
    if infra:
        lines.append(
            f"{infra} attempt(s) ended in timeout or sandbox_error (exit {EXIT_INFRA_ERRORS})"
        )
    code = EXIT_INFRA_ERRORS if infra else EXIT_MODEL_ERRORS if model else 0
    return code, lines


@app.command()
def nightly(
    config: Annotated[Path, typer.Option(help="bench.toml with a [nightly] table.")] = Path(
        "bench.toml"
    ),
    night: Annotated[
        str | None, typer.Option("--date", help="The night's date (YYYY-MM-DD; default today).")
    ] = None,
    reuse_replies: Annotated[
        bool,
        typer.Option(
            "--reuse-replies",
            help="Grade cached model replies (default: ask every model afresh, e.g. an alias "
            "whose weights changed overnight; replies are still recorded).",
        ),
    ] = False,
) -> None:
    """Run every configured model on every configured suite.

    Exits 1 on a regression; else as `codebench run` does when attempts ended in model or
    infrastructure failures (3, 4).
    """
    from codebench.models import ModelOptions
    from codebench.report.nightly import NIGHTLY_TABLE, load_nightly_config, parse_night
    from codebench.report.nightly import nightly as run_nightly

    settings = load_nightly_config(config)
    when = parse_night(night)
    options = ModelOptions.load(config, other_tables={NIGHTLY_TABLE}, read_cache=reuse_replies)
    outcome = run_nightly(settings, when, prepare_images, console, options)
    say(f"night {when}: {len(outcome.run_dirs)} run(s); page: {outcome.page}")
    say(f"history: {len(outcome.history.entries)} entries")
    for line in outcome.suite_changes:
        out.print(f"[yellow]SUITE CHANGED[/] {escape(line)}", soft_wrap=True)
    for line in outcome.regressions:
        out.print(f"[red]REGRESSION[/] {escape(line)}", soft_wrap=True)
    code, lines = run_exit_status(outcome.statuses)
    for line in lines:
        out.print(f"[red]{escape(line)}[/]", soft_wrap=True)
    if outcome.regressions:
        raise typer.Exit(EXIT_REGRESSION)
    if code:
        raise typer.Exit(code)
