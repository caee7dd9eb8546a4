"""A suite's tasks as lines for a person, or as the Markdown table of tasks/README.md."""

from __future__ import annotations

from collections.abc import Iterable

from codebench.tasks import Task

MARKDOWN_HEADER = ("| task | scope | category | repo | title |", "|---|---|---|---|---|")


def task_lines(tasks: Iterable[Task], *, markdown: bool = False) -> list[str]:
    """One line per task (id, scope, category, title), or a Markdown table with its header."""
    if not markdown:
        return [f"{t.id:48} {t.scope.value:7} {t.category.value:24} {t.spec.title}" for t in tasks]
    rows = [
        "| "
        + " | ".join([f"`{t.id}`", t.scope.value, t.category.value, t.repo_dir.name, t.spec.title])
        + " |"
        for t in tasks
    ]
    return [*MARKDOWN_HEADER, *rows]
