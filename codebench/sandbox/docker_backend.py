"""The Docker sandbox: one locked-down container per task attempt, removed when done."""

from __future__ import annotations

import contextlib
import functools
import io
import os
import secrets
import socket
import tarfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from pathlib import Path, PurePosixPath
from typing import Any

import docker
import docker.errors
import docker.types
import urllib3.exceptions

from codebench.errors import SandboxError
from codebench.sandbox.base import LIVE, ExecResult, Limits, Sandbox, clip
from codebench.sandbox.checkout import checkout_archive, tar_of
from codebench.sandbox.engine_retry import BREAKER, is_connection_failure, retry_connection
from codebench.sandbox.exec_stream import EngineStalledError, read_handle

LABEL = "codebench.sandbox"
OWNER_LABEL = "codebench.owner"  # "<hostname>:<pid>" of the process that created it
SANDBOX_UID = 1000  # the image's non-root `bench` user
WORKDIR = "/workspace"
SCRATCH = "/codebench"  # the harness's folder, outside the repo
HOME = "/home/bench"
# Execute-only copies of the programs every harness command runs in (made by the image recipe):
# the sandbox user cannot read them, so the kernel makes their processes non-dumpable, and
# the tested code (same user) cannot ptrace the command's `timeout`, its shell or the sealer.
HARNESS_BIN = "/usr/lib/codebench"
HARNESS_TIMEOUT = f"{HARNESS_BIN}/timeout"
HARNESS_SH = f"{HARNESS_BIN}/sh"
HARNESS_PYTHON = f"{HARNESS_BIN}/python3"
KILL_GRACE_SECONDS = 5
# Beyond the in-container `timeout`, the host kills the container if a command still hangs.
WATCHDOG_SLACK_SECONDS = 30
TIMEOUT_EXIT_CODES = (124, 137)
# Past the watchdog, how long an exec waits for an engine that has stopped answering.
ENGINE_STALL_SECONDS = 30
# Each engine call's read timeout (long commands are bounded by their own deadline instead);
# image builds, which can be silent for minutes, get longer.
ENGINE_TIMEOUT_SECONDS = 60
BUILD_TIMEOUT_SECONDS = 900
# What the docker SDK raises when the engine fails under it: its own errors, and, when the
# connection drops or stalls, requests' (ConnectionError, Timeout, ChunkedEncodingError...: all
# OSErrors), urllib3's, and raw socket errors (OSError) from the streams it reads itself.
ENGINE_ERRORS: tuple[type[BaseException], ...] = (
    docker.errors.DockerException,
    urllib3.exceptions.HTTPError,
    OSError,
)


@contextlib.contextmanager
def engine_errors(what: str) -> Iterator[None]:
    """Turn an engine fault inside the block into `SandboxError("<what>: <fault>")`."""
    try:
        yield
    except ENGINE_ERRORS as exc:
        raise SandboxError(f"{what}: {exc}") from exc


def owner_tag() -> str:
    """Identify this process on this host in container labels."""
    return f"{socket.gethostname()}:{os.getpid()}"


_api_versions: dict[str, str] = {}  # DOCKER_HOST -> the API version its engine speaks


def docker_client(timeout: float | None = None) -> Any:
    """A docker SDK client for the environment's engine (DOCKER_HOST or the default socket),
    each call's reads bounded by `timeout` seconds (default `ENGINE_TIMEOUT_SECONDS`).

    The engine's API version is asked once per process (a round trip every sandbox paid), and
    that question is retried while the engine drops connections.

    Raises:
        SandboxError: the engine cannot be reached.
    """
    host = os.environ.get("DOCKER_HOST", "")
    seconds = timeout or ENGINE_TIMEOUT_SECONDS
    try:
        if host in _api_versions:
            return docker.from_env(timeout=seconds, version=_api_versions[host])
        client = retry_connection(lambda: docker.from_env(timeout=seconds))
    except docker.errors.DockerException as exc:
        raise SandboxError(f"cannot reach the Docker engine: {exc}") from exc
    _api_versions[host] = str(client.api.api_version)
    return client


