"""The prompt: XML-tagged sections (instruction, repository map, files, format rules) from
templates a user can override per model.

Context (`context.py`): the whole repository when it fits the token budget, else a map of the
most relevant files' symbols and the relevant files, whole or as excerpts, all counted in the
budget. Only the starting tree is ever read: the gold patch and the hidden tests are not in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from codebench.models.base import TaskView
from codebench.models.context import Shown, select_context
from codebench.models.formats import EditFormat
from codebench.tasks.loader import read_texts

CHARS_PER_TOKEN = 4  # a rough, provider-independent estimate


@dataclass(frozen=True)
class Prompt:
    """The chat messages of one request, and which files the context holds."""

    system: str
    user: str
    files: tuple[str, ...]
    shown: tuple[Shown, ...] = ()  # each file's lines the context holds


def template(name: str, override_dir: Path | None) -> str:
    """A template by file name: the user's override if present, else the built-in one."""
    if override_dir is not None and (override_dir / name).is_file():
        return (override_dir / name).read_text(encoding="utf-8")
    return (
        resources.files("codebench.models").joinpath("templates", name).read_text(encoding="utf-8")
    )


def build_prompt(
    view: TaskView,
    edit_format: EditFormat,
    budget_tokens: int,
    override_dir: Path | None = None,
    files: Mapping[str, str] | None = None,
) -> Prompt:
    """The system and user messages for one task (`files`: the starting tree, if already
    read). The whole user message, map included, stays within `budget_tokens` (at
    `CHARS_PER_TOKEN`), unless the instruction and format rules alone exceed it."""
    files = read_texts(view.repo_dir) if files is None else files
    user_template = template("user.txt", override_dir)
    fields = {
        "instruction": view.instruction.strip(),
        "format_rules": template(f"format_{edit_format.value}.txt", override_dir).strip(),
    }
    fixed = len(user_template.format(**fields, repository_map="", files=""))
    context = select_context(
        view.instruction, files, max(0, budget_tokens * CHARS_PER_TOKEN - fixed)
    )
    user = user_template.format(
        **fields, repository_map=context.repository_map, files=context.blocks
    )
    system = template("system.txt", override_dir).strip()
    return Prompt(system, user, tuple(s.path for s in context.shown), context.shown)
