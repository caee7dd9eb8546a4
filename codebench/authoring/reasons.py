"""Why `tasks mine` turned a commit down (or `tasks synth` a candidate corruption): one reason
of a fixed list, and the detail."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Reason(StrEnum):
    """Why a commit (a candidate corruption) is not a task. Every one but `SANDBOX_ERROR`,
    `TASK_EXISTS`, `SAME_SITE` and `FILE_CAP` is a decision a rerun keeps; those are tried
    again (the last two depend on what else the run kept)."""

    MERGE_COMMIT = "merge commit"
    ROOT_COMMIT = "root commit"  # no parent to start from
    ONLY_DOCS = "only docs"
    NO_CODE = "no code touched"
    NO_TESTS = "no tests touched"
    BINARY = "binary changes"
    PROTECTED = "changes protected paths"  # the gold patch would trip the grader's checks
    TOO_LARGE = "too large"
    UNSAFE_TREE = "unsafe tree"  # a symlink that leaves the starting tree
    NOT_APPLYING = "patch does not apply"
    NOTHING_RAN = "no tests ran"
    RUN_FAILED = "test run failed"  # timed out, or pytest stopped or crashed without a report
    NO_FAIL_BEFORE = "no test fails before"
    GOLD_FAILS = "gold fails"
    FLAKY = "flaky"
    TASK_EXISTS = "task exists"  # the suite has the task folder but no record of deciding it
    SANDBOX_ERROR = "sandbox error"  # infrastructure, not the commit's fault
    # `tasks synth` only
    INVALID_CORRUPTION = "invalid corruption"  # the corrupted file does not parse or is unchanged
    UNDETECTED = "no test fails"  # no test that passes on the original fails on the corruption
    IMPORT_CRASH = "only import crash"  # only whole test modules failing to import (local kinds)
    SAME_SITE = "same site"  # a kept task corrupts the same line
    FILE_CAP = "file cap"  # the file already has --per-file tasks of the candidate's scope
    SINGLE_FILE_FIX = "single-file fix"  # a global follow-up the tests notice in < 2 files

    @property
    def final(self) -> bool:
        """Whether the decision stands for reruns (infrastructure failures do not)."""
        again = (Reason.SANDBOX_ERROR, Reason.TASK_EXISTS, Reason.SAME_SITE, Reason.FILE_CAP)
        return self not in again


@dataclass(frozen=True)
class Rejection:
    """A commit turned down: why, and the particulars (paths, tests, counts)."""

    reason: Reason
    detail: str = ""


def listing(items: Sequence[str], shown: int = 5) -> str:
    """The first `shown` items, comma-separated, and how many more there are."""
    text = ", ".join(items[:shown])
    return text + (f" and {len(items) - shown} more" if len(items) > shown else "")
