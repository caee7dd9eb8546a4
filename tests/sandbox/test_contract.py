"""One contract, both backends: every Sandbox behaves the same from the outside."""

from __future__ import annotations

from pathlib import Path

import pytest

from codebench.errors import SandboxError
from codebench.runner import SandboxSettings
from codebench.sandbox import Backend, ImageSet, Sandbox, open_sandbox
from codebench.tasks import Task


def open_task_sandbox(settings: SandboxSettings, task: Task) -> Sandbox:
    """A sandbox holding the task's starting tree, on the settings' backend."""
    return open_sandbox(settings.backend, task.repo_dir, settings.image_for(task), settings.limits)


@pytest.fixture
def box(sandbox_settings: SandboxSettings, mini_tasks: dict[str, Task]) -> Sandbox:
    sandbox = open_task_sandbox(sandbox_settings, mini_tasks["mini-div-zero"])
    yield sandbox  # type: ignore[misc]
    sandbox.close()


def test_repo_is_checked_out_and_committed(box: Sandbox) -> None:
    assert b"def div(a, b):" in box.read_file("calc/ops.py")
    result = box.sh("git log --format=%s && git status --porcelain")
    assert result.ok
    assert result.stdout.strip() == "starting tree"
    assert box.diff() == ""


def test_exec_reports_exit_code_and_streams(box: Sandbox) -> None:
    result = box.sh("echo out; echo err >&2; exit 3")
    assert (result.exit_code, result.stdout, result.stderr) == (3, "out\n", "err\n")
    assert not result.ok and not result.timed_out


def test_pytest_runs_inside(box: Sandbox) -> None:
    result = box.exec(["python3", "-m", "pytest", "-q", "-p", "no:cacheprovider"], timeout=60)
    assert result.ok, result.stdout + result.stderr
    assert "3 passed" in result.stdout


def test_write_then_read_and_diff(box: Sandbox) -> None:
    box.write_files({"calc/new_mod.py": b"VALUE = 1\n", "pkg2/deep/x.py": b"X = 2\n"})
    box.write_files({f"{box.scratch}/note.txt": b"scratch"})
    assert box.read_file("calc/new_mod.py") == b"VALUE = 1\n"
    assert box.read_file(f"{box.scratch}/note.txt") == b"scratch"
    diff = box.diff()
    assert "+++ b/calc/new_mod.py" in diff and "+++ b/pkg2/deep/x.py" in diff
    assert "note.txt" not in diff  # the scratch directory is outside the repository


def test_written_directories_are_writable(box: Sandbox) -> None:
    box.write_files({"newpkg/a.py": b"A = 1\n"})
    assert box.sh("echo B = 2 > newpkg/b.py && cat newpkg/b.py").stdout == "B = 2\n"


def test_reading_a_missing_file_raises(box: Sandbox) -> None:
    with pytest.raises(SandboxError):
        box.read_file("calc/nope.py")


def test_timeout_kills_the_command_and_its_children(box: Sandbox) -> None:
    result = box.sh("sleep 30 & sleep 30; echo never", timeout=1.5)
    assert result.timed_out
    assert "never" not in result.stdout
    assert result.seconds < 20
    assert box.sh("echo alive").stdout == "alive\n"  # the sandbox itself survives


def test_close_is_idempotent(
    sandbox_settings: SandboxSettings, mini_tasks: dict[str, Task]
) -> None:
    box = open_task_sandbox(sandbox_settings, mini_tasks["mini-div-zero"])
    box.close()
    box.close()


