"""`codebench tasks list | validate | scaffold` (`tasks mine`: codebench/cli/mine.py)."""

from __future__ import annotations

import shlex
import threading
from pathlib import Path
from typing import Annotated

import typer

from codebench.cli.app import tasks_app
from codebench.cli.common import (
    BackendOpt,
    EnvironmentOpt,
    SuiteOpt,
    TaskOpt,
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
from codebench.sandbox import Backend
from codebench.tasks import Category
from codebench.tasks.schema import DEFAULT_IMAGE, DEFAULT_TEST_COMMAND


@tasks_app.command("list")
def tasks_list(
    suite: SuiteOpt = "core",
    markdown: Annotated[bool, typer.Option(help="Print a Markdown table.")] = False,
    tasks_dir: TasksRootOpt = None,
) -> None:
    """List a suite's tasks with scope and category."""
    from codebench.report.tasks_view import task_lines
    from codebench.tasks import load_suite

    for line in task_lines(load_suite(suite, tasks_root(tasks_dir)), markdown=markdown):
        say(line)


@tasks_app.command("validate")
def tasks_validate(
    suite: SuiteOpt = "core",
    workers: WorkersOpt = 2,
    gold_runs: Annotated[
        int, typer.Option(min=1, help="Gold patch runs per task (flakiness).")
    ] = 3,
    backend: BackendOpt = Backend.DOCKER,
    task: TaskOpt = None,
    tasks_dir: TasksRootOpt = None,
) -> None:
    """Prove each task gradable; exit 0 only if every task is valid."""
    from codebench.authoring import validate_suite
    from codebench.runner import SandboxSettings, images_for
    from codebench.tasks import load_suite, select_tasks

    tasks = select_tasks(load_suite(suite, tasks_root(tasks_dir)), task or ())
    images = images_for(warn_if_unsafe(backend), {t.spec.image for t in tasks}, prepare_images)
    settings = SandboxSettings(backend, images, slots=threading.Semaphore(workers))
    verdicts = validate_suite(
        tasks, settings, workers=workers, gold_runs=gold_runs, console=console
    )
    for verdict in verdicts:
        out.print("[green]valid[/]" if verdict.ok else "[red]INVALID[/]", end=" ")
        say(verdict.task_id)
        for problem in verdict.problems:
            say(f"    - {problem}")
    bad = sum(not v.ok for v in verdicts)
    say(f"{len(verdicts) - bad}/{len(verdicts)} tasks valid ({gold_runs} gold run(s) each)")
    if bad:
        raise typer.Exit(1)


@tasks_app.command("scaffold")
def tasks_scaffold(
    task_id: Annotated[str, typer.Argument(help="The new task's id (its folder name).")],
    before: Annotated[Path, typer.Option(help="Working copy before the change.")],
    after: Annotated[Path, typer.Option(help="Working copy after: the fix and its tests.")],
    category: Annotated[Category, typer.Option(help="The kind of edit the task asks for.")],
    repo: Annotated[
        str | None, typer.Option(help="Share the starting tree as tasks/repos/REPO.")
    ] = None,
    suite: SuiteOpt = "core",
    title: Annotated[str | None, typer.Option(help="The task's title.")] = None,
    instruction: Annotated[str | None, typer.Option(help="The request the model sees.")] = None,
    test_command: TestCommandOpt = DEFAULT_TEST_COMMAND,
    environment: EnvironmentOpt = DEFAULT_IMAGE,
    backend: BackendOpt = Backend.DOCKER,
    tasks_dir: TasksRootOpt = None,
) -> None:
    """Write a task folder from a before/after pair; find FAIL_TO_PASS / PASS_TO_PASS."""
    from codebench.authoring import ScaffoldRequest, scaffold
    from codebench.runner import SandboxSettings, images_for

    root = tasks_root(tasks_dir)
    request = ScaffoldRequest(
        task_id=task_id,
        before=before,
        after=after,
        task_dir=root / suite / task_id,
        category=category,
        repo_dir=root / "repos" / repo if repo else None,
        title=title,
        instruction=instruction,
        test_command=test_command,
        image=environment,
    )
    images = images_for(warn_if_unsafe(backend), {environment}, prepare_images)
    result = scaffold(request, SandboxSettings(backend, images))
    say(f"wrote {result.task_dir} (scope measured: {result.scope.value})")
    say(f"FAIL_TO_PASS: {len(result.fail_to_pass)}, PASS_TO_PASS: {len(result.pass_to_pass)}")
    if result.excluded:
        say(f"excluded from the gold patch: {', '.join(result.excluded)}")
    validate = validate_command(suite, tasks_dir, backend, task_id)
    if result.drafts:
        say(f"Now write the {' and '.join(result.drafts)} in task.toml, then: {validate}")
    else:
        say(f"Now read task.toml, then: {validate}")


def validate_command(
    suite: str, tasks_dir: Path | None, backend: Backend, task_id: str | None = None
) -> str:
    """The `tasks validate` command line for a suite (or one task of it) just written, as the
    shell takes it."""
    words = ["codebench", "tasks", "validate", "--suite", suite]
    if task_id is not None:
        words += ["--task", task_id]
    if tasks_dir is not None:
        words += ["--tasks-dir", str(tasks_dir)]
    if backend is not Backend.DOCKER:
        words += ["--backend", backend.value]
    return shlex.join(words)
