"""Reading a SWE-bench instances file (a JSON list, or JSON lines) as a hostile input: every
entry becomes an `Instance`, or a `BadEntry` saying where it is and what is wrong with it."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from codebench.errors import ConfigError
from codebench.io import MISSING_KEY, bad_keys, describe, read_text
from codebench.tasks.schema import COMMIT_PATTERN

# owner/name as GitHub spells them: no "/" inside a part (and no part "." or "..": below)
REPO_PATTERN = r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$"


class ImportReason(StrEnum):
    """Why an instance of the file is not a task."""

    BAD_JSON = "bad JSON"
    MISSING_FIELDS = "missing fields"
    BAD_FIELDS = "bad fields"
    DUPLICATE = "duplicate instance id"
    NOT_NODE_IDS = "not pytest node ids"
    NO_FAIL_TO_PASS = "no FAIL_TO_PASS"
    BAD_ID = "no valid task id"
    NO_CLONE = "missing clone"
    UNKNOWN_COMMIT = "base commit not in clone"
    UNSAFE_TREE = "unsafe tree"
    NOT_APPLYING = "patch does not apply"


class SwebenchInstance(BaseModel):
    """One instance as SWE-bench (and its Hugging Face datasets) write it; other keys ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    instance_id: str = Field(min_length=1)
    repo: str = Field(pattern=REPO_PATTERN)
    base_commit: str = Field(pattern=COMMIT_PATTERN)
    patch: str = Field(min_length=1)
    test_patch: str = Field(min_length=1)
    fail_to_pass: tuple[str, ...] = Field(alias="FAIL_TO_PASS")
    pass_to_pass: tuple[str, ...] = Field(alias="PASS_TO_PASS")
    problem_statement: str = Field(min_length=1)
    created_at: datetime
    version: str | float | None = None
    environment_setup_commit: str | None = None
    hints_text: str | None = None

    @field_validator("repo")
    @classmethod
    def _repo_parts_are_names(cls, value: str) -> str:
        """`..` or `.` as the owner or the name would lead out of the clones' folder."""
        if any(part in (".", "..") for part in value.split("/")):
            raise ValueError("must be owner/name, neither of them '.' or '..'")
        return value

    @field_validator("fail_to_pass", "pass_to_pass", mode="before")
    @classmethod
    def _lists_may_be_json_strings(cls, value: object) -> object:
        """The Hugging Face datasets hold each list as a JSON-encoded string."""
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                raise ValueError("must be a list of test ids, or a JSON string of one") from None
        return value

    @field_validator("created_at")
    @classmethod
    def _naive_times_are_utc(cls, value: datetime) -> datetime:
        """SWE-bench's dates are GitHub's, in UTC; one without an offset is read as UTC."""
        return value if value.utcoffset() is not None else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Instance:
    """A well-formed instance and where it is in the file (`FILE line 3`, `FILE item 3`)."""

    where: str
    data: SwebenchInstance


@dataclass(frozen=True)
class BadEntry:
    """An entry of the file that is not an instance to import, and why."""

    where: str
    instance_id: str | None
    reason: ImportReason
    detail: str


def read_instances(path: Path) -> list[Instance | BadEntry]:
    """Every entry of the file, in order: a JSON list when the text starts with `[`, else
    JSON lines (blank lines skipped). Duplicate instance ids are bad entries, every one.

    Raises `ConfigError` when the file cannot be read, is not UTF-8, or is a JSON list that
    does not parse (naming the line and column).
    """
    text = read_text(path)
    entries = _json_list(path, text) if text.lstrip().startswith("[") else _json_lines(path, text)
    return _mark_duplicates([_entry(where, raw) for where, raw in entries])


def _json_list(path: Path, text: str) -> list[tuple[str, object]]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{path} line {exc.lineno} column {exc.colno}: bad JSON: {exc.msg}; the file must "
            "be a JSON list of instances, or one JSON object per line"
        ) from None
    if not isinstance(items, list):
        raise ConfigError(f"{path}: holds no JSON list of instances (nor JSON lines)")
    return [(f"{path} item {number}", item) for number, item in enumerate(items, 1)]


def _json_lines(path: Path, text: str) -> list[tuple[str, object]]:
    entries: list[tuple[str, object]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            entries.append((f"{path} line {number}", json.loads(line)))
        except json.JSONDecodeError as exc:
            entries.append((f"{path} line {number}", _BadJson(f"{exc.msg} (column {exc.colno})")))
    return entries


@dataclass(frozen=True)
class _BadJson:
    message: str


def _entry(where: str, raw: object) -> Instance | BadEntry:
    if isinstance(raw, _BadJson):
        return BadEntry(where, None, ImportReason.BAD_JSON, raw.message)
    if not isinstance(raw, dict):
        return BadEntry(where, None, ImportReason.BAD_FIELDS, "is not a JSON object")
    named = raw.get("instance_id")
    instance_id = named if isinstance(named, str) and named else None
    try:
        return Instance(where, SwebenchInstance.model_validate(raw))
    except ValidationError as exc:
        keys = bad_keys(exc, SwebenchInstance)
        missing = sorted(k.key for k in keys if k.problem == MISSING_KEY)
        if missing:
            detail = f"missing {', '.join(missing)}"
            return BadEntry(where, instance_id, ImportReason.MISSING_FIELDS, detail)
        return BadEntry(where, instance_id, ImportReason.BAD_FIELDS, describe(keys, "json"))


def _mark_duplicates(entries: list[Instance | BadEntry]) -> list[Instance | BadEntry]:
    places: dict[str, list[str]] = defaultdict(list)
    for entry in entries:
        if isinstance(entry, Instance):
            places[entry.data.instance_id].append(_place(entry.where))
    marked: list[Instance | BadEntry] = []
    for entry in entries:
        seen = places.get(entry.data.instance_id, []) if isinstance(entry, Instance) else []
        if isinstance(entry, Instance) and len(seen) > 1:
            detail = f"{entry.data.instance_id!r} is at {', '.join(seen)}: keep one"
            entry = BadEntry(entry.where, entry.data.instance_id, ImportReason.DUPLICATE, detail)
        marked.append(entry)
    return marked


def _place(where: str) -> str:
    """`line 3` of `FILE line 3`."""
    return re.sub(r"^.* (line|item) (\d+)$", r"\1 \2", where)
