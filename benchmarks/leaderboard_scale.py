"""Leaderboard at scale: `codebench leaderboard RUN_DIR` on a run of N stored results, versus
reading and JSON-parsing the same files.

A run directory of `--models` x `--tasks` x `--samples` results (default 6 x 420 x 8 = 20,160)
is written to a temporary folder with the project's own `TaskResult` and `ResultStore`, each
result sized like a real one (a patch, a reply, a test log tail, a dozen test outcomes, an
analysis). Then, each in a fresh subprocess (so that peak RSS is its own):

- the baseline reads every result file and `json.loads` it;
- the leaderboard is `republish(run_dir)`, the function `codebench leaderboard` calls.

Each prints its wall time and its peak RSS (`resource.getrusage` maxrss); the leaderboard's
peak Python allocation is also measured with tracemalloc in a second, separate subprocess
(tracemalloc slows the code it traces, so its time is not the one reported).

    .venv/bin/python benchmarks/leaderboard_scale.py [--models 6 --tasks 420 --samples 8]
        [--run-dir DIR]  (generated there if it holds no results, else reused; kept)

Target: at most 2 s and 200 MiB on 20,000 results.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zlib
from datetime import UTC, datetime
from pathlib import Path

from codebench.analysis import EditAnalysis, Finding, FindingKind
from codebench.analysis.style import ConventionDrift
from codebench.grading import TestOutcome
from codebench.grading.junit import TestStatus
from codebench.models import Usage
from codebench.results import ResultKey, Status, TaskResult
from codebench.runner import ResultStore
from codebench.runner.store import RESULT_GLOB, RESULTS_DIR
from codebench.tasks import Category, Scope

ROOT = Path(__file__).resolve().parent.parent
WHEN = datetime(2026, 1, 1, tzinfo=UTC)
PATCH = "".join(
    f"--- a/pkg/mod{i}.py\n+++ b/pkg/mod{i}.py\n@@ -1,4 +1,5 @@\n def f{i}(x):\n"
    f"-    return x\n+    if x is None:\n+        return 0\n+    return x + {i}\n"
    for i in range(12)
)
REPLY = "I changed the function so it handles None.\n\n```diff\n" + PATCH + "```\n"
LOG = "".join(f"tests/test_mod.py::test_case_{i} PASSED [{i}%]\n" for i in range(40))
STATUSES = [Status.RESOLVED, Status.UNRESOLVED, Status.RESOLVED, Status.APPLY_FAILED]


def analysis(scope: Scope, seed: int) -> EditAnalysis:
    """An analysis with a few entries in each list, like a real patch's."""
    finding = Finding(path="pkg/a.py", line=seed % 90 + 1, name="f", kind=FindingKind.STALE_CALL)
    return EditAnalysis(
        scope=scope,
        files_changed=[f"pkg/mod{i}.py" for i in range(3)],
        entities_changed=[f"pkg/mod{i}.py::f{i}" for i in range(3)],
        entity_precision=(seed % 10) / 10,
        entity_recall=1.0,
        file_precision=1.0,
        file_recall=(seed % 5) / 4,
        out_of_scope_churn=(seed % 7) / 7,
        excess_edit_distance=0.1,
        cosmetic_entities=["pkg/mod1.py::f1"],
        docstring_comment_loss=[],
        renamed_names=[],
        style_drift=(seed % 3) / 3,
        style_detail=[
            ConventionDrift(
                convention="quotes",
                repo_value="double",
                consistency=0.9,
                added_observations=4,
                breaking_share=0.0,
            )
        ],
        stale_call_sites=[finding],
        undefined_names=[],
        reinvented_helpers=[],
        syntax_errors=[],
    )


