"""`codebench models`: the model specs `--model` can name, and where each comes from."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from codebench.cli.app import app
from codebench.cli.common import out


@app.command("models")
def models_command(
    config: Annotated[
        Path | None, typer.Option(help="Configuration file (default: ./codebench.toml).")
    ] = None,
) -> None:
    """List the model specs --model can name: built in, brought by import_path in
    codebench.toml, or installed as codebench.models entry points (nothing is imported)."""
    from codebench.models import ModelOptions
    from codebench.models.registry import known_models
    from codebench.report.nightly import NIGHTLY_TABLE

    options = ModelOptions.load(config, other_tables={NIGHTLY_TABLE}, read_cache=False)
    for known in known_models(options):
        out.print(f"{escape(known.spec):<20} {escape(known.source)}", soft_wrap=True)
