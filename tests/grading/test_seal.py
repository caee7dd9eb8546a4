"""The sealer, run for real on this host in token mode (it ends only marked processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codebench.grading import seal_script
from codebench.grading.grade import SEAL_SOURCE, grading_script

TOKEN = f"CODEBENCH_ATTEMPT=test-{os.getpid()}"


def seal(report: Path, sealed: Path, *folders: str) -> dict[str, object]:
    env = {**os.environ, "CODEBENCH_ATTEMPT": TOKEN.split("=", 1)[1]}
    argv = [sys.executable, "-I", "-c", SEAL_SOURCE, "token", TOKEN, "1", str(report), str(sealed)]
    argv += folders
    subprocess.run(argv, env=env, check=True, timeout=60)
    data: dict[str, object] = json.loads(sealed.read_text())
    return data


def test_a_marked_process_that_outlived_the_tests_is_killed_and_recorded(tmp_path: Path) -> None:
    env = {**os.environ, "CODEBENCH_ATTEMPT": TOKEN.split("=", 1)[1]}
    stray = subprocess.Popen(  # its own session, as a forged-report writer would be
        ["sleep", "300"], env=env, start_new_session=True
    )
    unmarked = subprocess.Popen(["sleep", "300"])  # not the sandbox's: left alone
    try:
        (tmp_path / "junit.xml").write_text("<testsuites/>")
        sealed = seal(tmp_path / "junit.xml", tmp_path / "sealed")
        assert sealed["strays"] == ["sleep 300"]
        assert sealed["report"] == "<testsuites/>" and sealed["problem"] is None
        assert stray.wait(timeout=10) == -9
        time.sleep(0.1)
        assert unmarked.poll() is None
    finally:
        unmarked.kill()
        unmarked.wait()
        stray.kill()
        stray.wait()


def test_a_report_replaced_by_a_symlink_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "forged.xml").write_text("<testsuites/>")
    (tmp_path / "junit.xml").symlink_to(tmp_path / "forged.xml")
    (tmp_path / "sealed").symlink_to(tmp_path / "target")  # planted where the seal goes
    sealed = seal(tmp_path / "junit.xml", tmp_path / "sealed")
    assert sealed["report"] is None and "not a plain file" in str(sealed["problem"])
    assert not (tmp_path / "target").exists()  # the planted link was replaced, not followed


def test_no_report_is_no_problem(tmp_path: Path) -> None:
    sealed = seal(tmp_path / "junit.xml", tmp_path / "sealed")
    assert sealed == {"strays": [], "report": None, "problem": None, "full": [], "exit_code": 1}


def test_folders_with_no_room_left_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder with room, or one that does not exist, is not named; one with less than 1 MiB
    left is (the harness then says a disk limit was hit: the Docker test fills one for real)."""
    sealed = seal(tmp_path / "junit.xml", tmp_path / "sealed", str(tmp_path), "/nonexistent")
    assert sealed["full"] == []

    def room(path: str) -> os.statvfs_result:
        total = 0 if path == "/proc" else 1000  # /proc: no size at all, never "full"
        return os.statvfs_result((4096, 4096, total, 4, 4, 10, 10, 10, 0, 255))

    monkeypatch.setattr(seal_script.os, "statvfs", room)
    assert seal_script.full_folders(["/workspace", "/proc", "/nonexistent"]) == [
        "/workspace",
        "/nonexistent",
    ]


def test_a_module_the_patch_adds_does_not_load_into_the_sealer(tmp_path: Path) -> None:
    """Regression: the sealer ran `python3 -c` with the repository as its folder, so a
    `json.py` at the repository root was imported by it (seen to write the marker before)."""
    repo, run_dir, marker = tmp_path / "repo", tmp_path / "run", tmp_path / "marker"
    repo.mkdir()
    (repo / "json.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    script = grading_script(HostSandbox(), "true", str(run_dir), None)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(["sh", "-c", script], cwd=repo, env=env, check=True, timeout=60)
    assert not marker.exists()
    assert json.loads((run_dir / "sealed").read_text())["strays"] == []


class HostSandbox:
    """Just enough of a Sandbox for `grading_script`: one on the host (token mode)."""

    owns_all_processes = False
    workdir, scratch = ".", "/nonexistent"
    harness_python = "python3"


ZOMBIE_LEADER = """
import ctypes, os, sys, threading, time
threading.Thread(target=time.sleep, args=(300,)).start()
time.sleep(0.2)
ctypes.CDLL(None).syscall(60, 0)  # SYS_exit: ends the main thread only
"""


def test_a_process_whose_main_thread_exited_is_still_a_stray(tmp_path: Path) -> None:
    """Regression: a helper that ended only its main thread showed `Z` in /proc/PID/stat, so
    the sealer skipped it as a zombie while its other thread rewrote the report."""
    env = {**os.environ, "CODEBENCH_ATTEMPT": TOKEN.split("=", 1)[1]}
    helper = subprocess.Popen([sys.executable, "-c", ZOMBIE_LEADER], env=env)
    try:
        time.sleep(1.0)
        assert (Path(f"/proc/{helper.pid}/stat").read_text().rpartition(")")[2].split()[0]) == "Z"
        sealed = seal(tmp_path / "junit.xml", tmp_path / "sealed")
        assert len(sealed["strays"]) == 1  # type: ignore[arg-type]
        assert helper.wait(timeout=10) == -9
    finally:
        helper.kill()
        helper.wait()
