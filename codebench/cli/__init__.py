"""The `codebench` command line: one module per command group; each only wires packages.

Importing this package registers every command on `app`. Heavy libraries load inside the
commands that need them, so `codebench --help` stays fast.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType
from typing import Annotated

import typer
from rich.markup import escape

from codebench import __version__
from codebench.cli import (
    analyze,
    mine,
    models,
    reports,
    run,
    setup,
    swebench,
    synth,
    tasks,
    training,
)
from codebench.cli.app import app
from codebench.cli.common import console, say
from codebench.errors import CodebenchError

__all__ = [
    "analyze",
    "app",
    "main",
    "mine",
    "models",
    "reports",
    "run",
    "setup",
    "swebench",
    "synth",
    "tasks",
    "training",
]


def _print_version(wanted: bool) -> None:
    if wanted:
        say(f"codebench {__version__}")
        raise typer.Exit


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """A benchmark for models that edit code."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main() -> None:
    """Entry point: run the app, turning codebench errors into a message and exit status 2."""
    signal.signal(signal.SIGTERM, _terminate)
    try:
        app()
    except CodebenchError as exc:
        console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/]")
        sys.exit(130)
