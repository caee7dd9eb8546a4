"""Reading graded runs for export: their results, the suite they ran, and the settings each
model's prompt was built with."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from codebench.errors import ResultStoreError, TrainingDataError
from codebench.models import ModelOptions
from codebench.models.formats import EditFormat
from codebench.report.leaderboard import load_leaderboard
from codebench.report.runs import LEADERBOARD_FILE, damaged_message
from codebench.results import TaskResult
from codebench.runner import ResultStore
from codebench.tasks import Task, load_suite


@dataclass(frozen=True)
class RunSource:
    """One run directory: its results, its suite, and the run's `--edit-format`, if any."""

    run_dir: Path
    suite: str
    edit_format: EditFormat | None
    results: tuple[TaskResult, ...]


@dataclass(frozen=True)
class Sources:
    """The runs to export, and the tasks of their (one) suite by id."""

    runs: tuple[RunSource, ...]
    suite: str
    tasks: dict[str, Task]

    @property
    def results(self) -> list[TaskResult]:
        """Every result of every run, in run then path order."""
        return [result for run in self.runs for result in run.results]


def read_run(run_dir: Path, suite: str | None) -> RunSource:
    """A run directory's results and recorded settings (from its leaderboard.json).

    Raises:
        ResultStoreError: the directory holds no results, or damaged ones (each listed).
        TrainingDataError: no suite is known (no leaderboard names one and `suite` is None).
    """
    scan = ResultStore(run_dir).scan()
    if scan.damaged:
        raise ResultStoreError(damaged_message(run_dir, scan.damaged))
    if not scan.results:
        raise ResultStoreError(f"{run_dir} holds no results (expected {run_dir}/results/...)")
    recorded, edit_format = None, None
    board_path = run_dir / LEADERBOARD_FILE
    if board_path.is_file():
        try:
            board = load_leaderboard(board_path)
        except ValueError as exc:
            raise ResultStoreError(
                f"{board_path}: unreadable ({type(exc).__name__}); rebuild it with "
                f"`codebench leaderboard {run_dir}`, or pass --suite"
            ) from exc
        recorded = board.suite
        settings = board.provenance.settings
        if settings is not None and settings.edit_format is not None:
            edit_format = EditFormat(settings.edit_format)
    name = suite or recorded
    if name is None:
        raise TrainingDataError(
            f"{run_dir}: no {LEADERBOARD_FILE} names the run's suite; pass --suite NAME"
        )
    return RunSource(run_dir, name, edit_format, scan.results)


def read_sources(run_dirs: Sequence[Path], suite: str | None, tasks_root: Path) -> Sources:
    """Every run's results and the tasks of their suite.

    Raises:
        TrainingDataError: no run directory given, runs of different suites, or a result of
            a task the suite does not hold (named, with its file).
        ResultStoreError, TaskError: as `read_run` and `load_suite` do.
    """
    if not run_dirs:
        raise TrainingDataError("no run directory given: name at least one RUN_DIR")
    runs = tuple(read_run(run_dir, suite) for run_dir in run_dirs)
    suites = sorted({run.suite for run in runs})
    if len(suites) > 1:
        raise TrainingDataError(
            f"the runs are of different suites ({', '.join(suites)}): export one suite at a time"
        )
    tasks = {task.id: task for task in load_suite(suites[0], tasks_root)}
    for run in runs:
        for result in run.results:
            if result.task_id not in tasks:
                path = ResultStore(run.run_dir).root / result.task_id
                raise TrainingDataError(
                    f"{path}: task {result.task_id!r} is not in suite {suites[0]!r} under "
                    f"{tasks_root}; pass the --tasks-dir the run used, or remove the folder"
                )
    return Sources(runs, suites[0], tasks)


def model_options(config: Path | None, edit_format: EditFormat | None) -> ModelOptions:
    """The model settings prompts are rebuilt with: the configuration file, the run's edit
    format override. Raises `ConfigError` for a bad configuration file."""
    from codebench.report.nightly import NIGHTLY_TABLE

    return ModelOptions.load(config, other_tables={NIGHTLY_TABLE}, edit_format=edit_format)
