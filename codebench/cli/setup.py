"""`codebench setup`: a Docker engine and the sandbox images; `codebench init`: a workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from codebench.cli.app import app
from codebench.cli.common import console, log, say
from codebench.errors import ConfigError, EngineUnavailableError
from codebench.paths import ROOT_VARIABLE, default_sandboxes_root, init_workspace


@app.command()
def setup(
    allow_no_docker: Annotated[
        bool, typer.Option(help="Warn instead of failing when no Docker engine can be had.")
    ] = False,
    install: Annotated[bool, typer.Option(help="Allow installing docker.io / debootstrap.")] = True,
) -> None:
    """Get a Docker engine (start or install one if root) and build every sandbox image."""
    from codebench.sandbox.engine import ensure_engine
    from codebench.sandbox.image import prepare_images, sandbox_names

    try:
        root = default_sandboxes_root()
        if not root.is_dir():
            raise ConfigError(
                f"no sandbox definitions: {root} does not exist; set {ROOT_VARIABLE} to a "
                "folder holding sandboxes/, or make one with `codebench init DIR`"
            )
        ensure_engine(log, install=install)
        images = prepare_images(sandbox_names(root), root, log)
    except EngineUnavailableError as exc:
        if not allow_no_docker:
            raise
        console.print(
            f"[bold red]WARNING: NO DOCKER ENGINE: {escape(str(exc))}\n"
            "Docker tests will be SKIPPED.[/]"
        )
        return
    for name, image_id in sorted(images.ids.items()):
        say(f"sandbox {name}: {image_id}")


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="The workspace folder (created if absent).")],
) -> None:
    """Copy the task suites and sandbox definitions into a workspace folder to edit."""
    tasks_root, sandboxes_root = init_workspace(directory)
    say(f"wrote {tasks_root} and {sandboxes_root}")
    say(f"codebench uses them when run from {directory} (or with {ROOT_VARIABLE}={directory})")
