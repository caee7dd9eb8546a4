"""The statistics the reports share: rounded means and seeded percentile bootstraps.

One home, so the leaderboard, `compare` and the nightly history (which keeps the leaderboard's
intervals) compute the same numbers the same way. Every interval is seeded: the same inputs
always give the same interval, bit for bit. The resampling is vectorised with numpy
(`numpy.random.default_rng(seed)`), drawing a bounded block of resamples at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy is imported where it is used: `import codebench` stays fast
    import numpy as np
    from numpy.typing import NDArray

BOOTSTRAP_RESAMPLES = 2000
DIGITS = 4  # every reported rate, mean and interval end is rounded to this many places
LOW_QUANTILE, HIGH_QUANTILE = 0.025, 0.975  # a 95% interval

Interval = tuple[float | None, float | None]
# index cells drawn at once (8 MiB of int64): the draws are made in blocks of rows this size
_BLOCK_CELLS = 1 << 20


def mean(values: Iterable[float | None]) -> float | None:
    """The mean of the values that are present (None skipped), rounded; None when none are."""
    present = [v for v in values if v is not None]
    return round(sum(present) / len(present), DIGITS) if present else None


def bootstrap_interval(
    tasks: Sequence[Sequence[bool]], resamples: int = BOOTSTRAP_RESAMPLES, seed: int = 0
) -> Interval:
    """A 95% percentile bootstrap interval of a resolved rate, resampling whole tasks.

    `tasks` holds each task's sample outcomes; a task's samples are drawn together, so a task
    with many samples cannot pass for many tasks. Empty input gives (None, None), and so does
    input whose tasks hold no samples at all.

    Raises:
        ValueError: `resamples` is not positive.
    """
    import numpy as np

    tasks = [outcomes for outcomes in tasks if outcomes]  # a task without samples adds nothing
    if not tasks:
        return None, None
    successes = np.fromiter((sum(t) for t in tasks), dtype=np.int64, count=len(tasks))
    counts = np.fromiter((len(t) for t in tasks), dtype=np.int64, count=len(tasks))
    return _percentiles(_resampled_ratios(successes, counts, resamples, seed))


def paired_bootstrap_interval(
    differences: Sequence[float], resamples: int = BOOTSTRAP_RESAMPLES, seed: int = 0
) -> Interval:
    """A 95% percentile bootstrap interval of the mean of paired differences (one per task).

    Empty input gives (None, None).

    Raises:
        ValueError: `resamples` is not positive.
    """
    import numpy as np

    if not differences:
        return None, None
    values = np.asarray(differences, dtype=np.float64)
    return _percentiles(_resampled_ratios(values, np.ones_like(values), resamples, seed))


def _resampled_ratios(
    numerators: NDArray[Any], denominators: NDArray[Any], resamples: int, seed: int
) -> NDArray[np.float64]:
    """For each of `resamples` draws of len(numerators) items with replacement (an item's
    numerator and denominator drawn together): the drawn numerators' sum over the drawn
    denominators' sum. Draws are made a block of rows at a time, so memory stays bounded
    however many items there are.

    Raises:
        ValueError: `resamples` is not positive.
    """
    import numpy as np

    if resamples < 1:
        raise ValueError(f"resamples must be positive, not {resamples}")
    rng = np.random.default_rng(seed)
    items = len(numerators)
    rows = max(1, _BLOCK_CELLS // items)
    ratios = np.empty(resamples, dtype=np.float64)
    for first in range(0, resamples, rows):
        last = min(resamples, first + rows)
        drawn = rng.integers(0, items, size=(last - first, items))
        ratios[first:last] = numerators[drawn].sum(axis=1) / denominators[drawn].sum(axis=1)
    return ratios


def _percentiles(values: NDArray[np.float64]) -> Interval:
    """The 2.5% and 97.5% order statistics (index `int(q * (n - 1))` of the sorted values)."""
    import numpy as np

    ordered = np.sort(values)
    last = len(ordered) - 1
    low = float(ordered[int(LOW_QUANTILE * last)])
    high = float(ordered[int(HIGH_QUANTILE * last)])
    return round(low, DIGITS), round(high, DIGITS)
