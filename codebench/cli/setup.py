"""`codebench setup`: a Docker engine and the sandbox images."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from codebench.cli.app import app
from codebench.cli.common import console, log, say
from codebench.errors import EngineUnavailableError
from codebench.paths import default_sandboxes_root


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
        ensure_engine(log, install=install)
        root = default_sandboxes_root()
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
