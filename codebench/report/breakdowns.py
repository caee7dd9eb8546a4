"""A model's figures split by where its tasks came from (core, mined, swebench, synth) and, for
synthesized tasks, by the corruption each carries: the resolved rate with its interval, and over
the resolved attempts the mean excess edit distance beyond the gold patch, which for a
synthesized task is exact (its gold is the minimal repair, the corruption's reversal)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from typing import TypeVar

from pydantic import BaseModel, ConfigDict

from codebench.results import ResultRecord, Status
from codebench.stats import Interval, bootstrap_interval, mean

K = TypeVar("K", bound=Hashable)


class SliceRates(BaseModel):
    """The resolved rate of one slice of a model's attempts, and how far beyond the minimal
    repair its resolved attempts edited."""

    model_config = ConfigDict(frozen=True)

    samples: int
    resolved: int
    resolved_rate: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    # mean over the resolved, analysed attempts (None without any): 0 is exactly the gold's
    excess_edit_distance: float | None = None


def breakdown(
    rows: list[ResultRecord], key: Callable[[ResultRecord], K | None]
) -> dict[K, SliceRates]:
    """The rates of each slice of `rows` by `key`; rows whose key is None are left out (a
    result stored before its task's origin was recorded)."""
    slices: dict[K, list[ResultRecord]] = defaultdict(list)
    for row in rows:
        found = key(row)
        if found is not None:
            slices[found].append(row)
    return {name: _rates(part) for name, part in sorted(slices.items(), key=str)}


def resolved_rate(rows: list[ResultRecord]) -> tuple[int, float | None, Interval]:
    """(resolved samples, their share, its 95% bootstrap interval resampling tasks) of `rows`:
    the one computation behind every resolved rate of a leaderboard."""
    resolved = sum(r.status is Status.RESOLVED for r in rows)
    by_task: dict[str, list[bool]] = defaultdict(list)
    for row in rows:
        by_task[row.task_id].append(row.status is Status.RESOLVED)
    rate = round(resolved / len(rows), 4) if rows else None
    return resolved, rate, bootstrap_interval(list(by_task.values()))


def _rates(rows: list[ResultRecord]) -> SliceRates:
    count, rate, (low, high) = resolved_rate(rows)
    resolved = [r for r in rows if r.status is Status.RESOLVED]
    distances = [
        r.analysis.excess_edit_distance
        for r in resolved
        if r.analysis is not None and r.analysis.excess_edit_distance is not None
    ]
    excess = mean(distances)
    return SliceRates(
        samples=len(rows),
        resolved=count,
        resolved_rate=rate,
        ci_low=low,
        ci_high=high,
        excess_edit_distance=None if excess is None else round(excess, 4),
    )