class DockerSandbox(Sandbox):
    """A container with no network, a non-root user, no capabilities, and resource limits.

    Talks to the engine's low-level API: the high-level models add an inspect round trip to
    nearly every call, and round trips are most of a sandbox's overhead.
    """

    owns_all_processes = True
    shell = HARNESS_SH
    harness_python = HARNESS_PYTHON

    def __init__(
        self,
        repo_dir: Path,
        image: str,
        limits: Limits,
        scratch_files: Mapping[str, bytes] | None = None,
        *,
        retry: bool = True,
    ) -> None:
        self.workdir, self.scratch = WORKDIR, SCRATCH
        self.image_id = image
        self._client = docker_client()
        self._api = self._client.api
        self._closed = False
        self._id: str | None = None
        self._names: list[str] = []  # every container name tried, until it is removed
        LIVE.add(self)
        try:
            if retry:
                self._start_retrying(repo_dir, limits, scratch_files or {})
            else:  # a spare (see `spares`): one try, and the breaker left to real sandboxes
                with engine_errors(f"could not start a sandbox from image {self.image_id!r}"):
                    self._start(repo_dir, limits, scratch_files or {})
        except BaseException:
            # scheduled, not done here: a removal failing too must not hide why the start failed
            self._closed = True
            REMOVER.submit(self._remove)
            raise

    def _start_retrying(
        self, repo_dir: Path, limits: Limits, scratch_files: Mapping[str, bytes]
    ) -> None:
        """Start, again while the engine drops the connection (see `engine_retry`); once the
        engine looks gone, one try only."""
        gone = BREAKER.open

        def attempt() -> None:
            self._discard_tries()  # a half-made container of an earlier try
            with engine_errors(f"could not start a sandbox from image {self.image_id!r}"):
                self._start(repo_dir, limits, scratch_files)

        try:
            retry_connection(attempt, give_up=lambda: gone or self._closed)
        except SandboxError as exc:
            if not is_connection_failure(exc):
                raise
            why = BREAKER.describe()
            BREAKER.failed()
            if gone:
                raise SandboxError(f"{why}: {exc}") from exc
            raise
        BREAKER.succeeded()

    def _discard_tries(self) -> None:
        for name in list(self._names):
            with contextlib.suppress(*ENGINE_ERRORS):
                force_remove(self._api, name)
                self._names.remove(name)
        self._id = None

    def _start(self, repo_dir: Path, limits: Limits, scratch_files: Mapping[str, bytes]) -> None:
        # named, so that a container whose creation answer was lost can still be removed
        name = f"codebench-{secrets.token_hex(8)}"
        self._names.append(name)
        options = _create_options(self._api, limits)
        self._id = str(self._api.create_container(self.image_id, name=name, **options)["Id"])
        if self._closed:  # shut down while the engine was creating it
            raise SandboxError("sandbox closed while it was being created")
        # copied in after the start: the folders are tmpfs volumes, whose content lives only
        # while the container runs. The tree comes with its base commit.
        self._api.start(self._id)
        self._put_archive(WORKDIR, checkout_archive(repo_dir, SANDBOX_UID))
        if scratch_files:
            self._put_archive(SCRATCH, tar_of(dict(scratch_files), SANDBOX_UID))

    def check_running(self) -> None:
        """Raise `SandboxError` unless the container runs (one inspect: no archive round trip)."""
        with engine_errors("could not inspect the sandbox"):
            state = retry_connection(functools.partial(self._api.inspect_container, self._id))
        if not (state.get("State") or {}).get("Running"):
            raise SandboxError("the sandbox's container is not running")

    def add_scratch_files(self, files: Mapping[str, bytes]) -> None:
        """Copy files into the scratch folder, as the start does with its `scratch_files`
        (for a spare, started without them)."""
        self._put_archive(SCRATCH, tar_of(dict(files), SANDBOX_UID))

    def exec(
        self, argv: Sequence[str], *, timeout: float, env: Mapping[str, str] | None = None
    ) -> ExecResult:
        """Run under `timeout -k` in the container; a host watchdog kills the container too,
        and an engine that stops answering ends the wait `ENGINE_STALL_SECONDS` later still.

        Raises:
            SandboxError: the engine failed or stalled.
        """
        wrapped = [HARNESS_TIMEOUT, "-k", str(KILL_GRACE_SECONDS), f"{timeout:g}", *argv]
        slack, stall = WATCHDOG_SLACK_SECONDS, ENGINE_STALL_SECONDS
        watchdog = threading.Timer(timeout + slack, self._kill)
        start = time.monotonic()
        bound = timeout + slack + stall
        watchdog.start()
        try:
            with engine_errors("command failed to run in the sandbox"):
                out, err, exit_code = self._run(wrapped, env, start + bound)
        except EngineStalledError as exc:
            raise EngineStalledError(
                f"the Docker engine stopped answering: `{argv[0]}` in the sandbox gave no "
                f"output or exit within {bound:g} s"
            ) from exc
        finally:
            watchdog.cancel()
        seconds = time.monotonic() - start
        code = -1 if exit_code is None else int(exit_code)
        return ExecResult(
            exit_code=code,
            stdout=clip(out.decode(errors="replace")),
            stderr=clip(err.decode(errors="replace")),
            timed_out=code in TIMEOUT_EXIT_CODES and seconds >= timeout - 0.5,
            seconds=seconds,
        )

    def _run(
        self, argv: Sequence[str], env: Mapping[str, str] | None, deadline: float
    ) -> tuple[bytes, bytes, int | None]:
        # creating and inspecting an exec are safe to repeat on a dropped connection; starting
        # it is not (the command could run twice)
        create = functools.partial(
            self._api.exec_create,
            self._id,
            list(argv),
            workdir=WORKDIR,
            environment=dict(env or {}),
        )
        exec_id = retry_connection(create)["Id"]
        out, err = read_handle(self._api.exec_start(exec_id, socket=True), deadline)
        inspected, dropped = self._inspect_exec(exec_id)
        code = inspected.get("ExitCode")
        # On the engine's Unix socket a dropped connection reads as the end of the stream, and
        # the command, its output gone, dies at its next write: its exit code is the drop's,
        # not its own (a grading command would look as if the tests had killed its shell).
        if inspected.get("Running") or (dropped and code != 0):
            raise SandboxError("the connection to the Docker engine dropped while a command ran")
        return out, err, code

    def _inspect_exec(self, exec_id: str) -> tuple[dict[str, Any], bool]:
        """The exec's state, and whether the engine refused or dropped the first request for
        it (so the connection failed around the command's end)."""
        inspect = functools.partial(self._api.exec_inspect, exec_id)
        try:
            return inspect(), False
        except Exception as exc:
            if not is_connection_failure(exc):
                raise
        return retry_connection(inspect), True

    def read_file(self, path: str) -> bytes:
        """Read one file through the archive API."""
        full = path if path.startswith("/") else f"{WORKDIR}/{path}"
        try:
            data = retry_connection(functools.partial(self._read_archive, full))
            with tarfile.open(fileobj=io.BytesIO(data)) as archive:
                member = archive.next()
                extracted = archive.extractfile(member) if member else None
                if extracted is None:
                    raise SandboxError(f"{path} in the sandbox is not a regular file")
                return extracted.read()
        except docker.errors.NotFound as exc:
            raise SandboxError(f"{path} does not exist in the sandbox") from exc
        except ENGINE_ERRORS as exc:
            raise SandboxError(f"cannot read {path} in the sandbox: {exc}") from exc

    def write_files(self, files: Mapping[str, bytes]) -> None:
        """Write files through the archive API, grouped by their root."""
        relative = {k: v for k, v in files.items() if not k.startswith("/")}
        absolute = {k: v for k, v in files.items() if k.startswith("/")}
        if relative:
            self._put_archive(WORKDIR, tar_of(relative, SANDBOX_UID))
        by_directory: dict[str, dict[str, bytes]] = {}
        for name, data in absolute.items():
            posix = PurePosixPath(name)
            by_directory.setdefault(str(posix.parent), {})[posix.name] = data
        for directory, group in by_directory.items():
            self._put_archive(directory, tar_of(group, SANDBOX_UID))

    def _read_archive(self, path: str) -> bytes:
        stream, _ = self._api.get_archive(self._id, path)
        return b"".join(stream)

    def _put_archive(self, directory: str, archive: bytes) -> None:
        put = functools.partial(self._api.put_archive, self._id, directory, archive)
        with engine_errors(f"could not copy files into {directory} in the sandbox"):
            copied = retry_connection(put)  # the same files again: safe to repeat
        if not copied:
            raise SandboxError(f"could not copy files into {directory} in the sandbox")

    def _kill(self) -> None:
        with contextlib.suppress(*ENGINE_ERRORS):  # already gone (or no engine): nothing to kill
            self._api.kill(self._id)

    def close(self) -> None:
        """Remove the container (force: it may still be running), off the caller's path.

        `wait_for_removals()` blocks until every closed container is gone.
        """
        if not self._closed:
            self._closed = True
            REMOVER.submit(self._remove)

    def _remove(self) -> None:
        self._closed = True
        try:
            # every name, every time: a close() racing the start finds the name before the
            # container exists (nothing to remove yet); the start's own failure path then calls
            # this again, and the container must still be found
            for name in list(self._names):
                with engine_errors(f"could not remove container {self._id or name}"):
                    retry_connection(functools.partial(force_remove, self._api, name))
        finally:
            LIVE.discard(self)
            self._client.close()


