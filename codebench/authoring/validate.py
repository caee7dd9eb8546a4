"""`tasks validate`: prove each task is gradable: FAIL_TO_PASS fails on the starting tree,
PASS_TO_PASS passes there, and every listed test passes with the gold patch."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from rich.console import Console
from rich.progress import Progress

from codebench.analysis import Entity, changed_entities, classify_scope
from codebench.errors import PlaceholderError
from codebench.grading import TestStatus
from codebench.patching import ParsedPatch, parse_patch
from codebench.results import Evaluation, Status
from codebench.runner import SandboxSettings, evaluate_patch
from codebench.sandbox import finish_closing
from codebench.tasks import Scope, Task
from codebench.tasks.loader import TASK_FILE

PLACEHOLDER = "TODO:"  # how `tasks scaffold` and `tasks mine` mark a draft a person must write


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
    """Check the task's text, then the task against its starting tree once and its gold patch
    `gold_runs` times. Problems are returned, not raised (a `PlaceholderError` among them)."""
    problems = [str(error) for error in placeholder_errors(task)]
    problems += scope_problems(task)
    problems += _base_problems(evaluate_patch(task, "", settings, grade_empty=True))
    for run in range(1, gold_runs + 1):
        gold = evaluate_patch(task, task.gold_patch, settings)
        problems.extend(f"gold run {run}: {p}" for p in _gold_problems(gold))
    return TaskValidation(task.id, tuple(dict.fromkeys(problems)))


def placeholder_errors(task: Task) -> list[PlaceholderError]:
    """The title or instruction still holding the "TODO: ..." draft `tasks scaffold` wrote."""
    texts = {"title": task.spec.title, "instruction": task.spec.instruction}
    return [
        PlaceholderError(task.task_dir / TASK_FILE, field)
        for field, text in texts.items()
        if text.strip().startswith(PLACEHOLDER)
    ]


def scope_problems(task: Task) -> list[str]:
    """Disagreements between the declared scope and what the gold patch touches."""
    entities = gold_entities(task)
    measured = classify_scope(entities)
    touched = ", ".join(sorted(str(e) for e in entities))
    if task.scope is Scope.LOCAL and measured is Scope.GLOBAL:
        return [f"declared local, but the gold patch touches {len(entities)} entities: {touched}"]
    if task.scope is Scope.GLOBAL and measured is Scope.LOCAL and not task.spec.context_files:
        return [
            f"declared global, but the gold patch only touches {touched}: name the other files "
            "it needs in context_files, or declare it local"
        ]
    edited = {e.path for e in entities}
    return [
        f"context_files: {path} does not exist in the repository or is the edited file"
        for path in task.spec.context_files
        if path in edited or not (task.repo_dir / path).is_file()
    ]


def gold_entities(task: Task) -> set[Entity]:
    """The entities (functions, classes, module regions) the gold patch changes."""
    parsed = parse_patch(task.gold_patch, task.repo_dir)
    paths = parsed.paths if isinstance(parsed, ParsedPatch) else ()
    old = {path: text for path in paths if (text := task.starting_text(path)) is not None}
    return changed_entities(task.gold_patch, old)


def _base_problems(base: Evaluation) -> list[str]:
    """FAIL_TO_PASS must fail and PASS_TO_PASS must pass on the starting tree."""
    if base.status in (Status.SANDBOX_ERROR, Status.TIMEOUT):
        return [f"starting tree: {base.status.value}: {base.reason}"]
    # the checks must hold on the untouched tree too, or they would flag every attempt
    problems = [f"starting tree trips an integrity check: {f.describe()}" for f in base.integrity]
    for outcome in base.tests:
        if outcome.fail_to_pass and outcome.status is TestStatus.PASSED:
            problems.append(f"FAIL_TO_PASS {outcome.test_id} already passes on the starting tree")
        if not outcome.fail_to_pass and outcome.status is not TestStatus.PASSED:
            problems.append(
                f"PASS_TO_PASS {outcome.test_id} is {outcome.status.value} on the starting tree"
            )
    return problems


def _gold_problems(gold: Evaluation) -> list[str]:
    problems = [f"the gold patch trips an integrity check: {f.describe()}" for f in gold.integrity]
    if gold.status is not Status.RESOLVED and not gold.integrity:
        problems.append(f"the gold patch is {gold.status.value}: {gold.reason}")
    if gold.tampered_paths:
        problems.append(f"the gold patch edits protected paths: {', '.join(gold.tampered_paths)}")
    return problems


def validate_suite(
    tasks: list[Task], settings: SandboxSettings, *, workers: int, gold_runs: int, console: Console
) -> list[TaskValidation]:
    """Validate every task over a pool of sandboxes; verdicts come back in the tasks' order."""
    with Progress(console=console) as progress, ThreadPoolExecutor(max_workers=workers) as pool:
        bar = progress.add_task("validating", total=len(tasks))

        def one(task: Task) -> TaskValidation:
            verdict = validate_task(task, settings, gold_runs)
            progress.advance(bar)
            return verdict

        verdicts = list(pool.map(one, tasks))
    finish_closing()
    return verdicts
