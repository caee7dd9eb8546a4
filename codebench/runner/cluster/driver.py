"""The run's attempts as Ray tasks: submitted from the driver, run on any node, their results
written by the driver to the run's one store, exactly as the local pool writes them.

Each attempt asks for one sandbox slot (the resource `SLOT_RESOURCE`, which each node offers
as many of as it may run sandboxes at once); model calls at once are bounded for the whole
cluster by one `CallSlots` actor. A worker that dies mid-attempt is retried on another
(Ray's own task retries); the attempt is recorded once, by the driver. Attempts are sent a
window at a time, so that a node set aside (`health`: infrastructure failures in a row) gets
no more of them.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from codebench.errors import ConfigError
from codebench.models import ModelOptions
from codebench.models.limits import LimitedModel
from codebench.models.openai_model import is_loopback as url_is_loopback
from codebench.models.replay import ReplayModel
from codebench.results import Status
from codebench.runner.attempt import AttemptOutcome, WorkItem, failed_attempt
from codebench.runner.cluster.health import NodeHealth, Verdict
from codebench.runner.cluster.limiter import CallSlots, ClusterCallLimiter
from codebench.runner.cluster.shipping import AttemptFailure, AttemptReport, PackedTree, TaskBundle
from codebench.runner.cluster.worker import (
    NodeSettings,
    RemoteAttempt,
    run_remote_attempt,
    sweep_node,
)
from codebench.runner.run import ImagePreparer, attempt_progress, progress_note
from codebench.runner.store import ResultStore
from codebench.sandbox import Backend, Limits

SLOT_RESOURCE = "codebench_sandbox"  # one per sandbox a node may run at once
RETRIES = 3  # runs of an attempt after its worker died (Ray retries only system failures)
CANCEL_GRACE_SECONDS = 30.0  # after Ctrl-C, for attempts to remove their sandboxes
SWEEP_SECONDS = 120.0
CONNECT_SECONDS = 5.0  # for the head's port to accept a connection
WAIT_SECONDS = 0.5  # the progress bar's refresh while attempts run
# each attempt holds one sandbox slot; Ray retries it only when its worker died
ATTEMPT_OPTIONS: dict[str, Any] = {
    "num_cpus": 0, "resources": {SLOT_RESOURCE: 1}, "max_retries": RETRIES,
}  # fmt: skip
WINDOW_SPARE = 4  # attempts sent beyond the cluster's slots (at least twice its slots)
INSTALL_HINT = "pip install 'codebench[ray]'"
# a cluster on loopback only: Ray then binds and announces 127.0.0.1, not the host's address
LOOPBACK_VARIABLE = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"
AUTH_MODE_VARIABLE = "RAY_AUTH_MODE"
TOKEN_VARIABLES = ("RAY_AUTH_TOKEN", "RAY_AUTH_TOKEN_PATH")
DEFAULT_TOKEN_FILE = Path.home() / ".ray" / "auth_token"


@dataclass(frozen=True)
class ClusterSettings:
    """Which cluster, and what a cluster started for the run offers."""

    address: str | None = None  # None: start a one-machine cluster (on loopback) for the run
    workers: int = 2  # sandbox slots of a cluster started for the run
    model_calls: int = 4  # provider calls at once, across the cluster


@dataclass(frozen=True)
class RayJob:
    """Everything the driver needs besides the attempts."""

    backend: Backend
    limits: Limits
    options: ModelOptions
    prepare_images: ImagePreparer  # a module-level function, which Ray imports by name
    cluster: ClusterSettings


def import_ray(address: str | None) -> Any:
    """The `ray` module, configured for loopback when the cluster is on this machine.

    Raises:
        ConfigError: ray is not installed (with how to install it).
    """
    for name, value in ray_variables(address, os.environ).items():
        os.environ.setdefault(name, value)
    try:
        import ray
    except ImportError:
        raise ConfigError(f"--executor ray needs ray, an optional extra: {INSTALL_HINT}") from None
    return ray


def ray_variables(address: str | None, environ: Mapping[str, str]) -> dict[str, str]:
    """The variables the driver sets, unless `environ` sets them, before ray is imported (ray
    reads them once, at import)."""
    wanted = {"RAY_USAGE_STATS_ENABLED": "0"}  # never phone home
    if address is None or is_loopback(address):
        wanted[LOOPBACK_VARIABLE] = "0"
    if any(environ.get(name) for name in TOKEN_VARIABLES) or DEFAULT_TOKEN_FILE.is_file():
        # `ray start` turns token authentication on when it finds a token, but a driver that
        # connects does not (Ray 2.60): against such a cluster it waits forever, refused
        wanted[AUTH_MODE_VARIABLE] = "token"
    return {name: value for name, value in wanted.items() if name not in environ}


def is_loopback(address: str) -> bool:
    """Whether a `host:port` (or `ray://host:port`) address is this machine's loopback."""
    return url_is_loopback("http://" + address.removeprefix("ray://"))


