"""The small `Sandbox` interface every backend implements, and the values it returns."""

from __future__ import annotations

import shlex
import threading
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import TracebackType

from codebench.errors import SandboxError

# The author of every commit codebench makes (starting trees, scaffolded pairs).
GIT_IDENTITY = ("-c", "user.name=codebench", "-c", "user.email=codebench@localhost")
# Commit the starting tree so that `diff` and the apply chain's `git reset` have a base; every
# file, ignored or not, so that later views of the tree start from all of it.
INIT_REPO_SCRIPT = (
    f"git init -q -b base . && git add -A -f && git {shlex.join(GIT_IDENTITY)} "
    "commit -q --no-verify --allow-empty -m 'starting tree'"
)
# Every changed file, ignored or not, diffed as text: .gitignore and .gitattributes in the
# tree cannot hide a change or turn it into "Binary files differ".
FORCED_TEXT_DIFF = "git add -A -f && git diff --cached --text --no-ext-diff --no-textconv"
# Generous: the grading command's output carries the whole JUnit report at its end.
MAX_OUTPUT_CHARS = 8_000_000
CLIP_MARKER = "[... clipped ...]\n"  # what starts a clipped output


class Backend(StrEnum):
    """Where sandboxes run."""

    DOCKER = "docker"
    LOCAL = "local"  # unsafe: runs model-written code on the host; for development only


@dataclass(frozen=True)
class ImageSet:
    """The sandbox image id of each environment key (a task.toml's `image`) a run needs."""

    ids: Mapping[str, str] = field(default_factory=dict, hash=False)

    def image_id(self, key: str) -> str:
        """The image id of `key`; raises `SandboxError` when it was never prepared."""
        try:
            return self.ids[key]
        except KeyError:
            known = ", ".join(sorted(self.ids)) or "none"
            raise SandboxError(
                f"no sandbox image was prepared for {key!r} (have: {known})"
            ) from None


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandbox."""

    memory: str = "2g"
    cpus: float = 1.0
    pids: int = 512
    # Disk: the root filesystem is read-only and every folder the sandbox can write is a
    # size-capped tmpfs (charged to `memory` too): the repository, the harness's scratch folder,
    # /tmp and the home folder. No single file may grow past `file_size_bytes` anywhere.
    workspace_size: str = "1g"
    scratch_size: str = "256m"
    tmp_size: str = "512m"
    home_size: str = "64m"
    file_size_bytes: int = 1 << 30


@dataclass(frozen=True)
class ExecResult:
    """What one command in a sandbox did."""

    exit_code: int
    stdout: str
    stderr: str
    timed_out: bool
    seconds: float

    @property
    def ok(self) -> bool:
        """True when the command exited 0 in time."""
        return self.exit_code == 0 and not self.timed_out


def clip(text: str) -> str:
    """Keep the tail of long command output (the end is where errors are)."""
    if len(text) <= MAX_OUTPUT_CHARS:
        return text
    return CLIP_MARKER + text[-MAX_OUTPUT_CHARS:]


class Sandbox(ABC):
    """A checked-out task repository in an isolated place, with a git base commit.

    `workdir` holds the repository; `scratch` is a directory outside it for the harness's own
    files (patches, JUnit reports) that a patch cannot reach.
    """

    workdir: str
    scratch: str
    image_id: str
    # True when every process in the sandbox belongs to it (a container), so that the harness
    # may end them all; False on the host, where only processes marked as the sandbox's may be.
    owns_all_processes: bool = False
    # The shell and the Python the harness's own commands run with (`sh`, the sealer). In a
    # container they are execute-only copies (see `recipe.HARNESS_BINARIES`): a process whose
    # binary its user cannot read is not dumpable, so the tested code, which runs as the same
    # user, cannot ptrace them to take over the shell that reports the result.
    shell: str = "sh"
    harness_python: str = "python3"

    @abstractmethod
    def exec(
        self, argv: Sequence[str], *, timeout: float, env: Mapping[str, str] | None = None
    ) -> ExecResult:
        """Run `argv` in `workdir`; kill it (and its children) after `timeout` seconds."""

    @abstractmethod
    def read_file(self, path: str) -> bytes:
        """Read a file, relative to `workdir` unless absolute; raise `SandboxError` if absent."""

    @abstractmethod
    def write_files(self, files: Mapping[str, bytes]) -> None:
        """Write files, relative to `workdir` unless absolute, creating directories."""

    @abstractmethod
    def close(self) -> None:
        """Destroy the sandbox; safe to call twice."""

    def sh(self, script: str, *args: str, timeout: float = 60) -> ExecResult:
        """Run a POSIX shell script with positional arguments."""
        return self.exec([self.shell, "-c", script, "sh", *args], timeout=timeout)

    def diff(self) -> str:
        """The working tree against the starting tree, as a git unified diff (new files too)."""
        result = self.sh(f"{FORCED_TEXT_DIFF} --binary base", timeout=60)
        if not result.ok:
            raise SandboxError(f"git diff failed in the sandbox: {result.stderr.strip()}")
        return result.stdout

    def init_repository(self) -> None:
        """Make the checked-out tree a git repository whose base commit is the starting tree."""
        result = self.sh(INIT_REPO_SCRIPT, timeout=120)
        if not result.ok:
            raise SandboxError(f"could not commit the starting tree: {result.stderr.strip()}")

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class LiveSandboxes:
    """Every sandbox not yet closed, so that Ctrl-C or SIGTERM can destroy them all."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: set[Sandbox] = set()
        self._refusing = False

    def add(self, sandbox: Sandbox) -> None:
        """Track an opening sandbox; refuse once the process is shutting down."""
        with self._lock:
            if self._refusing:
                raise SandboxError("codebench is shutting down: no new sandboxes")
            self._open.add(sandbox)

    def discard(self, sandbox: Sandbox) -> None:
        """Forget a closed sandbox."""
        with self._lock:
            self._open.discard(sandbox)

    def shut_down(self) -> int:
        """Refuse new sandboxes from now on and close every open one; return how many."""
        with self._lock:
            self._refusing = True
            open_now = list(self._open)
        for sandbox in open_now:
            sandbox.close()
        return len(open_now)

    def reopen(self) -> None:
        """Accept new sandboxes again, once whatever was shut down has stopped (a run that
        aborted returns to a process that may run again, e.g. a test session)."""
        with self._lock:
            self._refusing = False


LIVE = LiveSandboxes()
