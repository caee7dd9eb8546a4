"""The harness's own processes in a container (the command's `timeout`, its shell, the sealer)
cannot be ptraced by the tested code, which runs as the same user: they run from execute-only
copies, which the kernel makes non-dumpable. Without it, code under test could attach to the
shell that runs the tests and make it report a result the sealer never wrote."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from codebench.sandbox import Backend, ImageSet, Limits, Sandbox, open_sandbox
from codebench.sandbox.docker_backend import HARNESS_PYTHON, HARNESS_SH, HARNESS_TIMEOUT
from codebench.tasks import Task

ATTACH = """
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
PTRACE_ATTACH, PTRACE_DETACH = 16, 17
for name, pid in zip(("shell", "timeout", "readable"), map(int, sys.argv[1:])):
    ok = libc.ptrace(PTRACE_ATTACH, pid, 0, 0) == 0
    print(name, "attached" if ok else os.strerror(ctypes.get_errno()))
    if ok:
        os.waitpid(pid, 0)
        libc.ptrace(PTRACE_DETACH, pid, 0, 0)
"""
# in the harness's shell: $$ is that shell; its parent is the command's `timeout`
SCRIPT = (
    "sleep 30 & readable=$!\n"
    'above=$(cut -d" " -f4 /proc/$$/stat)\n'
    'python3 -c "$1" $$ "$above" "$readable"\n'
    'kill "$readable"\n'
)


@pytest.fixture
def box(docker_images: ImageSet, mini_tasks: dict[str, Task]) -> Iterator[Sandbox]:
    task = mini_tasks["mini-div-zero"]
    image = docker_images.image_id(task.spec.image)
    with open_sandbox(Backend.DOCKER, task.repo_dir, image, Limits()) as sandbox:
        yield sandbox


def test_the_tested_code_cannot_ptrace_the_harness_shell_or_timeout(box: Sandbox) -> None:
    result = box.sh(SCRIPT, ATTACH, timeout=60)
    assert result.ok, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert lines["shell"] == "Operation not permitted"
    assert lines["timeout"] == "Operation not permitted"
    assert lines["readable"] == "attached"  # ptrace itself works: the copies are what stop it


def test_the_harness_binaries_are_execute_only_copies(box: Sandbox) -> None:
    check = (
        'for f in "$@"; do [ -x "$f" ] && ! [ -r "$f" ] && echo "$f ok"; done; '
        f'{HARNESS_PYTHON} -I -S -c "import json, signal, stat; print(1 + 1)"'
    )
    result = box.sh(check, HARNESS_TIMEOUT, HARNESS_SH, HARNESS_PYTHON, timeout=60)
    assert result.stdout.split("\n")[:3] == [
        f"{p} ok" for p in (HARNESS_TIMEOUT, HARNESS_SH, HARNESS_PYTHON)
    ]
    assert result.stdout.strip().endswith("2"), (
        result.stderr
    )  # the sealer's Python finds its stdlib