@contextmanager
def connected(ray: Any, cluster: ClusterSettings) -> Iterator[None]:
    """Connected to `cluster.address`, or to a cluster of this machine started for the block
    (and stopped after it).

    Raises:
        ConfigError: the address cannot be reached, or no node offers a sandbox slot.
    """
    started = cluster.address is None
    if cluster.address is not None:
        _check_reachable(cluster.address)
    try:
        if started:
            slots = max(1, cluster.workers)
            ray.init(
                address="local",  # a new cluster, never one found running on this machine
                num_cpus=slots,
                resources={SLOT_RESOURCE: slots},
                include_dashboard=False,
                log_to_driver=False,
                logging_level=logging.WARNING,
            )
        else:
            ray.init(address=cluster.address, log_to_driver=False, logging_level=logging.WARNING)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ConfigError(f"--ray-address {cluster.address}: cannot connect to Ray: {exc}") from exc
    try:
        _check_slots(ray, cluster)
        yield
    finally:
        ray.shutdown()


def _check_reachable(address: str) -> None:
    """Refuse an address where nothing listens: ray.init would retry it for minutes."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not port.isdigit() or not host:
        raise ConfigError(f"--ray-address {address}: give HOST:PORT, e.g. 10.0.0.5:6379")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_SECONDS):
            return
    except OSError as exc:
        raise ConfigError(
            f"--ray-address {address}: nothing answers there ({exc}); is the cluster's head "
            "running (`ray start --head`), and is that its GCS port?"
        ) from None


def _check_slots(ray: Any, cluster: ClusterSettings) -> None:
    if ray.cluster_resources().get(SLOT_RESOURCE, 0) >= 1:
        return
    raise ConfigError(
        f"--ray-address {cluster.address}: no node of the cluster offers a sandbox slot; start "
        f"each node with `ray start ... --resources '{{\"{SLOT_RESOURCE}\": 2}}'` (2: the "
        "sandboxes it may run at once; see docs/cluster.md)"
    )


def execute_on_ray(
    items: list[WorkItem], store: ResultStore, job: RayJob, console: Console
) -> list[AttemptOutcome]:
    """Run `items` on the cluster and write their results to `store`; one outcome each.

    Ctrl-C cancels every attempt of the cluster (each removes its sandbox; one that does not
    within `CANCEL_GRACE_SECONDS` is killed and its node swept) and raises KeyboardInterrupt;
    finished results stay written.

    Raises:
        ConfigError: ray is missing, or the cluster cannot be used.
        ResultStoreError: a result cannot be written.
    """
    ray = import_ray(job.cluster.address)
    with connected(ray, job.cluster):
        return _execute(ray, items, store, job, console)


def _execute(
    ray: Any, items: list[WorkItem], store: ResultStore, job: RayJob, console: Console
) -> list[AttemptOutcome]:
    pending: dict[Any, WorkItem] = {}
    outcomes: list[AttemptOutcome] = []
    try:
        sender = _sender(ray, items, store, job)
        with attempt_progress(console) as progress:
            bar = progress.add_task("attempts", total=len(items), last="")

            def ended(outcome: AttemptOutcome) -> None:
                outcomes.append(outcome)
                progress.update(bar, advance=1, last=progress_note(outcome))

            _dispatch(_Dispatch(ray, sender, store, console, ended, pending), deque(items))
    except BaseException as exc:  # Ctrl-C, or a fatal error (the run dir is full)
        cancelled = _cancel(ray, list(pending))
        _sweep(ray, job, console)
        if isinstance(exc, KeyboardInterrupt):
            console.print(
                f"[yellow]interrupted: cancelled {cancelled} attempt(s) on the cluster; "
                "finished results are kept, rerun to resume[/]"
            )
        raise
    _sweep(ray, job, console)
    return outcomes


@dataclass
class _Sender:
    """Sends attempts to the cluster; each starting tree is put in the object store once."""

    ray: Any
    store: ResultStore
    remote: Any  # `run_remote_attempt` as a Ray remote function
    node_ref: Any  # the run's `NodeSettings`, in the object store
    trees: dict[Path, tuple[PackedTree, Any]] = field(default_factory=dict)

    def send(self, item: WorkItem, avoid: dict[str, str]) -> Any:
        """Submit `item`, kept off the nodes `avoid` (a label selector) selects against;
        return its ObjectRef."""
        task = item.task
        if task.repo_dir not in self.trees:
            packed = PackedTree.of(task.repo_dir)
            self.trees[task.repo_dir] = (packed, self.ray.put(packed))
        packed, tree_ref = self.trees[task.repo_dir]
        stored = self.store.load(task.id, item.model.slug, item.sample)
        shipped = item.model if _travels_whole(item) else None
        attempt = RemoteAttempt(
            TaskBundle.of(task, packed), item.model.spec, item.sample, item.analyse,
            item.tries, stored, shipped,
        )  # fmt: skip
        options: dict[str, Any] = {"label_selector": avoid} if avoid else {}
        remote = self.remote.options(**ATTEMPT_OPTIONS, **options)
        return remote.remote(attempt, tree_ref, self.node_ref)


def _sender(ray: Any, items: list[WorkItem], store: ResultStore, job: RayJob) -> _Sender:
    """The run's sender: its call slots actor and node settings made and put once."""
    slots = ray.remote(CallSlots).options(max_concurrency=1000).remote(job.cluster.model_calls)
    options = replace(job.options, call_limiter=ClusterCallLimiter(slots))
    gold = {item.task.id: item.task.gold_patch for item in items}
    node = NodeSettings(
        uuid.uuid4().hex, job.backend, job.limits, options, gold, job.prepare_images
    )
    return _Sender(ray, store, ray.remote(run_remote_attempt), ray.put(node))


