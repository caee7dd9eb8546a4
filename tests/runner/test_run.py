"""The run loop in Docker: statuses, resuming, SIGKILL, Ctrl-C, and no container left behind."""

from __future__ import annotations

import dataclasses
import json
import signal
import socket
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import pytest

from codebench.errors import ResultStoreError
from codebench.report import publish_run
from codebench.results import Status
from codebench.runner import ResultStore, RunSettings, SandboxSettings, evaluate_patch, run
from codebench.sandbox import Backend, ImageSet
from codebench.sandbox.docker_backend import count_sandboxes, list_sandboxes, owner_tag
from codebench.sandbox.image import prepare_images
from codebench.tasks import Task
from tests.conftest import FIXTURE_TASKS, ROOT, SANDBOXES, quiet

pytestmark = pytest.mark.docker


def settings_for(run_dir: Path, **changes: object) -> RunSettings:
    base = RunSettings(
        suite="mini",
        tasks_root=FIXTURE_TASKS,
        run_dir=run_dir,
        model_specs=("gold", "noop"),
        workers=2,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_run_grades_writes_and_reuses(tmp_path: Path, docker_images: ImageSet) -> None:
    outcome = run(settings_for(tmp_path), lambda keys: docker_images, quiet())
    assert not (tmp_path / "leaderboard.json").exists()  # the runner returns; report publishes
    publish_run(settings_for(tmp_path), outcome)
    statuses = {(r.model, r.task_id): r.status for r in outcome.results}
    assert statuses == {
        ("gold", "mini-div-zero"): Status.RESOLVED,
        ("gold", "mini-rename-show"): Status.RESOLVED,
        ("noop", "mini-div-zero"): Status.EMPTY_PATCH,
        ("noop", "mini-rename-show"): Status.EMPTY_PATCH,
    }
    assert (outcome.computed, outcome.reused) == (4, 0)
    assert count_sandboxes(owner_tag()) == 0
    board = json.loads((tmp_path / "leaderboard.json").read_text())
    gold = board["models"][0]
    assert gold["resolved"]["local"]["resolved_rate"] == 1.0
    assert gold["resolved"]["global"]["resolved_rate"] == 1.0
    stored = ResultStore(tmp_path).load("mini-div-zero", "gold", 0)
    assert stored is not None and stored.key.image_id == docker_images.image_id("python")

    again = run(settings_for(tmp_path), lambda keys: docker_images, quiet())
    assert (again.computed, again.reused) == (0, 4)


def test_changed_task_is_recomputed(tmp_path: Path, docker_images: ImageSet) -> None:
    """A result is keyed by the task's content: editing the task invalidates exactly it."""
    import shutil

    tasks_root = tmp_path / "tasks"
    shutil.copytree(FIXTURE_TASKS, tasks_root)
    settings = settings_for(tmp_path / "run", tasks_root=tasks_root, model_specs=("gold",))
    run(settings, lambda keys: docker_images, quiet())
    toml = tasks_root / "mini" / "mini-rename-show" / "task.toml"
    toml.write_text(toml.read_text().replace("timeout = 60", "timeout = 61"))
    again = run(settings, lambda keys: docker_images, quiet())
    assert (again.computed, again.reused) == (1, 1)


def test_timeout_leaves_no_container(docker_images: ImageSet, mini_tasks: dict[str, Task]) -> None:
    task = mini_tasks["mini-div-zero"]
    quick = dataclasses.replace(task, spec=task.spec.model_copy(update={"timeout": 2}))
    loop = "--- a/calc/ops.py\n+++ b/calc/ops.py\n@@ -12,2 +12,4 @@\n def div(a, b):\n+    while True:\n+        pass\n     return a / b\n"
    evaluation = evaluate_patch(quick, loop, SandboxSettings(Backend.DOCKER, docker_images))
    assert evaluation.status is Status.TIMEOUT
    assert count_sandboxes(owner_tag()) == 0


def start_cli_run(run_dir: Path, samples: int) -> subprocess.Popen[bytes]:
    argv = [
        sys.executable,
        "-m",
        "codebench",
        "run",
        "--suite",
        "mini",
        "--tasks-dir",
        str(FIXTURE_TASKS),
    ]
    argv += [
        "--model",
        "gold",
        "--samples",
        str(samples),
        "--workers",
        "1",
        "--run-dir",
        str(run_dir),
    ]
    return subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_for_results(run_dir: Path, count: int, process: subprocess.Popen[bytes]) -> list[Path]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found = sorted(run_dir.glob("results/*/*/sample-*.json"))
        if len(found) >= count:
            return found
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} results after 120 s")


