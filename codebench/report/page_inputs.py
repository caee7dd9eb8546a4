"""What the page shows beyond leaderboard.json: each attempt's full result, its trajectory, and
the task it was made on (instruction, gold patch, repository, date), read from run directories."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from codebench.errors import CodebenchError, ResultStoreError
from codebench.models.base import model_slug
from codebench.models.trajectory import Trajectory
from codebench.results import TaskResult
from codebench.runner.store import ResultStore
from codebench.tasks import Task, load_suite


@dataclass(frozen=True)
class TaskInfo:
    """What the page shows of a task."""

    id: str
    title: str
    instruction: str
    gold_patch: str
    repository: str  # the repository's name (its folder, or the mined source's)
    created: str | None  # the created_at date, YYYY-MM-DD
    # a file's text in the starting tree (None: no such file), to place diff lines in their
    # definitions; None when the tree is not at hand
    read_old: Callable[[str], str | None] | None = None


@dataclass(frozen=True)
class Attempt:
    """One graded attempt as a person reads it: the result and its agent trajectory."""

    result: TaskResult
    trajectory: Trajectory | None = None
    # `--tries`: each earlier try's trajectory by try number (None: its file is missing)
    earlier: Mapping[int, Trajectory | None] = field(default_factory=dict)


@dataclass(frozen=True)
class PageInputs:
    """The attempts and tasks of the page's runs; empty for a page of leaderboards alone."""

    attempts: tuple[Attempt, ...] = ()
    tasks: Mapping[str, TaskInfo] = field(default_factory=dict)


def task_info(task: Task) -> TaskInfo:
    """A task as the page shows it."""
    spec = task.spec
    source = spec.source
    repository = task.repo_dir.name
    if source is not None and source.repository:
        repository = source.repository.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
    created = spec.created_at.isoformat()[:10] if spec.created_at is not None else None
    return TaskInfo(
        task.id,
        spec.title,
        spec.instruction,
        task.gold_patch,
        repository,
        created,
        task.starting_text,
    )


def load_tasks(suite: str | None, tasks_root: Path | None) -> dict[str, TaskInfo]:
    """The suite's tasks by id; empty when no suite or root is named or the suite cannot be
    loaded (the page then shows no instruction, gold patch, repository or date)."""
    if suite is None or tasks_root is None:
        return {}
    try:
        return {task.id: task_info(task) for task in load_suite(suite, tasks_root)}
    except (CodebenchError, OSError):
        return {}


def load_attempts(run_dir: Path) -> tuple[Attempt, ...]:
    """Every readable result of a run with its trajectory (damaged files are left out: the
    leaderboard command reports them).

    Raises:
        ResultStoreError: the run directory cannot be read.
    """
    store = ResultStore(run_dir)
    try:
        results = store.scan().results
    except OSError as exc:
        raise ResultStoreError(f"cannot read results of {run_dir}: {exc}") from exc
    return tuple(_attempt(store, r) for r in results)


def _attempt(store: ResultStore, result: TaskResult) -> Attempt:
    """The result with its stored trajectories (the last try's, and earlier tries' when an
    agent made several)."""
    slug = model_slug(result.model)
    load = store.load_trajectory
    earlier = {
        number: load(result.task_id, slug, result.sample, number)
        for number, outcome in enumerate(result.tries[:-1], 1)
        if outcome.trajectory is not None
    }
    last = load(result.task_id, slug, result.sample) if result.trajectory is not None else None
    return Attempt(result, last, earlier)


def page_inputs(
    run_dirs: Sequence[Path], suites: Sequence[str | None], tasks_root: Path | None
) -> PageInputs:
    """The attempts of every run and the tasks of every suite named.

    Raises:
        ResultStoreError: a run directory cannot be read.
    """
    attempts = tuple(a for run_dir in run_dirs for a in load_attempts(run_dir))
    tasks: dict[str, TaskInfo] = {}
    for suite in dict.fromkeys(suites):
        tasks.update(load_tasks(suite, tasks_root))
    return PageInputs(attempts, tasks)
