"""`codebench nightly`: every configured model on every configured suite, a dated run, the
history appended, the page rebuilt with a trend plot, and regressions reported."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from rich.console import Console

from codebench.errors import ConfigError
from codebench.io import load_toml
from codebench.models import ModelOptions
from codebench.paths import default_tasks_root
from codebench.report import plots
from codebench.report.history import (
    History,
    compare_nights,
    load_history,
    record,
    regressed,
    write_history,
)
from codebench.report.page import write_page
from codebench.report.page_inputs import page_inputs
from codebench.report.runs import publish_run
from codebench.results import Status
from codebench.runner import Executor, ImagePreparer, RunSettings, lock_run_dir, run

HISTORY_FILE = "history.json"
NIGHTLY_TABLE = "nightly"  # the table of bench.toml this command owns


class NightlyConfig(BaseModel):
    """The `[nightly]` table of bench.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    suites: list[str] = Field(default=["core"], min_length=1)
    models: list[str] = Field(min_length=1)
    runs_dir: Path = Path("runs/nightly")
    site_dir: Path = Path("site")
    tasks_dir: Path = Field(default_factory=default_tasks_root)  # as `run --tasks-dir` does
    samples: int = Field(default=1, ge=1)
    workers: int = Field(default=2, ge=1)
    executor: Executor = Executor.LOCAL  # "ray": every night's attempts on a Ray cluster
    ray_address: str | None = None  # the cluster (None: one of this machine, started per run)


def load_nightly_config(path: Path) -> NightlyConfig:
    """Read the `[nightly]` table of a configuration file.

    Raises:
        ConfigError: the file cannot be read or parsed, or the table has bad keys (each named,
            e.g. `[nightly] models: is required but missing`).
    """
    return load_toml(path, NightlyConfig, table=NIGHTLY_TABLE)


def parse_night(text: str | None) -> date:
    """The night a `--date` names (YYYY-MM-DD), today when None; raises `ConfigError`."""
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"--date must be YYYY-MM-DD, not {text!r}") from None


@dataclass(frozen=True)
class NightlyOutcome:
    """What a night produced."""

    night: date
    run_dirs: tuple[Path, ...]
    history: History
    page: Path
    regressions: tuple[str, ...]
    suite_changes: tuple[str, ...] = ()  # (suite, model) pairs not compared: the suite changed
    statuses: tuple[Status, ...] = ()  # how every attempt of the night ended


def nightly(
    config: NightlyConfig,
    night: date,
    prepare_images: ImagePreparer,
    console: Console,
    options: ModelOptions,
) -> NightlyOutcome:
    """Run the night, append to the history, rebuild the page, find regressions."""
    history_path = config.runs_dir / HISTORY_FILE
    history = load_history(history_path)
    boards, run_dirs = [], []
    statuses: list[Status] = []
    for suite in config.suites:
        run_dir = config.runs_dir / night.isoformat() / suite
        settings = RunSettings(
            suite=suite,
            tasks_root=config.tasks_dir,
            run_dir=run_dir,
            model_specs=tuple(config.models),
            samples=config.samples,
            workers=config.workers,
            model_options=options,
            executor=config.executor,
            ray_address=config.ray_address,
        )
        with lock_run_dir(run_dir) as held:  # held until its leaderboard is written
            outcome = run(settings, prepare_images, console, held=held)
            board = publish_run(settings, outcome).board
        statuses.extend(result.status for result in outcome.results)
        history = record(history, night, board)
        boards.append(board)
        run_dirs.append(run_dir)
    write_history(history, history_path)
    inputs = page_inputs(run_dirs, config.suites, config.tasks_dir)
    page = write_page(boards, config.site_dir, plots.trend(trend_series(history)), inputs)
    compared = compare_nights(history, night)
    return NightlyOutcome(
        night,
        tuple(run_dirs),
        history,
        page,
        tuple(compared.regressions),
        tuple(compared.suite_changes),
        tuple(statuses),
    )


def trend_series(history: History) -> dict[str, list[plots.TrendPoint]]:
    """Each (model, suite)'s nights as trend points, regressions flagged."""
    series: dict[str, list[plots.TrendPoint]] = defaultdict(list)
    for entry in history.entries:
        if entry.resolved_rate is not None:
            series[f"{entry.model} ({entry.suite})"].append(
                plots.TrendPoint(
                    entry.date.isoformat(),
                    entry.resolved_rate,
                    entry.ci_low,
                    entry.ci_high,
                    regressed(history, entry),
                )
            )
    return dict(series)
