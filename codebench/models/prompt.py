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
from typing import Literal

from codebench.models.base import PriorTry, TaskView
from codebench.models.context import Shown, select_context
from codebench.models.formats import EditFormat
from codebench.tasks.loader import read_texts

CHARS_PER_TOKEN = 4  # a rough, provider-independent estimate


@dataclass(frozen=True)
class Turn:
    """One message after the first user message: a reply of an earlier try, or what became
    of it (`--tries`)."""

    role: Literal["assistant", "user"]
    content: str


@dataclass(frozen=True)
class Prompt:
    """The chat messages of one request, and which files the context holds."""

    system: str
    user: str
    files: tuple[str, ...]
    shown: tuple[Shown, ...] = ()  # each file's lines the context holds
    # for each earlier try, oldest first: its reply, then the retry message (empty: try 1)
    turns: tuple[Turn, ...] = ()


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
    turns = retry_turns(view.prior_tries, override_dir)
    return Prompt(system, user, tuple(s.path for s in context.shown), context.shown, turns)


def retry_turns(prior_tries: tuple[PriorTry, ...], override_dir: Path | None) -> tuple[Turn, ...]:
    """Two messages per earlier try: the model's reply (its patch in a diff block when it
    kept no reply), then `retry.txt` filled with what went wrong and the visible tests' output.

    The earlier turns are not counted in the context budget: they are what the model itself
    wrote and what the harness told it, and they cannot be left out without the model losing
    track of what it tried.
    """
    if not prior_tries:
        return ()
    retry = template("retry.txt", override_dir)
    turns: list[Turn] = []
    for prior in prior_tries:
        reply = prior.reply or f"```diff\n{prior.patch}```"
        shown_output = prior.test_output.strip() or "(no tests were run)"
        message = retry.format(problem=prior.problem.strip(), test_output=shown_output)
        turns += [Turn("assistant", reply), Turn("user", message.strip())]
    return tuple(turns)