def test_docker_sandbox_is_locked_down(
    docker_images: ImageSet, mini_tasks: dict[str, Task]
) -> None:
    task = mini_tasks["mini-div-zero"]
    settings = SandboxSettings(Backend.DOCKER, docker_images)
    with open_sandbox(
        Backend.DOCKER, task.repo_dir, settings.image_for(task), settings.limits
    ) as box:
        assert box.sh("id -u").stdout.strip() == "1000"
        caps = box.sh("grep CapEff /proc/self/status").stdout.split()[-1]
        assert int(caps, 16) == 0
        assert box.sh("grep NoNewPrivs /proc/self/status").stdout.split()[-1] == "1"
        interfaces = box.sh("cat /proc/net/dev").stdout
        assert "eth0" not in interfaces and "lo" in interfaces
        probe = "import socket; socket.create_connection(('1.1.1.1', 53), timeout=2)"
        assert not box.exec(["python3", "-c", probe], timeout=20).ok
        assert box.sh("touch /etc/x").exit_code != 0


def test_docker_sandbox_has_resource_limits(
    docker_images: ImageSet, mini_tasks: dict[str, Task]
) -> None:
    from codebench.sandbox.docker_backend import OWNER_LABEL, docker_client, owner_tag

    task = mini_tasks["mini-div-zero"]
    settings = SandboxSettings(Backend.DOCKER, docker_images)
    with open_sandbox(Backend.DOCKER, task.repo_dir, settings.image_for(task), settings.limits):
        client = docker_client()
        (container,) = client.containers.list(filters={"label": f"{OWNER_LABEL}={owner_tag()}"})
        host = container.attrs["HostConfig"]
        assert host["NetworkMode"] == "none"
        assert host["CapDrop"] == ["ALL"]
        assert host["SecurityOpt"] == ["no-new-privileges"]
        assert host["Memory"] == 2 * 1024**3
        assert host["NanoCpus"] == 1_000_000_000
        assert host["PidsLimit"] == settings.limits.pids
        client.close()


def test_docker_sandbox_bounds_tmp_and_file_sizes(
    docker_images: ImageSet, mini_tasks: dict[str, Task]
) -> None:
    """Regression: a patch wrote 3 GB into /tmp in 3 s, on the host's disk. /tmp is now a
    size-capped tmpfs and no single file grows past the file-size limit anywhere (the
    repository's folder has no total bound yet: see docs/reliability.md)."""
    from codebench.sandbox import Limits

    task = mini_tasks["mini-div-zero"]
    limits = Limits(tmp_size="16m", file_size_bytes=32 * 1024 * 1024)
    image = SandboxSettings(Backend.DOCKER, docker_images).image_for(task)
    with open_sandbox(Backend.DOCKER, task.repo_dir, image, limits) as box:
        full = box.sh("dd if=/dev/zero of=/tmp/fill bs=1M count=24 2>&1", timeout=60)
        assert not full.ok and "No space left on device" in full.stdout
        big = box.sh("dd if=/dev/zero of=big.bin bs=1M count=48 2>&1", timeout=60)
        assert not big.ok and "File size limit exceeded" in big.stdout  # SIGXFSZ ends dd
        assert int(box.sh("stat -c %s big.bin").stdout) <= 32 * 1024 * 1024
        # Python ignores SIGXFSZ: the tests' own writes fail with a plain EFBIG
        write = "open('big2.bin', 'wb').write(bytes(48 * 2**20))"
        python = box.exec(["python3", "-c", write], timeout=60)
        assert not python.ok and "File too large" in python.stderr


def test_an_executable_script_stays_executable(
    sandbox_settings: SandboxSettings, tmp_path: Path
) -> None:
    """Found trying a real sdist: the sandbox got every file as 0644, so a test that runs a
    script of the repository failed there and nowhere else."""
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin/run.sh").write_text("#!/bin/sh\necho ran\n")
    (tmp_path / "bin/run.sh").chmod(0o755)
    (tmp_path / "notes.txt").write_text("plain\n")
    image = sandbox_settings.image_id("python")
    with open_sandbox(sandbox_settings.backend, tmp_path, image, sandbox_settings.limits) as box:
        result = box.sh("./bin/run.sh && git ls-files -s && git status --porcelain")
    assert result.ok, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "ran"
    assert lines[1].startswith("100755 ") and lines[1].endswith("\tbin/run.sh")
    assert lines[2].startswith("100644 ") and lines[2].endswith("\tnotes.txt")
    assert len(lines) == 3  # and nothing is modified
