"""The record of what `tasks mine` (and `tasks synth`) decided, so that a rerun decides only
new commits (candidate corruptions): `tasks/<suite>/.mined.json` (`.synth.json`; hidden: the
loader skips them), rewritten atomically after each decision."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from codebench.errors import ConfigError
from codebench.io import BadKey, load_json, write_text_atomic
from codebench.tasks.schema import DEFAULT_TIMEOUT

STATE_FILE = ".mined.json"
SYNTH_STATE_FILE = ".synth.json"


class CommitRecord(BaseModel):
    """One decided commit (or, for `tasks synth`, candidate corruption)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    outcome: Literal["mined", "synthesized", "rejected"]
    reason: str | None = None  # the rejection's reason (a `Reason` value)
    detail: str = ""
    task_id: str | None = None  # the task written, when mined
    subject: str = ""
    settings: str  # `settings_key` of the run that decided: other settings decide again
    decided_at: datetime


class MiningState(BaseModel):
    """Every commit decided so far, by sha."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = 1
    commits: dict[str, CommitRecord] = {}  # by sha (by candidate key for `tasks synth`)


def settings_key(test_command: str, image: str, max_tree_bytes: int, timeout: int) -> str:
    """A short hash of what a decision depends on besides the commit (the default timeout
    left out, so decisions recorded before it was a setting keep their keys)."""
    settings: list[object] = [test_command, image, max_tree_bytes]
    return decision_key(*settings, *([timeout] if timeout != DEFAULT_TIMEOUT else []))


def decision_key(*settings: object) -> str:
    """A short hash of the (JSON-able) settings a decision depends on."""
    return hashlib.sha256(json.dumps(list(settings)).encode()).hexdigest()[:16]


class StateFile:
    """The state file of one suite, shared by the mining threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._commits = dict(_load(path).commits)

    def decided(self, sha: str, settings: str) -> CommitRecord | None:
        """The decision on `sha` made with these settings, if there is one."""
        with self._lock:
            record = self._commits.get(sha)
        return record if record is not None and record.settings == settings else None

    def record(self, sha: str, record: CommitRecord) -> None:
        """Keep a decision and rewrite the file (atomically: a crash keeps the old one).

        Raises `OSError` when the file cannot be written.
        """
        with self._lock:
            self._commits[sha] = record
            state = MiningState(commits=self._commits)
            write_text_atomic(self.path, state.model_dump_json(indent=2) + "\n")


def _load(path: Path) -> MiningState:
    """The state in `path` (empty when there is none yet). Raises `ConfigError` naming the file
    when it is damaged, and how to start afresh."""
    if not path.exists():
        return MiningState()
    return load_json(path, MiningState, _state_error)


def _state_error(path: Path, message: str, _keys: Sequence[BadKey]) -> ConfigError:
    return ConfigError(
        f"{path}: {message}; it records what `tasks mine` (or `tasks synth`) decided: fix "
        "it, or delete it to decide every commit (candidate) again"
    )