class ContainerRemover:
    """Removes containers in the background: a finished attempt need not wait for the engine."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="remove-container")
        self._lock = threading.Lock()
        self._pending: set[Future[None]] = set()
        self._errors: list[BaseException] = []

    def submit(self, remove: Callable[[], None]) -> None:
        """Schedule one removal; do it at once when the pool takes no more work (at
        interpreter shutdown), so that no closed container is left running."""
        try:
            future = self._pool.submit(remove)
        except RuntimeError:  # "cannot schedule new futures after (interpreter) shutdown"
            self._remove_now(remove)
            return
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._done)

    def _remove_now(self, remove: Callable[[], None]) -> None:
        try:
            remove()
        except Exception as exc:  # reported by `wait`, like a failed background removal
            with self._lock:
                self._errors.append(exc)

    def _done(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)
            if future.exception() is not None:
                self._errors.append(future.exception())  # type: ignore[arg-type]

    def wait(self) -> None:
        """Block until every scheduled removal finished; raise the first failure."""
        with self._lock:
            pending = list(self._pending)
        wait_futures(pending)
        with self._lock:
            errors, self._errors = self._errors, []
        if errors:
            raise SandboxError(f"{len(errors)} container(s) could not be removed: {errors[0]}")


REMOVER = ContainerRemover()


def wait_for_removals() -> None:
    """Block until every closed Docker sandbox's container is removed."""
    REMOVER.wait()


