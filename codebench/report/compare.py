"""Comparing two models (from one run or two) paired on the tasks both attempted."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from codebench.results import Status, TaskResult
from codebench.stats import mean, paired_bootstrap_interval


class Flip(BaseModel):
    """A shared task the two models scored differently."""

    model_config = ConfigDict(frozen=True)

    task_id: str
    a: float  # share of samples resolved
    b: float


class Comparison(BaseModel):
    """B against A on their shared tasks: positive differences favour B."""

    model_config = ConfigDict(frozen=True)

    model_a: str
    model_b: str
    shared_tasks: int
    rate_a: float | None
    rate_b: float | None
    wins: int  # tasks where B scored higher
    losses: int
    ties: int
    difference: float | None  # mean of B - A over the shared tasks
    ci_low: float | None  # 95% paired bootstrap interval of the difference
    ci_high: float | None
    flipped: list[Flip]


def task_scores(results: Iterable[TaskResult]) -> dict[str, float]:
    """Task id -> share of its samples resolved; a sample never asked (`not_submitted`) is
    left out, and a task with no other sample is not compared at all."""
    outcomes: dict[str, list[bool]] = defaultdict(list)
    for result in results:
        if result.status is not Status.NOT_SUBMITTED:
            outcomes[result.task_id].append(result.status is Status.RESOLVED)
    return {task: sum(o) / len(o) for task, o in outcomes.items()}


def compare(
    a: Iterable[TaskResult], b: Iterable[TaskResult], model_a: str, model_b: str, seed: int = 0
) -> Comparison:
    """Pair two models' results by task id."""
    scores_a, scores_b = task_scores(a), task_scores(b)
    shared = sorted(scores_a.keys() & scores_b.keys())
    differences = [scores_b[t] - scores_a[t] for t in shared]
    low, high = paired_bootstrap_interval(differences, seed=seed)
    return Comparison(
        model_a=model_a,
        model_b=model_b,
        shared_tasks=len(shared),
        rate_a=mean([scores_a[t] for t in shared]),
        rate_b=mean([scores_b[t] for t in shared]),
        wins=sum(d > 0 for d in differences),
        losses=sum(d < 0 for d in differences),
        ties=sum(d == 0 for d in differences),
        difference=mean(differences),
        ci_low=low,
        ci_high=high,
        flipped=[
            Flip(task_id=t, a=scores_a[t], b=scores_b[t])
            for t in shared
            if scores_a[t] != scores_b[t]
        ],
    )
