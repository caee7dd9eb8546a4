"""Shared file plumbing: atomic writes that fail cleanly, and files read into models with
messages that name the file and every bad key."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from codebench.io import write_bytes_atomic, write_text_atomic

# --- atomic writes ---------------------------------------------------------------------------


def leftovers(folder: Path) -> list[str]:
    """Everything in the folder but the files a test put there on purpose."""
    return sorted(p.name for p in folder.iterdir() if p.name != "out.json")


def test_a_failed_rename_keeps_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")

    def refuse(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="No space"):
        write_text_atomic(target, "new")
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_a_write_that_fails_midway_keeps_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    target.write_bytes(b"old")
    real_write = os.write
    calls = []

    def half_then_fail(fd: int, data: bytes) -> int:
        calls.append(len(data))
        if len(calls) > 1:
            raise OSError(5, "Input/output error")
        return real_write(fd, bytes(data[: len(data) // 2]))  # a short write, then an error

    monkeypatch.setattr(os, "write", half_then_fail)
    with pytest.raises(OSError, match="Input/output"):
        write_bytes_atomic(target, b"x" * 1000)
    assert calls == [1000, 500]  # the short write was continued before the failure
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_an_interrupt_also_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.json"

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_text_atomic(target, "new")
    assert not target.exists()
    assert leftovers(tmp_path) == []


def test_the_file_is_fsynced_before_the_rename_and_the_folder_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append("fsync folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync file")
        real_fsync(fd)

    def replace(src: str, dst: str) -> None:
        events.append("replace")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_text_atomic(tmp_path / "out.json", "new")
    expected = ["fsync file", "replace"] + (["fsync folder"] if os.name == "posix" else [])
    assert events == expected
    assert (tmp_path / "out.json").read_text() == "new"


def test_a_folder_that_cannot_be_synced_is_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fsync = os.fsync

    def no_folder_sync(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(22, "Invalid argument")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", no_folder_sync)
    assert write_text_atomic(tmp_path / "out.json", "new").read_text() == "new"


def test_writes_text_and_bytes_replacing_and_creating_folders(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "out.json"
    assert write_text_atomic(target, "é\n") == target
    assert target.read_bytes() == "é\n".encode()  # UTF-8, no newline translation
    write_bytes_atomic(target, b"\x00\xff")
    assert target.read_bytes() == b"\x00\xff"
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.json"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_new_files_get_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        path = write_text_atomic(tmp_path / "out.json", "{}")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # readable by the tools that serve it


def test_an_unencodable_text_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(UnicodeEncodeError):
        write_text_atomic(tmp_path / "out.json", "é", encoding="ascii")
    assert list(tmp_path.iterdir()) == []
