"""A run's leaderboard file: built from its results with provenance, written beside them."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from codebench.errors import ConfigError, ResultStoreError
from codebench.report.leaderboard import (
    Leaderboard,
    RunRecord,
    build_leaderboard,
    load_leaderboard,
    task_dates,
    write_leaderboard,
)
from codebench.report.swebench import SWEBENCH_REPORT_FILE, swebench_report, write_swebench_report
from codebench.results import ResultRecord, TaskResult
from codebench.runner import ResultStore, RunOutcome, RunSettings
from codebench.runner.store import DamagedResult
from codebench.tasks import load_suite
from codebench.tasks.dates import DateSelection, TaskDate, select_since

LEADERBOARD_FILE = "leaderboard.json"


@dataclass(frozen=True)
class PublishedLeaderboard:
    """A leaderboard and where it was written (the SWE-bench-style report beside it);
    `warning` says what could not be carried over, `skipped` which damaged result files were
    left out, `selection` what a `since` limit kept and left out."""

    board: Leaderboard
    path: Path
    swebench_path: Path
    warning: str | None = None
    skipped: tuple[DamagedResult, ...] = ()
    selection: DateSelection = field(default_factory=lambda: DateSelection(None, ()))


def run_record(settings: RunSettings) -> RunRecord:
    """The settings a run was made with, as the leaderboard's provenance records them."""
    options = settings.model_options
    return RunRecord(
        models=list(settings.model_specs),
        samples=settings.samples,
        workers=settings.workers,
        model_calls=options.model_calls,
        backend=settings.backend.value,
        analysis=settings.analyse,
        edit_format=options.edit_format,
        tries=settings.tries,
        executor=settings.executor.value,
    )


def publish_run(settings: RunSettings, outcome: RunOutcome) -> PublishedLeaderboard:
    """Build a finished run's leaderboard and write it to `RUN_DIR/leaderboard.json`, and the
    SWE-bench-style report to `RUN_DIR/swebench_report.json`.

    Raises `OSError` when a file cannot be written (the results stay where they are).
    """
    board = build_leaderboard(
        outcome.results,
        suite=settings.suite,
        settings=run_record(settings),
        git_commit=git_commit(settings.tasks_root),
        task_dates=task_dates(outcome.task_dates, outcome.selection),
    )
    path = write_leaderboard(board, settings.run_dir / LEADERBOARD_FILE)
    return PublishedLeaderboard(
        board, path, _write_swebench(board, outcome.results, path), selection=outcome.selection
    )


def _write_swebench(
    board: Leaderboard, results: Sequence[TaskResult | ResultRecord], beside: Path
) -> Path:
    report = swebench_report(results, [task.id for task in board.tasks], board.suite)
    return write_swebench_report(report, beside.parent / SWEBENCH_REPORT_FILE)


@dataclass(frozen=True)
class Freshness:
    """The tasks' dates for a rebuilt leaderboard: task id -> created_at (a task missing from
    it is undated), and the `since` limit to apply."""

    dates: Mapping[str, TaskDate | None]
    since: datetime | None = None


def suite_dates(suite: str | None, tasks_root: Path) -> dict[str, TaskDate | None]:
    """Each task's created_at in the suite. Raises `ConfigError` when no suite is named,
    `TaskError` when it cannot be loaded."""
    if suite is None:
        raise ConfigError("the leaderboard records no suite: pass --suite to read the tasks' dates")
    return {task.id: task.spec.created_at for task in load_suite(suite, tasks_root)}


def recorded_suite(run_dir: Path) -> str | None:
    """The suite the run directory's leaderboard names; None without a readable one."""
    try:
        return load_leaderboard(run_dir / LEADERBOARD_FILE).suite
    except (OSError, ValueError):
        return None


def republish(
    run_dir: Path,
    output: Path | None = None,
    skip_damaged: bool = False,
    freshness: Freshness | None = None,
) -> PublishedLeaderboard:
    """Rebuild a run directory's leaderboard from its stored results and write it, with the
    SWE-bench-style report beside it.

    The suite, settings and commit of the leaderboard already there are kept: the results alone
    do not record them. Damaged result files are refused unless `skip_damaged`; then they are
    left out, listed in `skipped`, and counted in the provenance. With `freshness`, only the
    tasks created since its `since` are kept, and the tasks' date range is recorded.

    Raises:
        ResultStoreError: the directory holds no results, or damaged ones not to be skipped
            (each listed with why), or none of a task created since `since`.
    """
    scan = ResultStore(run_dir).records()  # the leaderboard reads no patch or log
    if scan.damaged and not skip_damaged:
        raise ResultStoreError(damaged_message(run_dir, scan.damaged))
    results: list[ResultRecord] = list(scan.records)
    if not results:
        raise ResultStoreError(f"{run_dir} holds no results (expected {run_dir}/results/...)")
    previous = run_dir / LEADERBOARD_FILE
    old, warning = None, None
    if previous.is_file():
        try:
            old = load_leaderboard(previous)
        except ValueError as exc:
            warning = f"{previous} is unreadable ({exc.__class__.__name__}): its provenance is lost"
    results, selection, dates = _fresh_results(results, freshness, run_dir)
    board = build_leaderboard(
        results,
        suite=old.suite if old else None,
        settings=old.provenance.settings if old else None,
        git_commit=old.provenance.git_commit if old else None,
        skipped_results=len(scan.damaged),
        task_dates=task_dates(dates, selection) if freshness is not None else None,
    )
    path = write_leaderboard(board, output or previous)
    swebench = _write_swebench(board, results, path)
    return PublishedLeaderboard(board, path, swebench, warning, scan.damaged, selection)


def _fresh_results(
    results: list[ResultRecord], freshness: Freshness | None, run_dir: Path
) -> tuple[list[ResultRecord], DateSelection, dict[str, TaskDate | None]]:
    """The results of the tasks `freshness` keeps, what it kept, and the kept tasks' dates."""
    ids = list(dict.fromkeys(sorted(r.task_id for r in results)))
    if freshness is None:
        return results, DateSelection(None, tuple(ids)), {}
    dates = {task: freshness.dates.get(task) for task in ids}
    selection = select_since(dates, freshness.since)
    if not selection.kept:
        raise ResultStoreError(
            f"{run_dir}: no task of its results was created since {freshness.since} "
            f"({len(selection.undated)} without created_at, {len(selection.older)} older)"
        )
    kept = set(selection.kept)
    fresh = {task: when for task, when in dates.items() if task in kept}
    return [r for r in results if r.task_id in kept], selection, fresh


def damaged_message(run_dir: Path, damaged: Sequence[DamagedResult]) -> str:
    """Why a leaderboard of `run_dir` is refused: every damaged file, and the two ways out."""
    lines = "".join(f"\n  {d.describe()}" for d in damaged)
    return (
        f"{run_dir} has {len(damaged)} damaged result file(s); a leaderboard without them would "
        f"count fewer attempts than were made:{lines}\n"
        "rerun `codebench run` on this directory to recompute them, or pass --skip-damaged to "
        "build the leaderboard without them (the leaderboard records how many were skipped)"
    )


def git_commit(inside: Path) -> str | None:
    """The commit of the checkout holding the tasks, if it is one (for provenance)."""
    done = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=inside, capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or None if done.returncode == 0 else None
