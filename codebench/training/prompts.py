"""The exact prompt a model saw, rebuilt with the same prompt code and settings, and the reply
a training line holds (a reference model's patch written out in its edit format)."""

from __future__ import annotations

from collections.abc import Mapping

from codebench.errors import TrainingDataError
from codebench.models import TaskView
from codebench.models.config import ModelConfig
from codebench.models.formats import EditFormat, FormatError, parse_reply
from codebench.models.formats.udiff import recount_hunks
from codebench.models.prompt import build_prompt
from codebench.patching import patch_sha256
from codebench.tasks import Task
from codebench.training.records import ChatMessage

MIN_LEAK_CHARS = 12  # shorter lines ("return x", "pass") are not evidence of a leak


def prompt_messages(
    task: Task, config: ModelConfig, files: Mapping[str, str] | None = None
) -> list[ChatMessage]:
    """The system and user messages `build_prompt` gives a single-reply model with `config`
    (edit format, context budget, template overrides) for the task's first try."""
    view = TaskView(task.id, task.spec.instruction, task.repo_dir)
    prompt = build_prompt(view, config.edit_format, config.context_tokens, config.prompt_dir, files)
    return [
        ChatMessage(role="system", content=prompt.system),
        ChatMessage(role="user", content=prompt.user),
    ]


def synthetic_reply(patch: str) -> str:
    """A reply for a model that wrote none (the reference models): its patch in a ```diff
    block, which the udiff edit format parses back to the same patch."""
    body = patch if patch.endswith("\n") else patch + "\n"
    return f"```diff\n{body}```\n"


def check_round_trip(task: Task, reply: str, patch: str, files: Mapping[str, str]) -> None:
    """Raise `TrainingDataError` unless the udiff format parses `reply` back to `patch` (as
    that format normalises a diff: hunk counts recounted, trailing blank context dropped)."""
    outcome = parse_reply(EditFormat.UDIFF, reply, files)
    expected = patch_sha256(recount_hunks(patch))
    if isinstance(outcome, FormatError) or patch_sha256(outcome.patch) != expected:
        raise TrainingDataError(
            f"{task.task_dir}: the reply written for a reference model's patch does not parse "
            f"back to that patch ({outcome if isinstance(outcome, FormatError) else 'it differs'})"
        )


def secret_lines(task: Task, files: Mapping[str, str]) -> set[str]:
    """The lines the hidden tests and the gold patch add (stripped, at least `MIN_LEAK_CHARS`
    long) that occur nowhere in the starting tree (`files`): none may appear in a prompt."""
    tree = "\n".join(files.values())
    added = set()
    for text in (task.tests_patch, task.gold_patch):
        for line in text.splitlines():
            if line.startswith("+") and not line.startswith("+++"):
                stripped = line[1:].strip()
                if len(stripped) >= MIN_LEAK_CHARS and stripped not in tree:
                    added.add(stripped)
    return added


def check_no_leak(task: Task, messages: list[ChatMessage], secrets: set[str]) -> None:
    """Raise `TrainingDataError`, naming the task and the line, when a prompt message holds a
    hidden-test or gold line (`secret_lines`) anywhere in its text. The assistant's own reply
    is not a prompt."""
    for message in messages:
        if message.role == "assistant":
            continue
        leaked = sorted(secret for secret in secrets if secret in message.content)
        if leaked:
            raise TrainingDataError(
                f"task {task.id!r} ({task.task_dir}): its {message.role} prompt holds "
                f"{len(leaked)} line(s) of the hidden tests or the gold patch, first: "
                f"{leaked[0]!r}; remove it from the instruction or the prompt templates"
            )
