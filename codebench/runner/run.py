"""The run loop: tasks x models x samples over a bounded pool of sandboxes, resumable."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from codebench.errors import ConfigError, SandboxError
from codebench.models import Model, ModelOptions, get_model
from codebench.models.limits import LimitedModel
from codebench.models.replay import ReplayModel
from codebench.results import TaskResult
from codebench.runner.analysis_step import start_analysis_process, stop_analysis_process
from codebench.runner.attempt import AttemptOutcome, RunCancelledError, WorkItem, attempt
from codebench.runner.evaluate import SandboxSettings
from codebench.runner.lock import HeldRunDir, lock_run_dir
from codebench.runner.store import DamagedResult, ResultStore
from codebench.sandbox import LIVE, Backend, ImageSet, Limits, finish_closing, start_ahead
from codebench.tasks import Task, load_suite, select_tasks
from codebench.tasks.dates import DateSelection, TaskDate, select_since

SWITCH_INTERVAL_SECONDS = 0.0005
SHOWN_UNKNOWN_IDS = 5  # a warning about unknown prediction ids names at most this many


class Executor(StrEnum):
    """Where attempts run: a pool of this process's threads, or tasks of a Ray cluster."""

    LOCAL = "local"
    RAY = "ray"


@dataclass(frozen=True)
class RunSettings:
    """Everything one `codebench run` needs."""

    suite: str
    tasks_root: Path
    run_dir: Path
    model_specs: tuple[str, ...]
    samples: int = 1
    workers: int = 2
    backend: Backend = Backend.DOCKER
    limits: Limits = field(default_factory=Limits)
    task_ids: tuple[str, ...] = ()  # empty: every task of the suite
    model_options: ModelOptions = field(default_factory=ModelOptions)
    analyse: bool = True  # False: grade only, no edit analysis (faster on small machines)
    since: datetime | None = None  # only tasks created at or after it (see tasks.dates)
    tries: int = 1  # per attempt: a failed try is followed by another, with feedback
    executor: Executor = Executor.LOCAL
    ray_address: str | None = None  # --executor ray: the cluster (None: one started for the run)


@dataclass(frozen=True)
class RunOutcome:
    """What a run produced: every result, in the order the models were asked for."""

    results: tuple[TaskResult, ...]
    reused: int
    computed: int
    damaged: tuple[DamagedResult, ...] = ()  # stored files that could not be read: recomputed
    # the tasks run and their created_at; and which `since` kept and left out
    task_dates: dict[str, TaskDate | None] = field(default_factory=dict)
    selection: DateSelection = field(default_factory=lambda: DateSelection(None, ()))


# Image keys a run needs -> their prepared images (built if needed).
ImagePreparer = Callable[[set[str]], ImageSet]


def run(
    settings: RunSettings,
    prepare_images: ImagePreparer,
    console: Console,
    *,
    held: HeldRunDir | None = None,
) -> RunOutcome:
    """Run every (task, model, sample), reusing stored results whose key still matches.

    `prepare_images` turns the image keys the tasks need into image ids (building if needed).
    Ctrl-C (or SIGTERM turned into KeyboardInterrupt) destroys every open sandbox and leaves
    finished results on disk for the next run. The run directory is locked for the run, or
    for longer by a caller that passes its `held` lock (to publish before releasing it).

    Raises:
        RunDirInUseError: another run holds the run directory (nothing is attempted).
    """
    if held is not None and held.covers(settings.run_dir):
        return _run(settings, prepare_images, console)
    with lock_run_dir(settings.run_dir):
        return _run(settings, prepare_images, console)