def test_sigkill_then_resume_loses_and_redoes_nothing(
    tmp_path: Path, docker_images: ImageSet
) -> None:
    process = start_cli_run(tmp_path, samples=5)
    wait_for_results(tmp_path, 3, process)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    finished = {p: p.read_bytes() for p in tmp_path.glob("results/*/*/sample-*.json")}
    assert len(finished) >= 3

    # the real image preparation, which also removes the killed run's orphaned container
    prepare = partial(prepare_images, sandboxes_root=SANDBOXES, log=lambda _: None)
    outcome = run(settings_for(tmp_path, model_specs=("gold",), samples=5), prepare, quiet())
    assert outcome.reused == len(finished)
    assert outcome.computed == 10 - len(finished)
    assert all(r.status is Status.RESOLVED for r in outcome.results)
    for path, data in finished.items():
        assert path.read_bytes() == data  # finished results were neither lost nor rewritten
    assert _no_orphans_of(process.pid)


def _owner(pid: int) -> str:
    """The owner label of containers made by process `pid` on this host."""
    return f"{socket.gethostname()}:{pid}"


def _no_orphans_of(pid: int) -> bool:
    """No container of process `pid` is left (allowing a removal in flight to finish)."""
    for _ in range(50):
        if not list_sandboxes(_owner(pid)):
            return True
        time.sleep(0.2)
    return False


def test_ctrl_c_removes_every_container(tmp_path: Path, docker_images: ImageSet) -> None:
    process = start_cli_run(tmp_path, samples=20)
    wait_for_results(tmp_path, 1, process)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr.decode()
    assert b"interrupted" in stderr
    assert not list_sandboxes(_owner(process.pid))  # the run itself removed them all
    kept = list(tmp_path.glob("results/*/*/sample-*.json"))
    assert kept, "finished results must survive Ctrl-C"


def test_results_carry_their_analysis_and_reanalyse_on_a_new_version(
    tmp_path: Path, docker_images: ImageSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_for(tmp_path, model_specs=("gold",))
    first = run(settings, lambda keys: docker_images, quiet())
    publish_run(settings, first)
    by_task = {r.task_id: r for r in first.results}
    analysis = by_task["mini-rename-show"].analysis
    assert analysis is not None, by_task["mini-rename-show"].analysis_failure
    assert analysis.entity_precision == 1.0 and analysis.scope.value == "global"
    assert "calc/report.py" in by_task["mini-rename-show"].effective_patch
    board = json.loads((tmp_path / "leaderboard.json").read_text())
    assert board["models"][0]["analysis"]["global"]["analysed"] == 1

    import codebench.runner.analysis_step as step

    monkeypatch.setattr(step, "ANALYSIS_VERSION", 999)
    again = run(settings, lambda keys: docker_images, quiet())
    assert (again.computed, again.reused) == (0, 2)  # no sandbox ran again
    stored = ResultStore(tmp_path).load("mini-rename-show", "gold", 0)
    assert stored is not None and stored.analysis is not None


def test_run_dir_full_stops_the_run_and_leaves_no_container(
    tmp_path: Path, docker_images: ImageSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fatal error (no space left for the result files) ends the run at once.

    Broke: the error escaped `_execute` without stopping the pool, so queued attempts kept
    opening containers after `run()` had raised, and those closed at interpreter exit were
    never removed.
    """
    import errno
    import threading

    import codebench.runner.store as store

    def disk_full(path: Path, text: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(store, "write_text_atomic", disk_full)
    settings = settings_for(
        tmp_path, model_specs=("gold",), task_ids=("mini-div-zero",), samples=6, analyse=False
    )
    with pytest.raises(ResultStoreError, match="No space left"):
        run(settings, lambda keys: docker_images, quiet())
    assert not [t for t in threading.enumerate() if t.name.startswith("attempt")]
    assert count_sandboxes(owner_tag()) == 0
