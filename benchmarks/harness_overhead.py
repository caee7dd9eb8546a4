"""Harness overhead: `codebench run --model gold` against a hand-written floor, as ratios.

The floor is the least any harness must do per task: one `docker run --network none` that copies
the repository in, applies the gold patch and the hidden tests with `git apply`, and runs pytest.
Both are measured in the same run, interleaved, and compared as ratios (machines are noisy).

    .venv/bin/python benchmarks/harness_overhead.py [--suite core] [--rounds 3]

Targets: one worker within 1.25x of the floor; two workers at least 1.6x the throughput of one.
Measured grading only (--no-analysis) and with the edit analysis every run does by default.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from codebench.grading.grade import pytest_command
from codebench.sandbox.image import prepare_images
from codebench.tasks import Task, load_suite
from codebench.tasks.tree import iter_tree

ROOT = Path(__file__).resolve().parent.parent


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
    floor: list[float] = []
    floor_two: list[float] = []
    runs: dict[tuple[int, bool], list[float]] = {(w, a): [] for w in (1, 2) for a in (False, True)}
    for round_number in range(1, args.rounds + 1):
        floor.append(floor_seconds(tasks, image))
        floor_two.append(floor_seconds(tasks, image, parallel=2))
        for (workers, analysis), times in runs.items():
            times.append(harness_seconds(args.suite, workers, analysis))
        shown = ", ".join(f"{w}w{'+a' if a else ''} {t[-1]:.1f}s" for (w, a), t in runs.items())
        print(
            f"round {round_number}: floor {floor[-1]:.1f}s, two at once {floor_two[-1]:.1f}s,"
            f" {shown}"
        )
    n, f = len(tasks), statistics.median(floor)
    ceiling = f / statistics.median(floor_two)
    print(f"\n{n} tasks, median of {args.rounds} rounds; floor {f / n:.3f} s/task")
    print(f"the floor two at a time: {ceiling:.2f}x one at a time (what two workers could gain)")
    for analysis in (False, True):
        one, two = (statistics.median(runs[(w, analysis)]) for w in (1, 2))
        label = "with edit analysis" if analysis else "grading only (--no-analysis)"
        print(f"{label}:")
        print(f"  1 worker   {one / n:.3f} s/task  ratio to floor {one / f:.2f}x (target <= 1.25x)")
        print(f"  2 workers  {two / n:.3f} s/task  speed-up {one / two:.2f}x (target >= 1.6x)")


if __name__ == "__main__":
    main()
