"""`--executor ray` on a local cluster of two nodes: the same results as the local pool,
resumed and reused; a worker killed mid-attempt; a node without an engine, set aside; Ctrl-C."""

from __future__ import annotations

import dataclasses
import io
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from rich.console import Console

from codebench.cli.common import prepare_images
from codebench.results import Status
from codebench.runner import Executor, ResultStore, RunSettings, run
from codebench.runner.cluster.health import FAILURES_IN_A_ROW
from codebench.sandbox import ImageSet
from tests.conftest import FIXTURE_TASKS, ROOT, quiet
from tests.runner.cluster.conftest import LocalCluster, OwnContainers, parent_of

pytestmark = pytest.mark.docker

MODELS = ("gold", "noop", "partial")
EXPECTED = {
    ("gold", "mini-div-zero"): Status.RESOLVED,
    ("gold", "mini-rename-show"): Status.RESOLVED,
    ("noop", "mini-div-zero"): Status.EMPTY_PATCH,
    ("noop", "mini-rename-show"): Status.EMPTY_PATCH,
    ("partial", "mini-div-zero"): Status.RESOLVED,  # one file: the whole gold patch
    ("partial", "mini-rename-show"): Status.UNRESOLVED,
}


def on_cluster(run_dir: Path, cluster: LocalCluster, **changes: object) -> RunSettings:
    base = RunSettings(
        suite="mini",
        tasks_root=FIXTURE_TASKS,
        run_dir=run_dir,
        model_specs=MODELS,
        executor=Executor.RAY,
        ray_address=cluster.address,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


class Watcher(threading.Thread):
    """Looks at the engine while a run goes on: which of our processes open sandboxes, and
    (with `kill`) SIGKILLs the first Ray worker seen holding one."""

    def __init__(self, cluster: LocalCluster, kill: bool = False) -> None:
        super().__init__(daemon=True)
        self.cluster, self.kill = cluster, kill
        self.own = OwnContainers()
        self.killed: int | None = None
        self.nodes_seen: set[int] = set()
        self.done = threading.Event()

    def run(self) -> None:
        raylets = self.cluster.raylet_pids()
        while not self.done.is_set():
            for _, pid in self.own.look():
                parent = parent_of(pid)
                if parent in raylets:
                    self.nodes_seen.add(raylets[parent])
                if self.kill and self.killed is None and parent in raylets:
                    os.kill(pid, signal.SIGKILL)  # a worker of our own cluster, mid-attempt
                    self.killed = pid
            time.sleep(0.02)


def test_a_run_on_two_nodes_is_graded_stored_and_reused(
    tmp_path: Path, two_nodes: LocalCluster, docker_images: ImageSet
) -> None:
    watcher = Watcher(two_nodes)
    watcher.start()
    try:
        outcome = run(on_cluster(tmp_path, two_nodes, samples=2), prepare_images, quiet())
    finally:
        watcher.done.set()
        watcher.join()
    statuses = {(r.model, r.task_id, r.sample): r.status for r in outcome.results}
    assert statuses == {(m, t, s): v for (m, t), v in EXPECTED.items() for s in (0, 1)}
    assert (outcome.computed, outcome.reused) == (12, 0)
    assert watcher.nodes_seen == {0, 1}, "both nodes ran sandboxes"
    assert not watcher.own.left()
    stored = ResultStore(tmp_path).load("mini-div-zero", "gold", 1)
    assert stored is not None and stored.key.image_id == docker_images.image_id("python")
    assert stored.analysis is not None  # analysed on the worker, as the local pool does

    again = run(on_cluster(tmp_path, two_nodes, samples=2), prepare_images, quiet())
    assert (again.computed, again.reused) == (0, 12)
    local = run(on_cluster(tmp_path, two_nodes, samples=2, executor=Executor.LOCAL),
                prepare_images, quiet())  # fmt: skip
    assert (local.computed, local.reused) == (0, 12), "the pool reuses what the cluster graded"


def test_a_worker_killed_mid_attempt_is_retried_and_recorded_once(
    tmp_path: Path, two_nodes: LocalCluster, docker_images: ImageSet
) -> None:
    watcher = Watcher(two_nodes, kill=True)
    watcher.start()
    try:
        outcome = run(on_cluster(tmp_path, two_nodes, model_specs=("gold",), samples=3),
                      prepare_images, quiet())  # fmt: skip
    finally:
        watcher.done.set()
        watcher.join()
    assert watcher.killed is not None, "no worker was seen holding a sandbox"
    assert [r.status for r in outcome.results] == [Status.RESOLVED] * 6
    files = sorted(tmp_path.glob("results/*/*/sample-*.json"))
    assert len(files) == 6  # each attempt recorded once, the killed one included
    assert not watcher.own.left(), "the killed worker's sandbox was removed"


def test_a_node_without_an_engine_is_set_aside_and_the_healthy_node_runs_the_rest(
    tmp_path: Path, healthy_and_engineless: LocalCluster, docker_images: ImageSet
) -> None:
    """An engineless node used to take attempts until the run ended, each failing at once, so
    it swallowed most of a run: after FAILURES_IN_A_ROW it is set aside, and the console says
    which node and why."""
    console, out = recording()
    outcome = run(on_cluster(tmp_path, healthy_and_engineless, model_specs=("gold",),
                             samples=5), prepare_images, console)  # fmt: skip
    failed = [r for r in outcome.results if r.status is Status.SANDBOX_ERROR]
    assert len(outcome.results) == 10
    assert len(failed) == FAILURES_IN_A_ROW, "the engineless node took attempts until set aside"
    assert all("no Docker engine answers" in r.reason for r in failed)
    assert {r.status for r in outcome.results} - {Status.SANDBOX_ERROR} == {Status.RESOLVED}
    bad = healthy_and_engineless.nodes[1].node_id
    said = " ".join(out.getvalue().split())
    assert f"node {bad[:12]}" in said and "set aside" in said and "no Docker engine" in said


def test_when_every_node_is_set_aside_the_rest_end_as_sandbox_errors_saying_why(
    tmp_path: Path, engineless_node: LocalCluster, docker_images: ImageSet
) -> None:
    """A node without an engine fails its attempts as `sandbox_error` with the reason, and
    they are stored; once it is set aside, the attempts left end saying why."""
    outcome = run(on_cluster(tmp_path, engineless_node, model_specs=("gold",), samples=4),
                  prepare_images, quiet())  # fmt: skip
    assert [r.status for r in outcome.results] == [Status.SANDBOX_ERROR] * 8
    tried = [r for r in outcome.results if r.reason.startswith("on node")]
    assert len(tried) == FAILURES_IN_A_ROW
    assert all("no Docker engine answers" in r.reason for r in tried)
    for result in outcome.results:
        if result not in tried:
            assert result.reason.startswith("not run: every node of the cluster")
            assert "set aside" in result.reason and "no Docker engine answers" in result.reason
    stored = ResultStore(tmp_path).load("mini-div-zero", "gold", 0)
    assert stored is not None and stored.status is Status.SANDBOX_ERROR


def recording() -> tuple[Console, io.StringIO]:
    """A console that keeps what the run says."""
    out = io.StringIO()
    return Console(file=out, width=300), out


def test_ctrl_c_on_the_driver_cancels_the_clusters_attempts(
    tmp_path: Path, two_nodes: LocalCluster, docker_images: ImageSet
) -> None:
    argv = [sys.executable, "-m", "codebench", "run", "--suite", "mini", "--tasks-dir",
            str(FIXTURE_TASKS), "--model", "gold", "--samples", "20", "--run-dir",
            str(tmp_path), "--executor", "ray", "--ray-address", two_nodes.address]  # fmt: skip
    driver = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    own = OwnContainers()
    deadline = time.monotonic() + 120
    while not any(parent_of(pid) != driver.pid for _, pid in own.look()):
        assert driver.poll() is None, driver.stderr.read().decode() if driver.stderr else ""
        assert time.monotonic() < deadline, "no attempt of the cluster opened a sandbox"
        time.sleep(0.02)
    driver.send_signal(signal.SIGINT)
    _, stderr = driver.communicate(timeout=120)
    assert driver.returncode == 130, stderr.decode()
    assert b"cancelled" in stderr
    assert not own.left(), "every sandbox of the cluster's attempts is gone"
    done = len(list(tmp_path.glob("results/*/*/sample-*.json")))
    assert done < 40, "the run stopped before its end"


def test_without_an_address_the_run_starts_and_stops_a_cluster_of_its_own(
    tmp_path: Path, docker_images: ImageSet
) -> None:
    argv = [sys.executable, "-m", "codebench", "run", "--suite", "mini", "--tasks-dir",
            str(FIXTURE_TASKS), "--model", "gold", "--run-dir", str(tmp_path),
            "--executor", "ray", "--workers", "2"]  # fmt: skip
    mark = f"codebench-test-{uuid.uuid4().hex}"  # inherited by every process the run starts
    env = {**os.environ, "CODEBENCH_TEST_MARK": mark}
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr.decode()
    assert b"2 attempt(s) evaluated" in done.stdout + done.stderr
    assert '"executor": "ray"' in (tmp_path / "leaderboard.json").read_text()
    deadline = time.monotonic() + 20
    while (left := marked_processes(mark)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not left, f"processes of the run's cluster still running: {left}"


def marked_processes(mark: str) -> list[int]:
    """Live processes whose environment holds `mark`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                environ = (entry / "environ").read_bytes()
            except OSError:
                continue
            if f"CODEBENCH_TEST_MARK={mark}".encode() in environ:
                found.append(int(entry.name))
    return found
