"""`codebench tasks synth`: tasks from known corruptions of a repository's own code; the summary
of what it kept and rejected."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from codebench.cli.app import tasks_app
from codebench.cli.common import (
    BackendOpt,
    BaseUrlOpt,
    ConfigOpt,
    EnvironmentOpt,
    InstructionModelOpt,
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
from codebench.errors import ConfigError
from codebench.sandbox import Backend
from codebench.tasks import Corruption
from codebench.tasks.schema import DEFAULT_IMAGE, DEFAULT_TEST_COMMAND, DEFAULT_TIMEOUT

if TYPE_CHECKING:
    from codebench.authoring.synth import SynthSummary


@tasks_app.command("synth")
def tasks_synth(
    repo: Annotated[Path, typer.Option(help="The git repository whose HEAD to corrupt.")],
    suite: Annotated[str, typer.Option(help="The suite the tasks go into.")] = "synth",
    count: Annotated[
        int, typer.Option(min=1, help="Tasks to keep (counting those of earlier runs).")
    ] = 30,
    seed: Annotated[int, typer.Option(help="The order candidates are tried in.")] = 0,
    kinds: Annotated[
        str | None,
        typer.Option(
            help=f"Comma-separated corruption kinds (default all: {', '.join(Corruption)})."
        ),
    ] = None,
    per_file: Annotated[
        int, typer.Option(min=1, help="Tasks per corrupted file, at most (local and global apart).")
    ] = 3,
    test_command: TestCommandOpt = DEFAULT_TEST_COMMAND,
    environment: EnvironmentOpt = DEFAULT_IMAGE,
    workers: WorkersOpt = 2,
    timeout: Annotated[
        int,
        typer.Option(
            min=1,
            max=3600,
            help="Seconds for one test run of the original tree; the task's timeout.",
        ),
    ] = DEFAULT_TIMEOUT,
    instruction_model: InstructionModelOpt = None,
    base_url: BaseUrlOpt = None,
    config: ConfigOpt = None,
    backend: BackendOpt = Backend.DOCKER,
    tasks_dir: TasksRootOpt = None,
) -> None:
    """Synthesize tasks: corrupt the repository's own functions in known ways (libcst) and keep
    the corruptions its tests detect. A rerun decides only candidates not decided before."""
    from codebench.authoring import Reason, SynthRequest, synth
    from codebench.authoring.synth_text import model_rewriter
    from codebench.models import ModelOptions
    from codebench.runner import SandboxSettings, images_for

    rewriter = None
    if instruction_model is not None:
        rewriter = model_rewriter(instruction_model, ModelOptions.load(config, base_url=base_url))

    request = SynthRequest(
        repo=repo,
        suite_dir=tasks_root(tasks_dir) / suite,
        count=count,
        seed=seed,
        kinds=parse_kinds(kinds),
        test_command=test_command,
        image=environment,
        timeout=timeout,
        workers=workers,
        per_file=per_file,
        rewriter=rewriter,
    )
    images = images_for(warn_if_unsafe(backend), {environment}, prepare_images)
    settings = SandboxSettings(backend, images, slots=threading.Semaphore(workers))
    summary = synth(request, settings, console)
    print_summary(summary)
    if summary.kept:
        say(f"Now check a few tasks, then: {validate_command(suite, tasks_dir, backend)}")
    if any(r.reason is Reason.SANDBOX_ERROR for _, r in summary.rejected):
        raise typer.Exit(EXIT_INFRA_ERRORS)  # those candidates are decided by the next run


def parse_kinds(text: str | None) -> tuple[Corruption, ...]:
    """The kinds named in a comma-separated list (all when None). Raises `ConfigError` for an
    unknown kind, naming the known ones."""
    if text is None:
        return tuple(Corruption)
    words = [word.strip() for word in text.split(",") if word.strip()]
    unknown = [word for word in words if word not in set(Corruption)]
    if unknown or not words:
        raise ConfigError(
            f"--kinds {text!r}: unknown kind(s) {', '.join(unknown) or '(none named)'}; "
            f"choose from {', '.join(Corruption)}"
        )
    return tuple(dict.fromkeys(Corruption(word) for word in words))


def print_summary(summary: SynthSummary) -> None:
    """The tasks kept, every candidate rejected with its reason (those of full files only
    counted), and the counts."""
    from codebench.authoring import Reason

    if summary.kept:
        table = Table("task", "kind", "scope", "site", "F2P", "P2P", title="kept")
        for site, task in summary.kept:
            table.add_row(
                Text(task.task_id),
                site.kind.value,
                site.kind.scope.value,
                Text(f"{site.place} {site.function}"),
                str(len(task.fail_to_pass)),
                str(len(task.pass_to_pass)),
            )
        out.print(table)
    for _, task in summary.kept:
        if task.note:
            say(f"{task.task_id}: {task.note}")
    listed = [(s, r) for s, r in summary.rejected if r.reason is not Reason.FILE_CAP]
    if listed:
        table = Table("kind", "site", "reason", title="rejected (file cap: only counted)")
        table.add_column("detail", overflow="fold")
        for site, rejection in listed:
            where = Text(f"{site.place} {site.function}: {site.description}")
            table.add_row(site.kind.value, where, rejection.reason.value, Text(rejection.detail))
        out.print(table)
    reasons = Counter(rejection.reason.value for _, rejection in summary.rejected)
    counts = ", ".join(f"{reason} {n}" for reason, n in reasons.most_common())
    baseline = summary.baseline
    dropped = (
        f"; {len(baseline.dropped)} test(s) failing or flaky on the original left out"
        if (baseline and baseline.dropped)
        else ""
    )
    say(
        f"kept {len(summary.kept)} task(s), rejected {len(summary.rejected)} candidate(s)"
        + (f" ({counts})" if counts else "")
        + f" of {summary.sites} found; {summary.skipped} decided earlier skipped "
        f"({summary.kept_before} kept then){dropped} (state: {summary.state_file})"
    )
