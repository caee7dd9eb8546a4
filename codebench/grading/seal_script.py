"""The sealer: run inside the sandbox right after pytest exits, before the harness reads anything.

It freezes and then kills every process the tests left behind (recording their command lines),
so that nothing the patch started can write the report afterwards; then it reads the JUnit
report (a regular file, not a symlink) and writes report and strays into a fresh file that the
harness reads. Standard library only, and self-contained: its source is passed to the sandbox's
`python3 -I -S -c`, so no file the tested code could have replaced is executed.

argv: mode ("all": every process but pid 1 and the sealer's ancestors; "token": only processes
whose environment holds the token), token, pytest's exit code (recorded: the grading command's
own exit code only says the sealer finished), report path, sealed path, then the folders the
tests could write, to tell which of them ran out of space.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import stat
import sys

MAX_ROUNDS = 50  # forks racing the freeze: each round stops what the last one missed
MAX_REPORT_BYTES = 64 * 1024 * 1024
FULL_BELOW_BYTES = 1024 * 1024  # a folder with less room left than this has filled up


def _pids() -> set[int]:
    return {int(name) for name in os.listdir("/proc") if name.isdigit()}


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return b""


def _ancestors(pid: int) -> set[int]:
    found = {pid}
    while pid > 1:
        stat = _read(f"/proc/{pid}/stat").decode(errors="replace")
        fields = stat.rpartition(")")[2].split()
        pid = int(fields[1]) if len(fields) > 1 else 0
        found.add(pid)
    return found


def _state(stat_path: str) -> str:
    fields = _read(stat_path).decode(errors="replace").rpartition(")")[2].split()
    return fields[0] if fields else "X"


def _live_threads(pid: int) -> list[str]:
    """The threads of `pid` that still run: a process whose main thread exited looks like a
    zombie in /proc/PID/stat while another of its threads goes on working."""
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    return [tid for tid in tids if _state(f"/proc/{pid}/task/{tid}/stat") not in ("Z", "X")]


def _is_candidate(pid: int, mode: str, token: bytes) -> bool:
    live = _live_threads(pid)
    if not live:  # a true zombie runs nothing; it only awaits its parent
        return False
    environ = _read(f"/proc/{pid}/task/{live[0]}/environ") or _read(f"/proc/{pid}/environ")
    return mode == "all" or token in environ.split(b"\0")


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(OSError):  # gone already, or not ours to signal
        os.kill(pid, signum)


def end_strays(mode: str, token: bytes) -> list[str]:
    """Stop, record and kill every stray process; return their command lines."""
    keep = _ancestors(os.getpid()) | {1}
    stopped: list[int] = []
    for _ in range(MAX_ROUNDS):
        new = [p for p in _pids() - keep - set(stopped) if _is_candidate(p, mode, token)]
        if not new:
            break
        for pid in new:
            _signal(pid, signal.SIGSTOP)
        stopped.extend(new)
    lines = [_read(f"/proc/{pid}/cmdline").replace(b"\0", b" ") for pid in stopped]
    for pid in stopped:
        _signal(pid, signal.SIGKILL)
    return [line.decode(errors="replace").strip() or "?" for line in lines]


def read_report(path: str) -> tuple[str | None, str | None]:
    """(report text, None), or (None, why it cannot be trusted or read)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None, None  # pytest wrote none (it crashed, or collected nothing)
    except OSError as exc:
        return None, f"the report path is not a plain file: {exc.strerror}"
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return None, "the report path is not a regular file"
        data = handle.read(MAX_REPORT_BYTES + 1)
    if len(data) > MAX_REPORT_BYTES:
        return None, "the report is larger than 64 MiB"
    return data.decode(errors="replace"), None


def write_sealed(path: str, content: dict[str, object]) -> None:
    """Write `content` as JSON to a file this process creates (whatever was there is removed)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(content, handle)


def full_folders(folders: list[str]) -> list[str]:
    """The folders (each a size-capped filesystem in a container) with no room left."""
    full = []
    for folder in folders:
        try:
            room = os.statvfs(folder)
        except OSError:
            continue
        if room.f_blocks and room.f_bavail * room.f_frsize < FULL_BELOW_BYTES:
            full.append(folder)
    return full


def main(argv: list[str]) -> int:
    """Seal one test run; see the module docstring for `argv`."""
    mode, token, code, report_path, sealed_path, *folders = argv
    strays = end_strays(mode, token.encode())
    report, problem = read_report(report_path)
    full = full_folders(folders)
    exit_code = int(code) if code.lstrip("-").isdigit() else None
    content = {"strays": strays, "report": report, "problem": problem, "full": full}
    write_sealed(sealed_path, content | {"exit_code": exit_code})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
