"""The shared statistics: empty inputs, seeded repeatability, and known small answers."""

from __future__ import annotations

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
    assert paired_bootstrap_interval(differences, seed=0) == (-0.2, 0.6)
    assert paired_bootstrap_interval(differences, seed=1) == (-0.2, 0.7)


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
