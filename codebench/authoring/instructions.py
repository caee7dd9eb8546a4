"""A mined task's title and instruction: drafted from the commit message, or rewritten by a model
as a user's request. Either way the draft starts with "TODO:", so `tasks validate` refuses the
task until a person has read it and removed the marker."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from codebench.authoring.history import CommitInfo
from codebench.authoring.split import DiffSplit
from codebench.authoring.validate import PLACEHOLDER
from codebench.errors import ConfigError, ModelError
from codebench.models import ModelOptions, get_model
from codebench.models.openai_model import OpenAIModel

MESSAGE_HINT = (
    "rewrite this as the request a user of the repository would make: the behaviour wanted, "
    "no code and no solution. The commit message:"
)
REVIEW_HINT = (
    "a model rewrote the commit message; check it against the change, then delete this line"
)
MAX_TITLE = 100
PATCH_CHARS = 12_000  # of each patch shown to the model
SYSTEM = """\
You write benchmark tasks for coding assistants. Given a commit (its message, the code change \
and the tests that check it), write the request a user of the repository would have made \
BEFORE the change existed: what is wrong or missing and what behaviour they want, in plain \
prose, as an issue would say it. Name the public functions, classes or options the tests \
use, so that an answer can be graded, but never show code, never describe the implementation \
and never quote the tests. Reply with a short title on the first line, a blank line, then the \
request."""


@dataclass(frozen=True)
class Draft:
    """The title and instruction to write into a mined task (drafts: they start with TODO:)."""

    title: str
    instruction: str
    note: str | None = None  # e.g. why a model's rewrite is not what was written


Instructor = Callable[[CommitInfo, DiffSplit], Draft]


def draft_from_message(commit: CommitInfo, split: DiffSplit) -> Draft:
    """The commit's subject as the title and its message as the instruction, marked TODO."""
    return Draft(
        f"{PLACEHOLDER} {commit.subject}"[:MAX_TITLE],
        f"{PLACEHOLDER} {MESSAGE_HINT}\n\n{commit.message.strip()}",
    )


def instruction_model(spec: str, options: ModelOptions) -> OpenAIModel:
    """The `--instruction-model` (an `openai:<name>` spec), for mined and synthesized tasks.

    Raises `ConfigError` for another kind of model, or a model without an API key.
    """
    model = get_model(spec, {}, options)
    if not isinstance(model, OpenAIModel):
        raise ConfigError(f"--instruction-model {spec}: give an openai:<name> model")
    return model


def model_instructor(spec: str, options: ModelOptions) -> Instructor:
    """Drafts written by the model `spec` (an `openai:<name>` spec) from each commit.

    Raises `ConfigError` for another kind of model, or a model without an API key.
    """
    return partial(rewrite_with_model, instruction_model(spec, options))


def rewrite_with_model(model: OpenAIModel, commit: CommitInfo, split: DiffSplit) -> Draft:
    """The model's rewrite of the commit as a user's request, marked TODO for review; the
    commit-message draft (with a note saying why) when the model fails or says nothing."""
    fallback = draft_from_message(commit, split)
    try:
        reply = model.complete(SYSTEM, rewrite_prompt(commit, split))
    except ModelError as exc:
        return replace(
            fallback, note=f"{model.spec} failed ({exc}); the commit message is the draft"
        )
    parsed = parse_rewrite(reply)
    if parsed is None:
        return replace(
            fallback, note=f"{model.spec} replied nothing; the commit message is the draft"
        )
    title, request = parsed
    return Draft(f"{PLACEHOLDER} {title}"[:MAX_TITLE], f"{PLACEHOLDER} {REVIEW_HINT}\n\n{request}")


def rewrite_prompt(commit: CommitInfo, split: DiffSplit) -> str:
    """What the model is shown: the message, the code change and the tests (each clipped)."""
    return (
        f"Commit message:\n{commit.message.strip()}\n\n"
        f"Code change (the solution: do not reveal it):\n{_clip(split.gold)}\n\n"
        f"Tests that check it:\n{_clip(split.tests)}\n"
    )


def parse_rewrite(reply: str) -> tuple[str, str] | None:
    """(title, request) from a reply: its first line (a "Title:" label or Markdown heading
    marks dropped) and the rest; None when either is empty."""
    lines = reply.strip().split("\n")
    title = re.sub(r"^(#+\s*|\*+|title:\s*)", "", lines[0].strip(), flags=re.IGNORECASE)
    title = title.strip().strip("*\"'").strip()
    request = "\n".join(lines[1:]).strip()
    return (title, request) if title and request else None


def _clip(patch: str) -> str:
    if len(patch) <= PATCH_CHARS:
        return patch
    return patch[:PATCH_CHARS] + "\n[... clipped ...]\n"