def _tmpfs_volume(target: str, size: str) -> Any:
    """An anonymous volume on a size-capped tmpfs, owned by the sandbox user: unlike a
    `--tmpfs` mount, the engine's archive API reads and writes it, and it is removed with
    the container."""
    options = f"size={size},uid={SANDBOX_UID},gid={SANDBOX_UID},mode=0755"
    driver = docker.types.DriverConfig("local", {"type": "tmpfs", "device": "tmpfs", "o": options})
    labels = {LABEL: "1", OWNER_LABEL: owner_tag()}
    return docker.types.Mount(target, None, type="volume", driver_config=driver, labels=labels)


def _create_options(api: Any, limits: Limits) -> dict[str, Any]:
    tmpfs_options = "rw,nosuid,nodev,size={},mode={}"
    host_config = api.create_host_config(
        network_mode="none",
        cap_drop=["ALL"],
        security_opt=["no-new-privileges"],
        mem_limit=limits.memory,
        memswap_limit=limits.memory,
        nano_cpus=int(limits.cpus * 1e9),
        pids_limit=limits.pids,
        # nothing the sandbox writes reaches the host's disk: a read-only root, and tmpfs
        read_only=True,
        mounts=[
            _tmpfs_volume(WORKDIR, limits.workspace_size),
            _tmpfs_volume(SCRATCH, limits.scratch_size),
        ],
        tmpfs={
            "/tmp": tmpfs_options.format(limits.tmp_size, "1777"),
            HOME: tmpfs_options.format(limits.home_size, "0700") + f",uid={SANDBOX_UID}",
        },
        ulimits=[
            docker.types.Ulimit(
                name="fsize", soft=limits.file_size_bytes, hard=limits.file_size_bytes
            )
        ],
    )
    return {
        "command": ["sleep", "infinity"],
        "network_disabled": True,
        "user": str(SANDBOX_UID),
        "working_dir": WORKDIR,
        "labels": {LABEL: "1", OWNER_LABEL: owner_tag()},
        "host_config": host_config,
    }


