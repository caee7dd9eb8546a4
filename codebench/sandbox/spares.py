"""Docker sandboxes started ahead of need, so that a run's next attempt finds its container
running and its starting tree copied in: neither is then on the attempt's critical path.

A spare is an ordinary `DockerSandbox`, opened in the background without scratch files, for the
image and limits of the sandbox that was just opened and the tree of an open to come: the run
gives the trees of its attempts in order (`arm`), and opens come in that order (an attempt whose
stored result is reused opens none: then a guess is off by one, and mostly right still, since
attempts come in runs of one tree). A spare is used by one attempt only, like any sandbox, and
only for that very tree; one of another tree is closed when room is needed. Spares exist only
while a run asked for them, never past its last attempt, and `disarm` removes those left.
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
    """At most `ahead` spares, ready or being started (one per parallel open), for the next
    trees of the plan."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ready: list[tuple[SpareKey, DockerSandbox]] = []
        self._starting = 0
        self._ahead = 0
        self._plan: list[Path] = []  # the tree of each open to come, in order
        self._opened = 0  # opens so far: the plan's next open is `_plan[_opened]`
        self._covered = 0  # the plan's opens before this one have had a spare started
        self._pool: ThreadPoolExecutor | None = None

    def arm(self, ahead: int, trees: list[Path]) -> None:
        """Keep up to `ahead` spares from the next open on (until `disarm`), for the opens of
        `trees`, in order."""
        with self._lock:
            self._ahead, self._plan = max(0, ahead), list(trees)
            self._opened = self._covered = 0
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
        ready, else a new one; then a spare is started for an open to come."""
        box = self._take((image, limits, checkout_key(repo_dir, SANDBOX_UID)), scratch_files)
        if box is None:
            box = DockerSandbox(repo_dir, image, limits, scratch_files)
        self._refill(image, limits)
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

    def _refill(self, image: str, limits: Limits) -> None:
        """Start a spare for the first open of the plan that has none, making room by closing
        a ready spare of another tree; none past the plan's end, nor while the engine looks
        gone (each would fail after its own timeout)."""
        with self._lock:
            self._opened += 1
            at = max(self._opened, self._covered)
            if self._pool is None or BREAKER.open or at >= len(self._plan):
                return
            repo_dir = self._plan[at]
        key = (image, limits, checkout_key(repo_dir, SANDBOX_UID))
        evicted: DockerSandbox | None = None
        with self._lock:
            if self._pool is None:
                return
            if len(self._ready) + self._starting >= self._ahead:
                other = next((i for i, (k, _) in enumerate(self._ready) if k != key), None)
                if other is None:
                    return
                _, evicted = self._ready.pop(other)
            self._starting += 1
            self._covered = at + 1
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