def _run(settings: RunSettings, prepare_images: ImagePreparer, console: Console) -> RunOutcome:
    suite = load_suite(settings.suite, settings.tasks_root)
    tasks, selection = _fresh(select_tasks(suite, settings.task_ids), settings)
    gold = {task.id: task.gold_patch for task in tasks}
    models = [get_model(spec, gold, settings.model_options) for spec in settings.model_specs]
    warn_unknown_predictions(models, [task.id for task in suite], console)
    # any model, brought or built in: a trajectory past its agent limits is not graded
    models = [limited(model, settings.model_options) for model in models]
    items = [
        WorkItem(t, m, s, settings.analyse, max(1, settings.tries))
        for m in models
        for t in tasks
        for s in range(settings.samples)
    ]
    store = ResultStore(settings.run_dir)
    damaged = say_damaged(store, items, console)
    if settings.executor is Executor.RAY:
        outcomes = _on_ray(items, store, settings, prepare_images, console)
    else:
        outcomes = _on_threads(items, store, settings, prepare_images, console)
    # in the order the models were asked for, whatever order the attempts finished in
    rank = {model.spec: index for index, model in enumerate(models)}
    results = tuple(
        sorted((o.result for o in outcomes), key=lambda r: (rank[r.model], r.task_id, r.sample))
    )
    reused = sum(o.reused for o in outcomes)
    dates = {task.id: task.spec.created_at for task in tasks}
    return RunOutcome(results, reused, len(outcomes) - reused, damaged, dates, selection)


def _on_threads(
    items: list[WorkItem],
    store: ResultStore,
    settings: RunSettings,
    prepare_images: ImagePreparer,
    console: Console,
) -> list[AttemptOutcome]:
    """The attempts on this machine: a thread each, sandboxes and model calls each bounded."""
    keys = {item.task.spec.image for item in items}
    images = images_for(settings.backend, keys, prepare_images)
    slots = threading.Semaphore(max(1, settings.workers))
    sandbox = SandboxSettings(settings.backend, images, settings.limits, slots)
    # threads for both limits: sandboxes are held back by `slots`, calls by the model limiter
    threads = settings.workers + settings.model_options.model_calls
    if settings.analyse:
        start_analysis_process()
    # one spare sandbox per worker: the next attempt's container starts while this one runs
    start_ahead(settings.backend, settings.workers, [item.task.repo_dir for item in items])
    try:
        return _execute(items, store, sandbox, threads, console)
    finally:
        stop_analysis_process()


def _on_ray(
    items: list[WorkItem],
    store: ResultStore,
    settings: RunSettings,
    prepare_images: ImagePreparer,
    console: Console,
) -> list[AttemptOutcome]:
    """The attempts as tasks of a Ray cluster (`codebench.runner.cluster`); each node
    prepares its own images."""
    from codebench.runner.cluster.driver import ClusterSettings, RayJob, execute_on_ray

    options = settings.model_options
    cluster = ClusterSettings(settings.ray_address, settings.workers, options.model_calls)
    job = RayJob(settings.backend, settings.limits, options, prepare_images, cluster)
    return execute_on_ray(items, store, job, console)


def _fresh(tasks: list[Task], settings: RunSettings) -> tuple[list[Task], DateSelection]:
    """The tasks created at or after `settings.since` (all without it).

    Raises `ConfigError` when `since` leaves none.
    """
    selection = select_since({t.id: t.spec.created_at for t in tasks}, settings.since)
    if not selection.kept:
        when = settings.since.isoformat() if settings.since else ""
        raise ConfigError(
            f"--since {when}: no task of suite {settings.suite!r} was created since "
            f"then ({len(selection.undated)} have no created_at, {len(selection.older)} are "
            "older); give an earlier date"
        )
    kept = set(selection.kept)
    return [task for task in tasks if task.id in kept], selection


def say_damaged(
    store: ResultStore, items: list[WorkItem], console: Console
) -> tuple[DamagedResult, ...]:
    """Print which stored results of these attempts cannot be read (damaged, or of another
    schema) and so will be recomputed; return them."""
    found = [store.damage(i.task.id, i.model.slug, i.sample) for i in items]
    damaged = tuple(d for d in found if d is not None)
    if damaged:
        console.print(
            f"[yellow]{len(damaged)} stored result(s) could not be read and will be recomputed:[/]",
            soft_wrap=True,
        )
        for each in damaged:
            console.print(f"  {escape(each.describe())}", soft_wrap=True, highlight=False)
    return damaged


