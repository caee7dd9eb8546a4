"""An UNSAFE sandbox: a temporary directory and host subprocesses. For development only.

It runs model-written code on the host with your permissions and no network isolation.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from codebench.errors import SandboxError
from codebench.sandbox.base import LIVE, ExecResult, Sandbox, clip
from codebench.tasks.tree import IGNORED_NAMES

LOCAL_IMAGE_ID = "local-unsafe"


class LocalSandbox(Sandbox):
    """A task repository copied into a temporary directory on the host."""

    def __init__(self, repo_dir: Path, scratch_files: Mapping[str, bytes] | None = None) -> None:
        self._root = Path(tempfile.mkdtemp(prefix="codebench-local-"))
        self.workdir = str(self._root / "workspace")
        self.scratch = str(self._root / "scratch")
        self.image_id = LOCAL_IMAGE_ID
        self._closed = False
        LIVE.add(self)
        try:
            shutil.copytree(repo_dir, self.workdir, ignore=shutil.ignore_patterns(*IGNORED_NAMES))
            os.makedirs(self.scratch)
            self.write_files({f"{self.scratch}/{n}": d for n, d in (scratch_files or {}).items()})
            self.init_repository()
        except BaseException:
            self.close()
            raise

    def exec(
        self, argv: Sequence[str], *, timeout: float, env: Mapping[str, str] | None = None
    ) -> ExecResult:
        """Run `argv` in its own process group; kill the whole group on timeout."""
        full_env = {**os.environ, **(env or {})}
        # `python3` in a task's test command must be the interpreter that has pytest.
        full_env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + full_env.get("PATH", "")
        full_env["PYTHONDONTWRITEBYTECODE"] = "1"
        # like the Docker image, which has no pytest plugins: the host's must not change results
        full_env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        start = time.monotonic()
        with subprocess.Popen(
            list(argv),
            cwd=self.workdir,
            env=full_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        ) as proc:
            try:
                out, err = proc.communicate(timeout=timeout)
                timed_out = False
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                out, err = proc.communicate()
                timed_out = True
        return ExecResult(
            exit_code=proc.returncode,
            stdout=clip(out.decode(errors="replace")),
            stderr=clip(err.decode(errors="replace")),
            timed_out=timed_out,
            seconds=time.monotonic() - start,
        )

    def _path(self, path: str) -> Path:
        return Path(path) if os.path.isabs(path) else Path(self.workdir, path)

    def read_file(self, path: str) -> bytes:
        """Read a file relative to the workspace (or absolute)."""
        try:
            return self._path(path).read_bytes()
        except OSError as exc:
            raise SandboxError(f"cannot read {path} in the sandbox: {exc}") from exc

    def write_files(self, files: Mapping[str, bytes]) -> None:
        """Write files relative to the workspace (or absolute)."""
        for name, data in files.items():
            target = self._path(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

    def close(self) -> None:
        """Delete the temporary directory."""
        if not self._closed:
            self._closed = True
            shutil.rmtree(self._root, ignore_errors=True)
            LIVE.discard(self)
