"""The engine failing under a sandbox: the docker SDK raises `requests` and socket errors, not
only `DockerException`, when the connection drops. Each must be a `SandboxError` (so the attempt
is `sandbox_error`) and the container must still be scheduled for removal. No engine needed: a
fake low-level API stands in for it."""

from __future__ import annotations

import socket as socketlib
from collections.abc import Callable, Iterator
from typing import Any

import docker.errors
import pytest
import requests.exceptions

from codebench.errors import SandboxError
from codebench.results import Status
from codebench.runner import SandboxSettings, evaluate_patch
from codebench.sandbox import Backend, ImageSet, Limits, engine_retry
from codebench.sandbox import docker_backend as backend
from codebench.sandbox.base import LIVE
from codebench.sandbox.checkout import tar_of
from codebench.tasks import Task

DROPPED = requests.exceptions.ConnectionError(
    "('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))"
)


class FakeApi:
    """The low-level API calls a sandbox makes; `failing` names the one that raises `error`."""

    def __init__(self, failing: str = "", error: BaseException = DROPPED) -> None:
        self.failing, self.error = failing, error
        self.failures_left = -1  # how many calls of `failing` fail (-1: all)
        self.calls: list[str] = []
        self.on_create: Callable[[], None] = lambda: None  # runs while the engine creates
        self.created: list[str] = []  # container names, as the engine made them
        self.removed: list[str] = []

    def _call(self, name: str, value: Any = None) -> Any:
        self.calls.append(name)
        if name == self.failing and self.failures_left != 0:
            self.failures_left -= 1
            raise self.error
        return value

    def create_host_config(self, **options: Any) -> dict[str, Any]:
        return options

    def create_container(self, image: str, name: str = "", **options: Any) -> dict[str, str]:
        made = self._call("create_container", {"Id": "c0ffee"})
        self.on_create()
        self.created.append(name)
        return made

    def remove_container(self, container: str, force: bool = False, v: bool = False) -> None:
        self._call("remove_container")
        if container not in self.created:
            raise docker.errors.NotFound(f"No such container: {container}")
        self.removed.append(container)

    def every_container_made_was_removed(self) -> bool:
        return bool(self.created) and set(self.created) <= set(self.removed)

    def put_archive(self, container: str, path: str, data: bytes) -> bool:
        return self._call("put_archive", True)

    def start(self, container: str) -> None:
        self._call("start")

    def exec_create(self, container: str, cmd: Any, **options: Any) -> dict[str, str]:
        return self._call("exec_create", {"Id": "e1"})

    def exec_start(self, exec_id: str, socket: bool = False) -> socketlib.socket:
        """The exec's stream: a socket whose far end closes at once (no output)."""
        self._call("exec_start")
        ours, theirs = socketlib.socketpair()
        theirs.close()
        return ours

    def exec_inspect(self, exec_id: str) -> dict[str, int]:
        return self._call("exec_inspect", {"ExitCode": 0})

    def get_archive(self, container: str, path: str) -> Any:
        """The file at `path`, as the engine sends it: chunks of a tar archive, and a stat."""
        return self._call("get_archive", ([tar_of({"ops.py": b"X = 1\n"}, 1000)], {}))

    def kill(self, container: str) -> None:
        self._call("kill")


class FakeClient:
    def __init__(self, api: FakeApi) -> None:
        self.api = api

    def close(self) -> None:
        pass


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeApi]:
    """The fake engine every DockerSandbox of the test talks to; configure `failing`."""
    api = FakeApi()
    monkeypatch.setattr(backend, "docker_client", lambda timeout=0: FakeClient(api))
    monkeypatch.setattr(engine_retry, "RETRY_DELAYS", (0.01, 0.01))
    monkeypatch.setattr(engine_retry, "BREAKER", engine_retry.EngineBreaker())
    monkeypatch.setattr(backend, "BREAKER", engine_retry.BREAKER)
    yield api
    backend.REMOVER._errors.clear()  # a removal the test made fail is the test's business


def use(box: backend.DockerSandbox) -> None:
    """Run a command, then read a file: every engine call of an open sandbox."""
    box.exec(["true"], timeout=5)
    box.read_file("calc/ops.py")


def open_box(task: Task) -> backend.DockerSandbox:
    return backend.DockerSandbox(task.repo_dir, "sha256:fake", Limits())


def test_connection_dropping_mid_exec_is_a_sandbox_error_and_the_container_goes(
    engine: FakeApi, mini_tasks: dict[str, Task]
) -> None:
    """Broke: `requests.exceptions.ConnectionError` escaped `exec` (only DockerException was
    caught) and crashed the run."""
    engine.failing = "exec_start"
    box = open_box(mini_tasks["mini-div-zero"])
    with pytest.raises(SandboxError, match="Connection aborted"), box:
        box.exec(["true"], timeout=5)
    backend.wait_for_removals()
    assert engine.every_container_made_was_removed()


