"""The training-data formats, as pydantic models: one line of each JSONL file, and the manifest
written beside them. Every export line is validated by its model before it is written."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["system", "user", "assistant"]


class ChatMessage(BaseModel):
    """One chat message."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Role
    content: str


class SftRecord(BaseModel):
    """Chat-format supervised fine-tuning: the prompt the model saw, then its reply."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    messages: list[ChatMessage] = Field(min_length=3)


class PreferenceInput(BaseModel):
    """The prompt of a preference pair."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    messages: list[ChatMessage] = Field(min_length=1)


class PreferenceRecord(BaseModel):
    """A preference pair in the chat preference (DPO) format."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input: PreferenceInput
    preferred_output: list[ChatMessage] = Field(min_length=1, max_length=1)
    non_preferred_output: list[ChatMessage] = Field(min_length=1, max_length=1)


class TrlPreferenceRecord(BaseModel):
    """A preference pair as TRL's conversational preference datasets hold it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    prompt: list[ChatMessage] = Field(min_length=1)
    chosen: list[ChatMessage] = Field(min_length=1, max_length=1)
    rejected: list[ChatMessage] = Field(min_length=1, max_length=1)


class RftRecord(BaseModel):
    """One reinforcement fine-tuning prompt (its last message a user message) and the grading
    references the reward needs (never the hidden tests or the gold patch themselves)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    messages: list[ChatMessage] = Field(min_length=1)
    task_id: str
    suite: str
    task_hash: str  # the task's content hash: the reward grades against exactly this task
    edit_format: str
    scope: str
    fail_to_pass: list[str]
    pass_to_pass: list[str]


ExportFormat = Literal["sft", "preference", "rft"]
PreferenceStyle = Literal["openai", "trl"]


# The filters' defaults: they keep every gold attempt of the core suite (churn 0, drift at most
# 0.072, no finding) and leave out most attempts of the over-editing reference models.
DEFAULT_MAX_CHURN = 0.1
DEFAULT_MAX_DRIFT = 0.1
DEFAULT_MAX_FINDINGS = 0


class Filters(BaseModel):
    """What makes an attempt "clean": an edit no worse than these (None: not limited)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_out_of_scope_churn: float | None = Field(default=DEFAULT_MAX_CHURN, ge=0)
    max_style_drift: float | None = Field(default=DEFAULT_MAX_DRIFT, ge=0)
    max_findings: int | None = Field(default=DEFAULT_MAX_FINDINGS, ge=0)


class SplitCounts(BaseModel):
    """Records and distinct tasks of one split."""

    model_config = ConfigDict(frozen=True)

    records: int
    tasks: int


class Manifest(BaseModel):
    """Written beside an export (`<stem>.manifest.json`): where its lines come from."""

    model_config = ConfigDict(frozen=True)

    format: ExportFormat
    style: PreferenceStyle | None = None
    created_at: datetime
    codebench_version: str
    harness_version: str
    source_runs: list[str]
    suite: str
    suite_hash: str  # over (task id, content hash) of the exported tasks, as the leaderboard's
    filters: Filters
    seed: int
    validation_fraction: float
    files: dict[str, str]  # split -> file name, beside the manifest
    counts: dict[str, SplitCounts]  # split -> counts
    results_read: int
    left_out: dict[str, int]  # why -> how many results were not used
    synthetic_replies: int  # replies written for reference models (their patch in a diff block)
