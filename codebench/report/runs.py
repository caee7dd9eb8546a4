"""A run's leaderboard file: built from its results with provenance, written beside them."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from codebench.errors import ResultStoreError
from codebench.report.leaderboard import (
    Leaderboard,
    RunRecord,
    build_leaderboard,
    load_leaderboard,
    write_leaderboard,
)
from codebench.results import TaskResult
from codebench.runner import ResultStore, RunOutcome, RunSettings
from codebench.runner.store import DamagedResult

LEADERBOARD_FILE = "leaderboard.json"


@dataclass(frozen=True)
class PublishedLeaderboard:
    """A leaderboard and where it was written; `warning` says what could not be carried over,
    `skipped` which damaged result files were left out."""

    board: Leaderboard
    path: Path
    warning: str | None = None
    skipped: tuple[DamagedResult, ...] = ()


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
    )


def publish_run(settings: RunSettings, outcome: RunOutcome) -> PublishedLeaderboard:
    """Build a finished run's leaderboard and write it to `RUN_DIR/leaderboard.json`.

    Raises `OSError` when the file cannot be written (the results stay where they are).
    """
    board = build_leaderboard(
        outcome.results,
        suite=settings.suite,
        settings=run_record(settings),
        git_commit=git_commit(settings.tasks_root),
    )
    path = write_leaderboard(board, settings.run_dir / LEADERBOARD_FILE)
    return PublishedLeaderboard(board, path)


def republish(
    run_dir: Path, output: Path | None = None, skip_damaged: bool = False
) -> PublishedLeaderboard:
    """Rebuild a run directory's leaderboard from its stored results and write it.

    The suite, settings and commit of the leaderboard already there are kept: the results alone
    do not record them. Damaged result files are refused unless `skip_damaged`; then they are
    left out, listed in `skipped`, and counted in the provenance.

    Raises:
        ResultStoreError: the directory holds no results, or damaged ones not to be skipped
            (each listed with why).
    """
    scan = ResultStore(run_dir).scan()
    if scan.damaged and not skip_damaged:
        raise ResultStoreError(damaged_message(run_dir, scan.damaged))
    results: list[TaskResult] = list(scan.results)
    if not results:
        raise ResultStoreError(f"{run_dir} holds no results (expected {run_dir}/results/...)")
    previous = run_dir / LEADERBOARD_FILE
    old, warning = None, None
    if previous.is_file():
        try:
            old = load_leaderboard(previous)
        except ValueError as exc:
            warning = f"{previous} is unreadable ({exc.__class__.__name__}): its provenance is lost"
    board = build_leaderboard(
        results,
        suite=old.suite if old else None,
        settings=old.provenance.settings if old else None,
        git_commit=old.provenance.git_commit if old else None,
        skipped_results=len(scan.damaged),
    )
    path = write_leaderboard(board, output or previous)
    return PublishedLeaderboard(board, path, warning, scan.damaged)


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