@dataclass
class _Dispatch:
    """A run's attempts in flight, and the nodes it no longer sends attempts to."""

    ray: Any
    sender: _Sender
    store: ResultStore
    console: Console
    ended: Callable[[AttemptOutcome], None]  # each attempt's outcome, once
    pending: dict[Any, WorkItem]  # ObjectRef -> its attempt; the caller cancels these
    health: NodeHealth = field(default_factory=NodeHealth)


def _dispatch(run: _Dispatch, queue: deque[WorkItem]) -> None:
    """Send `queue`'s attempts a window at a time (so that one sent after a node was set
    aside avoids it) until every attempt ended; one that failed on a node already set aside
    goes back to the queue, to run on another node.

    Raises:
        ResultStoreError: a result cannot be written.
    """
    while queue or run.pending:
        _top_up(run, queue)
        if not run.pending:
            continue
        # all that finished within the wait: one call per refresh, not per attempt
        waiting = list(run.pending)
        ready, _ = run.ray.wait(waiting, num_returns=len(waiting), timeout=WAIT_SECONDS)
        for ref in ready:
            item = run.pending.pop(ref)
            outcome = _settle(run, ref, item)
            if outcome is None:
                queue.appendleft(item)
            else:
                run.ended(outcome)


def _top_up(run: _Dispatch, queue: deque[WorkItem]) -> None:
    """Send attempts until the window is full; when every node was set aside, end the
    queue's attempts as `sandbox_error`, saying so."""
    if run.health.set_aside and not _healthy_nodes(run.ray, run.health):
        while queue:
            reason = run.health.all_set_aside()
            run.ended(failed_attempt(queue.popleft(), run.store, Status.SANDBOX_ERROR, reason))
        return
    slots = int(run.ray.cluster_resources().get(SLOT_RESOURCE, 0))
    window = max(2 * slots, slots + WINDOW_SPARE)
    while queue and len(run.pending) < window:
        item = queue.popleft()
        run.pending[run.sender.send(item, run.health.avoided())] = item