def list_sandboxes(owner: str | None = None) -> list[tuple[str, str]]:
    """(container id, owner label) of every codebench container on the engine, or only of
    those whose owner label is `owner` (e.g. `owner_tag()`: this process's).

    Uses the list endpoint alone: inspecting each container would race with removals.
    """
    client = docker_client()
    try:
        listed = client.api.containers(all=True, filters={"label": LABEL})
    finally:
        client.close()
    found = [(c["Id"], (c.get("Labels") or {}).get(OWNER_LABEL, "")) for c in listed]
    return [(cid, tag) for cid, tag in found if owner is None or tag == owner]


def _orphaned(owner: str, host: str) -> bool:
    owner_host, _, pid = owner.partition(":")
    return owner_host == host and pid.isdigit() and not _pid_alive(int(pid))


def reap_orphans() -> int:
    """Remove codebench containers whose creating process on this host is gone (after SIGKILL),
    and that process's volumes left without a container; return how many containers."""
    host = socket.gethostname()
    orphans = [cid for cid, owner in list_sandboxes() if _orphaned(owner, host)]
    client = docker_client()
    try:
        removed = sum(force_remove(client.api, container_id) for container_id in orphans)
        _remove_dangling_volumes(client.api, lambda owner: _orphaned(owner, host))
    finally:
        client.close()
    return removed


def sweep_own_volumes() -> int:
    """Remove this process's volumes that no container uses: the engine makes a container's
    volumes first, and keeps them when the connection drops before the container is made.
    Call it when no sandbox is being opened (at the end of a run). An engine that fails here
    only leaves them for the next run's `reap_orphans`."""
    with contextlib.suppress(*ENGINE_ERRORS):
        client = docker_client()
        try:
            return _remove_dangling_volumes(client.api, lambda owner: owner == owner_tag())
        finally:
            client.close()
    return 0


def _remove_dangling_volumes(api: Any, doomed: Callable[[str], bool]) -> int:
    listed = api.volumes(filters={"label": LABEL, "dangling": True}).get("Volumes") or []
    removed = 0
    for volume in listed:
        if doomed((volume.get("Labels") or {}).get(OWNER_LABEL, "")):
            with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
                api.remove_volume(volume["Name"])  # APIError 409: in use after all
                removed += 1
    return removed


def count_volumes(owner: str) -> int:
    """How many codebench volumes of `owner` exist (for tests and diagnostics)."""
    client = docker_client()
    try:
        listed = client.api.volumes(filters={"label": f"{OWNER_LABEL}={owner}"})
    finally:
        client.close()
    return len(listed.get("Volumes") or [])


def force_remove(api: Any, container_id: str) -> int:
    """Remove a container; 1 if this call removed it, 0 if it was already gone or going."""
    try:
        api.remove_container(container_id, force=True, v=True)  # v: its tmpfs volumes too
    except docker.errors.NotFound:
        return 0
    except docker.errors.APIError as exc:
        if exc.status_code == 409:  # removal already in progress (e.g. by a killed run)
            return 0
        raise
    return 1


def count_sandboxes(owner: str | None = None) -> int:
    """How many codebench containers exist on the engine, or only of `owner` (for tests and
    diagnostics: `count_sandboxes(owner_tag())` is not disturbed by other users of the engine).
    """
    wait_for_removals()
    return len(list_sandboxes(owner))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
