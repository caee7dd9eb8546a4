"""Paired comparison of two models on shared tasks."""

from __future__ import annotations

from codebench.report.compare import compare
from codebench.results import Status
from codebench.tasks import Scope
from tests.conftest import result


def rows(model: str, outcomes: dict[str, Status]) -> list:  # type: ignore[type-arg]
    return [result(task, Scope.LOCAL, model, status) for task, status in outcomes.items()]


def test_wins_losses_ties_and_flips() -> None:
    a = rows(
        "a",
        {
            "t1": Status.RESOLVED,
            "t2": Status.UNRESOLVED,
            "t3": Status.RESOLVED,
            "only-a": Status.RESOLVED,
        },
    )
    b = rows(
        "b",
        {
            "t1": Status.RESOLVED,
            "t2": Status.RESOLVED,
            "t3": Status.UNRESOLVED,
            "only-b": Status.RESOLVED,
        },
    )
    result = compare(a, b, "a", "b")
    assert result.shared_tasks == 3
    assert (result.wins, result.losses, result.ties) == (1, 1, 1)
    assert result.difference == 0.0
    assert [(f.task_id, f.a, f.b) for f in result.flipped] == [("t2", 0.0, 1.0), ("t3", 1.0, 0.0)]
    assert result.ci_low is not None and result.ci_low < 0 < (result.ci_high or 0)


def test_a_clear_improvement_has_an_interval_above_zero() -> None:
    tasks = [f"t{i}" for i in range(30)]
    a = rows("a", dict.fromkeys(tasks, Status.UNRESOLVED))
    b = rows("b", {t: Status.RESOLVED if i % 3 else Status.UNRESOLVED for i, t in enumerate(tasks)})
    result = compare(a, b, "a", "b")
    assert result.wins == 20 and result.losses == 0
    assert result.ci_low is not None and result.ci_low > 0


def test_no_shared_tasks() -> None:
    result = compare(rows("a", {"x": Status.RESOLVED}), rows("b", {"y": Status.RESOLVED}), "a", "b")
    assert result.shared_tasks == 0 and result.difference is None and result.ci_low is None


def test_a_task_never_asked_is_not_a_loss() -> None:
    """Regression: `compare` counted a `not_submitted` sample as unresolved, so a replay file
    missing a task read as a loss on it."""
    gold = [result(t, Scope.LOCAL, "gold", Status.RESOLVED) for t in ("t0", "t1")]
    replay = [
        result("t0", Scope.LOCAL, "replay", Status.RESOLVED),
        result("t1", Scope.LOCAL, "replay", Status.NOT_SUBMITTED),
    ]
    comparison = compare(gold, replay, "gold", "replay")
    assert comparison.shared_tasks == 1
    assert (comparison.wins, comparison.losses, comparison.ties) == (0, 0, 1)
