"""Tasks: the `task.toml` schema and loading, nothing else (authoring lives in
`codebench.authoring`)."""

from codebench.tasks.loader import Task, load_suite, load_task, select_tasks
from codebench.tasks.schema import Category, Corruption, Origin, Scope, Source, TaskSpec

__all__ = [
    "Category",
    "Corruption",
    "Origin",
    "Scope",
    "Source",
    "Task",
    "TaskSpec",
    "load_suite",
    "load_task",
    "select_tasks",
]