def warn_unknown_predictions(models: list[Model], task_ids: list[str], console: Console) -> None:
    """One warning line per replay model whose file has ids no task of the suite has: the
    count and up to `SHOWN_UNKNOWN_IDS` of them (they are ignored, not graded)."""
    for model in models:
        if not isinstance(model, ReplayModel):
            continue
        unknown = model.unknown_ids(task_ids)
        if unknown:
            shown = ", ".join(repr(i) for i in unknown[:SHOWN_UNKNOWN_IDS])
            more = ", ..." if len(unknown) > SHOWN_UNKNOWN_IDS else ""
            console.print(
                f"[yellow]warning:[/] {escape(str(model.path))}: {len(unknown)} prediction "
                f"id(s) match no task of the suite and are ignored: {escape(shown)}{more}",
                soft_wrap=True,
            )


def limited(model: Model, options: ModelOptions) -> Model:
    """`model` with its proposals checked against its `agent` limits (`codebench.models.limits`)."""
    where = f'{options.config_file} [models."{model.spec}".agent]'
    return LimitedModel(model, options.config.model(model.spec).agent, where)


def images_for(backend: Backend, keys: set[str], prepare_images: ImagePreparer) -> ImageSet:
    """The images `keys` need on `backend`: none for the local one, else prepared (built)."""
    return ImageSet() if backend is Backend.LOCAL else prepare_images(keys)


def _execute(
    items: list[WorkItem],
    store: ResultStore,
    sandbox: SandboxSettings,
    workers: int,
    console: Console,
) -> list[AttemptOutcome]:
    stop = threading.Event()
    outcomes: list[AttemptOutcome] = []
    # analysis is CPU-bound Python; sandbox threads mostly wait on the engine. A short switch
    # interval hands the GIL back to a thread whose engine call returned without a 5 ms convoy.
    previous_interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="attempt")
    try:
        with attempt_progress(console) as progress:
            bar = progress.add_task("attempts", total=len(items), last="")
            futures: list[Future[AttemptOutcome]] = [
                pool.submit(attempt, item, store, sandbox, stop) for item in items
            ]
            for future in as_completed(futures):
                outcome = future.result()
                outcomes.append(outcome)
                progress.update(bar, advance=1, last=progress_note(outcome))
    except (KeyboardInterrupt, RunCancelledError):
        closed = _abandon(pool, stop)
        console.print(
            f"[yellow]interrupted: removed {closed} open sandbox(es); "
            "finished results are kept, rerun to resume[/]"
        )
        raise KeyboardInterrupt from None
    except BaseException:
        _abandon(pool, stop)  # a fatal error (e.g. the run dir is full): leave nothing running
        raise
    finally:
        sys.setswitchinterval(previous_interval)
    pool.shutdown(wait=True)
    finish_closing()
    return outcomes


def _abandon(pool: ThreadPoolExecutor, stop: threading.Event) -> int:
    """Stop a failing run: cancel what has not started, destroy every open sandbox, and wait
    until no attempt is left and every container is gone; return how many sandboxes were open.

    A failure to remove a container is added as a note to the exception being handled.
    """
    stop.set()
    closed = LIVE.shut_down()
    # in-flight attempts fail fast now that their sandboxes are gone; wait for them so that
    # none is still creating a container when the process exits
    pool.shutdown(wait=True, cancel_futures=True)
    try:
        finish_closing()
    except SandboxError as exc:
        current = sys.exception()
        if current is not None:
            current.add_note(f"while removing the run's sandboxes: {exc}")
    finally:
        LIVE.reopen()
    return closed


def progress_note(outcome: AttemptOutcome) -> str:
    """The progress bar's note on the attempt that just ended (markup escaped)."""
    note = "reused" if outcome.reused else outcome.result.status.value
    return escape(f"{outcome.result.model} {outcome.result.task_id}: {note}")


def attempt_progress(console: Console) -> Progress:
    """The bar of a run's attempts (the local pool's and the cluster's)."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[last]}"),
        console=console,
        transient=False,
    )
