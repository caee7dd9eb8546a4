"""Shared file plumbing: atomic writes.

A write either leaves the old file or puts the whole new one in its place, durably.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

_TEMP_TRIES = 100


# --- atomic writes ---------------------------------------------------------------------------


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    """Replace `path` with `data` so that readers see the old file or the new one, never a part.

    The parent folders are created. The data goes to a temporary file beside `path`, is
    fsynced, renamed over `path`, and the folder is fsynced where the platform allows, so the
    new file survives a crash once this returns. On any failure the temporary file is removed
    and the old file is left as it was. New files get the usual permissions (0o666 less umask).

    Raises:
        OSError: the folder or file cannot be created, written, synced or renamed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temp(path)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_folder(path.parent)
    return path


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """`write_bytes_atomic` of `text` encoded (no newline translation on any platform).

    Raises:
        OSError: as `write_bytes_atomic`.
        UnicodeEncodeError: the text cannot be encoded (nothing is written then).
    """
    return write_bytes_atomic(path, text.encode(encoding))


def _create_temp(path: Path) -> tuple[int, Path]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    for _ in range(_TEMP_TRIES):
        tmp = path.with_name(f".{path.name[:200]}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path}")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # e.g. Windows cannot open a folder; the rename has happened all the same
    try:
        with contextlib.suppress(OSError):  # some file systems refuse to sync a folder
            os.fsync(fd)
    finally:
        os.close(fd)
