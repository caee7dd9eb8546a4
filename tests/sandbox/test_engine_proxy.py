"""A real engine failing under a sandbox, through a proxy that drops or stalls the connection.

Seen before: an engine that stopped answering hung the process past the SDK's 300 s read
timeout (the SDK reads an exec's output with no timeout at all) until it was killed.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

import pytest

from codebench.errors import SandboxError
from codebench.results import Status
from codebench.runner import SandboxSettings, evaluate_patch
from codebench.sandbox import Backend, ImageSet, Limits, engine_retry
from codebench.sandbox import docker_backend as backend
from codebench.tasks import Task
from tests.engine_proxy import EngineProxy

pytestmark = pytest.mark.docker


@pytest.fixture
def proxy(docker_images: ImageSet, monkeypatch: pytest.MonkeyPatch) -> Iterator[EngineProxy]:
    """Every engine call of the test goes through the proxy; bounds are shortened to seconds."""
    engine = EngineProxy()
    monkeypatch.setenv("DOCKER_HOST", engine.docker_host)
    monkeypatch.setattr(backend, "WATCHDOG_SLACK_SECONDS", 1)
    monkeypatch.setattr(backend, "ENGINE_STALL_SECONDS", 2)
    monkeypatch.setattr(backend, "ENGINE_TIMEOUT_SECONDS", 4)
    monkeypatch.setattr(engine_retry, "RETRY_DELAYS", (0.1,))
    monkeypatch.setattr(backend, "BREAKER", engine_retry.EngineBreaker())
    yield engine
    engine.resume()
    with contextlib.suppress(SandboxError):  # a removal tried while the engine was stalled
        backend.wait_for_removals()
    client = backend.docker_client()
    try:
        for container_id, _ in backend.list_sandboxes(backend.owner_tag()):
            backend.force_remove(client.api, container_id)
    finally:
        client.close()
    engine.close()


def open_box(task: Task, images: ImageSet) -> backend.DockerSandbox:
    return backend.DockerSandbox(task.repo_dir, images.image_id("python"), Limits())


def test_an_engine_stalling_mid_command_ends_the_wait_within_its_bound(
    proxy: EngineProxy, docker_images: ImageSet, mini_tasks: dict[str, Task]
) -> None:
    """Broke: the exec's output was read with no timeout; the call never returned."""
    box = open_box(mini_tasks["mini-div-zero"], docker_images)
    try:
        threading.Timer(0.5, proxy.stall).start()  # once the command runs
        start = time.monotonic()
        with pytest.raises(SandboxError, match="stopped answering: `sleep` in the sandbox"):
            box.exec(["sleep", "2"], timeout=3)
        assert time.monotonic() - start < 3 + 1 + 2 + 3  # the bound, and a little slack
    finally:
        proxy.resume()
        box.close()
    backend.wait_for_removals()
    assert backend.count_sandboxes(backend.owner_tag()) == 0


def test_an_engine_stalling_on_a_control_call_times_out(
    proxy: EngineProxy, docker_images: ImageSet, mini_tasks: dict[str, Task]
) -> None:
    """Broke: every engine call waited up to 300 s for a read."""
    proxy.stall()
    start = time.monotonic()
    with pytest.raises(SandboxError, match="Read timed out"):
        open_box(mini_tasks["mini-div-zero"], docker_images)
    assert time.monotonic() - start < 4 * 2 + 3


def test_a_dropped_engine_ends_the_attempt_as_a_sandbox_error(
    proxy: EngineProxy, docker_images: ImageSet, mini_tasks: dict[str, Task]
) -> None:
    """The connection reset under a running attempt: a `sandbox_error` naming the engine."""
    settings = SandboxSettings(Backend.DOCKER, docker_images)
    task = mini_tasks["mini-div-zero"]
    slow_patch = task.gold_patch.replace(
        "+    if b == 0:", "+    __import__('time').sleep(3)\n+    if b == 0:", 1
    ).replace("@@ -10,6 +10,8 @@", "@@ -10,6 +10,9 @@")
    assert slow_patch != task.gold_patch
    threading.Timer(1.5, proxy.drop).start()
    evaluation = evaluate_patch(task, slow_patch, settings)
    assert evaluation.status is Status.SANDBOX_ERROR, evaluation
    proxy.resume()
