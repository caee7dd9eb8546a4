"""The local pool against a Ray cluster on one machine, and how a run's cost grows.

1. Overhead: the same attempts (gold on the suite, grading only) through `--executor local`
   and `--executor ray` against a cluster already running on loopback (as a cluster serves a
   whole night), interleaved round by round, as a ratio of wall times; and once with the
   cluster started by the run itself (what `--executor ray` without an address costs).
2. Growth: attempts = tasks x models x samples on the cluster; the wall time of each shape and
   its seconds per attempt, which stay flat when the cost grows linearly.

    .venv/bin/python benchmarks/scale.py [--suite core] [--rounds 2] [--workers 2]

Needs a Docker engine (`make setup`) and ray (`pip install 'codebench[ray]'`).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console

from codebench.cli.common import prepare_images
from codebench.runner import Executor, RunSettings, run
from codebench.runner.cluster.driver import LOOPBACK_VARIABLE, SLOT_RESOURCE
from codebench.tasks import load_suite

ROOT = Path(__file__).resolve().parent.parent
MODELS = ("gold", "gold+style", "gold+rename", "gold+reformat")
QUIET = Console(file=open(os.devnull, "w"))  # noqa: SIM115 (the run's progress, unwanted)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def loopback_cluster(slots: int) -> Iterator[str]:
    """`ray start --head --block` on loopback with `slots` sandbox slots; its address. Ended
    (its whole process group, which this script started) on exit."""
    env = {**os.environ, LOOPBACK_VARIABLE: "0", "RAY_USAGE_STATS_ENABLED": "0"}
    port = free_port()
    head = subprocess.Popen(
        [str(Path(sys.executable).parent / "ray"), "start", "--head", "--block",
         f"--port={port}", "--node-ip-address=127.0.0.1", f"--num-cpus={slots}",
         f'--resources={{"{SLOT_RESOURCE}": {slots}}}', "--include-dashboard=false",
         "--disable-usage-stats"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        _wait_for(port, head)
        yield f"127.0.0.1:{port}"
    finally:
        os.killpg(head.pid, 15)
        head.wait(timeout=60)


def _wait_for(port: int, head: subprocess.Popen[bytes], seconds: float = 60) -> None:
    """Until the head's GCS port answers; raises when the head exits or takes too long."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if head.poll() is not None:
            raise SystemExit(f"ray start --head exited with {head.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                time.sleep(2)  # the raylet registers after the GCS listens
                return
        time.sleep(0.2)
    raise SystemExit(f"the Ray head did not listen on 127.0.0.1:{port} within {seconds:.0f} s")


def timed(settings: RunSettings) -> float:
    start = time.monotonic()
    outcome = run(settings, prepare_images, QUIET)
    assert outcome.reused == 0, "a fresh run dir computes every attempt"
    return time.monotonic() - start


def settings_for(
    suite: str, run_dir: Path, workers: int, executor: Executor, address: str | None, **more: object
) -> RunSettings:
    return RunSettings(
        suite=suite, tasks_root=ROOT / "tasks", run_dir=run_dir, model_specs=("gold",),
        workers=workers, analyse=False, executor=executor, ray_address=address,
        **more,  # type: ignore[arg-type]
    )  # fmt: skip


def overhead(suite: str, rounds: int, workers: int, address: str, scratch: Path) -> None:
    tasks = len(load_suite(suite, ROOT / "tasks"))
    pool, cluster = [], []
    for number in range(rounds):
        local = settings_for(suite, scratch / f"local-{number}", workers, Executor.LOCAL, None)
        ray = settings_for(suite, scratch / f"ray-{number}", workers, Executor.RAY, address)
        pool.append(timed(local) / tasks)
        cluster.append(timed(ray) / tasks)
        print(f"round {number + 1}: local {pool[-1]:.3f} s/attempt, ray {cluster[-1]:.3f}")
    started = settings_for(suite, scratch / "ray-started", workers, Executor.RAY, None)
    with_start = timed(started)
    local_mean, ray_mean = statistics.mean(pool), statistics.mean(cluster)
    print(f"\n{tasks} attempts x {rounds} rounds, {workers} workers, grading only")
    print(f"local pool:             {local_mean:.3f} s/attempt")
    print(f"ray, running cluster:   {ray_mean:.3f} s/attempt  ratio {ray_mean / local_mean:.2f}x")
    print(f"ray, cluster per run:   {with_start / tasks:.3f} s/attempt "
          f"({with_start:.1f} s, the cluster's start included)")  # fmt: skip


def growth(suite: str, workers: int, address: str, scratch: Path) -> None:
    all_tasks = [task.id for task in load_suite(suite, ROOT / "tasks")]
    shapes = [(10, 1, 1), (20, 1, 1), (10, 2, 1), (10, 1, 2), (20, 2, 2), (10, 4, 2)]
    print("\ntasks models samples attempts   wall s  s/attempt")
    for tasks, models, samples in shapes:
        run_dir = scratch / f"grow-{tasks}-{models}-{samples}"
        settings = settings_for(
            suite, run_dir, workers, Executor.RAY, address,
            task_ids=tuple(all_tasks[:tasks]), samples=samples,
        )  # fmt: skip
        settings = RunSettings(**{**vars(settings), "model_specs": MODELS[:models]})
        attempts = tasks * models * samples
        wall = timed(settings)
        print(f"{tasks:5} {models:6} {samples:7} {attempts:8} {wall:8.1f} {wall / attempts:10.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", default="core")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault(LOOPBACK_VARIABLE, "0")
    with (
        tempfile.TemporaryDirectory(prefix="codebench-scale-") as scratch,
        loopback_cluster(args.workers) as address,
    ):
        overhead(args.suite, args.rounds, args.workers, address, Path(scratch))
        growth(args.suite, args.workers, address, Path(scratch))


if __name__ == "__main__":
    main()
