"""One attempt on a Ray worker: the same `attempt()` as the local pool's, on this node's engine
and images, its writes kept for the driver (`shipping.RecordingStore`).

Ray calls `run_remote_attempt` and `sweep_node` as plain functions; ray is imported only to
name the node an attempt ran on.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field

from codebench.errors import ConfigError, SandboxError
from codebench.models import Model, ModelOptions, get_model
from codebench.results import Status, TaskResult
from codebench.runner.attempt import WorkItem, attempt, describe_exception
from codebench.runner.cluster.shipping import (
    AttemptFailure,
    AttemptReport,
    PackedTree,
    RecordingStore,
    TaskBundle,
)
from codebench.runner.evaluate import SandboxSettings
from codebench.runner.run import ImagePreparer, limited
from codebench.sandbox import LIVE, Backend, ImageSet, Limits, finish_closing


@dataclass(frozen=True)
class NodeSettings:
    """What every attempt of a run shares, sent to each worker once per run."""

    run_token: str  # a worker process keeps its models and images per run
    backend: Backend
    limits: Limits
    options: ModelOptions  # its call limiter is the cluster's
    gold: Mapping[str, str]  # task id -> gold patch, for the gold-based reference models
    prepare_images: ImagePreparer  # the driver's (imported by name on the worker)
    workers: int = 1  # sandboxes at once in one worker process: one attempt at a time


@dataclass(frozen=True)
class RemoteAttempt:
    """One (task, model, sample) as a worker gets it."""

    bundle: TaskBundle
    model_spec: str
    sample: int
    analyse: bool
    tries: int
    stored: TaskResult | None = None  # the stored result the driver read, if any
    # a replay model travels whole (its file is the driver's), already `limited`
    shipped_model: Model | None = None


@dataclass
class _ProcessState:
    """What a worker process keeps between the attempts of one run."""

    run_token: str = ""
    models: dict[str, Model] = field(default_factory=dict)
    images: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


_state = _ProcessState()


def run_remote_attempt(
    job: RemoteAttempt, tree: PackedTree, node: NodeSettings
) -> AttemptReport | AttemptFailure:
    """Run one attempt on this node and report it; an attempt that cannot start here (no
    usable engine, a model that cannot be built) is an `AttemptFailure` naming this host.
    The task's starting tree stays in this node's cache (never pruned) until it ends.

    Cancellation (KeyboardInterrupt from `ray.cancel`) removes the attempt's sandboxes first.
    """
    with ExitStack() as held:
        try:
            task = held.enter_context(job.bundle.on_node(tree))
            images = _images(node, task.spec.image)
        except (SandboxError, ConfigError) as exc:
            return _failure(Status.SANDBOX_ERROR, str(exc))
        except Exception as exc:  # a broken node costs its attempt, never the run
            return _failure(Status.SANDBOX_ERROR, describe_exception(exc))
        try:
            model = _model(job, node)
        except Exception as exc:  # e.g. a brought model not installed on this node
            reason = f"the model cannot be built: {describe_exception(exc)}"
            return _failure(Status.MODEL_ERROR, reason)
        return _run(WorkItem(task, model, job.sample, job.analyse, job.tries), job, node, images)


def _failure(status: Status, reason: str) -> AttemptFailure:
    """An attempt that could not start on this node, the node named in its reason."""
    host = socket.gethostname()
    return AttemptFailure(status, f"on node {host}: {reason}", host, node_id())


def node_id() -> str:
    """The id of the Ray node this process runs on ("" outside a Ray worker)."""
    try:
        import ray

        return str(ray.get_runtime_context().get_node_id())
    except Exception:  # no ray, or not connected: the node cannot be told apart
        return ""


def _run(item: WorkItem, job: RemoteAttempt, node: NodeSettings, images: ImageSet) -> AttemptReport:
    """The attempt itself, its writes kept for the driver."""
    store = RecordingStore(job.stored)
    settings = SandboxSettings(node.backend, images, node.limits, threading.Semaphore(1))
    try:
        outcome = attempt(item, store, settings, threading.Event())
    except BaseException:
        LIVE.shut_down()  # cancelled: leave no container behind
        raise
    finally:
        finish_closing()
    trajectories = tuple(store.trajectories)
    host = socket.gethostname()
    return AttemptReport(outcome.result, outcome.reused, store.saved, trajectories, host, node_id())


def sweep_node() -> tuple[str, int, str]:
    """(host, containers removed, problem): remove this node's sandboxes whose worker died (a
    killed or force-cancelled attempt's)."""
    host = socket.gethostname()
    try:
        from codebench.sandbox.docker_backend import reap_orphans

        return host, reap_orphans(), ""
    except SandboxError as exc:
        return host, 0, str(exc)


def _images(node: NodeSettings, key: str) -> ImageSet:
    """The node's image for `key`, prepared (built if needed) once per process and run."""
    if node.backend is Backend.LOCAL:
        return ImageSet()
    with _state.lock:
        _start_run(node.run_token)
        if key not in _state.images:
            _state.images[key] = node.prepare_images({key}).image_id(key)
        return ImageSet({key: _state.images[key]})


def _model(job: RemoteAttempt, node: NodeSettings) -> Model:
    """The attempt's model, built once per process and run (with the cluster's call limit)."""
    with _state.lock:
        _start_run(node.run_token)
        model = _state.models.get(job.model_spec)
        if model is None:
            model = job.shipped_model or limited(
                get_model(job.model_spec, node.gold, node.options), node.options
            )
            _state.models[job.model_spec] = model
        return model


def _start_run(token: str) -> None:
    if _state.run_token != token:
        _state.run_token, _state.models, _state.images = token, {}, {}
