"""The statistics the reports share: rounded means and seeded percentile bootstraps.

One home, so the leaderboard, `compare` and the nightly history (which keeps the leaderboard's
intervals) compute the same numbers the same way. Every interval is seeded: the same inputs
always give the same interval, bit for bit.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

BOOTSTRAP_RESAMPLES = 2000
DIGITS = 4  # every reported rate, mean and interval end is rounded to this many places
LOW_QUANTILE, HIGH_QUANTILE = 0.025, 0.975  # a 95% interval

Interval = tuple[float | None, float | None]


def mean(values: Iterable[float | None]) -> float | None:
    """The mean of the values that are present (None skipped), rounded; None when none are."""
    present = [v for v in values if v is not None]
    return round(sum(present) / len(present), DIGITS) if present else None


def bootstrap_interval(
    tasks: Sequence[Sequence[bool]], resamples: int = BOOTSTRAP_RESAMPLES, seed: int = 0
) -> Interval:
    """A 95% percentile bootstrap interval of a resolved rate, resampling whole tasks.

    `tasks` holds each task's sample outcomes; a task's samples are drawn together, so a task
    with many samples cannot pass for many tasks. Empty input gives (None, None).
    """
    if not tasks:
        return None, None
    rng = random.Random(seed)
    rates = []
    for _ in range(resamples):
        drawn = [tasks[rng.randrange(len(tasks))] for _ in tasks]
        total = sum(len(outcomes) for outcomes in drawn)
        rates.append(sum(sum(outcomes) for outcomes in drawn) / total)
    return _percentiles(rates)


def paired_bootstrap_interval(
    differences: Sequence[float], resamples: int = BOOTSTRAP_RESAMPLES, seed: int = 0
) -> Interval:
    """A 95% percentile bootstrap interval of the mean of paired differences (one per task).

    Empty input gives (None, None).
    """
    if not differences:
        return None, None
    rng = random.Random(seed)
    count = len(differences)
    means = [
        sum(differences[rng.randrange(count)] for _ in differences) / count
        for _ in range(resamples)
    ]
    return _percentiles(means)


def _percentiles(values: list[float]) -> Interval:
    ordered = sorted(values)
    last = len(ordered) - 1
    low = ordered[int(LOW_QUANTILE * last)]
    high = ordered[int(HIGH_QUANTILE * last)]
    return round(low, DIGITS), round(high, DIGITS)
