"""Writing task folders, shared by `tasks scaffold` and `tasks mine`: the `task.toml` text, the
scope measured from the gold patch, and folders written beside their target and renamed into
place last (a failure or Ctrl-C leaves nothing behind)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from codebench.analysis import changed_entities, classify_scope
from codebench.errors import TaskError
from codebench.patching import ParsedPatch, parse_patch
from codebench.paths import is_bundled
from codebench.tasks import Category, Corruption, Origin, Scope, Source
from codebench.tasks.schema import DEFAULT_IMAGE, DEFAULT_TEST_COMMAND, DEFAULT_TIMEOUT

SCOPE_NOTE = "measured from the gold patch; global may need context_files"


@dataclass(frozen=True)
class TaskFields:
    """What goes into a new `task.toml` (the title and instruction as they are to be written:
    drafts included)."""

    task_id: str
    title: str
    instruction: str
    scope: Scope
    category: Category
    fail_to_pass: tuple[str, ...]
    pass_to_pass: tuple[str, ...]
    repo: str | None = None  # a shared starting tree, tasks/repos/<repo>
    image: str = DEFAULT_IMAGE
    test_command: str = DEFAULT_TEST_COMMAND
    timeout: int = DEFAULT_TIMEOUT  # seconds for one run of the tests
    source: Source | None = None
    created_at: date | None = None  # a date, or a datetime with its UTC offset
    category_note: str | None = None  # a comment beside the category (e.g. how it was guessed)
    origin: Origin = Origin.CORE
    corruption: Corruption | None = None  # synthesized tasks: the kind of corruption
    context_files: tuple[str, ...] = ()  # files the change needs but does not edit
    hidden_tests: bool = True  # False: the graded tests are in the starting tree
    scope_note: str = SCOPE_NOTE  # a comment beside the scope: how it was decided


def task_toml(fields: TaskFields) -> str:
    """The `task.toml` text; defaults (image, test command, timeout, origin, hidden tests) and
    absent metadata left out."""
    note = f"  # {fields.category_note}" if fields.category_note else ""
    lines = [
        f"id = {_string(fields.task_id)}",
        f"title = {_string(fields.title)}",
        f"instruction = {_multiline(fields.instruction)}",
        f"scope = {_string(fields.scope.value)}  # {fields.scope_note}",
        f"category = {_string(fields.category.value)}{note}",
    ]
    if fields.repo is not None:
        lines.append(f"repo = {_string(fields.repo)}")
    if fields.image != DEFAULT_IMAGE:
        lines.append(f"image = {_string(fields.image)}")
    if fields.test_command != DEFAULT_TEST_COMMAND:
        lines.append(f"test_command = {_string(fields.test_command)}")
    lines.append("fail_to_pass = " + _toml_list(fields.fail_to_pass))
    lines.append("pass_to_pass = " + _toml_list(fields.pass_to_pass))
    if fields.timeout != DEFAULT_TIMEOUT:
        lines.append(f"timeout = {fields.timeout}")
    if fields.context_files:
        lines.append("context_files = " + _toml_list(fields.context_files))
    if not fields.hidden_tests:
        lines.append("hidden_tests = false  # the graded tests are in the starting tree")
    if fields.origin is not Origin.CORE:
        lines.append(f"origin = {_string(fields.origin.value)}")
    if fields.corruption is not None:
        lines.append(f"corruption = {_string(fields.corruption.value)}")
    if fields.source is not None:
        lines.append(f"source = {_inline_table(fields.source)}")
    if fields.created_at is not None:
        lines.append(f"created_at = {fields.created_at.isoformat()}")  # a TOML date(-time)
    return "\n".join(lines) + "\n"


def measure_scope(gold: str, tree: Path) -> Scope:
    """The scope of the gold patch against the starting tree `tree` (see tasks/README.md)."""
    parsed = parse_patch(gold, tree)
    paths = parsed.paths if isinstance(parsed, ParsedPatch) else ()
    old = {
        p: (tree / p).read_bytes().decode(errors="replace") for p in paths if (tree / p).is_file()
    }
    return classify_scope(changed_entities(gold, old))


def check_target(task_dir: Path) -> None:
    """Refuse a task folder that exists, or that lies in the installed package's suites.

    Raises `TaskError` naming the folder and what to do instead.
    """
    if task_dir.exists():
        raise TaskError(task_dir, "already exists; pick another id or remove it")
    if is_bundled(task_dir):
        raise TaskError(
            task_dir,
            "is inside the installed package's read-only copy of the suites; make a workspace "
            "with `codebench init DIR` and write there, or pass --tasks-dir",
        )


@contextmanager
def staged(target: Path) -> Iterator[Path]:
    """A fresh hidden folder beside `target` (same file system: the rename is atomic), removed
    on exit unless it was renamed; parent folders made for it go too if nothing else came."""
    made = [p for p in (target.parent, *target.parent.parents) if not p.exists()]
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    stage.chmod(target.parent.stat().st_mode & 0o777)  # mkdtemp's 0700 would stay after the rename
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        if not target.exists():
            for folder in made:  # innermost first
                try:
                    folder.rmdir()
                except OSError:
                    break


def rename_into_place(stage: Path, target: Path) -> None:
    """Rename a staged folder to its target. Raises `TaskError` when the target appeared
    meanwhile (a rename would replace an empty folder silently) or the rename fails."""
    if target.exists():
        raise TaskError(target, "appeared while it was being written; remove it or pick another id")
    try:
        os.rename(stage, target)
    except OSError as exc:
        raise TaskError(target, f"cannot be written: {exc.strerror}") from exc


def _string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, but astral characters stay as they are
    (JSON writes them as surrogate pairs, which TOML refuses)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _multiline(text: str) -> str:
    """A multi-line string, or a one-line escaped one when the text holds what a multi-line
    TOML string cannot (quotes triple, backslashes, control characters but tab and newline)."""
    controls = any((ord(c) < 32 and c not in "\n\t") or ord(c) == 127 for c in text)
    if '"""' in text or "\\" in text or controls:
        return _string(text)
    return f'"""\n{text.strip()}\n"""'


def _toml_list(items: tuple[str, ...]) -> str:
    if not items:
        return "[]"
    return "[\n" + "".join(f"    {_string(item)},\n" for item in items) + "]"


def _inline_table(source: Source) -> str:
    pairs = [(k, v) for k, v in source.model_dump().items() if v is not None]
    return "{ " + ", ".join(f"{key} = {_string(value)}" for key, value in pairs) + " }"
