"""`codebench tasks import-swebench`: SWE-bench instances as tasks; the summary of the import."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from codebench.cli.app import tasks_app
from codebench.cli.common import EnvironmentOpt, TasksRootOpt, TestCommandOpt, out, say, tasks_root
from codebench.cli.tasks import validate_command
from codebench.sandbox import Backend
from codebench.tasks.schema import DEFAULT_IMAGE, DEFAULT_TEST_COMMAND

if TYPE_CHECKING:
    from codebench.authoring import ImportSummary


@tasks_app.command("import-swebench")
def tasks_import_swebench(
    file: Annotated[Path, typer.Argument(help="SWE-bench instances: a JSON list or JSON lines.")],
    repos: Annotated[
        Path,
        typer.Option(
            help="Folder of clones: DIR/<owner>__<name>, DIR/<name> or DIR/<owner>/<name>."
        ),
    ],
    suite: Annotated[str, typer.Option(help="The suite the tasks go into.")] = "swebench",
    test_command: TestCommandOpt = DEFAULT_TEST_COMMAND,
    environment: EnvironmentOpt = DEFAULT_IMAGE,
    limit: Annotated[
        int | None, typer.Option(min=1, help="Try at most this many instances not imported yet.")
    ] = None,
    instance: Annotated[
        list[str] | None, typer.Option(help="Only this instance id (repeatable).")
    ] = None,
    tasks_dir: TasksRootOpt = None,
) -> None:
    """Import SWE-bench instances (against local clones) as tasks; a rerun skips the tasks
    already there. Nothing runs: `tasks validate` proves the tasks afterwards."""
    from codebench.authoring import ImportRequest, import_swebench

    request = ImportRequest(
        instances_file=file,
        repos_dir=repos,
        suite_dir=tasks_root(tasks_dir) / suite,
        test_command=test_command,
        image=environment,
        limit=limit,
        instance_ids=tuple(instance or ()),
    )
    summary = import_swebench(request)
    print_import_summary(summary)
    if summary.imported:
        hint = validate_command(suite, tasks_dir, Backend.DOCKER)
        say(f"Now check each task's category and the environment it needs, then: {hint}")


def print_import_summary(summary: ImportSummary) -> None:
    """The tasks imported, every instance rejected with its reason, and the counts."""
    if summary.imported:
        table = Table("instance", "task", "scope", "F2P", "P2P", title="imported")
        for task in summary.imported:
            row = (task.instance_id, task.task_id, task.scope.value)
            table.add_row(*map(Text, row), str(task.fail_to_pass), str(task.pass_to_pass))
        out.print(table)
    if summary.rejected:
        table = Table("where", "instance", "reason", title="rejected")
        table.add_column("detail", overflow="fold")
        for bad in summary.rejected:
            where, instance_id = Text(bad.where), Text(bad.instance_id or "?")
            table.add_row(where, instance_id, bad.reason.value, Text(bad.detail))
        out.print(table)
    reasons = Counter(bad.reason.value for bad in summary.rejected)
    counts = ", ".join(f"{reason} {n}" for reason, n in reasons.most_common())
    say(
        f"imported {len(summary.imported)} task(s), rejected {len(summary.rejected)} "
        f"instance(s)"
        + (f" ({counts})" if counts else "")
        + f"; {len(summary.skipped)} already imported skipped"
    )
