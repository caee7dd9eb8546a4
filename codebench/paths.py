"""Where codebench finds its task suites and sandbox definitions."""

from __future__ import annotations

import os
from pathlib import Path

SOURCE_ROOT = Path(__file__).resolve().parent.parent


def project_root() -> Path:
    """`$CODEBENCH_ROOT`, else the current directory if it has `tasks/`, else the source tree."""
    env = os.environ.get("CODEBENCH_ROOT")
    if env:
        return Path(env)
    cwd = Path.cwd()
    if (cwd / "tasks").is_dir():
        return cwd
    if (SOURCE_ROOT / "tasks").is_dir():
        return SOURCE_ROOT
    return cwd


def default_tasks_root() -> Path:
    """The folder holding task suites."""
    return project_root() / "tasks"


def default_sandboxes_root() -> Path:
    """The folder holding one sub-folder per sandbox image."""
    return project_root() / "sandboxes"
