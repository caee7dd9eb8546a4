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

from codebench.errors import ConfigError
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


# The placeholders each template that is filled in is given; an override may use any of them
# (or none), and no other.
TEMPLATE_FIELDS: dict[str, tuple[str, ...]] = {
    "user.txt": ("instruction", "format_rules", "repository_map", "files"),
    "retry.txt": ("problem", "test_output"),
    "agent_user.txt": ("instruction", "prior_tries", "top_level"),
    "agent_prior_try.txt": ("number", "patch", "problem", "test_output"),
}


def template(name: str, override_dir: Path | None) -> str:
    """A template by file name: the user's override if present, else the built-in one.

    Raises:
        ConfigError: the override exists but cannot be read as UTF-8 text.
    """
    if override_dir is not None and (override_dir / name).is_file():
        path = override_dir / name
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read the prompt template: {exc}") from exc
    return (
        resources.files("codebench.models").joinpath("templates", name).read_text(encoding="utf-8")
    )


def fill(name: str, override_dir: Path | None, **fields: object) -> str:
    """The template `name` with its placeholders filled in from `fields`.

    Raises:
        ConfigError: the user's override names a placeholder it is not given, or is not a
            valid format string (a lone brace); the message names the file and the fix.
    """
    text = template(name, override_dir)
    try:
        return text.format(**fields)
    except (KeyError, IndexError, ValueError, AttributeError) as exc:
        where = override_dir / name if override_dir is not None else name
        known = ", ".join("{" + field + "}" for field in fields)
        raise ConfigError(
            f"{where}: the prompt template cannot be filled in ({type(exc).__name__}: {exc}); "
            f"it may use {known}, and a literal brace is written {{{{ or }}}}"
        ) from exc


def check_templates(override_dir: Path | None) -> None:
    """Fill in every overridden template with sample values, so that a broken one stops the
    run before any attempt instead of failing each attempt as the model's error.

    Raises:
        ConfigError: as `fill` does, for the first broken override.
    """
    if override_dir is None:
        return
    for name, fields in TEMPLATE_FIELDS.items():
        if (override_dir / name).is_file():
            fill(name, override_dir, **dict.fromkeys(fields, "x"))
    for name in ("system.txt", "agent_system.txt"):
        template(name, override_dir)  # read as they are, never filled in


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
    fields = {
        "instruction": view.instruction.strip(),
        "format_rules": template(f"format_{edit_format.value}.txt", override_dir).strip(),
    }
    fixed = len(fill("user.txt", override_dir, **fields, repository_map="", files=""))
    context = select_context(
        view.instruction, files, max(0, budget_tokens * CHARS_PER_TOKEN - fixed)
    )
    user = fill(
        "user.txt",
        override_dir,
        **fields,
        repository_map=context.repository_map,
        files=context.blocks,
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
    turns: list[Turn] = []
    for prior in prior_tries:
        reply = prior.reply or f"```diff\n{prior.patch}```"
        shown_output = prior.test_output.strip() or "(no tests were run)"
        message = fill(
            "retry.txt", override_dir, problem=prior.problem.strip(), test_output=shown_output
        )
        turns += [Turn("assistant", reply), Turn("user", message.strip())]
    return tuple(turns)
