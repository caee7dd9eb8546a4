"""Docker sandboxes started ahead of need, so that a run's next attempt finds its container
running and its starting tree copied in: neither is then on the attempt's critical path.

A spare is an ordinary `DockerSandbox`, opened in the background without scratch files for the
image, limits and tree of the sandbox that was just opened: a run's attempts come in runs of one
tree (the samples of a task, the tasks of one repository). It is used by one attempt only, like
any sandbox, and only for that very tree; a spare of another tree is closed when room is needed.
Spares exist only while a run asked for them (`arm`), never more than the opens it still
expects, and `disarm` removes those left.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from codebench.errors import SandboxError
from codebench.sandbox.base import Limits
from codebench.sandbox.checkout import checkout_key
from codebench.sandbox.docker_backend import SANDBOX_UID, DockerSandbox
from codebench.sandbox.engine_retry import BREAKER

SpareKey = tuple[str, Limits, str]  # image id, limits, checkout key of the tree


class Spares:
    """At most `ahead` spares, ready or being started (one per parallel open), and no more
    than the opens still expected after the current one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ready: list[tuple[SpareKey, DockerSandbox]] = []
        self._starting = 0
        self._ahead = 0
        self._expected = 0  # opens still to come (an upper bound: a reused result opens none)
        self._pool: ThreadPoolExecutor | None = None

    def arm(self, ahead: int, expected: int) -> None:
        """Keep up to `ahead` spares from the next open on (until `disarm`), for at most
        `expected` opens in all."""
        with self._lock:
            self._ahead, self._expected = max(0, ahead), expected
            if self._pool is None and self._ahead:
                self._pool = ThreadPoolExecutor(self._ahead, thread_name_prefix="spare-sandbox")

    def disarm(self) -> None:
        """Start no more spares; wait for those being started, then close every spare."""
        with self._lock:
            pool, self._pool, self._ahead = self._pool, None, 0
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            left, self._ready = self._ready, []
        for _, box in left:
            box.close()

    def open(
        self, repo_dir: Path, image: str, limits: Limits, scratch_files: Mapping[str, bytes]
    ) -> DockerSandbox:
        """A sandbox of `repo_dir` holding `scratch_files`: a spare of this tree when one is
        ready, else a new one; then a spare is started for the next open like it."""
        key = (image, limits, checkout_key(repo_dir, SANDBOX_UID))
        box = self._take(key, scratch_files)
        if box is None:
            box = DockerSandbox(repo_dir, image, limits, scratch_files)
        self._refill(key, repo_dir)
        return box

    def _take(self, key: SpareKey, scratch_files: Mapping[str, bytes]) -> DockerSandbox | None:
        """A ready spare of `key` with `scratch_files` copied in, or None. Its container must
        still run (the engine may have restarted since; a copy into a stopped container would
        work, so the engine is asked): a spare that fails that or the copy is closed, and the
        caller opens a new sandbox as if there had been none."""
        with self._lock:
            found = next((i for i, (k, _) in enumerate(self._ready) if k == key), None)
            if found is None:
                return None
            _, box = self._ready.pop(found)
        try:
            box.check_running()
            if scratch_files:
                box.add_scratch_files(scratch_files)
        except SandboxError:
            box.close()
            return None
        return box

    def _refill(self, key: SpareKey, repo_dir: Path) -> None:
        """Start a spare of `key`, making room by closing a ready spare of another tree; none
        while the engine looks gone (each would fail after its own timeout)."""
        evicted: DockerSandbox | None = None
        with self._lock:
            self._expected -= 1
            spares = len(self._ready) + self._starting
            if self._pool is None or BREAKER.open or spares >= self._expected:
                return
            if spares >= self._ahead:
                other = next((i for i, (k, _) in enumerate(self._ready) if k != key), None)
                if other is None:
                    return
                _, evicted = self._ready.pop(other)
            self._starting += 1
            self._pool.submit(self._start, key, repo_dir)
        if evicted is not None:
            evicted.close()

    def _start(self, key: SpareKey, repo_dir: Path) -> None:
        image, limits, _ = key
        box: DockerSandbox | None = None
        # a spare that cannot be started costs nothing: the next open starts its own sandbox
        with contextlib.suppress(Exception):
            box = DockerSandbox(repo_dir, image, limits, retry=False)
        with self._lock:
            self._starting -= 1
            keep = box is not None and self._pool is not None
            if keep and box is not None:
                self._ready.append((key, box))
        if box is not None and not keep:
            box.close()  # disarmed while it was starting


SPARES = Spares()
