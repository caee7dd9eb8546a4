"""`tasks validate`: prove each task is gradable: FAIL_TO_PASS fails on the starting tree,
PASS_TO_PASS passes there, and every listed test passes with the gold patch."""

from __future__ import annotations

from dataclasses import dataclass

from codebench.grading import TestStatus
from codebench.results import Status
from codebench.runner.evaluate import Evaluation, SandboxSettings, evaluate_patch
from codebench.tasks.loader import Task


@dataclass(frozen=True)
class TaskValidation:
    """The verdict on one task: valid when it has no problems."""

    task_id: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when the task is valid."""
        return not self.problems


def validate_task(task: Task, settings: SandboxSettings, gold_runs: int = 1) -> TaskValidation:
    """Check the task against its starting tree once and its gold patch `gold_runs` times."""
    problems = list(_base_problems(evaluate_patch(task, "", settings, grade_empty=True)))
    for run in range(1, gold_runs + 1):
        gold = evaluate_patch(task, task.gold_patch, settings)
        problems.extend(f"gold run {run}: {p}" for p in _gold_problems(gold))
    return TaskValidation(task.id, tuple(dict.fromkeys(problems)))


def _base_problems(base: Evaluation) -> list[str]:
    if base.status in (Status.SANDBOX_ERROR, Status.TIMEOUT):
        return [f"starting tree: {base.status.value}: {base.reason}"]
    problems = []
    for outcome in base.tests:
        if outcome.fail_to_pass and outcome.status is TestStatus.PASSED:
            problems.append(f"FAIL_TO_PASS {outcome.test_id} already passes on the starting tree")
        if not outcome.fail_to_pass and outcome.status is not TestStatus.PASSED:
            problems.append(
                f"PASS_TO_PASS {outcome.test_id} is {outcome.status.value} on the starting tree"
            )
    return problems


def _gold_problems(gold: Evaluation) -> list[str]:
    problems = []
    if gold.status is not Status.RESOLVED:
        problems.append(f"the gold patch is {gold.status.value}: {gold.reason}")
    if gold.tampered_paths:
        problems.append(f"the gold patch edits protected paths: {', '.join(gold.tampered_paths)}")
    return problems
