"""One run at a time per run directory: an flock'd `RUN_DIR/.lock` naming its holder.

The kernel releases an flock when its holder's file is closed, which happens on any exit
(SIGKILL included), so a lock is never stale: a lock file whose holder is gone is free. The
file's content (host, pid, start time) only names the holder in the error a second run gets.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from codebench.errors import ResultStoreError, RunDirInUseError

LOCK_FILE = ".lock"


@dataclass
class HeldRunDir:
    """Proof that this process holds a run directory, for as long as `held` is True: a caller
    that runs and then publishes passes it to `run()`, so that no other run gets in between."""

    run_dir: Path
    lock_file: Path
    held: bool = field(default=True)

    def covers(self, run_dir: Path) -> bool:
        """True while this lock is held and is `run_dir`'s."""
        return self.held and self.run_dir.resolve() == run_dir.resolve()


@contextlib.contextmanager
def lock_run_dir(run_dir: Path) -> Iterator[HeldRunDir]:
    """Hold `run_dir` for the block (the folder is created).

    Raises:
        RunDirInUseError: another run holds it (the message names its pid, host and start).
        ResultStoreError: the lock file cannot be created.
    """
    path = run_dir / LOCK_FILE
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as exc:
        raise ResultStoreError(f"cannot create the run lock {path}: {exc}") from exc
    try:
        _acquire(fd, run_dir, path)
        _write_holder(fd)
        held = HeldRunDir(run_dir, path)
        try:
            yield held
        finally:
            held.held = False
    finally:
        os.close(fd)  # releases the flock


def _acquire(fd: int, run_dir: Path, path: Path) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise RunDirInUseError(_in_use_message(run_dir, path)) from None
    except OSError as exc:
        raise ResultStoreError(f"cannot lock {path}: {exc}") from exc


def _write_holder(fd: int) -> None:
    """Name this process in the lock file (the file is truncated only once it is ours)."""
    holder = {
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    os.ftruncate(fd, 0)
    os.pwrite(fd, (json.dumps(holder) + "\n").encode(), 0)


def _in_use_message(run_dir: Path, path: Path) -> str:
    fix = "wait for that run to finish (or stop it), or choose another --run-dir"
    try:
        holder = json.loads(path.read_text(encoding="utf-8"))
        who = f"pid {holder['pid']} on host {holder['host']} since {holder['started_at']}"
    except (OSError, ValueError, KeyError, TypeError):
        who = f"another run (it has not named itself in {path} yet)"
    return f"run dir {run_dir} is in use by {who}; {fix}"