@pytest.mark.parametrize(
    ("call", "error"),
    [
        ("exec_create", requests.exceptions.Timeout("read timed out")),
        ("exec_inspect", requests.exceptions.ChunkedEncodingError("incomplete read")),
        ("exec_start", ConnectionResetError(104, "Connection reset by peer")),  # raw socket
        ("get_archive", DROPPED),
    ],
)
def test_every_call_on_an_open_sandbox_maps_engine_faults(
    engine: FakeApi, mini_tasks: dict[str, Task], call: str, error: BaseException
) -> None:
    """Broke: each of these escaped as a non-codebench exception."""
    engine.failing, engine.error = call, error
    box = open_box(mini_tasks["mini-div-zero"])
    with pytest.raises(SandboxError), box:
        use(box)
    backend.wait_for_removals()
    assert engine.every_container_made_was_removed()


@pytest.mark.parametrize("call", ["put_archive", "start"])
def test_engine_faults_while_creating_remove_the_container(
    engine: FakeApi, mini_tasks: dict[str, Task], call: str
) -> None:
    """Broke: a dropped connection while copying the tree in or starting escaped as
    `requests.exceptions.ConnectionError`."""
    engine.failing = call
    with pytest.raises(SandboxError, match="Connection aborted"):
        open_box(mini_tasks["mini-div-zero"])
    backend.wait_for_removals()
    assert engine.every_container_made_was_removed()


def test_engine_fault_while_creating_the_container_is_a_sandbox_error(
    engine: FakeApi, mini_tasks: dict[str, Task]
) -> None:
    """Broke: `create_container` losing the connection escaped as a requests error."""
    engine.failing = "create_container"
    with pytest.raises(SandboxError, match="could not start a sandbox"):
        open_box(mini_tasks["mini-div-zero"])
    backend.wait_for_removals()
    assert engine.created == []  # no container was made (its name is still removed, in case)


def test_engine_fault_while_removing_is_reported_as_a_sandbox_error(
    engine: FakeApi, mini_tasks: dict[str, Task]
) -> None:
    """Broke: a requests error out of `remove_container` surfaced raw from
    `wait_for_removals`."""
    engine.failing = "remove_container"
    open_box(mini_tasks["mini-div-zero"]).close()
    with pytest.raises(SandboxError, match="could not remove container c0ffee"):
        backend.wait_for_removals()


def test_engine_dropping_mid_attempt_is_a_sandbox_error(
    engine: FakeApi, mini_tasks: dict[str, Task]
) -> None:
    """The whole evaluation: the attempt ends `sandbox_error`, and the container goes."""
    engine.failing = "exec_start"
    task = mini_tasks["mini-div-zero"]
    settings = SandboxSettings(Backend.DOCKER, ImageSet({"python": "sha256:fake"}))
    evaluation = evaluate_patch(task, task.gold_patch, settings)
    assert evaluation.status is Status.SANDBOX_ERROR
    assert evaluation.reason is not None and "Connection aborted" in evaluation.reason
    backend.wait_for_removals()
    assert engine.every_container_made_was_removed()


def test_a_connection_dropped_while_starting_is_retried(
    engine: FakeApi, mini_tasks: dict[str, Task]
) -> None:
    """Seen in the fault-injection run: an engine refusing connections for 3 s turned every
    attempt starting then (96 of 252) into sandbox_error at once. Starting is safe to repeat."""
    engine.failing, engine.failures_left = "start", 1
    with open_box(mini_tasks["mini-div-zero"]) as box:
        box.exec(["true"], timeout=5)
    backend.wait_for_removals()
    assert len(engine.created) == 2  # the half-made first try, then the one used
    assert engine.every_container_made_was_removed()


def test_a_stall_is_not_retried(engine: FakeApi, mini_tasks: dict[str, Task]) -> None:
    engine.failing, engine.error = "start", requests.exceptions.ReadTimeout("read timed out")
    with pytest.raises(SandboxError, match="read timed out"):
        open_box(mini_tasks["mini-div-zero"])
    assert engine.calls.count("start") == 1


def test_an_engine_that_stays_gone_trips_the_breaker(
    engine: FakeApi, mini_tasks: dict[str, Task]
) -> None:
    """Once several sandboxes in a row could not be started, each later start tries once
    instead of waiting out every retry; one start that works closes the breaker."""
    engine.failing = "create_container"
    for _ in range(engine_retry.BREAKER_THRESHOLD):
        with pytest.raises(SandboxError, match="Connection aborted"):
            open_box(mini_tasks["mini-div-zero"])
    assert engine.calls.count("create_container") == 3 * (len(engine_retry.RETRY_DELAYS) + 1)
    engine.calls.clear()
    with pytest.raises(SandboxError, match="the Docker engine is unreachable: 3 sandboxes"):
        open_box(mini_tasks["mini-div-zero"])
    assert engine.calls.count("create_container") == 1
    engine.failing = ""
    open_box(mini_tasks["mini-div-zero"]).close()
    assert not engine_retry.BREAKER.open


