"""What every command shares: the consoles, option types, the image preparer, safe printing."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from codebench.paths import default_sandboxes_root, default_tasks_root
from codebench.sandbox import Backend, ImageSet

console = Console(stderr=True)
out = Console()
if not out.is_terminal:  # logs and pipes: wide enough for the tables, never truncated
    out = Console(width=120)

SuiteOpt = Annotated[
    str, typer.Option("--suite", help="Task suite: a folder under the tasks root.")
]
TasksRootOpt = Annotated[
    Path | None,
    typer.Option(
        "--tasks-dir",
        help="Tasks root (default: $CODEBENCH_ROOT/tasks, else ./tasks, else the checkout's or "
        "the installed package's tasks/).",
    ),
]
WorkersOpt = Annotated[int, typer.Option("--workers", min=1, help="Sandboxes at once.")]


class ExecutorChoice(StrEnum):
    """`--executor`'s values (`runner.Executor`'s, without importing the runner)."""

    LOCAL = "local"
    RAY = "ray"


ExecutorOpt = Annotated[
    ExecutorChoice,
    typer.Option(
        help="Where attempts run: this machine's pool, or a Ray cluster (pip install "
        "'codebench[ray]'; see docs/cluster.md).",
    ),
]
RayAddressOpt = Annotated[
    str | None,
    typer.Option(
        help="--executor ray: the cluster's address (host:port); default: start a cluster "
        "of this machine, on loopback, with --workers sandbox slots."
    ),
]
BackendOpt = Annotated[
    Backend,
    typer.Option("--backend", help="docker, or local (UNSAFE: runs patches on the host)."),
]
DATE_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"]
SinceOpt = Annotated[
    datetime | None,
    typer.Option(
        "--since",
        formats=DATE_FORMATS,
        metavar="DATE",
        help="Only tasks created on or after DATE (ISO date; UTC unless an offset is given); "
        "tasks without created_at are left out.",
    ),
]
InstructionModelOpt = Annotated[
    str | None,
    typer.Option(
        "--instruction-model",
        help="openai:<name> rewrites each task's title and instruction as a user's request.",
    ),
]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option("--base-url", help="OpenAI-compatible endpoint (else OPENAI_BASE_URL)."),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", help="Configuration file (default: ./codebench.toml)."),
]
TestCommandOpt = Annotated[
    str,
    typer.Option(
        "--test-command", help="The command running the tests (task.toml's test_command)."
    ),
]
EnvironmentOpt = Annotated[
    str,
    typer.Option(
        "--environment", help="The sandbox environment, sandboxes/NAME (task.toml's image)."
    ),
]
TaskOpt = Annotated[
    list[str] | None, typer.Option("--task", help="Only this task id (repeatable).")
]


def say(text: str) -> None:
    """Print text that is not markup (paths, specs, messages) to stdout, exactly as it is."""
    out.print(text, markup=False, highlight=False, soft_wrap=True)


def log(message: str) -> None:
    """A progress note on stderr, dimmed; the message is printed literally."""
    console.print(f"[dim]{escape(message)}[/]", soft_wrap=True)


def tasks_root(tasks_dir: Path | None) -> Path:
    """The tasks root a command uses."""
    return tasks_dir or default_tasks_root()


def warn_if_unsafe(backend: Backend) -> Backend:
    """Say loudly that the local backend runs model-written code unisolated."""
    if backend is Backend.LOCAL:
        console.print(
            "[bold red]WARNING: --backend local runs model-written code on this host "
            "without isolation. Use it for development only.[/]"
        )
    return backend


def prepare_images(keys: set[str]) -> ImageSet:
    """The sandbox images for these keys, built if needed (the runner's image preparer)."""
    from codebench.sandbox.image import prepare_images as prepare

    return prepare(keys, default_sandboxes_root(), log)


def say_selection(note: str | None) -> None:
    """What `--since` left out, on stderr (None: nothing was)."""
    if note is not None:
        console.print(f"[yellow]{escape(note)}[/]", soft_wrap=True)
