"""`codebench tasks mine`: tasks from a repository's history; the summary of what it decided."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from codebench.cli.app import tasks_app
from codebench.cli.common import (
    DATE_FORMATS,
    BackendOpt,
    BaseUrlOpt,
    ConfigOpt,
    EnvironmentOpt,
    TasksRootOpt,
    TestCommandOpt,
    WorkersOpt,
    console,
    out,
    prepare_images,
    say,
    tasks_root,
    warn_if_unsafe,
)
from codebench.cli.run import EXIT_INFRA_ERRORS
from codebench.cli.tasks import validate_command
from codebench.sandbox import Backend
from codebench.tasks.schema import DEFAULT_IMAGE, DEFAULT_TEST_COMMAND, DEFAULT_TIMEOUT

if TYPE_CHECKING:
    from codebench.authoring import Instructor, MiningSummary

SUBJECT_CHARS = 60


@tasks_app.command("mine")
def tasks_mine(
    repo: Annotated[Path, typer.Option(help="The git repository whose history to mine.")],
    suite: Annotated[str, typer.Option(help="The suite the tasks go into.")] = "mined",
    since: Annotated[
        datetime | None,
        typer.Option(
            formats=DATE_FORMATS, metavar="DATE", help="Only commits committed since (ISO date)."
        ),
    ] = None,
    until: Annotated[
        datetime | None,
        typer.Option(
            formats=DATE_FORMATS, metavar="DATE", help="Only commits committed until (ISO date)."
        ),
    ] = None,
    limit: Annotated[
        int | None, typer.Option(min=1, help="Decide at most this many new commits.")
    ] = None,
    commit: Annotated[
        list[str] | None, typer.Option(help="Mine this commit (repeatable) instead of a range.")
    ] = None,
    test_command: TestCommandOpt = DEFAULT_TEST_COMMAND,
    environment: EnvironmentOpt = DEFAULT_IMAGE,
    workers: WorkersOpt = 2,
    gold_runs: Annotated[
        int, typer.Option(min=1, help="Runs with the commit's code; a test must pass in all.")
    ] = 3,
    timeout: Annotated[
        int,
        typer.Option(
            min=1,
            max=3600,
            help="Seconds for one test run (a run that times out rejects the commit); also "
            "the mined task's timeout.",
        ),
    ] = DEFAULT_TIMEOUT,
    max_tree_mb: Annotated[
        float, typer.Option(min=0, help="Refuse commits whose parent tree is larger (MiB).")
    ] = 50.0,
    instruction_model: Annotated[
        str | None,
        typer.Option(
            help="openai:<name> rewrites each draft as a user's request (else: the "
            "commit message is the draft)."
        ),
    ] = None,
    base_url: BaseUrlOpt = None,
    config: ConfigOpt = None,
    backend: BackendOpt = Backend.DOCKER,
    tasks_dir: TasksRootOpt = None,
) -> None:
    """Mine tasks from a repository's history: commits changing code and tests whose tests
    fail before and pass after. A rerun decides only commits not decided before."""
    from codebench.authoring import MineRequest, Reason, mine
    from codebench.authoring.commit_checks import MIB
    from codebench.runner import SandboxSettings, images_for

    request = MineRequest(
        repo=repo,
        suite_dir=tasks_root(tasks_dir) / suite,
        since=since,
        until=until,
        limit=limit,
        commits=tuple(commit or ()),
        test_command=test_command,
        image=environment,
        max_tree_bytes=int(max_tree_mb * MIB),
        gold_runs=gold_runs,
        timeout=timeout,
        workers=workers,
        instructor=_instructor(instruction_model, base_url, config),
    )
    images = images_for(warn_if_unsafe(backend), {environment}, prepare_images)
    settings = SandboxSettings(backend, images, slots=threading.Semaphore(workers))
    summary = mine(request, settings, console)
    print_summary(summary)
    if summary.mined:
        hint = validate_command(suite, tasks_dir, backend)
        say(f"Now write each task's title and instruction (drafts start with TODO:), then: {hint}")
    if any(rejection.reason is Reason.SANDBOX_ERROR for _, rejection in summary.rejected):
        raise typer.Exit(EXIT_INFRA_ERRORS)  # those commits are decided by the next run


def _instructor(spec: str | None, base_url: str | None, config: Path | None) -> Instructor:
    from codebench.authoring import draft_from_message, model_instructor
    from codebench.models import ModelOptions

    if spec is None:
        return draft_from_message
    return model_instructor(spec, ModelOptions.load(config, base_url=base_url))


def print_summary(summary: MiningSummary) -> None:
    """The tasks mined, every commit rejected with its reason, and the counts."""
    if summary.mined:
        out.print(_mined_table(summary))
    if summary.rejected:
        out.print(_rejected_table(summary))
    for _, mined in summary.mined:
        if mined.note:
            say(f"{mined.task_id}: {mined.note}")
    reasons = Counter(rejection.reason.value for _, rejection in summary.rejected)
    counts = ", ".join(f"{reason} {n}" for reason, n in reasons.most_common())
    say(
        f"mined {len(summary.mined)} task(s), rejected {len(summary.rejected)} commit(s)"
        + (f" ({counts})" if counts else "")
        + f"; {summary.skipped} commit(s) decided earlier skipped (state: {summary.state_file})"
    )


def _mined_table(summary: MiningSummary) -> Table:
    table = Table("task", "commit", "date", "scope", "F2P", "P2P", title="mined")
    table.add_column("left out", overflow="fold")  # test ids are long words: fold, never cut
    for commit, mined in summary.mined:
        tests = mined.tests
        left = {"docs": mined.excluded, "flaky": tests.flaky, "gold fails": tests.gold_fails}
        left_out = "; ".join(f"{kind}: {', '.join(items)}" for kind, items in left.items() if items)
        table.add_row(
            Text(mined.task_id),
            commit.short,
            commit.committed_at.date().isoformat(),
            mined.scope.value,
            str(len(tests.fail_to_pass)),
            str(len(tests.pass_to_pass)),
            Text(left_out),
        )
    return table


def _rejected_table(summary: MiningSummary) -> Table:
    table = Table("commit", "subject", "reason", title="rejected")
    table.add_column("detail", overflow="fold")
    for commit, rejection in summary.rejected:
        subject = commit.subject
        if len(subject) > SUBJECT_CHARS:
            subject = subject[: SUBJECT_CHARS - 3] + "..."
        table.add_row(commit.short, Text(subject), rejection.reason.value, Text(rejection.detail))
    return table
