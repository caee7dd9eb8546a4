"""Analysis CPU: the CPU seconds one cold analysis of a core-task patch costs, against a bare
`libcst.parse_module` of the files the patch leaves behind.

This is the cost that competes with the sandboxes for the cores when `codebench run` grades
with two workers (`harness_overhead.py`): the worker process analyses each attempt's patch
with the starting tree's style profile already computed (the runner prefetches it while the
sandbox grades) and every per-text cache cold (each task is a new tree). So, per core task:
`prepare_snapshot`, drop the per-text caches, then time `analyze(tree, patch, gold)` in CPU
seconds (`time.process_time`: the libcst threads included). The baseline, timed in the same
run and interleaved, is libcst's parse of the patched files, which the syntax check needs and
no analysis that reports libcst's verdict can skip.

    .venv/bin/python benchmarks/analysis_cpu.py [--rounds 5] [--model gold]

Target (issue 14): about 40 ms of CPU per core patch.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import libcst

from codebench.analysis import RepoTree, analyze, prepare_snapshot
from codebench.analysis.diffs import file_diffs
from codebench.analysis.names import forget_texts
from codebench.models import TaskView, get_model
from codebench.tasks import Scope, load_suite

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Case:
    repo: RepoTree
    patch: str
    gold: str
    scope: Scope
    patched: list[str]  # the Python files the patch leaves behind


def load_cases(model_spec: str) -> list[Case]:
    """One case per core task: the model's patch, its starting tree prepared as in a run."""
    tasks = load_suite("core", ROOT / "tasks")
    model = get_model(model_spec, {t.id: t.gold_patch for t in tasks})
    cases = []
    for task in tasks:
        patch = model.propose(TaskView(task.id, task.spec.instruction, task.repo_dir)).patch
        repo = RepoTree.from_dir(task.repo_dir)
        prepare_snapshot(repo)
        patched = [d.new for d in file_diffs(patch, repo.files.get) if d.is_python and d.new]
        cases.append(Case(repo, patch, task.gold_patch, task.scope, patched))
    return cases


def analysis_cpu(case: Case) -> float:
    """CPU seconds of one analysis with every per-text cache cold."""
    forget_texts()
    start = time.process_time()
    analyze(case.repo, case.patch, case.gold, case.scope)
    return time.process_time() - start


def parse_cpu(case: Case) -> float:
    """CPU seconds of libcst's parse of the patched files."""
    start = time.process_time()
    for text in case.patched:
        libcst.parse_module(text)
    return time.process_time() - start


def main() -> None:
    """Time both sides per task, several rounds, and print medians and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--model", default="gold", help="a reference model (default: gold)")
    args = parser.parse_args()
    cases = load_cases(args.model)
    for case in cases:  # imports and per-repository work, out of the timings
        analysis_cpu(case)
    analyses, parses = [], []
    for _ in range(args.rounds):
        parses.append(sum(parse_cpu(case) for case in cases))
        analyses.append(sum(analysis_cpu(case) for case in cases))
    n = len(cases)
    analysis, parse = statistics.median(analyses), statistics.median(parses)
    print(f"{n} core patches ({args.model}), median of {args.rounds} rounds, CPU per patch")
    print(f"libcst.parse_module of the patched files   {parse / n * 1000:7.1f} ms")
    print(f"analyze, per-text caches cold               {analysis / n * 1000:7.1f} ms")
    print(f"ratio {analysis / parse:.2f}x the parse (target: about 40 ms per patch)")


if __name__ == "__main__":
    main()
