"""Tasks: the `task.toml` schema, loading and validation."""

from codebench.tasks.loader import Task, load_suite, load_task, select_tasks
from codebench.tasks.schema import Category, Scope, TaskSpec

__all__ = ["Category", "Scope", "Task", "TaskSpec", "load_suite", "load_task", "select_tasks"]
