"""The shared statistics: empty inputs, seeded repeatability, and known small answers."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest

from codebench.stats import bootstrap_interval, mean, paired_bootstrap_interval


def test_empty_inputs_have_no_interval_and_no_mean() -> None:
    assert bootstrap_interval([]) == (None, None)
    assert paired_bootstrap_interval([]) == (None, None)
    assert mean([]) is None
    assert mean([None, None]) is None


def test_mean_skips_missing_values_and_rounds() -> None:
    assert mean([1.0, None, 2.0]) == 1.5
    assert mean([1 / 3]) == 0.3333
    assert mean([0.0]) == 0.0  # a real zero is not "missing"


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_same_seed_same_interval(seed: int) -> None:
    tasks = [[True], [False], [True, False], [False, False, True]] * 3
    assert bootstrap_interval(tasks, seed=seed) == bootstrap_interval(tasks, seed=seed)
    differences = [1.0, 0.0, -0.5, 0.5, 0.0, -1.0]
    assert paired_bootstrap_interval(differences, seed=seed) == paired_bootstrap_interval(
        differences, seed=seed
    )


def test_another_seed_may_move_the_interval() -> None:
    differences = [1.0, 0.0, -0.5, 0.5, 0.0]
    # pinned for numpy's default_rng draws (the pure-Python draws before it gave them swapped)
    assert paired_bootstrap_interval(differences, seed=0) == (-0.2, 0.7)
    assert paired_bootstrap_interval(differences, seed=1) == (-0.2, 0.6)


def test_constant_inputs_give_a_point_interval() -> None:
    assert bootstrap_interval([[True]] * 10) == (1.0, 1.0)
    assert bootstrap_interval([[False, False]] * 3) == (0.0, 0.0)
    assert paired_bootstrap_interval([0.5] * 4) == (0.5, 0.5)


def test_known_small_inputs() -> None:
    # pinned: the leaderboard and compare publish these numbers, so they must never drift
    assert bootstrap_interval([[True], [False], [False], [True, False]]) == (0.0, 0.75)
    assert bootstrap_interval([[True] * 9, [False]]) == (0.0, 1.0)


def test_whole_tasks_are_resampled_not_samples() -> None:
    # one task with nine resolved samples and one unresolved task: drawing the unresolved task
    # twice gives 0, drawing the big task twice gives 1, so the interval spans both ends
    low, high = bootstrap_interval([[True] * 9, [False]], resamples=200, seed=3)
    assert (low, high) == (0.0, 1.0)


def test_the_interval_holds_the_rate() -> None:
    low, high = bootstrap_interval([[True], [False]] * 20)
    assert low is not None and high is not None
    assert low < 0.5 < high


def _reference(tasks: Sequence[Sequence[float]], resamples: int, seed: int) -> tuple[float, float]:
    """The straightforward bootstrap: draw len(tasks) whole tasks with replacement, pool their
    samples, take the mean; the 2.5% and 97.5% order statistics of the sorted means."""
    rng = random.Random(seed)
    rates = []
    for _ in range(resamples):
        drawn = [tasks[rng.randrange(len(tasks))] for _ in tasks]
        rates.append(sum(sum(t) for t in drawn) / sum(len(t) for t in drawn))
    rates.sort()
    last = len(rates) - 1
    return rates[int(0.025 * last)], rates[int(0.975 * last)]


def _shape(rng: random.Random, count: int, most: int, rate: float) -> list[list[bool]]:
    """`count` tasks of 1..`most` samples each, each sample resolved with chance `rate`, the
    chance shifted per task so that tasks differ."""
    tasks = []
    for _ in range(count):
        task_rate = min(1.0, max(0.0, rate + rng.uniform(-0.3, 0.3)))
        tasks.append([rng.random() < task_rate for _ in range(rng.randint(1, most))])
    return tasks


SHAPES = [
    ("one sample each", 60, 1, 0.4),
    ("eight samples each", 40, 8, 0.6),
    ("uneven sample counts", 30, 12, 0.3),
    ("many tasks", 400, 3, 0.5),
]


@pytest.mark.parametrize(("name", "count", "most", "rate"), SHAPES, ids=[s[0] for s in SHAPES])
def test_agrees_with_a_pure_python_reference(name: str, count: int, most: int, rate: float) -> None:
    tasks = _shape(random.Random(name), count, most, rate)
    low, high = bootstrap_interval(tasks, resamples=2000, seed=5)
    ref_low, ref_high = _reference(tasks, resamples=2000, seed=11)
    assert low is not None and high is not None
    assert abs(low - ref_low) <= 0.02 and abs(high - ref_high) <= 0.02


def test_paired_agrees_with_a_pure_python_reference() -> None:
    rng = random.Random(3)
    differences = [rng.choice([-1.0, -0.5, 0.0, 0.5, 1.0]) for _ in range(80)]
    low, high = paired_bootstrap_interval(differences, resamples=2000, seed=2)
    ref_low, ref_high = _reference([[d] for d in differences], resamples=2000, seed=9)
    assert low is not None and high is not None
    assert abs(low - ref_low) <= 0.03 and abs(high - ref_high) <= 0.03


def test_same_seed_gives_identical_intervals_on_a_large_input() -> None:
    # more tasks than one block of draws holds rows for: blocks must not break repeatability
    tasks = _shape(random.Random(1), 3000, 8, 0.5)
    first = bootstrap_interval(tasks, seed=4)
    assert first == bootstrap_interval(tasks, seed=4)
    assert first != (None, None)


def test_a_single_task_is_its_own_rate() -> None:
    assert bootstrap_interval([[True, False, False, True]]) == (0.5, 0.5)
    assert paired_bootstrap_interval([0.25]) == (0.25, 0.25)


def test_a_tasks_samples_are_drawn_together_whatever_their_counts() -> None:
    # a resolved task of 1 sample and an unresolved one of 3: the pooled rate of a draw is one
    # of 1 (the first twice), 1/4 (one of each) or 0 (the second twice), never anything else
    tasks = [[True], [False, False, False]]
    low, high = bootstrap_interval(tasks, resamples=500, seed=0)
    assert (low, high) == (0.0, 1.0)
    rng_rates = {round(_reference(tasks, 1, seed)[0], 4) for seed in range(50)}
    assert rng_rates <= {0.0, 0.25, 1.0}


def test_tasks_without_samples_have_no_interval() -> None:
    assert bootstrap_interval([[], []]) == (None, None)


def test_resamples_must_be_positive() -> None:
    with pytest.raises(ValueError, match="resamples"):
        bootstrap_interval([[True]], resamples=0)


def test_tasks_without_samples_are_left_out_of_the_resampling() -> None:
    """A resample drawing only sample-less tasks gave NaN (0/0) with a numpy warning."""
    with_empty = bootstrap_interval([[True], [], [], [], [False], [], []], resamples=500)
    assert with_empty == bootstrap_interval([[True], [False]], resamples=500)
    assert None not in with_empty