def _healthy_nodes(ray: Any, health: NodeHealth) -> list[str]:
    """The live nodes that offer a sandbox slot and were not set aside."""
    return [
        node["NodeID"]
        for node in ray.nodes()
        if node.get("Alive")
        and node.get("Resources", {}).get(SLOT_RESOURCE, 0) >= 1
        and node["NodeID"] not in health.set_aside
    ]


def _travels_whole(item: WorkItem) -> bool:
    """A replay model is sent as it is: the predictions file it read is on the driver."""
    model = item.model
    inner = model.inner if isinstance(model, LimitedModel) else model
    return isinstance(inner, ReplayModel)


def _settle(run: _Dispatch, ref: Any, item: WorkItem) -> AttemptOutcome | None:
    """The attempt's outcome, its files written to the run's store; None when it failed on a
    node already set aside (it is to run on another). Setting a node aside is said on the
    console."""
    try:
        report = run.ray.get(ref)
    except run.ray.exceptions.RayError as exc:  # every worker that ran it died, or its node
        reason = f"the cluster could not run the attempt ({RETRIES} retries): {_first_line(exc)}"
        return failed_attempt(item, run.store, Status.SANDBOX_ERROR, reason)
    assert isinstance(report, AttemptReport | AttemptFailure)
    verdict = run.health.note(report.node_id, report.node, _infra_failure(report))
    if verdict is Verdict.RUN_ELSEWHERE:
        return None
    if verdict is Verdict.SET_ASIDE:
        aside = run.health.set_aside[report.node_id]
        run.console.print(
            f"[yellow]{escape(aside.describe())}: the run's other attempts avoid it[/]",
            soft_wrap=True,
        )
    if isinstance(report, AttemptFailure):
        return failed_attempt(item, run.store, report.status, report.reason)
    report.write(run.store, item.model.slug)
    return AttemptOutcome(report.result, report.reused)


def _infra_failure(report: AttemptReport | AttemptFailure) -> str | None:
    """The reason of an infrastructure failure (`sandbox_error`) on the report's node, or
    None for any other outcome (one the model or the task earned, or a reused result)."""
    if isinstance(report, AttemptFailure):
        return report.reason if report.status is Status.SANDBOX_ERROR else None
    if not report.reused and report.result.status is Status.SANDBOX_ERROR:
        return report.result.reason
    return None


def _cancel(ray: Any, refs: list[Any]) -> int:
    """Cancel `refs`: first as Ctrl-C (the attempt removes its sandbox), then by force."""
    for ref in refs:
        ray.cancel(ref)
    _, left = ray.wait(refs, num_returns=len(refs), timeout=CANCEL_GRACE_SECONDS)
    for ref in left:
        ray.cancel(ref, force=True)
    if left:
        ray.wait(left, num_returns=len(left), timeout=CANCEL_GRACE_SECONDS)
    return len(refs)


def _sweep(ray: Any, job: RayJob, console: Console) -> None:
    """Remove, on every live node, the sandboxes of workers that died (a killed worker's)."""
    if job.backend is Backend.LOCAL:
        return
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    sweep = ray.remote(sweep_node)
    refs = [
        sweep.options(
            num_cpus=0,
            max_retries=0,
            scheduling_strategy=NodeAffinitySchedulingStrategy(node["NodeID"], soft=False),
        ).remote()
        for node in ray.nodes()
        if node.get("Alive")
    ]
    try:
        swept = ray.get(refs, timeout=SWEEP_SECONDS)
    except ray.exceptions.RayError as exc:
        console.print(f"[yellow]could not sweep every node: {escape(_first_line(exc))}[/]")
        return
    for host, removed, problem in swept:
        if removed:
            console.print(f"removed {removed} sandbox(es) left by dead workers on {escape(host)}")
        if problem:
            console.print(f"[yellow]could not sweep {escape(host)}: {escape(problem)}[/]")


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _first_line(exc: BaseException) -> str:
    """What a Ray error says, in one line: the original exception's type and message when a
    task raised (Ray wraps it), without the terminal colours Ray adds."""
    cause = getattr(exc, "cause", None)
    if isinstance(cause, BaseException):
        return f"{type(cause).__name__}: {_first_line(cause)}"
    lines = [line for line in ANSI.sub("", str(exc)).splitlines() if line.strip()]
    return lines[-1].strip() if lines else type(exc).__name__
