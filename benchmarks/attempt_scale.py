"""One attempt against repository size: `codebench run --model gold` on one generated task per
size, against the hand-written floor (one `docker run` that copies the tree in, applies both
patches with `git apply` and runs the task's tests), measured in the same run.

Sizes 2k, 20k, 100k and 300k lines (`synthetic_repo.py`). "cold" is a fresh process's first
attempt on a tree never seen (process start, the host-side base commit, cold analysis); "new
process" is the same again, with what is kept on disk (archive, per-snapshot analysis) reused;
"warm" is the cost of each further attempt on the same snapshot in one process, from
`--samples 1` and `--samples N` in one worker: (T_N - T_1) / (N - 1). Each size gets empty
caches on disk (analysis, archives). Bytes are what goes into one container: our archive (tree,
base commit) against the floor's (tree, patches).

    .venv/bin/python benchmarks/attempt_scale.py [--sizes 2000,20000] [--samples 4] [--no-analysis]

Targets (issue 14): warm <= 1.5x the floor at every size, cold <= 3x at 300k; bytes <= 1.1x.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness_overhead import task_archive
from synthetic_repo import write_repo

from codebench.grading.grade import pytest_command
from codebench.patching.render import render_diff
from codebench.sandbox.checkout import checkout_archive
from codebench.sandbox.image import prepare_images
from codebench.tasks import Task, load_suite

ROOT = Path(__file__).resolve().parent.parent
TEST_FILE = "tests/test_scale.py"
TESTS = (
    "from pkg0.mod1 import helper_1_0\n\n\n"
    "def test_helper_adds_two():\n    assert helper_1_0(1) == 3\n\n\n"
    "def test_helper_is_monotonic():\n    assert helper_1_0(2) > helper_1_0(1)\n"
)
TASK_TOML = """id = "{id}"
title = "helper_1_0 adds two"
instruction = "In pkg0/mod1.py, helper_1_0 must add two, not one."
scope = "local"
category = "bug_fix"
repo = "{repo}"
image = "python"
test_command = "python3 -m pytest -p no:cacheprovider -q"
fail_to_pass = ["tests/test_scale.py::test_helper_adds_two"]
pass_to_pass = ["tests/test_scale.py::test_helper_is_monotonic"]
timeout = 300
"""


def make_task(root: Path, lines: int) -> Task:
    """A suite `scale` under `root` holding one task on a generated repository of `lines`."""
    repo = f"scale{lines}"
    files = write_repo(root / "repos" / repo, lines)
    module = files["pkg0/mod1.py"]
    gold = render_diff(files, {"pkg0/mod1.py": module.replace("return x + 1", "return x + 2")})
    task_dir = root / "scale" / f"scale-{lines}"
    task_dir.mkdir(parents=True)
    (task_dir / "task.toml").write_text(TASK_TOML.format(id=task_dir.name, repo=repo))
    (task_dir / "gold.patch").write_text(gold)
    (task_dir / "tests.patch").write_text(render_diff({}, {TEST_FILE: TESTS}))
    return load_suite("scale", root)[0]


def floor_seconds(task: Task, image: str) -> float:
    """Wall time of the floor for one attempt."""
    command = pytest_command(task.spec.test_command, "/tmp/junit.xml", [TEST_FILE])
    script = (
        "cd /tmp && tar x && cd repo && git apply ../gold.patch && git apply ../tests.patch"
        f" && {command} >/dev/null"
    )
    argv = ["docker", "run", "--rm", "-i", "--network", "none", image, "sh", "-c", script]
    start = time.monotonic()
    subprocess.run(argv, input=task_archive(task), check=True, capture_output=True)
    return time.monotonic() - start


def run_seconds(tasks_dir: Path, samples: int, analysis: bool) -> float:
    """Wall time of a fresh `codebench run --model gold` with `samples` attempts, one worker,
    its caches on disk under `tasks_dir` (empty for a new size)."""
    env = {
        **os.environ,
        "CODEBENCH_CACHE_DIR": str(tasks_dir / "cache"),
        "CODEBENCH_CHECKOUTS": str(tasks_dir / "checkouts"),
    }
    with tempfile.TemporaryDirectory() as run_dir:
        argv = [sys.executable, "-m", "codebench", "run", "--suite", "scale", "--model", "gold"]
        argv += ["--tasks-dir", str(tasks_dir), "--run-dir", run_dir, "--workers", "1"]
        argv += ["--samples", str(samples), *([] if analysis else ["--no-analysis"])]
        start = time.monotonic()
        subprocess.run(argv, cwd=ROOT, env=env, check=True, capture_output=True)
        return time.monotonic() - start


def measure(lines: int, samples: int, analysis: bool, image: str) -> None:
    """Print one size's figures."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        task = make_task(root, lines)
        floor = min(floor_seconds(task, image) for _ in range(2))
        cold = run_seconds(root, 1, analysis)  # a new tree: nothing kept in memory or on disk
        one = run_seconds(root, 1, analysis)  # a new process on a known tree
        many = run_seconds(root, samples, analysis)
        warm = (many - one) / (samples - 1)
        ours = len(checkout_archive(task.repo_dir, 1000))
        theirs = len(task_archive(task))
        print(
            f"{lines:>7} lines | floor {floor:6.2f} s | cold {cold:6.2f} s ({cold / floor:5.2f}x) "
            f"| new process {one:6.2f} s ({one / floor:5.2f}x) "
            f"| warm {warm:6.2f} s ({warm / floor:5.2f}x) | bytes {ours / theirs:.2f}x "
            f"({ours // 1000} kB / {theirs // 1000} kB)"
        )


def main() -> None:
    """Measure every size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,20000,100000,300000")
    parser.add_argument("--samples", type=int, default=4)
    parser.add_argument("--no-analysis", action="store_true")
    args = parser.parse_args()
    image = prepare_images({"python"}, ROOT / "sandboxes", print).image_id("python")
    print(f"analysis {'off' if args.no_analysis else 'on'}, {args.samples} samples for warm")
    for size in (int(s) for s in args.sizes.split(",")):
        measure(size, args.samples, not args.no_analysis, image)


if __name__ == "__main__":
    main()
