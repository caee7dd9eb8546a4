"""Harness overhead: `codebench run --model gold` against a hand-written floor, as ratios.

The floor is the least any harness must do per task: one `docker run --network none` that copies
the repository in, applies the gold patch and the hidden tests with `git apply`, and runs pytest.
Both are measured in the same run, interleaved, and compared as ratios (machines are noisy).

    .venv/bin/python benchmarks/harness_overhead.py [--suite core] [--rounds 3]

Targets: one worker within 1.25x of the floor; two workers at least 1.6x the throughput of one.
Measured grading only (--no-analysis) and with the edit analysis every run does by default.

On Linux it also reads the machine's busy CPU time (/proc/stat) over each measurement: the
core-seconds a task costs, whoever spends them (the engine, the containers, codebench). Two
workers cannot finish sooner than that CPU spread over the cores allows, so the last lines
print, for each configuration, the most two workers could gain over its one-worker time.
"""

from __future__ import annotations

import argparse
import functools
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from codebench.grading.grade import pytest_command
from codebench.sandbox.image import prepare_images
from codebench.tasks import Task, load_suite
from codebench.tasks.tree import iter_tree

ROOT = Path(__file__).resolve().parent.parent
PROC_STAT = Path("/proc/stat")


def busy_core_seconds() -> float | None:
    """CPU time the whole machine has spent busy since boot, in core-seconds (None off Linux):
    every field of the `cpu` line of /proc/stat but idle and iowait."""
    try:
        fields = [int(v) for v in PROC_STAT.read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return (sum(fields) - fields[3] - fields[4]) / ticks


class Measured:
    """Wall times and busy core-seconds of repeated measurements of one configuration."""

    def __init__(self) -> None:
        self.walls: list[float] = []
        self.cpus: list[float] = []

    def add(self, measure: Callable[[], float]) -> float:
        """Run `measure` (which returns its wall time) and record it and the CPU it used."""
        before = busy_core_seconds()
        wall = measure()
        after = busy_core_seconds()
        self.walls.append(wall)
        if before is not None and after is not None:
            self.cpus.append(after - before)
        return wall

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float | None:
        return statistics.median(self.cpus) if self.cpus else None


def task_archive(task: Task) -> bytes:
    """The repository plus both patches, as a tar stream for `docker run -i`."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        files = {f"repo/{name}": data for name, data in iter_tree(task.repo_dir)}
        files["gold.patch"] = task.gold_patch.encode()
        files["tests.patch"] = task.tests_patch.encode()
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def floor_seconds(tasks: list[Task], image: str, parallel: int = 1) -> float:
    """Wall time of the hand-written floor over all tasks, `parallel` at a time: with 2, the
    most two workers could gain on this machine (its cores, its engine)."""
    start = time.monotonic()
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(lambda task: _floor_one(task, image), tasks))
    return time.monotonic() - start


def _floor_one(task: Task, image: str) -> None:
    """The floor for one task."""
    files = (test_id.split("::", 1)[0] for test_id in task.spec.test_ids)
    command = pytest_command(task.spec.test_command, "/tmp/junit.xml", files)
    script = (
        "cd /tmp && tar x && cd repo && git apply ../gold.patch && git apply ../tests.patch"
        f" && {command} >/dev/null"
    )
    subprocess.run(
        ["docker", "run", "--rm", "-i", "--network", "none", image, "sh", "-c", script],
        input=task_archive(task),
        check=True,
        capture_output=True,
    )


def harness_seconds(suite: str, workers: int, analysis: bool = True) -> float:
    """Wall time of a fresh `codebench run --model gold` (nothing reused)."""
    with tempfile.TemporaryDirectory() as run_dir:
        start = time.monotonic()
        argv = [sys.executable, "-m", "codebench", "run", "--suite", suite, "--model", "gold"]
        argv += ["--workers", str(workers), "--run-dir", run_dir]
        argv += [] if analysis else ["--no-analysis"]
        subprocess.run(argv, cwd=ROOT, check=True, capture_output=True)
        return time.monotonic() - start


def main() -> None:
    """Measure interleaved rounds and print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", default="core")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    tasks = load_suite(args.suite, ROOT / "tasks")
    image = prepare_images({"python"}, ROOT / "sandboxes", print).image_id("python")
    floor, floor_two = Measured(), Measured()
    runs = {(w, a): Measured() for w in (1, 2) for a in (False, True)}
    for round_number in range(1, args.rounds + 1):
        floor.add(lambda: floor_seconds(tasks, image))
        floor_two.add(lambda: floor_seconds(tasks, image, parallel=2))
        for (workers, analysis), measured in runs.items():
            measured.add(functools.partial(harness_seconds, args.suite, workers, analysis))
        shown = ", ".join(
            f"{w}w{'+a' if a else ''} {m.walls[-1]:.1f}s" for (w, a), m in runs.items()
        )
        print(
            f"round {round_number}: floor {floor.walls[-1]:.1f}s,"
            f" two at once {floor_two.walls[-1]:.1f}s, {shown}"
        )
    n, f = len(tasks), floor.wall
    print(f"\n{n} tasks, median of {args.rounds} rounds; floor {f / n:.3f} s/task")
    print(f"the floor two at a time: {f / floor_two.wall:.2f}x one at a time")
    for analysis in (False, True):
        one, two = runs[(1, analysis)], runs[(2, analysis)]
        label = "with edit analysis" if analysis else "grading only (--no-analysis)"
        print(f"{label}:")
        ratio, speed_up = one.wall / f, one.wall / two.wall
        print(
            f"  1 worker   {one.wall / n:.3f} s/task  ratio to floor {ratio:.2f}x (target <= 1.25x)"
        )
        print(f"  2 workers  {two.wall / n:.3f} s/task  speed-up {speed_up:.2f}x (target >= 1.6x)")
    cores = os.cpu_count() or 1
    print(f"\nCPU per task (busy core-seconds of the whole machine; {cores} cores), and the most")
    print("two workers could gain over one worker's time if they kept every core busy:")
    for name, measured, one_wall in [
        ("floor", floor, f),
        ("floor two at a time", floor_two, f),
        *[
            (f"{w} worker(s){' +analysis' if a else ''}", m, runs[(1, a)].wall)
            for (w, a), m in runs.items()
        ],
    ]:
        cpu = measured.cpu
        if cpu is None:
            continue
        bound = one_wall / max(cpu / min(2, cores), 1e-9)
        print(f"  {name:24} {cpu / n:.3f} core-s/task  at most {bound:.2f}x")


if __name__ == "__main__":
    main()