def test_a_removal_on_a_dropped_pooled_connection_is_retried(
    engine: FakeApi, mini_tasks: dict[str, Task]
) -> None:
    """Seen in the fault-injection run: after the engine dropped its connections, the first
    removals went out on dead pooled connections and failed ('Remote end closed connection'),
    leaving 2 containers running after the run."""
    engine.failing, engine.failures_left = "remove_container", 1
    open_box(mini_tasks["mini-div-zero"]).close()
    backend.wait_for_removals()
    assert engine.every_container_made_was_removed()


@pytest.mark.parametrize("call", ["exec_create", "exec_inspect", "get_archive", "put_archive"])
def test_calls_safe_to_repeat_are_retried_on_a_dropped_connection(
    engine: FakeApi, mini_tasks: dict[str, Task], call: str
) -> None:
    """Seen in the fault-injection run: an `exec_create` sent on a pooled connection the engine
    had closed failed the attempt ('Connection aborted', RemoteDisconnected)."""
    box = open_box(mini_tasks["mini-div-zero"])
    engine.failing, engine.failures_left = call, 1
    with box:
        box.write_files({"calc/new.py": b"X = 1\n"})
        box.exec(["true"], timeout=5)
        assert box.read_file("calc/ops.py") == b"X = 1\n"
    assert engine.failures_left == 0
    assert engine.calls.count(call) >= 2


def test_starting_a_command_is_never_repeated(engine: FakeApi, mini_tasks: dict[str, Task]) -> None:
    """The command might run twice: a dropped `exec_start` is the attempt's sandbox_error."""
    box = open_box(mini_tasks["mini-div-zero"])
    engine.failing, engine.failures_left = "exec_start", 1
    with pytest.raises(SandboxError), box:
        box.exec(["true"], timeout=5)
    assert engine.calls.count("exec_start") == 1


def test_a_close_racing_the_start_still_removes_the_container(
    engine: FakeApi, mini_tasks: dict[str, Task]
) -> None:
    """Broke (seen in CI): a run shutting down closed a sandbox while the engine was creating
    it; that first removal found no container yet and forgot its name, and the start's own
    failure path then had nothing left to remove: the container lived until the process
    ended."""

    def shut_down_now() -> None:  # every open sandbox closed, the one being made too
        LIVE.shut_down()
        backend.wait_for_removals()  # that removal is over before the container exists

    engine.on_create = shut_down_now
    try:
        with pytest.raises(SandboxError, match="closed while it was being created"):
            open_box(mini_tasks["mini-div-zero"])
        backend.wait_for_removals()
    finally:
        LIVE.reopen()
    assert engine.every_container_made_was_removed()


def test_a_stream_that_ends_while_the_command_runs_is_a_sandbox_error(
    engine: FakeApi, mini_tasks: dict[str, Task]
) -> None:
    """Seen in benchmarks/fault_injection.py: the engine dropped the connection cleanly under
    the grading command, the stream read as ended, the command's exit code as -1, and the gold
    patch was graded `integrity_violation` (the sealer 'did not run'). A command the engine
    still reports running has not exited: the attempt is `sandbox_error`."""
    engine.exec_inspect = lambda exec_id: {"Running": True, "ExitCode": None}  # type: ignore[method-assign]
    task = mini_tasks["mini-div-zero"]
    box = open_box(task)
    with pytest.raises(SandboxError, match="dropped while a command ran"), box:
        box.exec(["true"], timeout=5)
    settings = SandboxSettings(Backend.DOCKER, ImageSet({"python": "sha256:fake"}))
    evaluation = evaluate_patch(task, task.gold_patch, settings)
    assert evaluation.status is Status.SANDBOX_ERROR, evaluation.reason
    assert "dropped while a command ran" in (evaluation.reason or "")
    # an engine fault, not the task's: it was reported as "tests.patch does not apply"
    assert "does not apply" not in (evaluation.reason or "")
    backend.wait_for_removals()


def test_a_failed_command_whose_state_needed_a_new_connection_is_a_sandbox_error(
    engine: FakeApi, mini_tasks: dict[str, Task]
) -> None:
    """The fault-injection run again, as it really went (tests/engine_proxy.py dropping a command
    that prints lines showed it): on
    the engine's Unix socket the drop read as the end of the stream, the engine refused the
    next requests for a while, and once it answered the command had died at its next write
    (exit 126, the drop's doing). A non-zero exit read only after a refused request is not
    trusted; a zero one is (the stale pooled connection case above)."""
    engine.failing, engine.failures_left = "exec_inspect", 1
    engine.exec_inspect = lambda exec_id: engine._call(  # type: ignore[method-assign]
        "exec_inspect", {"Running": False, "ExitCode": 141}
    )
    box = open_box(mini_tasks["mini-div-zero"])
    with pytest.raises(SandboxError, match="dropped while a command ran"), box:
        box.exec(["true"], timeout=5)
    engine.failures_left = 0  # answered at once: the exit code is the command's
    with open_box(mini_tasks["mini-div-zero"]) as again:
        assert again.exec(["false"], timeout=5).exit_code == 141
    backend.wait_for_removals()
