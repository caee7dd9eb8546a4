"""A suite's tasks as lines for a person, or as the Markdown table of tasks/README.md."""

from __future__ import annotations

from collections.abc import Iterable

from codebench.tasks import Task

MARKDOWN_HEADER = ("| task | scope | category | repo | title |", "|---|---|---|---|---|")


def task_lines(tasks: Iterable[Task], *, markdown: bool = False) -> list[str]:
    """One line per task (id, scope, category, created_at's date or `-`, title, and where it
    came from when known), or a Markdown table with its header."""
    if not markdown:
        return [_line(t) for t in tasks]
    rows = [
        "| "
        + " | ".join([f"`{t.id}`", t.scope.value, t.category.value, t.repo_dir.name, t.spec.title])
        + " |"
        for t in tasks
    ]
    return [*MARKDOWN_HEADER, *rows]


def _line(task: Task) -> str:
    created = task.spec.created_at
    day = created.isoformat()[:10] if created is not None else "-"
    line = f"{task.id:48} {task.scope.value:7} {task.category.value:24} {day:10} {task.spec.title}"
    source = task.spec.source
    if source is not None:
        line += f"  [{source.repository or 'commit'} @ {source.commit[:10]}]"
    return line