def make_result(model: str, task: int, sample: int) -> TaskResult:
    """One graded attempt; status and analysis vary with the model, the task and the sample."""
    scope = Scope.LOCAL if task % 3 else Scope.GLOBAL
    seed = zlib.crc32(f"{model}/{task}/{sample}".encode()) & 0xFFFF
    status = STATUSES[(task * 7 + sample + len(model)) % len(STATUSES)]
    return TaskResult(
        task_id=f"task-{task:04d}",
        scope=scope,
        category=Category.BUG_FIX,
        model=model,
        sample=sample,
        key=ResultKey(
            task_hash=f"{task:064x}",
            patch_sha256=f"{seed:064x}",
            image_id="sha256:" + "a" * 64,
            harness_version="1",
        ),
        status=status,
        tests=tuple(
            TestOutcome(
                test_id=f"tests/test_mod.py::test_case_{i}",
                status=TestStatus.PASSED if status is Status.RESOLVED else TestStatus.FAILED,
                fail_to_pass=i < 3,
            )
            for i in range(12)
        ),
        eval_seconds=3.0,
        log_tail=LOG,
        effective_patch=PATCH,
        patch=PATCH,
        reply=REPLY,
        usage=Usage(input_tokens=4000, output_tokens=600),
        cost_usd=0.01,
        model_seconds=5.0,
        analysis=analysis(scope, seed) if status is not Status.APPLY_FAILED else None,
        finished_at=WHEN,
    )


def generate(run_dir: Path, models: int, tasks: int, samples: int) -> int:
    """Write the run's result files; return how many."""
    store = ResultStore(run_dir)
    count = 0
    for m in range(models):
        model = f"model-{m}"
        for task in range(tasks):
            for sample in range(samples):
                store.save(make_result(model, task, sample), model)
                count += 1
    return count


def child_baseline(run_dir: Path) -> None:
    """Read and parse every result file; print seconds and peak RSS."""
    start = time.perf_counter()
    parsed = [json.loads(p.read_bytes()) for p in (run_dir / RESULTS_DIR).glob(RESULT_GLOB)]
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "rss": _maxrss(), "files": len(parsed)}))


def child_leaderboard(run_dir: Path, traced: bool) -> None:
    """Run the function `codebench leaderboard` runs; print seconds and peak RSS (or, traced,
    the peak of tracemalloc)."""
    from codebench.report import republish

    if traced:
        tracemalloc.start()
    start = time.perf_counter()
    published = republish(run_dir)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    samples = sum(entry.samples for entry in published.board.models)
    print(json.dumps({"seconds": seconds, "rss": _maxrss(), "traced": peak, "samples": samples}))


def _maxrss() -> int:
    """Peak resident set size of this process, in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _child(*args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=True, cwd=ROOT
    )
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    """Generate the run, time both sides in fresh processes, and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=6)
    parser.add_argument("--tasks", type=int, default=420)
    parser.add_argument("--samples", type=int, default=8)
    parser.add_argument("--child", choices=["baseline", "leaderboard", "traced"])
    parser.add_argument("--run-dir", type=Path)
    args = parser.parse_args()
    if args.child == "baseline":
        child_baseline(args.run_dir)
        return
    if args.child is not None:
        child_leaderboard(args.run_dir, args.child == "traced")
        return
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = args.run_dir or Path(tmp)
        if args.run_dir is None or not (run_dir / RESULTS_DIR).is_dir():
            start = time.perf_counter()
            count = generate(run_dir, args.models, args.tasks, args.samples)
            print(f"{count} results written in {time.perf_counter() - start:.1f} s")
        size = sum(p.stat().st_size for p in (run_dir / RESULTS_DIR).glob(RESULT_GLOB))
        print(f"{size / 2**20:.0f} MiB of result files in {run_dir}")
        where = ["--run-dir", str(run_dir)]
        base = _child("--child", "baseline", *where)
        board = _child("--child", "leaderboard", *where)
        traced = _child("--child", "traced", *where)
    mib = 2**20
    for name, figures in (("read + json.loads every file", base), ("codebench leaderboard", board)):
        print(f"{name:30} {figures['seconds']:6.2f} s  peak RSS {figures['rss'] / mib:5.0f} MiB")
    print(f"  tracemalloc peak (separate run) {traced['traced'] / mib:5.0f} MiB")
    print(
        f"ratio {board['seconds'] / base['seconds']:.1f}x the read time"
        f"  (target: <= 2 s and <= 200 MiB on 20,000 results)"
    )


if __name__ == "__main__":
    main()
