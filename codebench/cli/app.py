"""The typer applications every command module registers on."""

from __future__ import annotations

import typer

# rich_markup_mode=None: help texts print literally ("[nightly]" and "[a-z0-9]" are text)
app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    help="A benchmark for models that edit code.",
)
tasks_app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    help="List, validate, scaffold and mine task suites.",
)
app.add_typer(tasks_app, name="tasks")
