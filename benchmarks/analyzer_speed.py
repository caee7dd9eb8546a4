"""Analyzer speed: analysing a patch versus bare `libcst.parse_module` of its changed files.

For every core task, the model patch is `gold+style` (gold plus a flaw) scored against the
gold. Both are timed in the same run, interleaved, and compared as a ratio; per-repository work
(style profile, parsed modules, function shapes) is cached, so the steady state is what a run
with many samples pays. The first, cold analysis of each repository is reported apart.

    .venv/bin/python benchmarks/analyzer_speed.py [--rounds 5]

Target: at most 2x the parse time.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import libcst

from codebench.analysis import RepoTree, analyze
from codebench.analysis.diffs import file_diffs
from codebench.analysis.facts import facts
from codebench.models import TaskView, get_model
from codebench.tasks import load_suite

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    """Time both sides per task, several rounds, and print the ratio of medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    tasks = load_suite("core", ROOT / "tasks")
    gold = {t.id: t.gold_patch for t in tasks}
    model = get_model("gold+style", gold)
    cases = []
    for task in tasks:
        patch = model.propose(TaskView(task.id, task.spec.instruction, task.repo_dir)).patch
        repo = RepoTree.from_dir(task.repo_dir)
        texts = [t for d in file_diffs(patch, repo.files.get) for t in (d.old, d.new) if t]
        gold_texts = [d.new for d in file_diffs(task.gold_patch, repo.files.get) if d.new]
        known = [*repo.files.values(), *gold_texts]  # what earlier samples of a run have seen
        cases.append((repo, patch, task.gold_patch, texts, known))

    cold_start = time.perf_counter()
    for repo, patch, gold_patch, _, _ in cases:
        analyze(repo, patch, gold_patch)
    cold = time.perf_counter() - cold_start

    parse_rounds, analyse_rounds = [], []
    for _ in range(args.rounds):
        start = time.perf_counter()
        for _, _, _, texts, _ in cases:
            for text in texts:
                libcst.parse_module(text)
        parse_rounds.append(time.perf_counter() - start)
        # each sample's patched files are new to the analyzer; the starting tree and the gold
        # patch's files are not (every earlier sample of the run read them)
        facts.cache_clear()
        for *_, known in cases:
            for text in known:
                facts(text)
        start = time.perf_counter()
        for repo, patch, gold_patch, _, _ in cases:
            analyze(repo, patch, gold_patch)
        analyse_rounds.append(time.perf_counter() - start)

    parse, analyse = statistics.median(parse_rounds), statistics.median(analyse_rounds)
    n = len(cases)
    print(f"{n} patches, median of {args.rounds} rounds")
    print(f"libcst.parse_module, changed files before+after  {parse / n * 1000:7.1f} ms/patch")
    print(f"analyze (starting tree and gold already read)    {analyse / n * 1000:7.1f} ms/patch")
    print(f"ratio {analyse / parse:.2f}x  (target <= 2x)")
    print(f"first pass, caches cold: {cold / n * 1000:.1f} ms/patch (includes per-repo work)")


if __name__ == "__main__":
    main()
