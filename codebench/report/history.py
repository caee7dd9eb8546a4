"""Nightly history: one entry per (date, suite, model), and the regression rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from codebench.errors import ResultStoreError
from codebench.io import BadKey, load_json, write_text_atomic
from codebench.report.leaderboard import Leaderboard


class HistoryEntry(BaseModel):
    """One model's result on one suite on one night."""

    model_config = ConfigDict(frozen=True)

    date: date
    suite: str
    model: str
    resolved_rate: float | None
    ci_low: float | None
    ci_high: float | None
    suite_hash: str
    cost_usd: float


class History(BaseModel):
    """`history.json`."""

    entries: list[HistoryEntry] = []


def load_history(path: Path) -> History:
    """The history file, or an empty history when there is none yet.

    Raises:
        ResultStoreError: the file cannot be read or is not a history (the message says why).
    """
    if not path.exists():
        return History()
    return load_json(path, History, _history_error)


def _history_error(path: Path, message: str, bad_keys: Sequence[BadKey]) -> ResultStoreError:
    return ResultStoreError(f"{path}: not a codebench history file ({message}); move it aside")


def record(history: History, night: date, board: Leaderboard) -> History:
    """The history with this night's entries for the board's suite (replacing a rerun's)."""
    suite = board.suite or "?"
    fresh = [
        HistoryEntry(
            date=night,
            suite=suite,
            model=entry.model,
            resolved_rate=entry.resolved.overall.resolved_rate,
            ci_low=entry.resolved.overall.ci_low,
            ci_high=entry.resolved.overall.ci_high,
            suite_hash=board.provenance.suite_hash,
            cost_usd=entry.cost_usd,
        )
        for entry in board.models
    ]
    kept = [e for e in history.entries if not (e.date == night and e.suite == suite)]
    return History(entries=sorted([*kept, *fresh], key=lambda e: (e.date, e.suite, e.model)))


@dataclass(frozen=True)
class NightComparison:
    """Tonight against the previous night, per (suite, model): falls below last night's
    interval, and pairs not compared because the suite's content changed in between."""

    regressions: list[str] = field(default_factory=list)
    suite_changes: list[str] = field(default_factory=list)


def compare_nights(history: History, night: date) -> NightComparison:
    """Compare each model's rate tonight with its previous night on the same suite.

    Two nights are compared only when their suite hashes are equal: an edited suite measures
    something else, so a lower rate on it is reported as a suite change, not a regression.
    """
    compared = NightComparison()
    for entry in (e for e in history.entries if e.date == night):
        previous = _previous(history, entry)
        if previous is None or entry.resolved_rate is None:
            continue
        if previous.suite_hash != entry.suite_hash:
            compared.suite_changes.append(
                f"{entry.model} on {entry.suite}: the suite changed since {previous.date} "
                f"(hash {previous.suite_hash[:12]} -> {entry.suite_hash[:12]}); not compared"
            )
        elif previous.ci_low is not None and entry.resolved_rate < previous.ci_low:
            compared.regressions.append(
                f"{entry.model} on {entry.suite}: {entry.resolved_rate:.3f} tonight, below "
                f"{previous.date}'s interval {previous.ci_low:.3f}-{previous.ci_high:.3f}"
            )
    return compared


def regressed(history: History, entry: HistoryEntry) -> bool:
    """Whether `entry`'s rate fell below its previous night's interval on an unchanged suite."""
    previous = _previous(history, entry)
    return (
        previous is not None
        and entry.resolved_rate is not None
        and previous.suite_hash == entry.suite_hash
        and previous.ci_low is not None
        and entry.resolved_rate < previous.ci_low
    )


def _previous(history: History, entry: HistoryEntry) -> HistoryEntry | None:
    before = [
        e
        for e in history.entries
        if e.suite == entry.suite and e.model == entry.model and e.date < entry.date
    ]
    return max(before, key=lambda e: e.date) if before else None


def regressions(history: History, night: date) -> list[str]:
    """Models whose rate tonight fell below the previous night's confidence interval, on an
    unchanged suite (`compare_nights` also says where the suite changed)."""
    return compare_nights(history, night).regressions


def write_history(history: History, path: Path) -> None:
    """Write atomically and durably.

    Raises:
        OSError: the file cannot be written (the old one, if any, is kept).
    """
    write_text_atomic(path, history.model_dump_json(indent=2) + "\n")
