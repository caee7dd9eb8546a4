"""Validating many tasks at once over a pool of sandboxes, with a progress bar."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from rich.console import Console
from rich.progress import Progress

from codebench.runner.evaluate import SandboxSettings
from codebench.sandbox import finish_closing
from codebench.tasks.loader import Task
from codebench.tasks.validate import TaskValidation, validate_task


def validate_suite(
    tasks: list[Task], settings: SandboxSettings, *, workers: int, gold_runs: int, console: Console
) -> list[TaskValidation]:
    """Validate every task; verdicts come back in the tasks' order."""
    with Progress(console=console) as progress, ThreadPoolExecutor(max_workers=workers) as pool:
        bar = progress.add_task("validating", total=len(tasks))

        def one(task: Task) -> TaskValidation:
            verdict = validate_task(task, settings, gold_runs)
            progress.advance(bar)
            return verdict

        verdicts = list(pool.map(one, tasks))
    finish_closing()
    return verdicts
